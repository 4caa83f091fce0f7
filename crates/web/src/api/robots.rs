//! The software robots (`docs/robots.md`, "Monitoring"): the dashboard's figures, the
//! manual-review queue and its resolutions, and a target's maintenance mode and pinned
//! script version. The staff pages (`pages/robots.rs`) and `/metrics` read the same
//! [`Dashboard`].

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use flode_robots::review::{self, Resolution, ReviewError};
use flode_security::Principal;
use flode_store::{RobotReviewRecord, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::extract::ApiJson;
use crate::problem::{FieldProblemBody, Problem, ProblemBody};
use crate::state::AppState;
use crate::timefmt::rfc3339;

/// Job types the robots work: `legacy.*`.
pub(crate) const JOB_PREFIX: &str = "legacy.";
/// A robot whose last heartbeat is older than this is dead (it beats every 5 s).
pub(crate) const DEAD_AFTER_MS: i64 = 30_000;
/// A work item is at risk when its case must be decided within this …
pub(crate) const DEADLINE_RISK_MS: i64 = 2 * DAY_MS;
/// … or when it has waited longer than this.
pub(crate) const WAIT_RISK_MS: i64 = HOUR_MS;
/// Most work items at risk listed.
const AT_RISK_LIMIT: i64 = 100;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The states a robot reports, in the order they are shown; `dead` is derived.
pub(crate) const ROBOT_STATES: [&str; 5] = ["idle", "working", "restarting", "stopped", "dead"];
/// The outcomes of a run.
pub(crate) const RUN_OUTCOMES: [&str; 4] = ["done", "already_done", "business", "system"];

/// One queue: the jobs of one robot job type.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QueueView {
    /// `legacy.register_payment`, …
    pub(crate) job_type: String,
    /// Waiting for a robot (retries after a system exception included).
    pub(crate) ready: i64,
    /// With a robot now.
    pub(crate) in_progress: i64,
    /// Failed: waiting for a person in the review queue, or out of retries (an incident).
    pub(crate) failed: i64,
    /// Of the failed, those in the review queue.
    pub(crate) reviews_open: i64,
    /// Age of the oldest ready or in-progress job, in seconds; absent when none waits.
    pub(crate) oldest_waiting_seconds: Option<i64>,
    /// Runs done (or found already done) in the last hour.
    pub(crate) done_last_hour: i64,
    /// Runs done (or found already done) in the last 24 hours.
    pub(crate) done_last_24h: i64,
}

/// How many runs ended one way in the last 24 hours.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct OutcomeCount {
    /// `done`, `already_done`, `business` or `system`.
    pub(crate) outcome: &'static str,
    pub(crate) count: i64,
}

/// A cause of failed runs in the last 24 hours.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct FailureCauseView {
    /// `business` (to a person) or `system` (retried).
    pub(crate) kind: String,
    /// The script step that failed (empty if none).
    pub(crate) step: String,
    /// The script's or WebDriver's message (never personal data).
    pub(crate) message: String,
    /// Runs that failed this way.
    pub(crate) count: i64,
}

/// A robot as its last heartbeat left it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RobotView {
    /// `{node}/robot-{n}`.
    pub(crate) id: String,
    pub(crate) node: String,
    pub(crate) pool: String,
    /// `idle`, `working`, `restarting` or `stopped` as reported, or `dead` when a node
    /// reaped it.
    pub(crate) state: String,
    /// No heartbeat for more than 30 s while not stopped (or reaped as dead).
    pub(crate) dead: bool,
    /// The target it works in now.
    pub(crate) target: Option<String>,
    /// The job it works on now.
    pub(crate) job_id: Option<String>,
    /// Last heartbeat (RFC 3339).
    pub(crate) heartbeat_at: String,
    /// Seconds since the last heartbeat.
    pub(crate) heartbeat_age_seconds: i64,
    /// Busy time of its runs that ended in the last hour, per hour (0–1).
    pub(crate) utilisation: f64,
    /// Sign-ins to legacy systems by its runs that ended in the last hour.
    pub(crate) sign_ins_last_hour: i64,
    /// Of those, sign-ins after a session was lost mid-run.
    pub(crate) relogins_last_hour: i64,
    #[serde(skip)]
    pub(crate) heartbeat_at_ms: i64,
}

