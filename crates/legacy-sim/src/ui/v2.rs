//! v2, "new" (Lifecare-like): REST-looking URLs under `/lifecare`, a one-time code after
//! the password, a "Nyheter i systemet" modal once a day, one page per person with tabs
//! and a household side panel, the aktualisering in a modal, and payments in an iframe
//! with their form in a modal. Every modal is rendered by the server (`?dialog=`), so it
//! works without JavaScript.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::view::{self, CaseDetail, CaseLine, Chrome, PersonView};
use super::{AnySession, AppState, LoggedIn, guarded, page, see_other};
use crate::personnummer;
use crate::session::Stage;
use crate::store::{Refusal, Saved, Scope};
use crate::{Error, format};

pub(super) const VERIFY: &str = "/lifecare/auth/verify";
pub(super) const UNIT: &str = "/lifecare/auth/unit";
const HOME: &str = "/lifecare/home";
/// v2's journal text limit (the rich-text editor allows much more than v1).
const NOTE_MAX: usize = 20_000;
/// Rows a list shows before "Visa fler".
const STEP: usize = view::PAGE_SIZE;
/// The beslutsunderlag checkboxes.
const UNDERLAG: [&str; 4] = ["Ansökan", "Beräkning", "Kontoutdrag", "Svar från SSBTEK"];

pub(super) fn routes() -> Router<AppState> {
    let to_login = || async { see_other(crate::UiVersion::V2.login_path()) };
    Router::new()
        .route("/lifecare", get(to_login))
        .route("/lifecare/", get(to_login))
        .route("/lifecare/auth/login", get(login_page).post(login_submit))
        .route(VERIFY, get(verify_page).post(verify_submit))
        .route(UNIT, get(unit_page).post(unit_submit))
        .route("/lifecare/auth/logout", get(logout).post(logout))
        .route("/lifecare/news/dismiss", post(news_dismiss))
        .route(HOME, get(home))
        .route("/lifecare/search", get(search))
        .route("/lifecare/person/{pnr}", get(person))
        .route("/lifecare/case/{id}", get(case_view))
        .route("/lifecare/case/{id}/intake", post(intake_submit))
        .route(
            "/lifecare/case/{id}/decision",
            get(decision_form).post(decision_submit),
        )
        .route(
            "/lifecare/case/{id}/payments",
            get(payments_panel).post(payment_submit),
        )
        .route(
            "/lifecare/case/{id}/journal/new",
            get(note_new).post(note_create),
        )
        .route(
            "/lifecare/journal/{id}/edit",
            get(note_edit).post(note_update),
        )
}

// ---- login ----

#[derive(Template)]
#[template(path = "v2/login.html")]
struct LoginPage {
    chrome: Chrome,
    username: String,
    reason: Option<String>,
}

