//! Submission → proposal ready, in rounds. Each round signs in N new citizens, who fill
//! in their applications concurrently (untimed), then wait at a barrier and all send the
//! submit POST at once. Each submission is timed from just before its POST is sent
//! (*sent*) and from when its answer, the redirect to the receipt, has arrived (*answered*)
//! until the poll that first sees its process at the decision point (*ready*):
//!
//! - the user task `utred-och-besluta` exists (a social worker decides), or
//! - the script task `automatiskt-bifall`, which sets `beslut`, has completed.
//!
//! One poller reads the database every `poll` (default 5 ms) with read-only SELECTs for
//! all submissions still pending: the case row for the instance id, the user task or the
//! completed activity, and open incidents (any is an error: the run is not a
//! measurement). A poll's moment is taken after its answer, so *ready* is late by up to
//! one poll interval plus a query; the engine's own timestamp of the proposal (the user
//! task's `created_at`, the activity's `ended_at`, Unix ms, before the commit) is reported
//! beside it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use serde::Serialize;
use sqlx::{AnyPool, AssertSqlSafe, Row};
use tokio::sync::Barrier;

use super::citizens::{Citizen, Citizens, now_ms};
use crate::stats::{Latency, percentile, summarise};

/// A round whose proposals are not all ready by then has failed (generous: with the
/// simulator's realistic latency the calls take seconds each).
const ROUND_LIMIT: Duration = Duration::from_secs(900);

/// `submissions` settings.
pub(crate) struct Options {
    pub(crate) per_round: usize,
    pub(crate) rounds: usize,
    pub(crate) warmup: usize,
    pub(crate) poll: Duration,
}

/// What the submission measurement reports.
#[derive(Debug, Serialize)]
pub(crate) struct SubmissionReport {
    per_round: usize,
    rounds: usize,
    poll_ms: u64,
    /// From just before the submit POST was sent until the poll that saw the proposal.
    ready_after_sent: Latency,
    /// From the submit POST's answer (303 to the receipt) until that poll.
    ready_after_answer: Latency,
    /// The submit POST (the submission transaction) until its 303 arrived.
    submit_call: Latency,
    /// From sent (Unix ms) to the proposal's own timestamp in the database (ms
    /// resolution; before its commit, without the polling delay).
    ready_by_engine_clock: Latency,
    /// Proposals waiting for a social worker (`utred-och-besluta`).
    to_user_task: usize,
    /// Automated decisions (`automatiskt-bifall`).
    automated: usize,
    /// One line per round.
    round_summaries: Vec<RoundSummary>,
}

/// One round at a glance.
#[derive(Debug, Serialize)]
pub(crate) struct RoundSummary {
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// Filling in the applications before the round (untimed in the latencies).
    prepare_seconds: f64,
    /// From the first submit POST sent to the last proposal seen.
    seconds: f64,
}

/// One submission's moments.
#[derive(Debug, Default, Clone)]
struct Slot {
    sent: Option<Instant>,
    sent_ms: i64,
    answered: Option<Instant>,
    instance: Option<String>,
    ready: Option<Instant>,
    ready_ms: i64,
    automated: bool,
}

