//! The bench's citizens. The test identity provider of `flode serve` offers seven people,
//! and a person can submit one application per month (a unique index), so fifty concurrent
//! submissions need fifty people: the bench signs in its own through the same code path
//! the test identity provider uses (`flode_security::CitizenAuth::sign_in_test`, which
//! stores a session row with `idp = 'test'` and returns the cookie's session id), with
//! synthetic samordningsnummer (born 1965–1994, day + 60, valid Luhn, serial 900–999,
//! none of them on the simulator's whitelist). These numbers exist only in the scratch
//! database and the bench's SSBTEK stand-in, which answers for each with one of the
//! simulator's test identities.
//!
//! After signing in, every step is plain HTTP against `flode serve`, as a browser without
//! JavaScript does it: start a draft, post the nine question pages, submit.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, anyhow, bail, ensure};
use flode_integrations::Personidentitet;
use flode_integrations::fixtures::Fixtures;
use flode_security::{CitizenAuth, TestPerson};
use flode_store::{Store, StoreOptions};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use super::http;
use super::ssbtek::StandIn;

/// Signs citizens in and reads the database (read-only SELECTs) for the bench.
pub(crate) struct Citizens<'a> {
    store: Store,
    auth: CitizenAuth,
    /// Polling and lookups only.
    pub(crate) db: AnyPool,
    base: String,
    ssbtek: &'a StandIn,
    fixtures: Fixtures,
    next: usize,
}

/// One signed-in bench citizen with a keep-alive connection of its own.
pub(crate) struct Citizen {
    pub(crate) number: String,
    pub(crate) session: String,
    pub(crate) client: reqwest::Client,
    base: String,
}

impl<'a> Citizens<'a> {
    /// Connects to the scratch database `flode serve` has migrated.
    pub(crate) async fn connect(
        database: &str,
        base: &str,
        ssbtek: &'a StandIn,
    ) -> anyhow::Result<Self> {
        let mut options = StoreOptions::new(database);
        options.max_connections = 2;
        let store = Store::connect(&options).await?;
        let db = AnyPoolOptions::new()
            .max_connections(2)
            .connect(database)
            .await
            .with_context(|| format!("connecting to {}", flode_store::redact(database)))?;
        Ok(Self {
            auth: CitizenAuth::new(store.clone()),
            store,
            db,
            base: base.to_owned(),
            ssbtek,
            fixtures: Fixtures::shipped()?,
            next: 0,
        })
    }

    /// Signs in `n` new citizens.
    pub(crate) async fn sign_in(&mut self, n: usize) -> anyhow::Result<Vec<Citizen>> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let i = self.next;
            self.next += 1;
            let number = synthetic_number(i);
            ensure!(
                Personidentitet::parse(&number).is_ok() && !self.fixtures.allowed(&number),
                "bench number {number} is invalid or on the simulator's whitelist"
            );
            let person = TestPerson {
                personnummer: number.clone(),
                name: format!("Bänkperson {}", i + 1),
                description: "Syntetisk person för flode-bench.".into(),
            };
            let session = self.auth.sign_in_test(&person, now_ms()).await?;
            self.ssbtek.alias(&number, i);
            out.push(Citizen {
                number,
                session: session.expose().to_owned(),
                client: http::client()?,
                base: self.base.clone(),
            });
        }
        Ok(out)
    }

    /// `http://127.0.0.1:PORT` of `flode serve`.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    pub(crate) async fn close(self) {
        self.db.close().await;
        self.store.close().await;
    }
}

