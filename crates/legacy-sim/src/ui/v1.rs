//! v1, "classic" (Procapita-like): `*.do` URLs under `/procapita`, a frameset with a menu
//! frame (`meny`) and a content frame (`innehall`), one page per form, tables without row
//! ids, dates as `ÅÅMMDD` on the payment form.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::view::{self, CaseDetail, CaseLine, Chrome, Pager, PersonView};
use super::{AnySession, AppState, LoggedIn, guarded, page, see_other};
use crate::personnummer;
use crate::session::Stage;
use crate::store::{Refusal, Saved, Scope};
use crate::{Error, format};

pub(super) const UNIT: &str = "/procapita/valjEnhet.do";
const MAIN: &str = "/procapita/main.do";
/// v1's journal text limit.
const NOTE_MAX: usize = 4000;

pub(super) fn routes() -> Router<AppState> {
    let to_login = || async { see_other(crate::UiVersion::V1.login_path()) };
    Router::new()
        .route("/procapita", get(to_login))
        .route("/procapita/", get(to_login))
        .route("/procapita/login.do", get(login_page).post(login_submit))
        .route(UNIT, get(unit_page).post(unit_submit))
        .route(MAIN, get(frameset))
        .route("/procapita/meny.do", get(menu))
        .route("/procapita/start.do", get(start))
        .route("/procapita/personsok.do", get(search))
        .route("/procapita/personakt.do", get(person))
        .route("/procapita/arende.do", get(case_view))
        .route(
            "/procapita/aktualisering.do",
            get(akt_form).post(akt_submit),
        )
        .route(
            "/procapita/beslut.do",
            get(decision_form).post(decision_submit),
        )
        .route(
            "/procapita/utbetalning.do",
            get(payment_form).post(payment_submit),
        )
        .route("/procapita/journal.do", get(note_form).post(note_submit))
        .route("/procapita/logout.do", get(logout))
}

// ---- login ----

#[derive(Template)]
#[template(path = "v1/login.html")]
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
        chrome: state.chrome("Procapita IFO – Inloggning", None),
        username: String::new(),
        reason: super::login_reason(q.orsak.as_deref()),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    j_username: String,
    #[serde(default)]
    j_password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    axum::Form(f): axum::Form<LoginForm>,
) -> Result<Response, Error> {
    match super::login(&state, f.j_username.trim(), &f.j_password, Stage::NeedUnit).await? {
        Some(cookie) => Ok(([(header::SET_COOKIE, cookie)], see_other(UNIT)).into_response()),
        None => page(&LoginPage {
            chrome: state
                .chrome("Procapita IFO – Inloggning", None)
                .errors(vec!["Felaktigt användarnamn eller lösenord.".into()]),
            username: f.j_username,
            reason: None,
        }),
    }
}

async fn logout(State(state): State<AppState>, s: AnySession) -> Response {
    state.sessions.logout(&s.id);
    see_other("/procapita/login.do?orsak=utloggad")
}

#[derive(Template)]
#[template(path = "v1/unit.html")]
struct UnitPage {
    chrome: Chrome,
    units: Vec<(i64, String)>,
}

async fn unit_page(State(state): State<AppState>, s: AnySession) -> Result<Response, Error> {
    page(&UnitPage {
        chrome: state.chrome("Välj enhet", Some(&s.session)),
        units: state.store.units().await?,
    })
}

#[derive(Deserialize)]
struct UnitForm {
    #[serde(rename = "enhetId", default)]
    enhet_id: String,
}

async fn unit_submit(
    State(state): State<AppState>,
    s: AnySession,
    axum::Form(f): axum::Form<UnitForm>,
) -> Result<Response, Error> {
    let id = f.enhet_id.parse().unwrap_or(-1);
    if super::choose_unit(&state, &s.id, &s.session.username, id).await? {
        Ok(see_other(MAIN))
    } else {
        page(&UnitPage {
            chrome: state
                .chrome("Välj enhet", Some(&s.session))
                .errors(vec!["Välj en enhet.".into()]),
            units: state.store.units().await?,
        })
    }
}

