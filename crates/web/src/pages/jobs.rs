//! `/jobb`: the job queue by state.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use flode_store::Page;
use serde::Deserialize;

use super::error::PageError;
use super::form::PageQuery;
use super::labels;
use super::layout::{Layout, Section, ok};
use crate::state::AppState;
use crate::timefmt;

/// Job states, in lifecycle order (a completed job leaves the queue).
const STATES: [&str; 4] = ["ready", "active", "failed", "canceled"];

/// Most jobs on the page.
const PAGE_SIZE: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct JobsQuery {
    state: Option<String>,
}

struct StateOption {
    value: &'static str,
    label: String,
    selected: bool,
}

struct JobRow {
    job_type: String,
    kind: String,
    instance_id: String,
    node_id: String,
    state: String,
    retries: i64,
    due_at: String,
    lease_owner: String,
    lease_until: String,
    error: String,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    layout: Layout,
    states: Vec<StateOption>,
    caption: String,
    rows: Vec<JobRow>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<JobsQuery>,
) -> Result<Response, PageError> {
    let wanted = STATES
        .into_iter()
        .find(|s| Some(*s) == q.state.as_deref())
        .unwrap_or("");
    let rows = state
        .engine
        .store()
        .jobs(
            wanted,
            Page {
                limit: PAGE_SIZE,
                offset: 0,
            },
        )
        .await?;
    let tr = crate::i18n::tr();
    let mut states = vec![StateOption {
        value: "",
        label: tr.t("staff-filter-all"),
        selected: wanted.is_empty(),
    }];
    states.extend(STATES.into_iter().map(|s| StateOption {
        value: s,
        label: labels::job_state(tr, s),
        selected: s == wanted,
    }));
    let caption = if wanted.is_empty() {
        tr.t("staff-jobs-caption-all")
    } else {
        tr.with(
            "staff-jobs-caption-state",
            "state",
            labels::job_state(tr, wanted).to_lowercase(),
        )
    };
    ok(&JobsPage {
        layout: Layout::new(tr.t("staff-jobs-title"), Section::Jobs),
        states,
        caption,
        rows: rows
            .into_iter()
            .map(|j| JobRow {
                kind: labels::job_kind(tr, &j.kind),
                job_type: j.job_type,
                instance_id: j.instance_id.unwrap_or_default(),
                node_id: j.node_id.unwrap_or_default(),
                state: labels::job_state(tr, &j.state),
                retries: j.retries,
                due_at: timefmt::display(j.due_at),
                lease_owner: j.lease_owner.unwrap_or_default(),
                lease_until: timefmt::display_opt(j.lease_until),
                error: j.error.unwrap_or_default(),
            })
            .collect(),
    })
}
