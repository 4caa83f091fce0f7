//! Engine errors, each mapping to one kind of API answer.

/// What an engine call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model cannot be deployed; every problem is listed.
    #[error("the model cannot be deployed:\n{}", .problems.join("\n"))]
    Invalid {
        /// One line per problem, naming the element and its id.
        problems: Vec<String>,
    },
    /// The caller's input is wrong (variables not an object, too large, …).
    #[error("{0}")]
    BadRequest(String),
    /// Something named does not exist.
    #[error("{what} {id:?} not found")]
    NotFound {
        /// Kind.
        what: &'static str,
        /// Id or key.
        id: String,
    },
    /// The state changed underneath (task already completed, job lease lost, …).
    #[error("{0}")]
    Conflict(String),
    /// Stored state the engine cannot read.
    #[error("internal: {0}")]
    Internal(String),
    /// The database failed.
    #[error(transparent)]
    Store(flode_store::Error),
}

impl From<flode_store::Error> for Error {
    fn from(e: flode_store::Error) -> Self {
        match e {
            flode_store::Error::NotFound { what, id } => Error::NotFound { what, id },
            flode_store::Error::Conflict(m) => Error::Conflict(m),
            other => Error::Store(other),
        }
    }
}
