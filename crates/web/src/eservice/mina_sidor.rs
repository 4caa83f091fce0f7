//! Mina sidor: the citizen's applications and cases with their status, each case's
//! decision, letters and secure messages with the social services.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use flode_casework::{AUTOMATED_DECIDER, CaseStatus, Citizen, Error, Outcome};
use flode_letters::kronor;
use serde::Deserialize;
use serde_json::Value;

use super::{CitizenLayout, SignedIn, field_errors, month_label, render};
use crate::i18n::{Language, Tr};
use crate::pages::error::PageError;
use crate::pages::form::{FieldError, PageForm, PageQuery, error_for};
use crate::state::AppState;
use crate::timefmt;

/// A case's status word.
fn status_label(tr: Tr, status: CaseStatus) -> String {
    tr.t(match status {
        CaseStatus::Received => "case-status-received",
        CaseStatus::WithCaseWorker => "case-status-with-case-worker",
        CaseStatus::Decided => "case-status-decided",
        CaseStatus::Closed => "case-status-closed",
        CaseStatus::Cancelled => "case-status-cancelled",
    })
}

/// What a case's status means, for the citizen.
fn status_explanation(tr: Tr, status: CaseStatus) -> String {
    tr.t(match status {
        CaseStatus::Received => "case-explanation-received",
        CaseStatus::WithCaseWorker => "case-explanation-with-case-worker",
        CaseStatus::Decided => "case-explanation-decided",
        CaseStatus::Closed => "case-explanation-closed",
        CaseStatus::Cancelled => "case-explanation-cancelled",
    })
}

fn outcome_label(tr: Tr, outcome: Outcome) -> String {
    tr.t(match outcome {
        Outcome::Bifall => "case-outcome-granted",
        Outcome::DelvisBifall => "case-outcome-partly-granted",
        Outcome::Avslag => "case-outcome-refused",
    })
}

struct CaseRow {
    id: String,
    case_number: String,
    month: String,
    status: String,
    received: String,
}

#[derive(Template)]
#[template(path = "eservice/overview.html")]
struct OverviewPage {
    layout: CitizenLayout,
    cases: Vec<CaseRow>,
    draft: bool,
}

/// `GET /mina-sidor`.
pub(crate) async fn overview(
    State(state): State<AppState>,
    language: Language,
    SignedIn(citizen): SignedIn,
    PageQuery(q): PageQuery<crate::pages::form::NoticeQuery>,
) -> Result<Response, PageError> {
    let cases = state
        .casework
        .cases_of(&citizen)
        .await?
        .into_iter()
        .map(|s| CaseRow {
            id: s.case.id,
            case_number: s.case.case_number,
            month: month_label(language.tr, &s.case.month),
            status: status_label(language.tr, s.status),
            received: timefmt::date(s.case.received_at),
        })
        .collect();
    let draft = state.casework.open_draft(&citizen).await?.is_some();
    render(
        StatusCode::OK,
        &OverviewPage {
            layout: CitizenLayout::in_language(
                &state,
                &language,
                language.tr.t("mina-sidor-title"),
                Some(&citizen),
            )
            .notice(q.meddelande.as_deref()),
            cases,
            draft,
        },
    )
}

struct DecisionView {
    outcome: String,
    amount: Option<String>,
    motivering: String,
    decided_by: String,
}

struct DocumentRow {
    id: String,
    title: String,
    created: String,
}

struct MessageRow {
    from: String,
    body: String,
    sent: String,
}