#[derive(Deserialize)]
struct LoginQuery {
    orsak: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, Error> {
    page(&LoginPage {
        chrome: state.chrome("Logga in", None),
        username: String::new(),
        reason: super::login_reason(q.orsak.as_deref()),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    axum::Form(f): axum::Form<LoginForm>,
) -> Result<Response, Error> {
    let (stage, next) = if state.config.quirks.second_factor {
        (Stage::NeedCode, VERIFY)
    } else {
        (Stage::NeedUnit, UNIT)
    };
    match super::login(&state, f.username.trim(), &f.password, stage).await? {
        Some(cookie) => Ok(([(header::SET_COOKIE, cookie)], see_other(next)).into_response()),
        None => page(&LoginPage {
            chrome: state.chrome("Logga in", None).errors(vec![
                "Inloggningen misslyckades. Kontrollera användar-ID och lösenord.".into(),
            ]),
            username: f.username,
            reason: None,
        }),
    }
}

async fn logout(State(state): State<AppState>, s: AnySession) -> Response {
    state.sessions.logout(&s.id);
    see_other("/lifecare/auth/login?orsak=utloggad")
}

#[derive(Template)]
#[template(path = "v2/verify.html")]
struct VerifyPage {
    chrome: Chrome,
}

async fn verify_page(State(state): State<AppState>, s: AnySession) -> Result<Response, Error> {
    if s.session.stage != Stage::NeedCode {
        return Ok(see_other(UNIT));
    }
    page(&VerifyPage {
        chrome: state.chrome("Verifiera inloggning", None),
    })
}

#[derive(Deserialize)]
struct VerifyForm {
    #[serde(default)]
    otp: String,
}

async fn verify_submit(
    State(state): State<AppState>,
    s: AnySession,
    axum::Form(f): axum::Form<VerifyForm>,
) -> Result<Response, Error> {
    if s.session.stage != Stage::NeedCode {
        return Ok(see_other(UNIT));
    }
    if f.otp.trim() == state.config.credentials.second_factor_code {
        state.sessions.update(&s.id, |s| s.stage = Stage::NeedUnit);
        return Ok(see_other(UNIT));
    }
    page(&VerifyPage {
        chrome: state
            .chrome("Verifiera inloggning", None)
            .errors(vec!["Felaktig engångskod. Försök igen.".into()]),
    })
}

#[derive(Template)]
#[template(path = "v2/unit.html")]
struct UnitPage {
    chrome: Chrome,
    units: Vec<(i64, String)>,
}

async fn unit_page(State(state): State<AppState>, s: AnySession) -> Result<Response, Error> {
    if s.session.stage == Stage::NeedCode {
        return Ok(see_other(VERIFY));
    }
    page(&UnitPage {
        chrome: state.chrome("Välj arbetsenhet", None),
        units: state.store.units().await?,
    })
}

#[derive(Deserialize)]
struct UnitForm {
    #[serde(rename = "unitId", default)]
    unit_id: String,
}

async fn unit_submit(
    State(state): State<AppState>,
    s: AnySession,
    axum::Form(f): axum::Form<UnitForm>,
) -> Result<Response, Error> {
    if s.session.stage == Stage::NeedCode {
        return Ok(see_other(VERIFY));
    }
    let id = f.unit_id.parse().unwrap_or(-1);
    if super::choose_unit(&state, &s.id, &s.session.username, id).await? {
        return Ok(see_other(HOME));
    }
    page(&UnitPage {
        chrome: state
            .chrome("Välj arbetsenhet", None)
            .errors(vec!["Välj en arbetsenhet.".into()]),
        units: state.store.units().await?,
    })
}

#[derive(Deserialize)]
struct DismissForm {
    #[serde(rename = "return", default)]
    back: String,
}

async fn news_dismiss(
    State(state): State<AppState>,
    s: LoggedIn,
    axum::Form(f): axum::Form<DismissForm>,
) -> Response {
    state.sessions.update(&s.id, |s| s.news_pending = false);
    // Only back into the app (no open redirect).
    if f.back.starts_with("/lifecare/") && !f.back.starts_with("//") {
        see_other(&f.back)
    } else {
        see_other(HOME)
    }
}

// ---- home, search, person ----

#[derive(Deserialize)]
struct ShowQuery {
    show: Option<usize>,
    tab: Option<String>,
}

#[derive(Template)]
#[template(path = "v2/home.html")]
struct HomePage {
    chrome: Chrome,
    here: String,
    cards: Vec<CaseLine>,
    more: Option<usize>,
}

/// Cuts a list to the first `show` rows; the next "Visa fler" count if more remain.
fn show_some<T>(mut rows: Vec<T>, show: Option<usize>) -> (Vec<T>, Option<usize>) {
    let show = show.unwrap_or(STEP).max(STEP);
    let more = (rows.len() > show).then_some(show + STEP);
    rows.truncate(show);
    (rows, more)
}

async fn home(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Error> {
    let unit = s.session.unit.clone().unwrap_or_default();
    let mut cards = Vec::new();
    for row in state.store.open_cases_in(&unit).await? {
        let mut line = CaseLine::from(&row);
        if let Some(p) = state.store.person(row.person_id).await? {
            line.person_name = format!("{} {}", p.person.fornamn, p.person.efternamn);
            line.pnr = personnummer::twelve_with_hyphen(&p.person.personnummer);
        }
        cards.push(line);
    }
    let (cards, more) = show_some(cards, q.show);
    page(&HomePage {
        chrome: state.chrome("Mitt arbete", Some(&s.session)),
        here: HOME.into(),
        cards,
        more,
    })
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "v2/search.html")]
struct SearchPage {
    chrome: Chrome,
    here: String,
    query: String,
    searched: bool,
    hits: Vec<PersonView>,
}

async fn search(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<SearchQuery>,
) -> Result<Response, Error> {
    let query = q.q.unwrap_or_default();
    let mut chrome = state.chrome("Sök person", Some(&s.session));
    let searched = !query.trim().is_empty();
    let mut hits = Vec::new();
    if searched {
        match personnummer::parse_v2(&query) {
            Some(parsed) => {
                hits = state
                    .store
                    .persons()
                    .await?
                    .iter()
                    .filter(|p| parsed.matches(&p.person.personnummer))
                    .map(PersonView::from)
                    .collect();
            }
            None => {
                chrome =
                    chrome
                        .errors(vec![
                    "Ange personnummer med 10 eller 12 siffror, med eller utan bindestreck.".into(),
                ]);
            }
        }
    }
    page(&SearchPage {
        chrome,
        here: "/lifecare/search".into(),
        query,
        searched,
        hits,
    })
}

/// Tabs: (tab value, label).
const TABS: [(&str, &str); 6] = [
    ("overview", "Översikt"),
    ("cases", "Ärenden"),
    ("journal", "Journal"),
    ("documents", "Dokument"),
    ("decisions", "Beslut"),
    ("payments", "Betalningar"),
];

#[derive(Template)]
#[template(path = "v2/person.html")]
struct PersonPage {
    chrome: Chrome,
    here: String,
    person: PersonView,
    tab: String,
    cases: Vec<CaseLine>,
    total_cases: usize,
    more: Option<usize>,
    decisions: Vec<view::DecisionLine>,
    payments: Vec<view::PaymentLine>,
    notes: Vec<view::NoteLine>,
}

impl PersonPage {
    fn tabs(&self) -> &'static [(&'static str, &'static str)] {
        &TABS
    }
    fn is_tab(&self, key: &str) -> bool {
        self.tab == key
    }
}

async fn person(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(pnr): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Error> {
    let row = state
        .store
        .person_by_pnr(&pnr)
        .await?
        .ok_or_else(|| Error::NotFound(format!("person {pnr}")))?;
    let tab = q
        .tab
        .filter(|t| TABS.iter().any(|(k, _)| k == t))
        .unwrap_or_else(|| "overview".into());
    // v2 lists newest first (v1: oldest first).
    let mut cases: Vec<CaseLine> = state
        .store
        .cases_of(row.id)
        .await?
        .iter()
        .map(CaseLine::from)
        .collect();
    cases.sort_by(|a, b| b.inkom.cmp(&a.inkom));
    let total_cases = cases.len();
    let (cases, more) = show_some(cases, q.show);
    let scope = Scope::Person(row.id);
    let person = PersonView::from(&row);
    page(&PersonPage {
        chrome: state.chrome(
            &format!("{} {} – {}", person.fornamn, person.efternamn, person.pnr12),
            Some(&s.session),
        ),
        here: format!("/lifecare/person/{}?tab={tab}", person.pnr),
        person,
        tab,
        cases,
        total_cases,
        more,
        decisions: state
            .store
            .decisions(scope)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
        payments: state
            .store
            .payments(scope)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
        notes: state
            .store
            .notes(scope)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    })
}

// ---- case and aktualisering (modal) ----

#[derive(Deserialize)]
struct CaseQuery {
    dialog: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
struct IntakeForm {
    #[serde(rename = "intakeType", default)]
    intake_type: String,
    #[serde(rename = "receivedDate", default)]
    received_date: String,
    #[serde(rename = "receivedTime", default)]
    received_time: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    description: String,
    /// The duplicate question's answer: `yes` or `no`.
    confirm: Option<String>,
}

#[derive(Template)]
#[template(path = "v2/case.html")]
struct CasePage {
    chrome: Chrome,
    here: String,
    d: CaseDetail,
    /// Show the aktualisering modal.
    intake: bool,
    f: IntakeForm,
    duplicate: bool,
}

impl CasePage {
    fn typer(&self) -> &'static [&'static str] {
        &super::AKT_TYPER
    }
    fn fran(&self) -> &'static [&'static str] {
        &super::AKT_FRAN
    }
    fn duplicate_text(&self) -> &'static str {
        super::DUPLICATE_AKT
    }
    fn slug(&self, label: &str) -> String {
        slug(label)
    }
}

/// An id for an option label: `Delvis bifall` → `delvis-bifall`, `Övrigt` → `ovrigt`.
fn slug(label: &str) -> String {
    label
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect()
}

async fn case_view(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, Error> {
    let d = view::case_detail(&state.store, id).await?;
    page(&CasePage {
        chrome: state
            .chrome(&format!("Ärende {}", d.case.diarienummer), Some(&s.session))
            .notice(q.notice.as_deref()),
        here: format!("/lifecare/case/{id}"),
        d,
        intake: q.dialog.as_deref() == Some("intake"),
        f: IntakeForm::default(),
        duplicate: false,
    })
}

async fn intake_submit(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<IntakeForm>,
) -> Result<Response, Error> {
    let back = |notice: &str| see_other(&format!("/lifecare/case/{id}?notice={notice}"));
    if f.confirm.as_deref() == Some("no") {
        return Ok(back("aktualisering-avbruten"));
    }
    let confirmed = f.confirm.as_deref() == Some("yes");
    let checked = super::check_akt(
        &f.intake_type,
        &f.received_date,
        &f.received_time,
        &f.source,
        &f.description,
    );
    let result = match checked {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || {
                state.store.save_aktualisering(id, &input, user, confirmed)
            })
            .await?
        }
    };
    let (errors, duplicate) = match result {
        Ok(Saved::Yes) => return Ok(back("aktualisering-sparad")),
        Ok(Saved::DuplicateWarning) => (Vec::new(), true),
        Err(errors) => (errors, false),
    };
    let d = view::case_detail(&state.store, id).await?;
    page(&CasePage {
        chrome: state
            .chrome(&format!("Ärende {}", d.case.diarienummer), Some(&s.session))
            .errors(errors),
        here: format!("/lifecare/case/{id}"),
        d,
        intake: true,
        f,
        duplicate,
    })
}

