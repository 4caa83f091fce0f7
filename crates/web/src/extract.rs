//! Extractors whose rejections are problem details instead of axum's plain-text bodies.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// `axum::Json`, rejecting with a 400 (or 415) problem.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(e) => Err(json_rejection(&e)),
        }
    }
}

fn json_rejection(e: &JsonRejection) -> Problem {
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            Problem::unsupported_media_type("expected a body with Content-Type: application/json")
        }
        _ if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Problem::too_large(e.body_text()),
        // Axum reports a well-formed body of the wrong shape as 422; to the caller both
        // are a malformed request.
        _ => Problem::bad_request(e.body_text()),
    }
}

/// `axum::extract::Query`, rejecting with a 400 problem.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(e) => Err(query_rejection(&e)),
        }
    }
}

fn query_rejection(e: &QueryRejection) -> Problem {
    Problem::bad_request(e.body_text())
}

/// Like [`ApiJson`], but an empty body means `T::default()` (for optional bodies).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiJsonOrEmpty<T>(pub(crate) T);

impl<S, T> FromRequest<S> for ApiJsonOrEmpty<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
        if req.headers().contains_key(CONTENT_TYPE) {
            return ApiJson::<T>::from_request(req, state)
                .await
                .map(|ApiJson(v)| Self(v));
        }
        match req.headers().get(CONTENT_LENGTH) {
            None => Ok(Self(T::default())),
            Some(len) if len == "0" => Ok(Self(T::default())),
            Some(_) => Err(Problem::unsupported_media_type(
                "expected a body with Content-Type: application/json",
            )),
        }
    }
}
