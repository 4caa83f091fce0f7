//! `POST /api/deployments`: deploy a BPMN or DMN file, sent raw or wrapped in JSON.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::views::{DeploymentView, list};
use crate::extract::ApiQuery;
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// Name used when a raw XML body comes without `?name=`.
const DEFAULT_NAME: &str = "deployment.bpmn";

/// Query of a raw XML deployment.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeployQuery {
    /// File name of a raw XML body, e.g. `ansokan.bpmn`.
    name: Option<String>,
}

/// A deployment wrapped in JSON.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct DeployRequest {
    /// File name, e.g. `ansokan.bpmn` or `beslut.dmn`.
    name: String,
    /// The BPMN or DMN XML.
    xml: String,
}

/// How the body is encoded, from its `Content-Type`.
enum Body {
    Json,
    Xml,
}

fn body_kind(headers: &HeaderMap) -> Result<Body, Problem> {
    let unsupported =
        || Problem::unsupported_media_type("send application/json, application/xml or text/xml");
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .ok_or_else(unsupported)?;
    match mime.as_str() {
        "application/json" => Ok(Body::Json),
        "application/xml" | "text/xml" => Ok(Body::Xml),
        m if m.ends_with("+json") => Ok(Body::Json),
        m if m.ends_with("+xml") => Ok(Body::Xml),
        _ => Err(unsupported()),
    }
}

/// Deploys every process (or the decision model) in a file, all or nothing.
#[utoipa::path(
    post,
    path = "/api/deployments",
    tag = "deployments",
    params(DeployQuery),
    request_body(
        description = "The model: JSON `{name, xml}`, or the raw XML with `?name=`.",
        content(
            (DeployRequest = "application/json"),
            (String = "application/xml"),
            (String = "text/xml"),
        )
    ),
    responses(
        (status = 201, description = "Deployed", body = DeploymentView),
        (status = 400, description = "Malformed body", body = ProblemBody, content_type = "application/problem+json"),
        (status = 415, description = "Unsupported media type", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The model cannot be deployed; `errors` lists every problem", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn deploy(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DeployQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<DeploymentView>), Problem> {
    let kind = body_kind(&headers)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large(e.body_text())
        } else {
            Problem::bad_request(e.body_text())
        }
    })?;
    let (name, xml) = match kind {
        Body::Json => {
            let req: DeployRequest = serde_json::from_slice(&body)
                .map_err(|e| Problem::bad_request(format!("malformed JSON body: {e}")))?;
            (req.name, req.xml)
        }
        Body::Xml => {
            let xml = String::from_utf8(body.to_vec())
                .map_err(|_| Problem::bad_request("the XML is not UTF-8"))?;
            (query.name.unwrap_or_else(|| DEFAULT_NAME.to_owned()), xml)
        }
    };
    if name.trim().is_empty() {
        return Err(Problem::bad_request("name is required"));
    }
    if xml.trim().is_empty() {
        return Err(Problem::bad_request("xml is required"));
    }
    let deployed = state.engine.deploy(name.trim(), &xml).await?;
    Ok((
        StatusCode::CREATED,
        Json(DeploymentView {
            deployed: list(deployed),
        }),
    ))
}
