//! User tasks: list by state, complete.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::page;
use super::views::{UserTaskView, list};
use crate::extract::{ApiJsonOrEmpty, ApiQuery};
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// States a user task can be in.
const TASK_STATES: [&str; 3] = ["created", "completed", "canceled"];

/// Which user tasks to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TaskQuery {
    /// `created` (open, the default), `completed` or `canceled`.
    state: Option<String>,
    /// Rows to return (1–500, default 50).
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// Completing a user task.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(crate) struct CompleteTaskRequest {
    /// Variables set on completion.
    #[serde(default)]
    #[schema(value_type = Object)]
    variables: Map<String, Value>,
    /// Who completed it.
    user: Option<String>,
}

/// User tasks in a state, by due date then age.
#[utoipa::path(
    get,
    path = "/api/user-tasks",
    tag = "user-tasks",
    params(TaskQuery),
    responses(
        (status = 200, description = "User tasks", body = Vec<UserTaskView>),
        (status = 400, description = "Unknown state", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_tasks(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TaskQuery>,
) -> Result<Json<Vec<UserTaskView>>, Problem> {
    let task_state = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or("created");
    if !TASK_STATES.contains(&task_state) {
        return Err(Problem::bad_request(format!(
            "unknown state {task_state:?}: use created, completed or canceled"
        )));
    }
    let rows = state
        .engine
        .store()
        .user_tasks(task_state, page(q.limit, q.offset))
        .await?;
    Ok(Json(list(rows)))
}

/// Completes an open user task; its instance continues before the answer.
#[utoipa::path(
    post,
    path = "/api/user-tasks/{id}/complete",
    tag = "user-tasks",
    params(("id" = String, Path, description = "User task id")),
    request_body(content = CompleteTaskRequest, description = "Optional"),
    responses(
        (status = 204, description = "Completed"),
        (status = 400, description = "Malformed request or variables", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such task", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The task is no longer open", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn complete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJsonOrEmpty(req): ApiJsonOrEmpty<CompleteTaskRequest>,
) -> Result<StatusCode, Problem> {
    let user = req.user.filter(|u| !u.trim().is_empty());
    state
        .engine
        .complete_user_task(&id, req.variables, user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
