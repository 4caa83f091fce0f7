//! RFC 9457 problem details: the one error type of the JSON API.
//!
//! Handlers return [`Problem`]; its response carries a copy of itself in the response
//! extensions so that [`crate::report`] can add the request path and, for server errors,
//! the correlation id, and log the real cause.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Base of every problem `type` URI.
const TYPE_BASE: &str = "https://flode.example/problems/";

/// Media type of problem bodies.
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// An API error, rendered as `application/problem+json`.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    /// HTTP status.
    pub(crate) status: StatusCode,
    /// Last segment of the `type` URI, e.g. `not-found`.
    pub(crate) kind: &'static str,
    /// Short, stable summary of the kind.
    pub(crate) title: &'static str,
    /// What went wrong in this case; generic for server errors.
    pub(crate) detail: String,
    /// Every problem found (422 only).
    pub(crate) listed: Listed,
    /// The real cause of a server error: logged, never sent.
    pub(crate) internal: Option<String>,
}

/// What a 422 problem lists.
#[derive(Debug, Clone)]
pub(crate) enum Listed {
    /// Nothing (every other problem).
    Nothing,
    /// Problems as lines (an invalid model).
    Problems(Vec<String>),
    /// Invalid fields (invalid input), sent both as `errors` lines and as `fields`.
    Fields(Vec<FieldProblemBody>),
}

impl Problem {
    fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            title,
            detail: detail.into(),
            listed: Listed::Nothing,
            internal: None,
        }
    }

    /// 400: the request is malformed.
    pub(crate) fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    /// 404: something named does not exist.
    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 409: the state changed underneath the caller.
    pub(crate) fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    /// 415: a body in a media type the endpoint does not take.
    pub(crate) fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }

    /// 413: a body over the size limit.
    pub(crate) fn too_large(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Payload too large",
            detail,
        )
    }

    /// 422: a model that cannot be deployed, with every problem listed.
    pub(crate) fn invalid_model(errors: Vec<String>) -> Self {
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-model",
            "Invalid model",
            format!("the model cannot be deployed: {} problem(s)", errors.len()),
        );
        p.listed = Listed::Problems(errors);
        p
    }

    /// 422: input that breaks the casework rules: every field with its Swedish message,
    /// both as `errors` lines (like an invalid model) and as `fields` for clients that
    /// show each message at its input.
    pub(crate) fn invalid_input(fields: Vec<FieldProblemBody>) -> Self {
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
            "Invalid input",
            match fields.len() {
                1 => "Uppgifterna har 1 fel som behöver rättas".to_owned(),
                n => format!("Uppgifterna har {n} fel som behöver rättas"),
            },
        );
        p.listed = Listed::Fields(fields);
        p
    }

    /// 401: no valid session or API token.
    pub(crate) fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            detail,
        )
    }

    /// 403: a cross-site form post, or a principal without the role the action needs.
    pub(crate) fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    /// 503: a dependency (the database) is down; the cause is logged, not sent.
    pub(crate) fn unavailable(internal: impl Into<String>) -> Self {
        let mut p = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            "the database is not answering",
        );
        p.internal = Some(internal.into());
        p
    }

    /// 500: the cause is logged; the caller gets a correlation id instead.
    pub(crate) fn internal(internal: impl Into<String>) -> Self {
        let mut p = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error",
            "the server failed to handle the request; quote the correlation id when reporting it",
        );
        p.internal = Some(internal.into());
        p
    }

    /// The serialisable body for a request path and correlation id.
    pub(crate) fn body(
        &self,
        instance: Option<String>,
        correlation_id: Option<String>,
    ) -> ProblemBody {
        ProblemBody {
            r#type: format!("{TYPE_BASE}{}", self.kind),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            instance,
            errors: match &self.listed {
                Listed::Nothing => None,
                Listed::Problems(errors) => Some(errors.clone()),
                Listed::Fields(fields) => Some(
                    fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect(),
                ),
            },
            fields: match &self.listed {
                Listed::Fields(fields) => Some(fields.clone()),
                _ => None,
            },
            correlation_id,
        }
    }

    /// The response for a known path and correlation id (see [`crate::report`]).
    pub(crate) fn to_response(
        &self,
        instance: Option<String>,
        correlation_id: Option<String>,
    ) -> Response {
        let body = serde_json::to_vec(&self.body(instance, correlation_id)).unwrap_or_default();
        let mut response =
            (self.status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response();
        response.extensions_mut().insert(self.clone());
        response
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        self.to_response(None, None)
    }
}

impl From<flode_engine::Error> for Problem {
    fn from(e: flode_engine::Error) -> Self {
        use flode_engine::Error as E;
        match e {
            E::Invalid { problems } => Self::invalid_model(problems),
            E::BadRequest(m) => Self::bad_request(m),
            E::NotFound { what, id } => Self::not_found(format!("{what} {id:?} not found")),
            E::Conflict(m) => Self::conflict(m),
            e @ (E::Internal(_) | E::Store(_)) => Self::internal(e.to_string()),
        }
    }
}

impl From<flode_store::Error> for Problem {
    fn from(e: flode_store::Error) -> Self {
        flode_engine::Error::from(e).into()
    }
}

impl From<flode_casework::Error> for Problem {
    fn from(e: flode_casework::Error) -> Self {
        use flode_casework::Error as E;
        match e {
            E::Invalid(problems) => Self::invalid_input(
                problems
                    .into_iter()
                    .map(|p| FieldProblemBody {
                        field: p.field,
                        message: p.message,
                    })
                    .collect(),
            ),
            // Another person's case, application or document is as absent as a missing one.
            E::NotFound(what) => Self::not_found(match what {
                "ärende" => "Ärendet finns inte".to_owned(),
                "ansökan" => "Ansökan finns inte".to_owned(),
                "dokument" => "Dokumentet finns inte".to_owned(),
                other => format!("{other} finns inte"),
            }),
            E::AlreadySubmitted => Self::conflict("Ansökan är redan skickad och kan inte ändras"),
            E::NotAwaitingDecision => Self::conflict("Ärendet väntar inte på beslut"),
            E::Corrupt(m) => Self::internal(m),
            E::Engine(e) => e.into(),
        }
    }
}

/// One invalid field of a request (RFC 9457 extension member `fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = FieldProblem)]
pub(crate) struct FieldProblemBody {
    /// The field's name, as in the request body (`manad`, `belopp`, `body`, …); on submit,
    /// the slug of the page still to answer.
    #[schema(example = "motivering")]
    pub(crate) field: String,
    /// What is wrong and how to fix it, in Swedish.
    #[schema(example = "Skriv en motivering: skälen för beslutet (förvaltningslagen 32 §)")]
    pub(crate) message: String,
}

/// The wire form of a problem (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Problem)]
pub(crate) struct ProblemBody {
    /// URI naming the kind of problem.
    #[schema(example = "https://flode.example/problems/not-found")]
    pub(crate) r#type: String,
    /// Short summary of the kind.
    pub(crate) title: String,
    /// HTTP status.
    pub(crate) status: u16,
    /// What went wrong in this case.
    pub(crate) detail: String,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) instance: Option<String>,
    /// Every problem found (422 only): in a model, or `field: message` for invalid input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) errors: Option<Vec<String>>,
    /// Each invalid field with its Swedish message (422 `invalid-input` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fields: Option<Vec<FieldProblemBody>>,
    /// Request id to quote when reporting a server error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) correlation_id: Option<String>,
}
