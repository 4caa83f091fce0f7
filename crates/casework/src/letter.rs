//! The decision letter (beslutsbrev) of a case: the decision (`beslut`) and the calculation
//! (`berakning`) on the case's process, as the content model of `flode-letters`.

use flode_forsorjningsstod::{CostKind, IncomeKind};
use flode_letters::{CalculationRow, DecisionLetter, Outcome, Recipient};
use flode_store::CaseRecord;
use serde_json::{Map, Value};

use crate::Error;
use crate::answers::month_name;

/// Who decided, when the automated decision function did (the process's script task).
pub const AUTOMATED_DECIDER: &str = "automatiserad beslutsfunktion";

/// The provision a decision rests on when it names none (the automated path names none).
pub const DEFAULT_LAGRUM: &str = "4 kap. 1 § socialtjänstlagen (2025:400)";

/// The deciding authority, as printed on letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// e.g. "Demokommunen, Socialtjänsten".
    pub name: String,
    /// Postal address, one line each; appeals are sent there.
    pub address: Vec<String>,
    /// How to reach the social services with questions.
    pub contact: String,
}

impl Default for Authority {
    fn default() -> Self {
        Self {
            name: "Demokommunen, Socialtjänsten".into(),
            address: vec!["Box 1".into(), "100 00 Demostad".into()],
            contact: "Socialtjänstens mottagning, telefon 0100-00 00 00".into(),
        }
    }
}

/// The letter for `case`, from its process `variables` (`beslut`, and `berakning` when
/// there is one), dated `date` (`YYYY-MM-DD`). No decision is [`Error::Corrupt`]: the
/// letter job runs only after one.
pub fn decision_letter(
    case: &CaseRecord,
    variables: &Map<String, Value>,
    authority: &Authority,
    date: &str,
) -> Result<DecisionLetter, Error> {
    let beslut = variables
        .get("beslut")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            Error::Corrupt(format!(
                "ärende {}: beslutet (variabeln beslut) saknas, så inget beslutsbrev kan skapas",
                case.case_number
            ))
        })?;
    let text = |name: &str| beslut.get(name).and_then(Value::as_str).map(str::trim);
    let outcome = match text("utfall") {
        Some("bifall") => Outcome::Bifall,
        Some("delvis_bifall") => Outcome::DelvisBifall,
        Some("avslag") => Outcome::Avslag,
        other => {
            return Err(Error::Corrupt(format!(
                "ärende {}: okänt utfall i beslutet: {other:?}",
                case.case_number
            )));
        }
    };
    let amount = match outcome {
        Outcome::Avslag => None,
        Outcome::Bifall | Outcome::DelvisBifall => {
            Some(kronor(beslut.get("belopp")).ok_or_else(|| {
                Error::Corrupt(format!(
                    "ärende {}: beslutet saknar beviljat belopp",
                    case.case_number
                ))
            })?)
        }
    };
    let decided_by = text("fattatAv").unwrap_or_default();
    let automated = decided_by == AUTOMATED_DECIDER;
    let mut lagrum: Vec<String> = beslut
        .get("lagrum")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if lagrum.is_empty() {
        lagrum.push(DEFAULT_LAGRUM.to_owned());
    }
    let period = month_name(&case.month);
    let motivering = match text("motivering") {
        Some(m) if !m.is_empty() => m.to_owned(),
        // A decision states its reasons (FL 32 §); the automated path may carry none.
        _ => match outcome {
            Outcome::Avslag => "Dina inkomster räcker till ditt behov enligt riksnormen.".into(),
            Outcome::Bifall | Outcome::DelvisBifall => {
                "Ditt behov är större än dina inkomster enligt riksnormen.".into()
            }
        },
    };
    let (calculation, mut totals) = match variables.get("berakning") {
        Some(berakning) => calculation(&case.case_number, berakning)?,
        None => (Vec::new(), Vec::new()),
    };
    if !totals.is_empty() || amount.is_some() {
        totals.push(("Att betala ut".into(), amount.unwrap_or(0)));
    }
    Ok(DecisionLetter {
        authority: authority.name.clone(),
        authority_address: authority.address.clone(),
        case_number: case.case_number.clone(),
        date: date.to_owned(),
        recipient: Recipient {
            name: case.applicant_name.clone(),
            // The case holds no postal address; the letter is read under Mina sidor.
            address: Vec::new(),
        },
        subject: format!("Beslut om ekonomiskt bistånd (försörjningsstöd) för {period}"),
        outcome,
        amount,
        period,
        motivering,
        lagrum,
        calculation,
        totals,
        decided_by: if automated {
            "Automatiserad beslutsfunktion (socialnämndens delegation)".into()
        } else {
            decided_by.to_owned()
        },
        automated,
        contact: authority.contact.clone(),
    })
}