// ---- payments (iframe + modal) ----

#[derive(Deserialize, Default)]
struct PaymentForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    method: String,
    #[serde(rename = "paymentDate", default)]
    payment_date: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
    /// The duplicate question's answer: `yes` or `no`.
    confirm: Option<String>,
}

#[derive(Template)]
#[template(path = "v2/payments.html")]
struct PaymentsPanel {
    chrome: Chrome,
    d: CaseDetail,
    /// Show the payment modal.
    dialog: bool,
    f: PaymentForm,
    duplicate: bool,
}

impl PaymentsPanel {
    fn duplicate_text(&self) -> &'static str {
        super::DUPLICATE_PAYMENT
    }
}

async fn payments_panel(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, Error> {
    let d = view::case_detail(&state.store, id).await?;
    let f = PaymentForm {
        recipient: format!("{} {}", d.person.fornamn, d.person.efternamn),
        method: "account".into(),
        ..PaymentForm::default()
    };
    let mut chrome = state
        .chrome("Betalningar", Some(&s.session))
        .notice(q.notice.as_deref());
    // The iframe is not the page: the news modal belongs to the outer page.
    chrome.news = false;
    page(&PaymentsPanel {
        chrome,
        d,
        dialog: q.dialog.as_deref() == Some("new"),
        f,
        duplicate: false,
    })
}

async fn payment_submit(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<PaymentForm>,
) -> Result<Response, Error> {
    let back = |notice: &str| see_other(&format!("/lifecare/case/{id}/payments?notice={notice}"));
    if f.confirm.as_deref() == Some("no") {
        return Ok(back("utbetalning-avbruten"));
    }
    let confirmed = f.confirm.as_deref() == Some("yes");
    // v2's date picker takes only ÅÅÅÅ-MM-DD.
    let datum = format::parse_iso_date(&f.payment_date).map(format::iso_date);
    let checked = super::check_payment(
        &f.recipient,
        &f.method,
        datum,
        &f.period,
        &f.amount,
        &f.reference,
    );
    let result = match checked {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || {
                state.store.save_payment(id, &input, user, confirmed)
            })
            .await?
        }
    };
    let (errors, duplicate) = match result {
        Ok(Saved::Yes) => return Ok(back("utbetalning-sparad")),
        Ok(Saved::DuplicateWarning) => (Vec::new(), true),
        Err(errors) => (errors, false),
    };
    let mut chrome = state.chrome("Betalningar", Some(&s.session)).errors(errors);
    chrome.news = false;
    page(&PaymentsPanel {
        chrome,
        d: view::case_detail(&state.store, id).await?,
        dialog: true,
        f,
        duplicate,
    })
}

