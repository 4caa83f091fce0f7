//! In-process job workers: for the job types flode implements itself (calculations, letters,
//! integrations), a loop per type that leases jobs from this node's engine, hands each to a
//! [`Handler`] and completes or fails it — what an external worker does over the API, without
//! the HTTP. Up to 32 jobs of a type run at once, so a slow external call does not hold up
//! the cases behind it. Leases, retries, backoff and incidents are the job queue's, so a
//! node that dies mid-job only delays it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use flode_store::JobRecord;

use crate::engine::{ActivatedJob, Engine};

/// How long a job stays leased to an in-process worker; longer than any handler should take.
const LEASE_MS: i64 = 5 * 60_000;
/// Jobs of one type a node's worker runs at once.
const CONCURRENCY: usize = 32;
/// Longest sleep when nothing wakes the worker (jobs made ready by another node's backoff).
const POLL: Duration = Duration::from_secs(1);

/// Why a job could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    /// Shown on the job and, out of retries, on the incident: never personal data.
    pub message: String,
    /// Whether trying again may help (a service that is down) or not (bad input, which a
    /// person must look at: the job goes straight to an incident).
    pub retry: bool,
    /// Wait before the next attempt; `None` is the engine's default (1 s, doubling). A
    /// handler that knows its service is down for minutes sets more, so that the job's
    /// retries outlast the outage instead of being spent in seconds.
    pub backoff_ms: Option<i64>,
    /// A business error the process models: thrown as a BPMN error with this code at the
    /// task, for an error boundary event to catch, instead of failing the job.
    pub bpmn_error: Option<BpmnError>,
}

/// A BPMN error a handler throws: its `errorCode`, and variables set with it (for the path
/// that catches it to read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpmnError {
    /// Matched against the `errorCode` of the catching event's error.
    pub code: String,
    /// Set at the task's scope before the error is thrown.
    pub variables: Map<String, Value>,
}

impl JobFailure {
    /// A failure that a later attempt may not have.
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry: true,
            backoff_ms: None,
            bpmn_error: None,
        }
    }

    /// A failure that only a person can resolve.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry: false,
            backoff_ms: None,
            bpmn_error: None,
        }
    }

    /// A business error: the BPMN error `code` is thrown at the task with `variables`.
    /// Nothing is retried; where no event catches `code`, the engine raises an incident,
    /// as for any uncaught error. `message` is logged, so it holds no personal data.
    pub fn bpmn_error(
        code: impl Into<String>,
        message: impl Into<String>,
        variables: Map<String, Value>,
    ) -> Self {
        Self {
            message: message.into(),
            retry: false,
            backoff_ms: None,
            bpmn_error: Some(BpmnError {
                code: code.into(),
                variables,
            }),
        }
    }

    /// Next attempt no sooner than `ms` from now (only matters for a retried failure).
    #[must_use]
    pub fn after_ms(mut self, ms: i64) -> Self {
        self.backoff_ms = Some(ms);
        self
    }

    /// The retries to leave on `job` when it fails with this: one fewer, or none at once.
    pub fn retries_left(&self, job: &JobRecord) -> i64 {
        if self.retry {
            (job.retries - 1).max(0)
        } else {
            0
        }
    }
}

/// Does one job type's work.
pub trait Handler: Send + Sync + 'static {
    /// The job type (`zeebe:taskDefinition type`) it works.
    fn job_type(&self) -> &str;

    /// Does the work of one job; `Ok` carries the variables to complete it with.
    fn handle(
        &self,
        job: &ActivatedJob,
    ) -> impl Future<Output = Result<Map<String, Value>, JobFailure>> + Send;
}

/// The workers of one node; stop them with [`Workers::shutdown`].
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Default for Workers {
    fn default() -> Self {
        Self {
            stop: watch::channel(false).0,
            tasks: Vec::new(),
        }
    }
}

impl Workers {
    /// Starts a worker for `handler`'s job type on `engine`.
    pub fn start<H: Handler>(&mut self, engine: &Engine, handler: H) {
        let name = format!("{}/{}", engine.options().node_name, handler.job_type());
        let task = tokio::spawn(work(
            engine.clone(),
            Arc::new(handler),
            name,
            self.stop.subscribe(),
        ));
        self.tasks.push(task);
    }

