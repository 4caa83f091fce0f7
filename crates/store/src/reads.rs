//! Reads outside a transaction, on connections of their own.
//!
//! sqlx's pool tests every connection it takes back with a round trip (a Sync on
//! PostgreSQL, a call to the connection's worker thread on SQLite), because a statement
//! cancelled half-way leaves its connection mid-protocol. That doubles the round trips of a
//! one-statement read, and a signed-in page is a few such reads. A read that ran to its end
//! leaves the connection clean, so here a connection goes back to the idle list only then;
//! one whose statement failed, or whose future was dropped mid-statement, is closed.

use std::sync::Mutex;
use std::time::Duration;

use sqlx::any::{AnyArguments, AnyConnectOptions, AnyQueryResult, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, ConnectOptions};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::Backend;

/// Up to `max` connections, opened when first needed and kept open.
#[derive(Debug)]
pub(crate) struct Reads {
    options: AnyConnectOptions,
    backend: Backend,
    idle: Mutex<Vec<AnyConnection>>,
    permits: Semaphore,
    acquire_timeout: Duration,
}

/// A connection lent out by [`Reads`]; dropped without [`Lent::give_back`], it is closed.
pub(crate) struct Lent<'a> {
    reads: &'a Reads,
    connection: AnyConnection,
    _permit: SemaphorePermit<'a>,
}

impl Reads {
    pub(crate) fn new(
        options: AnyConnectOptions,
        backend: Backend,
        max: u32,
        acquire_timeout: Duration,
    ) -> Self {
        Self {
            options,
            backend,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(usize::try_from(max.max(1)).unwrap_or(1)),
            acquire_timeout,
        }
    }

    /// An idle connection, or a new one; waits while `max` are lent out.
    pub(crate) async fn lend(&self) -> Result<Lent<'_>, sqlx::Error> {
        let permit = tokio::time::timeout(self.acquire_timeout, self.permits.acquire())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.idle.lock().map_or(None, |mut idle| idle.pop());
        let connection = match idle {
            Some(c) => c,
            None => {
                let mut c = self.options.connect().await?;
                crate::prepare_connection(&mut c, self.backend, false).await?;
                c
            }
        };
        Ok(Lent {
            reads: self,
            connection,
            _permit: permit,
        })
    }

    /// Closes the idle connections; lent ones close when they come back.
    pub(crate) async fn close(&self) {
        self.permits.close();
        let idle = self
            .idle
            .lock()
            .map(|mut idle| std::mem::take(&mut *idle))
            .unwrap_or_default();
        for c in idle {
            let _ = sqlx::Connection::close(c).await;
        }
    }
}

/// A query run on [`Reads`], written like sqlx's `fetch_*` on a pool.
pub(crate) trait Read {
    /// The first row, if any.
    async fn read_optional(self, reads: &Reads) -> Result<Option<AnyRow>, sqlx::Error>;
    /// Exactly one row.
    async fn read_one(self, reads: &Reads) -> Result<AnyRow, sqlx::Error>;
    /// All rows.
    async fn read_all(self, reads: &Reads) -> Result<Vec<AnyRow>, sqlx::Error>;
    /// A statement without rows.
    async fn read_execute(self, reads: &Reads) -> Result<AnyQueryResult, sqlx::Error>;
}

impl Read for Query<'_, Any, AnyArguments> {
    async fn read_optional(self, reads: &Reads) -> Result<Option<AnyRow>, sqlx::Error> {
        let mut lent = reads.lend().await?;
        let row = self.fetch_optional(lent.connection()).await?;
        lent.give_back();
        Ok(row)
    }

    async fn read_one(self, reads: &Reads) -> Result<AnyRow, sqlx::Error> {
        self.read_optional(reads)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    async fn read_all(self, reads: &Reads) -> Result<Vec<AnyRow>, sqlx::Error> {
        let mut lent = reads.lend().await?;
        let rows = self.fetch_all(lent.connection()).await?;
        lent.give_back();
        Ok(rows)
    }

    async fn read_execute(self, reads: &Reads) -> Result<AnyQueryResult, sqlx::Error> {
        let mut lent = reads.lend().await?;
        let done = self.execute(lent.connection()).await?;
        lent.give_back();
        Ok(done)
    }
}

impl Lent<'_> {
    pub(crate) fn connection(&mut self) -> &mut AnyConnection {
        &mut self.connection
    }

    /// Back to the idle list: call only after a statement ran to its end.
    pub(crate) fn give_back(self) {
        let Lent {
            reads, connection, ..
        } = self;
        if reads.permits.is_closed() {
            return;
        }
        if let Ok(mut idle) = reads.idle.lock() {
            idle.push(connection);
        }
    }
}
