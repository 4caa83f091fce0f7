//! Works `ssbtek.fetch` jobs: reads `personnummer`, `arendeId` and `period` (`{"from",
//! "tom"}`) from the job's variables, asks SSBTEK through the [`Client`] with the job's
//! idempotency key as korrelationsid, and completes the job with the normalised answer in
//! the variable `ssbtek`. While SSBTEK is down the job fails with backoff and the case
//! waits at the task, to resume when an attempt succeeds; a refused question (a SOAP
//! Client fault) or unusable variables go straight to an incident for a person.
//!
//! Only the engine's public job API is used (`activate_jobs`, `complete_job`,
//! `fail_job`). A node runs workers through `flode_engine::worker::Workers`, which owns the
//! lease-and-wait loop; `work_once` is one round of it (not yet wired into `flode serve`).

use flode_engine::{ActivatedJob, Engine};
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::model::{Fraga, Source};
use crate::personnummer::Personidentitet;

/// The job type this worker works.
pub const JOB_TYPE: &str = "ssbtek.fetch";

/// Worker settings.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Lease owner, e.g. `node-1/ssbtek`.
    pub worker: String,
    /// Jobs leased per round.
    pub max_jobs: i64,
    /// Longer than a call with all its retries may take.
    pub lease_ms: i64,
    /// `syfte` when the job names none.
    pub syfte: String,
    /// `lagtext` when the job names none. The provision per agency must come from the
    /// current SSBTEK agreement (ssbtek.md §4), so there is no default.
    pub lagtext: String,
    /// First backoff while SSBTEK is down; doubled per attempt, at most 10 minutes.
    pub backoff_ms: i64,
}

impl WorkerOptions {
    /// Defaults with the given lagtext.
    pub fn new(worker: impl Into<String>, lagtext: impl Into<String>) -> Self {
        Self {
            worker: worker.into(),
            max_jobs: 10,
            lease_ms: 5 * 60_000,
            syfte: "Handläggning av ansökan om ekonomiskt bistånd".into(),
            lagtext: lagtext.into(),
            backoff_ms: 30_000,
        }
    }
}

/// Why the worker itself failed (not a job: those fail on the job).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The engine could not lease, complete or fail a job.
    #[error(transparent)]
    Engine(#[from] flode_engine::Error),
}

/// How one job ended, for callers and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    /// Completed with the answer.
    Completed,
    /// Failed; due again after backoff.
    Retrying,
    /// Failed for good: an incident was raised.
    Incident,
}

/// Leases and works one round of `ssbtek.fetch` jobs.
pub async fn work_once(
    engine: &Engine,
    client: &Client,
    options: &WorkerOptions,
) -> Result<Vec<JobOutcome>, WorkerError> {
    let jobs = engine
        .activate_jobs(
            JOB_TYPE,
            &options.worker,
            options.max_jobs,
            options.lease_ms,
        )
        .await?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        out.push(work_job(engine, client, options, &job).await?);
    }
    Ok(out)
}

async fn work_job(
    engine: &Engine,
    client: &Client,
    options: &WorkerOptions,
    job: &ActivatedJob,
) -> Result<JobOutcome, WorkerError> {
    let id = &job.job.id;
    let worker = Some(options.worker.as_str());
    let fraga = match fraga(client, options, job) {
        Ok(f) => f,
        Err(message) => {
            engine.fail_job(id, worker, 0, &message, None).await?;
            return Ok(JobOutcome::Incident);
        }
    };
    match client.fetch(&fraga).await {
        Ok(svar) => {
            let mut value = serde_json::to_value(&svar).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut value {
                m.insert("inkomster".into(), json!(svar.inkomster()));
                m.insert("skyddadIdentitet".into(), json!(svar.skyddad_identitet()));
                m.insert("kallorMedFel".into(), json!(svar.failed_sources()));
            }
            let mut vars = Map::new();
            vars.insert("ssbtek".into(), value);
            engine.complete_job(id, worker, vars).await?;
            Ok(JobOutcome::Completed)
        }
        Err(e) if e.refused() => {
            let message = format!("SSBTEK avvisade frågan: {e}");
            engine.fail_job(id, worker, 0, &message, None).await?;
            Ok(JobOutcome::Incident)
        }
        Err(e) => {
            let retries = (job.job.retries - 1).max(0);
            let exp = job.job.attempts.clamp(1, 20) - 1;
            let backoff = options.backoff_ms.saturating_mul(1i64 << exp).min(600_000);
            let message = format!("SSBTEK svarade inte: {e}");
            tracing::info!(job = %id, retries, backoff, error = %e, "SSBTEK job will be retried");
            let failed = engine
                .fail_job(id, worker, retries, &message, Some(backoff))
                .await?;
            Ok(if failed.state == "failed" {
                JobOutcome::Incident
            } else {
                JobOutcome::Retrying
            })
        }
    }
}

/// The question a job asks. Errors are Swedish and never contain the personnummer.
fn fraga(client: &Client, options: &WorkerOptions, job: &ActivatedJob) -> Result<Fraga, String> {
    let v = &job.variables;
    let s = |name: &str| v.get(name).and_then(Value::as_str).map(str::to_owned);
    let person = s("personnummer").ok_or("variabeln personnummer saknas")?;
    let personidentitet = Personidentitet::parse(&person)
        .map_err(|e| format!("variabeln personnummer är ogiltig: {e}"))?;
    let arende = s("arendeId").ok_or("variabeln arendeId saknas")?;
    let period = v.get("period").ok_or("variabeln period saknas")?;
    let date = |k: &str| {
        period
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("period.{k} saknas (ÅÅÅÅ-MM-DD)"))
    };
    let sources = match v.get("sources").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|x| {
                x.as_str()
                    .and_then(Source::parse)
                    .ok_or_else(|| format!("okänd källa {x}"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => Source::ALL.to_vec(),
    };
    let handlaggare = s("handlaggare").unwrap_or_else(|| format!("system:{}", options.worker));
    Ok(Fraga {
        ingivare: client.ingivare(&handlaggare),
        personidentitet,
        arendeidentitet: arende,
        from: date("from")?,
        tom: date("tom")?,
        syfte: s("syfte").unwrap_or_else(|| options.syfte.clone()),
        lagtext: s("lagtext").unwrap_or_else(|| options.lagtext.clone()),
        korrelationsid: job.job.idempotency_key.clone(),
        sources,
    })
}
