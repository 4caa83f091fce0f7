//! Jobs for external workers: activate (long-poll), complete, fail, throw a BPMN error;
//! and the job list for operators.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use flode_engine::{ActivatedJob, Engine};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;
use utoipa::{IntoParams, ToSchema};

use super::views::{ActivatedJobView, JobView, list};
use super::{page, required};
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// States a job can be in (a completed job leaves the queue; the activity history has it).
const JOB_STATES: [&str; 4] = ["ready", "active", "failed", "canceled"];

/// Longest single wait between activation attempts: jobs of other nodes, and jobs whose
/// backoff ends, wake nobody, so the poll looks again at least this often.
const RECHECK: Duration = Duration::from_secs(1);

/// Leasing jobs to a worker.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ActivateRequest {
    /// Job type (`zeebe:taskDefinition type`).
    r#type: Option<String>,
    /// Worker name; it holds the lease.
    worker: Option<String>,
    /// Most jobs to lease (default 10).
    max_jobs: Option<i64>,
    /// Lease length in ms (default 30 000, at least 1 000).
    lease_ms: Option<i64>,
    /// Wait this long for work when none is ready (default 0, capped at 30 000).
    request_timeout_ms: Option<u64>,
}

/// Jobs leased to the worker.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActivatedJobsView {
    /// Possibly empty.
    jobs: Vec<ActivatedJobView>,
}

/// Completing a job.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct CompleteJobRequest {
    /// The worker holding the lease.
    worker: Option<String>,
    /// Variables to set.
    #[serde(default)]
    #[schema(value_type = Object)]
    variables: Map<String, Value>,
}

/// Reporting a failed attempt.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FailJobRequest {
    /// The worker holding the lease.
    worker: Option<String>,
    /// Retries left; 0 raises an incident.
    retries: i64,
    /// What went wrong (shown to operators; keep personal data out).
    error_message: Option<String>,
    /// Wait before the next attempt, in ms; default: 1 s doubling per attempt, at most 10 min.
    #[serde(default)]
    backoff_ms: Option<i64>,
}

/// Throwing a BPMN error from a job.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThrowErrorRequest {
    /// The worker holding the lease.
    worker: Option<String>,
    /// BPMN error code, caught by an error boundary event.
    error_code: Option<String>,
    /// Variables to set.
    #[serde(default)]
    #[schema(value_type = Object)]
    variables: Map<String, Value>,
}

/// Which jobs to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct JobQuery {
    /// `ready`, `active`, `failed` or `canceled`; absent means any. Completed jobs leave the
    /// queue: the instance's history shows their activities.
    state: Option<String>,
    /// Rows to return (1–500, default 50).
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// Leases ready jobs of a type; waits up to `requestTimeoutMs` when there are none.
#[utoipa::path(
    post,
    path = "/api/jobs/activate",
    tag = "jobs",
    request_body = ActivateRequest,
    responses(
        (status = 200, description = "Leased jobs (possibly none)", body = ActivatedJobsView),
        (status = 400, description = "Malformed request", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn activate(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ActivateRequest>,
) -> Result<Json<ActivatedJobsView>, Problem> {
    let job_type = required(req.r#type, "type")?;
    let worker = required(req.worker, "worker")?;
    let max = req.max_jobs.unwrap_or(10);
    let lease_ms = req.lease_ms.unwrap_or(30_000);
    let wait =
        Duration::from_millis(req.request_timeout_ms.unwrap_or(0)).min(state.config.max_long_poll);
    let jobs = long_poll(&state.engine, &job_type, &worker, max, lease_ms, wait).await?;
    Ok(Json(ActivatedJobsView { jobs: list(jobs) }))
}

/// Activates until some job is leased or `wait` has passed.
async fn long_poll(
    engine: &Engine,
    job_type: &str,
    worker: &str,
    max: i64,
    lease_ms: i64,
    wait: Duration,
) -> Result<Vec<ActivatedJob>, flode_engine::Error> {
    let deadline = Instant::now() + wait;
    let waker = engine.job_waker(job_type);
    loop {
        // Register for the wake-up before looking, so that a job created between the
        // look and the wait still wakes us.
        let mut created = pin!(waker.notified());
        let already_woken = poll_once(created.as_mut()).await;
        let jobs = engine
            .activate_jobs(job_type, worker, max, lease_ms)
            .await?;
        let now = Instant::now();
        if !jobs.is_empty() || now >= deadline {
            return Ok(jobs);
        }
        if !already_woken {
            let _ = tokio::time::timeout((deadline - now).min(RECHECK), created).await;
        }
    }
}

/// Polls a future once; true if it completed (it must not be polled again then).
async fn poll_once<F: Future<Output = ()>>(mut fut: Pin<&mut F>) -> bool {
    std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx).is_ready())).await
}

/// Completes a leased job; its instance continues before the answer.
#[utoipa::path(
    post,
    path = "/api/jobs/{id}/complete",
    tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    request_body = CompleteJobRequest,
    responses(
        (status = 204, description = "Completed"),
        (status = 400, description = "Malformed request or variables", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such job in the queue (a completed job leaves it)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The job is not leased to this worker", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn complete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CompleteJobRequest>,
) -> Result<StatusCode, Problem> {
    let worker = required(req.worker, "worker")?;
    state
        .engine
        .complete_job(&id, Some(&worker), req.variables)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reports a failed attempt: retried after the backoff, or an incident at 0 retries.
#[utoipa::path(
    post,
    path = "/api/jobs/{id}/fail",
    tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    request_body = FailJobRequest,
    responses(
        (status = 200, description = "The job after the failure", body = JobView),
        (status = 400, description = "Malformed request", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The job is not leased to this worker", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn fail(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FailJobRequest>,
) -> Result<Json<JobView>, Problem> {
    let worker = required(req.worker, "worker")?;
    if req.retries < 0 {
        return Err(Problem::bad_request("retries must not be negative"));
    }
    let message = req.error_message.unwrap_or_default();
    let job = state
        .engine
        .fail_job(&id, Some(&worker), req.retries, &message, req.backoff_ms)
        .await?;
    Ok(Json(JobView::from(job)))
}

/// Throws a BPMN error at the job's task, to be caught by an error boundary event.
#[utoipa::path(
    post,
    path = "/api/jobs/{id}/error",
    tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    request_body = ThrowErrorRequest,
    responses(
        (status = 204, description = "Thrown"),
        (status = 400, description = "Malformed request", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The job is not leased to this worker", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn throw_error(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ThrowErrorRequest>,
) -> Result<StatusCode, Problem> {
    let worker = required(req.worker, "worker")?;
    let code = required(req.error_code, "errorCode")?;
    state
        .engine
        .throw_job_error(&id, Some(&worker), &code, req.variables)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Jobs in a state, oldest due first.
#[utoipa::path(
    get,
    path = "/api/jobs",
    tag = "jobs",
    params(JobQuery),
    responses(
        (status = 200, description = "Jobs", body = Vec<JobView>),
        (status = 400, description = "Unknown state", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_jobs(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<JobQuery>,
) -> Result<Json<Vec<JobView>>, Problem> {
    let job_state = q.state.unwrap_or_default();
    if !job_state.is_empty() && !JOB_STATES.contains(&job_state.as_str()) {
        return Err(Problem::bad_request(format!(
            "unknown state {job_state:?}: use ready, active, failed or canceled (completed jobs leave the queue)"
        )));
    }
    let rows = state
        .engine
        .store()
        .jobs(&job_state, page(q.limit, q.offset))
        .await?;
    Ok(Json(list(rows)))
}
