//! `/arenden`: the social workers' inbox of open cases, earliest due first, and the case
//! view: the application, data fetched from other agencies (with source and time), the
//! calculation with its reasons, the proposal and why, the decision form, journal notes,
//! letters, messages with the citizen, and who has read the case. Every view of a case is
//! logged before it is shown (`Casework::case_for_staff`).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flode_casework::{CaseDetail, CaseStatus, Error, Form, LAGRUM, Outcome};
use flode_letters::kronor;
use flode_security::Principal;
use serde::Deserialize;
use serde_json::Value;

use super::error::PageError;
use super::form::{FieldError, NoticeQuery, PageForm, PageQuery, error_for};
use super::layout::urlencode;
use super::layout::{Layout, Section, render};
use crate::eservice::{field_errors, month_label, pdf_response};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::timefmt;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

struct InboxRow {
    id: String,
    case_number: String,
    applicant: String,
    month: String,
    status: String,
    received: String,
    due: String,
    overdue: bool,
    calculate_by_hand: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct InboxPage {
    layout: Layout,
    rows: Vec<InboxRow>,
}

/// A case's status for staff, in the page's language.
fn status_label(tr: Tr, status: CaseStatus) -> String {
    tr.t(match status {
        CaseStatus::Received => "staff-case-status-received",
        CaseStatus::WithCaseWorker => "staff-case-status-with-case-worker",
        CaseStatus::Decided => "staff-case-status-decided",
        CaseStatus::Closed => "staff-case-status-closed",
        CaseStatus::Cancelled => "staff-case-status-cancelled",
    })
}

/// A decision's outcome, in the page's language.
fn outcome_label(tr: Tr, outcome: Outcome) -> String {
    tr.t(match outcome {
        Outcome::Bifall => "staff-case-outcome-granted",
        Outcome::DelvisBifall => "staff-case-outcome-partly-granted",
        Outcome::Avslag => "staff-case-outcome-refused",
    })
}

/// `GET /arenden`.
pub(crate) async fn inbox(State(state): State<AppState>) -> Result<Response, PageError> {
    let now = state.engine.now();
    let tr = crate::i18n::tr();
    let rows = state
        .casework
        .inbox()
        .await?
        .into_iter()
        .map(|s| InboxRow {
            id: s.case.id,
            case_number: s.case.case_number,
            applicant: s.case.applicant_name,
            month: month_label(tr, &s.case.month),
            status: status_label(tr, s.status),
            received: timefmt::display(s.case.received_at),
            due: timefmt::date(s.case.due_at),
            overdue: s.case.due_at < now,
            calculate_by_hand: s.calculate_by_hand,
        })
        .collect();
    render(
        StatusCode::OK,
        &InboxPage {
            layout: Layout::new(tr.t("staff-cases-title"), Section::Cases),
            rows,
        },
    )
}

/// A row of a key/value table.
struct Pair {
    key: String,
    value: String,
    /// The value is case content that stays Swedish (marked `lang="sv"` on other pages).
    swedish: bool,
}

/// A row of the calculation.
struct CalcRow {
    section: String,
    /// The calculation's reason: case content, in Swedish.
    reason: String,
    /// A note after the reason when the amount is not confirmed (else empty).
    unconfirmed: String,
    applied: String,
    amount: String,
}

/// A letter of the case.
struct DocumentRow {
    id: String,
    /// The letter's own (Swedish) title.
    title: String,
    at: String,
}

struct NoteRow {
    author: String,
    body: String,
    at: String,
}

struct Choice {
    id: String,
    value: String,
    label: String,
    checked: bool,
}

/// The decision form as shown (posted values, or the proposal).
struct DecisionForm {
    outcomes: Vec<Choice>,
    belopp: String,
    motivering: String,
    lagrum: Vec<Choice>,
    utfall_error: Option<String>,
    belopp_error: Option<String>,
    motivering_error: Option<String>,
    lagrum_error: Option<String>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    layout: Layout,
    id: String,
    case: Vec<Pair>,
    application: Vec<Pair>,
    ssbtek: Vec<Pair>,
    incomes: Vec<Pair>,
    ssbtek_fetched: bool,
    calculation: Vec<CalcRow>,
    totals: Vec<Pair>,
    /// Why the norms could not calculate the case (a person calculates by hand).
    no_calculation: Option<String>,
    proposal: Option<String>,
    delegation: Option<String>,
    /// Where SSBTEK reports more income than the application (counted in).
    deviations: Vec<String>,
    decision: Vec<Pair>,
    form: Option<DecisionForm>,
    notes: Vec<NoteRow>,
    note: String,
    note_error: Option<String>,
    messages: Vec<NoteRow>,
    message: String,
    message_error: Option<String>,
    documents: Vec<DocumentRow>,
    /// The application's attachments: id → name, type and size.
    attachments: Vec<Pair>,
    reads: Vec<NoteRow>,
}

/// What a failed post shows again.
#[derive(Default)]
struct Posted {
    decision: Option<Form>,
    note: String,
    message: String,
    errors: Vec<FieldError>,
}

fn pair(key: impl Into<String>, value: impl Into<String>) -> Pair {
    Pair {
        key: key.into(),
        value: value.into(),
        swedish: false,
    }
}

/// A pair whose value is case content that stays Swedish.
fn content(key: impl Into<String>, value: impl Into<String>) -> Pair {
    Pair {
        swedish: true,
        ..pair(key, value)
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn section_label(tr: Tr, code: &str) -> String {
    tr.with("staff-case-calc-section", "code", code)
}

/// The SSBTEK answer: which sources answered and the income rows, with source and date.
fn ssbtek_view(tr: Tr, v: Option<&Value>) -> (Vec<Pair>, Vec<Pair>) {
    let Some(v) = v else {
        return (Vec::new(), Vec::new());
    };
    let mut facts = Vec::new();
    let failed: Vec<String> = v
        .get("kallorMedFel")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|x| text(Some(x))).collect())
        .unwrap_or_default();
    facts.push(if failed.is_empty() {
        pair(
            tr.t("staff-case-ssbtek-failed-sources"),
            tr.t("staff-case-ssbtek-all-answered"),
        )
    } else {
        // The sources' own names.
        content(tr.t("staff-case-ssbtek-failed-sources"), failed.join(", "))
    });
    facts.push(pair(
        tr.t("staff-case-ssbtek-protected"),
        if v.get("skyddadIdentitet") == Some(&Value::Bool(true)) {
            tr.t("staff-case-ssbtek-protected-yes")
        } else {
            tr.t("staff-case-no")
        },
    ));
    if let Some(id) = v.get("korrelationsid").and_then(Value::as_str) {
        facts.push(pair(tr.t("staff-case-ssbtek-correlation-id"), id));
    }
    let incomes = v
        .get("inkomster")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    pair(
                        format!(
                            "{} {} ({})",
                            text(r.get("source")),
                            text(r.get("slag")),
                            text(r.get("utbetalningsdatum"))
                        ),
                        r.get("belopp")
                            .and_then(Value::as_i64)
                            .map(kronor)
                            .unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (facts, incomes)
}

fn calculation_view(tr: Tr, v: Option<&Value>) -> (Vec<CalcRow>, Vec<Pair>) {
    let Some(v) = v else {
        return (Vec::new(), Vec::new());
    };
    let rows = v
        .get("rows")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let money = |k: &str| {
                        r.get(k)
                            .and_then(Value::as_i64)
                            .map(kronor)
                            .unwrap_or_default()
                    };
                    let unconfirmed = match r.get("provenance").and_then(Value::as_str) {
                        Some(p) if p != "confirmed" => {
                            format!(" {}", tr.t("staff-case-calc-unconfirmed"))
                        }
                        _ => String::new(),
                    };
                    CalcRow {
                        section: section_label(tr, &text(r.get("section"))),
                        reason: text(r.get("reason")),
                        unconfirmed,
                        applied: money("applied"),
                        amount: money("amount"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let money = |k: &str| {
        v.get(k)
            .and_then(Value::as_i64)
            .map(kronor)
            .unwrap_or_default()
    };
    let totals = vec![
        pair(tr.t("staff-case-total-norm"), money("norm_total")),
        pair(tr.t("staff-case-total-costs"), money("costs_total")),
        pair(tr.t("staff-case-total-need"), money("need")),
        pair(tr.t("staff-case-total-income"), money("income")),
        pair(tr.t("staff-case-total-support"), money("support")),
    ];
    (rows, totals)
}

fn decision_form(
    tr: Tr,
    detail: &CaseDetail,
    posted: Option<&Form>,
    errors: &[FieldError],
) -> DecisionForm {
    let support = detail
        .variables
        .get("berakning")
        .and_then(|b| b.get("support"))
        .and_then(Value::as_i64);
    // Without a posted form the proposal is shown: bifall with the calculated amount, or
    // avslag when the calculation shows no need.
    let proposed = match support {
        Some(s) if s > 0 => ("bifall", s.to_string()),
        Some(_) => ("avslag", "0".to_owned()),
        None => ("", String::new()),
    };
    let get = |k: &str| posted.and_then(|f| f.get(k).cloned());
    let utfall = get("utfall").unwrap_or_else(|| proposed.0.to_owned());
    let outcomes = [Outcome::Bifall, Outcome::DelvisBifall, Outcome::Avslag]
        .iter()
        .enumerate()
        .map(|(i, o)| Choice {
            id: if i == 0 {
                "utfall".into()
            } else {
                format!("utfall-{i}")
            },
            value: o.code().into(),
            label: outcome_label(tr, *o),
            checked: o.code() == utfall,
        })
        .collect();
    let lagrum = LAGRUM
        .iter()
        .enumerate()
        .map(|(i, l)| Choice {
            id: format!("lagrum-{i}"),
            value: "ja".into(),
            label: (*l).into(),
            checked: match posted {
                Some(f) => f.get(&format!("lagrum-{i}")).is_some_and(|v| v == "ja"),
                None => true,
            },
        })
        .collect();
    DecisionForm {
        outcomes,
        belopp: get("belopp").unwrap_or(proposed.1),
        motivering: get("motivering").unwrap_or_default(),
        lagrum,
        utfall_error: error_for(errors, "utfall"),
        belopp_error: error_for(errors, "belopp"),
        motivering_error: error_for(errors, "motivering"),
        lagrum_error: error_for(errors, "lagrum-0"),
    }
}

async fn case_page(
    state: &AppState,
    reader: &Principal,
    id: &str,
    notice: Option<&str>,
    posted: Posted,
) -> Result<Response, PageError> {
    let detail = state.casework.case_for_staff(id, &reader.name).await?;
    let tr = crate::i18n::tr();
    let vars = &detail.variables;
    let c = &detail.summary.case;
    let now = state.engine.now();
    let overdue = c.due_at < now && detail.decision_task.is_some();
    let case = vec![
        pair(tr.t("staff-case-number"), c.case_number.clone()),
        pair(tr.t("staff-case-applicant"), c.applicant_name.clone()),
        pair(
            tr.t("staff-case-personnummer"),
            format!(
                "{}-{}",
                &c.applicant[..8.min(c.applicant.len())],
                &c.applicant[8.min(c.applicant.len())..]
            ),
        ),
        pair(
            tr.t("staff-case-concerns"),
            tr.with(
                "staff-case-concerns-month",
                "month",
                month_label(tr, &c.month),
            ),
        ),
        pair(
            tr.t("staff-column-status"),
            status_label(tr, detail.summary.status),
        ),
        pair(tr.t("staff-case-received"), timefmt::display(c.received_at)),
        pair(
            tr.t("staff-case-due"),
            if overdue {
                tr.with_args(
                    "staff-case-due-overdue",
                    &[
                        ("date", timefmt::date(c.due_at)),
                        (
                            "overdue",
                            tr.count("staff-case-overdue-days", (now - c.due_at) / DAY_MS + 1),
                        ),
                    ],
                )
            } else {
                timefmt::date(c.due_at)
            },
        ),
        pair(
            tr.t("staff-case-application-type"),
            tr.with(
                "staff-case-application-type-value",
                "code",
                text(vars.get("ansokningstyp")),
            ),
        ),
    ];
    let application = detail
        .answers
        .summary()
        .into_iter()
        .map(|r| pair(r.question, r.answer))
        .collect();
    let (ssbtek, incomes) = ssbtek_view(tr, vars.get("ssbtek"));
    let (calculation, totals) = calculation_view(tr, vars.get("berakning"));
    let proposal = vars
        .get("berakning")
        .and_then(|b| b.get("support"))
        .and_then(Value::as_i64)
        .map(|s| {
            if s > 0 {
                tr.with("staff-case-proposal-grant", "amount", kronor(s))
            } else {
                tr.t("staff-case-proposal-refuse")
            }
        });
    let delegation = vars
        .get("delegation")
        .and_then(|d| d.get("skal"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let deviations = vars
        .get("inkomstavvikelser")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let decision = match vars.get("beslut") {
        Some(b) => vec![
            pair(
                tr.t("staff-case-decision"),
                Outcome::from_code(&text(b.get("utfall")))
                    .map(|o| outcome_label(tr, o))
                    .unwrap_or_default(),
            ),
            pair(
                tr.t("staff-case-amount"),
                b.get("belopp")
                    .and_then(Value::as_i64)
                    .map(kronor)
                    .unwrap_or_default(),
            ),
            content(tr.t("staff-case-reasons"), text(b.get("motivering"))),
            content(
                tr.t("staff-case-provisions"),
                b.get("lagrum")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|x| text(Some(x)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default(),
            ),
            // Name and title as the letter has them.
            content(tr.t("staff-case-decided-by"), text(b.get("fattatAv"))),
        ],
        None => Vec::new(),
    };
    let form = detail
        .decision_task
        .as_ref()
        .map(|_| decision_form(tr, &detail, posted.decision.as_ref(), &posted.errors));
    let notes = detail
        .notes
        .iter()
        .map(|n| NoteRow {
            author: n.author.clone(),
            body: n.body.clone(),
            at: timefmt::display(n.created_at),
        })
        .collect();
    let messages = state
        .casework
        .messages(id)
        .await?
        .into_iter()
        .map(|m| NoteRow {
            author: match m.sender.as_str() {
                "citizen" => tr.with("staff-case-applicant-author", "name", &c.applicant_name),
                _ => m.author,
            },
            body: m.body,
            at: timefmt::display(m.created_at),
        })
        .collect();
    let documents = state
        .casework
        .documents(id)
        .await?
        .into_iter()
        .map(|d| DocumentRow {
            at: timefmt::display(d.created_at),
            id: d.id,
            title: d.title,
        })
        .collect();
    let attachments = state
        .casework
        .case_attachments(id)
        .await?
        .into_iter()
        .map(|a| {
            pair(
                a.id,
                format!(
                    "{} ({}, {} kB)",
                    a.filename,
                    a.media_type,
                    (a.size + 1023) / 1024
                ),
            )
        })
        .collect();
    let reads = detail
        .reads
        .iter()
        .map(|r| NoteRow {
            author: r.reader.clone(),
            body: tr.with("staff-case-read-what", "what", &r.what),
            at: timefmt::display(r.read_at),
        })
        .collect();
    let status = if posted.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut layout = Layout::new(
        tr.with("staff-case-title", "number", &c.case_number),
        Section::Cases,
    )
    .notice(notice);
    if !posted.errors.is_empty() {
        // Shown after a post: the language link goes to the case's page.
        layout = layout.back_to(&format!("/arenden/{}", urlencode(id)));
    }
    render(
        status,
        &CasePage {
            note_error: error_for(&posted.errors, "anteckning"),
            message_error: error_for(&posted.errors, "meddelande"),
            layout: layout.errors(posted.errors),
            id: id.to_owned(),
            ssbtek_fetched: vars.contains_key("ssbtek"),
            case,
            application,
            ssbtek,
            incomes,
            calculation,
            totals,
            no_calculation: vars
                .get(flode_casework::NO_CALCULATION)
                .and_then(Value::as_str)
                .map(str::to_owned),
            proposal,
            delegation,
            deviations,
            decision,
            form,
            notes,
            note: posted.note,
            messages,
            message: posted.message,
            documents,
            attachments,
            reads,
        },
    )
}

/// `GET /arenden/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(reader): Extension<Principal>,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    case_page(
        &state,
        &reader,
        &id,
        q.meddelande.as_deref(),
        Posted::default(),
    )
    .await
}

/// Who decided, as the letter names the decision maker: name and title (also for the
/// JSON API's decisions).
pub(crate) fn decided_by(who: &Principal) -> String {
    let title = who
        .roles
        .iter()
        .find(|r| *r != flode_security::Role::Admin)
        .map(|r| r.label().to_lowercase());
    match title {
        Some(t) => format!("{}, {t}", who.display_name),
        None => who.display_name.clone(),
    }
}

/// `POST /arenden/{id}/beslut`.
pub(crate) async fn decide(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form: Form = pairs.into_iter().collect();
    match state.casework.decide(&id, &decided_by(&who), &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/arenden/{id}?meddelande=beslutat")).into_response()),
        Err(Error::Invalid(problems)) => {
            let posted = Posted {
                decision: Some(form),
                errors: field_errors(problems, crate::i18n::tr()),
                ..Posted::default()
            };
            case_page(&state, &who, &id, None, posted).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoteForm {
    #[serde(default)]
    anteckning: String,
}

/// `POST /arenden/{id}/anteckning`.
pub(crate) async fn add_note(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    PageForm(form): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    match state
        .casework
        .add_note(&id, &who.name, &form.anteckning)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/arenden/{id}?meddelande=anteckning#journal")).into_response(),
        ),
        Err(Error::Invalid(problems)) => {
            let posted = Posted {
                note: form.anteckning,
                errors: field_errors(problems, crate::i18n::tr()),
                ..Posted::default()
            };
            case_page(&state, &who, &id, None, posted).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MessageForm {
    #[serde(default)]
    meddelande: String,
}

/// `POST /arenden/{id}/meddelande`: a message to the citizen, on Mina sidor.
pub(crate) async fn send_message(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    PageForm(form): PageForm<MessageForm>,
) -> Result<Response, PageError> {
    match state
        .casework
        .send_staff_message(&id, &who.display_name, &form.meddelande)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/arenden/{id}?meddelande=meddelande-skickat#meddelanden"
        ))
        .into_response()),
        Err(Error::Invalid(problems)) => {
            let posted = Posted {
                message: form.meddelande,
                errors: field_errors(problems, crate::i18n::tr()),
                ..Posted::default()
            };
            case_page(&state, &who, &id, None, posted).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /arenden/dokument/{id}`: a letter as PDF; the read is logged.
pub(crate) async fn document(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (doc, content) = state
        .casework
        .staff_document_content(&id, &who.name)
        .await?;
    Ok(pdf_response(&doc, content))
}

/// `GET /arenden/bilagor/{id}`: an attachment of a submitted application; the read is logged.
pub(crate) async fn attachment(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (record, content) = state.casework.staff_attachment(&id, &who.name).await?;
    Ok(crate::eservice::file_response(
        &record.filename,
        &record.media_type,
        content,
    ))
}
