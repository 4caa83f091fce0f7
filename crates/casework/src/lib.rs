//! Casework for ekonomiskt bistånd: the citizen's application (one topic per page, drafts,
//! submission), the case it becomes (case number, deadline, status read from its process),
//! and what a social worker does with it (read log, journal, decision).
//!
//! HTTP lives in `flode-web`, SQL in `flode-store`; this crate holds the rules between them.

mod answers;
mod attachments;
mod correspondence;
mod decision;
mod household;
mod letter;
mod service;
mod ssbtek_incomes;
mod status;
pub mod swedish_time;

pub use answers::{
    APPLICANT, Answers, CO_APPLICANT, COSTS, Child, ChildrenAction, FieldProblem, Form, INCOMES,
    Page, SummaryRow, child_text, cost_field, income_field, month_name,
};
pub use attachments::{
    ATTACHMENT_FIELD, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, check_attachment, sniff,
};
pub use correspondence::{MAX_MESSAGE_CHARS, message_body};
pub use decision::{Decision, LAGRUM, Outcome};
pub use household::{age_in, household};
pub use letter::{AUTOMATED_DECIDER, Authority, DEFAULT_LAGRUM, decision_letter};
pub use service::{
    CaseDetail, CaseSummary, Casework, CaseworkOptions, Citizen, DECISION_TASK, NO_CALCULATION,
    NO_CALCULATION_ERROR, open_months_at,
};
pub use ssbtek_incomes::{WithSsbtek, with_ssbtek_incomes};
pub use status::{CaseStatus, status_of};

/// The models that carry a case (crates/casework/processes/), as (resource name, XML):
/// decisions first, so that the process calling them deploys. `flode serve` deploys them
/// on every start; open them in Camunda Modeler (8) to change them.
pub const MODELS: [(&str, &str); 2] = [
    (
        "forsorjningsstod-delegation.dmn",
        include_str!("../processes/forsorjningsstod-delegation.dmn"),
    ),
    (
        "forsorjningsstod.bpmn",
        include_str!("../processes/forsorjningsstod.bpmn"),
    ),
];

/// The case type of försörjningsstöd.
pub const KIND: &str = "forsorjningsstod";

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input has problems; each names its field.
    #[error("invalid input: {}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    /// No such thing (or not the asker's).
    #[error("{0} finns inte")]
    NotFound(&'static str),
    /// The application is already submitted and cannot change.
    #[error("the application is already submitted")]
    AlreadySubmitted,
    /// The case does not wait for a decision (decided already, or still being prepared).
    #[error("the case is not waiting for a decision")]
    NotAwaitingDecision,
    /// Stored data could not be read.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The engine failed.
    #[error(transparent)]
    Engine(#[from] flode_engine::Error),
}

impl From<flode_store::Error> for Error {
    fn from(e: flode_store::Error) -> Self {
        Error::Engine(e.into())
    }
}
