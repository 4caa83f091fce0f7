//! The crate's one error type.

/// What can go wrong running SimIFO or using its inspection handle.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SQLite database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A page template failed to render (a bug in the sim).
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    /// Serving HTTP failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A personnummer that is not on the test whitelist (identifiers.md §5): SimIFO holds
    /// synthetic data only.
    #[error("{0} is not a whitelisted test personnummer")]
    NotTestIdentity(String),
    /// The person, case or other record asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// Input to the inspection or seeding API that the sim cannot store.
    #[error("invalid: {0}")]
    Invalid(String),
}
