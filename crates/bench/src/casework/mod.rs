//! Casework over HTTP, against a running `flode serve` (a release build, started here as a
//! child process on a scratch database):
//!
//! - **submission → proposal ready**: rounds of N citizens (50) who each fill in the nine
//!   question pages of ekonomiskt bistånd (untimed), then all press "Skicka ansökan" at
//!   once. Timed from just before each submit POST is sent until the database shows the
//!   case's process at its decision point: the user task `utred-och-besluta` exists, or
//!   the automated decision (`automatiskt-bifall`, which sets `beslut`) has completed.
//!   Between the two: the submission transaction, `ssbtek.fetch` (an HTTP call to the
//!   SSBTEK simulator), `forsorjningsstod.calculate` and the delegation DMN, each a job
//!   worked by `flode serve`'s in-process workers.
//! - **e-service pages**: GET latency of the public start page `/e-tjanst` and of a
//!   signed-in question page `/mina-sidor/ansokan/{id}/hushall`, each with C (200)
//!   keep-alive connections on loopback for a fixed number of requests, next to the static
//!   stylesheet `/static/flode.css` through the same server and client (the HTTP stack's
//!   floor).
//!
//! The test identity provider offers seven people and a person can submit one application
//! per month, so the bench signs in its own synthetic citizens (see [`citizens`]) and
//! points `flode serve` at an SSBTEK stand-in (see [`ssbtek`]): the same simulator
//! `flode serve` embeds, answering for each bench citizen with one of its test identities.
//! Readiness is read by polling the database with read-only SELECTs, never through the
//! staff pages (which log every read of a case).

mod citizens;
mod http;
mod pages;
mod server;
mod ssbtek;
mod submissions;

use std::path::PathBuf;

use anyhow::{Context, ensure};
use serde::Serialize;

use crate::casework::citizens::Citizens;
use crate::casework::server::Server;

/// `casework` options.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The `flode` binary to serve (a release build).
    #[arg(long, default_value = "target/release/flode")]
    flode: PathBuf,
    /// sqlite://FILE or postgres://USER@HOST/DB: a fresh scratch database, which
    /// `flode serve` migrates and the bench fills.
    #[arg(long)]
    database: String,
    /// Where `flode serve`'s log goes (default: discarded).
    #[arg(long)]
    server_log: Option<PathBuf>,
    /// What to measure.
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    /// Concurrent submissions per round.
    #[arg(long, default_value_t = 50)]
    submissions: usize,
    /// Timed rounds of concurrent submissions (new citizens each round).
    #[arg(long, default_value_t = 4)]
    rounds: usize,
    /// Submissions in the untimed warm-up round.
    #[arg(long, default_value_t = 10)]
    warmup_submissions: usize,
    /// Milliseconds between two polls of the database for ready proposals.
    #[arg(long, default_value_t = 5)]
    poll_ms: u64,
    /// Concurrent keep-alive connections for the page measurement.
    #[arg(long, default_value_t = 200)]
    page_connections: usize,
    /// Timed requests per page (spread evenly over the connections).
    #[arg(long, default_value_t = 20_000)]
    page_requests: usize,
    /// Untimed requests per connection before each page's timed run.
    #[arg(long, default_value_t = 5)]
    page_warmup: usize,
    /// Signed-in citizens whose drafts the question page shows (connections take turns).
    #[arg(long, default_value_t = 20)]
    page_citizens: usize,
    /// The SSBTEK simulator's latency: `none`, as `flode serve` embeds it in `test`, or
    /// `realistic` (its per-source ranges, 1.1–5.1 s a call; a supplementary measurement).
    #[arg(long, value_enum, default_value_t = SsbtekLatency::None)]
    ssbtek_latency: SsbtekLatency,
}

/// The SSBTEK simulator's latency profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SsbtekLatency {
    /// Answers at once (the embedded simulator's setting).
    None,
    /// The simulator's realistic per-source ranges.
    Realistic,
}

/// Which measurements `casework` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Only {
    /// Pages, then submissions.
    All,
    /// E-service page latency only.
    Pages,
    /// Submission → proposal ready only.
    Submissions,
}

/// What `casework` prints.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    engine: &'static str,
    bench: &'static str,
    backend: &'static str,
    /// One entry per page, the static stylesheet first.
    pages: Vec<pages::PageReport>,
    submissions: Option<submissions::SubmissionReport>,
    /// The SSBTEK simulator's latency profile.
    ssbtek_latency: SsbtekLatency,
    /// SSBTEK calls the stand-in answered for a bench citizen.
    ssbtek_calls: usize,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<Report> {
    ensure!(args.submissions > 0, "--submissions must be at least 1");
    ensure!(
        args.page_connections > 0 && args.page_citizens > 0,
        "--page-connections and --page-citizens must be at least 1"
    );
    let backend = if args.database.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let ssbtek = ssbtek::StandIn::start(match args.ssbtek_latency {
        SsbtekLatency::None => flode_integrations::LatencyProfile::None,
        SsbtekLatency::Realistic => flode_integrations::LatencyProfile::Realistic,
    })
    .await?;
    let server = Server::start(
        &args.flode,
        &args.database,
        &ssbtek.endpoint(),
        args.server_log.as_deref(),
    )
    .await?;
    let outcome = measure(&args, &server, &ssbtek).await;
    let stopped = server.stop().await;
    let (pages, submissions) = outcome?;
    stopped?;
    Ok(Report {
        engine: "flode",
        bench: "casework",
        backend,
        pages,
        submissions,
        ssbtek_latency: args.ssbtek_latency,
        ssbtek_calls: ssbtek.calls(),
    })
}

type Measured = (
    Vec<pages::PageReport>,
    Option<submissions::SubmissionReport>,
);

async fn measure(
    args: &Args,
    server: &Server,
    ssbtek: &ssbtek::StandIn,
) -> anyhow::Result<Measured> {
    let mut citizens = Citizens::connect(&args.database, server.base(), ssbtek)
        .await
        .context("connecting to the scratch database")?;
    let mut page_reports = Vec::new();
    if args.only != Only::Submissions {
        page_reports = pages::run(
            &mut citizens,
            &pages::Options {
                connections: args.page_connections,
                requests: args.page_requests,
                warmup: args.page_warmup,
                citizens: args.page_citizens,
            },
        )
        .await?;
    }
    let mut submission_report = None;
    if args.only != Only::Pages {
        submission_report = Some(
            submissions::run(
                &mut citizens,
                &submissions::Options {
                    per_round: args.submissions,
                    rounds: args.rounds,
                    warmup: args.warmup_submissions,
                    poll: std::time::Duration::from_millis(args.poll_ms),
                },
            )
            .await?,
        );
    }
    citizens.close().await;
    Ok((page_reports, submission_report))
}