/// A legacy system the robots work in.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TargetView {
    pub(crate) name: String,
    /// The legacy UI version its scripts are for.
    pub(crate) ui: String,
    /// Robots working in it at once, at most (its licences).
    pub(crate) seats: i64,
    /// Seats leased now.
    pub(crate) seats_in_use: i64,
    /// No new work while on.
    pub(crate) maintenance: bool,
    /// Robots run only this script version, if set.
    pub(crate) script_version: Option<i64>,
}

/// A robot job not done that is at risk: its case's deadline is near, or it waited long.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AtRiskView {
    pub(crate) job_id: String,
    pub(crate) job_type: String,
    /// `ready`, `active` or `failed`.
    pub(crate) state: String,
    pub(crate) instance_id: Option<String>,
    /// The case, when the job's instance is one.
    pub(crate) case_id: Option<String>,
    pub(crate) case_number: Option<String>,
    /// When the case must be decided (RFC 3339).
    pub(crate) case_due_at: Option<String>,
    /// Seconds since the job was created.
    pub(crate) waiting_seconds: i64,
    /// `deadline` (decision due within two days, or past) and/or `waiting` (over an hour).
    pub(crate) reasons: Vec<&'static str>,
    #[serde(skip)]
    pub(crate) case_due_at_ms: Option<i64>,
    #[serde(skip)]
    pub(crate) waiting_ms: i64,
}

/// The robots' dashboard: queues, throughput, failures, robots, targets, items at risk.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Dashboard {
    /// When the figures were read (RFC 3339).
    pub(crate) generated_at: String,
    pub(crate) queues: Vec<QueueView>,
    /// Runs done in the last hour, all queues.
    pub(crate) done_last_hour: i64,
    /// Runs done in the last 24 hours, all queues.
    pub(crate) done_last_24h: i64,
    /// Runs of the last 24 hours by outcome (every outcome, zeros included).
    pub(crate) runs_24h: Vec<OutcomeCount>,
    /// Business and system exceptions of the last 24 hours, most frequent first.
    pub(crate) failure_causes: Vec<FailureCauseView>,
    /// Open review items, all queues.
    pub(crate) reviews_open: i64,
    pub(crate) robots: Vec<RobotView>,
    pub(crate) targets: Vec<TargetView>,
    pub(crate) at_risk: Vec<AtRiskView>,
}

impl Dashboard {
    /// Robots per state, `dead` instead of the reported state for dead ones; every state
    /// of [`ROBOT_STATES`] is present.
    pub(crate) fn robots_by_state(&self) -> BTreeMap<String, i64> {
        let mut out: BTreeMap<String, i64> =
            ROBOT_STATES.iter().map(|s| ((*s).to_owned(), 0)).collect();
        for r in &self.robots {
            let state = if r.dead { "dead" } else { r.state.as_str() };
            *out.entry(state.to_owned()).or_default() += 1;
        }
        out
    }
}

fn is_done(outcome: &str) -> bool {
    outcome == "done" || outcome == "already_done"
}

