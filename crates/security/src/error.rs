//! Errors of the security crate.

/// What can go wrong outside a sign-in (see [`crate::LoginError`] for that).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule (username, password policy, role, token name).
    #[error("{0}")]
    Invalid(String),
    /// The name is taken.
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(flode_store::Error),
    /// Hashing or the system's random source failed.
    #[error("cryptography failed: {0}")]
    Crypto(String),
}

impl From<flode_store::Error> for Error {
    fn from(e: flode_store::Error) -> Self {
        match e {
            flode_store::Error::Conflict(m) => Self::Conflict(m),
            e => Self::Store(e),
        }
    }
}
