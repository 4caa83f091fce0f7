//! Persistence for flode: one SQL code path over `sqlx::Any`, run on SQLite (embedded, one
//! node) or PostgreSQL (many nodes). All SQL in flode lives in this crate.
//!
//! The engine reads an instance's state, runs it in memory, and hands back an
//! [`InstanceWrite`] that [`Tx::apply`] persists inside the same transaction as any jobs the
//! run created. SQLite uses a single writer connection (WAL, so readers never block);
//! PostgreSQL locks the instance row (`FOR UPDATE`) and claims jobs with `SKIP LOCKED`.

mod attachments;
mod auth;
mod batch;
mod casework;
mod error;
mod inline;
mod integration_log;
pub mod jobs;
mod oidc;
mod queries;
mod reads;
mod records;
mod robots;
mod sql;
mod tx;
mod unlocked;

pub use attachments::AttachmentRecord;
pub use auth::{ApiTokenRecord, AuditEvent, StaffSessionRecord, StaffUserRecord};
pub use casework::{
    ApplicationRecord, CaseDocumentRecord, CaseMessageRecord, CaseNoteRecord, CaseReadRecord,
    CaseRecord, CitizenSessionRecord,
};
pub use error::Error;
pub use integration_log::SsbtekRequestRecord;
pub use jobs::{Claim, ClaimedJob};
pub use oidc::OidcLoginRecord;
pub use queries::{InstanceFilter, InstanceSummary, JobSummary, Page, Stats};
pub use records::*;
pub use robots::{
    RobotActivity, RobotCredentialRecord, RobotEvidenceRecord, RobotRecord, RobotReviewRecord,
    RobotRunRecord, RobotTargetRecord,
};
pub use tx::Tx;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (single node).
    Sqlite,
    /// PostgreSQL (one or many nodes).
    Postgres,
}

/// Connection settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://path/to/flode.db` or `postgres://user@host/db`.
    pub url: String,
    /// Connections for PostgreSQL (readers for SQLite).
    pub max_connections: u32,
}

impl StoreOptions {
    /// Options with defaults for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
        }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    /// For opening a LISTEN connection (PostgreSQL). Shared: stores are cloned often (the
    /// web layer's state, per request).
    url: std::sync::Arc<str>,
    /// Reads outside a transaction.
    reads: std::sync::Arc<reads::Reads>,
    /// The hottest reads on a SQLite file, on the calling thread.
    inline: Option<std::sync::Arc<inline::InlineReads>>,
    /// Transactions on PostgreSQL; on SQLite, the readers of the store's few reads that
    /// need an executor of sqlx's own.
    pool: AnyPool,
    /// SQLite's one writer connection; the same pool as `pool` on PostgreSQL.
    writer: AnyPool,
    /// Where job claims run. On PostgreSQL its sessions commit without waiting for the WAL
    /// flush: a lease lost in a crash only makes the job claimable again, which
    /// at-least-once delivery with a stable idempotency key already allows, and the claim
    /// needs no transaction of its own. The writer on SQLite.
    claims: AnyPool,
    /// Tags this store's notifications, so that its own listener skips them.
    origin: std::sync::Arc<str>,
}

