//! The web layer of flode: a JSON API for workers and integrations, and server-rendered
//! admin pages for the people who run the processes.
//!
//! # Use from the binary
//!
//! ```no_run
//! # async fn serve(engine: flode_engine::Engine) -> std::io::Result<()> {
//! let state = flode_web::AppState::new(engine); // .with_metrics(prometheus_handle)
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, flode_web::router(state)).await
//! # }
//! ```
//!
//! [`router`] returns a complete `axum::Router` (state applied) with request ids, tracing,
//! cross-site-post protection, authentication and error reporting installed; the binary adds only its
//! listener, graceful shutdown and, if it wants, a request timeout layer (job activation
//! long-polls for up to [`WebConfig::max_long_poll`], 30 s by default).
//!
//! # Map
//!
//! - `api`: the JSON API under `/api` with its OpenAPI document; errors are RFC 9457
//!   problem details (`problem`), bodies are read with `extract`.
//! - `ops`: `/healthz`, `/readyz`, `/metrics`.
//! - `pages`: the admin and casework pages, Swedish or English (askama templates in
//!   `templates/`, texts in `locales/*/staff.ftl`; `i18n` has the language).
//! - `eservice`: the citizens' e-service and Mina sidor (`templates/eservice/`), with its
//!   own sign-in and session cookie.
//! - `auth`: who is asking (session cookie or `Authorization: Bearer` API token) and
//!   what each route needs; pages redirect to `/logga-in`, the API answers 401/403.
//! - `oidc`: the cookie and the Swedish failure messages that the citizens' and the
//!   staff's OpenID Connect sign-in share (the protocol is in `flode_security::oidc`).
//! - `csrf`, `report`: middleware that rejects cross-site posts and that logs server
//!   errors once, with the request id.

mod api;
mod assets;
mod auth;
mod csrf;
mod eservice;
mod extract;
mod i18n;
mod oidc;
mod ops;
mod pages;
mod problem;
mod report;
mod state;
mod timefmt;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderName;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use api::{access as api_access, routes as api_routes};
pub use auth::Access;
pub use state::{AppState, WebConfig};

/// The OpenAPI 3.1 document served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi::openapi()
}

/// The whole web application: API, operational endpoints, admin pages and assets.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    let request_id = HeaderName::from_static(report::REQUEST_ID);
    Router::new()
        .merge(api::router())
        .merge(pages::router())
        .merge(eservice::router())
        .route("/static/flode.css", get(assets::css))
        .route("/sprak/{lang}", get(i18n::switch))
        .fallback(fallback)
        .layer(
            // Outermost first: the request id exists before the span, the span before
            // anything is logged, and the guard runs before any handler.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(TraceLayer::new_for_http().make_span_with(span))
                // The page language, outside `report` and `csrf`: their error pages too.
                .layer(axum::middleware::from_fn(i18n::scope))
                .layer(axum::middleware::from_fn(report::finish))
                // A bug that panics answers 500 with a correlation id, logged like any
                // internal error, instead of dropping the connection.
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(axum::middleware::from_fn(csrf::guard))
                // Who is asking; each route then checks what it needs (`auth::require`).
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    auth::authenticate,
                ))
                .layer(DefaultBodyLimit::max(body_limit)),
        )
        .with_state(state)
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    problem::Problem::internal(format!("handler panicked: {what}")).into_response()
}

/// The request span: method, path (not the query, which may hold personal data) and id.
fn span(req: &Request) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = req.uri().path(),
        request_id = report::request_id(req).as_deref().unwrap_or(""),
    )
}

/// Unknown paths: a problem under `/api`, a page elsewhere.
async fn fallback(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") || req.uri().path() == "/api" {
        problem::Problem::not_found("no such endpoint").into_response()
    } else {
        pages::error::not_found_page()
    }
}
