//! Time as the engine sees it, injected so that tests and `bpmn run` can move it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of Unix milliseconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in Unix milliseconds.
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        now.as_millis() as i64
    }
}

/// A clock that only moves when told to (tests, headless runs).
#[derive(Debug, Default, Clone)]
pub struct ManualClock(Arc<AtomicI64>, bool);

impl ManualClock {
    /// Starts at `ms`.
    pub fn new(ms: i64) -> Self {
        Self(Arc::new(AtomicI64::new(ms)), false)
    }

    /// Starts at `ms` and moves 1 ms on every reading, so that separate transactions get
    /// distinct, ordered times (headless traces order steps across instances by time).
    pub fn ticking(ms: i64) -> Self {
        Self(Arc::new(AtomicI64::new(ms)), true)
    }

    /// Moves forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// The current value.
    pub fn now_ms_value(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Sets the time.
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        if self.1 {
            self.0.fetch_add(1, Ordering::SeqCst)
        } else {
            self.0.load(Ordering::SeqCst)
        }
    }
}
