//! The OpenAPI 3.1 document of the JSON API, served at `GET /api/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

use super::{decisions, definitions, deployments, events, incidents, instances, jobs, user_tasks};
use crate::ops;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "flode",
        description = "Durable BPMN/DMN process engine: deployments, process instances, user tasks, \
                       jobs for external workers, messages, signals, incidents and decisions. \
                       Errors are RFC 9457 problem details (`application/problem+json`)."
    ),
    paths(
        deployments::deploy,
        definitions::list_definitions,
        definitions::show,
        instances::start,
        instances::list_instances,
        instances::show,
        instances::history,
        instances::cancel,
        user_tasks::list_tasks,
        user_tasks::complete,
        jobs::activate,
        jobs::list_jobs,
        jobs::complete,
        jobs::fail,
        jobs::throw_error,
        events::correlate,
        events::broadcast,
        incidents::list_incidents,
        incidents::resolve,
        decisions::evaluate,
        document,
        ops::healthz,
        ops::readyz,
        ops::metrics,
    ),
    tags(
        (name = "deployments", description = "Deploy BPMN and DMN models"),
        (name = "definitions", description = "Deployed model versions"),
        (name = "instances", description = "Process instances"),
        (name = "user-tasks", description = "Work for people"),
        (name = "jobs", description = "Work for external workers"),
        (name = "events", description = "Messages and signals"),
        (name = "incidents", description = "Problems that need a person"),
        (name = "decisions", description = "DMN decisions"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
struct ApiDoc;

/// The OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json"))
)]
pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
