//! The SSBTEK simulator (ssbtek.md §5): SOAP 1.1 on `POST /ssbtek/v10`, a JSON façade on
//! `POST /api/v1/ssbtek`, and the audit of every request on `GET /audit`.
//!
//! Faults are forced by the `x-ssbtek-scenario` header (or [`Simulator::set_scenario`]), a
//! comma-separated list of call faults (`server-fault`, `http-503`, `malformed`,
//! `wrong-korrelationsid`) and source faults `SOURCE:FAULT` with FAULT one of
//! `unavailable`, `platform`, `timeout`, `duplicate` (SO only). They can also be drawn at
//! random ([`RandomFaults`]), reproducibly from the seed and the request count.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::fixtures::{Fixtures, mix, unit};
use crate::model::*;
use crate::personnummer::Personidentitet;
use crate::soap::{self, FaultCode, RawFraga, Request};

/// The header that forces faults.
pub const SCENARIO_HEADER: &str = "x-ssbtek-scenario";

/// How long sources take to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyProfile {
    /// Answer at once (tests).
    None,
    /// The spec's ranges per source plus ~100 ms platform overhead [E, not measured].
    Realistic,
}

/// Faults drawn at random, per request.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RandomFaults {
    /// Chance that a whole call fails (SOAP Server fault, HTTP 503 or malformed XML).
    pub per_call: f64,
    /// Chance that one source answers with an error (unavailable or platform error).
    pub per_source: f64,
}

/// Simulator settings.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Per-source latency range (min, max); the draw is fixed by seed, person and period.
    pub latency: HashMap<Source, (Duration, Duration)>,
    /// Added once per call (the platform's own work).
    pub overhead: Duration,
    /// A source slower than this answers `error` with felkod TIMEOUT.
    pub deadline: Duration,
    /// Seeds generated amounts, latencies and random faults.
    pub seed: u64,
    /// Random faults (none by default).
    pub random_faults: RandomFaults,
}

impl SimulatorConfig {
    /// Settings for a latency profile.
    pub fn new(profile: LatencyProfile, seed: u64) -> Self {
        let ms = Duration::from_millis;
        let latency = match profile {
            LatencyProfile::None => HashMap::new(),
            LatencyProfile::Realistic => HashMap::from([
                (Source::Af, (ms(300), ms(1_500))),
                (Source::Csn, (ms(200), ms(1_000))),
                (Source::Fk, (ms(500), ms(3_000))),
                (Source::Skv, (ms(300), ms(2_000))),
                (Source::So, (ms(1_000), ms(5_000))),
                (Source::Tns, (ms(200), ms(800))),
                (Source::Miv, (ms(300), ms(1_500))),
            ]),
        };
        Self {
            latency,
            overhead: if profile == LatencyProfile::None {
                Duration::ZERO
            } else {
                ms(100)
            },
            deadline: Duration::from_secs(10),
            seed,
            random_faults: RandomFaults::default(),
        }
    }
}

