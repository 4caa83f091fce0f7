//! Robots as workers of the job queue. Each robot is a loop on a node: it looks for a due
//! job of a type one of its targets' scripts work, leases a licence seat of that target
//! (the legacy system's concurrency cap, shared by every node), claims the job, signs in
//! with a vault credential, runs the script in its browser and settles the job:
//!
//! - done (or found already done): the job completes with the script's outputs;
//! - business exception: a review item for a person and the job failed with no retries
//!   (an incident), in one transaction, never retried by itself;
//! - system exception: the browser is restarted and the job retried with backoff; out of
//!   retries it becomes an incident.
//!
//! Every attempt is a run record, with its redacted captures kept as evidence. Heartbeats
//! renew the robot's row and its seat; a robot that misses six is marked dead by any node's
//! housekeeping, which gives its job back to the queue and frees its seat — the script's
//! check before writing makes the second attempt find the first one's work.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::futures::Notified;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use flode_engine::{ActivatedJob, Engine};
use flode_store::{
    RobotEvidenceRecord, RobotRecord, RobotReviewRecord, RobotRunRecord, RobotTargetRecord,
};

use crate::browser::{BrowserError, Chromium, ChromiumConfig, Page};
use crate::runner::{Login, Outcome, Report, mask_personnummer, run};
use crate::script::{Script, ScriptSet, Session};
use crate::vault::Vault;

/// A legacy system robots work in, as a node's settings declare it.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub url: String,
    /// Robots working in it at once, over all nodes (its licences).
    pub seats: i64,
    /// Tags a robot must have to work here (a pool on the network segment that reaches it).
    pub requires: Vec<String>,
    /// The scripts for its UI version.
    pub scripts: ScriptSet,
}

/// The robots of one node.
#[derive(Debug, Clone)]
pub struct RobotsConfig {
    pub node: String,
    pub pool: String,
    pub tags: Vec<String>,
    /// Robots on this node (each with its own browser).
    pub robots: usize,
    pub targets: Vec<Target>,
    /// How long a claimed job is the robot's from its last heartbeat (each heartbeat during
    /// the run extends it), unless its robot is found dead first (then it goes back to the
    /// queue after six missed heartbeats).
    pub job_lease_ms: i64,
    /// How often a robot reports that it lives (and renews its seat).
    pub heartbeat_ms: i64,
    /// Wait before the first retry after a system exception; doubles per attempt.
    pub retry_backoff_ms: i64,
    /// How long screenshots and HTML of runs are kept.
    pub evidence_keep_ms: i64,
    /// How often an idle robot looks for work.
    pub poll: Duration,
}

impl RobotsConfig {
    /// Defaults for `targets` on `node`: two robots, job leases of ten minutes.
    pub fn new(node: impl Into<String>, targets: Vec<Target>) -> Self {
        Self {
            node: node.into(),
            pool: "default".into(),
            tags: Vec::new(),
            robots: 2,
            targets,
            job_lease_ms: 600_000,
            heartbeat_ms: 5_000,
            retry_backoff_ms: 30_000,
            evidence_keep_ms: 30 * 24 * 3_600_000,
            poll: Duration::from_millis(500),
        }
    }
}

/// Heartbeats a seat lease lasts: a robot that stops beating frees its seat after this many.
const SEAT_LEASE_BEATS: i64 = 3;

/// Heartbeats a robot may miss before it counts as dead.
const DEAD_AFTER_BEATS: i64 = 6;

/// Longest wait between retries after system exceptions.
const MAX_BACKOFF_MS: i64 = 30 * 60_000;

/// How robots get a browser; Chromium in production, a fake in tests.
pub trait Browsers: Send + Sync + 'static {
    type Page: Page + 'static;
    fn launch(&self) -> impl Future<Output = Result<Self::Page, BrowserError>> + Send;
    fn close(&self, page: Self::Page) -> impl Future<Output = ()> + Send;
}

impl Browsers for ChromiumConfig {
    type Page = Chromium;

