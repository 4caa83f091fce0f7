//! The JSON API under `/api`, plus the operational endpoints (`/healthz`, `/readyz`,
//! `/metrics`).
//!
//! Every route is declared once in [`table`]: the router is built from it and
//! [`routes`] lists it, so a test can check that the OpenAPI document covers each one.

mod attachments;
mod cases;
mod decisions;
mod definitions;
mod deployments;
mod events;
mod incidents;
mod instances;
mod jobs;
mod me;
pub(crate) mod openapi;
pub(crate) mod robots;
mod user_tasks;
pub(crate) mod views;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use flode_store::Page;

use crate::auth::{ADMIN, Access, CASEWORK, SUPERVISOR};
use crate::ops;
use crate::state::AppState;

/// One route of the API.
struct ApiRoute {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
    /// Who may call it; any signed-in principal unless changed.
    access: Access,
}

impl ApiRoute {
    fn access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }
}

fn route<H, T>(method: Method, filter: MethodFilter, path: &'static str, handler: H) -> ApiRoute
where
    H: Handler<T, AppState>,
    T: 'static,
{
    ApiRoute {
        method,
        path,
        handler: on(filter, handler),
        access: Access::SignedIn,
    }
}

fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> ApiRoute {
    route(Method::GET, MethodFilter::GET, path, handler)
}

fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> ApiRoute {
    route(Method::POST, MethodFilter::POST, path, handler)
}

fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> ApiRoute {
    route(Method::PUT, MethodFilter::PUT, path, handler)
}

fn delete<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> ApiRoute {
    route(Method::DELETE, MethodFilter::DELETE, path, handler)
}

/// Every JSON and operational route, with who may call it (README, "Roles").
fn table() -> Vec<ApiRoute> {
    vec![
        post("/api/deployments", deployments::deploy).access(ADMIN),
        get("/api/definitions", definitions::list_definitions),
        get("/api/definitions/{id}", definitions::show),
        post("/api/process-instances", instances::start),
        get("/api/process-instances", instances::list_instances),
        get("/api/process-instances/{id}", instances::show),
        get("/api/process-instances/{id}/history", instances::history),
        post("/api/process-instances/{id}/cancel", instances::cancel).access(SUPERVISOR),
        get("/api/user-tasks", user_tasks::list_tasks),
        post("/api/user-tasks/{id}/complete", user_tasks::complete),
        post("/api/jobs/activate", jobs::activate),
        get("/api/jobs", jobs::list_jobs),
        post("/api/jobs/{id}/complete", jobs::complete),
        post("/api/jobs/{id}/fail", jobs::fail),
        post("/api/jobs/{id}/error", jobs::throw_error),
        post("/api/messages", events::correlate),
        post("/api/signals", events::broadcast),
        get("/api/incidents", incidents::list_incidents),
        post("/api/incidents/{id}/resolve", incidents::resolve).access(SUPERVISOR),
        post("/api/decisions/{id}/evaluate", decisions::evaluate),
        get("/api/cases", cases::inbox).access(CASEWORK),
        get("/api/cases/{id}", cases::show).access(CASEWORK),
        post("/api/cases/{id}/decision", cases::decide).access(CASEWORK),
        post("/api/cases/{id}/notes", cases::add_note).access(CASEWORK),
        post("/api/cases/{id}/messages", cases::send_message).access(CASEWORK),
        get("/api/documents/{id}", cases::document).access(CASEWORK),
        get("/api/attachments/{file}", attachments::staff_download).access(CASEWORK),
        // Citizens are no staff principal: the citizen session cookie is checked by the
        // handlers' `ApiCitizen` extractor instead.
        get("/api/me/applications/draft", me::draft).access(Access::Public),
        put("/api/me/applications/{id}/pages/{page}", me::save_page).access(Access::Public),
        post("/api/me/applications/{id}/submit", me::submit).access(Access::Public),
        get("/api/me/cases", me::cases).access(Access::Public),
        get("/api/me/cases/{id}", me::case).access(Access::Public),
        post("/api/me/cases/{id}/messages", me::send_message).access(Access::Public),
        get("/api/me/documents/{id}", me::document).access(Access::Public),
        get("/api/me/applications/{id}/attachments", attachments::list).access(Access::Public),
        post("/api/me/applications/{id}/attachments", attachments::upload).access(Access::Public),
        delete(
            "/api/me/applications/{id}/attachments/{file}",
            attachments::remove,
        )
        .access(Access::Public),
        get("/api/me/attachments/{file}", attachments::download).access(Access::Public),
        get("/api/robots/dashboard", robots::show_dashboard),
        get("/api/robots/reviews", robots::list_reviews).access(CASEWORK),
        post("/api/robots/reviews/{job_id}/resolve", robots::resolve).access(CASEWORK),
        put(
            "/api/robots/targets/{name}/maintenance",
            robots::set_maintenance,
        )
        .access(SUPERVISOR),
        put(
            "/api/robots/targets/{name}/script-version",
            robots::set_script_version,
        )
        .access(SUPERVISOR),
        get("/api/openapi.json", openapi::document).access(Access::Public),
        get("/healthz", ops::healthz).access(Access::Public),
        get("/readyz", ops::readyz).access(Access::Public),
        get("/metrics", ops::metrics).access(Access::Public),
    ]
}

/// The API's routes, for [`crate::router`].
pub(crate) fn router() -> Router<AppState> {
    table().into_iter().fold(Router::new(), |r, route| {
        let access = route.access;
        let handler = route
            .handler
            .route_layer(axum::middleware::from_fn(move |req, next| {
                crate::auth::require(access, req, next)
            }));
        r.route(route.path, handler)
    })
}

/// Method and path of every API and operational route (in axum's `{param}` syntax).
pub fn routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// Method, path and the access each API and operational route needs.
pub fn access() -> Vec<(Method, &'static str, Access)> {
    table()
        .into_iter()
        .map(|r| (r.method, r.path, r.access))
        .collect()
}

/// Paging from optional query parameters: at most 500 rows, 50 by default.
fn page(limit: Option<i64>, offset: Option<i64>) -> Page {
    Page {
        limit: limit.unwrap_or(50).clamp(1, 500),
        offset: offset.unwrap_or(0).max(0),
    }
}

/// A required text field: present and not blank.
fn required(value: Option<String>, field: &str) -> Result<String, crate::problem::Problem> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(crate::problem::Problem::bad_request(format!(
            "{field} is required"
        ))),
    }
}
