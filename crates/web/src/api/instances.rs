//! Process instances: start, list, inspect, history, cancel.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use flode_store::{InstanceFilter, InstanceState};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::views::{HistoryView, InstanceDetailView, InstanceView, list};
use super::{page, required};
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// Start an instance of the latest version of a process.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StartRequest {
    /// Process id (BPMN `process/@id`).
    process_key: Option<String>,
    /// Initial variables.
    #[serde(default)]
    #[schema(value_type = Object)]
    variables: Map<String, Value>,
    /// Caller's key for the instance, e.g. a case number.
    business_key: Option<String>,
}

/// Filters and paging for the instance list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub(crate) struct InstanceQuery {
    /// Only instances of this process id.
    process_key: Option<String>,
    /// Only instances in this state: `active`, `completed`, `terminated` or `canceled`.
    state: Option<String>,
    /// Only instances with this business key.
    business_key: Option<String>,
    /// Rows to return (1–500, default 50).
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// Parses an instance state named in a query; empty means any.
fn parse_state(s: &str) -> Result<Option<InstanceState>, Problem> {
    match s {
        "" => Ok(None),
        "active" => Ok(Some(InstanceState::Active)),
        "completed" => Ok(Some(InstanceState::Completed)),
        "terminated" => Ok(Some(InstanceState::Terminated)),
        "canceled" => Ok(Some(InstanceState::Canceled)),
        other => Err(Problem::bad_request(format!(
            "unknown state {other:?}: use active, completed, terminated or canceled"
        ))),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

/// Starts an instance; it runs to its first wait states before the answer.
#[utoipa::path(
    post,
    path = "/api/process-instances",
    tag = "instances",
    request_body = StartRequest,
    responses(
        (status = 201, description = "Started", body = InstanceView),
        (status = 400, description = "Malformed request or variables", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such process", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn start(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<StartRequest>,
) -> Result<(StatusCode, Json<InstanceView>), Problem> {
    let key = required(req.process_key, "processKey")?;
    let instance = state
        .engine
        .start(&key, req.variables, non_empty(req.business_key))
        .await?;
    Ok((StatusCode::CREATED, Json(InstanceView::from(&instance))))
}

/// Instances, newest first.
#[utoipa::path(
    get,
    path = "/api/process-instances",
    tag = "instances",
    params(InstanceQuery),
    responses(
        (status = 200, description = "Instances", body = Vec<InstanceView>),
        (status = 400, description = "Bad filter", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_instances(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<InstanceQuery>,
) -> Result<Json<Vec<InstanceView>>, Problem> {
    let filter = InstanceFilter {
        process_key: non_empty(q.process_key),
        state: parse_state(q.state.as_deref().unwrap_or(""))?,
        business_key: non_empty(q.business_key),
    };
    let rows = state
        .engine
        .store()
        .instances(&filter, page(q.limit, q.offset))
        .await?;
    Ok(Json(rows.iter().map(InstanceView::from).collect()))
}

/// An instance with its variables, tokens, user tasks, jobs and incidents.
#[utoipa::path(
    get,
    path = "/api/process-instances/{id}",
    tag = "instances",
    params(("id" = String, Path, description = "Instance id")),
    responses(
        (status = 200, description = "The instance", body = InstanceDetailView),
        (status = 404, description = "No such instance", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InstanceDetailView>, Problem> {
    let store = state.engine.store();
    let instance = store.instance(&id).await?;
    let (variables, tokens, user_tasks, jobs, incidents) = tokio::try_join!(
        store.variables(&id),
        store.tokens(&id),
        store.user_tasks_of(&id),
        store.jobs_of(&id),
        store.incidents_of(&id),
    )?;
    Ok(Json(InstanceDetailView {
        instance: InstanceView::from(&instance),
        variables: list(variables),
        tokens: list(tokens),
        user_tasks: list(user_tasks),
        jobs: list(jobs),
        incidents: list(incidents),
    }))
}

/// The instance's activity history, in start order.
#[utoipa::path(
    get,
    path = "/api/process-instances/{id}/history",
    tag = "instances",
    params(("id" = String, Path, description = "Instance id")),
    responses(
        (status = 200, description = "Activity instances", body = Vec<HistoryView>),
        (status = 404, description = "No such instance", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryView>>, Problem> {
    let store = state.engine.store();
    // An unknown id is a 404, not an empty history.
    store.instance(&id).await?;
    Ok(Json(list(store.history(&id).await?)))
}

/// Cancels an active instance and everything it waits on.
#[utoipa::path(
    post,
    path = "/api/process-instances/{id}/cancel",
    tag = "instances",
    params(("id" = String, Path, description = "Instance id")),
    responses(
        (status = 200, description = "Cancelled", body = InstanceView),
        (status = 404, description = "No such instance", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The instance has ended", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InstanceView>, Problem> {
    state.engine.cancel_instance(&id).await?;
    let instance = state.engine.store().instance(&id).await?;
    Ok(Json(InstanceView::from(&instance)))
}
