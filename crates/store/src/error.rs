//! Store errors.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The URL names no supported backend.
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    /// The database could not be reached.
    #[error("cannot connect to {0}: {1}")]
    Connect(String, #[source] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A row that must exist does not.
    #[error("{what} {id} not found")]
    NotFound {
        /// Kind of record.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// Someone else changed the record first (optimistic lock, or a job no longer leased).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored JSON value could not be read.
    #[error("corrupt stored value in {what}: {source}")]
    Corrupt {
        /// Where.
        what: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A database error of a read on the calling thread (SQLite, `inline.rs`).
    #[error("database error: {0}")]
    Inline(#[source] rusqlite::Error),
}
