//! `/instanser`: instances with filters; `/instanser/{id}`: everything about one instance.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use flode_store::{InstanceFilter, InstanceRecord, InstanceState, Page};
use serde::Deserialize;

use super::error::PageError;
use super::form::{NoticeQuery, PageQuery};
use super::labels;
use super::layout::{Layout, Section, ok, urlencode};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::timefmt;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// Filters of the list (a GET form) and paging.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListQuery {
    state: Option<String>,
    process_key: Option<String>,
    business_key: Option<String>,
    offset: Option<String>,
}

/// An option of the state filter.
struct StateOption {
    value: &'static str,
    label: String,
    selected: bool,
}

struct InstanceRow {
    id: String,
    process_key: String,
    business_key: String,
    state: String,
    started_at: String,
    ended_at: String,
}

impl InstanceRow {
    fn new(tr: Tr, i: &InstanceRecord) -> Self {
        Self {
            id: i.id.clone(),
            process_key: i.process_key.clone(),
            business_key: i.business_key.clone().unwrap_or_default(),
            state: labels::instance_state(tr, i.state.as_str()),
            started_at: timefmt::display(i.started_at),
            ended_at: timefmt::display_opt(i.ended_at),
        }
    }
}

#[derive(Template)]
#[template(path = "instances.html")]
struct InstancesPage {
    layout: Layout,
    states: Vec<StateOption>,
    process_key: String,
    business_key: String,
    rows: Vec<InstanceRow>,
    previous: Option<String>,
    next: Option<String>,
}

