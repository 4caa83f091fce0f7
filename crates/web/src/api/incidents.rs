//! Incidents: list, resolve.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::page;
use super::views::{IncidentView, list};
use crate::extract::{ApiJsonOrEmpty, ApiQuery};
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// Which incidents to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct IncidentQuery {
    /// `open` (the default), `resolved` or `all`.
    state: Option<String>,
    /// Rows to return (1–500, default 50).
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// Resolving an incident.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(crate) struct ResolveRequest {
    /// Retries to give a failed job (default 1).
    retries: Option<i64>,
}

/// Incidents, newest first.
#[utoipa::path(
    get,
    path = "/api/incidents",
    tag = "incidents",
    params(IncidentQuery),
    responses(
        (status = 200, description = "Incidents", body = Vec<IncidentView>),
        (status = 400, description = "Unknown state", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_incidents(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Result<Json<Vec<IncidentView>>, Problem> {
    let filter = match q.state.as_deref().unwrap_or("open") {
        "" | "open" => "open",
        "resolved" => "resolved",
        "all" => "",
        other => {
            return Err(Problem::bad_request(format!(
                "unknown state {other:?}: use open, resolved or all"
            )));
        }
    };
    let rows = state
        .engine
        .store()
        .incidents(filter, page(q.limit, q.offset))
        .await?;
    Ok(Json(list(rows)))
}

/// Resolves an incident: a failed job is retried, a stuck token runs again.
#[utoipa::path(
    post,
    path = "/api/incidents/{id}/resolve",
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id")),
    request_body(content = ResolveRequest, description = "Optional"),
    responses(
        (status = 204, description = "Resolved"),
        (status = 400, description = "Malformed request", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such open incident (also when already resolved)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJsonOrEmpty(req): ApiJsonOrEmpty<ResolveRequest>,
) -> Result<StatusCode, Problem> {
    if req.retries.is_some_and(|r| r < 1) {
        return Err(Problem::bad_request("retries must be at least 1"));
    }
    state.engine.resolve_incident(&id, req.retries).await?;
    Ok(StatusCode::NO_CONTENT)
}
