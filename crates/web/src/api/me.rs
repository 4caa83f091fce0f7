//! The citizens' API under `/api/me`, everything the e-service and Mina sidor do: the
//! application one page at a time and its submission, the citizen's cases with their
//! decisions, letters and messages.
//!
//! No staff principal: these routes are public at the staff layer and the citizen session
//! cookie of the e-service (`flode_medborgare`, from `/e-tjanst/logga-in`) is checked by
//! the [`ApiCitizen`] extractor, which answers 401 problem+json without a live session. A
//! citizen reaches only their own applications, cases and letters; another person's is 404.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use flode_casework::{Answers, CaseSummary, Form, Page, month_name};
use flode_store::CaseRecord;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::cases::{
    DocumentView, MessageView, Pdf, StatusView, SummaryRowView, TextRequest, body_field,
    with_fields,
};
use crate::eservice::{ApiCitizen, pdf_response};
use crate::extract::ApiJson;
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;
use crate::timefmt::rfc3339;

/// The security scheme of these routes in the OpenAPI document.
pub(crate) const SCHEME: &str = "medborgare";

/// A question page of the application.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PageView {
    /// Its slug, for `PUT /api/me/applications/{id}/pages/{page}`.
    #[schema(example = "manad")]
    slug: &'static str,
    /// Its heading, in Swedish.
    title: &'static str,
    /// Whether it has been answered (an all-empty costs page or no children is an answer).
    answered: bool,
}

/// A month that may be applied for.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MonthView {
    /// `YYYY-MM`, the value of the field `manad`.
    #[schema(example = "2026-12")]
    month: String,
    /// In Swedish, e.g. `december 2026`.
    name: String,
}

/// A draft application and what it still needs.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DraftView {
    /// Application id.
    id: String,
    /// The answers so far (`month`, `partner`, `partner_age`, `children`, `costs`,
    /// `incomes`, `assets`, `assets_text`, `other_needs`, `other_needs_text`, `changes`,
    /// `changes_text`, `consent`, `answered_pages`).
    #[schema(value_type = Object)]
    answers: Value,
    /// The answers as question and answer rows (check your answers), in Swedish.
    summary: Vec<SummaryRowView>,
    /// Every page in order, and whether it is answered.
    pages: Vec<PageView>,
    /// The first page not answered yet; `null` when it can be submitted.
    next_page: Option<&'static str>,
    /// The months that may be applied for now.
    open_months: Vec<MonthView>,
}

/// A submitted application's case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubmittedView {
    /// Case id (`GET /api/me/cases/{id}`).
    id: String,
    /// Diarienummer, e.g. `EB-2026-000042`.
    case_number: String,
    /// The month applied for, `YYYY-MM`.
    month: String,
    /// When it was received (RFC 3339).
    received_at: String,
    /// When a decision is due at the latest (RFC 3339).
    due_at: String,
}

impl From<CaseRecord> for SubmittedView {
    fn from(c: CaseRecord) -> Self {
        Self {
            id: c.id,
            case_number: c.case_number,
            month: c.month,
            received_at: rfc3339(c.received_at),
            due_at: rfc3339(c.due_at),
        }
    }
}

/// One of the citizen's cases.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MyCaseItem {
    /// Case id.
    id: String,
    /// Diarienummer.
    case_number: String,
    /// The month applied for, `YYYY-MM`.
    month: String,
    /// The month in Swedish.
    month_name: String,
    /// Where it stands.
    status: StatusView,
    /// What the status means, in Swedish.
    explanation: &'static str,
    /// When it was received (RFC 3339).
    received_at: String,
    /// When a decision is due at the latest (RFC 3339).
    due_at: String,
}

impl From<CaseSummary> for MyCaseItem {
    fn from(s: CaseSummary) -> Self {
        let c = s.case;
        Self {
            month_name: month_name(&c.month),
            status: s.status.into(),
            explanation: s.status.explanation(),
            received_at: rfc3339(c.received_at),
            due_at: rfc3339(c.due_at),
            id: c.id,
            case_number: c.case_number,
            month: c.month,
        }
    }
}

/// One of the citizen's cases with its decision, letters and messages.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MyCaseView {
    /// The case.
    #[serde(flatten)]
    case: MyCaseItem,
    /// The decision once made: `utfall`, `belopp`, `motivering`, `lagrum`, `fattatAv`.
    #[schema(value_type = Option<Object>)]
    beslut: Option<Value>,
    /// Letters, oldest first (`GET /api/me/documents/{id}`).
    documents: Vec<DocumentView>,
    /// Messages with the social services, oldest first.
    messages: Vec<MessageView>,
}

fn draft_view(state: &AppState, id: String, answers: &Answers) -> Result<DraftView, Problem> {
    Ok(DraftView {
        id,
        answers: serde_json::to_value(answers)
            .map_err(|e| Problem::internal(format!("answers as JSON: {e}")))?,
        summary: answers.summary().into_iter().map(Into::into).collect(),
        pages: Page::ALL
            .into_iter()
            .map(|p| PageView {
                slug: p.slug(),
                title: p.title(),
                answered: answers.answered(p),
            })
            .collect(),
        next_page: answers.first_unanswered().map(Page::slug),
        open_months: state
            .casework
            .open_months()
            .into_iter()
            .map(|m| MonthView {
                name: month_name(&m),
                month: m,
            })
            .collect(),
    })
}

/// The form the HTML page would post: string values as they are, numbers as text.
fn form_of(body: Map<String, Value>) -> Result<Form, Problem> {
    body.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            _ => Err(Problem::bad_request(format!(
                "the field {k:?} must be a string, as the form posts it"
            ))),
        })
        .collect()
}