fn parse_state(s: &str) -> Option<InstanceState> {
    match s {
        "active" => Some(InstanceState::Active),
        "completed" => Some(InstanceState::Completed),
        "terminated" => Some(InstanceState::Terminated),
        "canceled" => Some(InstanceState::Canceled),
        _ => None,
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let tr = crate::i18n::tr();
    let wanted = q.state.as_deref().and_then(parse_state);
    let process_key = q.process_key.unwrap_or_default().trim().to_owned();
    let business_key = q.business_key.unwrap_or_default().trim().to_owned();
    let offset = q
        .offset
        .and_then(|o| o.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let filter = InstanceFilter {
        process_key: Some(process_key.clone()).filter(|k| !k.is_empty()),
        state: wanted,
        business_key: Some(business_key.clone()).filter(|k| !k.is_empty()),
    };
    // One row more than shown tells whether there is a next page.
    let mut rows = state
        .engine
        .store()
        .instances(
            &filter,
            Page {
                limit: PAGE_SIZE + 1,
                offset,
            },
        )
        .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let link = |offset: i64| {
        format!(
            "/instanser?state={}&processKey={}&businessKey={}&offset={offset}",
            wanted.map(|s| s.as_str()).unwrap_or(""),
            urlencode(&process_key),
            urlencode(&business_key),
        )
    };
    // The filter's options name groups of instances: plural, unlike a row's state.
    let states = ["", "active", "completed", "terminated", "canceled"]
        .into_iter()
        .map(|value| StateOption {
            value,
            label: tr.with("staff-instances-filter-state", "code", value),
            selected: wanted.map(|s| s.as_str()).unwrap_or("") == value,
        })
        .collect();
    ok(&InstancesPage {
        layout: Layout::new(tr.t("staff-instances-title"), Section::Instances),
        states,
        previous: (offset > 0).then(|| link((offset - PAGE_SIZE).max(0))),
        next: more.then(|| link(offset + PAGE_SIZE)),
        rows: rows.iter().map(|i| InstanceRow::new(tr, i)).collect(),
        process_key,
        business_key,
    })
}

struct VariableRow {
    scope: String,
    name: String,
    value: String,
}

struct TokenRow {
    key: i64,
    parent: String,
    node_id: String,
    state: String,
}

struct HistoryRow {
    node_id: String,
    node_type: String,
    state: String,
    started_at: String,
    ended_at: String,
}

struct TaskRow {
    name: String,
    node_id: String,
    state: String,
    due_at: String,
    created_at: String,
    completed_by: String,
}

struct JobRow {
    job_type: String,
    kind: String,
    node_id: String,
    state: String,
    retries: i64,
    error: String,
}

struct IncidentRow {
    id: String,
    kind: String,
    node_id: String,
    message: String,
    state: String,
    open: bool,
    created_at: String,
}

#[derive(Template)]
#[template(path = "instance.html")]
struct InstancePage {
    layout: Layout,
    instance: InstanceRow,
    definition_id: String,
    parent_instance_id: Option<String>,
    active: bool,
    variables: Vec<VariableRow>,
    tokens: Vec<TokenRow>,
    history: Vec<HistoryRow>,
    tasks: Vec<TaskRow>,
    jobs: Vec<JobRow>,
    incidents: Vec<IncidentRow>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    let store = state.engine.store();
    let instance = store.instance(&id).await?;
    let (variables, tokens, history, tasks, jobs, incidents) = tokio::try_join!(
        store.variables(&id),
        store.tokens(&id),
        store.history(&id),
        store.user_tasks_of(&id),
        store.jobs_of(&id),
        store.incidents_of(&id),
    )?;
    let tr = crate::i18n::tr();
    let title = match &instance.business_key {
        Some(k) => tr.with("staff-instance-title", "key", k),
        None => tr.with("staff-instance-title-of", "process", &instance.process_key),
    };
    ok(&InstancePage {
        layout: Layout::new(title, Section::Instances).notice(q.meddelande.as_deref()),
        definition_id: instance.definition_id.clone(),
        parent_instance_id: instance.parent_instance_id.clone(),
        active: instance.state == InstanceState::Active,
        variables: variables
            .into_iter()
            .map(|v| VariableRow {
                scope: if v.scope == 0 {
                    tr.t("staff-instance-scope-instance")
                } else {
                    tr.with("staff-instance-scope-token", "token", v.scope)
                },
                name: v.name,
                value: v.value.to_string(),
            })
            .collect(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                key: t.key,
                parent: t.parent.map(|p| p.to_string()).unwrap_or_default(),
                node_id: t.node_id,
                state: labels::token_state(tr, &t.state),
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| HistoryRow {
                node_id: h.node_id,
                node_type: h.node_type,
                state: labels::activity_state(tr, &h.state),
                started_at: timefmt::display(h.started_at),
                ended_at: timefmt::display_opt(h.ended_at),
            })
            .collect(),
        tasks: tasks
            .into_iter()
            .map(|t| TaskRow {
                name: t.name.unwrap_or_else(|| t.node_id.clone()),
                node_id: t.node_id,
                state: labels::task_state(tr, &t.state),
                due_at: timefmt::display_opt(t.due_at),
                created_at: timefmt::display(t.created_at),
                completed_by: t.completed_by.unwrap_or_default(),
            })
            .collect(),
        jobs: jobs
            .into_iter()
            .map(|j| JobRow {
                kind: labels::job_kind(tr, &j.kind),
                job_type: j.job_type,
                node_id: j.node_id.unwrap_or_default(),
                state: labels::job_state(tr, &j.state),
                retries: j.retries,
                error: j.error.unwrap_or_default(),
            })
            .collect(),
        incidents: incidents
            .into_iter()
            .map(|i| IncidentRow {
                open: i.state == "open",
                id: i.id,
                kind: labels::incident_kind(tr, &i.kind),
                node_id: i.node_id.unwrap_or_default(),
                message: i.message,
                state: labels::incident_state(tr, &i.state),
                created_at: timefmt::display(i.created_at),
            })
            .collect(),
        instance: InstanceRow::new(tr, &instance),
    })
}

pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state.engine.cancel_instance(&id).await?;
    Ok(Redirect::to(&format!(
        "/instanser/{}?meddelande=avbruten",
        urlencode(&id)
    ))
    .into_response())
}
