//! The social workers' casework as JSON, everything the `/arenden` pages do: the inbox, a
//! case (the read logged first), the decision, journal notes, messages to the citizen and
//! the letters. Only socialsekreterare and förste socialsekreterare (`auth::CASEWORK`),
//! signed in or with an API token; the rules are the case service's (`flode_casework`).
//!
//! The views here are shared with the citizens' API (`api/me.rs`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use flode_casework::{CaseStatus, Decision, Error, Form, LAGRUM, SummaryRow, month_name};
use flode_security::Principal;
use flode_store::{CaseDocumentRecord, CaseMessageRecord, CaseNoteRecord, CaseReadRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::eservice::pdf_response;
use crate::extract::ApiJson;
use crate::pages::cases::decided_by;
use crate::problem::{FieldProblemBody, Problem, ProblemBody};
use crate::state::AppState;
use crate::timefmt::rfc3339;

/// Where a case stands.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StatusView {
    /// `received`, `with_case_worker`, `decided`, `closed` or `cancelled`.
    #[schema(example = "with_case_worker")]
    code: String,
    /// In Swedish.
    #[schema(example = "Handläggs")]
    label: &'static str,
}

impl From<CaseStatus> for StatusView {
    fn from(status: CaseStatus) -> Self {
        // The code is the status's serialised name, so that it cannot drift from it.
        let code = serde_json::to_value(status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Self {
            code,
            label: status.label(),
        }
    }
}

/// A case in the inbox.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CaseListItem {
    /// Case id.
    id: String,
    /// Diarienummer, e.g. `EB-2026-000042`.
    case_number: String,
    /// The applicant's name at submission.
    applicant_name: String,
    /// The month applied for, `YYYY-MM`.
    month: String,
    /// Where it stands.
    status: StatusView,
    /// When it was received (RFC 3339).
    received_at: String,
    /// When a decision is due (RFC 3339).
    due_at: String,
    /// The decision is due and not made.
    overdue: bool,
    /// A social worker is to calculate the need by hand: the norms could not.
    calculate_by_hand: bool,
}

/// The application as submitted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ApplicationAnswersView {
    /// Application id.
    id: String,
    /// When it was submitted (RFC 3339).
    submitted_at: Option<String>,
    /// The answers as stored (`month`, `partner`, `partner_age`, `children`, `costs`,
    /// `incomes`, `changes`, `changes_text`, `consent`, `answered_pages`).
    #[schema(value_type = Object)]
    answers: Value,
    /// The answers as question and answer rows, in Swedish.
    summary: Vec<SummaryRowView>,
}

/// One answer as text.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SummaryRowView {
    /// Slug of the page it was answered on.
    #[schema(example = "kostnader")]
    page: &'static str,
    /// The question, short.
    question: String,
    /// The answer as text (empty if not answered).
    answer: String,
}

impl From<SummaryRow> for SummaryRowView {
    fn from(r: SummaryRow) -> Self {
        Self {
            page: r.page.slug(),
            question: r.question,
            answer: r.answer,
        }
    }
}

/// A journal note.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NoteView {
    /// Who wrote it.
    author: String,
    /// The note.
    body: String,
    /// When (RFC 3339).
    created_at: String,
}

impl From<&CaseNoteRecord> for NoteView {
    fn from(n: &CaseNoteRecord) -> Self {
        Self {
            author: n.author.clone(),
            body: n.body.clone(),
            created_at: rfc3339(n.created_at),
        }
    }
}

/// One logged read of a case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReadView {
    /// Who read it.
    reader: String,
    /// `arende` (the case) or `dokument` (a letter).
    what: String,
    /// When (RFC 3339).
    read_at: String,
}

impl From<&CaseReadRecord> for ReadView {
    fn from(r: &CaseReadRecord) -> Self {
        Self {
            reader: r.reader.clone(),
            what: r.what.clone(),
            read_at: rfc3339(r.read_at),
        }
    }
}

/// A document of a case (a letter), without its content.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentView {
    /// Document id.
    id: String,
    /// e.g. `beslutsbrev`.
    kind: String,
    /// Its title.
    title: String,
    /// e.g. `application/pdf`.
    media_type: String,
    /// When it was made (RFC 3339).
    created_at: String,
}

impl From<CaseDocumentRecord> for DocumentView {
    fn from(d: CaseDocumentRecord) -> Self {
        Self {
            id: d.id,
            kind: d.kind,
            title: d.title,
            media_type: d.media_type,
            created_at: rfc3339(d.created_at),
        }
    }
}

