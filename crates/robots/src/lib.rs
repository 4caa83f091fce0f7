//! flode's software robots: they move data from flode's cases into legacy case systems that
//! have no API, by working their web UI in headless Chromium as a person would.
//!
//! - [`script`]: the declarative, versioned script files (one set per legacy UI version),
//!   checked when they load.
//! - [`template`]: the values scripts type, filled from the job.
//! - [`browser`]: what a robot does in a browser ([`browser::Page`]) and Chromium through
//!   chromedriver.
//! - [`runner`]: one script run for one work item, ending done, in a business exception
//!   (a person's review queue) or a system exception (retry), with redacted evidence.
//! - [`vault`]: the robot accounts' passwords, AES-256-GCM at rest, rotated and audited.
//! - [`worker`]: robots as workers of the job queue: seats, heartbeats, settling each job.
//! - [`review`]: the manual-review queue's resolutions (done by hand, or try again).

pub mod browser;
pub mod review;
pub mod runner;
pub mod script;
pub mod template;
pub mod vault;
pub mod worker;

pub use browser::{BrowserError, Chromium, ChromiumConfig, Page};
pub use runner::{Capture, Login, Outcome, Report, run};
pub use script::{Input, Script, ScriptError, ScriptSet};
pub use vault::{Credential, CredentialInfo, Password, Vault, VaultError, VaultKey};
pub use worker::{Browsers, Robots, RobotsConfig, Target, WorkerError};
