//! `/`: counts from the store, each linking to its list.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::error::PageError;
use super::layout::{Layout, Section, ok};
use crate::state::AppState;

/// One count on the dashboard.
struct Stat {
    href: &'static str,
    count: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    stats: Vec<Stat>,
}

pub(crate) async fn show(State(state): State<AppState>) -> Result<Response, PageError> {
    let s = state.engine.store().stats().await?;
    let tr = crate::i18n::tr();
    // Each label agrees with its count ("1 open task", "2 open tasks").
    let stat = |href, count, id| Stat {
        href,
        count,
        label: tr.count(id, count),
    };
    ok(&OverviewPage {
        layout: Layout::new(tr.t("staff-overview-title"), Section::Overview),
        stats: vec![
            stat(
                "/instanser?state=active",
                s.active_instances,
                "staff-overview-active-instances",
            ),
            stat("/uppgifter", s.open_user_tasks, "staff-overview-open-tasks"),
            stat(
                "/incidenter",
                s.open_incidents,
                "staff-overview-open-incidents",
            ),
            stat("/jobb", s.pending_jobs, "staff-overview-pending-jobs"),
            stat(
                "/instanser",
                s.ended_instances,
                "staff-overview-ended-instances",
            ),
            stat("/processer", s.definitions, "staff-overview-definitions"),
        ],
    })
}
