//! Job completions on PostgreSQL without a transaction of their own: the jobs and their
//! instances are read with no lock, the caller runs the instances, and every write goes in
//! one autocommit statement that fails whole unless each job is still leased as it was and
//! each instance still at the revision read. Two round trips instead of four (BEGIN,
//! complete and lock, write, COMMIT), and no lock held while the engine runs. A caller
//! whose write conflicts falls back to a transaction.

use sqlx::AssertSqlSafe;

use crate::batch::Arg;
use crate::jobs::complete_jobs_sql;
use crate::records::{Committed, InstanceRecord, InstanceSnapshot, InstanceWrite, JobRecord};
use crate::sql::CHUNK;
use crate::tx::{announce, decode_snapshot, jobs_loading_sql, loaded_instance, write_runs};
use crate::{Backend, Error, Store};

impl Store {
    /// The active jobs among `(id, owner)` pairs (an owner requires that lease holder) and
    /// their instances, read in one snapshot without locking. PostgreSQL only.
    pub async fn read_jobs_loading(
        &self,
        jobs: &[(&str, Option<&str>)],
    ) -> Result<(Vec<JobRecord>, Vec<InstanceSnapshot>), Error> {
        self.check_unlocked(jobs)?;
        let mut q = sqlx::query(AssertSqlSafe(jobs_loading_sql(jobs.len(), false)));
        for (id, owner) in jobs {
            q = q.bind(*id).bind(owner.unwrap_or(""));
        }
        let mut done = Vec::with_capacity(jobs.len());
        let mut snapshots: Vec<InstanceSnapshot> = Vec::new();
        for row in q.fetch_all(&self.pool).await? {
            done.push(crate::jobs::decode_job(&row)?);
            let Some(instance) = loaded_instance(&row)? else {
                continue;
            };
            if snapshots.iter().any(|s| s.instance.id == instance.id) {
                continue;
            }
            // One statement reads one snapshot, so the revisions always agree.
            let snapshot = decode_snapshot(instance, &row)?
                .map_err(|i| Error::Conflict(format!("instance {} changed while read", i.id)))?;
            snapshots.push(snapshot);
        }
        snapshots.sort_by(|a, b| a.instance.id.cmp(&b.instance.id));
        Ok((done, snapshots))
    }

    /// Completes the jobs of `(id, owner)` pairs and persists the runs of their instances
    /// (see [`crate::Tx::apply_many`]) in one autocommit statement; a `Conflict`, with
    /// nothing written, if a job is no longer active for its owner, an instance is no longer
    /// at the revision its run started from, or the runs need more than one statement.
    /// PostgreSQL only.
    pub async fn complete_jobs_applying(
        &self,
        jobs: &[(&str, Option<&str>)],
        runs: &[(&InstanceRecord, &InstanceWrite)],
    ) -> Result<Committed, Error> {
        self.check_unlocked(jobs)?;
        let mut committed = Committed::default();
        let (first, mut batch) = write_runs(&mut committed, runs);
        if !first.is_empty() {
            return Err(Error::Conflict("these runs need a transaction".into()));
        }
        let args: Vec<Arg> = jobs
            .iter()
            .flat_map(|(id, owner)| [(*id).into(), owner.unwrap_or("").into()])
            .collect();
        batch.push_expecting(
            complete_jobs_sql(self.backend, jobs.len(), 0),
            args,
            jobs.len() as u64,
            "a job is no longer active for its worker".into(),
        );
        let mut conn = self.writer.acquire().await?;
        batch.run_alone(&mut conn).await?;
        announce(&self.pool, &self.origin, &committed);
        Ok(committed)
    }

    fn check_unlocked(&self, jobs: &[(&str, Option<&str>)]) -> Result<(), Error> {
        if self.backend != Backend::Postgres {
            return Err(Error::Conflict(
                "completions without a transaction need PostgreSQL".into(),
            ));
        }
        if jobs.len() > CHUNK {
            return Err(Error::Conflict("too many jobs for one statement".into()));
        }
        Ok(())
    }
}
