//! A social worker's decision on an application: outcome, amount, motivering and lagrum,
//! checked field by field (FL 32 §: a decision states its reasons).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::answers::{FieldProblem, Form};

/// The outcome of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Bifall: granted as applied for.
    Bifall,
    /// Delvis bifall: partly granted.
    DelvisBifall,
    /// Avslag: refused.
    Avslag,
}

impl Outcome {
    /// Every outcome, in the order offered.
    pub const ALL: [Outcome; 3] = [Outcome::Bifall, Outcome::DelvisBifall, Outcome::Avslag];

    /// Stored form.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Bifall => "bifall",
            Outcome::DelvisBifall => "delvis_bifall",
            Outcome::Avslag => "avslag",
        }
    }

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Bifall => "Bifall",
            Outcome::DelvisBifall => "Delvis bifall",
            Outcome::Avslag => "Avslag",
        }
    }

    /// The outcome with this code.
    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// The provisions a decision on försörjningsstöd may rest on (SoL 2025:400; the notes mark
/// the chapter for the right to bistånd as unconfirmed, so the text is data to review).
pub const LAGRUM: [&str; 2] = [
    "4 kap. 1 § socialtjänstlagen (2025:400)",
    "12 kap. 7 § socialtjänstlagen (2025:400) (riksnormen)",
];

/// Longest motivering kept.
const MAX_MOTIVERING: usize = 4000;

/// A decision as stored on the case's process (`beslut`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The outcome.
    pub utfall: Outcome,
    /// Kronor granted (0 for avslag).
    pub belopp: i64,
    /// Why, in plain Swedish.
    pub motivering: String,
    /// The provisions applied.
    pub lagrum: Vec<String>,
    /// Who decided.
    pub fattat_av: String,
}

impl Decision {
    /// Reads the decision form; every problem is returned.
    pub fn from_form(form: &Form, decided_by: &str) -> Result<Decision, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let field = |name: &str| form.get(name).map_or("", |v| v.trim());
        let utfall = Outcome::from_code(field("utfall"));
        if utfall.is_none() {
            problems.push(FieldProblem::new(
                "utfall",
                "problem-missing-outcome",
                "Välj beslut: bifall, delvis bifall eller avslag",
            ));
        }
        let raw: String = field("belopp")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let belopp = match (utfall, raw.parse::<i64>()) {
            (Some(Outcome::Avslag), _) => 0,
            (_, Ok(v)) if v > 0 => v,
            (None, _) => 0,
            _ => {
                problems.push(FieldProblem::new(
                    "belopp",
                    "problem-decision-amount",
                    "Ange beviljat belopp i hela kronor, större än 0",
                ));
                0
            }
        };
        let motivering = field("motivering");
        if motivering.is_empty() {
            problems.push(FieldProblem::new(
                "motivering",
                "problem-missing-reasons",
                "Skriv en motivering: skälen för beslutet (förvaltningslagen 32 §)",
            ));
        } else if motivering.chars().count() > MAX_MOTIVERING {
            problems.push(
                FieldProblem::new(
                    "motivering",
                    "problem-reasons-too-long",
                    format!("Motiveringen får vara högst {MAX_MOTIVERING} tecken"),
                )
                .arg("max", MAX_MOTIVERING),
            );
        }
        let lagrum: Vec<String> = LAGRUM
            .iter()
            .enumerate()
            .filter(|(i, _)| form.get(&format!("lagrum-{i}")).is_some_and(|v| v == "ja"))
            .map(|(_, l)| (*l).to_owned())
            .collect();
        if lagrum.is_empty() {
            problems.push(FieldProblem::new(
                "lagrum-0",
                "problem-missing-provision",
                "Välj minst ett lagrum som beslutet grundar sig på",
            ));
        }
        match utfall {
            Some(utfall) if problems.is_empty() => Ok(Decision {
                utfall,
                belopp,
                motivering: motivering.to_owned(),
                lagrum,
                fattat_av: decided_by.to_owned(),
            }),
            _ => Err(problems),
        }
    }

    /// As a process variable.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Form {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_decision_needs_outcome_amount_reasons_and_lagrum() {
        let err = Decision::from_form(&form(&[]), "Anna").expect_err("rejected");
        let fields: Vec<&str> = err.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["utfall", "motivering", "lagrum-0"]);
        let err = Decision::from_form(
            &form(&[
                ("utfall", "bifall"),
                ("belopp", "0"),
                ("motivering", "x"),
                ("lagrum-0", "ja"),
            ]),
            "Anna",
        )
        .expect_err("rejected");
        assert_eq!(err[0].field, "belopp");
        let d = Decision::from_form(
            &form(&[
                ("utfall", "avslag"),
                ("motivering", "Inkomsterna täcker behovet."),
                ("lagrum-0", "ja"),
            ]),
            "Anna",
        )
        .expect("ok");
        assert_eq!((d.utfall, d.belopp), (Outcome::Avslag, 0));
        assert_eq!(d.to_value()["utfall"], "avslag");
        assert_eq!(d.to_value()["fattatAv"], "Anna");
    }
}