/// One request as the simulator saw it, so tests can check what flode sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Unix ms.
    pub at: i64,
    /// `hamtaBastjanstInformation`, `testaBastjanstInformation` or `json`.
    pub operation: String,
    /// As sent; `***` when the number was refused (it may be real).
    pub personidentitet: String,
    /// As sent.
    pub arendeidentitet: String,
    /// As sent.
    pub syfte: String,
    /// As sent.
    pub lagtext: String,
    /// As sent.
    pub handlaggare: String,
    /// As sent.
    pub organisationsnummer: String,
    /// As sent.
    pub korrelationsid: Option<String>,
    /// Sources with `inkludera=true`.
    pub sources: Vec<Source>,
    /// The scenario in force, if any.
    pub scenario: Option<String>,
    /// `ok`, or what was answered instead (`fault:Client:VALIDERING`, `http-503`, …).
    pub outcome: String,
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    /// A shipped fixture file is broken.
    #[error(transparent)]
    Fixtures(#[from] crate::fixtures::FixtureError),
    /// The address could not be bound or served.
    #[error("SSBTEK simulator on {addr}: {source}")]
    Io {
        /// Where.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The simulator; cheap to clone.
#[derive(Clone, Debug)]
pub struct Simulator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: SimulatorConfig,
    fixtures: Fixtures,
    scenario: Mutex<Option<String>>,
    audit: Mutex<Vec<AuditRecord>>,
    requests: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallFault {
    ServerFault,
    Http503,
    Malformed,
    WrongKorrelationsid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceFault {
    Unavailable,
    Platform,
    Timeout,
    Duplicate,
}

#[derive(Debug, Default, Clone)]
struct Scenario {
    call: Option<CallFault>,
    sources: HashMap<Source, SourceFault>,
}

fn parse_scenario(s: &str) -> Result<Scenario, String> {
    let mut out = Scenario::default();
    for token in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match token.split_once(':') {
            None => {
                out.call = Some(match token {
                    "server-fault" => CallFault::ServerFault,
                    "http-503" => CallFault::Http503,
                    "malformed" => CallFault::Malformed,
                    "wrong-korrelationsid" => CallFault::WrongKorrelationsid,
                    other => return Err(format!("okänt scenario {other:?}")),
                })
            }
            Some((source, fault)) => {
                let source =
                    Source::parse(source).ok_or_else(|| format!("okänd källa {source:?}"))?;
                let fault = match fault {
                    "unavailable" => SourceFault::Unavailable,
                    "platform" => SourceFault::Platform,
                    "timeout" => SourceFault::Timeout,
                    "duplicate" => SourceFault::Duplicate,
                    other => return Err(format!("okänt källfel {other:?}")),
                };
                out.sources.insert(source, fault);
            }
        }
    }
    Ok(out)
}

/// A question refused before any source is asked: a SOAP `Client` fault.
struct Refusal {
    felkod: &'static str,
    message: String,
}

fn refuse(felkod: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        felkod,
        message: message.into(),
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn date(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// The result of the core of one call.
enum Answered {
    Svar(Box<Svar>, Ingivare, String, String),
    Refused(Refusal),
    Call(CallFault),
}

impl Simulator {
    /// A simulator over the shipped fixtures.
    pub fn new(config: SimulatorConfig) -> Result<Self, SimulatorError> {
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                fixtures: Fixtures::shipped()?,
                scenario: Mutex::new(None),
                audit: Mutex::new(Vec::new()),
                requests: AtomicU64::new(0),
            }),
        })
    }

    /// Forces a scenario for requests without the header (`None` clears it).
    pub fn set_scenario(&self, scenario: Option<&str>) {
        *self
            .inner
            .scenario
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = scenario.map(str::to_owned);
    }

    /// Every request so far, oldest first.
    pub fn audit(&self) -> Vec<AuditRecord> {
        self.inner
            .audit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The whitelist and fixture data in use.
    pub fn fixtures(&self) -> &Fixtures {
        &self.inner.fixtures
    }

    /// The HTTP routes.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/ssbtek/v10", post(soap_endpoint))
            .route("/api/v1/ssbtek", post(json_endpoint))
            .route("/audit", get(audit_endpoint))
            .route("/health", get(|| async { "ok" }))
            .with_state(self.clone())
    }

    /// Serves on `listener` until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), SimulatorError> {
        let addr = listener
            .local_addr()
            .map_or_else(|_| "?".to_owned(), |a| a.to_string());
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|source| SimulatorError::Io { addr, source })
    }

    /// Binds `addr` (port 0 for any) and serves in the background; returns the address.
    pub async fn spawn(&self, addr: &str) -> Result<SocketAddr, SimulatorError> {
        let io = |source| SimulatorError::Io {
            addr: addr.to_owned(),
            source,
        };
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(io)?;
        let local = listener.local_addr().map_err(io)?;
        let sim = self.clone();
        tokio::spawn(async move {
            if let Err(e) = sim.serve(listener, std::future::pending()).await {
                tracing::error!(error = %e, "SSBTEK simulator stopped");
            }
        });
        Ok(local)
    }

    fn record(&self, r: AuditRecord) {
        self.inner
            .audit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(r);
    }

    fn scenario(&self, headers: &HeaderMap) -> Result<(Option<String>, Scenario), String> {
        let text = match headers.get(SCENARIO_HEADER) {
            Some(v) => Some(
                v.to_str()
                    .map_err(|_| "scenariot är inte ASCII".to_owned())?
                    .to_owned(),
            ),
            None => self
                .inner
                .scenario
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        };
        let parsed = text.as_deref().map(parse_scenario).transpose()?;
        Ok((text, parsed.unwrap_or_default()))
    }

    /// Validates, applies the scenario and random faults, waits the sources' latency and
    /// builds the answer. Records the request in the audit.
    async fn answer(
        &self,
        operation: &str,
        raw: RawFraga,
        scenario_text: Option<String>,
        mut scenario: Scenario,
    ) -> Answered {
        let n = self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let mut audit = AuditRecord {
            at: now_ms(),
            operation: operation.to_owned(),
            personidentitet: "***".into(),
            arendeidentitet: raw.arendeidentitet.clone(),
            syfte: raw.syfte.clone(),
            lagtext: raw.lagtext.clone(),
            handlaggare: raw.handlaggare.clone(),
            organisationsnummer: raw.organisationsnummer.clone(),
            korrelationsid: raw.korrelationsid.clone(),
            sources: raw.sources.clone(),
            scenario: scenario_text,
            outcome: String::new(),
        };
        let result = self.answer_inner(&raw, &mut scenario, n, &mut audit).await;
        audit.outcome = match &result {
            Answered::Svar(..) => "ok".into(),
            Answered::Refused(r) => format!("fault:Client:{}", r.felkod),
            Answered::Call(c) => format!("{c:?}"),
        };
        self.record(audit);
        result
    }

    async fn answer_inner(
        &self,
        raw: &RawFraga,
        scenario: &mut Scenario,
        n: u64,
        audit: &mut AuditRecord,
    ) -> Answered {
        let cfg = &self.inner.config;
        if scenario.call == Some(CallFault::Http503) {
            return Answered::Call(CallFault::Http503);
        }
        let person = match validate(raw) {
            Ok(p) => p,
            Err(r) => return Answered::Refused(r),
        };
        if !self.inner.fixtures.allowed(person.as_str()) {
            return Answered::Refused(refuse(
                "EJ_TESTPERSON",
                "Personidentiteten finns inte bland simulatorns testpersoner",
            ));
        }
        audit.personidentitet = person.as_str().to_owned();
        let (Some(from), Some(tom)) = (date(&raw.from), date(&raw.tom)) else {
            return Answered::Refused(refuse("VALIDERING", "Ogiltigt datum i tidsperioden"));
        };
        let id = person.as_str();
        let count = n.to_string();
        // Random faults: reproducible from seed and request number.
        let rf = cfg.random_faults;
        if scenario.call.is_none() && rf.per_call > 0.0 {
            let r = unit(cfg.seed, &["call", &count]);
            if r < rf.per_call {
                scenario.call = Some(match mix(cfg.seed, &["call-kind", &count]) % 3 {
                    0 => CallFault::ServerFault,
                    1 => CallFault::Http503,
                    _ => CallFault::Malformed,
                });
            }
        }
        if rf.per_source > 0.0 {
            for s in &raw.sources {
                if !scenario.sources.contains_key(s)
                    && unit(cfg.seed, &["source", s.key(), &count]) < rf.per_source
                {
                    let kind = if mix(cfg.seed, &["source-kind", s.key(), &count]).is_multiple_of(2)
                    {
                        SourceFault::Unavailable
                    } else {
                        SourceFault::Platform
                    };
                    scenario.sources.insert(*s, kind);
                }
            }
        }
        match scenario.call {
            Some(CallFault::ServerFault) => return Answered::Call(CallFault::ServerFault),
            Some(CallFault::Http503) => return Answered::Call(CallFault::Http503),
            _ => {}
        }
        // Sources run in parallel: the call takes the slowest one (capped by the
        // deadline) plus the platform's overhead.
        let period = format!("{}..{}", raw.from, raw.tom);
        let mut slowest = Duration::ZERO;
        let mut timed_out = Vec::new();
        for s in &raw.sources {
            let delay = if scenario.sources.get(s) == Some(&SourceFault::Timeout) {
                cfg.deadline + Duration::from_millis(1)
            } else {
                cfg.latency.get(s).map_or(Duration::ZERO, |(lo, hi)| {
                    let span = hi.saturating_sub(*lo).as_millis() as f64;
                    *lo + Duration::from_millis(
                        (span * unit(cfg.seed, &["latency", s.key(), id, &period])) as u64,
                    )
                })
            };
            if delay > cfg.deadline {
                timed_out.push(*s);
            }
            slowest = slowest.max(delay.min(cfg.deadline));
        }
        tokio::time::sleep(slowest + cfg.overhead).await;

        let a = self.inner.fixtures.answer(id, from, tom, cfg.seed);
        let korrelationsid = raw.korrelationsid.clone().map(|k| {
            if scenario.call == Some(CallFault::WrongKorrelationsid) {
                format!("annan-{k}")
            } else {
                k
            }
        });
        let mut svar = Svar::empty(korrelationsid);
        let fk_too_long = raw
            .fk_period
            .as_ref()
            .and_then(|p| Some((date(&p.fran)?, date(&p.till)?)))
            .or(Some((from, tom)))
            .is_some_and(|(f, t)| longer_than_two_years(f, t));
        let mut so = a.so;
        if scenario.sources.get(&Source::So) == Some(&SourceFault::Duplicate)
            && let Some(first) = so.utbetalningar.first().cloned()
        {
            so.utbetalningar.insert(1, first);
        }
        for s in &raw.sources {
            let fault = if timed_out.contains(s) {
                Some(source_error(
                    "SSBT",
                    "TIMEOUT",
                    "Bastjänsten svarade inte inom tidsgränsen",
                ))
            } else {
                match scenario.sources.get(s) {
                    Some(SourceFault::Unavailable) if *s != Source::Fk => Some(source_error(
                        "BT",
                        "EJ_TILLGANGLIG",
                        "Bastjänsten är inte tillgänglig",
                    )),
                    Some(SourceFault::Platform) => Some(source_error(
                        "SSBT",
                        "TEKNISKT_FEL",
                        "Tekniskt fel i Sammansatt bastjänst",
                    )),
                    _ if *s == Source::Fk && fk_too_long => Some(source_error(
                        "BT",
                        "400",
                        "Perioden för Försäkringskassan får vara högst två år",
                    )),
                    _ => None,
                }
            };
            macro_rules! set {
                ($field:ident, $value:expr) => {
                    svar.$field = match fault {
                        Some(e) => Outcome::Error(e),
                        None => Outcome::Data($value),
                    }
                };
            }
            match s {
                Source::Af => set!(af, a.af.clone()),
                Source::Csn => set!(csn, a.csn.clone()),
                Source::Fk => {
                    let mut fk = a.fk.clone();
                    if scenario.sources.get(s) == Some(&SourceFault::Unavailable) {
                        // LEFI reports an unavailable utlämnare through `tillstand`.
                        fk.tillstand_ok = false;
                        fk.utbetalningar.clear();
                    }
                    set!(fk, fk)
                }
                Source::Skv => set!(skv, a.skv.clone()),
                Source::So => set!(so, so.clone()),
                Source::Tns => set!(tns, a.tns.clone()),
                Source::Miv => set!(miv, a.miv.clone()),
            }
        }
        let ingivare = Ingivare {
            organisationsnummer: raw.organisationsnummer.clone(),
            namn: raw.namn.clone(),
            handlaggare: raw.handlaggare.clone(),
        };
        if scenario.call == Some(CallFault::Malformed) {
            return Answered::Call(CallFault::Malformed);
        }
        Answered::Svar(Box::new(svar), ingivare, raw.from.clone(), raw.tom.clone())
    }
}