impl Store {
    /// Connects, creating the SQLite file if needed. Does not migrate.
    pub async fn connect(options: &StoreOptions) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(&options.url)?;
        let connect = AnyConnectOptions::from_str(&sqlite_create(&options.url, backend))
            .map_err(Error::Database)?
            .disable_statement_logging();
        let pool_options = |lazy_commit: bool| {
            AnyPoolOptions::new()
                .acquire_timeout(ACQUIRE_TIMEOUT)
                // No ping round trip before every checkout: a connection that died fails
                // its statement, the caller's transaction rolls back, and the pool drops it.
                .test_before_acquire(false)
                .after_connect(move |conn, _| {
                    Box::pin(async move { prepare_connection(conn, backend, lazy_commit).await })
                })
        };
        let pool = pool_options(false)
            .max_connections(options.max_connections.max(1))
            .connect_with(connect.clone())
            .await
            .map_err(|e| Error::Connect(redact(&options.url), e))?;
        let (writer, claims) = match backend {
            Backend::Sqlite => {
                let writer = pool_options(false)
                    .max_connections(1)
                    .connect_with(connect.clone())
                    .await
                    .map_err(|e| Error::Connect(redact(&options.url), e))?;
                (writer.clone(), writer)
            }
            Backend::Postgres => {
                let claims = pool_options(true)
                    .max_connections(options.max_connections.max(1))
                    .connect_lazy_with(connect.clone());
                (pool.clone(), claims)
            }
        };
        Ok(Self {
            backend,
            url: options.url.as_str().into(),
            reads: std::sync::Arc::new(reads::Reads::new(
                connect,
                backend,
                options.max_connections,
                ACQUIRE_TIMEOUT,
            )),
            inline: inline::InlineReads::for_url(&options.url).map(std::sync::Arc::new),
            pool,
            writer,
            claims,
            origin: uuid::Uuid::new_v4().simple().to_string().into(),
        })
    }

    /// Applies pending schema migrations for this backend.
    pub async fn migrate(&self) -> Result<(), Error> {
        // One DDL serves both backends (TEXT, BIGINT, partial indexes); what only PostgreSQL
        // understands (storage parameters, named constraints) follows in a directory of its
        // own, tracked in a table of its own.
        sqlx::migrate!("./migrations")
            .run(&self.writer)
            .await
            .map_err(Error::Migrate)?;
        if self.backend == Backend::Postgres {
            let mut postgres_only = sqlx::migrate!("./migrations-postgres");
            postgres_only.dangerous_set_table_name("_flode_postgres_migrations");
            postgres_only
                .run(&self.writer)
                .await
                .map_err(Error::Migrate)?;
        }
        Ok(())
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx, Error> {
        let tx = self.begin_write().await?;
        Ok(Tx::new(
            tx,
            self.backend,
            self.pool.clone(),
            self.origin.clone(),
        ))
    }

    /// A plain write transaction on the writer pool, for the store's own multi-statement
    /// writes that need no [`Tx`] bookkeeping.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, Error> {
        Ok(match self.backend {
            // The writer pool has one connection, so IMMEDIATE never waits on another writer
            // of ours; it still guards against a second process on the same file.
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        })
    }

    /// Where the hottest reads run on a SQLite file; `None` otherwise.
    pub(crate) fn inline(&self) -> Option<&inline::InlineReads> {
        self.inline.as_deref()
    }

    /// Where queries outside a transaction run.
    pub(crate) fn reads(&self) -> &reads::Reads {
        &self.reads
    }

    /// On PostgreSQL, a listener for what other nodes announce at commit (new jobs,
    /// deployments); `None` on SQLite, where one process does all the work.
    pub async fn listen(&self) -> Result<Option<Listener>, Error> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let mut listener = sqlx::postgres::PgListener::connect(&self.url)
            .await
            .map_err(|e| Error::Connect(redact(&self.url), e))?;
        listener
            .listen_all([JOBS_CHANNEL, DEPLOYMENTS_CHANNEL])
            .await?;
        Ok(Some(Listener {
            listener,
            origin: self.origin.clone(),
        }))
    }

    /// Closes all connections.
    pub async fn close(&self) {
        self.reads.close().await;
        self.claims.close().await;
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// How long a caller waits for a connection before failing.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings for a new connection; `lazy_commit` for job claims on PostgreSQL (see
/// [`Store`]'s `claims`). Public for tools that open their own connections to a store's
/// database and must see it as the store does (the benchmarks' SQL replay).
pub async fn prepare_connection(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    lazy_commit: bool,
) -> Result<(), sqlx::Error> {
    if lazy_commit {
        sqlx::query("SET synchronous_commit = off")
            .execute(&mut *conn)
            .await?;
    }
    if backend == Backend::Sqlite {
        // WAL lets readers run beside the writer; NORMAL sync is durable across process
        // crashes (fsync at checkpoint), the WAL default.
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA busy_timeout = 10000",
            "PRAGMA foreign_keys = ON",
        ] {
            sqlx::query(pragma).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

pub(crate) const JOBS_CHANNEL: &str = "flode_jobs";
pub(crate) const DEPLOYMENTS_CHANNEL: &str = "flode_deployments";

/// Something another node committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// `count` jobs of `job_type` became ready.
    Jobs {
        /// The job type.
        job_type: String,
        /// How many.
        count: usize,
    },
    /// A definition was deployed.
    Deployment,
}

/// Notifications from PostgreSQL, without this store's own.
#[derive(Debug)]
pub struct Listener {
    listener: sqlx::postgres::PgListener,
    origin: std::sync::Arc<str>,
}

impl Listener {
    /// Waits for the next notification from another store. `None` means the connection
    /// was lost and has been re-established: notifications may have been missed meanwhile.
    pub async fn recv(&mut self) -> Result<Option<Notification>, Error> {
        loop {
            let Some(n) = self.listener.try_recv().await? else {
                return Ok(None);
            };
            let payload = n.payload();
            if n.channel() == DEPLOYMENTS_CHANNEL {
                if payload != &*self.origin {
                    return Ok(Some(Notification::Deployment));
                }
                continue;
            }
            // "origin count job_type"; the job type may contain spaces.
            let mut parts = payload.splitn(3, ' ');
            let (origin, count, job_type) = (parts.next(), parts.next(), parts.next());
            if origin == Some(&*self.origin) {
                continue;
            }
            if let (Some(count), Some(job_type)) = (count.and_then(|c| c.parse().ok()), job_type) {
                return Ok(Some(Notification::Jobs {
                    job_type: job_type.to_owned(),
                    count,
                }));
            }
        }
    }
}

fn backend_of(url: &str) -> Result<Backend, Error> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        Err(Error::UnsupportedUrl(redact(url)))
    }
}