/// A message between the citizen and the social services.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageView {
    /// `citizen`, `staff` or `system`.
    sender: String,
    /// Name of who wrote it.
    author: String,
    /// The message.
    body: String,
    /// When (RFC 3339).
    created_at: String,
}

impl From<CaseMessageRecord> for MessageView {
    fn from(m: CaseMessageRecord) -> Self {
        Self {
            sender: m.sender,
            author: m.author,
            body: m.body,
            created_at: rfc3339(m.created_at),
        }
    }
}

/// A case as a social worker sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CaseView {
    /// Case id.
    id: String,
    /// Diarienummer.
    case_number: String,
    /// The applicant's personnummer (12 digits).
    applicant: String,
    /// The applicant's name at submission.
    applicant_name: String,
    /// The month applied for, `YYYY-MM`.
    month: String,
    /// The month in Swedish, e.g. `december 2026`.
    month_name: String,
    /// Where it stands.
    status: StatusView,
    /// When it was received (RFC 3339).
    received_at: String,
    /// When a decision is due (RFC 3339).
    due_at: String,
    /// Waiting for a decision past its due date.
    overdue: bool,
    /// A social worker is to decide (`POST /api/cases/{id}/decision`).
    awaiting_decision: bool,
    /// `nyansokan` or `aterkommande` (why a person decides, with the delegation).
    application_type: Option<String>,
    /// The application.
    application: ApplicationAnswersView,
    /// What SSBTEK answered (sources, incomes with source and date), once fetched.
    #[schema(value_type = Option<Object>)]
    ssbtek: Option<Value>,
    /// The calculation with a reason on every row, once made.
    #[schema(value_type = Option<Object>)]
    berakning: Option<Value>,
    /// Why there is no calculation, where the norms could not make one (no riksnorm for the
    /// year, figures the household needs not confirmed): a person calculates by hand.
    #[schema(value_type = Option<String>)]
    berakning_saknas: Option<Value>,
    /// The delegation rules' answer: automated or a person, and why.
    #[schema(value_type = Option<Object>)]
    delegation: Option<Value>,
    /// Where SSBTEK reports more income than the application (counted in).
    #[schema(value_type = Option<Vec<String>>)]
    inkomstavvikelser: Option<Value>,
    /// The decision, once made (as `POST /api/cases/{id}/decision` answers).
    #[schema(value_type = Option<Object>)]
    beslut: Option<Value>,
    /// Journal notes, oldest first.
    notes: Vec<NoteView>,
    /// Who read the case, newest first (this read included).
    reads: Vec<ReadView>,
    /// Letters, oldest first.
    documents: Vec<DocumentView>,
    /// Messages with the citizen, oldest first.
    messages: Vec<MessageView>,
}

/// A decision.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(crate) struct DecisionRequest {
    /// `bifall`, `delvis_bifall` or `avslag`.
    #[schema(example = "bifall")]
    utfall: Option<String>,
    /// Kronor granted, more than 0 (stored as 0 for avslag).
    #[schema(example = 4590)]
    belopp: Option<i64>,
    /// The reasons, in plain Swedish (förvaltningslagen 32 §).
    #[schema(example = "Behovet är styrkt enligt riksnormen.")]
    motivering: Option<String>,
    /// The provisions it rests on, each exactly as listed in `flode_casework::LAGRUM`:
    /// `4 kap. 1 § socialtjänstlagen (2025:400)` and
    /// `12 kap. 7 § socialtjänstlagen (2025:400) (riksnormen)`.
    #[serde(default)]
    lagrum: Vec<String>,
}

/// A decision as stored on the case (the process variable `beslut`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DecisionView {
    /// `bifall`, `delvis_bifall` or `avslag`.
    utfall: &'static str,
    /// In Swedish.
    utfall_label: &'static str,
    /// Kronor granted (0 for avslag).
    belopp: i64,
    /// The reasons.
    motivering: String,
    /// The provisions applied.
    lagrum: Vec<String>,
    /// Who decided: name and title.
    fattat_av: String,
}

impl From<Decision> for DecisionView {
    fn from(d: Decision) -> Self {
        Self {
            utfall: d.utfall.code(),
            utfall_label: d.utfall.label(),
            belopp: d.belopp,
            motivering: d.motivering,
            lagrum: d.lagrum,
            fattat_av: d.fattat_av,
        }
    }
}

