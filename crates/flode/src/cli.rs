//! Command-line interface: every command and flag, documented for `flode --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::settings::Settings;
use crate::{accounts, serve, tools};

/// flode: durable BPMN processes, DMN decisions and e-services for municipal social services.
#[derive(Debug, Parser)]
#[command(name = "flode", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: web UI, JSON API, engine and background workers.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(DbArgs),
    /// Work with BPMN models without a server.
    #[command(subcommand)]
    Bpmn(BpmnCommand),
    /// Work with DMN decision models without a server.
    #[command(subcommand)]
    Dmn(DmnCommand),
    /// Calculate a benefit for a household described in a JSON file, without a server
    /// (`calc forsorjningsstod`: försörjningsstöd by riksnorm).
    #[command(subcommand)]
    Calc(CalcCommand),
    /// Run the SSBTEK simulator for development and tests (docs/ssbtek.md): SOAP 1.1
    /// hamtaBastjanstInformation/testaBastjanstInformation on POST /ssbtek/v10, a JSON
    /// façade on POST /api/v1/ssbtek and the audit of every request on GET /audit.
    ///
    /// It answers only for test identities (Skatteverket's test personnummer and
    /// simulator-only synthetic samordningsnummer) and refuses every other number with a
    /// SOAP Client fault. Faults are forced per request with the header
    /// `x-ssbtek-scenario`, e.g. `fk:unavailable,so:duplicate` or `http-503`.
    SsbtekSim(SsbtekSimArgs),
    /// Run SimIFO, the simulated legacy case system the robots drive (a web application
    /// with its own database and no API): `--ui v1` is Procapita-like, `--ui v2`
    /// Lifecare-like, over the same data; faults and quirks are flags. It accepts only
    /// test personnummer. docs/legacy-sim.md has the screens and accounts.
    LegacySim(LegacySimArgs),
    /// Manage staff accounts (`user add`): people who sign in at /logga-in.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens of service accounts and workers (`token add`, `token revoke`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// The robots' credential vault (docs/robots.md): `vault-key`, `credential set|list|rekey`.
    #[command(subcommand)]
    Robot(crate::robot::RobotCommand),
}

/// Staff roles, for `--role`.
const ROLE_HELP: &str = "socialsekreterare, forste_socialsekreterare or admin";

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a staff account. Roles: socialsekreterare (cases: read, start, complete
    /// tasks), forste_socialsekreterare (also cancel instances, resolve incidents), admin
    /// (deploy models, manage accounts and tokens). Without --password-stdin a random
    /// password is generated and printed once.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// Sign-in name: 2–64 characters of a-z, 0-9, '.', '_', '-', '@'.
        #[arg(long)]
        username: String,
        /// Name shown in the header (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// A role (repeat for several).
        #[arg(long = "role", required = true, help = format!("A role: {ROLE_HELP} (repeat for several)"))]
        roles: Vec<String>,
        /// Read the password (at least 10 characters) from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a service account and print it once on stdout (the
    /// database keeps only its hash). Clients send it as `Authorization: Bearer <token>`.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// A unique name, e.g. the worker that uses it.
        #[arg(long)]
        name: String,
        /// A role (repeat for several); workers need only socialsekreterare.
        #[arg(long = "role", required = true, help = format!("A role: {ROLE_HELP} (repeat for several)"))]
        roles: Vec<String>,
    },
    /// Revoke an API token by name; it is refused from then on.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        /// The token's name.
        #[arg(long)]
        name: String,
    },
}

/// Where the settings come from (file, then FLODE_* environment, then flags).
#[derive(Debug, Args)]
pub(crate) struct DbArgs {
    /// Settings file (TOML). Default: ./flode.toml if it exists.
    #[arg(long, short = 'c', env = "FLODE_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Database URL: sqlite://FILE (default sqlite://flode.db) or postgres://USER@HOST/DB.
    #[arg(long)]
    pub(crate) database: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) db: DbArgs,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub(crate) bind: Option<String>,
    /// Deploy the demo process at start (default on).
    #[arg(long)]
    pub(crate) demo: Option<bool>,
    /// Log as JSON lines instead of text.
    #[arg(long)]
    pub(crate) log_json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SsbtekSimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8088")]
    bind: String,
    /// Source latency: `realistic` (the spec's ranges per source, e.g. SO 1–5 s) or
    /// `none` (answer at once).
    #[arg(long, default_value = "realistic", value_parser = ["realistic", "none"])]
    latency: String,
    /// Seed of generated amounts, latencies and random faults: the same seed, person and
    /// period give the same answer.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Args)]
pub(crate) struct LegacySimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    bind: String,
    #[command(flatten)]
    sim: flode_legacy_sim::Args,
}

