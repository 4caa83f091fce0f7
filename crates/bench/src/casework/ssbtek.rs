//! The SSBTEK stand-in `flode serve` is pointed at (`FLODE_SSBTEK_ENDPOINT`): the simulator
//! `flode serve` embeds in `test` (`flode_integrations::Simulator`, no latency, seed 1, the
//! same settings; `--ssbtek-latency realistic` for its per-source latency), in this
//! process, behind one rewrite. The simulator answers only its
//! whitelisted test identities (seven synthetic people), so for a bench citizen the
//! stand-in puts one of those numbers into the question and the citizen's own number back
//! into the answer (both are twelve digits, so no length changes). Everything else — the
//! SOAP envelope, the fixture data for the period, faults — is the simulator's own.
//!
//! Compared with the embedded simulator this adds the two string replacements, and the
//! simulator runs in the bench's process instead of `flode serve`'s: on one machine that
//! moves its CPU work, it does not remove it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use anyhow::{Context, ensure};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use flode_integrations::{LatencyProfile, Simulator, SimulatorConfig};
use tower::ServiceExt;

/// The simulator's synthetic test identities, the same the test identity provider offers
/// (`crates/flode/src/citizens.rs`). Bench citizen `i` is answered as number `i % 7`.
pub(crate) const IDENTITIES: [&str; 7] = [
    "199204722020",
    "198503611017",
    "199906644043",
    "200107755050",
    "198808866068",
    "197010917073",
    "197805833030",
];

/// SOAP messages are a few kB; anything near this is not SSBTEK.
const MAX_BODY: usize = 4 << 20;

struct Inner {
    simulator: Router,
    /// Bench citizen's number → the test identity asked for instead.
    aliases: RwLock<HashMap<String, String>>,
    calls: AtomicUsize,
}

/// A running stand-in.
pub(crate) struct StandIn {
    addr: SocketAddr,
    inner: Arc<Inner>,
}

impl StandIn {
    /// Binds a free loopback port and serves in the background; `LatencyProfile::None` is
    /// what `flode serve` embeds.
    pub(crate) async fn start(latency: LatencyProfile) -> anyhow::Result<Self> {
        let simulator = Simulator::new(SimulatorConfig::new(latency, 1))
            .context("starting the SSBTEK simulator")?;
        for id in IDENTITIES {
            ensure!(
                simulator.fixtures().allowed(id) && simulator.fixtures().known(id),
                "{id} is no longer one of the simulator's test identities"
            );
        }
        let inner = Arc::new(Inner {
            simulator: simulator.router(),
            aliases: RwLock::new(HashMap::new()),
            calls: AtomicUsize::new(0),
        });
        let app = Router::new().fallback(forward).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("SSBTEK stand-in stopped: {e}");
            }
        });
        Ok(Self { addr, inner })
    }

    /// The SOAP endpoint for `ssbtek_endpoint`.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://{}/ssbtek/v10", self.addr)
    }

    /// Lets bench citizen `number` be answered as test identity `IDENTITIES[i % 7]`.
    pub(crate) fn alias(&self, number: &str, i: usize) {
        self.inner
            .aliases
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                number.to_owned(),
                IDENTITIES[i % IDENTITIES.len()].to_owned(),
            );
    }

    /// Calls answered for a bench citizen so far.
    pub(crate) fn calls(&self) -> usize {
        self.inner.calls.load(Ordering::Relaxed)
    }
}

/// A bench citizen's twelve digits after the first `personidentitet>` of a SOAP question.
fn identity_in(body: &str) -> Option<&str> {
    let at = body.find("personidentitet>")? + "personidentitet>".len();
    let digits = body.get(at..at + 12)?;
    digits.bytes().all(|b| b.is_ascii_digit()).then_some(digits)
}

async fn forward(State(inner): State<Arc<Inner>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (StatusCode::BAD_REQUEST, "unreadable body").into_response();
    };
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    let alias = identity_in(&text).and_then(|number| {
        inner
            .aliases
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(number)
            .map(|test| (number.to_owned(), test.clone()))
    });
    if let Some((number, test)) = &alias {
        text = text.replace(number.as_str(), test);
        inner.calls.fetch_add(1, Ordering::Relaxed);
    }
    let response = match inner
        .simulator
        .clone()
        .oneshot(Request::from_parts(parts, Body::from(text)))
        .await
    {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let Some((number, test)) = alias else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (StatusCode::BAD_GATEWAY, "unreadable simulator answer").into_response();
    };
    let text = String::from_utf8_lossy(&bytes).replace(test.as_str(), &number);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_identity_of_a_question() {
        let q = "<ssbt:fraga><ssbt:personidentitet>196003610903</ssbt:personidentitet>";
        assert_eq!(identity_in(q), Some("196003610903"));
        assert_eq!(identity_in("<personidentitet>19600361</x>"), None);
        assert_eq!(identity_in("no question"), None);
    }
}
