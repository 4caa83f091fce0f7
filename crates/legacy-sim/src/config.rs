//! What a SimIFO instance looks like and how badly it behaves.
//!
//! [`Config::quiet`] is for fast tests (every fault off, quirks that cost no time on);
//! [`Config::realistic`] turns on what the real systems do (seconds of latency, an
//! occasional 500, a crash now and then). [`Args`] is the same thing as command-line flags.

use std::path::PathBuf;
use std::time::Duration;

/// Which legacy system the sim imitates. Same data and rules, different screens, URLs,
/// labels and element ids, so a robot's selector map for one fails on the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UiVersion {
    /// "Classic", Procapita-like: a frameset, `*.do` URLs, pages per form.
    V1,
    /// "New", Lifecare-like: a single page with modals, an iframe for payments and a
    /// second login factor.
    V2,
}

impl UiVersion {
    /// The URL of the login page, where a robot starts.
    pub fn login_path(self) -> &'static str {
        match self {
            UiVersion::V1 => "/procapita/login.do",
            UiVersion::V2 => "/lifecare/auth/login",
        }
    }
}

/// Where the sim keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// Gone when the [`crate::Sim`] is dropped.
    InMemory,
    /// An SQLite file, created (and seeded) when missing; kept across restarts.
    File(PathBuf),
}

/// Response delay added before a request is handled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    /// Every request waits at least this long.
    pub min: Duration,
    /// ... and at most this long (uniform between `min` and `max`).
    pub max: Duration,
    /// The fraction of requests (0.0–1.0) that wait `spike` instead.
    pub spike_rate: f64,
    /// The occasional very slow page.
    pub spike: Duration,
}

impl Latency {
    /// No delay.
    pub const NONE: Latency = Latency {
        min: Duration::ZERO,
        max: Duration::ZERO,
        spike_rate: 0.0,
        spike: Duration::ZERO,
    };
}

/// What "crash mid-save" does to a save that it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CrashMode {
    /// The save is committed, then the connection is dropped without an answer: the
    /// robot cannot tell that it saved (the idempotency case).
    AfterCommit,
    /// The connection is dropped before anything is written; looks the same to the robot.
    BeforeCommit,
}

/// Injected failures. All off in [`Faults::NONE`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// Delay per request.
    pub latency: Latency,
    /// The fraction of requests (0.0–1.0) answered with a 500 error page instead of being
    /// handled.
    pub error_rate: f64,
    /// The fraction of saves (payment, decision, journal note, aktualisering; 0.0–1.0)
    /// that crash; the server then drops every request for a second, as while it restarts
    /// (so a browser that resends the save gets no answer either). Needs a real connection
    /// ([`crate::serve`], [`crate::spawn`] or `axum::serve`): the crash unwinds the
    /// connection's task.
    pub crash_mid_save: f64,
    /// How a crashing save ends.
    pub crash_mode: CrashMode,
    /// When set, every page opens under a "Laddar…" overlay (`id="spinner"`) that an
    /// inline script removes after this long, so clicks are blocked until then.
    pub spinner: Option<Duration>,
}

impl Faults {
    /// Nothing injected.
    pub const NONE: Faults = Faults {
        latency: Latency::NONE,
        error_rate: 0.0,
        crash_mid_save: 0.0,
        crash_mode: CrashMode::AfterCommit,
        spinner: None,
    };
}

/// Behaviour of the real systems that robots must cope with (each switchable).
#[derive(Debug, Clone, PartialEq)]
pub struct Quirks {
    /// Read-only maintenance mode: a banner on every page, every save refused.
    pub maintenance: bool,
    /// v2: the "Nyheter i systemet" modal on a user's first login of the day.
    pub news_modal: bool,
    /// v2: the one-time code step after the password.
    pub second_factor: bool,
    /// A new login of a user ends that user's other session.
    pub single_session: bool,
    /// Cases locked from the start: (diarienummer, the user holding the lock).
    pub locked_cases: Vec<(String, String)>,
}

