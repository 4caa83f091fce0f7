//! The web application: shared state, the fault layer, the session extractor, the shared
//! view models, and the two UIs (`v1`, `v2`) that render them differently.

mod v1;
mod v2;
mod view;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::config::{Config, CrashMode, Faults, UiVersion};
use crate::session::{Ended, Session, Sessions, Stage};
use crate::store::{Refusal, Saved, Store};
use crate::{Error, format};

/// What every handler shares. Cloned per request (one `Arc`).
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) store: Store,
    pub(crate) sessions: Sessions,
    runtime: RwLock<Runtime>,
}

/// What tests may change while the sim runs.
#[derive(Debug, Clone, Copy)]
struct Runtime {
    faults: Faults,
    maintenance: bool,
    /// After a crash mid-save the server is down until then: every request is dropped.
    down_until: Option<Instant>,
}

/// How long the server stays down after a crash mid-save (a restart). Browsers resend a
/// request whose kept-alive connection was dropped without an answer (Chromium does, also
/// a POST); while the server restarts the resend is dropped too, so the browser shows that
/// the save got no answer, as with a real crash, instead of quietly saving it again.
const RESTART: Duration = Duration::from_secs(1);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub(crate) fn new(config: Config, store: Store) -> AppState {
        let runtime = Runtime {
            faults: config.faults,
            maintenance: config.quirks.maintenance,
            down_until: None,
        };
        AppState(Arc::new(Shared {
            config,
            store,
            sessions: Sessions::default(),
            runtime: RwLock::new(runtime),
        }))
    }

    fn runtime(&self) -> Runtime {
        // Plain `Copy` data: a poisoned lock still holds a whole value.
        *self.runtime.read().unwrap_or_else(|e| e.into_inner())
    }

    /// New faults; a restart after a crash is over at once (the server is up again).
    pub(crate) fn set_faults(&self, faults: Faults) {
        let mut runtime = self.runtime.write().unwrap_or_else(|e| e.into_inner());
        runtime.faults = faults;
        runtime.down_until = None;
    }

    /// Drops the connection, and every request for [`RESTART`] after it.
    fn crash(&self) -> ! {
        self.runtime
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .down_until = Some(Instant::now() + RESTART);
        crash()
    }

    fn down(&self) -> bool {
        self.runtime()
            .down_until
            .is_some_and(|until| Instant::now() < until)
    }

    pub(crate) fn set_maintenance(&self, on: bool) {
        self.runtime
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .maintenance = on;
    }

    pub(crate) fn maintenance(&self) -> bool {
        self.runtime().maintenance
    }

    fn ui(&self) -> UiVersion {
        self.config.ui
    }

    fn cookie_name(&self) -> &'static str {
        match self.ui() {
            UiVersion::V1 => "JSESSIONID",
            UiVersion::V2 => "LC_SESSION",
        }
    }

    fn cookie_path(&self) -> &'static str {
        match self.ui() {
            UiVersion::V1 => "/procapita",
            UiVersion::V2 => "/lifecare",
        }
    }

    /// `Set-Cookie` for a new session.
    fn session_cookie(&self, id: &str) -> Result<HeaderValue, Error> {
        let value = format!(
            "{}={id}; Path={}; HttpOnly; SameSite=Lax",
            self.cookie_name(),
            self.cookie_path()
        );
        HeaderValue::from_str(&value).map_err(|e| Error::Invalid(e.to_string()))
    }

    /// The redirect to the login page, with why the session ended.
    fn to_login(&self, ended: Ended) -> Response {
        let reason = ended.reason();
        let to = if reason.is_empty() {
            self.ui().login_path().to_owned()
        } else {
            format!("{}?orsak={reason}", self.ui().login_path())
        };
        Redirect::to(&to).into_response()
    }

    fn chrome(&self, title: &str, session: Option<&Session>) -> view::Chrome {
        view::Chrome {
            title: title.to_owned(),
            user: session.map(|s| s.display_name.clone()).unwrap_or_default(),
            unit: session.and_then(|s| s.unit.clone()).unwrap_or_default(),
            maintenance: self.maintenance(),
            spinner_ms: self.runtime().faults.spinner.map(|d| d.as_millis()),
            news: session.is_some_and(|s| s.news_pending),
            notice: None,
            errors: Vec::new(),
        }
    }

    /// Rolls the crash-mid-save dice for one save.
    fn crash_roll(&self) -> Option<CrashMode> {
        let faults = self.runtime().faults;
        (random() < faults.crash_mid_save).then_some(faults.crash_mode)
    }
}