#[derive(Debug, Subcommand)]
enum BpmnCommand {
    /// Check that a BPMN file would deploy: every problem with its element id.
    Validate {
        /// The .bpmn file.
        file: PathBuf,
    },
    /// Run a model headless on a throw-away store and print the outcome.
    ///
    /// Prints one JSON object: {"state": "completed"|"waiting"|"incident", "trace": [flow
    /// node ids in completion order], "variables": {…}, "incidents": […]}. Timers fire by
    /// moving a virtual clock, so the run takes milliseconds.
    Run {
        /// The .bpmn file.
        file: PathBuf,
        /// Start variables as a JSON object.
        #[arg(long, default_value = "{}")]
        vars: String,
        /// Process id to start (default: the first executable process).
        #[arg(long)]
        process: Option<String>,
        /// Complete every user task as it appears.
        #[arg(long)]
        auto_complete_user_tasks: bool,
        /// Complete every service-task job as it appears.
        #[arg(long)]
        auto_complete_jobs: bool,
        /// Also deploy these files first (called processes, DMN decisions).
        #[arg(long = "with")]
        with: Vec<PathBuf>,
        /// Print JSON (the only format; accepted for scripts that pass it).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DmnCommand {
    /// Evaluate one decision of a DMN file.
    Eval {
        /// The .dmn file.
        file: PathBuf,
        /// Decision id or name.
        #[arg(long)]
        decision: String,
        /// Input as a JSON object.
        #[arg(long, default_value = "{}")]
        input: String,
        /// Print JSON (the only format).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CalcCommand {
    /// Försörjningsstöd for one month by riksnorm: need, counted income and the result, with
    /// a reason in Swedish on every row.
    ///
    /// The input is one household as JSON (docs/forsorjningsstod.md; examples in
    /// docs/examples/forsorjningsstod/): "month" applied for (YYYY-MM), "members" (id, role
    /// applicant|co_applicant|child, age; children also lunch_outside_home and
    /// days_in_household), "costs" (kind, applied, approved), "incomes" (member, kind,
    /// amount, net kr/month) and "consecutive_months_on_support". The norm is the one of the
    /// month's year; a year without a norm is an error.
    ///
    /// Prints a Swedish table; with --json one object: {"month", "norm": {"year", "name",
    /// "confirmed"}, "rows": [{"section": "norm"|"cost"|"income", "kind", "member",
    /// "applied", "amount", "reason", "provenance", "source"}], "norm_total",
    /// "costs_total", "need", "income", "result", "outcome": "deficit"|"surplus",
    /// "support", "reason"}. Amounts are whole kronor.
    ///
    /// Input that cannot be calculated: every problem on stderr, in Swedish, and exit code 1.
    Forsorjningsstod {
        /// The household as a JSON file; `-` reads standard input.
        #[arg(long)]
        input: PathBuf,
        /// Print the calculation as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also read riksnorm-YYYY.dmn files from this directory (they replace a shipped
        /// year; shipped: 2021, and 2026 for adults without children).
        #[arg(long)]
        norms: Option<PathBuf>,
    },
}

pub(crate) async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => {
            let settings = Settings::load(&args.db, Some(&args))?;
            serve::run(settings).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(db) => {
            let settings = Settings::load(&db, None)?;
            tools::migrate(&settings).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bpmn(BpmnCommand::Validate { file }) => tools::validate(&file),
        Command::Bpmn(BpmnCommand::Run {
            file,
            vars,
            process,
            auto_complete_user_tasks,
            auto_complete_jobs,
            with,
            json: _,
        }) => {
            let options = flode_engine::headless::HeadlessOptions {
                process_id: process,
                auto_complete_user_tasks,
                auto_complete_jobs,
                extra: Vec::new(),
                start_first: Vec::new(),
            };
            tools::run(&file, &vars, options, &with).await
        }
        Command::Dmn(DmnCommand::Eval {
            file,
            decision,
            input,
            json: _,
        }) => tools::eval(&file, &decision, &input),
        Command::SsbtekSim(args) => {
            let latency = if args.latency == "none" {
                flode_integrations::LatencyProfile::None
            } else {
                flode_integrations::LatencyProfile::Realistic
            };
            flode_integrations::simulator::run(&args.bind, latency, args.seed).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::LegacySim(args) => {
            let listener = tokio::net::TcpListener::bind(&args.bind)
                .await
                .with_context(|| format!("cannot listen on {}", args.bind))?;
            let config = args.sim.into_config();
            eprintln!(
                "SimIFO ({:?}) on http://{}{}",
                config.ui,
                args.bind,
                config.ui.login_path()
            );
            flode_legacy_sim::serve(listener, config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Calc(CalcCommand::Forsorjningsstod { input, json, norms }) => {
            tools::forsorjningsstod(&input, json, norms.as_deref())
        }
        Command::User(UserCommand::Add {
            db,
            username,
            name,
            roles,
            password_stdin,
        }) => {
            let settings = Settings::load(&db, None)?;
            accounts::add_user(&settings, &username, name, &roles, password_stdin).await
        }
        Command::Token(TokenCommand::Add { db, name, roles }) => {
            let settings = Settings::load(&db, None)?;
            accounts::add_token(&settings, &name, &roles).await
        }
        Command::Token(TokenCommand::Revoke { db, name }) => {
            let settings = Settings::load(&db, None)?;
            accounts::revoke_token(&settings, &name).await
        }
        Command::Robot(command) => crate::robot::run(command).await,
    }
}
