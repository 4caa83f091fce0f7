//! Finishes error responses where the request is known: adds the path and correlation id
//! to problem details and logs the real cause of server errors with the request id.
//!
//! Handlers never log their own failures; they put the cause in the response extensions
//! ([`Problem`] for the API, [`PageFailure`] for pages) and this layer logs it once.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::pages::error::{PageFailure, internal_error_page};
use crate::problem::Problem;

/// Header carrying the request id (set or kept by the request-id layer).
pub(crate) const REQUEST_ID: &str = "x-request-id";

/// The request id of a request, if the request-id layer has run.
pub(crate) fn request_id(req: &Request) -> Option<String> {
    req.headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Middleware: see the module docs.
pub(crate) async fn finish(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let request_id = request_id(&req);
    let mut response = next.run(req).await;
    if let Some(problem) = response.extensions_mut().remove::<Problem>() {
        let server_error = problem.status.is_server_error();
        match &problem.internal {
            Some(cause) => tracing::error!(
                request_id = request_id.as_deref().unwrap_or(""),
                status = problem.status.as_u16(),
                error = %cause,
                "request failed"
            ),
            None => tracing::debug!(
                status = problem.status.as_u16(),
                kind = problem.kind,
                "request rejected"
            ),
        }
        let mut finished = problem.to_response(Some(path), request_id.filter(|_| server_error));
        finished.extensions_mut().remove::<Problem>();
        // Headers a handler or layer added to the problem (a 401's challenge) stay.
        for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
            if let Some(v) = response.headers().get(&name) {
                finished.headers_mut().insert(name, v.clone());
            }
        }
        return finished;
    }
    if let Some(failure) = response.extensions_mut().remove::<PageFailure>() {
        tracing::error!(
            request_id = request_id.as_deref().unwrap_or(""),
            error = %failure.0,
            "page failed"
        );
        return internal_error_page(request_id.as_deref());
    }
    response
}
