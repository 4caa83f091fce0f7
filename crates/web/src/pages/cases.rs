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
use flode_casework::{CaseDetail, Error, Form, LAGRUM, Outcome, month_name};
use flode_letters::kronor;
use flode_security::Principal;
use serde::Deserialize;
use serde_json::Value;

use super::error::PageError;
use super::form::{FieldError, NoticeQuery, PageForm, PageQuery, error_for};
use super::layout::{Layout, Section, render};
use crate::eservice::{field_errors, pdf_response};
use crate::state::AppState;
use crate::timefmt;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

struct InboxRow {
    id: String,
    case_number: String,
    applicant: String,
    month: String,
    status: &'static str,
    received: String,
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct InboxPage {
    layout: Layout,
    rows: Vec<InboxRow>,
}

/// `GET /arenden`.
pub(crate) async fn inbox(State(state): State<AppState>) -> Result<Response, PageError> {
    let now = state.engine.now();
    let rows = state
        .casework
        .inbox()
        .await?
        .into_iter()
        .map(|s| InboxRow {
            id: s.case.id,
            case_number: s.case.case_number,
            applicant: s.case.applicant_name,
            month: month_name(&s.case.month),
            status: s.status.label(),
            received: timefmt::display(s.case.received_at),
            due: timefmt::date(s.case.due_at),
            overdue: s.case.due_at < now,
        })
        .collect();
    render(
        StatusCode::OK,
        &InboxPage {
            layout: Layout::new("Ärenden", Section::Cases),
            rows,
        },
    )
}

/// A row of a key/value table.
struct Pair {
    key: String,
    value: String,
}

/// A row of the calculation.
struct CalcRow {
    section: String,
    reason: String,
    applied: String,
    amount: String,
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
    documents: Vec<Pair>,
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
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn section_label(code: &str) -> String {
    match code {
        "norm" => "Riksnorm".into(),
        "cost" => "Kostnader utanför normen".into(),
        "income" => "Inkomster".into(),
        other => other.to_owned(),
    }
}

/// The SSBTEK answer: which sources answered and the income rows, with source and date.
fn ssbtek_view(v: Option<&Value>) -> (Vec<Pair>, Vec<Pair>) {
    let Some(v) = v else {
        return (Vec::new(), Vec::new());
    };
    let mut facts = Vec::new();
    let failed: Vec<String> = v
        .get("kallorMedFel")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|x| text(Some(x))).collect())
        .unwrap_or_default();
    facts.push(pair(
        "Källor som inte svarade",
        if failed.is_empty() {
            "Inga: alla källor svarade".to_owned()
        } else {
            failed.join(", ")
        },
    ));
    facts.push(pair(
        "Skyddade personuppgifter",
        if v.get("skyddadIdentitet") == Some(&Value::Bool(true)) {
            "Ja – hanteras med särskild försiktighet"
        } else {
            "Nej"
        },
    ));
    if let Some(id) = v.get("korrelationsid").and_then(Value::as_str) {
        facts.push(pair("Fråga (korrelations-id)", id));
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

fn calculation_view(v: Option<&Value>) -> (Vec<CalcRow>, Vec<Pair>) {
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
                        Some(p) if p != "confirmed" => " [ej bekräftat belopp]",
                        _ => "",
                    };
                    CalcRow {
                        section: section_label(&text(r.get("section"))),
                        reason: format!("{}{unconfirmed}", text(r.get("reason"))),
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
        pair("Riksnorm", money("norm_total")),
        pair("Skäliga kostnader", money("costs_total")),
        pair("Behov", money("need")),
        pair("Inkomster", money("income")),
        pair("Bistånd enligt beräkningen", money("support")),
    ];
    (rows, totals)
}

fn decision_form(
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
            label: o.label().into(),
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
    let vars = &detail.variables;
    let c = &detail.summary.case;
    let now = state.engine.now();
    let overdue = c.due_at < now && detail.decision_task.is_some();
    let case = vec![
        pair("Ärendenummer", c.case_number.clone()),
        pair("Sökande", c.applicant_name.clone()),
        pair(
            "Personnummer",
            format!(
                "{}-{}",
                &c.applicant[..8.min(c.applicant.len())],
                &c.applicant[8.min(c.applicant.len())..]
            ),
        ),
        pair(
            "Gäller",
            format!("Försörjningsstöd för {}", month_name(&c.month)),
        ),
        pair("Status", detail.summary.status.label()),
        pair("Inkom", timefmt::display(c.received_at)),
        pair(
            "Beslut senast",
            if overdue {
                format!(
                    "{} (försenat {} dagar)",
                    timefmt::date(c.due_at),
                    (now - c.due_at) / DAY_MS + 1
                )
            } else {
                timefmt::date(c.due_at)
            },
        ),
        pair(
            "Ansökningstyp",
            match text(vars.get("ansokningstyp")).as_str() {
                "aterkommande" => "Återkommande ansökan".to_owned(),
                "nyansokan" => "Nyansökan".to_owned(),
                other => other.to_owned(),
            },
        ),
    ];
    let application = detail
        .answers
        .summary()
        .into_iter()
        .map(|r| pair(r.question, r.answer))
        .collect();
    let (ssbtek, incomes) = ssbtek_view(vars.get("ssbtek"));
    let (calculation, totals) = calculation_view(vars.get("berakning"));
    let proposal = vars
        .get("berakning")
        .and_then(|b| b.get("support"))
        .and_then(Value::as_i64)
        .map(|s| {
            if s > 0 {
                format!("Bifall med {} enligt riksnormen.", kronor(s))
            } else {
                "Inkomsterna täcker behovet enligt riksnormen: avslag, om inget annat framkommer."
                    .to_owned()
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
                "Beslut",
                Outcome::from_code(&text(b.get("utfall")))
                    .map(Outcome::label)
                    .unwrap_or_default(),
            ),
            pair(
                "Belopp",
                b.get("belopp")
                    .and_then(Value::as_i64)
                    .map(kronor)
                    .unwrap_or_default(),
            ),
            pair("Motivering", text(b.get("motivering"))),
            pair(
                "Lagrum",
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
            pair("Beslutat av", text(b.get("fattatAv"))),
        ],
        None => Vec::new(),
    };
    let form = detail
        .decision_task
        .as_ref()
        .map(|_| decision_form(&detail, posted.decision.as_ref(), &posted.errors));
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
                "citizen" => format!("{} (sökande)", c.applicant_name),
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
        .map(|d| {
            pair(
                d.id,
                format!("{} ({})", d.title, timefmt::display(d.created_at)),
            )
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
            body: match r.what.as_str() {
                "dokument" => "Öppnade ett dokument".to_owned(),
                "bilaga" => "Öppnade en bilaga".to_owned(),
                _ => "Läste ärendet".to_owned(),
            },
            at: timefmt::display(r.read_at),
        })
        .collect();
    let status = if posted.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &CasePage {
            note_error: error_for(&posted.errors, "anteckning"),
            message_error: error_for(&posted.errors, "meddelande"),
            layout: Layout::new(format!("Ärende {}", c.case_number), Section::Cases)
                .notice(notice)
                .errors(posted.errors),
            id: id.to_owned(),
            ssbtek_fetched: vars.contains_key("ssbtek"),
            case,
            application,
            ssbtek,
            incomes,
            calculation,
            totals,
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
                errors: field_errors(problems, crate::i18n::Tr::default()),
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
                errors: field_errors(problems, crate::i18n::Tr::default()),
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
                errors: field_errors(problems, crate::i18n::Tr::default()),
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