    /// Stops leasing new jobs and waits for the jobs in hand to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

async fn work<H: Handler>(
    engine: Engine,
    handler: Arc<H>,
    name: String,
    mut stop: watch::Receiver<bool>,
) {
    let job_type = handler.job_type().to_owned();
    let waker = engine.job_waker(&job_type);
    // Jobs run side by side: one slow call (SSBTEK answering in seconds) must not hold up
    // the cases behind it.
    let mut running: JoinSet<()> = JoinSet::new();
    while !*stop.borrow() {
        while running.try_join_next().is_some() {}
        // Registered before looking, so a job committed in between is not missed.
        let woken = waker.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let free = CONCURRENCY.saturating_sub(running.len());
        let jobs = if free == 0 {
            Vec::new()
        } else {
            match engine
                .activate_jobs(&job_type, &name, i64::try_from(free).unwrap_or(1), LEASE_MS)
                .await
            {
                Ok(jobs) => jobs,
                Err(e) => {
                    tracing::warn!(error = %e, job_type, "in-process worker could not lease jobs");
                    Vec::new()
                }
            }
        };
        if !jobs.is_empty() {
            for job in jobs {
                let (engine, handler, name) = (engine.clone(), Arc::clone(&handler), name.clone());
                running.spawn(async move { finish(&engine, &*handler, &name, &job).await });
            }
            continue;
        }
        tokio::select! {
            () = &mut woken => {}
            () = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
            // A slot freed: there may be jobs waiting that were not leased for want of one.
            Some(_) = running.join_next(), if free == 0 => {}
        }
    }
    // Shutdown: no new leases; the jobs in hand finish (or a panicked one goes back to
    // the queue when its lease runs out).
    while running.join_next().await.is_some() {}
}

/// Runs one job and reports how it went; a report that fails leaves the job to its lease.
async fn finish<H: Handler>(engine: &Engine, handler: &H, name: &str, job: &ActivatedJob) {
    let id = &job.job.id;
    let reported = match handler.handle(job).await {
        Ok(variables) => engine.complete_job(id, Some(name), variables).await,
        Err(JobFailure {
            message,
            bpmn_error: Some(error),
            ..
        }) => {
            tracing::info!(job = %id, job_type = %job.job.job_type, code = %error.code, reason = %message, "job threw a BPMN error");
            engine
                .throw_job_error(id, Some(name), &error.code, error.variables)
                .await
        }
        Err(failure) => {
            let retries = failure.retries_left(&job.job);
            tracing::info!(job = %id, job_type = %job.job.job_type, retries, backoff_ms = ?failure.backoff_ms, reason = %failure.message, "job failed");
            engine
                .fail_job(
                    id,
                    Some(name),
                    retries,
                    &failure.message,
                    failure.backoff_ms,
                )
                .await
                .map(|_| ())
        }
    };
    if let Err(e) = reported {
        tracing::warn!(job = %id, error = %e, "in-process worker could not report a job");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(retries: i64) -> JobRecord {
        JobRecord {
            id: "j".into(),
            kind: "task".into(),
            job_type: "t".into(),
            instance_id: None,
            token: None,
            node_id: None,
            state: "active".into(),
            retries,
            attempts: 1,
            due_at: 0,
            lease_owner: None,
            lease_until: None,
            idempotency_key: "k".into(),
            payload: Value::Null,
            error: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_failure_carries_its_own_backoff_or_the_engines() {
        assert_eq!(JobFailure::transient("nere").backoff_ms, None);
        let later = JobFailure::transient("nere").after_ms(30_000);
        assert_eq!(later.backoff_ms, Some(30_000));
        assert!(later.retry);
        assert_eq!(later.message, "nere");
        assert_eq!(JobFailure::permanent("fel").after_ms(5).backoff_ms, Some(5));
    }

    #[test]
    fn transient_failures_spend_one_retry_permanent_ones_all() {
        assert_eq!(JobFailure::transient("x").retries_left(&job(3)), 2);
        assert_eq!(JobFailure::transient("x").retries_left(&job(0)), 0);
        assert_eq!(JobFailure::permanent("x").retries_left(&job(3)), 0);
    }
}
