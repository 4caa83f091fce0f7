//! The OpenAPI 3.1 document of the JSON API, served at `GET /api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    attachments, cases, decisions, definitions, deployments, events, incidents, instances, jobs,
    me, robots, user_tasks,
};
use crate::ops;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "flode",
        description = "Durable BPMN/DMN process engine: deployments, process instances, user tasks, \
                       jobs for external workers, messages, signals, incidents and decisions; \
                       casework of ekonomiskt bistånd for social workers (`Ärenden`) and for \
                       citizens (`Mina sidor`). Errors are RFC 9457 problem details (`application/problem+json`); \
                       invalid casework input is 422 `invalid-input` with `fields`, each field's \
                       name and Swedish message."
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
        cases::inbox,
        cases::show,
        cases::decide,
        cases::add_note,
        cases::send_message,
        cases::document,
        me::draft,
        me::save_page,
        me::submit,
        me::cases,
        me::case,
        me::send_message,
        me::document,
        attachments::list,
        attachments::upload,
        attachments::remove,
        attachments::download,
        attachments::staff_download,
        robots::show_dashboard,
        robots::list_reviews,
        robots::resolve,
        robots::set_maintenance,
        robots::set_script_version,
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
        (name = "Ärenden", description = "Casework of ekonomiskt bistånd for social workers: the \
            inbox, a case (every read is logged), the decision, journal notes, messages to the \
            citizen and letters. Needs the role `socialsekreterare` or \
            `forste_socialsekreterare` (staff session cookie or API token); an admin gets 403."),
        (name = "Mina sidor", description = "The citizen's own application and cases, as in the \
            e-service. Authenticated by the e-service's citizen session cookie \
            (`flode_medborgare`, `__Host-flode_medborgare` with secure cookies), set by signing in \
            at `/e-tjanst/logga-in`; no staff credentials. Without a live session the answer is \
            401. Another person's application, case or letter is 404."),
        (name = "robots", description = "Software robots that register work in legacy case \
            systems: the dashboard's figures (any signed-in principal), the manual-review queue \
            and its resolutions (a casework role), and a target's maintenance mode and pinned \
            script version (`forste_socialsekreterare` or `admin`)."),
        (name = "operations", description = "Health, readiness and metrics"),
    ),
    modifiers(&CitizenCookie)
)]
struct ApiDoc;

/// The citizen session cookie as a security scheme, for the `Mina sidor` operations.
struct CitizenCookie;

impl Modify for CitizenCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            me::SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "flode_medborgare",
                "The e-service's citizen session (`__Host-flode_medborgare` with secure \
                 cookies), set by signing in at `/e-tjanst/logga-in`",
            ))),
        );
    }
}

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
