//! In-process job workers: for the job types flode implements itself (calculations, letters,
//! integrations), a loop per type that leases jobs from this node's engine, hands each to a
//! [`Handler`] and completes or fails it — what an external worker does over the API, without
//! the HTTP. Leases, retries, backoff and incidents are the job queue's, so a node that dies
//! mid-job only delays it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::engine::{ActivatedJob, Engine};

/// How long a job stays leased to an in-process worker; longer than any handler should take.
const LEASE_MS: i64 = 5 * 60_000;
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
}

impl JobFailure {
    /// A failure that a later attempt may not have.
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry: true,
        }
    }

    /// A failure that only a person can resolve.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retry: false,
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
    while !*stop.borrow() {
        // Registered before looking, so a job committed in between is not missed.
        let woken = waker.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let jobs = match engine.activate_jobs(&job_type, &name, 10, LEASE_MS).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(error = %e, job_type, "in-process worker could not lease jobs");
                Vec::new()
            }
        };
        if jobs.is_empty() {
            tokio::select! {
                () = &mut woken => {}
                () = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        for job in jobs {
            finish(&engine, &*handler, &name, &job).await;
        }
    }
}

/// Runs one job and reports how it went; a report that fails leaves the job to its lease.
async fn finish<H: Handler>(engine: &Engine, handler: &H, name: &str, job: &ActivatedJob) {
    let id = &job.job.id;
    let reported = match handler.handle(job).await {
        Ok(variables) => engine.complete_job(id, Some(name), variables).await,
        Err(failure) => {
            let retries = if failure.retry {
                (job.job.retries - 1).max(0)
            } else {
                0
            };
            tracing::info!(job = %id, job_type = %job.job.job_type, retries, reason = %failure.message, "job failed");
            engine
                .fail_job(id, Some(name), retries, &failure.message, None)
                .await
                .map(|_| ())
        }
    };
    if let Err(e) = reported {
        tracing::warn!(job = %id, error = %e, "in-process worker could not report a job");
    }
}