/// A letter as PDF bytes (the OpenAPI schema of the document downloads; never built).
#[derive(ToSchema)]
#[schema(content_media_type = "application/pdf")]
pub(crate) struct Pdf(#[expect(dead_code, reason = "only the schema is used")] String);

/// A journal note or a message.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(crate) struct TextRequest {
    /// The text (a message at most 4000 characters).
    #[serde(default)]
    #[schema(example = "Beslutet finns under ärendet.")]
    pub(crate) body: String,
}

/// The service's error, its field problems named as the request body's fields.
pub(crate) fn with_fields(e: Error, name: fn(&str) -> Option<&'static str>) -> Problem {
    match e {
        Error::Invalid(problems) => Problem::invalid_input(
            problems
                .into_iter()
                .map(|p| FieldProblemBody {
                    field: name(&p.field).map_or(p.field, str::to_owned),
                    message: p.message,
                })
                .collect(),
        ),
        e => e.into(),
    }
}

/// A note's or a message's text is `body` in the JSON (`anteckning`, `meddelande` in forms).
pub(crate) fn body_field(field: &str) -> Option<&'static str> {
    matches!(field, "anteckning" | "meddelande").then_some("body")
}

/// The decision form's checkboxes `lagrum-N` are the one list `lagrum` in the JSON.
fn decision_field(field: &str) -> Option<&'static str> {
    field.starts_with("lagrum").then_some("lagrum")
}

/// The JSON decision as the form the service reads (`Decision::from_form`), and a problem
/// for each lagrum that is not one of `LAGRUM`.
fn decision_form(req: DecisionRequest) -> (Form, Vec<FieldProblemBody>) {
    let mut form = Form::new();
    if let Some(utfall) = req.utfall {
        form.insert("utfall".into(), utfall);
    }
    if let Some(belopp) = req.belopp {
        form.insert("belopp".into(), belopp.to_string());
    }
    if let Some(motivering) = req.motivering {
        form.insert("motivering".into(), motivering);
    }
    let mut unknown = Vec::new();
    for lagrum in req.lagrum {
        match LAGRUM.iter().position(|l| *l == lagrum.trim()) {
            Some(i) => {
                form.insert(format!("lagrum-{i}"), "ja".into());
            }
            None => unknown.push(FieldProblemBody {
                field: "lagrum".into(),
                message: format!("Okänt lagrum ”{lagrum}”; välj bland: {}", LAGRUM.join(", ")),
            }),
        }
    }
    (form, unknown)
}

/// Open cases, earliest due first (the inbox; at most 500).
#[utoipa::path(
    get,
    path = "/api/cases",
    tag = "Ärenden",
    responses(
        (status = 200, description = "Open cases", body = Vec<CaseListItem>),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a social worker", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn inbox(
    State(state): State<AppState>,
) -> Result<Json<Vec<CaseListItem>>, Problem> {
    let now = state.engine.now();
    let rows = state
        .casework
        .inbox()
        .await?
        .into_iter()
        .map(|s| CaseListItem {
            overdue: s.case.due_at < now,
            calculate_by_hand: s.calculate_by_hand,
            id: s.case.id,
            case_number: s.case.case_number,
            applicant_name: s.case.applicant_name,
            month: s.case.month,
            status: s.status.into(),
            received_at: rfc3339(s.case.received_at),
            due_at: rfc3339(s.case.due_at),
        })
        .collect();
    Ok(Json(rows))
}

