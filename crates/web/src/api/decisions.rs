//! `POST /api/decisions/{id}/evaluate`: run a deployed DMN decision directly.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::extract::ApiJson;
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// Input of a decision.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct EvaluateRequest {
    /// Input data by name.
    #[serde(default)]
    #[schema(value_type = Object)]
    input: Map<String, Value>,
}

/// Result of a decision.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EvaluateView {
    /// The decision's output (shape depends on its hit policy).
    result: Value,
}

/// Evaluates the latest deployed decision with this id (or name).
#[utoipa::path(
    post,
    path = "/api/decisions/{id}/evaluate",
    tag = "decisions",
    params(("id" = String, Path, description = "Decision id or name")),
    request_body = EvaluateRequest,
    responses(
        (status = 200, description = "Evaluated", body = EvaluateView),
        (status = 400, description = "Bad input or failed evaluation", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such decision", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn evaluate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EvaluateRequest>,
) -> Result<Json<EvaluateView>, Problem> {
    let result = state.engine.evaluate_decision(&id, &req.input)?;
    Ok(Json(EvaluateView { result }))
}