fn source_error(kalla: &str, felkod: &str, msg: &str) -> SourceError {
    SourceError {
        kalla: kalla.into(),
        felkod: felkod.into(),
        felmeddelande: msg.into(),
    }
}

fn longer_than_two_years(from: Date, tom: Date) -> bool {
    from.replace_year(from.year() + 2)
        .or_else(|_| (from + time::Duration::days(1)).replace_year(from.year() + 2))
        .is_ok_and(|limit| tom >= limit)
}

/// The checks of ssbtek.md §5, in Swedish.
fn validate(raw: &RawFraga) -> Result<Personidentitet, Refusal> {
    let org = &raw.organisationsnummer;
    if org.len() != 12 || !org.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse(
            "VALIDERING",
            "Ingivarens organisationsnummer ska vara 12 siffror",
        ));
    }
    let person = Personidentitet::parse(&raw.personidentitet)
        .map_err(|e| refuse("VALIDERING", e.to_string()))?;
    if raw.syfte.trim().is_empty() {
        return Err(refuse("VALIDERING", "Syfte saknas"));
    }
    if raw.lagtext.trim().is_empty() {
        return Err(refuse("VALIDERING", "Lagtext saknas"));
    }
    if raw.arendeidentitet.trim().is_empty() {
        return Err(refuse("VALIDERING", "Ärendeidentitet saknas"));
    }
    match (date(&raw.from), date(&raw.tom)) {
        (Some(f), Some(t)) if f <= t => Ok(person),
        (Some(_), Some(_)) => Err(refuse(
            "VALIDERING",
            "Tidsperiodens från-datum är efter dess till-datum",
        )),
        _ => Err(refuse("VALIDERING", "Ogiltigt datum i tidsperioden")),
    }
}

