//! Waking workers that wait for jobs: per job type, and one worker per job made ready, so
//! that a new job does not send every idle worker of every type to the database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

/// The wake-ups of workers waiting for jobs, by job type.
#[derive(Debug, Default)]
pub(crate) struct JobWakers {
    by_type: Mutex<HashMap<String, Arc<Notify>>>,
}

impl JobWakers {
    /// What a worker of `job_type` waits on.
    pub(crate) fn of(&self, job_type: &str) -> Arc<Notify> {
        let mut map = self.by_type.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(job_type.to_owned()).or_default().clone()
    }

    /// `count` jobs of `job_type` became ready: wakes up to that many waiting workers (a
    /// worker that finds the queue empty again simply waits again).
    pub(crate) fn ready(&self, job_type: &str, count: usize) {
        let notify = self
            .by_type
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(job_type)
            .cloned();
        if let Some(notify) = notify {
            for _ in 0..count {
                notify.notify_one();
            }
        }
    }

    /// Anything may have changed (e.g. notifications were missed): wakes every waiter.
    pub(crate) fn all(&self) {
        let all: Vec<Arc<Notify>> = self
            .by_type
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        for notify in all {
            notify.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::Poll;

    use super::*;

    fn woken(f: std::pin::Pin<&mut tokio::sync::futures::Notified<'_>>) -> bool {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        matches!(std::future::Future::poll(f, &mut cx), Poll::Ready(()))
    }

    #[test]
    fn one_job_wakes_one_waiter_of_its_type() {
        let wakers = JobWakers::default();
        let (a, b, other) = (wakers.of("t"), wakers.of("t"), wakers.of("u"));
        let mut fa = pin!(a.notified());
        let mut fb = pin!(b.notified());
        let mut fo = pin!(other.notified());
        assert!(!woken(fa.as_mut()) && !woken(fb.as_mut()) && !woken(fo.as_mut()));
        wakers.ready("t", 1);
        assert_eq!(
            [woken(fa.as_mut()), woken(fb.as_mut())]
                .iter()
                .filter(|w| **w)
                .count(),
            1
        );
        assert!(!woken(fo.as_mut()), "another type's worker sleeps on");
    }

    #[test]
    fn all_wakes_every_waiter() {
        let wakers = JobWakers::default();
        let (a, b) = (wakers.of("t"), wakers.of("u"));
        let mut fa = pin!(a.notified());
        let mut fb = pin!(b.notified());
        assert!(!woken(fa.as_mut()) && !woken(fb.as_mut()));
        wakers.all();
        assert!(woken(fa.as_mut()) && woken(fb.as_mut()));
    }
}