// ---- frames ----

#[derive(Template)]
#[template(path = "v1/frameset.html")]
struct Frameset;

async fn frameset(_: LoggedIn) -> Result<Response, Error> {
    page(&Frameset)
}

#[derive(Template)]
#[template(path = "v1/menu.html")]
struct Menu {
    chrome: Chrome,
}

async fn menu(State(state): State<AppState>, s: LoggedIn) -> Result<Response, Error> {
    page(&Menu {
        chrome: state.chrome("Meny", Some(&s.session)),
    })
}

#[derive(Deserialize)]
struct PageQuery {
    sida: Option<usize>,
}

#[derive(Template)]
#[template(path = "v1/start.html")]
struct Start {
    chrome: Chrome,
    rows: Vec<CaseLine>,
    pager: Pager,
}

async fn start(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<PageQuery>,
) -> Result<Response, Error> {
    let unit = s.session.unit.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for row in state.store.open_cases_in(&unit).await? {
        let mut line = CaseLine::from(&row);
        if let Some(p) = state.store.person(row.person_id).await? {
            line.person_name = format!("{}, {}", p.person.efternamn, p.person.fornamn);
            line.pnr = personnummer::ten_with_hyphen(&p.person.personnummer);
        }
        rows.push(line);
    }
    let (rows, pager) = Pager::cut(rows, q.sida.unwrap_or(1));
    page(&Start {
        chrome: state.chrome("Arbetslista – Inkomna", Some(&s.session)),
        rows,
        pager,
    })
}

// ---- person search and personakt ----

#[derive(Deserialize)]
struct SearchQuery {
    personnummer: Option<String>,
}

#[derive(Template)]
#[template(path = "v1/search.html")]
struct Search {
    chrome: Chrome,
    query: String,
    searched: bool,
    hits: Vec<PersonView>,
}

async fn search(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<SearchQuery>,
) -> Result<Response, Error> {
    let mut chrome = state.chrome("Personsök", Some(&s.session));
    let query = q.personnummer.unwrap_or_default();
    let mut hits = Vec::new();
    let searched = !query.trim().is_empty();
    if searched {
        match personnummer::parse_v1(&query) {
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
                chrome = chrome.errors(vec![
                    "Felaktigt format på personnummer. Ange ÅÅMMDD-NNNN.".into(),
                ]);
            }
        }
    }
    page(&Search {
        chrome,
        query,
        searched,
        hits,
    })
}

#[derive(Deserialize)]
struct PersonQuery {
    pid: i64,
    flik: Option<String>,
    sida: Option<usize>,
    sort: Option<String>,
}

#[derive(Template)]
#[template(path = "v1/person.html")]
struct PersonPage {
    chrome: Chrome,
    person: PersonView,
    tab: String,
    sort: String,
    cases: Vec<CaseLine>,
    pager: Pager,
    decisions: Vec<view::DecisionLine>,
    payments: Vec<view::PaymentLine>,
    notes: Vec<view::NoteLine>,
}