fn xml(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn truncated(s: &str) -> String {
    let mut cut = s.len() / 2;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s[..cut].to_owned()
}

async fn soap_endpoint(State(sim): State<Simulator>, headers: HeaderMap, body: String) -> Response {
    const OP: &str = "hamtaBastjanstInformation";
    let (text, scenario) = match sim.scenario(&headers) {
        Ok(s) => s,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let raw = match soap::decode_request(&body) {
        Ok(Request::Testa) => {
            sim.record(AuditRecord {
                at: now_ms(),
                operation: "testaBastjanstInformation".into(),
                personidentitet: String::new(),
                arendeidentitet: String::new(),
                syfte: String::new(),
                lagtext: String::new(),
                handlaggare: String::new(),
                organisationsnummer: String::new(),
                korrelationsid: None,
                sources: Source::ALL.to_vec(),
                scenario: text,
                outcome: "ok".into(),
            });
            return xml(StatusCode::OK, soap::encode_test_response());
        }
        Ok(Request::Hamta(raw)) => *raw,
        Err(e) => {
            return xml(
                StatusCode::INTERNAL_SERVER_ERROR,
                soap::encode_fault(FaultCode::Client, OP, "OGILTIG_FRAGA", &e.0),
            );
        }
    };
    match sim.answer(OP, raw, text, scenario).await {
        Answered::Svar(svar, ingivare, from, tom) => xml(
            StatusCode::OK,
            soap::encode_svar(&svar, &ingivare, &from, &tom),
        ),
        Answered::Refused(r) => xml(
            StatusCode::INTERNAL_SERVER_ERROR,
            soap::encode_fault(FaultCode::Client, OP, r.felkod, &r.message),
        ),
        Answered::Call(CallFault::Http503) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Tjänsten är inte tillgänglig",
        )
            .into_response(),
        Answered::Call(CallFault::ServerFault) => xml(
            StatusCode::INTERNAL_SERVER_ERROR,
            soap::encode_fault(
                FaultCode::Server,
                OP,
                "TEKNISKT_FEL",
                "Tekniskt fel i Sammansatt bastjänst",
            ),
        ),
        // Malformed is decided after the answer exists: send half of it.
        Answered::Call(_) => xml(
            StatusCode::OK,
            truncated(&soap::encode_svar(
                &Svar::empty(None),
                &Ingivare {
                    organisationsnummer: String::new(),
                    namn: String::new(),
                    handlaggare: String::new(),
                },
                "",
                "",
            )),
        ),
    }
}

/// The JSON façade's question: the same fields as the SOAP one.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct JsonFraga {
    /// Who asks.
    pub ingivare: Ingivare,
    /// 12 digits.
    pub personidentitet: String,
    /// The case.
    pub arendeidentitet: String,
    /// `YYYY-MM-DD`.
    pub from: String,
    /// `YYYY-MM-DD`.
    pub tom: String,
    /// Purpose.
    pub syfte: String,
    /// Provision.
    pub lagtext: String,
    /// Echoed.
    #[serde(default)]
    pub korrelationsid: Option<String>,
    /// Sources to ask (default all).
    #[serde(default)]
    pub sources: Option<Vec<Source>>,
}