/// A case with its application, fetched data, calculation, decision, notes, reads,
/// letters and messages. The read is logged under the caller's name before the answer.
#[utoipa::path(
    get,
    path = "/api/cases/{id}",
    tag = "Ärenden",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a social worker", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(reader): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<CaseView>, Problem> {
    let detail = state.casework.case_for_staff(&id, &reader.name).await?;
    let documents = state.casework.documents(&id).await?;
    let messages = state.casework.messages(&id).await?;
    let mut vars = detail.variables;
    let c = detail.summary.case;
    let awaiting_decision = detail.decision_task.is_some();
    let answers = serde_json::to_value(&detail.answers)
        .map_err(|e| Problem::internal(format!("answers as JSON: {e}")))?;
    Ok(Json(CaseView {
        overdue: awaiting_decision && c.due_at < state.engine.now(),
        awaiting_decision,
        status: detail.summary.status.into(),
        month_name: month_name(&c.month),
        received_at: rfc3339(c.received_at),
        due_at: rfc3339(c.due_at),
        id: c.id,
        case_number: c.case_number,
        applicant: c.applicant,
        applicant_name: c.applicant_name,
        month: c.month,
        application_type: vars
            .get("ansokningstyp")
            .and_then(Value::as_str)
            .map(str::to_owned),
        application: ApplicationAnswersView {
            id: detail.application.id,
            submitted_at: detail.application.submitted_at.map(rfc3339),
            answers,
            summary: detail
                .answers
                .summary()
                .into_iter()
                .map(Into::into)
                .collect(),
        },
        ssbtek: vars.remove("ssbtek"),
        berakning: vars.remove("berakning"),
        berakning_saknas: vars.remove(flode_casework::NO_CALCULATION),
        delegation: vars.remove("delegation"),
        inkomstavvikelser: vars.remove("inkomstavvikelser"),
        beslut: vars.remove("beslut"),
        notes: detail.notes.iter().map(Into::into).collect(),
        reads: detail.reads.iter().map(Into::into).collect(),
        documents: documents.into_iter().map(Into::into).collect(),
        messages: messages.into_iter().map(Into::into).collect(),
    }))
}

/// Decides a case waiting for a social worker: completes its decision task, and the
/// process goes on to the letter. The decision names the caller (name and title).
#[utoipa::path(
    post,
    path = "/api/cases/{id}/decision",
    tag = "Ärenden",
    params(("id" = String, Path, description = "Case id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "Decided; the stored decision", body = DecisionView),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a social worker", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The case is not waiting for a decision (decided already, or still being prepared)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The decision has problems: `fields` names each (`utfall`, `belopp`, `motivering`, `lagrum`) with a Swedish message", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn decide(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<DecisionRequest>,
) -> Result<Json<DecisionView>, Problem> {
    let decided_by = decided_by(&who);
    let (form, unknown) = decision_form(req);
    if !unknown.is_empty() {
        // Every problem at once: the form's own as well, but not "choose a lagrum" when
        // one was named.
        let mut fields: Vec<FieldProblemBody> = match Decision::from_form(&form, &decided_by) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .filter(|p| decision_field(&p.field).is_none())
                .map(|p| FieldProblemBody {
                    field: p.field,
                    message: p.message,
                })
                .collect(),
        };
        fields.extend(unknown);
        return Err(Problem::invalid_input(fields));
    }
    let decision = state
        .casework
        .decide(&id, &decided_by, &form)
        .await
        .map_err(|e| with_fields(e, decision_field))?;
    Ok(Json(decision.into()))
}

/// Adds a journal note under the caller's name; notes are never changed (a correction is
/// a new note).
#[utoipa::path(
    post,
    path = "/api/cases/{id}/notes",
    tag = "Ärenden",
    params(("id" = String, Path, description = "Case id")),
    request_body = TextRequest,
    responses(
        (status = 201, description = "Added"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a social worker", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No text (`fields`: `body`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn add_note(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TextRequest>,
) -> Result<StatusCode, Problem> {
    state
        .casework
        .add_note(&id, &who.name, &req.body)
        .await
        .map_err(|e| with_fields(e, body_field))?;
    Ok(StatusCode::CREATED)
}

/// Writes to the citizen of a case (shown on Mina sidor) under the caller's name.
#[utoipa::path(
    post,
    path = "/api/cases/{id}/messages",
    tag = "Ärenden",
    params(("id" = String, Path, description = "Case id")),
    request_body = TextRequest,
    responses(
        (status = 201, description = "Sent"),
        (status = 400, description = "Malformed JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a social worker", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No text, or too long (`fields`: `body`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn send_message(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TextRequest>,
) -> Result<StatusCode, Problem> {
    state
        .casework
        .send_staff_message(&id, &who.display_name, &req.body)
        .await
        .map_err(|e| with_fields(e, body_field))?;
    Ok(StatusCode::CREATED)
}

/// A letter of a case, as PDF; the read is logged under the caller's name first.
#[utoipa::path(
    get,
    path = "/api/documents/{id}",
    tag = "Ärenden",
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The letter", body = Pdf, content_type = "application/pdf"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a social worker", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn document(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (doc, content) = state
        .casework
        .staff_document_content(&id, &who.name)
        .await?;
    Ok(pdf_response(&doc, content))
}
