//! `/uppgifter`: open user tasks, each with a form to complete it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flode_store::Page;
use serde::Deserialize;

use super::error::PageError;
use super::form::{FieldError, NoticeQuery, PageForm, PageQuery, parse_variables};
use super::layout::{Layout, Section, render};
use crate::state::AppState;
use crate::timefmt;

/// Most tasks on the page.
const PAGE_SIZE: i64 = 100;

/// The complete form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CompleteForm {
    #[serde(default)]
    variables: String,
    #[serde(default)]
    user: String,
}

struct TaskCard {
    id: String,
    name: String,
    instance_id: String,
    node_id: String,
    assignee: String,
    candidate_groups: String,
    due_at: String,
    created_at: String,
    /// The form as posted, when it is shown again with an error.
    variables: String,
    user: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    /// How many open tasks, in words.
    lead: String,
    tasks: Vec<TaskCard>,
}

/// The page; `failed` is a posted form to show again with its error.
async fn tasks_page(
    state: &AppState,
    notice: Option<&str>,
    failed: Option<(&str, CompleteForm, String)>,
) -> Result<Response, PageError> {
    let rows = state
        .engine
        .store()
        .user_tasks(
            "created",
            Page {
                limit: PAGE_SIZE,
                offset: 0,
            },
        )
        .await?;
    let tr = crate::i18n::tr();
    let mut errors = Vec::new();
    let tasks: Vec<TaskCard> = rows
        .into_iter()
        .map(|t| {
            let mut card = TaskCard {
                name: t.name.clone().unwrap_or_else(|| t.node_id.clone()),
                instance_id: t.instance_id,
                node_id: t.node_id,
                assignee: t.assignee.unwrap_or_default(),
                candidate_groups: t.candidate_groups.unwrap_or_default(),
                due_at: timefmt::display_opt(t.due_at),
                created_at: timefmt::display(t.created_at),
                variables: String::new(),
                user: String::new(),
                error: None,
                id: t.id,
            };
            if let Some((id, form, message)) = &failed
                && *id == card.id
            {
                card.variables = form.variables.clone();
                card.user = form.user.clone();
                card.error = Some(message.clone());
                errors.push(FieldError::new(
                    format!("variabler-{}", card.id),
                    tr.with_args(
                        "staff-tasks-error-summary",
                        &[("task", card.name.clone()), ("message", message.clone())],
                    ),
                ));
            }
            card
        })
        .collect();
    if failed.is_some() && errors.is_empty() {
        // The task is no longer open (or never was): nothing to show the error on.
        return Err(PageError::NotFound);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut layout = Layout::new(tr.t("staff-tasks-title"), Section::Tasks)
        .notice(notice)
        .errors(errors);
    if failed.is_some() {
        layout = layout.back_to("/uppgifter");
    }
    let lead = tr.count("staff-tasks-count", tasks.len() as i64);
    render(
        status,
        &TasksPage {
            layout,
            lead,
            tasks,
        },
    )
}

pub(crate) async fn list(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    tasks_page(&state, q.meddelande.as_deref(), None).await
}

pub(crate) async fn complete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PageForm(form): PageForm<CompleteForm>,
) -> Result<Response, PageError> {
    let tr = crate::i18n::tr();
    let variables = match parse_variables(tr, &form.variables) {
        Ok(v) => v,
        Err(message) => return tasks_page(&state, None, Some((&id, form, message))).await,
    };
    let user = Some(form.user.trim().to_owned()).filter(|u| !u.is_empty());
    match state.engine.complete_user_task(&id, variables, user).await {
        Ok(()) => Ok(Redirect::to("/uppgifter?meddelande=slutford").into_response()),
        Err(flode_engine::Error::BadRequest(m)) => {
            let message = tr.with("staff-tasks-variables-refused", "detail", m);
            tasks_page(&state, None, Some((&id, form, message))).await
        }
        Err(e) => Err(e.into()),
    }
}
