//! Messages and signals from outside the engine.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::required;
use crate::extract::ApiJson;
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// A message to correlate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageRequest {
    /// Message name.
    name: Option<String>,
    /// Correlation key; absent matches subscriptions without one.
    correlation_key: Option<String>,
    /// Variables the message carries.
    #[serde(default)]
    #[schema(value_type = Object)]
    variables: Map<String, Value>,
}

/// How many waiting instances or message start events a message reached.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CorrelatedView {
    /// Subscriptions reached.
    correlated: usize,
}

/// A signal to broadcast.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct SignalRequest {
    /// Signal name.
    name: Option<String>,
}

/// Correlates a message with the instances waiting for it.
#[utoipa::path(
    post,
    path = "/api/messages",
    tag = "events",
    request_body = MessageRequest,
    responses(
        (status = 200, description = "Correlated", body = CorrelatedView),
        (status = 400, description = "Malformed request", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn correlate(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<MessageRequest>,
) -> Result<Json<CorrelatedView>, Problem> {
    let name = required(req.name, "name")?;
    let correlated = state
        .engine
        .correlate_message(&name, req.correlation_key.as_deref(), req.variables)
        .await?;
    Ok(Json(CorrelatedView { correlated }))
}

/// Broadcasts a signal to every instance waiting for it.
#[utoipa::path(
    post,
    path = "/api/signals",
    tag = "events",
    request_body = SignalRequest,
    responses(
        (status = 204, description = "Broadcast"),
        (status = 400, description = "Malformed request", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn broadcast(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SignalRequest>,
) -> Result<StatusCode, Problem> {
    let name = required(req.name, "name")?;
    state.engine.broadcast_signal(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}