// ---- decision ----

#[derive(Default)]
struct DecisionForm {
    decision_type: String,
    legal_basis: String,
    period_start: String,
    period_end: String,
    amount: String,
    justification: String,
    decision_maker: String,
    basis: Vec<String>,
}

impl DecisionForm {
    /// From the posted pairs (the checkboxes repeat `basis`, which a struct cannot take).
    fn from_pairs(pairs: Vec<(String, String)>) -> DecisionForm {
        let mut f = DecisionForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "decisionType" => f.decision_type = v,
                "legalBasis" => f.legal_basis = v,
                "periodStart" => f.period_start = v,
                "periodEnd" => f.period_end = v,
                "amount" => f.amount = v,
                "justification" => f.justification = v,
                "decisionMaker" => f.decision_maker = v,
                "basis" => f.basis.push(v),
                _ => {}
            }
        }
        f
    }
}

#[derive(Template)]
#[template(path = "v2/decision.html")]
struct DecisionPage {
    chrome: Chrome,
    here: String,
    d: CaseDetail,
    f: DecisionForm,
}

impl DecisionPage {
    fn beslutstyper(&self) -> &'static [&'static str] {
        &super::BESLUTSTYP
    }
    fn lagrum(&self) -> &'static [&'static str] {
        &super::LAGRUM
    }
    fn underlag(&self) -> &'static [&'static str] {
        &UNDERLAG
    }
    fn slug(&self, label: &str) -> String {
        slug(label)
    }
    fn checked(&self, label: &str) -> bool {
        self.f.basis.iter().any(|b| b == label)
    }
    fn is_type(&self, label: &str) -> bool {
        self.f.decision_type == label
    }
    fn is_basis(&self, label: &str) -> bool {
        self.f.legal_basis == label
    }
}

