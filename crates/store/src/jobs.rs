//! The job queue's SQL: insert with the state that creates it, claim with a lease
//! (`SKIP LOCKED` on PostgreSQL), heartbeat, complete, fail with backoff, and return
//! expired leases. Semantics (backoff, incidents) are decided by the caller.

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::batch::{Arg, Batch};
use crate::reads::Read as _;
use crate::records::{InstanceSnapshot, JobRecord, VariableRecord};
use crate::tx::{
    decode_snapshot, decode_variable_array, instance_lateral, json_text, loaded_instance,
    parse_json,
};
use crate::{Backend, Error, Store, Tx};

pub(crate) const JOB_COLUMNS: &str = "id, kind, job_type, instance_id, token, node_id, state, retries, attempts, due_at, lease_owner, lease_until, idempotency_key, payload, error, created_at, updated_at";

/// [`JOB_COLUMNS`] prefixed with `jobs.`, for statements that join other tables.
pub(crate) fn qualified_job_columns() -> String {
    JOB_COLUMNS
        .split(", ")
        .map(|c| format!("jobs.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statement that completes the active jobs among `(id, owner)` pairs bound from
/// `$offset+1` (an empty owner accepts any lease holder), without RETURNING. Completing a
/// job deletes it: `jobs` holds the work to do, and what was done stays in the activity
/// history (graphile-worker and Zeebe drop finished jobs too). A delete also adds no index
/// entries, where an update to a `completed` state added one to every index of the table.
pub(crate) fn complete_jobs_sql(backend: Backend, pairs: usize, offset: usize) -> String {
    let rows = crate::sql::select_rows(&["job_id", "job_owner"], pairs, offset);
    match backend {
        Backend::Postgres => {
            format!("DELETE FROM jobs USING ({rows}) AS c WHERE {ACTIVE_FOR_OWNER}")
        }
        // SQLite has no DELETE … USING.
        Backend::Sqlite => format!(
            "DELETE FROM jobs WHERE EXISTS (SELECT 1 FROM ({rows}) AS c WHERE {ACTIVE_FOR_OWNER})"
        ),
    }
}

/// Matches a job of `jobs` to a pair `c (job_id, job_owner)`: active, and leased to that
/// owner unless the owner is empty.
pub(crate) const ACTIVE_FOR_OWNER: &str = "jobs.id = c.job_id AND jobs.state = 'active' \
     AND (c.job_owner = '' OR jobs.lease_owner = c.job_owner)";

/// A job as a completing statement returned it: gone from `jobs`, so `completed`.
pub(crate) fn completed(r: &AnyRow) -> Result<JobRecord, Error> {
    let mut job = decode_job(r)?;
    job.state = "completed".into();
    job.lease_until = None;
    Ok(job)
}

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

pub(crate) const INSERT_JOB: &str = "INSERT INTO jobs (id, kind, job_type, instance_id, token, node_id, state, retries, attempts, due_at, lease_owner, lease_until, idempotency_key, payload, error, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";

pub(crate) fn job_args(j: &JobRecord) -> Vec<Arg> {
    vec![
        (&j.id).into(),
        (&j.kind).into(),
        (&j.job_type).into(),
        (&j.instance_id).into(),
        j.token.into(),
        (&j.node_id).into(),
        (&j.state).into(),
        j.retries.into(),
        j.attempts.into(),
        j.due_at.into(),
        (&j.lease_owner).into(),
        j.lease_until.into(),
        (&j.idempotency_key).into(),
        json_text(&j.payload).into(),
        (&j.error).into(),
        j.created_at.into(),
        j.updated_at.into(),
    ]
}

/// A job a claim leased, with what its worker and its completion need.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// The job, leased.
    pub job: JobRecord,
    /// Every variable of its instance, all scopes.
    pub variables: Vec<VariableRecord>,
    /// Its instance as the claim read it (PostgreSQL), for a completion that finds the
    /// instance still at this revision (see `Store::complete_jobs_applying`).
    pub instance: Option<InstanceSnapshot>,
}

/// The rows of a claim that read its jobs' instances (`instance_lateral`), oldest job first.
fn decode_claimed(rows: &[AnyRow]) -> Result<Vec<ClaimedJob>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let job = decode_job(r)?;
        // An instance read in an older snapshot than its row is left out: the completion reads it.
        let instance = match loaded_instance(r)? {
            Some(i) => decode_snapshot(i, r)?.ok(),
            None => None,
        };
        // The snapshot decoded the variables already; only without one are they read here.
        let variables = match &instance {
            Some(snapshot) => snapshot.variables.clone(),
            None => {
                let vars: Option<String> = r.try_get("vars")?;
                decode_variable_array(vars.as_deref())?
            }
        };
        out.push(ClaimedJob {
            job,
            variables,
            instance,
        });
    }
    out.sort_by(|a, b| (a.job.due_at, &a.job.id).cmp(&(b.job.due_at, &b.job.id)));
    Ok(out)
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
    /// Whether a task job of `job_type` is ready and due: a cheap look before a robot takes
    /// a licence seat to claim one.
    pub async fn ready_job_due(&self, job_type: &str, now: i64) -> Result<bool, Error> {
        let found = sqlx::query(
            "SELECT 1 FROM jobs WHERE kind = $1 AND job_type = $2 AND state = 'ready' AND due_at <= $3 LIMIT 1",
        )
        .bind(crate::job_kind::TASK)
        .bind(job_type.to_owned())
        .bind(now)
        .read_optional(self.reads())
        .await?;
        Ok(found.is_some())
    }

    /// Claims up to `max` due jobs, leasing them to `owner`, in one statement.
    pub async fn claim_jobs(&self, c: &Claim<'_>) -> Result<Vec<JobRecord>, Error> {
        let rows = self.claim_rows(c, false).await?;
        let mut jobs = rows.iter().map(decode_job).collect::<Result<Vec<_>, _>>()?;
        jobs.sort_by(|a, b| (a.due_at, &a.id).cmp(&(b.due_at, &b.id)));
        Ok(jobs)
    }

    /// As [`Store::claim_jobs`], with every variable of each job's instance (all scopes)
    /// and, on PostgreSQL, the instance's snapshot, read in the same statement.
    pub async fn claim_jobs_with_variables(&self, c: &Claim<'_>) -> Result<Vec<ClaimedJob>, Error> {
        if self.backend == Backend::Sqlite {
            // In-process: a second statement costs no round trip.
            let mut out = Vec::new();
            for job in self.claim_jobs(c).await? {
                let variables = match &job.instance_id {
                    Some(id) => self.variables(id).await?,
                    None => Vec::new(),
                };
                out.push(ClaimedJob {
                    job,
                    variables,
                    instance: None,
                });
            }
            return Ok(out);
        }
        let rows = self.claim_rows(c, true).await?;
        decode_claimed(&rows)
    }

    /// Claims for several workers at once (PostgreSQL), one statement for all: every slot
    /// `(owner, lease_until)` may get one due job of `job_type`, oldest first. Returns the
    /// jobs with their owners set and the variables of their instances.
    pub async fn claim_jobs_for_slots(
        &self,
        kind: &str,
        job_type: &str,
        now: i64,
        slots: &[(&str, i64)],
    ) -> Result<Vec<ClaimedJob>, Error> {
        if self.backend == Backend::Sqlite || slots.len() <= 1 {
            let mut out = Vec::new();
            for (owner, lease_until) in slots {
                out.extend(
                    self.claim_jobs_with_variables(&Claim {
                        kind,
                        job_type,
                        owner,
                        max: 1,
                        lease_ms: lease_until - now,
                        now,
                    })
                    .await?,
                );
            }
            return Ok(out);
        }
        let values = (0..slots.len())
            .map(|k| format!("({}, ${}, ${})", k + 1, 2 * k + 4, 2 * k + 5))
            .collect::<Vec<_>>()
            .join(", ");
        let returning = qualified_job_columns();
        let sql = format!(
            "WITH slots AS (SELECT * FROM (VALUES {values}) AS s(slot, owner, until)), \
             picked AS (SELECT id, row_number() OVER (ORDER BY due_at, id) AS slot FROM \
               (SELECT id, due_at FROM jobs WHERE state = 'ready' AND kind = $1 AND job_type = $2 AND due_at <= $3 \
                ORDER BY due_at, id LIMIT {n} FOR UPDATE SKIP LOCKED) AS ready), \
             claimed AS (UPDATE jobs SET state = 'active', lease_owner = slots.owner, lease_until = slots.until, \
                           attempts = jobs.attempts + 1, updated_at = $3 \
                         FROM picked JOIN slots ON slots.slot = picked.slot WHERE jobs.id = picked.id \
                         RETURNING {returning}) \
             SELECT claimed.*, s.* FROM claimed {lateral}",
            n = slots.len(),
            lateral = instance_lateral("claimed", "")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(kind)
            .bind(job_type)
            .bind(now);
        for (owner, until) in slots {
            q = q.bind(*owner).bind(*until);
        }
        let rows = q.fetch_all(&self.claims).await?;
        decode_claimed(&rows)
    }

    async fn claim_rows(&self, c: &Claim<'_>, with_variables: bool) -> Result<Vec<AnyRow>, Error> {
        Ok(sqlx::query(AssertSqlSafe(self.claim_sql(with_variables)))
            .bind(c.owner)
            .bind(c.now + c.lease_ms)
            .bind(c.now)
            .bind(c.kind)
            .bind(c.job_type)
            .bind(c.max)
            .fetch_all(&self.claims)
            .await?)
    }

    fn claim_sql(&self, with_variables: bool) -> String {
        let update = format!(
            "UPDATE jobs SET state = 'active', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id IN (SELECT id FROM jobs WHERE state = 'ready' AND kind = $4 AND job_type = $5 AND due_at <= $3 \
                          ORDER BY due_at, id LIMIT $6 {lock}) \
             RETURNING {JOB_COLUMNS}",
            lock = match self.backend {
                Backend::Postgres => "FOR UPDATE SKIP LOCKED",
                Backend::Sqlite => "",
            }
        );
        if !with_variables {
            return update;
        }
        format!(
            "WITH claimed AS ({update}) SELECT claimed.*, s.* FROM claimed {}",
            instance_lateral("claimed", "")
        )
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

    /// Returns leased jobs to the queue undelivered (the worker they were claimed for had
    /// gone before it got them): the attempt does not count.
    pub async fn release_jobs(&self, ids: &[&str]) -> Result<u64, Error> {
        let mut released = 0;
        for chunk in ids.chunks(crate::sql::CHUNK) {
            let sql = format!(
                "UPDATE jobs SET state = 'ready', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 \
                 WHERE state = 'active' AND id IN ({})",
                crate::sql::placeholders(0, chunk.len())
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            released += q.execute(&self.writer).await?.rows_affected();
        }
        Ok(released)
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
        let mut batch = Batch::default();
        batch.push(INSERT_JOB, job_args(j));
        batch.run(self).await?;
        self.committed.made_ready(j);
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

    /// Completes active jobs in one statement: `(id, owner)` pairs, where an owner requires
    /// that lease holder. Returns the jobs completed; a job missing from the answer was not
    /// active for that owner (see [`Tx::complete_job`] for the reason).
    pub async fn complete_jobs(
        &mut self,
        jobs: &[(&str, Option<&str>)],
    ) -> Result<Vec<JobRecord>, Error> {
        let mut out = Vec::with_capacity(jobs.len());
        for chunk in jobs.chunks(crate::sql::CHUNK) {
            let sql = format!(
                "{} RETURNING {JOB_COLUMNS}",
                complete_jobs_sql(self.backend, chunk.len(), 0)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (id, owner) in chunk {
                q = q.bind(*id).bind(owner.unwrap_or(""));
            }
            for row in q.fetch_all(&mut *self.inner).await? {
                out.push(completed(&row)?);
            }
        }
        Ok(out)
    }

    /// Completes an active job. With `owner`, only that lease holder may complete it; a job
    /// whose lease was lost is a `Conflict`, a job that is done (or never was) `NotFound`.
    pub async fn complete_job(
        &mut self,
        id: &str,
        owner: Option<&str>,
    ) -> Result<JobRecord, Error> {
        let sql = format!(
            "{} RETURNING {JOB_COLUMNS}",
            complete_jobs_sql(self.backend, 1, 0)
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .bind(owner.unwrap_or(""))
            .fetch_optional(&mut *self.inner)
            .await?;
        match row {
            Some(row) => completed(&row),
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

    /// Removes a failed job as done: a person did its work by hand (resolving its incident
    /// and continuing its token are the caller's part).
    pub async fn complete_failed_job(&mut self, id: &str) -> Result<JobRecord, Error> {
        let sql =
            format!("DELETE FROM jobs WHERE id = $1 AND state = 'failed' RETURNING {JOB_COLUMNS}");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *self.inner)
            .await?;
        match row {
            Some(row) => completed(&row),
            None => Err(Error::Conflict(format!("job {id} is not failed"))),
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
            Some(row) => {
                let job = decode_job(&row)?;
                self.committed.made_ready(&job);
                Ok(job)
            }
            None => Err(Error::Conflict(format!("job {id} is not failed"))),
        }
    }
}