/// The citizen's draft application, created if there is none: a new draft after an
/// earlier application is prefilled from it (the monthly re-application), and every page
/// is to be answered again.
#[utoipa::path(
    get,
    path = "/api/me/applications/draft",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    responses(
        (status = 200, description = "The draft", body = DraftView),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn draft(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
) -> Result<Json<DraftView>, Problem> {
    let draft = state.casework.draft(&citizen).await?;
    let (_, answers) = state.casework.application(&citizen, &draft.id).await?;
    Ok(Json(draft_view(&state, draft.id, &answers)?))
}

/// Saves one page of a draft, with the fields exactly as the e-service's form posts them
/// (e.g. `{"manad": "2026-12"}`; `{"sambo": "nej"}`; on `barn`, `{"atgard": "lagg-till",
/// "barn-alder": "7", "barn-lunch": "ja"}` adds a child, `{"atgard": "ta-bort-0"}`
/// removes one and `{}` goes on; `{"kostnad-housing": "6850"}`; `{"tillgangar": "ja",
/// "tillgangar-text": "Bil"}`, likewise `ovriga-behov` and `forandringar` with their
/// `-text`; `{"samtycke": "ja"}`).
/// A page with problems saves nothing.
#[utoipa::path(
    put,
    path = "/api/me/applications/{id}/pages/{page}",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(
        ("id" = String, Path, description = "Application id"),
        ("page" = String, Path, description = "`manad`, `hushall`, `barn`, `kostnader`, `inkomster`, `tillgangar`, `ovriga-behov`, `forandringar` or `samtycke`"),
    ),
    request_body(content = Object, description = "The page's form fields, name → value (strings; numbers are taken as text)"),
    responses(
        (status = 200, description = "Saved; the draft as it is now", body = DraftView),
        (status = 400, description = "Not a JSON object of strings", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such page, or not the citizen's application", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already submitted", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The page has problems: `fields` names each field with a Swedish message", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn save_page(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path((id, slug)): Path<(String, String)>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<DraftView>, Problem> {
    let page = Page::from_slug(&slug).ok_or_else(|| Problem::not_found("Frågesidan finns inte"))?;
    let form = form_of(body)?;
    let answers = state.casework.save_page(&citizen, &id, page, &form).await?;
    Ok(Json(draft_view(&state, id, &answers)?))
}

/// Submits a draft whose every page is answered: the case is registered with a case
/// number and its handling starts. Submitting again (a retry, a double click) answers 200
/// with the same case.
#[utoipa::path(
    post,
    path = "/api/me/applications/{id}/submit",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 201, description = "Submitted; the new case", body = SubmittedView,
            headers(("location" = String, description = "The case: `/api/me/cases/{id}`"))),
        (status = 200, description = "Submitted before; the same case", body = SubmittedView),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Not the citizen's application", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Pages still to answer, or a month no longer open: `fields` names each page slug", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn submit(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (application, _) = state.casework.application(&citizen, &id).await?;
    let again = application.state == "submitted";
    let case = state.casework.submit(&citizen, &id).await?;
    if again {
        return Ok((StatusCode::OK, Json(SubmittedView::from(case))).into_response());
    }
    let location = format!("/api/me/cases/{}", case.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(SubmittedView::from(case)),
    )
        .into_response())
}

/// The citizen's cases with where each stands, newest first.
#[utoipa::path(
    get,
    path = "/api/me/cases",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    responses(
        (status = 200, description = "The citizen's cases", body = Vec<MyCaseItem>),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn cases(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
) -> Result<Json<Vec<MyCaseItem>>, Problem> {
    let cases = state.casework.cases_of(&citizen).await?;
    Ok(Json(cases.into_iter().map(Into::into).collect()))
}

/// One of the citizen's cases with its decision, letters and messages.
#[utoipa::path(
    get,
    path = "/api/me/cases/{id}",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = MyCaseView),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or another person's", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn case(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path(id): Path<String>,
) -> Result<Json<MyCaseView>, Problem> {
    let summary = state.casework.citizen_case(&citizen, &id).await?;
    let beslut = state.casework.decision_of(&summary.case).await?;
    let documents = state.casework.citizen_documents(&citizen, &id).await?;
    let messages = state.casework.citizen_messages(&citizen, &id).await?;
    Ok(Json(MyCaseView {
        case: summary.into(),
        beslut,
        documents: documents.into_iter().map(Into::into).collect(),
        messages: messages.into_iter().map(Into::into).collect(),
    }))
}

/// Writes to the social services about one of the citizen's own cases.
#[utoipa::path(
    post,
    path = "/api/me/cases/{id}/messages",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = TextRequest,
    responses(
        (status = 201, description = "Sent"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or another person's", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No text, or too long (`fields`: `body`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn send_message(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TextRequest>,
) -> Result<StatusCode, Problem> {
    state
        .casework
        .send_citizen_message(&citizen, &id, &req.body)
        .await
        .map_err(|e| with_fields(e, body_field))?;
    Ok(StatusCode::CREATED)
}

/// A letter of one of the citizen's own cases, as PDF.
#[utoipa::path(
    get,
    path = "/api/me/documents/{id}",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The letter", body = Pdf, content_type = "application/pdf"),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such document, or another person's", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn document(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (doc, content) = state
        .casework
        .citizen_document_content(&citizen, &id)
        .await?;
    Ok(pdf_response(&doc, content))
}