/// Whole kronor from a JSON number (FEEL may give `4590.0`).
fn kronor(value: Option<&Value>) -> Option<i64> {
    let value = value?;
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.is_finite() && f.fract() == 0.0)
            // Whole and finite: the cast is exact within the range of amounts.
            .map(|f| f as i64)
    })
}

/// Sums under the calculation, as (label, kronor).
type Totals = Vec<(String, i64)>;

/// The rows and sums of the serialized `flode_forsorjningsstod::Calculation`.
fn calculation(
    case_number: &str,
    berakning: &Value,
) -> Result<(Vec<CalculationRow>, Totals), Error> {
    let corrupt = |what: String| Error::Corrupt(format!("ärende {case_number}: berakning{what}"));
    let mut rows = Vec::new();
    if let Some(list) = berakning.get("rows").and_then(Value::as_array) {
        for (i, row) in list.iter().enumerate() {
            let s = |name: &str| row.get(name).and_then(Value::as_str).unwrap_or_default();
            let amount = kronor(row.get("amount"))
                .ok_or_else(|| corrupt(format!(".rows[{i}].amount saknas")))?;
            rows.push(CalculationRow {
                section: section_name(s("section")).to_owned(),
                label: row_label(s("kind"), row.get("member").and_then(Value::as_str)),
                amount,
                reason: printable(s("reason")),
            });
        }
    }
    let mut totals = Vec::new();
    for (field, label) in [("need", "Behov"), ("income", "Inkomster som räknas")] {
        if let Some(v) = kronor(berakning.get(field)) {
            totals.push((label.to_owned(), v));
        }
    }
    Ok((rows, totals))
}

fn section_name(code: &str) -> &'static str {
    match code {
        "norm" => "Riksnorm",
        "cost" => "Kostnader utanför normen",
        "income" => "Inkomster",
        _ => "Övrigt",
    }
}

/// A row's Swedish label, with the member it concerns.
fn row_label(kind: &str, member: Option<&str>) -> String {
    let what = match kind {
        "personal_cost" => "Personlig kostnad".to_owned(),
        "common_cost" => "Gemensamma hushållskostnader".to_owned(),
        "adults_only_norm" => "Riksnorm".to_owned(),
        "job_stimulus" => "Jobbstimulans".to_owned(),
        other => CostKind::from_code(other)
            .map(CostKind::label)
            .or_else(|| IncomeKind::from_code(other).map(IncomeKind::label))
            .unwrap_or(other)
            .to_owned(),
    };
    match member.map(member_name) {
        Some(who) => format!("{what}, {who}"),
        None => what,
    }
}

/// `sokande` → "sökande", `barn2` → "barn 2" (the ids of `household.rs`).
fn member_name(id: &str) -> String {
    match id {
        crate::answers::APPLICANT => "sökande".into(),
        crate::answers::CO_APPLICANT => "medsökande".into(),
        other => match other.strip_prefix("barn") {
            Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                format!("barn {n}")
            }
            _ => other.to_owned(),
        },
    }
}