/// The sim's router for its configured UI.
pub(crate) fn router(state: AppState) -> Router {
    let ui = match state.ui() {
        UiVersion::V1 => v1::routes(),
        UiVersion::V2 => v2::routes(),
    };
    let login = state.ui().login_path();
    ui.route("/", get(move || async move { Redirect::to(login) }))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), faults))
        .with_state(state)
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(view::plain_page("Sidan finns inte", "Sidan finns inte.")),
    )
        .into_response()
}

/// A number in [0, 1); 1.0 when the OS has no randomness (so no fault fires).
fn random() -> f64 {
    match getrandom::u64() {
        // The top 53 bits make an evenly spread f64.
        Ok(x) => (x >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 1.0,
    }
}

/// Nothing while restarting after a crash; latency, then maybe a 500 instead of the page.
async fn faults(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.down() {
        tracing::info!("restarting after a simulated crash: dropping the connection");
        std::panic::resume_unwind(Box::new("SimIFO: restarting after a crash"));
    }
    let faults = state.runtime().faults;
    let l = faults.latency;
    let delay = if l.spike_rate > 0.0 && random() < l.spike_rate {
        l.spike
    } else if l.max > l.min {
        l.min + (l.max - l.min).mul_f64(random().min(1.0))
    } else {
        l.min
    };
    if delay > Duration::ZERO {
        tokio::time::sleep(delay).await;
    }
    if faults.error_rate > 0.0 && random() < faults.error_rate {
        return server_error_page(state.ui());
    }
    next.run(request).await
}

/// The "something broke" page each system shows.
fn server_error_page(ui: UiVersion) -> Response {
    let body = match ui {
        UiVersion::V1 => view::plain_page(
            "Fel",
            "<div id=\"systemfel\">Ett oväntat fel har inträffat (PROC-500). \
             Kontakta systemförvaltningen om felet kvarstår.</div>",
        ),
        UiVersion::V2 => view::plain_page(
            "Tekniskt fel",
            "<div id=\"error-page\" role=\"alert\"><h1>Något gick fel</h1>\
             <p>Tekniskt fel (LC-ERR-500). Försök igen senare.</p></div>",
        ),
    };
    (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response()
}

/// Ends the request without an answer: the connection's task unwinds and the connection
/// is dropped, as when the real server dies mid-save. `resume_unwind` skips the panic
/// hook, so nothing is printed.
fn crash() -> ! {
    tracing::info!("simulated crash mid-save: dropping the connection");
    std::panic::resume_unwind(Box::new("SimIFO: simulated crash mid-save"))
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        tracing::error!(error = %self, "SimIFO request failed");
        let status = match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = match status {
            StatusCode::NOT_FOUND => view::plain_page("Hittades inte", "Posten finns inte."),
            _ => view::plain_page("Fel", "Ett tekniskt fel har inträffat."),
        };
        (status, Html(body)).into_response()
    }
}

/// Renders an askama page.
fn page(t: &impl askama::Template) -> Result<Response, Error> {
    Ok(Html(t.render()?).into_response())
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn session_id(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let name = state.cookie_name();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A session at any login stage (the code and unit steps).
pub(crate) struct AnySession {
    pub(crate) id: String,
    pub(crate) session: Session,
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let id = session_id(state, &parts.headers).ok_or_else(|| state.to_login(Ended::Unknown))?;
        let session = state
            .sessions
            .touch(&id, state.config.session_idle)
            .map_err(|e| state.to_login(e))?;
        Ok(AnySession { id, session })
    }
}

/// A fully logged-in session (unit chosen). Earlier stages are sent to their step.
pub(crate) struct LoggedIn {
    pub(crate) id: String,
    pub(crate) session: Session,
}

impl FromRequestParts<AppState> for LoggedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let AnySession { id, session } = AnySession::from_request_parts(parts, state).await?;
        match (session.stage, state.ui()) {
            (Stage::Ready, _) => Ok(LoggedIn { id, session }),
            (Stage::NeedCode, _) => Err(see_other(v2::VERIFY)),
            (Stage::NeedUnit, UiVersion::V1) => Err(see_other(v1::UNIT)),
            (Stage::NeedUnit, UiVersion::V2) => Err(see_other(v2::UNIT)),
        }
    }
}

