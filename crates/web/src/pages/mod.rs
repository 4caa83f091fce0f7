//! The admin pages: server-rendered HTML in Swedish that works without JavaScript.
//!
//! Every POST form answers with a 303 to the page it changed (Post/Redirect/Get) and a
//! `?meddelande=` flag for the success banner; validation errors re-render the form with
//! an error summary and status 422.

mod definitions;
pub(crate) mod error;
mod form;
mod incidents;
mod instances;
mod jobs;
mod labels;
mod layout;
mod overview;
mod tasks;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// The page routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::show))
        .route(
            "/processer",
            get(definitions::list).post(definitions::deploy),
        )
        .route("/processer/{id}", get(definitions::show))
        .route("/processer/{id}/starta", post(definitions::start))
        .route("/instanser", get(instances::list))
        .route("/instanser/{id}", get(instances::show))
        .route("/instanser/{id}/avbryt", post(instances::cancel))
        .route("/uppgifter", get(tasks::list))
        .route("/uppgifter/{id}/slutfor", post(tasks::complete))
        .route("/jobb", get(jobs::list))
        .route("/incidenter", get(incidents::list))
        .route("/incidenter/{id}/los", post(incidents::resolve))
}