async fn decision_form(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
) -> Result<Response, Error> {
    page(&DecisionPage {
        chrome: state.chrome("Fatta beslut", Some(&s.session)),
        here: format!("/lifecare/case/{id}/decision"),
        d: view::case_detail(&state.store, id).await?,
        f: DecisionForm {
            decision_maker: s.session.display_name.clone(),
            ..DecisionForm::default()
        },
    })
}

async fn decision_submit(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let f = DecisionForm::from_pairs(pairs);
    let from = format::parse_iso_date(&f.period_start).map(format::iso_date);
    let tom = format::parse_iso_date(&f.period_end).map(format::iso_date);
    let basis: Vec<String> = f
        .basis
        .iter()
        .filter(|b| UNDERLAG.contains(&b.as_str()))
        .cloned()
        .collect();
    let checked = super::check_decision(
        &f.decision_type,
        &f.legal_basis,
        from,
        tom,
        &f.amount,
        &f.justification,
        &f.decision_maker,
        basis.clone(),
    );
    // v2 requires the beslutsunderlag list.
    let checked = match (checked, basis.is_empty()) {
        (Ok(_), true) => Err(vec!["Välj minst ett beslutsunderlag.".to_owned()]),
        (Err(mut errors), true) => {
            errors.push("Välj minst ett beslutsunderlag.".to_owned());
            Err(errors)
        }
        (checked, false) => checked,
    };
    let result = match checked {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || state.store.save_decision(id, &input, user)).await?
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/lifecare/case/{id}?notice=beslut-verkstallt"
        ))),
        Err(errors) => page(&DecisionPage {
            chrome: state
                .chrome("Fatta beslut", Some(&s.session))
                .errors(errors),
            here: format!("/lifecare/case/{id}/decision"),
            d: view::case_detail(&state.store, id).await?,
            f,
        }),
    }
}