/// Checks a password and starts a session; `None` when the login is wrong.
async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    first_stage: Stage,
) -> Result<Option<HeaderValue>, Error> {
    let c = &state.config.credentials;
    let expected = match username {
        "robot1" => &c.robot_password,
        "handlaggare1" => &c.human_password,
        _ => return Ok(None),
    };
    if password != expected {
        return Ok(None);
    }
    let Some(user) = state.store.user(username).await? else {
        return Ok(None);
    };
    let id = state
        .sessions
        .start(
            &user.username,
            &user.display_name,
            first_stage,
            state.config.quirks.single_session,
        )
        .map_err(|e| Error::Invalid(format!("no randomness for a session id: {e}")))?;
    state.session_cookie(&id).map(Some)
}

/// The unit step: sets the unit (by id) and the news flag; false for an unknown unit.
async fn choose_unit(
    state: &AppState,
    sid: &str,
    username: &str,
    unit_id: i64,
) -> Result<bool, Error> {
    let units = state.store.units().await?;
    let Some((_, name)) = units.into_iter().find(|(id, _)| *id == unit_id) else {
        return Ok(false);
    };
    let news = state.ui() == UiVersion::V2
        && state.config.quirks.news_modal
        && state.store.first_login_today(username).await?;
    state.sessions.update(sid, |s| {
        s.unit = Some(name);
        s.stage = Stage::Ready;
        s.news_pending = s.news_pending || news;
    });
    Ok(true)
}

/// The message shown on the login page for `?orsak=`.
fn login_reason(orsak: Option<&str>) -> Option<String> {
    match orsak? {
        "timeout" => Some(
            "Din session har avslutats på grund av inaktivitet. Ej sparade uppgifter har gått \
             förlorade. Logga in igen."
                .into(),
        ),
        "annan-inloggning" => Some(
            "Du har loggats ut eftersom samma användare har loggat in på en annan plats.".into(),
        ),
        "utloggad" => Some("Du är utloggad.".into()),
        _ => None,
    }
}

/// The message on a save that maintenance refuses.
const MAINTENANCE_REFUSAL: &str =
    "Systemet är i underhållsläge (22:00–06:00). Inga ändringar kan sparas just nu.";

/// The duplicate-payment question (legacy-system.md §2).
pub(crate) const DUPLICATE_PAYMENT: &str =
    "Det finns redan en utbetalning för perioden. Vill du fortsätta?";
/// The duplicate-aktualisering question.
pub(crate) const DUPLICATE_AKT: &str =
    "Det finns redan en aktualisering av samma typ för månaden. Vill du fortsätta?";