/// Reads the dashboard's figures as of `now`.
pub(crate) async fn dashboard(store: &Store, now: i64) -> Result<Dashboard, flode_store::Error> {
    let queues = store.robot_queues(JOB_PREFIX).await?;
    let hour = store.robot_run_counts(now - HOUR_MS).await?;
    let day = store.robot_run_counts(now - DAY_MS).await?;
    let reviews = store.open_robot_reviews().await?;
    let causes = store.robot_failure_causes(now - DAY_MS).await?;
    let activity = store.robot_activity(now - HOUR_MS).await?;
    let robots = store.robots().await?;
    let targets = store.robot_targets().await?;
    let seats = store.robot_seats_in_use(now).await?;
    let at_risk = store
        .robot_jobs_at_risk(
            JOB_PREFIX,
            now + DEADLINE_RISK_MS,
            now - WAIT_RISK_MS,
            AT_RISK_LIMIT,
        )
        .await?;

    let done = |counts: &[(String, String, i64)], job_type: Option<&str>| -> i64 {
        counts
            .iter()
            .filter(|(t, o, _)| is_done(o) && job_type.is_none_or(|jt| jt == t))
            .map(|(_, _, n)| n)
            .sum()
    };
    let reviews_of = |job_type: &str| reviews.iter().filter(|r| r.job_type == job_type).count();
    let mut job_types: Vec<String> = queues.iter().map(|q| q.0.clone()).collect();
    // A queue emptied in the last day still shows its throughput.
    for (t, _, _) in &day {
        if !job_types.contains(t) {
            job_types.push(t.clone());
        }
    }
    job_types.sort();
    let queues = job_types
        .into_iter()
        .map(|job_type| {
            let (ready, in_progress, failed, oldest) = queues
                .iter()
                .find(|q| q.0 == job_type)
                .map_or((0, 0, 0, None), |q| (q.1, q.2, q.3, q.4));
            QueueView {
                ready,
                in_progress,
                failed,
                reviews_open: i64::try_from(reviews_of(&job_type)).unwrap_or(i64::MAX),
                oldest_waiting_seconds: oldest.map(|at| (now - at).max(0) / 1000),
                done_last_hour: done(&hour, Some(&job_type)),
                done_last_24h: done(&day, Some(&job_type)),
                job_type,
            }
        })
        .collect();
    let runs_24h = RUN_OUTCOMES
        .iter()
        .map(|outcome| OutcomeCount {
            outcome,
            count: day
                .iter()
                .filter(|(_, o, _)| o == outcome)
                .map(|(_, _, n)| n)
                .sum(),
        })
        .collect();
    let robots = robots
        .into_iter()
        .map(|r| {
            let (busy_ms, sign_ins, relogins) = activity
                .iter()
                .find(|a| a.robot == r.id)
                .map_or((0, 0, 0), |a| (a.busy_ms, a.sign_ins, a.relogins));
            // Whole milliseconds of one hour: exact in f64.
            #[allow(clippy::cast_precision_loss)]
            let utilisation = (busy_ms.clamp(0, HOUR_MS) as f64) / (HOUR_MS as f64);
            RobotView {
                dead: r.state == "dead"
                    || (r.state != "stopped" && now - r.heartbeat_at > DEAD_AFTER_MS),
                heartbeat_at: rfc3339(r.heartbeat_at),
                heartbeat_age_seconds: (now - r.heartbeat_at).max(0) / 1000,
                heartbeat_at_ms: r.heartbeat_at,
                utilisation,
                sign_ins_last_hour: sign_ins,
                relogins_last_hour: relogins,
                id: r.id,
                node: r.node,
                pool: r.pool,
                state: r.state,
                target: r.target,
                job_id: r.job_id,
            }
        })
        .collect();
    let targets = targets
        .into_iter()
        .map(|t| TargetView {
            seats_in_use: seats
                .iter()
                .find(|(name, _)| *name == t.name)
                .map_or(0, |(_, n)| *n),
            name: t.name,
            ui: t.ui,
            seats: t.seats,
            maintenance: t.maintenance,
            script_version: t.script_version,
        })
        .collect();
    let at_risk = at_risk
        .into_iter()
        .map(|(job, case)| {
            let due = case.as_ref().map(|c| c.due_at);
            let mut reasons = Vec::new();
            if due.is_some_and(|d| d <= now + DEADLINE_RISK_MS) {
                reasons.push("deadline");
            }
            if job.created_at <= now - WAIT_RISK_MS {
                reasons.push("waiting");
            }
            AtRiskView {
                job_id: job.id,
                job_type: job.job_type,
                state: job.state,
                instance_id: job.instance_id,
                case_id: case.as_ref().map(|c| c.id.clone()),
                case_number: case.map(|c| c.case_number),
                case_due_at: due.map(rfc3339),
                waiting_seconds: (now - job.created_at).max(0) / 1000,
                reasons,
                case_due_at_ms: due,
                waiting_ms: (now - job.created_at).max(0),
            }
        })
        .collect();
    Ok(Dashboard {
        generated_at: rfc3339(now),
        queues,
        done_last_hour: done(&hour, None),
        done_last_24h: done(&day, None),
        runs_24h,
        failure_causes: causes
            .into_iter()
            .map(|(kind, step, message, count)| FailureCauseView {
                kind,
                step,
                message,
                count,
            })
            .collect(),
        reviews_open: i64::try_from(reviews.len()).unwrap_or(i64::MAX),
        robots,
        targets,
        at_risk,
    })
}

/// The robots' dashboard.
#[utoipa::path(
    get,
    path = "/api/robots/dashboard",
    tag = "robots",
    responses((status = 200, description = "The figures the `/robotar` page shows", body = Dashboard))
)]
pub(crate) async fn show_dashboard(
    State(state): State<AppState>,
) -> Result<Json<Dashboard>, Problem> {
    Ok(Json(
        dashboard(state.engine.store(), state.engine.now()).await?,
    ))
}

