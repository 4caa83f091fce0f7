//! `/incidenter`: open incidents, each with a retry ("Försök igen") form.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use flode_store::Page;
use serde::Deserialize;

use super::error::PageError;
use super::form::{NoticeQuery, PageForm, PageQuery};
use super::labels;
use super::layout::{Layout, Section, ok, urlencode};
use crate::state::AppState;
use crate::timefmt;

/// Most incidents on the page.
const PAGE_SIZE: i64 = 100;

/// The resolve form: `instans` is set when posted from an instance page, to go back there.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResolveForm {
    #[serde(default)]
    instans: String,
}

struct IncidentRow {
    id: String,
    kind: String,
    instance_id: String,
    node_id: String,
    message: String,
    created_at: String,
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    layout: Layout,
    rows: Vec<IncidentRow>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    let rows = state
        .engine
        .store()
        .incidents(
            "open",
            Page {
                limit: PAGE_SIZE,
                offset: 0,
            },
        )
        .await?;
    let tr = crate::i18n::tr();
    ok(&IncidentsPage {
        layout: Layout::new(tr.t("staff-incidents-title"), Section::Incidents)
            .notice(q.meddelande.as_deref()),
        rows: rows
            .into_iter()
            .map(|i| IncidentRow {
                id: i.id,
                kind: labels::incident_kind(tr, &i.kind),
                instance_id: i.instance_id,
                node_id: i.node_id.unwrap_or_default(),
                message: i.message,
                created_at: timefmt::display(i.created_at),
            })
            .collect(),
    })
}

pub(crate) async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PageForm(form): PageForm<ResolveForm>,
) -> Result<Response, PageError> {
    state.engine.resolve_incident(&id, Some(1)).await?;
    let to = if form.instans.is_empty() {
        "/incidenter?meddelande=lost".to_owned()
    } else {
        // Only ever a path on this site: the id is percent-encoded into it.
        format!("/instanser/{}?meddelande=lost", urlencode(&form.instans))
    };
    Ok(Redirect::to(&to).into_response())
}
