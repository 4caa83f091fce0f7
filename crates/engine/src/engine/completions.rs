//! Group commit of job completions: completions that arrive while a batch is being written
//! wait, and are then written together. On PostgreSQL a batch is first tried without a
//! transaction: one statement reads the jobs and instances (unless their claims already
//! read them: `ClaimedInstances`), the runs happen in memory, and one autocommit statement
//! writes everything, checking that nothing changed meanwhile
//! (`flode_store::Store::complete_jobs_applying`). Runs with effects on other instances,
//! and batches that conflict, go through a transaction instead: one statement completes the
//! jobs and loads and locks their instances, one writes, then COMMIT. With one completion
//! waiting a batch is a batch of one, so an idle engine adds no latency. If a batch still
//! fails, each completion is retried alone, so one bad completion cannot fail the others
//! and each caller gets its own answer.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError, Weak};

use flode_store::{
    Backend, InstanceRecord, InstanceSnapshot, InstanceState, InstanceWrite, JobRecord,
};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use super::{DecisionCache, Engine, Inner};
use crate::error::Error;
use crate::runtime::{Outcome, Run};

/// Most completions written in one transaction.
const MAX_BATCH: usize = 64;

/// Most instance snapshots kept from claims; past it they are dropped together (a
/// completion that misses reads its instance instead).
const MAX_CLAIMED: usize = 1_024;

/// Instances as the claims of their jobs read them, by job id (PostgreSQL). A completion
/// of such a job starts from that snapshot instead of reading it again; the write's
/// revision check still catches an instance that changed since, and a conflict takes the
/// transactional path, which reads afresh.
#[derive(Default)]
pub(super) struct ClaimedInstances(Mutex<HashMap<String, (JobRecord, InstanceSnapshot)>>);

impl ClaimedInstances {
    pub(super) fn keep(&self, job: &JobRecord, snapshot: InstanceSnapshot) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= MAX_CLAIMED {
            kept.clear();
        }
        kept.insert(job.id.clone(), (job.clone(), snapshot));
    }

    /// A batch's jobs and instances (by instance id) if every job was claimed here by the
    /// completing worker and no two share an instance; the batch's snapshots are dropped
    /// either way.
    fn take(&self, batch: &[PendingCompletion]) -> Option<(Vec<JobRecord>, Vec<InstanceSnapshot>)> {
        let taken: Vec<(JobRecord, InstanceSnapshot)> = {
            let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            batch
                .iter()
                .filter_map(|p| kept.remove(&p.job_id))
                .collect()
        };
        let mut instances = HashSet::new();
        let usable = taken.len() == batch.len()
            && batch.iter().zip(&taken).all(|(p, (job, snapshot))| {
                p.worker.is_none() || p.worker == job.lease_owner
            } && instances.insert(snapshot.instance.id.clone()));
        if !usable {
            return None;
        }
        let (jobs, mut snapshots): (Vec<_>, Vec<_>) = taken.into_iter().unzip();
        snapshots.sort_by(|a, b| a.instance.id.cmp(&b.instance.id));
        Some((jobs, snapshots))
    }
}

/// A job completion waiting for the writer.
pub(super) struct PendingCompletion {
    pub(super) job_id: String,
    pub(super) worker: Option<String>,
    pub(super) variables: Map<String, Value>,
    pub(super) reply: oneshot::Sender<Result<(), Error>>,
}

/// The writer: runs until the engine is gone (it holds the engine only while writing).
pub(super) async fn write_completions(
    engine: Weak<Inner>,
    mut pending: mpsc::Receiver<PendingCompletion>,
) {
    while let Some(batch) = super::next_batch(&mut pending, MAX_BATCH).await {
        let Some(inner) = engine.upgrade() else {
            return;
        };
        let engine = Engine { inner };
        let mut written = Err(Error::Internal("not tried".into()));
        if engine.store().backend() == Backend::Postgres {
            written = engine.complete_unlocked(&batch).await;
        }
        if written.is_err() && batch.len() > 1 {
            written = engine.complete_together(&batch).await;
        }
        let results = match written {
            Ok(()) => batch.iter().map(|_| Ok(())).collect(),
            Err(_) => {
                let mut each = Vec::with_capacity(batch.len());
                for p in &batch {
                    let one = engine
                        .complete_alone(&p.job_id, p.worker.as_deref(), p.variables.clone())
                        .await;
                    each.push(one);
                }
                each
            }
        };
        drop(engine);
        for (p, result) in batch.into_iter().zip(results) {
            // A caller that went away (request cancelled) still has its job completed.
            let _ = p.reply.send(result);
        }
    }
}