/// A kept screenshot of a work item.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EvidenceView {
    pub(crate) id: String,
    /// What it shows, e.g. `fel: steps[6]`.
    pub(crate) name: String,
    /// When it was taken (RFC 3339).
    pub(crate) created_at: String,
    /// The PNG, personnummer and names masked (staff with a casework role only).
    pub(crate) href: String,
    #[serde(skip)]
    pub(crate) created_at_ms: i64,
}

/// A work item a business exception stopped, waiting for a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReviewView {
    pub(crate) job_id: String,
    pub(crate) instance_id: Option<String>,
    /// The case, when the instance is one.
    pub(crate) case_id: Option<String>,
    pub(crate) case_number: Option<String>,
    pub(crate) job_type: String,
    pub(crate) target: String,
    /// The script step that stopped.
    pub(crate) step: String,
    /// Why, in the script's words (Swedish).
    pub(crate) message: String,
    /// When it stopped (RFC 3339).
    pub(crate) created_at: String,
    /// Seconds it has waited.
    pub(crate) age_seconds: i64,
    /// Screenshots, newest first.
    pub(crate) evidence: Vec<EvidenceView>,
    #[serde(skip)]
    pub(crate) created_at_ms: i64,
}

/// The open review items, oldest first, with their cases and evidence.
pub(crate) async fn open_reviews(
    store: &Store,
    now: i64,
) -> Result<Vec<ReviewView>, flode_store::Error> {
    let mut out = Vec::new();
    for r in store.open_robot_reviews().await? {
        let case = match &r.instance_id {
            Some(instance) => store.case_of_instance(instance).await?,
            None => None,
        };
        let evidence = store
            .robot_evidence_of_job(&r.job_id)
            .await?
            .into_iter()
            .map(|e| EvidenceView {
                href: format!("/robotar/bevis/{}.png", e.id),
                created_at: rfc3339(e.created_at),
                created_at_ms: e.created_at,
                id: e.id,
                name: e.name,
            })
            .collect();
        out.push(ReviewView {
            job_id: r.job_id,
            instance_id: r.instance_id,
            case_id: case.as_ref().map(|c| c.id.clone()),
            case_number: case.map(|c| c.case_number),
            job_type: r.job_type,
            target: r.target,
            step: r.step,
            message: r.message,
            created_at: rfc3339(r.created_at),
            age_seconds: (now - r.created_at).max(0) / 1000,
            evidence,
            created_at_ms: r.created_at,
        });
    }
    Ok(out)
}

