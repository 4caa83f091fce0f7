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
    let robots = crate::api::robots::dashboard(state.engine.store(), state.engine.now())
        .await
        .map_err(|e| Problem::unavailable(e.to_string()))?;
    robot_gauges(&mut out, &robots);
    Ok(([(header::CONTENT_TYPE, PROMETHEUS_TEXT)], out).into_response())
}

/// A label value in the exposition format: backslash, quote and newline escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// One gauge with a label per sample.
fn gauge(out: &mut String, name: &str, help: &str, key: &str, samples: &[(String, i64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (value, n) in samples {
        let _ = writeln!(out, "{name}{{{key}=\"{}\"}} {n}", label(value));
    }
}

/// The robots' gauges (`docs/robots.md`, "Monitoring"), from the dashboard's figures.
fn robot_gauges(out: &mut String, d: &crate::api::robots::Dashboard) {
    let per_queue = |f: fn(&crate::api::robots::QueueView) -> i64| -> Vec<(String, i64)> {
        d.queues
            .iter()
            .map(|q| (q.job_type.clone(), f(q)))
            .collect()
    };
    gauge(
        out,
        "flode_robot_queue_ready",
        "Robot jobs waiting for a robot, per job type.",
        "job_type",
        &per_queue(|q| q.ready),
    );
    gauge(
        out,
        "flode_robot_queue_oldest_seconds",
        "Age of the oldest robot job waiting or in progress, per job type (0 when none).",
        "job_type",
        &per_queue(|q| q.oldest_waiting_seconds.unwrap_or(0)),
    );
    let _ = writeln!(
        out,
        "# HELP flode_robot_reviews_open Work items waiting in the manual-review queue.\n\
         # TYPE flode_robot_reviews_open gauge\nflode_robot_reviews_open {}",
        d.reviews_open
    );
    let states: Vec<(String, i64)> = d.robots_by_state().into_iter().collect();
    gauge(
        out,
        "flode_robots",
        "Robots by state; dead: no heartbeat for 30 s while not stopped.",
        "state",
        &states,
    );
    let targets = |f: fn(&crate::api::robots::TargetView) -> i64| -> Vec<(String, i64)> {
        d.targets.iter().map(|t| (t.name.clone(), f(t))).collect()
    };
    gauge(
        out,
        "flode_robot_seats_in_use",
        "Licence seats of a target leased to robots now.",
        "target",
        &targets(|t| t.seats_in_use),
    );
    gauge(
        out,
        "flode_robot_seats",
        "Licence seats of a target (robots working in it at once, at most).",
        "target",
        &targets(|t| t.seats),
    );
    let runs: Vec<(String, i64)> = d
        .runs_24h
        .iter()
        .map(|o| (o.outcome.to_owned(), o.count))
        .collect();
    gauge(
        out,
        "flode_robot_runs_24h",
        "Robot runs that ended in the last 24 hours, by outcome.",
        "outcome",
        &runs,
    );
}
