//! The error type of `flode-decision`.
//!
//! Every message is English and names the expression, decision or decision service it is
//! about, so that an incident raised by the engine can be understood without a debugger.

/// Errors from parsing or evaluating FEEL expressions and DMN models.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The FEEL expression is not syntactically valid.
    #[error("cannot parse FEEL expression `{expression}`: {message}")]
    Parse {
        /// The FEEL source text.
        expression: String,
        /// What dsntk reported.
        message: String,
    },
    /// The FEEL expression was evaluated, but evaluation failed (dsntk reports an error as a
    /// null carrying a message), the result cannot be represented in JSON, or a condition
    /// did not return a boolean.
    #[error("cannot evaluate FEEL expression `{expression}`: {message}")]
    Evaluation {
        /// The FEEL source text.
        expression: String,
        /// What went wrong.
        message: String,
    },
    /// The DMN XML is malformed, invalid against the DMN schema, or cannot be compiled.
    #[error("invalid DMN model: {message}")]
    Model {
        /// What dsntk reported.
        message: String,
    },
    /// No decision has the requested id or name.
    #[error("the DMN model has no decision with id or name `{name}`")]
    UnknownDecision {
        /// The id or name that was asked for.
        name: String,
    },
    /// No decision service has the requested id or name.
    #[error("the DMN model has no decision service with id or name `{name}`")]
    UnknownDecisionService {
        /// The id or name that was asked for.
        name: String,
    },
    /// A decision or decision service was evaluated, but evaluation failed, or its result
    /// cannot be represented in JSON.
    #[error("cannot evaluate {kind} `{name}`: {message}")]
    DecisionEvaluation {
        /// `decision` or `decision service`.
        kind: &'static str,
        /// The name of the decision or decision service.
        name: String,
        /// What went wrong.
        message: String,
    },
}