/// The tabs, in order: (flik value, label).
const TABS: [(&str, &str); 7] = [
    ("personuppgifter", "Personuppgifter"),
    ("hushall", "Hushåll"),
    ("arenden", "Ärenden"),
    ("journal", "Journal"),
    ("dokument", "Dokument"),
    ("beslut", "Beslut"),
    ("utbetalningar", "Utbetalningar"),
];

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
    Query(q): Query<PersonQuery>,
) -> Result<Response, Error> {
    let row = state
        .store
        .person(q.pid)
        .await?
        .ok_or_else(|| Error::NotFound(format!("person {}", q.pid)))?;
    let tab = q
        .flik
        .filter(|f| TABS.iter().any(|(k, _)| k == f))
        .unwrap_or_else(|| "personuppgifter".into());
    // v1 sorts by Inkom, oldest first, unless told otherwise (v2 shows newest first).
    let sort = match q.sort.as_deref() {
        Some("status") => "status",
        _ => "inkom",
    };
    let mut cases: Vec<CaseLine> = state
        .store
        .cases_of(row.id)
        .await?
        .iter()
        .map(CaseLine::from)
        .collect();
    match sort {
        "status" => cases.sort_by(|a, b| a.status.cmp(&b.status).then(a.inkom.cmp(&b.inkom))),
        _ => cases.sort_by(|a, b| a.inkom.cmp(&b.inkom)),
    }
    let (cases, pager) = Pager::cut(cases, q.sida.unwrap_or(1));
    let scope = Scope::Person(row.id);
    let person = PersonView::from(&row);
    page(&PersonPage {
        chrome: state.chrome(
            &format!(
                "Personakt {} {} {}",
                person.pnr10, person.fornamn, person.efternamn
            ),
            Some(&s.session),
        ),
        person,
        tab,
        sort: sort.to_owned(),
        cases,
        pager,
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

// ---- case ----

#[derive(Deserialize)]
struct CaseQuery {
    #[serde(rename = "arendeId")]
    arende_id: i64,
    meddelande: Option<String>,
    #[serde(rename = "anteckningId")]
    anteckning_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "v1/case.html")]
struct CasePage {
    chrome: Chrome,
    d: CaseDetail,
}

async fn case_view(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
) -> Result<Response, Error> {
    let d = view::case_detail(&state.store, q.arende_id).await?;
    page(&CasePage {
        chrome: state
            .chrome(&format!("Ärende {}", d.case.diarienummer), Some(&s.session))
            .notice(q.meddelande.as_deref()),
        d,
    })
}

fn case_url(id: i64, meddelande: &str) -> String {
    format!("/procapita/arende.do?arendeId={id}&meddelande={meddelande}")
}

// ---- payment ----

#[derive(Deserialize, Default)]
struct PaymentForm {
    #[serde(default)]
    mottagare: String,
    #[serde(default)]
    utbetalningssatt: String,
    #[serde(rename = "utbDatum", default)]
    utb_datum: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    belopp: String,
    #[serde(default)]
    referens: String,
    /// The duplicate question's answer: `fortsatt` or `avbryt`.
    dubblett: Option<String>,
}

#[derive(Template)]
#[template(path = "v1/payment.html")]
struct PaymentPage {
    chrome: Chrome,
    d: CaseDetail,
    f: PaymentForm,
    duplicate: bool,
}

impl PaymentPage {
    fn duplicate_text(&self) -> &'static str {
        super::DUPLICATE_PAYMENT
    }
}

async fn payment_form(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
) -> Result<Response, Error> {
    let d = view::case_detail(&state.store, q.arende_id).await?;
    let f = PaymentForm {
        mottagare: format!("{} {}", d.person.fornamn, d.person.efternamn),
        utbetalningssatt: "Konto".into(),
        ..PaymentForm::default()
    };
    page(&PaymentPage {
        chrome: state.chrome("Registrera utbetalning", Some(&s.session)),
        d,
        f,
        duplicate: false,
    })
}

async fn payment_submit(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
    axum::Form(f): axum::Form<PaymentForm>,
) -> Result<Response, Error> {
    if f.dubblett.as_deref() == Some("avbryt") {
        return Ok(see_other(&case_url(q.arende_id, "utbetalning-avbruten")));
    }
    let confirmed = f.dubblett.as_deref() == Some("fortsatt");
    let datum = format::parse_short_date(&f.utb_datum).map(format::iso_date);
    let checked = super::check_payment(
        &f.mottagare,
        &f.utbetalningssatt,
        datum,
        &f.period,
        &f.belopp,
        &f.referens,
    );
    let result = match checked {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || {
                state
                    .store
                    .save_payment(q.arende_id, &input, user, confirmed)
            })
            .await?
        }
    };
    let (errors, duplicate) = match result {
        Ok(Saved::Yes) => {
            return Ok(see_other(&case_url(q.arende_id, "utbetalning-sparad")));
        }
        Ok(Saved::DuplicateWarning) => (Vec::new(), true),
        Err(errors) => (errors, false),
    };
    page(&PaymentPage {
        chrome: state
            .chrome("Registrera utbetalning", Some(&s.session))
            .errors(errors),
        d: view::case_detail(&state.store, q.arende_id).await?,
        f,
        duplicate,
    })
}