async fn json_endpoint(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    axum::Json(q): axum::Json<JsonFraga>,
) -> Response {
    let (text, scenario) = match sim.scenario(&headers) {
        Ok(s) => s,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let raw = RawFraga {
        korrelationsid: q.korrelationsid,
        organisationsnummer: q.ingivare.organisationsnummer,
        namn: q.ingivare.namn,
        handlaggare: q.ingivare.handlaggare,
        personidentitet: q.personidentitet,
        arendeidentitet: q.arendeidentitet,
        fk_period: None,
        from: q.from,
        tom: q.tom,
        syfte: q.syfte,
        lagtext: q.lagtext,
        sources: q.sources.unwrap_or_else(|| Source::ALL.to_vec()),
    };
    let error = |status: StatusCode, felkod: &str, msg: &str| {
        (
            status,
            axum::Json(serde_json::json!({ "felkod": felkod, "felmeddelande": msg })),
        )
            .into_response()
    };
    match sim.answer("json", raw, text, scenario).await {
        Answered::Svar(svar, ..) => axum::Json(*svar).into_response(),
        Answered::Refused(r) => error(StatusCode::BAD_REQUEST, r.felkod, &r.message),
        Answered::Call(CallFault::Http503) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "EJ_TILLGANGLIG",
            "Tjänsten är inte tillgänglig",
        ),
        Answered::Call(CallFault::Malformed) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"af\": {\"data\": ",
        )
            .into_response(),
        Answered::Call(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "TEKNISKT_FEL",
            "Tekniskt fel i Sammansatt bastjänst",
        ),
    }
}

