//! Operational endpoints: liveness, readiness and Prometheus metrics.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// Prometheus text exposition format.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "Up", body = String, content_type = "text/plain"))
)]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = String, content_type = "text/plain"),
        (status = 503, description = "The database is down", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn readyz(State(state): State<AppState>) -> Result<&'static str, Problem> {
    state
        .engine
        .store()
        .ping()
        .await
        .map_err(|e| Problem::unavailable(e.to_string()))?;
    Ok("ready")
}

/// Prometheus metrics: the recorder's, plus gauges read from the store on each scrape.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 503, description = "The database is down", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn metrics(State(state): State<AppState>) -> Result<Response, Problem> {
    let stats = state
        .engine
        .store()
        .stats()
        .await
        .map_err(|e| Problem::unavailable(e.to_string()))?;
    let mut out = state
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    for (name, help, value) in [
        (
            "flode_instances_active",
            "Process instances that have not ended.",
            stats.active_instances,
        ),
        (
            "flode_user_tasks_open",
            "User tasks waiting for a person.",
            stats.open_user_tasks,
        ),
        (
            "flode_jobs_pending",
            "Jobs ready or leased to a worker.",
            stats.pending_jobs,
        ),
        (
            "flode_incidents_open",
            "Incidents waiting for a person.",
            stats.open_incidents,
        ),
    ] {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        let _ = write!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        );
    }
    Ok(([(header::CONTENT_TYPE, PROMETHEUS_TEXT)], out).into_response())
}