impl Engine {
    /// Completes a batch without a transaction of its own (see the module docs); any
    /// failure leaves nothing written.
    async fn complete_unlocked(&self, batch: &[PendingCompletion]) -> Result<(), Error> {
        let now = self.now();
        let items = items(batch);
        let (jobs, snapshots) = match self.inner.claimed.take(batch) {
            Some(claimed) => claimed,
            None => self.store().read_jobs_loading(&items).await?,
        };
        let outcomes = self.run_batch(batch, &jobs, snapshots, now).await?;
        if outcomes.iter().any(|o| !o.effects.is_empty()) {
            return Err(Error::Conflict("effects need a transaction".into()));
        }
        let runs: Vec<(&InstanceRecord, &InstanceWrite)> =
            outcomes.iter().map(|o| (&o.instance, &o.write)).collect();
        let committed = self.store().complete_jobs_applying(&items, &runs).await?;
        super::wake(
            &self.inner.job_wakers,
            &self.inner.timers_created,
            &committed,
        );
        Ok(())
    }

    /// Completes a batch in one transaction; any failure fails the whole batch (nothing is
    /// committed) and the caller retries each completion alone.
    async fn complete_together(&self, batch: &[PendingCompletion]) -> Result<(), Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let (jobs, snapshots) = tx.complete_jobs_loading(&items(batch)).await?;
        let outcomes = self.run_batch(batch, &jobs, snapshots, now).await?;
        let runs: Vec<(&InstanceRecord, &InstanceWrite)> =
            outcomes.iter().map(|o| (&o.instance, &o.write)).collect();
        tx.apply_many(&runs).await?;
        let effects = outcomes.into_iter().flat_map(|o| o.effects).collect();
        self.settle(&mut tx, effects).await?;
        self.commit(tx).await
    }

    /// Runs the instances of a batch's jobs: every job must be active for its worker and
    /// every instance active, or the batch is a conflict.
    async fn run_batch(
        &self,
        batch: &[PendingCompletion],
        jobs: &[JobRecord],
        snapshots: Vec<InstanceSnapshot>,
        now: i64,
    ) -> Result<Vec<Outcome>, Error> {
        if jobs.len() != batch.len() {
            return Err(Error::Conflict("a job of the batch was not active".into()));
        }
        let jobs: HashMap<&str, &JobRecord> = jobs.iter().map(|j| (j.id.as_str(), j)).collect();
        let instances: HashSet<&str> = jobs
            .values()
            .filter_map(|j| j.instance_id.as_deref())
            .collect();
        if snapshots.len() != instances.len() {
            return Err(Error::Conflict("an instance of the batch is gone".into()));
        }
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(snapshots.len());
        let decisions = DecisionCache(&self.inner.decisions);
        for snapshot in snapshots {
            if snapshot.instance.state != InstanceState::Active {
                return Err(Error::Conflict("an instance of the batch has ended".into()));
            }
            let id = snapshot.instance.id.clone();
            let compiled = self.compiled(&snapshot.instance.definition_id).await?;
            let mut run = Run::load(&compiled, &decisions, now, snapshot)
                .map_err(Error::Internal)?
                .max_steps(self.inner.options.max_steps);
            // Several jobs of one instance (parallel branches) complete in batch order.
            for p in batch {
                let job = jobs.get(p.job_id.as_str()).copied();
                if let Some(token) = job
                    .filter(|j| j.instance_id.as_deref() == Some(id.as_str()))
                    .and_then(|j| j.token)
                {
                    run.complete_token(token, p.variables.clone(), None)
                        .map_err(Error::Conflict)?;
                }
            }
            outcomes.push(run.finish());
        }
        Ok(outcomes)
    }
}

/// A batch's `(job id, worker)` pairs.
fn items(batch: &[PendingCompletion]) -> Vec<(&str, Option<&str>)> {
    batch
        .iter()
        .map(|p| (p.job_id.as_str(), p.worker.as_deref()))
        .collect()
}
