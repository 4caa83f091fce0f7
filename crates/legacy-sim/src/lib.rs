//! SimIFO: a simulated legacy case system for flode's software robots
//! (`/work/shared/domain/legacy-system.md`).
//!
//! It is a server-rendered web application with its own SQLite database and deliberately
//! no API: robots drive it through headless Chromium like the real Procapita IFO
//! ([`UiVersion::V1`]) or Lifecare IFO ([`UiVersion::V2`]). Both UIs serve the same data and
//! rules with different URLs, layouts, labels and element ids. The quirks robots must
//! survive (session timeout, one session per user, slow pages, modals, duplicate warnings,
//! record locks, frames, maintenance mode) and injected faults (latency, 500s, crash
//! mid-save) are switched by [`Config`].
//!
//! Tests start it with [`app`] (or on a socket of their own with [`spawn`]) and inspect what robots registered through [`Sim`] (not
//! HTTP); `flode legacy-sim` uses [`serve`] with [`Args`].
//!
//! Architecture invariant: no JSON or other machine API. Everything a robot learns, it
//! reads from HTML.

mod config;
mod error;
mod format;
mod personnummer;
mod seed;
mod session;
mod store;
mod ui;

use std::time::Duration;

pub use config::{
    Args, Config, CrashMode, Credentials, Database, Faults, Latency, Quirks, UiVersion,
};
pub use error::Error;
pub use store::{Aktualisering, Case, Decision, JournalNote, NewCase, Payment, Person};

use store::Scope;
use ui::AppState;

/// The username of the robot account (its password is [`Credentials::robot_password`]).
pub const ROBOT_USER: &str = "robot1";
/// The username of the human account (its password is [`Credentials::human_password`]).
pub const HUMAN_USER: &str = "handlaggare1";
/// The units offered by "Välj enhet".
pub const UNITS: [&str; 2] = store::UNITS;

/// Builds the sim: opens (and on first use seeds) its database and returns the router and
/// a handle for tests.
pub async fn app(config: Config) -> Result<(axum::Router, Sim), Error> {
    let store = store::Store::open(&config.database).await?;
    for (case, user) in &config.quirks.locked_cases {
        if !store.set_lock(case, Some(user)).await? {
            return Err(Error::NotFound(format!("case {case} to lock")));
        }
    }
    let state = AppState::new(config, store);
    Ok((ui::router(state.clone()), Sim { state }))
}

/// Serves the sim on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> Result<(), Error> {
    let (router, _sim) = app(config).await?;
    axum::serve(listener, router).await?;
    Ok(())
}

/// Serves the sim on `listener` from a background task and returns its handle: for tests
/// that drive it over a real socket (a crash mid-save drops the connection, which only a
/// real one shows) and inspect or steer it meanwhile. It serves until the runtime ends.
pub async fn spawn(listener: tokio::net::TcpListener, config: Config) -> Result<Sim, Error> {
    let (router, sim) = app(config).await?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "SimIFO stopped serving");
        }
    });
    Ok(sim)
}

/// A handle on a running sim for tests: reads what was registered, adds data and flips
/// quirks, without going through the UI. Cheap to clone.
#[derive(Clone)]
pub struct Sim {
    state: AppState,
}

impl Sim {
    /// Which UI this sim serves.
    pub fn ui(&self) -> UiVersion {
        self.state.config.ui
    }

    /// The configuration it was started with (faults and maintenance may have changed
    /// since; see [`Sim::set_faults`] and [`Sim::set_maintenance`]).
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// The person's id in the database, by personnummer in any common form.
    async fn person_id(&self, personnummer: &str) -> Result<i64, Error> {
        self.state
            .store
            .person_by_pnr(personnummer)
            .await?
            .map(|p| p.id)
            .ok_or_else(|| Error::NotFound(format!("person {personnummer}")))
    }

    /// Every person in the register.
    pub async fn persons(&self) -> Result<Vec<Person>, Error> {
        Ok(self
            .state
            .store
            .persons()
            .await?
            .into_iter()
            .map(|p| p.person)
            .collect())
    }

    /// The person's cases, oldest first.
    pub async fn cases_for(&self, personnummer: &str) -> Result<Vec<Case>, Error> {
        let id = self.person_id(personnummer).await?;
        Ok(self
            .state
            .store
            .cases_of(id)
            .await?
            .into_iter()
            .map(|c| c.case)
            .collect())
    }

    /// Payments on all of the person's cases, in registration order.
    pub async fn payments_for(&self, personnummer: &str) -> Result<Vec<Payment>, Error> {
        let id = self.person_id(personnummer).await?;
        self.state.store.payments(Scope::Person(id)).await
    }

    /// Decisions on all of the person's cases, in registration order.
    pub async fn decisions_for(&self, personnummer: &str) -> Result<Vec<Decision>, Error> {
        let id = self.person_id(personnummer).await?;
        self.state.store.decisions(Scope::Person(id)).await
    }