// ---- decision ----

#[derive(Deserialize, Default)]
struct DecisionForm {
    #[serde(default)]
    beslutstyp: String,
    #[serde(default)]
    lagrum: String,
    #[serde(rename = "periodFrom", default)]
    period_from: String,
    #[serde(rename = "periodTom", default)]
    period_tom: String,
    #[serde(default)]
    belopp: String,
    #[serde(default)]
    motivering: String,
    #[serde(default)]
    beslutsfattare: String,
}

#[derive(Template)]
#[template(path = "v1/decision.html")]
struct DecisionPage {
    chrome: Chrome,
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
}

async fn decision_form(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
) -> Result<Response, Error> {
    let f = DecisionForm {
        beslutsfattare: s.session.display_name.clone(),
        ..DecisionForm::default()
    };
    page(&DecisionPage {
        chrome: state.chrome("Beslut", Some(&s.session)),
        d: view::case_detail(&state.store, q.arende_id).await?,
        f,
    })
}

async fn decision_submit(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
    axum::Form(f): axum::Form<DecisionForm>,
) -> Result<Response, Error> {
    let from = format::parse_iso_date(&f.period_from).map(format::iso_date);
    let tom = format::parse_iso_date(&f.period_tom).map(format::iso_date);
    let checked = super::check_decision(
        &f.beslutstyp,
        &f.lagrum,
        from,
        tom,
        &f.belopp,
        &f.motivering,
        &f.beslutsfattare,
        Vec::new(),
    );
    let result = match checked {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || {
                state.store.save_decision(q.arende_id, &input, user)
            })
            .await?
        }
    };
    match result {
        Ok(_) => Ok(see_other(&case_url(q.arende_id, "beslut-verkstallt"))),
        Err(errors) => page(&DecisionPage {
            chrome: state.chrome("Beslut", Some(&s.session)).errors(errors),
            d: view::case_detail(&state.store, q.arende_id).await?,
            f,
        }),
    }
}

// ---- aktualisering ----

#[derive(Deserialize, Default)]
struct AktForm {
    #[serde(default)]
    typ: String,
    #[serde(rename = "inkomDatum", default)]
    inkom_datum: String,
    #[serde(rename = "inkomTid", default)]
    inkom_tid: String,
    #[serde(default)]
    fran: String,
    #[serde(default)]
    beskrivning: String,
    dubblett: Option<String>,
}

#[derive(Template)]
#[template(path = "v1/akt.html")]
struct AktPage {
    chrome: Chrome,
    d: CaseDetail,
    f: AktForm,
    duplicate: bool,
}

impl AktPage {
    fn typer(&self) -> &'static [&'static str] {
        &super::AKT_TYPER
    }
    fn fran(&self) -> &'static [&'static str] {
        &super::AKT_FRAN
    }
    fn duplicate_text(&self) -> &'static str {
        super::DUPLICATE_AKT
    }
}

async fn akt_form(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
) -> Result<Response, Error> {
    page(&AktPage {
        chrome: state.chrome("Ny aktualisering", Some(&s.session)),
        d: view::case_detail(&state.store, q.arende_id).await?,
        f: AktForm::default(),
        duplicate: false,
    })
}

