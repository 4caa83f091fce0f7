//! Reads outside a transaction, on connections of their own.
//!
//! sqlx's pool tests every connection it takes back with a round trip (a Sync on
//! PostgreSQL, a call to the connection's worker thread on SQLite), because a statement
//! cancelled half-way leaves its connection mid-protocol. That doubles the round trips of a
//! one-statement read, and a signed-in page is a few such reads. A read that ran to its end
//! leaves the connection clean, so here a connection goes back to the idle list only then;
//! one whose statement failed, or whose future was dropped mid-statement, is closed.
//!
//! Idle connections are not tested either. A read that finds its connection gone (the
//! database server restarted, or ended it) closes every idle one too, since they went
//! the same way: the reads after it connect anew instead of each failing once.

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

    /// After a read failed with `error`: if its connection was lost, the idle ones were
    /// most likely lost with it, and are dropped (closed) so that no later read fails on
    /// them.
    fn after_failure(&self, error: &sqlx::Error) {
        if lost_connection(error)
            && let Ok(mut idle) = self.idle.lock()
        {
            idle.clear();
        }
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

/// The connection is gone: its socket closed or broke, or the server ended the session
/// (SQLSTATE class 08, connection exception, or 57, operator intervention: a shutdown,
/// `pg_terminate_backend`).
fn lost_connection(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57")),
        _ => false,
    }
}

impl Read for Query<'_, Any, AnyArguments> {
    async fn read_optional(self, reads: &Reads) -> Result<Option<AnyRow>, sqlx::Error> {
        let mut lent = reads.lend().await?;
        let row = self
            .fetch_optional(lent.connection())
            .await
            .inspect_err(|e| reads.after_failure(e))?;
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
        let rows = self
            .fetch_all(lent.connection())
            .await
            .inspect_err(|e| reads.after_failure(e))?;
        lent.give_back();
        Ok(rows)
    }

    async fn read_execute(self, reads: &Reads) -> Result<AnyQueryResult, sqlx::Error> {
        let mut lent = reads.lend().await?;
        let done = self
            .execute(lent.connection())
            .await
            .inspect_err(|e| reads.after_failure(e))?;
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

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use crate::{Store, StoreOptions};

    /// What a PostgreSQL restart does to the idle connections, without restarting the
    /// shared server: every session of the test's database is ended.
    #[tokio::test]
    async fn after_the_server_ends_the_connections_at_most_one_read_fails() {
        let Some(db) = flode_test_db::databases("flode_reads")
            .into_iter()
            .find(|d| d.name == "postgres")
        else {
            // `databases` fails loudly when PostgreSQL is required; locally it may be absent.
            eprintln!("SKIPPED: no PostgreSQL (FLODE_REQUIRE_PG=1 makes this a failure)");
            return;
        };
        let store = Store::connect(&StoreOptions::new(&db.url))
            .await
            .expect("connect");
        // Eight reads at once: eight connections, idle afterwards.
        let mut pings = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let store = store.clone();
            pings.spawn(async move { store.ping().await });
        }
        for r in pings.join_all().await {
            r.expect("ping");
        }
        let mut admin = sqlx::PgConnection::connect(&db.url).await.expect("admin");
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(&mut admin)
        .await
        .expect("terminate");
        let mut failed = 0;
        for _ in 0..8 {
            if store.ping().await.is_err() {
                failed += 1;
            }
        }
        assert!(failed <= 1, "{failed} of 8 reads failed after the restart");
        store.ping().await.expect("reads work again");
    }
}