    /// Journal notes on all of the person's cases, in registration order.
    pub async fn journal_notes_for(&self, personnummer: &str) -> Result<Vec<JournalNote>, Error> {
        let id = self.person_id(personnummer).await?;
        let notes = self.state.store.notes(Scope::Person(id)).await?;
        Ok(notes.into_iter().map(|n| n.note).collect())
    }

    /// Aktualiseringar on all of the person's cases, in registration order.
    pub async fn aktualiseringar_for(
        &self,
        personnummer: &str,
    ) -> Result<Vec<Aktualisering>, Error> {
        let id = self.person_id(personnummer).await?;
        self.state.store.aktualiseringar(Scope::Person(id)).await
    }

    /// Adds a person; the personnummer must be on the test whitelist and not yet used.
    pub async fn add_person(&self, person: &Person) -> Result<(), Error> {
        self.state.store.insert_person(person).await
    }

    /// Adds a case for a person and returns it with its new diarienummer.
    pub async fn add_case(&self, personnummer: &str, case: &NewCase) -> Result<Case, Error> {
        self.state.store.insert_case(personnummer, case).await
    }

    /// Locks a case for `user` ("Ärendet är låst av användare X"), or unlocks it with
    /// `None`.
    pub async fn lock_case(&self, diarienummer: &str, user: Option<&str>) -> Result<(), Error> {
        if self.state.store.set_lock(diarienummer, user).await? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("case {diarienummer}")))
        }
    }

    /// Replaces the injected faults from the next request on; a restart after a crash
    /// mid-save (the server drops every request for a second after one) is over at once.
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// Turns read-only maintenance mode on or off.
    pub fn set_maintenance(&self, on: bool) {
        self.state.set_maintenance(on);
    }

    /// The configured idle timeout (for tests that wait it out).
    pub fn session_idle(&self) -> Duration {
        self.state.config.session_idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Signs `robot1` in to v1 and returns the session cookie.
    async fn v1_session(
        client: &reqwest::Client,
        base: &str,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let login = client
            .post(format!("{base}/procapita/login.do"))
            .form(&[("j_username", ROBOT_USER), ("j_password", "robot1-losen")])
            .send()
            .await?;
        let cookie = login
            .headers()
            .get(reqwest::header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .ok_or("no session cookie")?
            .to_owned();
        client
            .post(format!("{base}/procapita/valjEnhet.do"))
            .header(reqwest::header::COOKIE, &cookie)
            .form(&[("enhetId", "1")])
            .send()
            .await?;
        Ok(cookie)
    }

    #[tokio::test]
    async fn after_a_crash_mid_save_the_server_drops_everything_until_it_is_up_again()
    -> Result<(), Box<dyn std::error::Error>> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let sim = spawn(listener, Config::quiet(UiVersion::V1)).await?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let cookie = v1_session(&client, &base).await?;
        sim.set_faults(Faults {
            crash_mid_save: 1.0,
            ..Faults::NONE
        });
        let save = client
            .post(format!("{base}/procapita/utbetalning.do?arendeId=1"))
            .header(reqwest::header::COOKIE, &cookie)
            .form(&[
                ("mottagare", "Testa Simulantsson"),
                ("utbetalningssatt", "Konto"),
                ("utbDatum", "261201"),
                ("period", "2026-12"),
                ("belopp", "5700"),
                ("referens", "EB-2026-000001"),
            ])
            .send()
            .await;
        assert!(save.is_err(), "no answer: {save:?}");
        assert_eq!(
            sim.payments_for("198503611017").await?.len(),
            1,
            "committed"
        );
        // A browser resending the save at once finds the server restarting: no answer,
        // nothing saved twice.
        let resend = client
            .get(format!("{base}{}", UiVersion::V1.login_path()))
            .send()
            .await;
        assert!(resend.is_err(), "still down: {resend:?}");
        // Faults replaced: up again.
        sim.set_faults(Faults::NONE);
        let up = client
            .get(format!("{base}{}", UiVersion::V1.login_path()))
            .send()
            .await?;
        assert!(up.status().is_success());
        assert_eq!(sim.payments_for("198503611017").await?.len(), 1);
        Ok(())
    }

    #[tokio::test]
    async fn spawn_serves_on_the_socket_and_hands_back_the_sim()
    -> Result<(), Box<dyn std::error::Error>> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let sim = spawn(listener, Config::quiet(UiVersion::V1)).await?;
        let page = reqwest::get(format!("{base}{}", UiVersion::V1.login_path()))
            .await?
            .text()
            .await?;
        assert!(page.contains("id=\"loginForm\""), "{page}");
        assert_eq!(sim.ui(), UiVersion::V1);
        assert_eq!(
            sim.persons().await?.len(),
            8,
            "seeded, and readable through the handle"
        );
        Ok(())
    }
}