impl Citizen {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// "Ansök": the citizen's draft; returns its id.
    pub(crate) async fn begin(&self) -> anyhow::Result<String> {
        let location = http::post_form(
            &self.client,
            &self.url("/mina-sidor/ansokan"),
            &self.session,
            &[],
        )
        .await?;
        location
            .strip_prefix("/mina-sidor/ansokan/")
            .and_then(|rest| rest.strip_suffix("/manad"))
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("a new draft should start at its month page: {location}"))
    }

    /// The month to apply for: the month page's first choice (the current month; next
    /// month may have no riksnorm yet).
    pub(crate) async fn first_month(&self, draft: &str) -> anyhow::Result<String> {
        let page = http::get_page(
            &self.client,
            &self.url(&format!("/mina-sidor/ansokan/{draft}/manad")),
            &self.session,
        )
        .await?;
        let at = page
            .find("name=\"manad\" value=\"")
            .ok_or_else(|| anyhow!("no month choice on the month page"))?
            + "name=\"manad\" value=\"".len();
        let month = page
            .get(at..at + 7)
            .filter(|m| m.as_bytes()[4] == b'-')
            .ok_or_else(|| anyhow!("unexpected month value on the month page"))?;
        Ok(month.to_owned())
    }

    /// Posts one question page; checks that it was saved and the next page follows.
    pub(crate) async fn answer(
        &self,
        draft: &str,
        slug: &str,
        next: &str,
        pairs: &[(&str, &str)],
    ) -> anyhow::Result<()> {
        let location = http::post_form(
            &self.client,
            &self.url(&format!("/mina-sidor/ansokan/{draft}/{slug}")),
            &self.session,
            pairs,
        )
        .await?;
        let expected = format!("/mina-sidor/ansokan/{draft}/{next}");
        if location != expected {
            bail!("page {slug} was not saved: redirected to {location}, expected {expected}");
        }
        Ok(())
    }

    /// The nine pages: one adult without partner or children, rent 6 850 kr, no incomes
    /// stated (SSBTEK's data for the person still counts), no assets, no needs beyond the
    /// norm, no changes, consent.
    pub(crate) async fn fill(&self, draft: &str, month: &str) -> anyhow::Result<()> {
        let pages: [Page<'_>; 9] = [
            ("manad", "hushall", &[("manad", month)]),
            ("hushall", "barn", &[("sambo", "nej")]),
            ("barn", "kostnader", &[("atgard", "fortsatt")]),
            ("kostnader", "inkomster", &[("kostnad-housing", "6850")]),
            ("inkomster", "tillgangar", &[]),
            ("tillgangar", "ovriga-behov", &[("tillgangar", "nej")]),
            ("ovriga-behov", "forandringar", &[("ovriga-behov", "nej")]),
            ("forandringar", "samtycke", &[("forandringar", "nej")]),
            ("samtycke", "kontrollera", &[("samtycke", "ja")]),
        ];
        for (slug, next, pairs) in pages {
            self.answer(draft, slug, next, pairs).await?;
        }
        Ok(())
    }

    /// The submit POST of check your answers; returns the case id from the receipt's URL.
    pub(crate) async fn submit(&self, draft: &str) -> anyhow::Result<String> {
        let location = http::post_form(
            &self.client,
            &self.url(&format!("/mina-sidor/ansokan/{draft}/kontrollera")),
            &self.session,
            &[],
        )
        .await?;
        location
            .strip_prefix("/mina-sidor/arenden/")
            .and_then(|rest| rest.strip_suffix("?kvitto=1"))
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("a submission should land on its receipt: {location}"))
    }
}

/// A question page's slug, the page that follows it, and the form to post.
type Page<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Unix milliseconds, the engine's clock (`SystemClock`) on the same machine.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// The `i`th synthetic samordningsnummer: born 1965–1994 (adults below pension age), the
/// day plus 60, serial 900–999 (the simulator's own synthetic people have serials
/// 101–707), a Luhn check digit.
pub(crate) fn synthetic_number(i: usize) -> String {
    let year = 1965 + i % 30;
    let month = 1 + (i / 30) % 12;
    let day = 61 + (i / 360) % 28;
    let serial = 900 + (i / 10_080) % 100;
    let nine = format!("{:02}{month:02}{day:02}{serial:03}", year % 100);
    format!("{year}{month:02}{day:02}{serial:03}{}", luhn(&nine))
}

/// The Luhn check digit of nine digits (weights 2, 1, 2, …).
fn luhn(nine: &str) -> u32 {
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(k, b)| {
            let d = u32::from(b - b'0') * if k % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(number: &str) -> bool {
        Personidentitet::parse(number)
            .is_ok_and(|p| p.kind() == flode_integrations::personnummer::Kind::Samordningsnummer)
    }

    #[test]
    fn synthetic_numbers_are_valid_samordningsnummer_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        let fixtures = Fixtures::shipped().expect("fixtures");
        for i in 0..20_000 {
            let n = synthetic_number(i);
            assert!(parses(&n), "{n}");
            assert!(!fixtures.allowed(&n), "{n} is whitelisted");
            assert!(seen.insert(n));
        }
        // A whitelisted synthetic number passes the same check digit.
        assert_eq!(luhn("850361101"), 7);
    }
}
