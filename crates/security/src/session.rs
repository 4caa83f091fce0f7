//! When a server-side session ends: after a time without requests (idle) or a fixed time
//! after sign-in (absolute), whichever comes first, or when the person signs out.

use flode_store::StaffSessionRecord;

/// Session lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ends after this long without a request.
    pub idle_ms: i64,
    /// Ends this long after sign-in, however active.
    pub absolute_ms: i64,
    /// Activity is written at most this often (a request does not always write).
    pub touch_every_ms: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_ms: 30 * 60 * 1000,
            absolute_ms: 10 * 60 * 60 * 1000,
            touch_every_ms: 60 * 1000,
        }
    }
}

/// What a session is at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Usable; `touch` says whether to record the activity now.
    Live {
        /// Record the activity.
        touch: bool,
    },
    /// Signed out.
    Ended,
    /// No request for longer than the idle time.
    IdleExpired,
    /// Past its absolute end.
    Expired,
}

impl SessionPolicy {
    /// The state of `session` at `now`.
    pub fn state(&self, session: &StaffSessionRecord, now: i64) -> SessionState {
        if session.ended_at.is_some() {
            SessionState::Ended
        } else if now >= session.expires_at {
            SessionState::Expired
        } else if now - session.last_seen_at >= self.idle_ms {
            SessionState::IdleExpired
        } else {
            SessionState::Live {
                touch: now - session.last_seen_at >= self.touch_every_ms,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn session(created: i64, last_seen: i64) -> StaffSessionRecord {
        StaffSessionRecord {
            id_hash: "h".into(),
            user_id: "u".into(),
            created_at: created,
            last_seen_at: last_seen,
            expires_at: created + SessionPolicy::default().absolute_ms,
            ended_at: None,
        }
    }

    #[test]
    fn idle_and_absolute_expiry() {
        let p = SessionPolicy::default();
        let s = session(0, 0);
        assert_eq!(p.state(&s, 10), SessionState::Live { touch: false });
        assert_eq!(p.state(&s, 2 * MIN), SessionState::Live { touch: true });
        assert_eq!(p.state(&s, 30 * MIN), SessionState::IdleExpired);
        // Active all day: still ends 10 hours after sign-in.
        let busy = session(0, 600 * MIN - 1);
        assert_eq!(
            p.state(&busy, 600 * MIN - 1),
            SessionState::Live { touch: false }
        );
        assert_eq!(p.state(&busy, 600 * MIN), SessionState::Expired);
        let ended = StaffSessionRecord {
            ended_at: Some(5),
            ..session(0, 0)
        };
        assert_eq!(p.state(&ended, 6), SessionState::Ended);
    }
}