#[derive(Template)]
#[template(path = "eservice/case.html")]
struct CasePage {
    layout: CitizenLayout,
    receipt: bool,
    id: String,
    case_number: String,
    month: String,
    status: String,
    explanation: String,
    received: String,
    due: String,
    decision: Option<DecisionView>,
    documents: Vec<DocumentRow>,
    messages: Vec<MessageRow>,
    message: String,
    message_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CaseQuery {
    kvitto: Option<String>,
    meddelande: Option<String>,
}

/// A letter's name in the list: its own title (a Swedish document), or in English what
/// kind of letter it is.
fn document_title(tr: Tr, kind: &str, title: String) -> String {
    match kind {
        "beslutsbrev" => tr.with("case-letter-decision", "title", title),
        _ => title,
    }
}

fn decision_view(tr: Tr, beslut: &Value) -> Option<DecisionView> {
    let outcome = Outcome::from_code(beslut.get("utfall")?.as_str()?)?;
    let amount = beslut
        .get("belopp")
        .and_then(Value::as_i64)
        .filter(|_| outcome != Outcome::Avslag)
        .map(kronor);
    Some(DecisionView {
        outcome: outcome_label(tr, outcome),
        amount,
        motivering: beslut
            .get("motivering")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        decided_by: match beslut.get("fattatAv").and_then(Value::as_str) {
            Some(AUTOMATED_DECIDER) => tr.t("case-decided-by-automated"),
            other => other.unwrap_or_default().to_owned(),
        },
    })
}

async fn case_page(
    state: &AppState,
    language: &Language,
    citizen: &Citizen,
    id: &str,
    query: CaseQuery,
    posted: Option<(String, Vec<FieldError>)>,
) -> Result<Response, PageError> {
    let summary = state.casework.citizen_case(citizen, id).await?;
    let decision = state
        .casework
        .decision_of(&summary.case)
        .await?
        .as_ref()
        .and_then(|beslut| decision_view(language.tr, beslut));
    let documents = state
        .casework
        .citizen_documents(citizen, id)
        .await?
        .into_iter()
        .map(|d| DocumentRow {
            id: d.id,
            title: document_title(language.tr, &d.kind, d.title),
            created: timefmt::date(d.created_at),
        })
        .collect();
    let messages = state
        .casework
        .citizen_messages(citizen, id)
        .await?
        .into_iter()
        .map(|m| MessageRow {
            from: match m.sender.as_str() {
                "citizen" => language.tr.t("case-message-from-you"),
                _ => m.author,
            },
            body: m.body,
            sent: timefmt::display(m.created_at),
        })
        .collect();
    let (message, errors, status) = match posted {
        Some((text, errors)) => (text, errors, StatusCode::UNPROCESSABLE_ENTITY),
        None => (String::new(), Vec::new(), StatusCode::OK),
    };
    let case = summary.case;
    render(
        status,
        &CasePage {
            message_error: error_for(&errors, "meddelande"),
            layout: CitizenLayout::in_language(
                state,
                language,
                language.tr.with("case-title", "number", &case.case_number),
                Some(citizen),
            )
            .notice(query.meddelande.as_deref())
            .errors(errors),
            receipt: query.kvitto.is_some(),
            id: case.id,
            month: month_label(language.tr, &case.month),
            status: status_label(language.tr, summary.status),
            explanation: status_explanation(language.tr, summary.status),
            received: timefmt::display(case.received_at),
            due: timefmt::date(case.due_at),
            case_number: case.case_number,
            decision,
            documents,
            messages,
            message,
        },
    )
}

/// `GET /mina-sidor/arenden/{id}` (`?kvitto=1` right after submitting: the receipt).
pub(crate) async fn case(
    State(state): State<AppState>,
    language: Language,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<CaseQuery>,
) -> Result<Response, PageError> {
    case_page(&state, &language, &citizen, &id, q, None).await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MessageForm {
    #[serde(default)]
    meddelande: String,
}

/// `POST /mina-sidor/arenden/{id}/meddelande`.
pub(crate) async fn send_message(
    State(state): State<AppState>,
    language: Language,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
    PageForm(form): PageForm<MessageForm>,
) -> Result<Response, PageError> {
    match state
        .casework
        .send_citizen_message(&citizen, &id, &form.meddelande)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/mina-sidor/arenden/{id}?meddelande=skickat#meddelanden"
        ))
        .into_response()),
        Err(Error::Invalid(problems)) => {
            case_page(
                &state,
                &language,
                &citizen,
                &id,
                CaseQuery::default(),
                Some((form.meddelande, field_errors(problems, language.tr))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /mina-sidor/dokument/{id}`: a letter of the citizen's own case, as PDF.
pub(crate) async fn document(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (doc, content) = state
        .casework
        .citizen_document_content(&citizen, &id)
        .await?;
    Ok(pdf_response(&doc, content))
}

/// A stored document as a download that no cache keeps.
pub(crate) fn pdf_response(doc: &flode_store::CaseDocumentRecord, content: Vec<u8>) -> Response {
    let filename = format!(
        "{}.pdf",
        doc.title
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            })
            .collect::<String>()
    );
    (
        [
            (header::CONTENT_TYPE, doc.media_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        content,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use flode_casework::month_name;

    /// Swedish pages say exactly what the case service says.
    #[test]
    fn swedish_words_are_the_case_services() {
        let sv = Tr::new(Lang::Sv);
        for status in [
            CaseStatus::Received,
            CaseStatus::WithCaseWorker,
            CaseStatus::Decided,
            CaseStatus::Closed,
            CaseStatus::Cancelled,
        ] {
            assert_eq!(status_label(sv, status), status.label());
            assert_eq!(status_explanation(sv, status), status.explanation());
        }
        for outcome in Outcome::ALL {
            assert_eq!(outcome_label(sv, outcome), outcome.label());
        }
        for m in 1..=12 {
            let month = format!("2026-{m:02}");
            assert_eq!(month_label(sv, &month), month_name(&month));
        }
        assert_eq!(sv.t("case-decided-by-automated"), AUTOMATED_DECIDER);
    }

    #[test]
    fn english_months_and_words() {
        let en = Tr::new(Lang::En);
        assert_eq!(month_label(en, "2026-12"), "December 2026");
        assert_eq!(month_label(en, "2026-13"), "2026-13");
        assert_eq!(status_label(en, CaseStatus::Decided), "Decided");
        assert_eq!(outcome_label(en, Outcome::DelvisBifall), "Partly granted");
        assert_eq!(
            document_title(en, "beslutsbrev", "Beslut 2026-000001".into()),
            "Decision letter"
        );
        assert_eq!(
            document_title(Tr::new(Lang::Sv), "beslutsbrev", "Beslut 1".into()),
            "Beslut 1"
        );
    }
}
