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
    label: &'static str,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    stats: Vec<Stat>,
}

pub(crate) async fn show(State(state): State<AppState>) -> Result<Response, PageError> {
    let s = state.engine.store().stats().await?;
    ok(&OverviewPage {
        layout: Layout::new("Översikt", Section::Overview),
        stats: vec![
            Stat {
                href: "/instanser?state=active",
                count: s.active_instances,
                label: "pågående instanser",
            },
            Stat {
                href: "/uppgifter",
                count: s.open_user_tasks,
                label: "öppna uppgifter",
            },
            Stat {
                href: "/incidenter",
                count: s.open_incidents,
                label: "öppna incidenter",
            },
            Stat {
                href: "/jobb",
                count: s.pending_jobs,
                label: "väntande jobb",
            },
            Stat {
                href: "/instanser",
                count: s.ended_instances,
                label: "avslutade instanser",
            },
            Stat {
                href: "/processer",
                count: s.definitions,
                label: "driftsatta versioner",
            },
        ],
    })
}