/// The calculation's reasons use the minus sign (U+2212), which the letter's font lacks.
fn printable(text: &str) -> String {
    text.replace('\u{2212}', "-")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn case() -> CaseRecord {
        CaseRecord {
            id: "c1".into(),
            case_number: "EB-2026-000001".into(),
            kind: "forsorjningsstod".into(),
            applicant: "199204722020".into(),
            applicant_name: "Testa Testsson".into(),
            application_id: "a1".into(),
            instance_id: "i1".into(),
            month: "2026-12".into(),
            received_at: 0,
            due_at: 0,
        }
    }

    fn berakning() -> Value {
        json!({
            "month": "2026-12",
            "rows": [
                {"section": "norm", "kind": "personal_cost", "member": "sokande", "amount": 3470,
                 "reason": "Personlig kostnad, ensamstående vuxen (Riksnorm 2026)"},
                {"section": "norm", "kind": "common_cost", "amount": 1380,
                 "reason": "Gemensamma hushållskostnader, 1 380 kr för 1 person (Riksnorm 2026)"},
                {"section": "cost", "kind": "housing", "applied": 6850, "amount": 6850,
                 "reason": "Boendekostnad: sökt och godkänt belopp"},
                {"section": "income", "kind": "salary", "member": "sokande", "amount": 8000,
                 "reason": "Lön efter skatt räknas som inkomst"},
                {"section": "income", "kind": "job_stimulus", "member": "sokande", "amount": -2000,
                 "reason": "Jobbstimulans: ( 2 \u{2212} 1 )"}
            ],
            "norm_total": 4850, "costs_total": 6850, "need": 11700, "income": 6000,
            "result": 5700, "outcome": "deficit", "support": 5700, "reason": "…"
        })
    }

    fn vars(beslut: Value) -> Map<String, Value> {
        let mut v = Map::new();
        v.insert("beslut".into(), beslut);
        v.insert("berakning".into(), berakning());
        v
    }

    #[test]
    fn a_granted_decision_with_its_calculation() {
        let v = vars(json!({
            "utfall": "bifall", "belopp": 5700, "motivering": "Behovet är styrkt.",
            "lagrum": ["Socialtjänstlagen (2025:400) om rätt till ekonomiskt bistånd"],
            "fattatAv": "anna"
        }));
        let letter =
            decision_letter(&case(), &v, &Authority::default(), "2026-12-04").expect("letter");
        assert_eq!(
            letter.subject,
            "Beslut om ekonomiskt bistånd (försörjningsstöd) för december 2026"
        );
        assert_eq!(letter.outcome, Outcome::Bifall);
        assert_eq!(letter.amount, Some(5700));
        assert_eq!(letter.recipient.name, "Testa Testsson");
        assert!(!letter.automated);
        assert_eq!(letter.decided_by, "anna");
        assert_eq!(letter.lagrum.len(), 1);
        assert_eq!(letter.calculation.len(), 5);
        assert_eq!(letter.calculation[0].section, "Riksnorm");
        assert_eq!(letter.calculation[0].label, "Personlig kostnad, sökande");
        assert_eq!(letter.calculation[2].label, "Boendekostnad");
        assert_eq!(letter.calculation[3].label, "Lön efter skatt, sökande");
        assert_eq!(letter.calculation[4].amount, -2000);
        assert!(!letter.calculation[4].reason.contains('\u{2212}'));
        assert_eq!(
            letter.totals,
            vec![
                ("Behov".to_owned(), 11700),
                ("Inkomster som räknas".to_owned(), 6000),
                ("Att betala ut".to_owned(), 5700)
            ]
        );
        let pdf = flode_letters::render_pdf(&letter).expect("pdf");
        assert!(pdf.starts_with(b"%PDF"));
    }

    #[test]
    fn a_refusal_grants_nothing() {
        let v = vars(json!({
            "utfall": "avslag", "belopp": 0, "motivering": "Inkomsterna täcker behovet.",
            "lagrum": [], "fattatAv": "anna"
        }));
        let letter =
            decision_letter(&case(), &v, &Authority::default(), "2026-12-04").expect("letter");
        assert_eq!(letter.outcome, Outcome::Avslag);
        assert_eq!(letter.amount, None);
        assert_eq!(letter.lagrum, vec![DEFAULT_LAGRUM.to_owned()]);
        assert_eq!(letter.totals.last(), Some(&("Att betala ut".to_owned(), 0)));
        let text = flode_letters::render_text(&letter);
        assert!(text.contains("avslås"), "{text}");
    }

    #[test]
    fn an_automated_decision_says_so_and_rests_on_the_default_lagrum() {
        let v = vars(json!({
            "utfall": "bifall", "belopp": 5700.0,
            "motivering": "Återkommande ansökan utan förändringar.",
            "fattatAv": AUTOMATED_DECIDER
        }));
        let letter =
            decision_letter(&case(), &v, &Authority::default(), "2026-12-04").expect("letter");
        assert!(letter.automated);
        assert_eq!(letter.amount, Some(5700));
        assert_eq!(letter.lagrum, vec![DEFAULT_LAGRUM.to_owned()]);
        assert_eq!(letter.motivering, "Återkommande ansökan utan förändringar.");
        let text = flode_letters::render_text(&letter);
        assert!(text.contains("Automatiserat beslut"), "{text}");
        flode_letters::render_pdf(&letter).expect("pdf");
    }

    #[test]
    fn no_decision_is_corrupt_and_says_what_is_missing() {
        let mut v = Map::new();
        v.insert("berakning".into(), berakning());
        let err = decision_letter(&case(), &v, &Authority::default(), "2026-12-04")
            .expect_err("no beslut");
        assert!(
            matches!(&err, Error::Corrupt(m) if m.contains("beslut") && m.contains("EB-2026-000001")),
            "{err}"
        );
        // A granted decision must name its amount.
        let v = vars(json!({"utfall": "bifall", "motivering": "x", "fattatAv": "anna"}));
        assert!(decision_letter(&case(), &v, &Authority::default(), "2026-12-04").is_err());
    }
}
