//! The durable BPMN engine: deploy versioned models, run instances token by token to their
//! wait states inside store transactions, and hand work to workers through the job queue.
//!
//! - [`runtime`]: the pure interpreter (one instance, in memory).
//! - [`engine`]: the durable service (transactions, effects across instances, jobs,
//!   timers, messages, incidents).
//! - [`service`]: background loops (timers, expired leases) with graceful shutdown.

pub mod clock;
pub mod compiled;
pub mod engine;
pub mod error;
pub mod headless;
mod ids;
pub mod runtime;
pub mod service;
pub mod timer;
mod wakeups;
pub mod worker;

pub use clock::{Clock, ManualClock, SystemClock};
pub use engine::{ActivatedJob, Deployed, Engine, EngineOptions};
pub use error::Error;
pub use ids::new_id;
