//! Deployed definitions: `GET /api/definitions`, `GET /api/definitions/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use super::views::{DefinitionDetailView, DefinitionView, list};
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;

/// Every deployed definition version, by key then newest version first.
#[utoipa::path(
    get,
    path = "/api/definitions",
    tag = "definitions",
    responses((status = 200, description = "Definition versions", body = Vec<DefinitionView>))
)]
pub(crate) async fn list_definitions(
    State(state): State<AppState>,
) -> Result<Json<Vec<DefinitionView>>, Problem> {
    let defs = state.engine.store().definitions().await?;
    Ok(Json(defs.iter().map(DefinitionView::from).collect()))
}

/// One definition version with its XML and per-node activity counts.
#[utoipa::path(
    get,
    path = "/api/definitions/{id}",
    tag = "definitions",
    params(("id" = String, Path, description = "Definition version id")),
    responses(
        (status = 200, description = "The definition", body = DefinitionDetailView),
        (status = 404, description = "No such definition", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DefinitionDetailView>, Problem> {
    let store = state.engine.store();
    let def = store.definition(&id).await?;
    let counts = store.activity_counts(&id).await?;
    Ok(Json(DefinitionDetailView {
        definition: DefinitionView::from(&def),
        xml: def.source,
        activity_counts: list(counts),
    }))
}