/// A save attempt: checks maintenance, may crash before it, and crashes after it.
pub(crate) async fn guarded<F, Fut>(
    state: &AppState,
    save: F,
) -> Result<Result<Saved, Vec<String>>, Error>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Result<Saved, Refusal>, Error>>,
{
    if state.maintenance() {
        return Ok(Err(vec![MAINTENANCE_REFUSAL.into()]));
    }
    let roll = state.crash_roll();
    if roll == Some(CrashMode::BeforeCommit) {
        state.crash();
    }
    let saved = save().await?;
    if roll == Some(CrashMode::AfterCommit) && saved == Ok(Saved::Yes) {
        state.crash();
    }
    Ok(saved.map_err(|r| vec![r.message()]))
}

/// Typed values of a payment form, or the problems with it.
fn check_payment(
    mottagare: &str,
    satt: &str,
    datum: Option<String>,
    period: &str,
    belopp: &str,
    referens: &str,
) -> Result<crate::store::PaymentInput, Vec<String>> {
    let mut errors = Vec::new();
    if mottagare.trim().is_empty() {
        errors.push("Mottagare måste anges.".to_owned());
    }
    let satt = match satt {
        "Konto" | "konto" | "account" => "Konto",
        "Utbetalningskort" | "utbetalningskort" | "card" => "Utbetalningskort",
        _ => {
            errors.push("Välj utbetalningssätt.".to_owned());
            ""
        }
    };
    if datum.is_none() {
        errors.push("Utbetalningsdatum är ogiltigt.".to_owned());
    }
    let period = format::parse_period(period);
    if period.is_none() {
        errors.push("Period ska anges som ÅÅÅÅ-MM.".to_owned());
    }
    let belopp = format::parse_amount(belopp);
    if belopp.is_none() {
        errors.push("Belopp är ogiltigt.".to_owned());
    }
    if referens.trim().is_empty() {
        errors.push("Referens måste anges.".to_owned());
    }
    match (datum, period, belopp) {
        (Some(datum), Some(period), Some(belopp_ore)) if errors.is_empty() => {
            Ok(crate::store::PaymentInput {
                mottagare: mottagare.trim().to_owned(),
                satt: satt.to_owned(),
                datum,
                period,
                belopp_ore,
                referens: referens.trim().to_owned(),
            })
        }
        _ => Err(errors),
    }
}

/// The lagrum options (versioned; robots pick by exact text).
pub(crate) const LAGRUM: [&str; 4] = [
    "4 kap. 1 § SoL – försörjningsstöd (version 2015-01)",
    "4 kap. 1 § SoL – försörjningsstöd (version 2025-01)",
    "4 kap. 1 § SoL – livsföring i övrigt (version 2025-01)",
    "4 kap. 2 § SoL – bistånd utöver (version 2025-01)",
];

/// Beslutstyp options.
pub(crate) const BESLUTSTYP: [&str; 3] = ["Bifall", "Delvis bifall", "Avslag"];

/// Rubrik options for journal notes.
pub(crate) const RUBRIKER: [&str; 6] = [
    "Ansökan",
    "Beslut",
    "Utbetalning",
    "Kontakt",
    "Automatiserad handläggning",
    "Övrigt",
];

/// Aktualisering types and sources.
pub(crate) const AKT_TYPER: [&str; 3] = ["Ansökan", "Anmälan", "Övrigt"];
pub(crate) const AKT_FRAN: [&str; 4] = ["Den enskilde", "Anhörig", "Annan myndighet", "Annan"];

