//! Shared claims (PostgreSQL): activations that arrive while a claim is in flight wait,
//! and are then served together — one statement leases a job to each of their slots, the
//! way completions are written together. One waiting activation is a plain claim.

use std::collections::BTreeMap;
use std::sync::Weak;

use flode_store::{ClaimedJob, job_kind};
use tokio::sync::{mpsc, oneshot};

use super::{ActivatedJob, Engine, Inner};
use crate::error::Error;

/// Most activations served by one claim.
const MAX_BATCH: usize = 64;
/// Most jobs one claim statement leases.
const MAX_SLOTS: usize = 1_000;

/// An activation waiting for the claimer.
pub(super) struct PendingClaim {
    pub(super) job_type: String,
    pub(super) worker: String,
    pub(super) max: usize,
    pub(super) lease_ms: i64,
    pub(super) reply: oneshot::Sender<Result<Vec<ActivatedJob>, Error>>,
}

/// The claimer: runs until the engine is gone (it holds the engine only while claiming).
pub(super) async fn claim_together(engine: Weak<Inner>, mut pending: mpsc::Receiver<PendingClaim>) {
    while let Some(waiting) = super::next_batch(&mut pending, MAX_BATCH).await {
        let Some(inner) = engine.upgrade() else {
            return;
        };
        let engine = Engine { inner };
        let mut by_type: BTreeMap<String, Vec<PendingClaim>> = BTreeMap::new();
        for p in waiting {
            by_type.entry(p.job_type.clone()).or_default().push(p);
        }
        for (job_type, requests) in by_type {
            match engine.claim_for(&job_type, &requests).await {
                Ok(answers) => {
                    let mut undelivered = Vec::new();
                    for (p, answer) in requests.into_iter().zip(answers) {
                        if let Err(Ok(jobs)) = p.reply.send(Ok(answer)) {
                            undelivered.extend(jobs.into_iter().map(|a| a.job.id));
                        }
                    }
                    // The caller went away (a long poll was cancelled): its jobs go back
                    // now instead of when their leases run out.
                    if !undelivered.is_empty() {
                        let ids: Vec<&str> = undelivered.iter().map(String::as_str).collect();
                        if let Err(e) = engine.inner.store.release_jobs(&ids).await {
                            tracing::warn!(error = %e, "returning undelivered jobs failed");
                        }
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    for p in requests {
                        let _ = p.reply.send(Err(Error::Internal(message.clone())));
                    }
                }
            }
        }
    }
}

impl Engine {
    /// One claim for every request of `job_type`; the answers in request order.
    async fn claim_for(
        &self,
        job_type: &str,
        requests: &[PendingClaim],
    ) -> Result<Vec<Vec<ActivatedJob>>, Error> {
        let now = self.now();
        let mut slots: Vec<(&str, i64)> = Vec::new();
        for r in requests {
            let room = MAX_SLOTS.saturating_sub(slots.len()).min(r.max);
            slots.extend(std::iter::repeat_n(
                (r.worker.as_str(), now + r.lease_ms),
                room,
            ));
        }
        let claimed = self
            .inner
            .store
            .claim_jobs_for_slots(job_kind::TASK, job_type, now, &slots)
            .await?;
        // Hand each worker the jobs leased to it, oldest first, at most what it asked for.
        let mut left: Vec<Option<ClaimedJob>> = claimed.into_iter().map(Some).collect();
        let mut answers = Vec::with_capacity(requests.len());
        for r in requests {
            let mut mine = Vec::new();
            for entry in left.iter_mut() {
                if mine.len() == r.max {
                    break;
                }
                if entry
                    .as_ref()
                    .is_some_and(|c| c.job.lease_owner.as_deref() == Some(r.worker.as_str()))
                    && let Some(claimed) = entry.take()
                {
                    mine.push(self.hand_out(claimed).await?);
                }
            }
            answers.push(mine);
        }
        Ok(answers)
    }
}
