//! The admin pages: server-rendered HTML in Swedish (or English, see `crate::i18n`) that
//! works without JavaScript.
//!
//! Every POST form answers with a 303 to the page it changed (Post/Redirect/Get) and a
//! `?meddelande=` flag for the success banner; validation errors re-render the form with
//! an error summary and status 422.

pub(crate) mod cases;
mod definitions;
pub(crate) mod error;
pub(crate) mod form;
mod incidents;
mod instances;
mod jobs;
mod labels;
pub(crate) mod layout;
mod login;
mod overview;
mod robots;
mod tasks;

use axum::Router;
use axum::routing::{MethodRouter, get, post};

use crate::auth::{ADMIN, Access, CASEWORK, SUPERVISOR};
use crate::state::AppState;

/// Guards a page route: see [`crate::auth`].
fn needs(access: Access, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.route_layer(axum::middleware::from_fn(move |req, next| {
        crate::auth::require(access, req, next)
    }))
}

/// The page routes, with who may use them (README, "Roles"). Every page but the sign-in
/// page needs a signed-in person.
pub(crate) fn router() -> Router<AppState> {
    use Access::SignedIn;
    Router::new()
        .route("/logga-in", get(login::show).post(login::submit))
        .route("/logga-ut", post(login::logout))
        .route("/logga-in/oidc/start", get(login::oidc_start))
        .route("/logga-in/oidc/callback", get(login::oidc_callback))
        .route("/", needs(SignedIn, get(overview::show)))
        .route("/arenden", needs(CASEWORK, get(cases::inbox)))
        .route("/arenden/{id}", needs(CASEWORK, get(cases::show)))
        .route("/arenden/{id}/beslut", needs(CASEWORK, post(cases::decide)))
        .route(
            "/arenden/{id}/anteckning",
            needs(CASEWORK, post(cases::add_note)),
        )
        .route(
            "/arenden/{id}/meddelande",
            needs(CASEWORK, post(cases::send_message)),
        )
        .route(
            "/arenden/dokument/{id}",
            needs(CASEWORK, get(cases::document)),
        )
        .route(
            "/arenden/bilagor/{id}",
            needs(CASEWORK, get(cases::attachment)),
        )
        .route(
            "/processer",
            needs(SignedIn, get(definitions::list)).merge(needs(ADMIN, post(definitions::deploy))),
        )
        .route("/processer/{id}", needs(SignedIn, get(definitions::show)))
        .route(
            "/processer/{id}/starta",
            needs(SignedIn, post(definitions::start)),
        )
        .route("/instanser", needs(SignedIn, get(instances::list)))
        .route("/instanser/{id}", needs(SignedIn, get(instances::show)))
        .route(
            "/instanser/{id}/avbryt",
            needs(SUPERVISOR, post(instances::cancel)),
        )
        .route("/uppgifter", needs(SignedIn, get(tasks::list)))
        .route(
            "/uppgifter/{id}/slutfor",
            needs(SignedIn, post(tasks::complete)),
        )
        .route("/jobb", needs(SignedIn, get(jobs::list)))
        .route("/incidenter", needs(SignedIn, get(incidents::list)))
        .route(
            "/incidenter/{id}/los",
            needs(SUPERVISOR, post(incidents::resolve)),
        )
        .route("/robotar", needs(SignedIn, get(robots::show)))
        .route(
            "/robotar/malsystem/{name}/underhall",
            needs(SUPERVISOR, post(robots::maintenance)),
        )
        .route(
            "/robotar/malsystem/{name}/skriptversion",
            needs(SUPERVISOR, post(robots::pin)),
        )
        .route("/robotar/granskning", needs(CASEWORK, get(robots::reviews)))
        .route(
            "/robotar/granskning/{job_id}/for-hand",
            needs(CASEWORK, post(robots::done_by_hand)),
        )
        .route(
            "/robotar/granskning/{job_id}/forsok-igen",
            needs(CASEWORK, post(robots::retry)),
        )
        // `{file}` is `{id}.png`: a path segment cannot hold a parameter and a suffix.
        .route(
            "/robotar/bevis/{file}",
            needs(CASEWORK, get(robots::evidence)),
        )
}