pub(crate) async fn run(
    citizens: &mut Citizens<'_>,
    options: &Options,
) -> anyhow::Result<SubmissionReport> {
    if options.warmup > 0 {
        eprintln!("submissions: warm-up round of {} (untimed)", options.warmup);
        round(citizens, options.warmup, options.poll).await?;
    }
    let mut all = Vec::new();
    let mut summaries = Vec::new();
    for r in 1..=options.rounds {
        eprintln!(
            "submissions: round {r}/{}, {} concurrent",
            options.rounds, options.per_round
        );
        let (slots, summary) = round(citizens, options.per_round, options.poll).await?;
        eprintln!(
            "submissions: round {r}: ready after sent p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            summary.p50_ms, summary.p99_ms, summary.max_ms
        );
        all.extend(slots);
        summaries.push(summary);
    }
    let nanos = |f: fn(&Slot) -> Option<Duration>| -> anyhow::Result<Vec<u64>> {
        all.iter()
            .map(|s| {
                let d = f(s).ok_or_else(|| anyhow!("a submission without its moments"))?;
                Ok(u64::try_from(d.as_nanos())?)
            })
            .collect()
    };
    let engine_clock: Vec<u64> = all
        .iter()
        .map(|s| u64::try_from((s.ready_ms - s.sent_ms).max(0)).unwrap_or_default() * 1_000_000)
        .collect();
    Ok(SubmissionReport {
        per_round: options.per_round,
        rounds: options.rounds,
        poll_ms: u64::try_from(options.poll.as_millis())?,
        ready_after_sent: summarise(nanos(|s| Some(s.ready? - s.sent?))?),
        ready_after_answer: summarise(nanos(|s| Some(s.ready? - s.answered?))?),
        submit_call: summarise(nanos(|s| Some(s.answered? - s.sent?))?),
        ready_by_engine_clock: summarise(engine_clock),
        to_user_task: all.iter().filter(|s| !s.automated).count(),
        automated: all.iter().filter(|s| s.automated).count(),
        round_summaries: summaries,
    })
}

/// One round of `n` concurrent submissions by new citizens.
async fn round(
    citizens: &mut Citizens<'_>,
    n: usize,
    poll: Duration,
) -> anyhow::Result<(Vec<Slot>, RoundSummary)> {
    let prepare = Instant::now();
    let people: Vec<Arc<Citizen>> = citizens
        .sign_in(n)
        .await?
        .into_iter()
        .map(Arc::new)
        .collect();
    let first_draft = people[0].begin().await?;
    let month = people[0].first_month(&first_draft).await?;
    let mut preparing = tokio::task::JoinSet::new();
    for (i, citizen) in people.iter().enumerate() {
        let citizen = citizen.clone();
        let month = month.clone();
        let first_draft = (i == 0).then(|| first_draft.clone());
        preparing.spawn(async move {
            let draft = match first_draft {
                Some(d) => d,
                None => citizen.begin().await?,
            };
            citizen
                .fill(&draft, &month)
                .await
                .with_context(|| format!("filling in the application of {}", citizen.number))?;
            anyhow::Ok((i, draft))
        });
    }
    let mut drafts = vec![String::new(); n];
    while let Some(done) = preparing.join_next().await {
        let (i, draft) = done??;
        drafts[i] = draft;
    }
    let prepare_seconds = prepare.elapsed().as_secs_f64();

    let slots = Arc::new(Mutex::new(vec![Slot::default(); n]));
    let barrier = Arc::new(Barrier::new(n + 1));
    let mut submitting = tokio::task::JoinSet::new();
    for (i, (citizen, draft)) in people.iter().zip(drafts).enumerate() {
        let citizen = citizen.clone();
        let slots = slots.clone();
        let barrier = barrier.clone();
        let db = citizens.db.clone();
        submitting.spawn(async move {
            barrier.wait().await;
            let sent = Instant::now();
            let sent_ms = now_ms();
            let case = citizen.submit(&draft).await?;
            let answered = Instant::now();
            let instance: String = sqlx::query("SELECT instance_id FROM cases WHERE id = $1")
                .bind(&case)
                .fetch_one(&db)
                .await
                .with_context(|| format!("the case {case} of a receipt"))?
                .try_get("instance_id")?;
            let mut slots = slots.lock().unwrap_or_else(PoisonError::into_inner);
            let slot = &mut slots[i];
            slot.sent = Some(sent);
            slot.sent_ms = sent_ms;
            slot.answered = Some(answered);
            slot.instance = Some(instance);
            anyhow::Ok(())
        });
    }
    barrier.wait().await;
    let first_sent = Instant::now();
    let mut submitted = 0;
    loop {
        while let Some(done) = submitting.try_join_next() {
            done.context("a submission's task")??;
            submitted += 1;
        }
        let pending: Vec<String> = {
            let slots = slots.lock().unwrap_or_else(PoisonError::into_inner);
            slots
                .iter()
                .filter(|s| s.ready.is_none())
                .filter_map(|s| s.instance.clone())
                .collect()
        };
        if submitted == n && pending.is_empty() {
            break;
        }
        if first_sent.elapsed() > ROUND_LIMIT {
            bail!(
                "{} of {n} proposals not ready after {ROUND_LIMIT:?}",
                pending.len() + (n - submitted)
            );
        }
        if !pending.is_empty() {
            let ready = ready(&citizens.db, &pending).await?;
            let seen = Instant::now();
            let mut slots = slots.lock().unwrap_or_else(PoisonError::into_inner);
            for slot in slots.iter_mut() {
                if let Some((at, automated)) = slot.instance.as_ref().and_then(|i| ready.get(i)) {
                    slot.ready.get_or_insert(seen);
                    slot.ready_ms = *at;
                    slot.automated = *automated;
                }
            }
        }
        tokio::time::sleep(poll).await;
    }
    let seconds = first_sent.elapsed().as_secs_f64();
    let slots = slots.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let mut ms: Vec<f64> = slots
        .iter()
        .filter_map(|s| Some((s.ready? - s.sent?).as_secs_f64() * 1000.0))
        .collect();
    ms.sort_by(f64::total_cmp);
    let round2 = |v: f64| (v * 10.0).round() / 10.0;
    let summary = RoundSummary {
        p50_ms: round2(percentile(&ms, 50.0)),
        p99_ms: round2(percentile(&ms, 99.0)),
        max_ms: round2(ms.last().copied().unwrap_or_default()),
        prepare_seconds: (prepare_seconds * 1000.0).round() / 1000.0,
        seconds: (seconds * 1000.0).round() / 1000.0,
    };
    Ok((slots, summary))
}