async fn audit_endpoint(State(sim): State<Simulator>) -> Response {
    axum::Json(sim.audit()).into_response()
}

/// `flode ssbtek-sim`: serves on `bind` until Ctrl-C.
pub async fn run(bind: &str, profile: LatencyProfile, seed: u64) -> Result<(), SimulatorError> {
    let sim = Simulator::new(SimulatorConfig::new(profile, seed))?;
    let io = |source| SimulatorError::Io {
        addr: bind.to_owned(),
        source,
    };
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(io)?;
    let addr = listener.local_addr().map_err(io)?;
    println!("SSBTEK-simulatorn lyssnar på http://{addr}");
    println!("  SOAP 1.1:   POST http://{addr}/ssbtek/v10");
    println!("  JSON:       POST http://{addr}/api/v1/ssbtek");
    println!("  Granskning: GET  http://{addr}/audit");
    println!(
        "Testidentiteter: {}",
        sim.fixtures().identities().join(", ")
    );
    sim.serve(listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_parse() {
        let s = parse_scenario("fk:unavailable, so:duplicate,http-503").expect("parses");
        assert_eq!(s.call, Some(CallFault::Http503));
        assert_eq!(s.sources.get(&Source::Fk), Some(&SourceFault::Unavailable));
        assert!(parse_scenario("xx").is_err());
        assert!(parse_scenario("zz:timeout").is_err());
    }

    #[test]
    fn two_years() {
        let d = |s| date(s).expect("date");
        assert!(!longer_than_two_years(d("2024-01-01"), d("2025-12-31")));
        assert!(longer_than_two_years(d("2024-01-01"), d("2026-01-01")));
        assert!(longer_than_two_years(d("2024-02-29"), d("2026-03-01")));
    }
}
