//! The in-process limiter of failed sign-ins: a sliding window per key (a username, a
//! client address). State lives in this process only; on several nodes each counts its own
//! failures, so the effective limit is per node.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Limits of the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimiterConfig {
    /// Failed sign-ins per username within the window before it is locked.
    pub per_username: usize,
    /// Failed sign-ins per client address within the window before it is locked. Higher
    /// than per username: many staff may share one address behind the municipality's NAT.
    pub per_client: usize,
    /// The window, in milliseconds.
    pub window_ms: i64,
}

impl Default for LimiterConfig {
    fn default() -> Self {
        Self {
            per_username: 5,
            per_client: 20,
            window_ms: 15 * 60 * 1000,
        }
    }
}

/// Keys kept before stale ones are swept.
const SWEEP_ABOVE: usize = 10_000;

/// Failed attempts per key, as times within the window.
#[derive(Debug)]
pub struct LoginLimiter {
    config: LimiterConfig,
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl LoginLimiter {
    /// An empty limiter.
    pub fn new(config: LimiterConfig) -> Self {
        Self {
            config,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The limits.
    pub fn config(&self) -> LimiterConfig {
        self.config
    }

    fn keys(username: &str, client: Option<&str>) -> [(String, bool); 2] {
        [
            (format!("u:{username}"), true),
            (format!("c:{}", client.unwrap_or("")), client.is_some()),
        ]
    }

    fn limit(&self, is_username: bool) -> usize {
        if is_username {
            self.config.per_username
        } else {
            self.config.per_client
        }
    }

    /// `Some(ms)` until the lock ends if the username or the client is locked at `now`.
    pub fn locked(&self, username: &str, client: Option<&str>, now: i64) -> Option<i64> {
        let mut map = self.lock();
        let mut until: Option<i64> = None;
        for (i, (key, used)) in Self::keys(username, client).into_iter().enumerate() {
            if !used {
                continue;
            }
            let limit = self.limit(i == 0);
            if let Some(times) = map.get_mut(&key) {
                prune(times, now - self.config.window_ms);
                if times.len() >= limit {
                    // Unlocked once enough failures have left the window.
                    let ends = times[times.len() - limit] + self.config.window_ms;
                    until = Some(until.map_or(ends, |u| u.max(ends)));
                }
            }
        }
        until.map(|u| (u - now).max(1))
    }

    /// Counts a failed sign-in.
    pub fn failed(&self, username: &str, client: Option<&str>, now: i64) {
        let mut map = self.lock();
        if map.len() > SWEEP_ABOVE {
            let horizon = now - self.config.window_ms;
            map.retain(|_, times| times.back().is_some_and(|t| *t > horizon));
        }
        for (i, (key, used)) in Self::keys(username, client).into_iter().enumerate() {
            if !used {
                continue;
            }
            let limit = self.limit(i == 0);
            let times = map.entry(key).or_default();
            prune(times, now - self.config.window_ms);
            times.push_back(now);
            // Only the newest `limit` failures decide anything.
            while times.len() > limit {
                times.pop_front();
            }
        }
    }

    /// A successful sign-in clears the username's failures (not the client's).
    pub fn succeeded(&self, username: &str) {
        self.lock().remove(&format!("u:{username}"));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<i64>>> {
        // A panic while holding the lock leaves only counters behind: keep using them.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn prune(times: &mut VecDeque<i64>, horizon: i64) {
    while times.front().is_some_and(|t| *t <= horizon) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn five_failures_lock_the_username_for_the_window() {
        let l = LoginLimiter::new(LimiterConfig::default());
        for i in 0..4 {
            l.failed("anna", Some("10.0.0.1"), i * MIN);
            assert_eq!(l.locked("anna", Some("10.0.0.1"), i * MIN), None);
        }
        l.failed("anna", Some("10.0.0.2"), 4 * MIN);
        // Locked from any address, until the first failure leaves the 15-minute window.
        assert_eq!(l.locked("anna", Some("10.0.0.3"), 4 * MIN), Some(11 * MIN));
        assert_eq!(l.locked("anna", None, 14 * MIN), Some(MIN));
        assert_eq!(l.locked("anna", None, 15 * MIN), None);
        // Another username from the same addresses is not locked.
        assert_eq!(l.locked("bo", Some("10.0.0.1"), 4 * MIN), None);
    }

    #[test]
    fn a_client_is_locked_after_its_own_limit() {
        let l = LoginLimiter::new(LimiterConfig {
            per_username: 5,
            per_client: 3,
            window_ms: 15 * MIN,
        });
        for (i, user) in ["a", "b", "c"].into_iter().enumerate() {
            l.failed(user, Some("10.9.9.9"), i as i64);
        }
        assert!(l.locked("d", Some("10.9.9.9"), 3).is_some());
        assert!(l.locked("d", Some("10.9.9.8"), 3).is_none());
        assert!(l.locked("d", None, 3).is_none());
    }

    #[test]
    fn success_clears_the_username() {
        let l = LoginLimiter::new(LimiterConfig::default());
        for i in 0..4 {
            l.failed("anna", None, i);
        }
        l.succeeded("anna");
        l.failed("anna", None, 10);
        assert_eq!(l.locked("anna", None, 11), None);
    }
}
