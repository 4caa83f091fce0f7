//! Logged-in sessions, in memory: a restart logs everyone out, as in the real systems.
//!
//! A session goes password → (v2: one-time code) → unit → ready. One that idles past the
//! configured time, or whose user logs in again elsewhere, is ended; its next request
//! lands on the login page with the reason.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How far a session has come through the login steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    NeedCode,
    NeedUnit,
    Ready,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) stage: Stage,
    pub(crate) unit: Option<String>,
    /// v2: the news modal is still to be dismissed.
    pub(crate) news_pending: bool,
    last_seen: Instant,
}

/// Why a session id no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// No such session (never existed, logged out, or the server restarted).
    Unknown,
    /// Idle too long.
    Timeout,
    /// The same user logged in again.
    Replaced,
}

impl Ended {
    /// The `orsak` parameter on the login page.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Ended::Unknown => "",
            Ended::Timeout => "timeout",
            Ended::Replaced => "annan-inloggning",
        }
    }
}

#[derive(Default)]
pub(crate) struct Sessions {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    live: HashMap<String, Session>,
    /// Ended ids, to tell the user why; dropped wholesale when large (it is only a hint).
    ended: HashMap<String, Ended>,
}

const MAX_ENDED: usize = 10_000;

impl Inner {
    fn end(&mut self, id: &str, why: Ended) {
        if self.live.remove(id).is_some() {
            if self.ended.len() >= MAX_ENDED {
                self.ended.clear();
            }
            self.ended.insert(id.to_owned(), why);
        }
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps half-changed (every change is
        // one insert or remove), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a session after a correct password; with `single`, ends the user's others.
    pub(crate) fn start(
        &self,
        username: &str,
        display_name: &str,
        stage: Stage,
        single: bool,
    ) -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes)?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut inner = self.lock();
        if single {
            let others: Vec<String> = inner
                .live
                .iter()
                .filter(|(_, s)| s.username == username)
                .map(|(k, _)| k.clone())
                .collect();
            for other in others {
                inner.end(&other, Ended::Replaced);
            }
        }
        inner.live.insert(
            id.clone(),
            Session {
                username: username.to_owned(),
                display_name: display_name.to_owned(),
                stage,
                unit: None,
                news_pending: false,
                last_seen: Instant::now(),
            },
        );
        Ok(id)
    }

    /// The live session for an id, touched; or why there is none.
    pub(crate) fn touch(&self, id: &str, idle: Duration) -> Result<Session, Ended> {
        let mut inner = self.lock();
        let expired = match inner.live.get(id) {
            Some(s) => s.last_seen.elapsed() > idle,
            None => return Err(inner.ended.get(id).copied().unwrap_or(Ended::Unknown)),
        };
        if expired {
            inner.end(id, Ended::Timeout);
            return Err(Ended::Timeout);
        }
        match inner.live.get_mut(id) {
            Some(s) => {
                s.last_seen = Instant::now();
                Ok(s.clone())
            }
            None => Err(Ended::Unknown),
        }
    }

    /// Changes a live session.
    pub(crate) fn update(&self, id: &str, change: impl FnOnce(&mut Session)) {
        if let Some(s) = self.lock().live.get_mut(id) {
            change(s);
        }
    }

    pub(crate) fn logout(&self, id: &str) {
        self.lock().live.remove(id);
    }
}
