//! The job queue's SQL: insert with the state that creates it, claim with a lease
//! (`SKIP LOCKED` on PostgreSQL), heartbeat, complete, fail with backoff, and return
//! expired leases. Semantics (backoff, incidents) are decided by the caller.

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::records::JobRecord;
use crate::tx::{json_text, parse_json};
use crate::{Backend, Error, Store, Tx};

pub(crate) const JOB_COLUMNS: &str = "id, kind, job_type, instance_id, token, node_id, state, retries, attempts, due_at, lease_owner, lease_until, idempotency_key, payload, error, created_at, updated_at";

pub(crate) fn decode_job(r: &AnyRow) -> Result<JobRecord, Error> {
    Ok(JobRecord {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        job_type: r.try_get("job_type")?,
        instance_id: r.try_get("instance_id")?,
        token: r.try_get("token")?,
        node_id: r.try_get("node_id")?,
        state: r.try_get("state")?,
        retries: r.try_get("retries")?,
        attempts: r.try_get("attempts")?,
        due_at: r.try_get("due_at")?,
        lease_owner: r.try_get("lease_owner")?,
        lease_until: r.try_get("lease_until")?,
        idempotency_key: r.try_get("idempotency_key")?,
        payload: parse_json("jobs.payload", &r.try_get::<String, _>("payload")?)?,
        error: r.try_get("error")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A claim request.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    /// Job kind.
    pub kind: &'a str,
    /// Job type.
    pub job_type: &'a str,
    /// Who claims (worker name).
    pub owner: &'a str,
    /// At most this many.
    pub max: i64,
    /// Lease length in ms.
    pub lease_ms: i64,
    /// Current time.
    pub now: i64,
}

impl Store {
    /// Claims up to `max` due jobs, leasing them to `owner`. Runs in its own transaction.
    pub async fn claim_jobs(&self, c: &Claim<'_>) -> Result<Vec<JobRecord>, Error> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET state = 'active', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id IN (SELECT id FROM jobs WHERE state = 'ready' AND kind = $4 AND job_type = $5 AND due_at <= $3 \
                          ORDER BY due_at, id LIMIT $6 {lock}) \
             RETURNING {JOB_COLUMNS}"
        );
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            // A lease is not worth a WAL flush: if a crash loses this commit, the job is
            // simply claimable again, which at-least-once delivery with a stable
            // idempotency key already allows.
            sqlx::query("SET LOCAL synchronous_commit = off")
                .execute(&mut *tx.inner)
                .await?;
        }
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(c.owner)
            .bind(c.now + c.lease_ms)
            .bind(c.now)
            .bind(c.kind)
            .bind(c.job_type)
            .bind(c.max)
            .fetch_all(&mut *tx.inner)
            .await?;
        tx.commit().await?;
        let mut jobs = rows.iter().map(decode_job).collect::<Result<Vec<_>, _>>()?;
        jobs.sort_by(|a, b| (a.due_at, &a.id).cmp(&(b.due_at, &b.id)));
        Ok(jobs)
    }

    /// Extends a lease. Fails with `Conflict` when the job is no longer leased to `owner`.
    pub async fn heartbeat_job(
        &self,
        id: &str,
        owner: &str,
        lease_until: i64,
        now: i64,
    ) -> Result<(), Error> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_until = $1, updated_at = $2 WHERE id = $3 AND state = 'active' AND lease_owner = $4",
        )
        .bind(lease_until)
        .bind(now)
        .bind(id)
        .bind(owner)
        .execute(&self.writer)
        .await?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(Error::Conflict(format!(
                "job {id} is not leased to {owner}"
            )))
        }
    }

    /// Returns jobs whose lease has expired to the queue (a worker died or hung). Returns
    /// how many.
    pub async fn release_expired_leases(&self, now: i64) -> Result<u64, Error> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'ready', lease_owner = NULL, lease_until = NULL, updated_at = $1 \
             WHERE state = 'active' AND lease_until < $1",
        )
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected())
    }

    /// Releases every lease held by `owner` (graceful shutdown), returning the jobs to the queue.
    pub async fn release_leases_of(&self, owner: &str, now: i64) -> Result<u64, Error> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'ready', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1, updated_at = $1 \
             WHERE state = 'active' AND lease_owner = $2",
        )
        .bind(now)
        .bind(owner)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected())
    }

    /// The earliest due time of a ready job of this kind, for sleeping until then.
    pub async fn next_due(&self, kind: &str) -> Result<Option<i64>, Error> {
        let row =
            sqlx::query("SELECT MIN(due_at) AS due FROM jobs WHERE state = 'ready' AND kind = $1")
                .bind(kind)
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get("due")?)
    }
}

