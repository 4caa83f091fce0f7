//! Runs a model on a throw-away store with a manual clock: `flode bpmn run` and the
//! conformance runners. Timers fire by moving the clock to the next due time, so a model
//! with `PT1H` timers finishes in milliseconds and deterministically.

use std::collections::BTreeSet;
use std::sync::Arc;

use flode_store::{InstanceFilter, InstanceState, Page, Store, StoreOptions};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock::ManualClock;
use crate::engine::{Engine, EngineOptions};
use crate::error::Error;

/// What to do at wait states that nobody outside will answer.
#[derive(Debug, Clone, Default)]
pub struct HeadlessOptions {
    /// Process id to start; default: the first process in the file.
    pub process_id: Option<String>,
    /// Complete every user task with no variables.
    pub auto_complete_user_tasks: bool,
    /// Complete every job with no variables.
    pub auto_complete_jobs: bool,
    /// Other BPMN/DMN files to deploy first (called processes, decisions): (name, xml).
    pub extra: Vec<(String, String)>,
    /// Processes to start (with no variables) before the main one, e.g. the receiver of a
    /// message the main process sends.
    pub start_first: Vec<String>,
}

/// An incident in the result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HeadlessIncident {
    /// BPMN id where it happened.
    #[serde(rename = "nodeId")]
    pub node_id: Option<String>,
    /// Kind, e.g. `no_flow`, `unhandled_error`, `job_failed`.
    pub kind: String,
    /// What happened.
    pub message: String,
}

/// The result: exactly the `bpmn run --json` contract.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HeadlessResult {
    /// completed | waiting | incident.
    pub state: String,
    /// Flow node ids in completion order.
    pub trace: Vec<String>,
    /// The instance's variables at the end.
    pub variables: Map<String, Value>,
    /// Open incidents.
    pub incidents: Vec<HeadlessIncident>,
}

/// Steps (user tasks, jobs, timer advances) before giving up on a model that never settles.
const MAX_ROUNDS: usize = 1_000;

/// Deploys `xml` on a fresh temporary SQLite store, starts it with `variables`, drives it
/// as far as it goes, and reports.
pub async fn run(
    xml: &str,
    variables: Map<String, Value>,
    options: &HeadlessOptions,
) -> Result<HeadlessResult, Error> {
    let path = std::env::temp_dir().join(format!("flode-run-{}.db", crate::ids::new_id()));
    let url = format!("sqlite://{}", path.display());
    let result = run_on(&url, xml, variables, options).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    result
}

async fn run_on(
    url: &str,
    xml: &str,
    variables: Map<String, Value>,
    options: &HeadlessOptions,
) -> Result<HeadlessResult, Error> {
    let store = Store::connect(&StoreOptions::new(url)).await?;
    store.migrate().await?;
    // A fixed start makes traces and timestamps reproducible.
    let clock = ManualClock::ticking(1_767_225_600_000);
    let engine = Engine::new(
        store.clone(),
        Arc::new(clock.clone()),
        EngineOptions::default(),
    )
    .await?;
    for (name, extra) in &options.extra {
        engine.deploy(name, extra).await?;
    }
    let deployed = engine.deploy("model.bpmn", xml).await?;
    let process_id = match &options.process_id {
        Some(p) => p.clone(),
        None => deployed
            .first()
            .map(|d| d.key.clone())
            .ok_or_else(|| Error::BadRequest("nothing to run".into()))?,
    };
    for first in &options.start_first {
        engine.start(first, Map::new(), None).await?;
    }
    let instance = engine.start(&process_id, variables, None).await?;
    for _ in 0..MAX_ROUNDS {
        if !advance(&engine, &clock, options).await? {
            break;
        }
    }
    let result = report(&engine, &instance.id).await;
    store.close().await;
    result
}

/// One round of outside help; false when nothing more can happen.
async fn advance(
    engine: &Engine,
    clock: &ManualClock,
    options: &HeadlessOptions,
) -> Result<bool, Error> {
    let store = engine.store();
    let mut progressed = false;
    if options.auto_complete_user_tasks {
        for task in store
            .user_tasks(
                "created",
                Page {
                    limit: 1_000,
                    offset: 0,
                },
            )
            .await?
        {
            engine
                .complete_user_task(&task.id, Map::new(), Some("bpmn-run".into()))
                .await?;
            progressed = true;
        }
    }
    if options.auto_complete_jobs {
        let types: BTreeSet<String> = store
            .jobs(
                "ready",
                Page {
                    limit: 1_000,
                    offset: 0,
                },
            )
            .await?
            .into_iter()
            .filter(|j| j.kind == flode_store::job_kind::TASK)
            .map(|j| j.job_type)
            .collect();
        for job_type in types {
            for job in engine
                .activate_jobs(&job_type, "bpmn-run", 1_000, 60_000)
                .await?
            {
                engine
                    .complete_job(&job.job.id, Some("bpmn-run"), Map::new())
                    .await?;
                progressed = true;
            }
        }
    }
    if progressed {
        return Ok(true);
    }
    if engine.fire_due_timers(1_000).await? > 0 {
        return Ok(true);
    }
    // Only timers of live instances matter; a start-timer alone does not keep us going.
    let active = store
        .instances(
            &InstanceFilter {
                state: Some(InstanceState::Active),
                ..InstanceFilter::default()
            },
            Page {
                limit: 1,
                offset: 0,
            },
        )
        .await?;
    if active.is_empty() {
        return Ok(false);
    }
    match engine.next_timer_due().await? {
        Some(due) if due > clock.now_ms_value() => {
            clock.set(due);
            Ok(true)
        }
        _ => Ok(false),
    }
}

async fn report(engine: &Engine, instance_id: &str) -> Result<HeadlessResult, Error> {
    let store = engine.store();
    let instance = store.instance(instance_id).await?;
    let all = store
        .instances(
            &InstanceFilter::default(),
            Page {
                limit: 10_000,
                offset: 0,
            },
        )
        .await?;
    // Called instances' steps belong in the trace too: order by completion time, then by
    // instance start, then by order within the instance.
    let mut steps = Vec::new();
    for (order, i) in all.iter().rev().enumerate() {
        for h in store.history(&i.id).await? {
            // A multi-instance body is bookkeeping; its inner instances are the steps.
            if h.state == "completed"
                && h.node_type != "multiInstanceBody"
                && let (Some(end), Some(seq)) = (h.ended_at, h.end_seq)
            {
                steps.push((end, order, seq, h.node_id));
            }
        }
    }
    steps.sort();
    let mut incidents = Vec::new();
    for i in &all {
        for inc in store.incidents_of(&i.id).await? {
            if inc.state == "open" {
                incidents.push(HeadlessIncident {
                    node_id: inc.node_id,
                    kind: inc.kind,
                    message: inc.message,
                });
            }
        }
    }
    let variables = store
        .variables(instance_id)
        .await?
        .into_iter()
        .filter(|v| v.scope == 0)
        .map(|v| (v.name, v.value))
        .collect();
    let state = if !incidents.is_empty() {
        "incident"
    } else if instance.state == InstanceState::Active {
        "waiting"
    } else {
        "completed"
    };
    Ok(HeadlessResult {
        state: state.to_owned(),
        trace: steps.into_iter().map(|s| s.3).collect(),
        variables,
        incidents,
    })
}
