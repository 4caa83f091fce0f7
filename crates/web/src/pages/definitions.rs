//! `/processer`: deployed definitions and the deploy form; `/processer/{id}`: one version
//! with its activity counts and the start form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flode_store::{DefinitionKind, DefinitionRecord};
use serde::Deserialize;

use super::error::PageError;
use super::form::{FieldError, NoticeQuery, PageForm, PageQuery, error_for, parse_variables};
use super::labels;
use super::layout::{Layout, Section, render, urlencode};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::timefmt;

/// A row of the definition table.
struct DefinitionRow {
    id: String,
    key: String,
    name: String,
    kind: String,
    version: i64,
    deployed_at: String,
    resource_name: String,
}

impl DefinitionRow {
    fn new(tr: Tr, d: &DefinitionRecord) -> Self {
        Self {
            id: d.id.clone(),
            key: d.key.clone(),
            name: d.name.clone().unwrap_or_default(),
            kind: labels::definition_kind(tr, d.kind.as_str()),
            version: d.version,
            deployed_at: timefmt::display(d.deployed_at),
            resource_name: d.resource_name.clone(),
        }
    }
}

/// The deploy form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DeployForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    xml: String,
}

#[derive(Template)]
#[template(path = "definitions.html")]
struct DefinitionsPage {
    layout: Layout,
    rows: Vec<DefinitionRow>,
    form: DeployForm,
    name_error: Option<String>,
    xml_error: Option<String>,
}

async fn definitions_page(
    state: &AppState,
    notice: Option<&str>,
    form: DeployForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let defs = state.engine.store().definitions().await?;
    let tr = crate::i18n::tr();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &DefinitionsPage {
            rows: defs.iter().map(|d| DefinitionRow::new(tr, d)).collect(),
            name_error: error_for(&errors, "name"),
            xml_error: error_for(&errors, "xml"),
            layout: Layout::new(tr.t("staff-definitions-title"), Section::Definitions)
                .notice(notice)
                .errors(errors),
            form,
        },
    )
}

pub(crate) async fn list(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    definitions_page(
        &state,
        q.meddelande.as_deref(),
        DeployForm::default(),
        Vec::new(),
    )
    .await
}

pub(crate) async fn deploy(
    State(state): State<AppState>,
    PageForm(form): PageForm<DeployForm>,
) -> Result<Response, PageError> {
    let tr = crate::i18n::tr();
    let mut errors = Vec::new();
    if form.name.trim().is_empty() {
        errors.push(FieldError::new("name", tr.t("staff-deploy-missing-name")));
    }
    if form.xml.trim().is_empty() {
        errors.push(FieldError::new("xml", tr.t("staff-deploy-missing-xml")));
    }
    if !errors.is_empty() {
        return definitions_page(&state, None, form, errors).await;
    }
    match state.engine.deploy(form.name.trim(), &form.xml).await {
        Ok(deployed) => {
            let flag = if deployed.iter().any(|d| d.new_version) {
                "driftsatt"
            } else {
                "oforandrad"
            };
            let to = match deployed.first() {
                Some(d) => format!("/processer/{}?meddelande={flag}", urlencode(&d.id)),
                None => format!("/processer?meddelande={flag}"),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(flode_engine::Error::Invalid { problems }) => {
            let mut errors: Vec<FieldError> = problems
                .into_iter()
                .map(|p| FieldError::new("xml", tr.with("staff-deploy-model-error", "detail", p)))
                .collect();
            // The field shows one message; the summary lists every problem.
            errors.push(FieldError::new("xml", tr.t("staff-deploy-invalid")));
            errors.rotate_right(1);
            definitions_page(&state, None, form, errors).await
        }
        Err(flode_engine::Error::BadRequest(m)) => {
            let errors = vec![FieldError::new(
                "xml",
                tr.with("staff-deploy-refused", "detail", m),
            )];
            definitions_page(&state, None, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A row of the activity-count table.
struct CountRow {
    node_id: String,
    state: String,
    count: i64,
}

/// The start form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StartForm {
    #[serde(default, rename = "businessKey")]
    business_key: String,
    #[serde(default)]
    variables: String,
}

#[derive(Template)]
#[template(path = "definition.html")]
struct DefinitionPage {
    layout: Layout,
    def: DefinitionRow,
    xml: String,
    counts: Vec<CountRow>,
    /// Start form shown: a process, and the latest version (instances always start there).
    startable: bool,
    /// The latest version, when this one is older.
    latest: Option<(String, i64)>,
    form: StartForm,
    business_key_error: Option<String>,
    variables_error: Option<String>,
}

async fn definition_page(
    state: &AppState,
    id: &str,
    notice: Option<&str>,
    form: StartForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let store = state.engine.store();
    let tr = crate::i18n::tr();
    let def = store.definition(id).await?;
    let counts = store.activity_counts(id).await?;
    let latest = store
        .definitions()
        .await?
        .into_iter()
        .filter(|d| d.kind == def.kind && d.key == def.key)
        .max_by_key(|d| d.version)
        .filter(|d| d.version > def.version)
        .map(|d| (d.id, d.version));
    let name = match &def.name {
        Some(n) if !n.is_empty() => n.clone(),
        _ => def.key.clone(),
    };
    let title = tr.with_args(
        "staff-definition-title",
        &[("name", name), ("version", def.version.to_string())],
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let business_key_error = error_for(&errors, "businessKey");
    let variables_error = error_for(&errors, "variables");
    let mut layout = Layout::new(title, Section::Definitions)
        .notice(notice)
        .errors(errors);
    if status != StatusCode::OK {
        // Shown after the start form's post: the language link goes to the page.
        layout = layout.back_to(&format!("/processer/{}", urlencode(id)));
    }
    render(
        status,
        &DefinitionPage {
            startable: def.kind == DefinitionKind::Bpmn && latest.is_none(),
            def: DefinitionRow::new(tr, &def),
            xml: def.source,
            counts: counts
                .into_iter()
                .map(|(node_id, state, count)| CountRow {
                    node_id,
                    state: labels::activity_state(tr, &state),
                    count,
                })
                .collect(),
            latest,
            business_key_error,
            variables_error,
            layout,
            form,
        },
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    definition_page(
        &state,
        &id,
        q.meddelande.as_deref(),
        StartForm::default(),
        Vec::new(),
    )
    .await
}

pub(crate) async fn start(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PageForm(form): PageForm<StartForm>,
) -> Result<Response, PageError> {
    let def = state.engine.store().definition(&id).await?;
    let tr = crate::i18n::tr();
    let variables = match parse_variables(tr, &form.variables) {
        Ok(v) => v,
        Err(message) => {
            let errors = vec![FieldError::new("variables", message)];
            return definition_page(&state, &id, None, form, errors).await;
        }
    };
    let business_key = Some(form.business_key.trim().to_owned()).filter(|k| !k.is_empty());
    match state.engine.start(&def.key, variables, business_key).await {
        Ok(instance) => Ok(Redirect::to(&format!(
            "/instanser/{}?meddelande=startad",
            urlencode(&instance.id)
        ))
        .into_response()),
        Err(flode_engine::Error::BadRequest(m)) => {
            let errors = vec![FieldError::new(
                "variables",
                tr.with("staff-start-refused", "detail", m),
            )];
            definition_page(&state, &id, None, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