impl Tx {
    /// Enqueues a job in this transaction, so it exists exactly when the state that created
    /// it does.
    pub async fn insert_job(&mut self, j: &JobRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO jobs (id, kind, job_type, instance_id, token, node_id, state, retries, attempts, due_at, lease_owner, lease_until, idempotency_key, payload, error, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(&j.id)
        .bind(&j.kind)
        .bind(&j.job_type)
        .bind(&j.instance_id)
        .bind(j.token)
        .bind(&j.node_id)
        .bind(&j.state)
        .bind(j.retries)
        .bind(j.attempts)
        .bind(j.due_at)
        .bind(&j.lease_owner)
        .bind(j.lease_until)
        .bind(&j.idempotency_key)
        .bind(json_text(&j.payload))
        .bind(&j.error)
        .bind(j.created_at)
        .bind(j.updated_at)
        .execute(&mut *self.inner)
        .await?;
        if self.backend == Backend::Postgres && j.kind == crate::records::job_kind::TASK {
            self.notify.insert(j.job_type.clone());
        }
        Ok(())
    }

    /// Cancels the pending timer-start jobs of a process key (a new version replaces them).
    pub async fn cancel_start_timers(&mut self, process_key: &str, now: i64) -> Result<u64, Error> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'canceled', updated_at = $1 \
             WHERE kind = 'timer' AND instance_id IS NULL AND state IN ('ready', 'active') AND idempotency_key LIKE $2",
        )
        .bind(now)
        .bind(format!("start-timer:{process_key}:%"))
        .execute(&mut *self.inner)
        .await?;
        Ok(done.rows_affected())
    }

    /// A job by id.
    pub async fn job(&mut self, id: &str) -> Result<JobRecord, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *self.inner)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "job",
            id: id.to_owned(),
        })?;
        decode_job(&row)
    }

    /// Marks an active job completed. With `owner`, only that lease holder may complete it;
    /// a job whose lease was lost or that is already done is a `Conflict`.
    pub async fn complete_job(
        &mut self,
        id: &str,
        owner: Option<&str>,
        now: i64,
    ) -> Result<JobRecord, Error> {
        let sql = format!(
            "UPDATE jobs SET state = 'completed', lease_until = NULL, updated_at = $1 \
             WHERE id = $2 AND state = 'active' AND ($3 = '' OR lease_owner = $3) RETURNING {JOB_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(now)
            .bind(id)
            .bind(owner.unwrap_or(""))
            .fetch_optional(&mut *self.inner)
            .await?;
        match row {
            Some(row) => decode_job(&row),
            None => {
                let job = self.job(id).await?;
                Err(Error::Conflict(format!(
                    "job {id} is {} (lease owner {:?}); only an active job can be completed by its lease holder",
                    job.state, job.lease_owner
                )))
            }
        }
    }

    /// Records a failure. With retries left the job is due again at `retry_at`; without, it
    /// becomes `failed` (the caller raises the incident in the same transaction).
    pub async fn fail_job(
        &mut self,
        id: &str,
        owner: Option<&str>,
        retries: i64,
        retry_at: i64,
        error: &str,
        now: i64,
    ) -> Result<JobRecord, Error> {
        let state = if retries > 0 { "ready" } else { "failed" };
        let sql = format!(
            "UPDATE jobs SET state = $1, retries = $2, due_at = $3, error = $4, lease_owner = NULL, lease_until = NULL, updated_at = $5 \
             WHERE id = $6 AND state = 'active' AND ($7 = '' OR lease_owner = $7) RETURNING {JOB_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(state)
            .bind(retries.max(0))
            .bind(retry_at)
            .bind(error)
            .bind(now)
            .bind(id)
            .bind(owner.unwrap_or(""))
            .fetch_optional(&mut *self.inner)
            .await?;
        match row {
            Some(row) => decode_job(&row),
            None => Err(Error::Conflict(format!(
                "job {id} is not active for this worker"
            ))),
        }
    }

    /// Puts a failed job back in the queue with new retries (resolving its incident is the
    /// caller's part).
    pub async fn retry_failed_job(
        &mut self,
        id: &str,
        retries: i64,
        now: i64,
    ) -> Result<JobRecord, Error> {
        let sql = format!(
            "UPDATE jobs SET state = 'ready', retries = $1, due_at = $2, updated_at = $2 WHERE id = $3 AND state = 'failed' RETURNING {JOB_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(retries.max(1))
            .bind(now)
            .bind(id)
            .fetch_optional(&mut *self.inner)
            .await?;
        match row {
            Some(row) => decode_job(&row),
            None => Err(Error::Conflict(format!("job {id} is not failed"))),
        }
    }
}