    async fn launch(&self) -> Result<Chromium, BrowserError> {
        Chromium::start(self).await
    }

    async fn close(&self, page: Chromium) {
        page.stop().await;
    }
}

/// A node's robots cannot start.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(
        "job type {job_type} is scripted for two targets ({first} and {second}); a job type must have one"
    )]
    TwoTargets {
        job_type: String,
        first: String,
        second: String,
    },
    #[error(
        "target {target}: its scripts are for UI versions {first} and {second}; a set is for one"
    )]
    MixedUi {
        target: String,
        first: String,
        second: String,
    },
    #[error("target {target}: seats must be at least 1")]
    NoSeats { target: String },
    #[error(transparent)]
    Store(#[from] flode_store::Error),
    #[error(transparent)]
    Engine(#[from] flode_engine::Error),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

struct Shared<B> {
    engine: Engine,
    vault: Vault,
    browsers: B,
    config: RobotsConfig,
}

/// The running robots of a node; stop them with [`Robots::shutdown`].
pub struct Robots {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Robots {
    /// Declares the targets in the store and starts the robots.
    pub async fn start<B: Browsers>(
        engine: &Engine,
        vault: Vault,
        browsers: B,
        config: RobotsConfig,
    ) -> Result<Robots, WorkerError> {
        check(&config)?;
        let now = engine.now();
        let credentials = crate::vault::list(engine.store()).await?;
        for t in &config.targets {
            let accounts = credentials.iter().filter(|c| c.target == t.name).count();
            if accounts == 0 {
                tracing::warn!(target = %t.name, "no robot account in the vault for this target: its items will fail until one is set (flode robot credential set)");
            } else if i64::try_from(accounts).unwrap_or(i64::MAX) < t.seats {
                tracing::warn!(target = %t.name, accounts, seats = t.seats, "fewer robot accounts than seats: robots share accounts, which a system that allows one session per account does not bear");
            }
            let ui = t
                .scripts
                .scripts
                .values()
                .next()
                .map(|s| s.ui.clone())
                .unwrap_or_default();
            engine
                .store()
                .declare_robot_target(&RobotTargetRecord {
                    name: t.name.clone(),
                    url: t.url.clone(),
                    ui,
                    seats: t.seats,
                    maintenance: false,
                    script_version: None,
                    updated_at: now,
                })
                .await?;
        }
        let shared = Arc::new(Shared {
            engine: engine.clone(),
            vault,
            browsers,
            config,
        });
        let (stop, _) = watch::channel(false);
        let mut tasks = Vec::new();
        for n in 1..=shared.config.robots {
            let id = format!("{}/robot-{n}", shared.config.node);
            tasks.push(tokio::spawn(robot(
                Arc::clone(&shared),
                id,
                stop.subscribe(),
            )));
        }
        tasks.push(tokio::spawn(housekeeping(
            Arc::clone(&shared),
            stop.subscribe(),
        )));
        Ok(Robots { stop, tasks })
    }

    /// Stops at once, dropping the items in hand unsettled, as a crash of the node would:
    /// their jobs go back to the queue when their leases run out, and their seats when
    /// the seat leases do.
    pub fn abort(self) {
        for task in self.tasks {
            task.abort();
        }
    }

    /// Stops looking for work; items in hand finish first.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

fn check(config: &RobotsConfig) -> Result<(), WorkerError> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for t in &config.targets {
        if t.seats < 1 {
            return Err(WorkerError::NoSeats {
                target: t.name.clone(),
            });
        }
        let mut scripts = t.scripts.scripts.values();
        if let Some(first) = scripts.next()
            && let Some(other) = scripts.find(|s| s.ui != first.ui)
        {
            return Err(WorkerError::MixedUi {
                target: t.name.clone(),
                first: first.ui.clone(),
                second: other.ui.clone(),
            });
        }
        for job_type in t.scripts.job_types() {
            if let Some((_, first)) = seen.iter().find(|(jt, _)| *jt == job_type) {
                return Err(WorkerError::TwoTargets {
                    job_type: job_type.into(),
                    first: (*first).into(),
                    second: t.name.clone(),
                });
            }
            seen.push((job_type, &t.name));
        }
    }
    Ok(())
}

/// One robot's life: look for work, do it, report that it lives.
async fn robot<B: Browsers>(shared: Arc<Shared<B>>, id: String, mut stop: watch::Receiver<bool>) {
    let mut me = Me {
        record: RobotRecord {
            id: id.clone(),
            node: shared.config.node.clone(),
            pool: shared.config.pool.clone(),
            tags: shared.config.tags.join(","),
            state: "idle".into(),
            job_id: None,
            target: None,
            heartbeat_at: 0,
            started_at: shared.engine.now(),
        },
        page: None,
        session: None,
    };
    let mut turn = 0usize;
    // A job made ready wakes an idle robot at once; the poll stays for what no waker
    // announces (a seat given back, maintenance ended).
    let mut job_types: Vec<&str> = shared
        .config
        .targets
        .iter()
        .flat_map(|t| t.scripts.scripts.keys().map(String::as_str))
        .collect();
    job_types.sort_unstable();
    job_types.dedup();
    let wakers: Vec<Arc<Notify>> = job_types
        .iter()
        .map(|t| shared.engine.job_waker(t))
        .collect();
    while !*stop.borrow() {
        me.beat(&shared, "idle", None, None, false).await;
        // Registered before looking, so a job committed in between is not missed.
        let mut woken: Vec<Pin<Box<Notified<'_>>>> =
            wakers.iter().map(|w| Box::pin(w.notified())).collect();
        for w in &mut woken {
            w.as_mut().enable();
        }
        let found = match next_item(&shared, &me.record.id, turn).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(robot = %me.record.id, error = %e, "robot could not look for work");
                None
            }
        };
        turn = turn.wrapping_add(1);
        match found {
            Some(item) => {
                let target = &shared.config.targets[item.target].name;
                me.work(&shared, &item).await;
                if let Err(e) = shared
                    .engine
                    .store()
                    .release_robot_seat(target, &me.record.id)
                    .await
                {
                    tracing::warn!(robot = %me.record.id, error = %e, "robot could not give its seat back");
                }
            }
            None => {
                let any_woken = std::future::poll_fn(|cx| {
                    if woken.iter_mut().any(|w| w.as_mut().poll(cx).is_ready()) {
                        Poll::Ready(())
                    } else {
                        Poll::Pending
                    }
                });
                tokio::select! {
                    () = tokio::time::sleep(shared.config.poll) => {}
                    () = any_woken => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
    if let Some(page) = me.page.take() {
        shared.browsers.close(page).await;
    }
    me.beat(&shared, "stopped", None, None, true).await;
}

/// A claimed job, the seat it is worked on and the script that works it.
struct Item {
    target: usize,
    seat: i64,
    job_type: String,
    job: ActivatedJob,
}

/// The next job for this robot: targets taken in turn (so one busy target does not starve
/// the others), skipping those in maintenance, those whose tags it lacks and scripts other
/// than a pinned version. A seat is leased only when a job is due, and given back when
/// another robot claimed it first.
async fn next_item<B: Browsers>(
    shared: &Shared<B>,
    robot: &str,
    turn: usize,
) -> Result<Option<Item>, WorkerError> {
    let store = shared.engine.store();
    let config = &shared.config;
    if config.targets.is_empty() {
        return Ok(None);
    }
    let records = store.robot_targets().await?;
    for k in 0..config.targets.len() {
        let index = (turn + k) % config.targets.len();
        let target = &config.targets[index];
        let Some(record) = records.iter().find(|r| r.name == target.name) else {
            continue;
        };
        if record.maintenance || !target.requires.iter().all(|t| config.tags.contains(t)) {
            continue;
        }
        for script in target.scripts.scripts.values() {
            if record
                .script_version
                .is_some_and(|pin| pin != i64::from(script.version))
            {
                continue;
            }
            let now = shared.engine.now();
            if !store.ready_job_due(&script.job_type, now).await? {
                continue;
            }
            let until = now + SEAT_LEASE_BEATS * config.heartbeat_ms;
            let Some(seat) = store
                .lease_robot_seat(&target.name, robot, record.seats, until, now)
                .await?
            else {
                // Every licence is in use: the target's other job types wait too.
                break;
            };
            let mut jobs = shared
                .engine
                .activate_jobs(&script.job_type, robot, 1, config.job_lease_ms)
                .await?;
            if let Some(job) = jobs.pop() {
                return Ok(Some(Item {
                    target: index,
                    seat,
                    job_type: script.job_type.clone(),
                    job,
                }));
            }
            store.release_robot_seat(&target.name, robot).await?;
        }
    }
    Ok(None)
}

/// A robot's own state: its record and its browser, kept between items.
struct Me<P> {
    record: RobotRecord,
    page: Option<P>,
    /// The target (index) and account the browser is signed in to, kept by a script
    /// with `session = "keep"`.
    session: Option<(usize, String)>,
}

impl<P: Page + 'static> Me<P> {
    /// Records the robot's state; when idle at most every heartbeat interval.
    async fn beat<B: Browsers<Page = P>>(
        &mut self,
        shared: &Shared<B>,
        state: &str,
        job_id: Option<&str>,
        target: Option<&str>,
        force: bool,
    ) {
        let now = shared.engine.now();
        let changed = self.record.state != state || self.record.job_id.as_deref() != job_id;
        if !force && !changed && now - self.record.heartbeat_at < shared.config.heartbeat_ms {
            return;
        }
        self.record.state = state.into();
        self.record.job_id = job_id.map(str::to_owned);
        self.record.target = target.map(str::to_owned);
        heartbeat(shared, &mut self.record).await;
    }

    /// Works one item and settles its job.
    async fn work<B: Browsers<Page = P>>(&mut self, shared: &Shared<B>, item: &Item) {
        let target = &shared.config.targets[item.target];
        let Some(script) = target.scripts.scripts.get(&item.job_type) else {
            return;
        };
        let job_id = item.job.job.id.clone();
        self.beat(shared, "working", Some(&job_id), Some(&target.name), true)
            .await;
        let started_at = shared.engine.now();
        let report = self.attempt(shared, target, script, item).await;
        let system = matches!(report.outcome, Outcome::System { .. });
        settle(
            shared,
            &self.record.id,
            target,
            script,
            item,
            started_at,
            report,
        )
        .await;
        if system && let Some(page) = self.page.take() {
            self.session = None;
            // A system exception may have left the browser anywhere: the next item gets a
            // fresh one.
            self.beat(shared, "restarting", None, Some(&target.name), true)
                .await;
            shared.browsers.close(page).await;
        }
    }

    /// Signs in with the seat's credential and runs the script, beating meanwhile.
    async fn attempt<B: Browsers<Page = P>>(
        &mut self,
        shared: &Shared<B>,
        target: &Target,
        script: &Script,
        item: &Item,
    ) -> Report {
        let now = shared.engine.now();
        let credential = match shared
            .vault
            .credential_for(
                &target.name,
                item.seat,
                &self.record.id,
                Some(&item.job.job.id),
                now,
            )
            .await
        {
            Ok(c) => c,
            Err(e) => return failed("inloggning", format!("no credential: {e}")),
        };
        if self.page.is_none() {
            match shared.browsers.launch().await {
                Ok(page) => self.page = Some(page),
                Err(e) => return failed("webbläsare", e.to_string()),
            }
        }
        let Some(page) = self.page.as_mut() else {
            return failed("webbläsare", "no browser".into());
        };
        let login = Login {
            username: &credential.username,
            password: credential.password.expose(),
        };
        // Taken whatever this script says: a run that signs in per item may do so with
        // another account, and the kept session is then no longer the browser's.
        let kept = self.session.take();
        let keep = script.session == Session::Keep;
        let signed_in =
            keep && kept.is_some_and(|(t, user)| t == item.target && user == credential.username);
        let running = run(
            script,
            page,
            &item.job.variables,
            &login,
            &target.url,
            signed_in,
        );
        tokio::pin!(running);
        let mut beats = tokio::time::interval(Duration::from_millis(
            u64::try_from(shared.config.heartbeat_ms).unwrap_or(5_000),
        ));
        beats.tick().await;
        let report = loop {
            tokio::select! {
                report = &mut running => break report,
                _ = beats.tick() => {
                    heartbeat(shared, &mut self.record).await;
                    // A slow legacy system may outlast the job's lease: a living robot keeps
                    // it, so that no other robot takes the item meanwhile.
                    if let Err(e) = shared
                        .engine
                        .extend_job_lease(&item.job.job.id, &self.record.id, shared.config.job_lease_ms)
                        .await
                    {
                        tracing::warn!(robot = %self.record.id, job = %item.job.job.id, error = %e, "robot could not extend its job's lease");
                    }
                }
            }
        };
        // After a system exception the browser is closed; otherwise the run ended on a
        // page of the target, signed in.
        if keep && !matches!(report.outcome, Outcome::System { .. }) {
            self.session = Some((item.target, credential.username.clone()));
        }
        report
    }
}

/// Records that the robot lives, as `record` says, and renews its seat lease.
async fn heartbeat<B: Browsers>(shared: &Shared<B>, record: &mut RobotRecord) {
    let now = shared.engine.now();
    record.heartbeat_at = now;
    let seat_until = now + SEAT_LEASE_BEATS * shared.config.heartbeat_ms;
    if let Err(e) = shared
        .engine
        .store()
        .robot_heartbeat(record, seat_until)
        .await
    {
        tracing::warn!(robot = %record.id, error = %e, "robot heartbeat not recorded");
    }
}

/// A system exception before the script could start.
fn failed(step: &str, message: String) -> Report {
    Report {
        outcome: Outcome::System {
            step: step.into(),
            message,
        },
        captures: Vec::new(),
        steps_run: 0,
        relogins: 0,
        sign_ins: 0,
    }
}

/// Settles the job as the run ended and records the run with its evidence. A report that
/// fails (the lease was lost to another robot after a long stall) leaves the job to the
/// queue: the next attempt's check finds any work this one did.
async fn settle<B: Browsers>(
    shared: &Shared<B>,
    robot: &str,
    target: &Target,
    script: &Script,
    item: &Item,
    started_at: i64,
    report: Report,
) {
    let engine = &shared.engine;
    let job = &item.job.job;
    let now = engine.now();
    let (outcome, step, message, settled) = match report.outcome {
        Outcome::Done {
            outputs,
            already_done,
        } => {
            let settled = engine.complete_job(&job.id, Some(robot), outputs).await;
            let outcome = if already_done { "already_done" } else { "done" };
            (outcome, None, None, settled)
        }
        Outcome::Business { step, message } => {
            let message = mask_personnummer(&message);
            let settled = to_review(shared, robot, target, item, &step, &message, now).await;
            ("business", Some(step), Some(message), settled)
        }
        Outcome::System { step, message } => {
            let message = mask_personnummer(&message);
            let retries = (job.retries - 1).max(0);
            let backoff = backoff_ms(shared.config.retry_backoff_ms, job.attempts);
            let settled = engine
                .fail_job(
                    &job.id,
                    Some(robot),
                    retries,
                    &format!("{step}: {message}"),
                    Some(backoff),
                )
                .await
                .map(|_| ());
            ("system", Some(step), Some(message), settled)
        }
    };
    if let Err(e) = settled {
        tracing::warn!(robot, job = %job.id, error = %e, "robot could not settle its job");
    }
    let run_id = uuid::Uuid::now_v7().to_string();
    tracing::info!(robot, job = %job.id, job_type = %job.job_type, target = %target.name, outcome, steps = report.steps_run, relogins = report.relogins, sign_ins = report.sign_ins, "robot run ended");
    let store = engine.store();
    let record = RobotRunRecord {
        id: run_id.clone(),
        job_id: job.id.clone(),
        job_type: job.job_type.clone(),
        robot: robot.into(),
        target: target.name.clone(),
        script: format!("{}@{}/{}", script.name, script.version, script.ui),
        started_at,
        ended_at: now,
        outcome: outcome.into(),
        step,
        message,
        sign_ins: i64::from(report.sign_ins),
        relogins: i64::from(report.relogins),
    };
    if let Err(e) = store.insert_robot_run(&record).await {
        tracing::warn!(robot, job = %job.id, error = %e, "robot run not recorded");
    }
    for capture in report.captures {
        let evidence = RobotEvidenceRecord {
            id: uuid::Uuid::now_v7().to_string(),
            job_id: job.id.clone(),
            run_id: run_id.clone(),
            name: capture.name,
            created_at: now,
            expires_at: now + shared.config.evidence_keep_ms,
        };
        if let Err(e) = store
            .insert_robot_evidence(&evidence, &capture.png, capture.html.as_deref())
            .await
        {
            tracing::warn!(robot, job = %job.id, error = %e, "robot evidence not kept");
        }
    }
}

/// A business exception: the review item and the job's failure without retries (its
/// incident) commit together.
async fn to_review<B: Browsers>(
    shared: &Shared<B>,
    robot: &str,
    target: &Target,
    item: &Item,
    step: &str,
    message: &str,
    now: i64,
) -> Result<(), flode_engine::Error> {
    let engine = &shared.engine;
    let job = &item.job.job;
    let mut tx = engine.transaction().await?;
    tx.upsert_robot_review(&RobotReviewRecord {
        job_id: job.id.clone(),
        instance_id: job.instance_id.clone(),
        job_type: job.job_type.clone(),
        target: target.name.clone(),
        step: step.into(),
        message: message.into(),
        created_at: now,
        resolved_at: None,
        resolved_by: None,
        resolution: None,
    })
    .await?;
    engine
        .fail_job_in(
            &mut tx,
            &job.id,
            Some(robot),
            0,
            &format!("{step}: {message}"),
            None,
        )
        .await?;
    engine.commit_transaction(tx).await
}

/// `base` doubled per attempt made, at most [`MAX_BACKOFF_MS`].
fn backoff_ms(base: i64, attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    base.saturating_mul(1_i64 << doublings).min(MAX_BACKOFF_MS)
}

/// Gives back the jobs and seats of robots that stopped beating (a node that died), every
/// two heartbeats, and deletes evidence past its time every ten minutes.
async fn housekeeping<B: Browsers>(shared: Arc<Shared<B>>, mut stop: watch::Receiver<bool>) {
    let every =
        Duration::from_millis(u64::try_from(2 * shared.config.heartbeat_ms).unwrap_or(10_000));
    let mut evidence_swept_at: Option<i64> = None;
    while !*stop.borrow() {
        let store = shared.engine.store();
        let now = shared.engine.now();
        match store
            .reap_dead_robots(now - DEAD_AFTER_BEATS * shared.config.heartbeat_ms, now)
            .await
        {
            Ok(dead) => {
                for robot in dead {
                    tracing::warn!(%robot, "robot stopped beating: its job and seat are given back");
                }
            }
            Err(e) => tracing::warn!(error = %e, "dead robots not looked for"),
        }
        if evidence_swept_at.is_none_or(|at| now - at >= 600_000) {
            evidence_swept_at = Some(now);
            match store.delete_expired_robot_evidence(now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "expired robot evidence deleted"),
                Err(e) => tracing::warn!(error = %e, "expired robot evidence not deleted"),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_ceiling() {
        assert_eq!(backoff_ms(30_000, 1), 30_000);
        assert_eq!(backoff_ms(30_000, 2), 60_000);
        assert_eq!(backoff_ms(30_000, 4), 240_000);
        assert_eq!(backoff_ms(30_000, 40), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(30_000, 0), 30_000);
    }
}
