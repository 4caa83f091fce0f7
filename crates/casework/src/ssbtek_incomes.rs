//! SSBTEK's payments into the calculation: what the agencies paid the applicant in the
//! kontrollperiod (the month before the month applied for, ekonomiskt-bistand.md §4) is
//! counted, named by source, wherever it is more than the applicant declared of that kind.
//! Taking the larger figure never pays more than the declaration alone would; each such
//! difference is also listed as a deviation, which keeps the case from being decided
//! automatically (a person compares the application with the agencies' data).

use std::collections::BTreeMap;

use flode_forsorjningsstod::IncomeKind;
use serde_json::{Value, json};

use crate::answers::APPLICANT;

/// The household with SSBTEK's incomes, and the deviations found.
#[derive(Debug, Clone, PartialEq)]
pub struct WithSsbtek {
    /// The calculation's input (`hushall`), incomes adjusted.
    pub hushall: Value,
    /// One Swedish line per income kind where SSBTEK reports more than the application.
    pub deviations: Vec<String>,
}

/// The income kind of an SSBTEK payment (`source`, `slag`).
fn kind_of(source: &str, slag: &str) -> IncomeKind {
    match (source, slag) {
        ("SO", _) => IncomeKind::UnemploymentBenefit,
        (_, "FK:SJP") => IncomeKind::SicknessBenefit,
        (_, "FK:FP") => IncomeKind::ParentalBenefit,
        (_, "FK:ABB") => IncomeKind::ChildBenefit,
        (_, "FK:BOB") => IncomeKind::HousingAllowance,
        (_, "FK:UHS") => IncomeKind::MaintenanceSupport,
        (_, s) if s.starts_with("PM:") => IncomeKind::Pension,
        _ => IncomeKind::OtherCounted,
    }
}

fn payer(source: &str, slag: &str) -> &'static str {
    match source {
        "SO" => "a-kassan",
        _ if slag.starts_with("PM:") => "Pensionsmyndigheten",
        "FK" => "Försäkringskassan",
        _ => "annan myndighet",
    }
}

/// `YYYY-MM` of the month before `month`.
fn previous(month: &str) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    Some(if m <= 1 {
        format!("{:04}-12", y - 1)
    } else {
        format!("{y:04}-{:02}", m - 1)
    })
}