// ---- journal ----

#[derive(Deserialize, Default)]
struct NoteForm {
    #[serde(rename = "noteDate", default)]
    note_date: String,
    #[serde(default)]
    heading: String,
    #[serde(default)]
    body: String,
    /// `draft` or `sign`.
    #[serde(default)]
    action: String,
}

#[derive(Template)]
#[template(path = "v2/note.html")]
struct NotePage {
    chrome: Chrome,
    here: String,
    d: CaseDetail,
    f: NoteForm,
    /// Where the form posts.
    action: String,
    signed: bool,
}

impl NotePage {
    fn rubriker(&self) -> &'static [&'static str] {
        &super::RUBRIKER
    }
    fn is_heading(&self, label: &str) -> bool {
        self.f.heading == label
    }
}

async fn note_new(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
) -> Result<Response, Error> {
    let action = format!("/lifecare/case/{id}/journal/new");
    page(&NotePage {
        chrome: state.chrome("Ny journalanteckning", Some(&s.session)),
        here: action.clone(),
        d: view::case_detail(&state.store, id).await?,
        f: NoteForm {
            note_date: format::today(),
            ..NoteForm::default()
        },
        action,
        signed: false,
    })
}

async fn note_edit(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(note_id): Path<i64>,
) -> Result<Response, Error> {
    let (case_id, row) = state
        .store
        .note(note_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("note {note_id}")))?;
    let n = row.note;
    let signed = n.signed_at.is_some();
    let mut chrome = state.chrome("Journalanteckning", Some(&s.session));
    if signed {
        chrome = chrome.errors(vec![Refusal::Signed.message()]);
    }
    let action = format!("/lifecare/journal/{note_id}/edit");
    page(&NotePage {
        chrome,
        here: action.clone(),
        d: view::case_detail(&state.store, case_id).await?,
        f: NoteForm {
            note_date: n.datum,
            heading: n.rubrik,
            body: n.text,
            action: String::new(),
        },
        action,
        signed,
    })
}

async fn note_create(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<NoteForm>,
) -> Result<Response, Error> {
    save_note(state, s, id, None, f).await
}

async fn note_update(
    State(state): State<AppState>,
    s: LoggedIn,
    Path(note_id): Path<i64>,
    axum::Form(f): axum::Form<NoteForm>,
) -> Result<Response, Error> {
    let (case_id, _) = state
        .store
        .note(note_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("note {note_id}")))?;
    save_note(state, s, case_id, Some(note_id), f).await
}

async fn save_note(
    state: AppState,
    s: LoggedIn,
    case_id: i64,
    note_id: Option<i64>,
    f: NoteForm,
) -> Result<Response, Error> {
    let sign = f.action == "sign";
    let result = match super::check_note(&f.note_date, &f.heading, &f.body, sign, NOTE_MAX) {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || {
                state.store.save_note(case_id, note_id, &input, user)
            })
            .await?
        }
    };
    match result {
        Ok(_) => {
            let notice = if sign {
                "anteckning-signerad"
            } else {
                "anteckning-sparad"
            };
            Ok(see_other(&format!(
                "/lifecare/case/{case_id}?notice={notice}"
            )))
        }
        Err(errors) => {
            let signed = errors.contains(&Refusal::Signed.message());
            let action = match note_id {
                Some(n) => format!("/lifecare/journal/{n}/edit"),
                None => format!("/lifecare/case/{case_id}/journal/new"),
            };
            page(&NotePage {
                chrome: state
                    .chrome("Journalanteckning", Some(&s.session))
                    .errors(errors),
                here: action.clone(),
                d: view::case_detail(&state.store, case_id).await?,
                f,
                action,
                signed,
            })
        }
    }
}