/// The sim's accounts' passwords and the accepted one-time code.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Password of the robot account `robot1`.
    pub robot_password: String,
    /// Password of the human account `handlaggare1`.
    pub human_password: String,
    /// The v2 one-time code that is accepted (any other is refused).
    pub second_factor_code: String,
}

impl std::fmt::Debug for Credentials {
    // Even fixture passwords stay out of logs (CONTRIBUTING: `Debug` redacts secrets).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials { .. }")
    }
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            robot_password: "robot1-losen".into(),
            human_password: "handlaggare1-losen".into(),
            second_factor_code: "123456".into(),
        }
    }
}

/// One SimIFO instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Which screens to serve.
    pub ui: UiVersion,
    /// Where the data lives.
    pub database: Database,
    /// Idle time after which the next request lands on the login page.
    pub session_idle: Duration,
    /// Injected failures; changeable at run time with [`crate::Sim::set_faults`].
    pub faults: Faults,
    /// Quirks of the real systems.
    pub quirks: Quirks,
    /// Passwords and the one-time code.
    pub credentials: Credentials,
}

impl Config {
    /// For fast tests: in memory, no latency or errors; the quirks that cost no time
    /// (news modal, second factor, single session, 15 minutes idle) are on.
    pub fn quiet(ui: UiVersion) -> Config {
        Config {
            ui,
            database: Database::InMemory,
            session_idle: Duration::from_secs(15 * 60),
            faults: Faults::NONE,
            quirks: Quirks {
                maintenance: false,
                news_modal: true,
                second_factor: true,
                single_session: true,
                locked_cases: Vec::new(),
            },
            credentials: Credentials::default(),
        }
    }

    /// Like the real thing (legacy-system.md §2): 1–8 s per page and 30 s for 2 % of
    /// them, 1 % server errors, 2 % of saves crash after commit, a 1 s spinner, and
    /// case `IFO-2025-0006` locked by a human.
    pub fn realistic(ui: UiVersion) -> Config {
        let mut config = Config::quiet(ui);
        config.faults = Faults {
            latency: Latency {
                min: Duration::from_secs(1),
                max: Duration::from_secs(8),
                spike_rate: 0.02,
                spike: Duration::from_secs(30),
            },
            error_rate: 0.01,
            crash_mid_save: 0.02,
            crash_mode: CrashMode::AfterCommit,
            spinner: Some(Duration::from_secs(1)),
        };
        config.quirks.locked_cases = vec![("IFO-2025-0006".into(), "handlaggare2".into())];
        config
    }
}

impl Default for Config {
    /// [`Config::quiet`] with v1.
    fn default() -> Self {
        Config::quiet(UiVersion::V1)
    }
}

/// Command-line flags for `flode legacy-sim` (flatten into the command; the port is the
/// caller's). Unset flags keep [`Config::quiet`]'s values.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Which UI to serve.
    #[arg(long, value_enum, default_value = "v1")]
    pub ui: UiVersion,
    /// SQLite file (created and seeded when missing); in memory when not given.
    #[arg(long)]
    pub database: Option<PathBuf>,
    /// Minimum added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Maximum added latency (uniformly random between min and max); defaults to min.
    #[arg(long)]
    pub latency_max_ms: Option<u64>,
    /// Fraction of requests (0–1) that take `--latency-spike-ms` instead.
    #[arg(long, default_value_t = 0.0)]
    pub latency_spike_rate: f64,
    /// The slow request's latency, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    pub latency_spike_ms: u64,
    /// Fraction of requests (0–1) answered with a 500 error page.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Fraction of saves (0–1) that crash and drop the connection.
    #[arg(long, default_value_t = 0.0)]
    pub crash_mid_save: f64,
    /// Whether a crashing save commits first.
    #[arg(long, value_enum, default_value = "after-commit")]
    pub crash_mode: CrashMode,
    /// Show a click-blocking spinner overlay for this many milliseconds on every page.
    #[arg(long)]
    pub spinner_ms: Option<u64>,
    /// Idle session timeout, in seconds.
    #[arg(long, default_value_t = 900)]
    pub session_idle_secs: u64,
    /// Read-only maintenance mode.
    #[arg(long)]
    pub maintenance: bool,
    /// Turn off the v2 second factor.
    #[arg(long)]
    pub no_second_factor: bool,
    /// Turn off the v2 "Nyheter i systemet" modal.
    #[arg(long)]
    pub no_news_modal: bool,
    /// Allow several sessions per user.
    #[arg(long)]
    pub multiple_sessions: bool,
    /// Lock a case: `DIARIENUMMER=USER`, repeatable.
    #[arg(long = "lock", value_parser = parse_lock)]
    pub locked_cases: Vec<(String, String)>,
    /// Password of `robot1`.
    #[arg(long, env = "SIMIFO_ROBOT_PASSWORD", default_value = "robot1-losen")]
    pub robot_password: String,
    /// The accepted v2 one-time code.
    #[arg(long, default_value = "123456")]
    pub second_factor_code: String,
}

