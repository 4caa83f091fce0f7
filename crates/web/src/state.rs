//! What every handler shares.

use std::time::Duration;

use flode_engine::Engine;
use metrics_exporter_prometheus::PrometheusHandle;

/// Shared state of the web layer; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The process engine (and through it the store).
    pub engine: Engine,
    /// Renders the process's metrics at `/metrics`; `None` shows only the store gauges.
    pub metrics: Option<PrometheusHandle>,
    /// Limits.
    pub config: WebConfig,
}

impl AppState {
    /// State with default limits and no metrics recorder.
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            metrics: None,
            config: WebConfig::default(),
        }
    }

    /// Adds the Prometheus handle whose output `/metrics` serves.
    pub fn with_metrics(mut self, handle: PrometheusHandle) -> Self {
        self.metrics = Some(handle);
        self
    }
}

/// Limits of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest request body, in bytes (models can be large).
    pub max_body_bytes: usize,
    /// Longest a job activation may wait for work (`requestTimeoutMs` is capped to it).
    pub max_long_poll: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 10 * 1024 * 1024,
            max_long_poll: Duration::from_secs(30),
        }
    }
}
