//! Where a case stands, read from its process instance (the one source of truth), in the
//! words the citizen and the social worker see.

use flode_store::InstanceState;
use serde::Serialize;
use serde_json::{Map, Value};

/// A case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Registered; data is being fetched and the need calculated.
    Received,
    /// A social worker is to decide.
    WithCaseWorker,
    /// Decided; the letter and the payment follow.
    Decided,
    /// Decided and the applicant told.
    Closed,
    /// Stopped without a decision.
    Cancelled,
}

impl CaseStatus {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Received => "Mottagen",
            CaseStatus::WithCaseWorker => "Handläggs",
            CaseStatus::Decided => "Beslutad",
            CaseStatus::Closed => "Avslutad",
            CaseStatus::Cancelled => "Avbruten",
        }
    }

    /// What it means, for the citizen.
    pub fn explanation(self) -> &'static str {
        match self {
            CaseStatus::Received => {
                "Vi har tagit emot din ansökan och hämtar uppgifter för att räkna ut ditt behov."
            }
            CaseStatus::WithCaseWorker => "En handläggare går igenom din ansökan.",
            CaseStatus::Decided => "Beslut är fattat. Du får beslutet här på Mina sidor.",
            CaseStatus::Closed => "Ärendet är avslutat. Beslutet finns under ärendet.",
            CaseStatus::Cancelled => {
                "Ärendet avbröts utan beslut. Kontakta socialtjänsten om du har frågor."
            }
        }
    }
}

/// The status of a case whose process instance is in `state` with these variables;
/// `open_decision_task` if the decision task waits for a person.
pub fn status_of(
    state: InstanceState,
    variables: &Map<String, Value>,
    open_decision_task: bool,
) -> CaseStatus {
    match state {
        InstanceState::Completed => CaseStatus::Closed,
        InstanceState::Terminated | InstanceState::Canceled => CaseStatus::Cancelled,
        InstanceState::Active if variables.contains_key("beslut") => CaseStatus::Decided,
        InstanceState::Active if open_decision_task => CaseStatus::WithCaseWorker,
        InstanceState::Active => CaseStatus::Received,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn status_follows_the_process() {
        let none = Map::new();
        let mut decided = Map::new();
        decided.insert("beslut".into(), json!({"utfall": "bifall"}));
        assert_eq!(
            status_of(InstanceState::Active, &none, false),
            CaseStatus::Received
        );
        assert_eq!(
            status_of(InstanceState::Active, &none, true),
            CaseStatus::WithCaseWorker
        );
        assert_eq!(
            status_of(InstanceState::Active, &decided, false),
            CaseStatus::Decided
        );
        assert_eq!(
            status_of(InstanceState::Completed, &decided, false),
            CaseStatus::Closed
        );
        assert_eq!(
            status_of(InstanceState::Canceled, &none, false),
            CaseStatus::Cancelled
        );
    }
}