/// `$from, …, $(from + k - 1)`.
fn placeholders(from: usize, k: usize) -> String {
    (from..from + k)
        .map(|j| format!("${j}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which of `instances` are at their decision point: instance → (the engine's timestamp,
/// automated). An open incident on any of them is an error.
async fn ready(db: &AnyPool, instances: &[String]) -> anyhow::Result<HashMap<String, (i64, bool)>> {
    let k = instances.len();
    let incidents = format!(
        "SELECT instance_id, message FROM incidents WHERE state = 'open' AND instance_id IN ({})",
        placeholders(1, k)
    );
    let mut q = sqlx::query(AssertSqlSafe(incidents));
    for i in instances {
        q = q.bind(i);
    }
    if let Some(row) = q.fetch_optional(db).await? {
        let message: String = row.try_get("message")?;
        bail!("an incident on a submitted case: {message}");
    }
    let sql = format!(
        "SELECT instance_id, created_at AS at, CAST(0 AS BIGINT) AS automated FROM user_tasks \
         WHERE node_id = 'utred-och-besluta' AND instance_id IN ({}) \
         UNION ALL \
         SELECT instance_id, ended_at AS at, CAST(1 AS BIGINT) AS automated FROM history \
         WHERE node_id = 'automatiskt-bifall' AND ended_at IS NOT NULL AND instance_id IN ({})",
        placeholders(1, k),
        placeholders(k + 1, k)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for i in instances.iter().chain(instances) {
        q = q.bind(i);
    }
    let mut out = HashMap::new();
    for row in q.fetch_all(db).await? {
        let instance: String = row.try_get("instance_id")?;
        let at: i64 = row.try_get("at")?;
        let automated: i64 = row.try_get("automated")?;
        out.insert(instance, (at, automated == 1));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders() {
        assert_eq!(placeholders(1, 3), "$1, $2, $3");
        assert_eq!(placeholders(4, 1), "$4");
    }
}