/// Adds SSBTEK's payments in the kontrollperiod to `hushall` (see the module docs).
/// Without a readable month or any payments, `hushall` is returned unchanged.
pub fn with_ssbtek_incomes(hushall: &Value, ssbtek: &Value) -> WithSsbtek {
    let unchanged = || WithSsbtek {
        hushall: hushall.clone(),
        deviations: Vec::new(),
    };
    let Some(kontroll) = hushall
        .get("month")
        .and_then(Value::as_str)
        .and_then(previous)
    else {
        return unchanged();
    };
    // Per kind: the sum paid and where it came from.
    let mut paid: BTreeMap<&'static str, (IncomeKind, i64, Vec<String>)> = BTreeMap::new();
    for p in ssbtek
        .get("inkomster")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default();
        let (Some(amount), date) = (
            p.get("belopp").and_then(Value::as_i64),
            text("utbetalningsdatum"),
        ) else {
            continue;
        };
        if !date.starts_with(&kontroll) || amount <= 0 {
            continue;
        }
        let kind = kind_of(text("source"), text("slag"));
        let entry = paid.entry(kind.code()).or_insert((kind, 0, Vec::new()));
        entry.1 += amount;
        entry.2.push(format!(
            "{}, utbetalt {date}",
            payer(text("source"), text("slag"))
        ));
    }
    if paid.is_empty() {
        return unchanged();
    }
    let mut out = hushall.clone();
    let incomes: Vec<Value> = out
        .get("incomes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let declared = |code: &str| -> i64 {
        incomes
            .iter()
            .filter(|i| i["member"] == APPLICANT && i["kind"] == code)
            .filter_map(|i| i["amount"].as_i64())
            .sum()
    };
    let replaced: Vec<(&str, i64)> = paid
        .iter()
        .map(|(code, (_, sum, _))| (*code, *sum, declared(code)))
        .filter(|(_, sum, said)| sum > said)
        .map(|(code, _, said)| (code, said))
        .collect();
    let mut kept: Vec<Value> = incomes
        .into_iter()
        .filter(|i| {
            let kind = i["kind"].as_str().unwrap_or_default();
            !(i["member"] == APPLICANT && replaced.iter().any(|(code, _)| *code == kind))
        })
        .collect();
    let mut added = Vec::new();
    let mut deviations = Vec::new();
    for (code, said) in &replaced {
        let (kind, sum, from) = &paid[code];
        deviations.push(format!(
            "{}: {sum} kr enligt SSBTEK, {said} kr i ansökan",
            kind.label()
        ));
        added.push(json!({
            "member": APPLICANT,
            "kind": code,
            "amount": sum,
            "source": format!("SSBTEK, {}; i ansökan {said} kr", from.join("; ")),
        }));
    }
    kept.extend(added);
    out["incomes"] = Value::Array(kept);
    WithSsbtek {
        hushall: out,
        deviations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hushall(incomes: Value) -> Value {
        json!({"month": "2026-12", "members": [{"id": "sokande", "role": "applicant", "age": 34}], "incomes": incomes})
    }

    fn ssbtek(rows: Value) -> Value {
        json!({"inkomster": rows})
    }

    #[test]
    fn payments_in_the_kontrollperiod_count_where_more_than_declared() {
        let h = hushall(json!([{"member": "sokande", "kind": "salary", "amount": 2000}]));
        let s = ssbtek(json!([
            {"source": "SO", "slag": "akassa", "utbetalningsdatum": "2026-11-28", "belopp": 9000},
            {"source": "SO", "slag": "akassa", "utbetalningsdatum": "2026-12-28", "belopp": 9500},
            {"source": "FK", "slag": "FK:ABB", "utbetalningsdatum": "2026-11-20", "belopp": 1250}
        ]));
        let out = with_ssbtek_incomes(&h, &s);
        let incomes = out.hushall["incomes"].as_array().expect("incomes").clone();
        assert_eq!(incomes.len(), 3, "{incomes:?}");
        let akassa = incomes
            .iter()
            .find(|i| i["kind"] == "unemployment_benefit")
            .expect("a-kassa");
        assert_eq!(akassa["amount"], 9000, "only the kontrollperiod (november)");
        assert!(
            akassa["source"]
                .as_str()
                .is_some_and(|s| s.contains("a-kassan, utbetalt 2026-11-28"))
        );
        assert_eq!(out.deviations.len(), 2);
        assert!(out.deviations[0].contains("SSBTEK"), "{:?}", out.deviations);
    }

    #[test]
    fn a_declared_amount_at_least_as_large_stays_and_is_no_deviation() {
        let h =
            hushall(json!([{"member": "sokande", "kind": "unemployment_benefit", "amount": 9000}]));
        let s = ssbtek(json!([
            {"source": "SO", "slag": "akassa", "utbetalningsdatum": "2026-11-28", "belopp": 9000}
        ]));
        let out = with_ssbtek_incomes(&h, &s);
        assert_eq!(out.hushall, h);
        assert!(out.deviations.is_empty());
    }

    #[test]
    fn january_looks_at_december_and_nothing_paid_changes_nothing() {
        assert_eq!(previous("2027-01").as_deref(), Some("2026-12"));
        let h = hushall(json!([]));
        assert_eq!(
            with_ssbtek_incomes(&h, &json!({"inkomster": []})).hushall,
            h
        );
        assert_eq!(with_ssbtek_incomes(&h, &Value::Null).hushall, h);
    }
}
