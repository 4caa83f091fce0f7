//! Works `ssbtek.fetch` jobs: reads `personnummer`, `arendeId` and `period` (`{"from",
//! "tom"}`) from the job's variables, asks SSBTEK through the [`Client`] with the job's
//! idempotency key as korrelationsid, and completes the job with the normalised answer in
//! the variable `ssbtek`. While SSBTEK is down the job fails with backoff and the case
//! waits at the task, to resume when an attempt succeeds; a refused question (a SOAP
//! Client fault) or unusable variables go straight to an incident for a person.
//!
//! [`fetch`] is that work for one job, once: a node runs it as the [`SsbtekFetch`] handler
//! under `flode_engine::worker::Workers` (`flode serve` does), which owns leases and the
//! lease-and-wait loop; [`work_once`] is one round of it over the engine's public job API
//! (`activate_jobs`, `complete_job`, `fail_job`), for tests and callers without `Workers`.

use flode_engine::worker::{Handler, JobFailure};
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
    /// Lease owner, e.g. `node-1/ssbtek`; the handläggare `system:<worker>` when the job
    /// names none.
    pub worker: String,
    /// Jobs leased per round ([`work_once`] only: `Workers` leases its own).
    pub max_jobs: i64,
    /// Longer than a call with all its retries may take ([`work_once`] only).
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
    match fetch(client, options, job).await {
        Ok(vars) => {
            engine.complete_job(id, worker, vars).await?;
            Ok(JobOutcome::Completed)
        }
        Err(failure) => {
            let retries = failure.retries_left(&job.job);
            let failed = engine
                .fail_job(id, worker, retries, &failure.message, failure.backoff_ms)
                .await?;
            Ok(if failed.state == "failed" {
                JobOutcome::Incident
            } else {
                JobOutcome::Retrying
            })
        }
    }
}

/// `ssbtek.fetch` as an in-process worker: `Workers::start(&engine, SsbtekFetch::new(..))`.
#[derive(Debug, Clone)]
pub struct SsbtekFetch {
    client: Client,
    options: WorkerOptions,
}

impl SsbtekFetch {
    /// A handler asking SSBTEK through `client`.
    pub fn new(client: Client, options: WorkerOptions) -> Self {
        Self { client, options }
    }
}

impl Handler for SsbtekFetch {
    fn job_type(&self) -> &str {
        JOB_TYPE
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        fetch(&self.client, &self.options, job).await
    }
}

/// One job's work: asks SSBTEK and returns the variables to complete the job with. Unusable
/// variables or a refused question are permanent (a person must look); SSBTEK unreachable
/// is transient, due again after `options.backoff_ms` doubled per attempt (at most 10
/// minutes) so that the task's retries outlast an outage. Messages never hold the
/// personnummer, even when SSBTEK's own fault text does.
pub async fn fetch(
    client: &Client,
    options: &WorkerOptions,
    job: &ActivatedJob,
) -> Result<Map<String, Value>, JobFailure> {
    let fraga = fraga(client, options, job).map_err(JobFailure::permanent)?;
    let person = fraga.personidentitet.as_str();
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
            Ok(vars)
        }
        Err(e) if e.refused() => Err(JobFailure::permanent(scrub(
            &format!("SSBTEK avvisade frågan: {e}"),
            person,
        ))),
        Err(e) => {
            let backoff = backoff_ms(options, job.job.attempts);
            let message = scrub(&format!("SSBTEK svarade inte: {e}"), person);
            tracing::info!(job = %job.job.id, arende = %fraga.arendeidentitet, backoff, error = %message, "SSBTEK job will be retried");
            Err(JobFailure::transient(message).after_ms(backoff))
        }
    }
}

/// `options.backoff_ms` × 2^(attempts − 1), at most 10 minutes.
fn backoff_ms(options: &WorkerOptions, attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    options.backoff_ms.saturating_mul(1i64 << exp).min(600_000)
}

/// `message` without `person` in any of its written forms (12 or 10 digits, with or
/// without separator): job errors and incidents are shown to staff and logged.
fn scrub(message: &str, person: &str) -> String {
    if person.len() != 12 || !person.is_ascii() {
        return message.to_owned();
    }
    let (century, date, rest) = (&person[..2], &person[2..8], &person[8..]);
    let mut forms = vec![person.to_owned(), format!("{century}{date}-{rest}")];
    for sep in ["", "-", "+"] {
        forms.push(format!("{date}{sep}{rest}"));
    }
    // Longest first, so the 12-digit forms go before the 10-digit ones inside them.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    let mut out = message.to_owned();
    for form in forms {
        out = out.replace(&form, "***");
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_form_of_the_personnummer_survives_in_a_message() {
        let person = "199001011239";
        for text in [
            "199001011239",
            "19900101-1239",
            "9001011239",
            "900101-1239",
            "900101+1239",
        ] {
            let scrubbed = scrub(&format!("okänd person {text} i frågan"), person);
            assert_eq!(scrubbed, "okänd person *** i frågan");
        }
        assert_eq!(scrub("HTTP 503", person), "HTTP 503");
    }

    #[test]
    fn the_backoff_doubles_per_attempt_up_to_ten_minutes() {
        let options = WorkerOptions::new("w", "l");
        assert_eq!(backoff_ms(&options, 0), 30_000);
        assert_eq!(backoff_ms(&options, 1), 30_000);
        assert_eq!(backoff_ms(&options, 2), 60_000);
        assert_eq!(backoff_ms(&options, 3), 120_000);
        assert_eq!(backoff_ms(&options, 6), 600_000);
        assert_eq!(backoff_ms(&options, 60), 600_000);
    }
}
