//! Command-line interface: every command and flag, documented for `flode --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::settings::Settings;
use crate::{serve, tools};

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
        Command::Calc(CalcCommand::Forsorjningsstod { input, json, norms }) => {
            tools::forsorjningsstod(&input, json, norms.as_deref())
        }
    }
}
