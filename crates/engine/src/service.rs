//! Background work of a node: fire due timers and return expired job leases, until told
//! to stop. `Options → Service → Handle`: the loop owns its timing; callers keep a handle.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::engine::Engine;

/// How often the loops look for work when nothing wakes them.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// Longest sleep between timer checks.
    pub timer_poll: Duration,
    /// How often expired leases are returned.
    pub lease_sweep: Duration,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        Self {
            timer_poll: Duration::from_secs(1),
            lease_sweep: Duration::from_secs(5),
        }
    }
}

/// A running background service.
#[derive(Debug)]
pub struct ServiceHandle {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl ServiceHandle {
    /// Stops claiming new work and waits for in-flight work to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// Starts the timer and lease loops.
pub fn spawn(engine: Engine, options: ServiceOptions) -> ServiceHandle {
    let (stop, stopped) = watch::channel(false);
    let timers = tokio::spawn(timer_loop(
        engine.clone(),
        options.timer_poll,
        stopped.clone(),
    ));
    let leases = tokio::spawn(lease_loop(engine, options.lease_sweep, stopped));
    ServiceHandle {
        stop,
        tasks: vec![timers, leases],
    }
}

async fn timer_loop(engine: Engine, poll: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        let fired = match engine.fire_due_timers(100).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "firing timers failed; retrying");
                0
            }
        };
        if fired > 0 {
            continue;
        }
        let sleep = match engine.next_timer_due().await {
            Ok(Some(due)) => {
                Duration::from_millis((due - engine.now()).clamp(0, poll.as_millis() as i64) as u64)
            }
            _ => poll,
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = engine.timers_created() => {}
            _ = stop.changed() => return,
        }
    }
}

async fn lease_loop(engine: Engine, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match engine.release_expired_leases().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "returned jobs with expired leases to the queue"),
            Err(e) => tracing::warn!(error = %e, "lease sweep failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}