/// The manual-review queue, oldest first.
#[utoipa::path(
    get,
    path = "/api/robots/reviews",
    tag = "robots",
    responses(
        (status = 200, description = "Open review items", body = Vec<ReviewView>),
        (status = 403, description = "Needs a casework role", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list_reviews(
    State(state): State<AppState>,
) -> Result<Json<Vec<ReviewView>>, Problem> {
    Ok(Json(
        open_reviews(state.engine.store(), state.engine.now()).await?,
    ))
}

/// What a person did about a review item.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ResolveRequest {
    /// `done_by_hand`: registered by hand in the legacy system, the job completes;
    /// `retry`: the cause is fixed, a robot tries once more.
    #[schema(example = "done_by_hand")]
    resolution: String,
}

/// A 422 problem for one field.
fn invalid(field: &str, message: &str) -> Problem {
    Problem::invalid_input(vec![FieldProblemBody {
        field: field.to_owned(),
        message: message.to_owned(),
    }])
}

/// Why a resolution was refused: 404 for no such item, 409 when it is not open.
pub(crate) fn resolved_already(review: Option<&RobotReviewRecord>, job_id: &str) -> Problem {
    match review {
        Some(r) => Problem::conflict(format!(
            "the work item {job_id} is not waiting for review: resolved ({}) by {} at {}",
            r.resolution.as_deref().unwrap_or("?"),
            r.resolved_by.as_deref().unwrap_or("?"),
            r.resolved_at.map(rfc3339).unwrap_or_default()
        )),
        None => Problem::not_found(format!("no review item for job {job_id:?}")),
    }
}

/// Resolves a review item: registered by hand (the job completes and the case goes on) or
/// tried again by a robot.
#[utoipa::path(
    post,
    path = "/api/robots/reviews/{job_id}/resolve",
    tag = "robots",
    params(("job_id" = String, Path, description = "The work item's job id")),
    request_body = ResolveRequest,
    responses(
        (status = 204, description = "Resolved"),
        (status = 400, description = "Not JSON", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such review item", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not open: resolved already (by someone else)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`resolution` missing or unknown", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn resolve(
    State(state): State<AppState>,
    axum::Extension(who): axum::Extension<Principal>,
    Path(job_id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<StatusCode, Problem> {
    let request = serde_json::from_value::<ResolveRequest>(body).ok();
    let resolution = match request.as_ref().map(|r| r.resolution.as_str()) {
        Some("done_by_hand") => Resolution::DoneByHand,
        Some("retry") => Resolution::Retry,
        _ => {
            return Err(invalid(
                "resolution",
                "Ange resolution: done_by_hand (registrerad för hand) eller retry (försök igen)",
            ));
        }
    };
    match review::resolve(&state.engine, &job_id, &who.name, resolution).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(ReviewError::NotOpen(_)) => {
            let review = state.engine.store().robot_review(&job_id).await?;
            Err(resolved_already(review.as_ref(), &job_id))
        }
        Err(ReviewError::Store(e)) => Err(e.into()),
        Err(ReviewError::Engine(e)) => Err(e.into()),
    }
}

/// Switching a target's maintenance mode.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct MaintenanceRequest {
    /// `true`: robots take no new work in the target.
    on: bool,
}

/// The target as it is now, for the answers of the two PUTs.
async fn target_view(state: &AppState, name: &str) -> Result<TargetView, Problem> {
    let now = state.engine.now();
    dashboard(state.engine.store(), now)
        .await?
        .targets
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Problem::not_found(format!("no target {name:?}")))
}

/// Switches a target's maintenance mode: while on, robots take no new work there (items
/// in hand finish).
#[utoipa::path(
    put,
    path = "/api/robots/targets/{name}/maintenance",
    tag = "robots",
    params(("name" = String, Path, description = "The target's name")),
    request_body = MaintenanceRequest,
    responses(
        (status = 200, description = "The target", body = TargetView),
        (status = 404, description = "No such target", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`on` missing or not a boolean", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn set_maintenance(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<TargetView>, Problem> {
    let Ok(MaintenanceRequest { on }) = serde_json::from_value(body) else {
        return Err(invalid("on", "Ange on: true eller false"));
    };
    if !state
        .engine
        .store()
        .set_robot_target_maintenance(&name, on, state.engine.now())
        .await?
    {
        return Err(Problem::not_found(format!("no target {name:?}")));
    }
    tracing::info!(target_system = %name, on, "robot target maintenance set");
    Ok(Json(target_view(&state, &name).await?))
}

/// Pinning a target's script version.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ScriptVersionRequest {
    /// A positive integer: robots run only that version; `null`: any.
    version: Option<i64>,
}

/// Pins the script version robots run in a target, or lets them run any (`null`).
#[utoipa::path(
    put,
    path = "/api/robots/targets/{name}/script-version",
    tag = "robots",
    params(("name" = String, Path, description = "The target's name")),
    request_body = ScriptVersionRequest,
    responses(
        (status = 200, description = "The target", body = TargetView),
        (status = 404, description = "No such target", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`version` missing, or not a positive integer or null", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn set_script_version(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<TargetView>, Problem> {
    // `version` must be there: null pins nothing, a missing field is a mistake.
    let request = body
        .get("version")
        .and_then(|_| serde_json::from_value::<ScriptVersionRequest>(body.clone()).ok());
    let version = match request {
        Some(ScriptVersionRequest { version: None }) => None,
        Some(ScriptVersionRequest { version: Some(n) }) if n > 0 => Some(n),
        _ => {
            return Err(invalid(
                "version",
                "Ange version som ett positivt heltal, till exempel 3, eller null för alla versioner",
            ));
        }
    };
    if !state
        .engine
        .store()
        .set_robot_target_script_version(&name, version, state.engine.now())
        .await?
    {
        return Err(Problem::not_found(format!("no target {name:?}")));
    }
    tracing::info!(target_system = %name, ?version, "robot target script version set");
    Ok(Json(target_view(&state, &name).await?))
}