async fn akt_submit(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
    axum::Form(f): axum::Form<AktForm>,
) -> Result<Response, Error> {
    if f.dubblett.as_deref() == Some("avbryt") {
        return Ok(see_other(&case_url(q.arende_id, "aktualisering-avbruten")));
    }
    let confirmed = f.dubblett.as_deref() == Some("fortsatt");
    let result = match super::check_akt(
        &f.typ,
        &f.inkom_datum,
        &f.inkom_tid,
        &f.fran,
        &f.beskrivning,
    ) {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || {
                state
                    .store
                    .save_aktualisering(q.arende_id, &input, user, confirmed)
            })
            .await?
        }
    };
    let (errors, duplicate) = match result {
        Ok(Saved::Yes) => return Ok(see_other(&case_url(q.arende_id, "aktualisering-sparad"))),
        Ok(Saved::DuplicateWarning) => (Vec::new(), true),
        Err(errors) => (errors, false),
    };
    page(&AktPage {
        chrome: state
            .chrome("Ny aktualisering", Some(&s.session))
            .errors(errors),
        d: view::case_detail(&state.store, q.arende_id).await?,
        f,
        duplicate,
    })
}

// ---- journal ----

#[derive(Deserialize, Default)]
struct NoteForm {
    #[serde(default)]
    datum: String,
    #[serde(default)]
    rubrik: String,
    #[serde(default)]
    text: String,
    /// `spara` (draft) or `signera`.
    #[serde(default)]
    atgard: String,
}

#[derive(Template)]
#[template(path = "v1/note.html")]
struct NotePage {
    chrome: Chrome,
    d: CaseDetail,
    f: NoteForm,
    /// The note being edited, if any.
    note_id: Option<i64>,
    /// The note is signed: shown, not editable.
    signed: bool,
}

impl NotePage {
    fn rubriker(&self) -> &'static [&'static str] {
        &super::RUBRIKER
    }
    fn max(&self) -> usize {
        NOTE_MAX
    }
    fn action(&self) -> String {
        match self.note_id {
            Some(n) => format!("journal.do?arendeId={}&anteckningId={n}", self.d.case.id),
            None => format!("journal.do?arendeId={}", self.d.case.id),
        }
    }
}

async fn note_form(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
) -> Result<Response, Error> {
    let d = view::case_detail(&state.store, q.arende_id).await?;
    let (f, signed) = match q.anteckning_id {
        None => (
            NoteForm {
                datum: format::today(),
                ..NoteForm::default()
            },
            false,
        ),
        Some(id) => {
            let (_, row) = state
                .store
                .note(id)
                .await?
                .filter(|(case_id, _)| *case_id == q.arende_id)
                .ok_or_else(|| Error::NotFound(format!("note {id}")))?;
            let n = row.note;
            let signed = n.signed_at.is_some();
            (
                NoteForm {
                    datum: n.datum,
                    rubrik: n.rubrik,
                    text: n.text,
                    atgard: String::new(),
                },
                signed,
            )
        }
    };
    let mut chrome = state.chrome("Journalanteckning", Some(&s.session));
    if signed {
        chrome = chrome.errors(vec![Refusal::Signed.message()]);
    }
    page(&NotePage {
        chrome,
        d,
        f,
        note_id: q.anteckning_id,
        signed,
    })
}

async fn note_submit(
    State(state): State<AppState>,
    s: LoggedIn,
    Query(q): Query<CaseQuery>,
    axum::Form(f): axum::Form<NoteForm>,
) -> Result<Response, Error> {
    let sign = f.atgard == "signera";
    let result = match super::check_note(&f.datum, &f.rubrik, &f.text, sign, NOTE_MAX) {
        Err(errors) => Err(errors),
        Ok(input) => {
            let user = s.session.username.as_str();
            guarded(&state, || {
                state
                    .store
                    .save_note(q.arende_id, q.anteckning_id, &input, user)
            })
            .await?
        }
    };
    match result {
        Ok(_) => {
            let flag = if sign {
                "anteckning-signerad"
            } else {
                "anteckning-sparad"
            };
            Ok(see_other(&case_url(q.arende_id, flag)))
        }
        Err(errors) => {
            let signed = errors.contains(&Refusal::Signed.message());
            page(&NotePage {
                chrome: state
                    .chrome("Journalanteckning", Some(&s.session))
                    .errors(errors),
                d: view::case_detail(&state.store, q.arende_id).await?,
                f,
                note_id: q.anteckning_id,
                signed,
            })
        }
    }
}