/// SQLite URLs get `mode=rwc` so that a fresh file is created.
fn sqlite_create(url: &str, backend: Backend) -> String {
    if backend == Backend::Sqlite && !url.contains("mode=") && !url.contains(":memory:") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_owned()
    }
}

/// Removes a password from a URL before it goes into an error or a log.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db".to_owned()
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn sqlite_files_are_created() {
        assert_eq!(
            sqlite_create("sqlite://a.db", Backend::Sqlite),
            "sqlite://a.db?mode=rwc"
        );
        assert!(backend_of("mysql://x").is_err());
    }

    #[tokio::test]
    async fn a_sqlite_file_reads_its_sessions_inline_and_sees_every_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("flode.db").display());
        let store = Store::connect(&StoreOptions::new(&url))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        assert!(store.inline().is_some(), "a file is read inline");
        let session = CitizenSessionRecord {
            id_hash: "h".into(),
            subject: "199204722020".into(),
            name: "Alva Andersson".into(),
            idp: "test".into(),
            auth_ref: "r".into(),
            created_at: 1,
            expires_at: 100,
            ended_at: None,
        };
        // Written through sqlx's writer, read at once on the calling thread.
        assert_eq!(
            store
                .citizen_session_with_application("h", 2, "a")
                .await
                .expect("read"),
            None
        );
        store
            .create_citizen_session(&session)
            .await
            .expect("insert");
        let read = store
            .citizen_session_with_application("h", 2, "a")
            .await
            .expect("read");
        assert_eq!(read, Some((session, None)));
        store.end_citizen_session("h", 3).await.expect("end");
        assert_eq!(
            store
                .citizen_session_with_application("h", 4, "a")
                .await
                .expect("read"),
            None
        );
    }
}