fn parse_lock(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(case, user)| (case.to_owned(), user.to_owned()))
        .ok_or_else(|| "expected DIARIENUMMER=USER".to_owned())
}

impl Args {
    /// The configuration these flags describe.
    pub fn into_config(self) -> Config {
        let mut config = Config::quiet(self.ui);
        if let Some(path) = self.database {
            config.database = Database::File(path);
        }
        let min = Duration::from_millis(self.latency_ms);
        config.faults = Faults {
            latency: Latency {
                min,
                max: self
                    .latency_max_ms
                    .map_or(min, Duration::from_millis)
                    .max(min),
                spike_rate: self.latency_spike_rate,
                spike: Duration::from_millis(self.latency_spike_ms),
            },
            error_rate: self.error_rate,
            crash_mid_save: self.crash_mid_save,
            crash_mode: self.crash_mode,
            spinner: self.spinner_ms.map(Duration::from_millis),
        };
        config.session_idle = Duration::from_secs(self.session_idle_secs);
        config.quirks.maintenance = self.maintenance;
        config.quirks.second_factor = !self.no_second_factor;
        config.quirks.news_modal = !self.no_news_modal;
        config.quirks.single_session = !self.multiple_sessions;
        config.quirks.locked_cases = self.locked_cases;
        config.credentials.robot_password = self.robot_password;
        config.credentials.second_factor_code = self.second_factor_code;
        config
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn flags_map_onto_the_config() {
        let cli = Cli::try_parse_from([
            "legacy-sim",
            "--ui",
            "v2",
            "--latency-ms",
            "1000",
            "--latency-max-ms",
            "8000",
            "--error-rate",
            "0.05",
            "--crash-mid-save",
            "0.5",
            "--crash-mode",
            "before-commit",
            "--session-idle-secs",
            "60",
            "--maintenance",
            "--lock",
            "IFO-2025-0001=handlaggare2",
        ]);
        let config = match cli {
            Ok(cli) => cli.args.into_config(),
            Err(e) => panic!("{e}"),
        };
        assert_eq!(config.ui, UiVersion::V2);
        assert_eq!(config.faults.latency.min, Duration::from_secs(1));
        assert_eq!(config.faults.latency.max, Duration::from_secs(8));
        assert_eq!(config.faults.error_rate, 0.05);
        assert_eq!(config.faults.crash_mid_save, 0.5);
        assert_eq!(config.faults.crash_mode, CrashMode::BeforeCommit);
        assert_eq!(config.session_idle, Duration::from_secs(60));
        assert!(config.quirks.maintenance);
        assert_eq!(
            config.quirks.locked_cases,
            [("IFO-2025-0001".to_owned(), "handlaggare2".to_owned())]
        );
    }

    #[test]
    fn no_flags_is_quiet() {
        let config = match Cli::try_parse_from(["legacy-sim"]) {
            Ok(cli) => cli.args.into_config(),
            Err(e) => panic!("{e}"),
        };
        let mut quiet = Config::quiet(UiVersion::V1);
        // The spike's length is kept but unused at rate 0.
        quiet.faults.latency.spike = Duration::from_secs(30);
        assert_eq!(config, quiet);
    }
}
