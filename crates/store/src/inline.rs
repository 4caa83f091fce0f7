//! Reads on SQLite run on the calling thread, for the e-service's hottest read.
//!
//! sqlx runs every SQLite statement on a worker thread of its connection: a message there
//! and a wake-up back, two thread switches, which cost more than the statement itself when
//! it reads a few cached pages. Every signed-in e-service page reads its session (and the
//! application it is about), so that read runs here instead, on read-only connections of
//! rusqlite's (the same SQLite library sqlx links) that the calling thread uses directly.
//! In WAL mode a reader never waits for the writer, and such a read takes microseconds, so
//! running it on an async worker thread blocks nothing for long. Each statement is its own
//! read transaction: it sees everything committed before it, as sqlx's readers do.
//!
//! Only for a database file: an in-memory database is private to its connection, and
//! PostgreSQL has no such cost to save.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::Error;

/// How long a read waits for a lock (a checkpoint's), as the store's other connections.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Read-only connections to one SQLite file, opened when first needed and kept open.
#[derive(Debug)]
pub(crate) struct InlineReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl InlineReads {
    /// For `sqlite://FILE` (or `sqlite:FILE`, options after `?` ignored); `None` for an
    /// in-memory database or another backend.
    pub(crate) fn for_url(url: &str) -> Option<Self> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") || url.contains("mode=memory") {
            return None;
        }
        Some(Self {
            path: PathBuf::from(path),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Runs `read` on an idle connection, or a new one. A connection whose read failed is
    /// closed rather than kept, so that a broken one is never handed out again.
    pub(crate) fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let idle = self.idle.lock().map_or(None, |mut idle| idle.pop());
        let connection = match idle {
            Some(c) => c,
            None => self.open()?,
        };
        let result = read(&connection).map_err(Error::Inline)?;
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(connection);
        }
        Ok(result)
    }

    fn open(&self) -> Result<Connection, Error> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(Error::Inline)?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(Error::Inline)?;
        Ok(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::InlineReads;

    #[test]
    fn only_a_database_file_is_read_inline() {
        let path = |url: &str| InlineReads::for_url(url).map(|r| r.path);
        assert_eq!(
            path("sqlite:///tmp/f.db?mode=rwc"),
            Some("/tmp/f.db".into())
        );
        assert_eq!(path("sqlite://flode.db"), Some("flode.db".into()));
        assert_eq!(path("sqlite:flode.db"), Some("flode.db".into()));
        assert_eq!(path("sqlite::memory:"), None);
        assert_eq!(path("sqlite://file.db?mode=memory"), None);
        assert_eq!(path("postgres://localhost/flode"), None);
    }
}
