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
//! Tests start it with [`app`] and inspect what robots registered through [`Sim`] (not
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

    /// Replaces the injected faults from the next request on.
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