/// Typed values of a decision form, or the problems with it.
#[allow(clippy::too_many_arguments)] // One argument per form field; the two UIs name them differently.
fn check_decision(
    beslutstyp: &str,
    lagrum: &str,
    from: Option<String>,
    tom: Option<String>,
    belopp: &str,
    motivering: &str,
    beslutsfattare: &str,
    underlag: Vec<String>,
) -> Result<crate::store::DecisionInput, Vec<String>> {
    let mut errors = Vec::new();
    if !BESLUTSTYP.contains(&beslutstyp) {
        errors.push("Välj beslutstyp.".to_owned());
    }
    if !LAGRUM.contains(&lagrum) {
        errors.push("Välj lagrum.".to_owned());
    }
    if from.is_none() || tom.is_none() {
        errors.push("Period från och till ska anges som ÅÅÅÅ-MM-DD.".to_owned());
    }
    if let (Some(f), Some(t)) = (&from, &tom)
        && f > t
    {
        errors.push("Perioden slutar före den börjar.".to_owned());
    }
    // Avslag has no amount; the others need one.
    let belopp_ore = if beslutstyp == "Avslag" && belopp.trim().is_empty() {
        Some(0)
    } else {
        format::parse_amount(belopp)
    };
    if belopp_ore.is_none() {
        errors.push("Belopp är ogiltigt.".to_owned());
    }
    if motivering.trim().is_empty() {
        errors.push("Motivering måste anges.".to_owned());
    }
    if beslutsfattare.trim().is_empty() {
        errors.push("Beslutsfattare måste anges.".to_owned());
    }
    match (from, tom, belopp_ore) {
        (Some(period_from), Some(period_tom), Some(belopp_ore)) if errors.is_empty() => {
            Ok(crate::store::DecisionInput {
                beslutstyp: beslutstyp.to_owned(),
                lagrum: lagrum.to_owned(),
                period_from,
                period_tom,
                belopp_ore,
                motivering: motivering.trim().to_owned(),
                beslutsfattare: beslutsfattare.trim().to_owned(),
                beslutsunderlag: underlag,
            })
        }
        _ => Err(errors),
    }
}

/// Typed values of an aktualisering form, or the problems with it.
fn check_akt(
    typ: &str,
    datum: &str,
    tid: &str,
    fran: &str,
    beskrivning: &str,
) -> Result<crate::store::AktInput, Vec<String>> {
    let mut errors = Vec::new();
    if !AKT_TYPER.contains(&typ) {
        errors.push("Välj typ av aktualisering.".to_owned());
    }
    let datum = format::parse_iso_date(datum).map(format::iso_date);
    if datum.is_none() {
        errors.push("Inkom datum ska anges som ÅÅÅÅ-MM-DD.".to_owned());
    }
    let tid = format::parse_time(tid);
    if tid.is_none() {
        errors.push("Inkom tid ska anges som TT:MM.".to_owned());
    }
    if !AKT_FRAN.contains(&fran) {
        errors.push("Välj varifrån aktualiseringen kom.".to_owned());
    }
    match (datum, tid) {
        (Some(inkom_datum), Some(inkom_tid)) if errors.is_empty() => Ok(crate::store::AktInput {
            typ: typ.to_owned(),
            inkom_datum,
            inkom_tid,
            fran: fran.to_owned(),
            beskrivning: beskrivning.trim().to_owned(),
        }),
        _ => Err(errors),
    }
}

/// Typed values of a journal note, or the problems with it. `max` is the text limit.
fn check_note(
    datum: &str,
    rubrik: &str,
    text: &str,
    sign: bool,
    max: usize,
) -> Result<crate::store::NoteInput, Vec<String>> {
    let mut errors = Vec::new();
    let datum = format::parse_iso_date(datum).map(format::iso_date);
    if datum.is_none() {
        errors.push("Datum ska anges som ÅÅÅÅ-MM-DD.".to_owned());
    }
    if !RUBRIKER.contains(&rubrik) {
        errors.push("Välj rubrik.".to_owned());
    }
    if text.trim().is_empty() {
        errors.push("Text måste anges.".to_owned());
    }
    if text.chars().count() > max {
        errors.push(format!("Texten får innehålla högst {max} tecken."));
    }
    match datum {
        Some(datum) if errors.is_empty() => Ok(crate::store::NoteInput {
            datum,
            rubrik: rubrik.to_owned(),
            text: text.to_owned(),
            sign,
        }),
        _ => Err(errors),
    }
}
