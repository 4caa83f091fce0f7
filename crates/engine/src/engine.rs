//! The durable engine: every call is one transaction that loads the instances it touches,
//! runs them (see [`crate::runtime`]) to their next wait states, and commits their state
//! together with the jobs, timers and subscriptions the run created.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use flode_bpmn::model::{NodeKind, Timer, Trigger};
use flode_decision::DecisionModel;
use flode_store::{
    Backend, Claim, ClaimedJob, Committed, DefinitionKind, DefinitionRecord, IncidentRecord,
    InstanceRecord, InstanceState, JobRecord, Notification, Store, Tx, VariableRecord, job_kind,
};
use serde_json::{Map, Value};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::clock::Clock;
use crate::compiled::CompiledProcess;
use crate::error::Error;
use crate::ids::new_id;
use crate::runtime::{DEFAULT_MAX_STEPS, Decisions, Effect, Run};
use crate::timer;
use crate::wakeups::JobWakers;

mod claims;
mod completions;
use claims::PendingClaim;
use completions::{ClaimedInstances, PendingCompletion};

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Name of this node, used as the lease owner of timers it fires.
    pub node_name: String,
    /// Steps one run may take before the loop guard raises an incident.
    pub max_steps: usize,
    /// Largest accepted variable, serialised as JSON, in bytes.
    pub max_variable_bytes: usize,
    /// Effects (signals, call activities) one transaction may cascade into.
    pub max_effects: usize,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            node_name: format!("flode-{}", std::process::id()),
            max_steps: DEFAULT_MAX_STEPS,
            max_variable_bytes: 1024 * 1024,
            max_effects: 1_000,
        }
    }
}

/// A deployed definition version.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployed {
    /// Definition version id.
    pub id: String,
    /// bpmn or dmn.
    pub kind: DefinitionKind,
    /// Process id or DMN model id.
    pub key: String,
    /// Version number.
    pub version: i64,
    /// False when identical XML was already deployed (no new version).
    pub new_version: bool,
}

/// A job handed to a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivatedJob {
    /// The job record (lease set).
    pub job: JobRecord,
    /// Variables visible at the task.
    pub variables: Map<String, Value>,
}

/// The durable process engine. Cheap to clone; all state is in the store.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    options: EngineOptions,
    /// Compiled processes by definition id (immutable once deployed).
    compiled: RwLock<HashMap<String, Arc<CompiledProcess>>>,
    /// Latest version per process key.
    latest: RwLock<HashMap<String, Arc<CompiledProcess>>>,
    /// Latest DMN decision models by decision id and name.
    decisions: RwLock<HashMap<String, Arc<DecisionModel>>>,
    /// Definition count when the caches were last loaded (see `refresh_definitions`).
    generation: std::sync::atomic::AtomicI64,
    /// A listener hears other nodes' deployments (PostgreSQL), so the count need not be
    /// read before every transaction.
    deployments_heard: AtomicBool,
    /// Another node deployed (or the listener reconnected) since the caches were checked.
    definitions_stale: AtomicBool,
    /// Workers waiting for jobs, by type.
    job_wakers: Arc<JobWakers>,
    /// Woken when timers are created by this node.
    timers_created: Arc<Notify>,
    /// New instances waiting for the group-commit writer.
    starts: mpsc::Sender<PendingStart>,
    /// Job completions waiting for theirs.
    completions: mpsc::Sender<PendingCompletion>,
    /// Activations waiting for a shared claim (PostgreSQL).
    claims: mpsc::Sender<PendingClaim>,
    /// Instances as the claims of their jobs read them, for the jobs' completions.
    claimed: ClaimedInstances,
}

/// A new instance's first run, waiting to be written.
struct PendingStart {
    outcome: crate::runtime::Outcome,
    reply: oneshot::Sender<Result<InstanceRecord, Error>>,
}

/// Most new instances written in one transaction.
const MAX_START_BATCH: usize = 64;

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("options", &self.inner.options)
            .finish()
    }
}

struct DecisionCache<'a>(&'a RwLock<HashMap<String, Arc<DecisionModel>>>);

impl Decisions for DecisionCache<'_> {
    fn evaluate(&self, id: &str, input: &Map<String, Value>) -> Result<Value, String> {
        let model = self
            .0
            .read()
            .map_err(|_| "decision cache poisoned".to_owned())?
            .get(id)
            .cloned()
            .ok_or_else(|| format!("no deployed decision {id:?}"))?;
        model.evaluate(id, input).map_err(|e| e.to_string())
    }
}

fn lock_err<T>(_: T) -> Error {
    Error::Internal("engine cache lock poisoned".into())
}

impl Engine {
    /// An engine over a migrated store; loads the latest deployed models.
    pub async fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        options: EngineOptions,
    ) -> Result<Self, Error> {
        let job_wakers = Arc::new(JobWakers::default());
        let timers_created = Arc::new(Notify::new());
        let (starts, pending) = mpsc::channel(1_024);
        tokio::spawn(write_starts(
            store.clone(),
            pending,
            job_wakers.clone(),
            timers_created.clone(),
        ));
        let (completions, completing) = mpsc::channel(1_024);
        let (claims, claiming) = mpsc::channel(1_024);
        let engine = Self {
            inner: Arc::new(Inner {
                store,
                clock,
                options,
                compiled: RwLock::default(),
                latest: RwLock::default(),
                decisions: RwLock::default(),
                generation: std::sync::atomic::AtomicI64::new(-1),
                deployments_heard: AtomicBool::new(false),
                definitions_stale: AtomicBool::new(false),
                job_wakers,
                timers_created,
                starts,
                completions,
                claims,
                claimed: ClaimedInstances::default(),
            }),
        };
        tokio::spawn(claims::claim_together(
            Arc::downgrade(&engine.inner),
            claiming,
        ));
        tokio::spawn(completions::write_completions(
            Arc::downgrade(&engine.inner),
            completing,
        ));
        engine.reload_definitions().await?;
        Ok(engine)
    }

    /// Loads the latest version of every deployed model into the caches.
    async fn reload_definitions(&self) -> Result<(), Error> {
        let all = self.inner.store.definitions().await?;
        let count = all.len() as i64;
        let mut latest: HashMap<(&'static str, String), DefinitionRecord> = HashMap::new();
        for d in all {
            let k = (d.kind.as_str(), d.key.clone());
            if latest.get(&k).is_none_or(|cur| cur.version < d.version) {
                latest.insert(k, d);
            }
        }
        for d in latest.into_values() {
            match d.kind {
                DefinitionKind::Bpmn => {
                    let compiled = self.compiled(&d.id).await?;
                    self.inner
                        .latest
                        .write()
                        .map_err(lock_err)?
                        .insert(d.key.clone(), compiled);
                }
                DefinitionKind::Dmn => self.cache_decisions(&d.source)?,
            }
        }
        self.inner.generation.store(count, Ordering::SeqCst);
        Ok(())
    }

    /// Begins a transaction, first catching up with deployments made by other nodes.
    async fn begin(&self) -> Result<Tx, Error> {
        self.refresh_definitions().await?;
        Ok(self.inner.store.begin().await?)
    }

    /// Catches up with deployments made by other nodes: when a listener hears them, only
    /// after one was announced; otherwise by comparing the stored definition count.
    async fn refresh_definitions(&self) -> Result<(), Error> {
        if self.inner.deployments_heard.load(Ordering::SeqCst)
            && !self.inner.definitions_stale.swap(false, Ordering::SeqCst)
        {
            return Ok(());
        }
        let count = self.inner.store.definition_count().await;
        let result = match count {
            Ok(count) => self.catch_up(count).await,
            Err(e) => Err(e.into()),
        };
        if result.is_err() {
            self.inner.definitions_stale.store(true, Ordering::SeqCst);
        }
        result
    }

    /// Listens (PostgreSQL) for what other nodes commit: new jobs wake this node's waiting
    /// workers, deployments refresh the caches before the next transaction. Without it,
    /// every transaction first reads the definition count. `None` on SQLite.
    pub async fn listen_to_other_nodes(
        &self,
    ) -> Result<Option<tokio::task::JoinHandle<()>>, Error> {
        let Some(mut listener) = self.inner.store.listen().await? else {
            return Ok(None);
        };
        self.inner.definitions_stale.store(true, Ordering::SeqCst);
        self.inner.deployments_heard.store(true, Ordering::SeqCst);
        let engine = self.clone();
        Ok(Some(tokio::spawn(async move {
            let inner = &engine.inner;
            loop {
                match listener.recv().await {
                    Ok(heard) => {
                        match heard {
                            Some(Notification::Jobs { job_type, count }) => {
                                inner.job_wakers.ready(&job_type, count)
                            }
                            Some(Notification::Deployment) => {
                                inner.definitions_stale.store(true, Ordering::SeqCst)
                            }
                            // Reconnected: anything may have been missed meanwhile.
                            None => {
                                inner.job_wakers.all();
                                inner.definitions_stale.store(true, Ordering::SeqCst);
                            }
                        }
                        if !inner.deployments_heard.swap(true, Ordering::SeqCst) {
                            // Back after a failure: a deployment may have slipped between
                            // the last count read and the new LISTEN.
                            inner.definitions_stale.store(true, Ordering::SeqCst);
                        }
                    }
                    Err(e) => {
                        // Until the connection is back, fall back to reading the count.
                        inner.deployments_heard.store(false, Ordering::SeqCst);
                        tracing::warn!(error = %e, "listening to other nodes failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        })))
    }

    /// Reloads the caches if the store holds another number of definitions than they do.
    async fn catch_up(&self, count: i64) -> Result<(), Error> {
        let known = self.inner.generation.load(Ordering::SeqCst);
        if count != known {
            self.reload_definitions().await?;
        }
        Ok(())
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The engine's current time.
    pub fn now(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Options in force.
    pub fn options(&self) -> &EngineOptions {
        &self.inner.options
    }

    /// What a worker of `job_type` waits on: notified once per job of that type made ready
    /// on any node (at most one stored permit). Take a `notified()` future and poll it
    /// before looking for jobs, so that a job created in between is not missed.
    pub fn job_waker(&self, job_type: &str) -> Arc<Notify> {
        self.inner.job_wakers.of(job_type)
    }

    /// Resolves when a timer may have been created (by this node).
    pub async fn timers_created(&self) {
        self.inner.timers_created.notified().await
    }

    // ---- deployment ----------------------------------------------------------------------

    /// Deploys a BPMN or DMN file. All of it or nothing: every process must compile.
    pub async fn deploy(&self, resource_name: &str, xml: &str) -> Result<Vec<Deployed>, Error> {
        if let Some(id) = dmn_root_id(xml) {
            return self.deploy_dmn(resource_name, xml, id).await;
        }
        let defs = flode_bpmn::parse(xml).map_err(|e| match e {
            flode_bpmn::Error::Invalid(problems) => Error::Invalid {
                problems: problems.iter().map(|p| p.to_string()).collect(),
            },
            other => Error::Invalid {
                problems: vec![other.to_string()],
            },
        })?;
        if defs.processes.is_empty() {
            return Err(Error::Invalid {
                problems: vec!["the file contains no executable process".into()],
            });
        }
        let hash = sha256_hex(xml);
        let now = self.now();
        let mut tx = self.begin().await?;
        let mut deployed = Vec::new();
        let mut compiled_all = Vec::new();
        let mut problems = Vec::new();
        for process in defs.processes {
            let key = process.id.clone();
            let latest = tx.latest_definition(DefinitionKind::Bpmn, &key).await?;
            let (record, new_version) = match latest {
                Some(l) if l.hash == hash => (l, false),
                l => (
                    DefinitionRecord {
                        id: new_id(),
                        kind: DefinitionKind::Bpmn,
                        key: key.clone(),
                        version: l.map_or(1, |l| l.version + 1),
                        name: process.name.clone(),
                        resource_name: resource_name.to_owned(),
                        source: xml.to_owned(),
                        hash: hash.clone(),
                        deployed_at: now,
                    },
                    true,
                ),
            };
            match CompiledProcess::compile(record.id.clone(), process) {
                Ok(c) => compiled_all.push((c, new_version)),
                Err(ps) => problems.extend(
                    ps.into_iter()
                        .map(|p| format!("{:?}: {}", p.element_id, p.message)),
                ),
            }
            if new_version {
                tx.insert_definition(&record).await?;
            }
            deployed.push(Deployed {
                id: record.id,
                kind: DefinitionKind::Bpmn,
                key,
                version: record.version,
                new_version,
            });
        }
        if !problems.is_empty() {
            return Err(Error::Invalid { problems });
        }
        for (c, new_version) in &compiled_all {
            if *new_version {
                self.arm_start_timers(&mut tx, c, now).await?;
            }
        }
        self.commit(tx).await?;
        for (c, _) in compiled_all {
            self.inner
                .compiled
                .write()
                .map_err(lock_err)?
                .insert(c.definition_id.clone(), c.clone());
            self.inner
                .latest
                .write()
                .map_err(lock_err)?
                .insert(c.process.id.clone(), c);
        }
        self.inner.timers_created.notify_waiters();
        Ok(deployed)
    }

    async fn deploy_dmn(
        &self,
        resource_name: &str,
        xml: &str,
        id: Option<String>,
    ) -> Result<Vec<Deployed>, Error> {
        let model = DecisionModel::parse(xml).map_err(|e| Error::Invalid {
            problems: vec![e.to_string()],
        })?;
        let key = id.unwrap_or_else(|| resource_name.to_owned());
        let hash = sha256_hex(xml);
        let mut tx = self.begin().await?;
        let latest = tx.latest_definition(DefinitionKind::Dmn, &key).await?;
        let deployed = match latest {
            Some(l) if l.hash == hash => Deployed {
                id: l.id,
                kind: DefinitionKind::Dmn,
                key,
                version: l.version,
                new_version: false,
            },
            l => {
                let record = DefinitionRecord {
                    id: new_id(),
                    kind: DefinitionKind::Dmn,
                    key: key.clone(),
                    version: l.map_or(1, |l| l.version + 1),
                    name: model.decisions().first().map(|d| d.name.clone()),
                    resource_name: resource_name.to_owned(),
                    source: xml.to_owned(),
                    hash,
                    deployed_at: self.now(),
                };
                tx.insert_definition(&record).await?;
                Deployed {
                    id: record.id,
                    kind: DefinitionKind::Dmn,
                    key,
                    version: record.version,
                    new_version: true,
                }
            }
        };
        self.commit(tx).await?;
        self.cache_decisions(xml)?;
        Ok(vec![deployed])
    }

    fn cache_decisions(&self, xml: &str) -> Result<(), Error> {
        let model =
            Arc::new(DecisionModel::parse(xml).map_err(|e| Error::Internal(e.to_string()))?);
        let mut cache = self.inner.decisions.write().map_err(lock_err)?;
        for d in model.decisions() {
            cache.insert(d.id.clone(), model.clone());
            cache.insert(d.name.clone(), model.clone());
        }
        Ok(())
    }

    /// Evaluates a deployed decision directly.
    pub fn evaluate_decision(&self, id: &str, input: &Map<String, Value>) -> Result<Value, Error> {
        let model = self
            .inner
            .decisions
            .read()
            .map_err(lock_err)?
            .get(id)
            .cloned()
            .ok_or_else(|| Error::NotFound {
                what: "decision",
                id: id.to_owned(),
            })?;
        model
            .evaluate(id, input)
            .map_err(|e| Error::BadRequest(e.to_string()))
    }

    /// Timer start events of a new version: one job each (older versions' are cancelled).
    async fn arm_start_timers(
        &self,
        tx: &mut Tx,
        c: &CompiledProcess,
        now: i64,
    ) -> Result<(), Error> {
        tx.cancel_start_timers(&c.process.id, now).await?;
        for node in
            c.process
                .none_start_events(None)
                .into_iter()
                .chain(c.process.children(None).filter(|&n| {
                    matches!(
                        c.process.nodes[n].kind,
                        NodeKind::StartEvent {
                            trigger: Trigger::Timer(_),
                            ..
                        }
                    )
                }))
        {
            let NodeKind::StartEvent {
                trigger: Trigger::Timer(t),
                ..
            } = &c.process.nodes[node].kind
            else {
                continue;
            };
            let literal = |t: &flode_bpmn::model::Text| match t {
                flode_bpmn::model::Text::Literal(s) => Ok(s.clone()),
                flode_bpmn::model::Text::Feel(e) => Err(Error::Invalid {
                    problems: vec![format!(
                        "{:?}: a timer start event needs a literal timer, not the expression {:?}",
                        c.process.nodes[node].id, e.0
                    )],
                }),
            };
            let bad = |e: String| Error::Invalid {
                problems: vec![format!("{:?}: {e}", c.process.nodes[node].id)],
            };
            let (due, payload) = match t {
                Timer::Duration(d) => (
                    now + timer::parse_duration_ms(&literal(d)?).map_err(bad)?,
                    serde_json::json!({}),
                ),
                Timer::Date(d) => (
                    timer::parse_date_ms(&literal(d)?).map_err(bad)?,
                    serde_json::json!({}),
                ),
                Timer::Cycle(cy) => match timer::parse_cycle(&literal(cy)?).map_err(bad)? {
                    timer::TimerSpec::Cycle {
                        repetitions,
                        interval,
                    } => (
                        now + interval,
                        serde_json::json!({"interval": interval, "remaining": repetitions.map(|r| r.saturating_sub(1))}),
                    ),
                    _ => continue,
                },
            };
            let mut payload = payload;
            if let Value::Object(m) = &mut payload {
                m.insert(
                    "definition_id".into(),
                    Value::String(c.definition_id.clone()),
                );
            }
            let prefix = format!("start-timer:{}:", c.process.id);
            let node_id = c.process.nodes[node].id.clone();
            tx.insert_job(&timer::timer_job(
                None, None, node_id, due, payload, &prefix, now,
            ))
            .await?;
        }
        Ok(())
    }

    /// The compiled process of a definition version (cached).
    pub async fn compiled(&self, definition_id: &str) -> Result<Arc<CompiledProcess>, Error> {
        if let Some(c) = self
            .inner
            .compiled
            .read()
            .map_err(lock_err)?
            .get(definition_id)
        {
            return Ok(c.clone());
        }
        let d = self.inner.store.definition(definition_id).await?;
        let defs = flode_bpmn::parse(&d.source).map_err(|e| Error::Internal(e.to_string()))?;
        let process = defs
            .processes
            .into_iter()
            .find(|p| p.id == d.key)
            .ok_or_else(|| {
                Error::Internal(format!("definition {definition_id} lost process {}", d.key))
            })?;
        let c = CompiledProcess::compile(d.id.clone(), process)
            .map_err(|p| Error::Internal(format!("stored definition no longer compiles: {p:?}")))?;
        self.inner
            .compiled
            .write()
            .map_err(lock_err)?
            .insert(d.id, c.clone());
        Ok(c)
    }

    /// The latest compiled version of a process key.
    pub fn latest(&self, process_key: &str) -> Result<Arc<CompiledProcess>, Error> {
        self.inner
            .latest
            .read()
            .map_err(lock_err)?
            .get(process_key)
            .cloned()
            .ok_or_else(|| Error::NotFound {
                what: "process",
                id: process_key.to_owned(),
            })
    }

    /// Latest compiled versions of every deployed process.
    pub fn latest_all(&self) -> Result<Vec<Arc<CompiledProcess>>, Error> {
        Ok(self
            .inner
            .latest
            .read()
            .map_err(lock_err)?
            .values()
            .cloned()
            .collect())
    }

    // ---- instances -------------------------------------------------------------------

    fn check_variables(&self, vars: &Map<String, Value>) -> Result<(), Error> {
        for (name, value) in vars {
            if name.is_empty() {
                return Err(Error::BadRequest("a variable name is empty".into()));
            }
            let size = value.to_string().len();
            if size > self.inner.options.max_variable_bytes {
                return Err(Error::BadRequest(format!(
                    "variable {name:?} is {size} bytes; the limit is {} bytes",
                    self.inner.options.max_variable_bytes
                )));
            }
        }
        Ok(())
    }

    /// Starts an instance of the latest version of `process_key`; it runs to its first
    /// wait states before this returns.
    pub async fn start(
        &self,
        process_key: &str,
        variables: Map<String, Value>,
        business_key: Option<String>,
    ) -> Result<InstanceRecord, Error> {
        self.check_variables(&variables)?;
        self.refresh_definitions().await?;
        let compiled = self.latest_to_start(process_key).await?;
        // A new instance depends on nothing stored, so it runs before the write transaction
        // opens: on SQLite the one writer is held only for the writes.
        let outcome = self.run_new(&compiled, variables, business_key, None, None)?;
        if outcome.effects.is_empty() {
            // Nothing reaches other instances: write it together with whatever other starts
            // are waiting (group commit); the answer comes after the commit.
            return hand_over(&self.inner.starts, "start writer", |reply| PendingStart {
                outcome,
                reply,
            })
            .await;
        }
        let mut tx = self.inner.store.begin().await?;
        let instance = self.persist_new(&mut tx, outcome).await?;
        self.commit(tx).await?;
        Ok(instance)
    }

    /// The latest version of `process_key`, also when it was deployed a moment ago on
    /// another node and its announcement has not arrived yet.
    async fn latest_to_start(&self, process_key: &str) -> Result<Arc<CompiledProcess>, Error> {
        match self.latest(process_key) {
            Err(Error::NotFound { .. }) if self.inner.deployments_heard.load(Ordering::SeqCst) => {
                self.catch_up(self.inner.store.definition_count().await?)
                    .await?;
                self.latest(process_key)
            }
            found => found,
        }
    }

    /// A write transaction for callers whose own rows must commit together with an
    /// instance start (a case and the process that carries it): start with
    /// [`Engine::start_in`], finish with [`Engine::commit_transaction`].
    pub async fn transaction(&self) -> Result<Tx, Error> {
        self.begin().await
    }

    /// Starts an instance of the latest version of `process_key` inside `tx`; it runs to
    /// its first wait states, and its jobs commit with `tx`.
    pub async fn start_in(
        &self,
        tx: &mut Tx,
        process_key: &str,
        variables: Map<String, Value>,
        business_key: Option<String>,
    ) -> Result<InstanceRecord, Error> {
        self.check_variables(&variables)?;
        let compiled = self.latest_to_start(process_key).await?;
        let outcome = self.run_new(&compiled, variables, business_key, None, None)?;
        self.persist_new(tx, outcome).await
    }

    /// Commits a transaction from [`Engine::transaction`] and wakes the workers for the
    /// jobs it made.
    pub async fn commit_transaction(&self, tx: Tx) -> Result<(), Error> {
        self.commit(tx).await
    }

    /// Runs a new instance of `compiled` in memory.
    fn run_new(
        &self,
        compiled: &CompiledProcess,
        variables: Map<String, Value>,
        business_key: Option<String>,
        parent: Option<(String, i64)>,
        start_node: Option<usize>,
    ) -> Result<crate::runtime::Outcome, Error> {
        let decisions = DecisionCache(&self.inner.decisions);
        let mut run = Run::new_instance(
            compiled,
            &decisions,
            self.now(),
            new_id(),
            business_key,
            parent,
        )
        .max_steps(self.inner.options.max_steps);
        run.start(variables, start_node)
            .map_err(Error::BadRequest)?;
        Ok(run.finish())
    }

    /// Writes a new instance and carries out its effects.
    async fn persist_new(
        &self,
        tx: &mut Tx,
        outcome: crate::runtime::Outcome,
    ) -> Result<InstanceRecord, Error> {
        tx.apply(&outcome.instance, true, &outcome.write).await?;
        self.settle(tx, outcome.effects).await?;
        Ok(outcome.instance)
    }

    /// Loads an instance in `tx`, runs `f` on it and persists the result; returns the
    /// effects for other instances.
    async fn run_on<F>(&self, tx: &mut Tx, instance_id: &str, f: F) -> Result<Vec<Effect>, Error>
    where
        F: FnOnce(&mut Run<'_>) -> Result<(), String>,
    {
        let snapshot = tx.load_instance(instance_id).await?;
        if snapshot.instance.state != InstanceState::Active {
            return Err(Error::Conflict(format!(
                "instance {instance_id} is {}",
                snapshot.instance.state.as_str()
            )));
        }
        let compiled = self.compiled(&snapshot.instance.definition_id).await?;
        let decisions = DecisionCache(&self.inner.decisions);
        let mut run = Run::load(&compiled, &decisions, self.now(), snapshot)
            .map_err(Error::Internal)?
            .max_steps(self.inner.options.max_steps);
        f(&mut run).map_err(Error::Conflict)?;
        let outcome = run.finish();
        tx.apply(&outcome.instance, false, &outcome.write).await?;
        Ok(outcome.effects)
    }

    /// Carries out effects (signals, call activities) in the same transaction.
    async fn settle(&self, tx: &mut Tx, effects: Vec<Effect>) -> Result<(), Error> {
        let mut queue: VecDeque<Effect> = effects.into();
        let mut done = 0usize;
        while let Some(effect) = queue.pop_front() {
            done += 1;
            if done > self.inner.options.max_effects {
                return Err(Error::Conflict(format!(
                    "more than {} cascading events in one transaction",
                    self.inner.options.max_effects
                )));
            }
            match effect {
                Effect::Signal { name, origin } => {
                    for s in tx.find_subscriptions("signal", &name, None).await? {
                        if origin.as_deref() == Some(s.instance_id.as_str()) {
                            continue;
                        }
                        let more = self
                            .run_on(tx, &s.instance_id, |run| {
                                run.trigger(s.token, &s.node_id, Map::new()).map(|_| ())
                            })
                            .await;
                        match more {
                            Ok(more) => queue.extend(more),
                            Err(Error::Conflict(_)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    for c in self.latest_all()? {
                        for n in c.process.children(None) {
                            if matches!(&c.process.nodes[n].kind, NodeKind::StartEvent { trigger: Trigger::Signal(s), .. } if *s == name)
                            {
                                let outcome = self.run_new(&c, Map::new(), None, None, Some(n))?;
                                tx.apply(&outcome.instance, true, &outcome.write).await?;
                                queue.extend(outcome.effects);
                            }
                        }
                    }
                }
                Effect::StartChild {
                    parent_instance_id,
                    token,
                    process_id,
                    variables,
                } => match self.latest(&process_id) {
                    Ok(child) => {
                        let parent = Some((parent_instance_id, token));
                        let outcome = self.run_new(&child, variables, None, parent, None)?;
                        tx.apply(&outcome.instance, true, &outcome.write).await?;
                        queue.extend(outcome.effects);
                    }
                    Err(Error::NotFound { .. }) => {
                        let message = format!("the called process {process_id:?} is not deployed");
                        queue.extend(
                            self.run_on(tx, &parent_instance_id, |run| {
                                run.incident(token, "call_activity", message)
                            })
                            .await?,
                        );
                    }
                    Err(e) => return Err(e),
                },
                Effect::Message {
                    name,
                    correlation_key,
                    variables,
                } => {
                    let (_, more) = self
                        .correlate_in(tx, &name, correlation_key.as_deref(), variables)
                        .await?;
                    queue.extend(more);
                }
                Effect::ChildEscalation {
                    parent_instance_id,
                    parent_token,
                    code,
                } => {
                    queue.extend(
                        self.run_on(tx, &parent_instance_id, |run| {
                            run.escalate_from_child(parent_token, code)
                        })
                        .await?,
                    );
                }
                Effect::CancelChildren {
                    parent_instance_id,
                    parent_token,
                } => {
                    for child in tx
                        .child_instances(&parent_instance_id, parent_token)
                        .await?
                    {
                        queue.extend(
                            self.run_on(tx, &child, |run| {
                                run.cancel();
                                Ok(())
                            })
                            .await?,
                        );
                    }
                }
                Effect::ChildCompleted {
                    parent_instance_id,
                    parent_token,
                    variables,
                } => {
                    queue.extend(
                        self.run_on(tx, &parent_instance_id, |run| {
                            run.complete_token(parent_token, variables, None)
                        })
                        .await?,
                    );
                }
                Effect::ChildError {
                    parent_instance_id,
                    parent_token,
                    code,
                } => {
                    let code = code.unwrap_or_default();
                    queue.extend(
                        self.run_on(tx, &parent_instance_id, |run| {
                            run.throw_error_from(parent_token, &code, Map::new())
                        })
                        .await?,
                    );
                }
            }
        }
        Ok(())
    }

    /// Commits and wakes this node's workers and timer service for what was made ready.
    async fn commit(&self, tx: Tx) -> Result<(), Error> {
        let committed = tx.commit().await?;
        wake(
            &self.inner.job_wakers,
            &self.inner.timers_created,
            &committed,
        );
        Ok(())
    }

    /// Cancels an active instance.
    pub async fn cancel_instance(&self, instance_id: &str) -> Result<(), Error> {
        let mut tx = self.begin().await?;
        let effects = self
            .run_on(&mut tx, instance_id, |run| {
                run.cancel();
                Ok(())
            })
            .await?;
        self.settle(&mut tx, effects).await?;
        self.commit(tx).await?;
        Ok(())
    }

    // ---- user tasks --------------------------------------------------------------------

    /// Completes an open user task with `variables`, as `user`.
    pub async fn complete_user_task(
        &self,
        task_id: &str,
        variables: Map<String, Value>,
        user: Option<String>,
    ) -> Result<(), Error> {
        self.check_variables(&variables)?;
        let mut tx = self.begin().await?;
        let task = tx.user_task(task_id).await?;
        if task.state != "created" {
            return Err(Error::Conflict(format!(
                "user task {task_id} is already {}",
                task.state
            )));
        }
        let effects = self
            .run_on(&mut tx, &task.instance_id, |run| {
                run.complete_token(task.token, variables, user)
            })
            .await?;
        self.settle(&mut tx, effects).await?;
        self.commit(tx).await?;
        Ok(())
    }

    // ---- jobs --------------------------------------------------------------------------

    /// Leases up to `max` ready jobs of `job_type` to `worker` for `lease_ms`.
    pub async fn activate_jobs(
        &self,
        job_type: &str,
        worker: &str,
        max: i64,
        lease_ms: i64,
    ) -> Result<Vec<ActivatedJob>, Error> {
        let (max, lease_ms) = (max.clamp(1, 1_000), lease_ms.max(1_000));
        if self.inner.store.backend() == Backend::Postgres {
            // Concurrent activations share one claim statement (see `claims`).
            return hand_over(&self.inner.claims, "claimer", |reply| PendingClaim {
                job_type: job_type.to_owned(),
                worker: worker.to_owned(),
                max: usize::try_from(max).unwrap_or(1),
                lease_ms,
                reply,
            })
            .await;
        }
        let claimed = self
            .inner
            .store
            .claim_jobs_with_variables(&Claim {
                kind: job_kind::TASK,
                job_type,
                owner: worker,
                max,
                lease_ms,
                now: self.now(),
            })
            .await?;
        let mut out = Vec::with_capacity(claimed.len());
        for c in claimed {
            out.push(self.hand_out(c).await?);
        }
        Ok(out)
    }

    /// A claimed job as its worker gets it: with the variables visible at its token. The
    /// instance as the claim read it is kept for the job's completion.
    async fn hand_out(&self, claimed: ClaimedJob) -> Result<ActivatedJob, Error> {
        let ClaimedJob {
            job,
            variables,
            instance,
        } = claimed;
        if let Some(snapshot) = instance {
            self.inner.claimed.keep(&job, snapshot);
        }
        let variables = match (&job.instance_id, job.token) {
            (Some(instance), Some(token)) => self.visible(instance, token, variables).await?,
            _ => Map::new(),
        };
        Ok(ActivatedJob { job, variables })
    }

    /// Variables visible at a token, read without locking.
    pub async fn variables_at(
        &self,
        instance_id: &str,
        token: i64,
    ) -> Result<Map<String, Value>, Error> {
        let vars = self.inner.store.variables(instance_id).await?;
        self.visible(instance_id, token, vars).await
    }

    /// Which of an instance's variables a token sees, inner scopes shadowing outer ones.
    /// Tokens are read only when the instance has variables in inner scopes.
    async fn visible(
        &self,
        instance_id: &str,
        token: i64,
        vars: Vec<VariableRecord>,
    ) -> Result<Map<String, Value>, Error> {
        let mut chain = vec![0];
        if vars.iter().any(|v| v.scope != 0) {
            let tokens = self.inner.store.tokens(instance_id).await?;
            let parents: HashMap<i64, Option<i64>> =
                tokens.iter().map(|t| (t.key, t.parent)).collect();
            let mut inner = Vec::new();
            let mut cur = Some(token);
            while let Some(k) = cur {
                inner.push(k);
                cur = parents.get(&k).copied().flatten();
            }
            chain.extend(inner.into_iter().rev());
        }
        let mut out = Map::new();
        for scope in chain {
            for v in vars.iter().filter(|v| v.scope == scope) {
                out.insert(v.name.clone(), v.value.clone());
            }
        }
        Ok(out)
    }

    /// Completes a job and continues its instance. `worker` `Some` requires the lease.
    /// Concurrent completions are written together (see `completions`).
    pub async fn complete_job(
        &self,
        job_id: &str,
        worker: Option<&str>,
        variables: Map<String, Value>,
    ) -> Result<(), Error> {
        self.check_variables(&variables)?;
        hand_over(&self.inner.completions, "completion writer", |reply| {
            PendingCompletion {
                job_id: job_id.to_owned(),
                worker: worker.map(str::to_owned),
                variables,
                reply,
            }
        })
        .await
    }

    /// Completes one job in a transaction of its own.
    async fn complete_alone(
        &self,
        job_id: &str,
        worker: Option<&str>,
        variables: Map<String, Value>,
    ) -> Result<(), Error> {
        let mut tx = self.begin().await?;
        let job = tx.complete_job(job_id, worker).await?;
        if let (Some(instance), Some(token)) = (&job.instance_id, job.token) {
            let effects = self
                .run_on(&mut tx, instance, |run| {
                    run.complete_token(token, variables, None)
                })
                .await?;
            self.settle(&mut tx, effects).await?;
        }
        self.commit(tx).await
    }

    /// Reports a failed attempt. With `retries` > 0 the job is due again after `backoff_ms`
    /// (default: 1 s doubling per attempt, at most 10 min); at 0 an incident is raised for a
    /// person to resolve.
    pub async fn fail_job(
        &self,
        job_id: &str,
        worker: Option<&str>,
        retries: i64,
        error_message: &str,
        backoff_ms: Option<i64>,
    ) -> Result<JobRecord, Error> {
        let mut tx = self.begin().await?;
        let job = self
            .fail_job_in(&mut tx, job_id, worker, retries, error_message, backoff_ms)
            .await?;
        self.commit(tx).await?;
        Ok(job)
    }

    /// [`Engine::fail_job`] inside `tx`, for a worker that records its own side of the
    /// failure (a review item) in the same transaction.
    pub async fn fail_job_in(
        &self,
        tx: &mut Tx,
        job_id: &str,
        worker: Option<&str>,
        retries: i64,
        error_message: &str,
        backoff_ms: Option<i64>,
    ) -> Result<JobRecord, Error> {
        let now = self.now();
        let backoff = match backoff_ms {
            Some(ms) => ms.max(0),
            None => default_backoff(tx.job(job_id).await?.attempts),
        };
        let job = tx
            .fail_job(job_id, worker, retries, now + backoff, error_message, now)
            .await?;
        if job.state == "failed"
            && let Some(instance) = &job.instance_id
        {
            tx.insert_incident(&IncidentRecord {
                id: new_id(),
                instance_id: instance.clone(),
                token: job.token,
                node_id: job.node_id.clone(),
                job_id: Some(job.id.clone()),
                kind: "job_failed".into(),
                message: format!(
                    "job {} of type {} failed with no retries left: {error_message}",
                    job.id, job.job_type
                ),
                state: "open".into(),
                created_at: now,
                resolved_at: None,
            })
            .await?;
        }
        Ok(job)
    }

    /// A person did a failed job's work by hand (a robot's business exception, registered
    /// in the legacy system by the case worker): the job's incident is resolved and its
    /// instance goes on as if the job had completed with `variables`. Inside `tx`, so that
    /// the person's record of it commits with it.
    pub async fn complete_failed_job_in(
        &self,
        tx: &mut Tx,
        job_id: &str,
        variables: Map<String, Value>,
    ) -> Result<(), Error> {
        self.check_variables(&variables)?;
        let job = tx.complete_failed_job(job_id).await?;
        tx.resolve_job_incidents(job_id, self.now()).await?;
        if let (Some(instance), Some(token)) = (&job.instance_id, job.token) {
            let effects = self
                .run_on(tx, instance, |run| {
                    run.complete_token(token, variables, None)
                })
                .await?;
            self.settle(tx, effects).await?;
        }
        Ok(())
    }

    /// A failed job goes back to the queue with `retries` and its incident is resolved
    /// (the cause was fixed), inside `tx`.
    pub async fn retry_failed_job_in(
        &self,
        tx: &mut Tx,
        job_id: &str,
        retries: i64,
    ) -> Result<(), Error> {
        let now = self.now();
        tx.retry_failed_job(job_id, retries, now).await?;
        tx.resolve_job_incidents(job_id, now).await?;
        Ok(())
    }

    /// A worker reports a business error: throws a BPMN error with `code` at the task.
    pub async fn throw_job_error(
        &self,
        job_id: &str,
        worker: Option<&str>,
        code: &str,
        variables: Map<String, Value>,
    ) -> Result<(), Error> {
        self.check_variables(&variables)?;
        let mut tx = self.begin().await?;
        let job = tx.complete_job(job_id, worker).await?;
        if let (Some(instance), Some(token)) = (&job.instance_id, job.token) {
            let effects = self
                .run_on(&mut tx, instance, |run| {
                    run.throw_error_from(token, code, variables)
                })
                .await?;
            self.settle(&mut tx, effects).await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    // ---- messages, signals, timers -----------------------------------------------------

    /// Correlates a message to every waiting subscription with this name and key, and
    /// starts instances of processes with a matching message start event. Returns how many
    /// instances it reached.
    pub async fn correlate_message(
        &self,
        name: &str,
        correlation_key: Option<&str>,
        variables: Map<String, Value>,
    ) -> Result<usize, Error> {
        self.check_variables(&variables)?;
        let mut tx = self.begin().await?;
        let (reached, effects) = self
            .correlate_in(&mut tx, name, correlation_key, variables)
            .await?;
        self.settle(&mut tx, effects).await?;
        self.commit(tx).await?;
        Ok(reached)
    }

    async fn correlate_in(
        &self,
        tx: &mut Tx,
        name: &str,
        correlation_key: Option<&str>,
        variables: Map<String, Value>,
    ) -> Result<(usize, Vec<Effect>), Error> {
        let mut reached = 0;
        let mut effects = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for s in tx
            .find_subscriptions("message", name, correlation_key)
            .await?
        {
            // One message reaches an instance once, even if it waits in several places.
            if !seen.insert(s.instance_id.clone()) {
                continue;
            }
            let vars = variables.clone();
            effects.extend(
                self.run_on(tx, &s.instance_id, |run| {
                    run.trigger(s.token, &s.node_id, vars).map(|_| ())
                })
                .await?,
            );
            reached += 1;
        }
        for c in self.latest_all()? {
            for n in c.process.children(None) {
                if matches!(&c.process.nodes[n].kind, NodeKind::StartEvent { trigger: Trigger::Message(m), .. } if m.name == name)
                {
                    let outcome = self.run_new(
                        &c,
                        variables.clone(),
                        correlation_key.map(str::to_owned),
                        None,
                        Some(n),
                    )?;
                    tx.apply(&outcome.instance, true, &outcome.write).await?;
                    effects.extend(outcome.effects);
                    reached += 1;
                }
            }
        }
        Ok((reached, effects))
    }

    /// Broadcasts a signal.
    pub async fn broadcast_signal(&self, name: &str) -> Result<(), Error> {
        let mut tx = self.begin().await?;
        self.settle(
            &mut tx,
            vec![Effect::Signal {
                name: name.to_owned(),
                origin: None,
            }],
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Fires up to `max` due timers; returns how many fired.
    pub async fn fire_due_timers(&self, max: i64) -> Result<usize, Error> {
        let owner = self.inner.options.node_name.clone();
        let jobs = self
            .inner
            .store
            .claim_jobs(&Claim {
                kind: job_kind::TIMER,
                job_type: "timer",
                owner: &owner,
                max,
                lease_ms: 60_000,
                now: self.now(),
            })
            .await?;
        let n = jobs.len();
        for job in jobs {
            self.fire_timer(job, &owner).await?;
        }
        Ok(n)
    }

    async fn fire_timer(&self, job: JobRecord, owner: &str) -> Result<(), Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        match tx.complete_job(&job.id, Some(owner)).await {
            Ok(_) => {}
            // Cancelled meanwhile (its activity completed), or fired by another node:
            // nothing to fire.
            Err(flode_store::Error::Conflict(_) | flode_store::Error::NotFound { .. }) => {
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        }
        let node_id = job.node_id.clone().unwrap_or_default();
        let remaining = job.payload.get("remaining").cloned();
        let interval = job.payload.get("interval").and_then(Value::as_i64);
        let repeat = interval.is_some() && remaining.as_ref().and_then(Value::as_i64) != Some(0);
        match (&job.instance_id, job.token) {
            (Some(instance), Some(token)) => {
                let compiled_id = tx.load_instance(instance).await?.instance.definition_id;
                let compiled = self.compiled(&compiled_id).await?;
                let non_interrupting = compiled.process.node_by_id(&node_id).is_some_and(|n| {
                    matches!(
                        compiled.process.nodes[n].kind,
                        NodeKind::BoundaryEvent {
                            cancel_activity: false,
                            ..
                        } | NodeKind::StartEvent {
                            interrupting: false,
                            ..
                        }
                    )
                });
                let mut fired = false;
                let result = self
                    .run_on(&mut tx, instance, |run| {
                        fired = run.trigger(token, &node_id, Map::new())?;
                        Ok(())
                    })
                    .await;
                let effects = match result {
                    Ok(e) => e,
                    Err(Error::Conflict(_)) => Vec::new(),
                    Err(e) => return Err(e),
                };
                if fired && repeat && non_interrupting {
                    tx.insert_job(&next_cycle(&job, now, interval.unwrap_or(0)))
                        .await?;
                }
                self.settle(&mut tx, effects).await?;
            }
            _ => {
                let definition_id = job
                    .payload
                    .get("definition_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let compiled = self.compiled(definition_id).await?;
                if let Some(n) = compiled.process.node_by_id(&node_id) {
                    let outcome = self.run_new(&compiled, Map::new(), None, None, Some(n))?;
                    self.persist_new(&mut tx, outcome).await?;
                }
                if repeat {
                    tx.insert_job(&next_cycle(&job, now, interval.unwrap_or(0)))
                        .await?;
                }
            }
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// Due time of the next timer, if any.
    pub async fn next_timer_due(&self) -> Result<Option<i64>, Error> {
        Ok(self.inner.store.next_due(job_kind::TIMER).await?)
    }

    /// Extends `worker`'s lease on an active job to `lease_ms` from now, for work that may
    /// outlast the lease it was activated with. Fails with a conflict when the job is no
    /// longer leased to `worker` (it expired and went to another, or was settled).
    pub async fn extend_job_lease(
        &self,
        job_id: &str,
        worker: &str,
        lease_ms: i64,
    ) -> Result<(), Error> {
        let now = self.now();
        Ok(self
            .inner
            .store
            .heartbeat_job(job_id, worker, now + lease_ms.max(1_000), now)
            .await?)
    }

    /// Returns expired job leases to the queue.
    pub async fn release_expired_leases(&self) -> Result<u64, Error> {
        Ok(self.inner.store.release_expired_leases(self.now()).await?)
    }

    // ---- incidents -------------------------------------------------------------------

    /// Resolves an incident: a failed job gets `retries` (default 1) and goes back to the
    /// queue; a stuck token is executed again.
    pub async fn resolve_incident(
        &self,
        incident_id: &str,
        retries: Option<i64>,
    ) -> Result<(), Error> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let incident = tx.resolve_incident(incident_id, now).await?;
        match (&incident.job_id, incident.token) {
            (Some(job_id), _) => {
                tx.retry_failed_job(job_id, retries.unwrap_or(1), now)
                    .await?;
            }
            (None, Some(token)) => {
                let effects = self
                    .run_on(&mut tx, &incident.instance_id, |run| run.resume(token))
                    .await?;
                self.settle(&mut tx, effects).await?;
            }
            (None, None) => {}
        }
        self.commit(tx).await?;
        Ok(())
    }
}

/// The group-commit writer: takes every start already waiting (up to a batch), writes them
/// in one transaction and answers each caller after the commit. With one caller it is a plain
/// transaction, so an idle engine adds no latency. If a batch fails, each start is retried
/// alone so that one bad instance cannot fail the others.
async fn write_starts(
    store: Store,
    mut pending: mpsc::Receiver<PendingStart>,
    job_wakers: Arc<JobWakers>,
    timers_created: Arc<Notify>,
) {
    while let Some(batch) = next_batch(&mut pending, MAX_START_BATCH).await {
        let results: Vec<Result<(), Error>> = match write_batch(&store, &batch).await {
            Ok(committed) => {
                wake(&job_wakers, &timers_created, &committed);
                batch.iter().map(|_| Ok(())).collect()
            }
            Err(e) if batch.len() == 1 => vec![Err(e)],
            Err(_) => {
                let mut each = Vec::with_capacity(batch.len());
                for p in &batch {
                    let written = write_batch(&store, std::slice::from_ref(p)).await;
                    each.push(written.map(|committed| {
                        wake(&job_wakers, &timers_created, &committed);
                    }));
                }
                each
            }
        };
        for (p, result) in batch.into_iter().zip(results) {
            // A caller that went away (request cancelled) still has its instance written.
            let _ = p.reply.send(result.map(|()| p.outcome.instance));
        }
    }
}

/// Hands `make(reply)` to a batching task (`who`) and waits for its answer.
async fn hand_over<T, R>(
    queue: &mpsc::Sender<T>,
    who: &str,
    make: impl FnOnce(oneshot::Sender<Result<R, Error>>) -> T,
) -> Result<R, Error> {
    let (reply, answer) = oneshot::channel();
    let stopped = || Error::Internal(format!("the {who} has stopped"));
    queue.send(make(reply)).await.map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

/// The next batch for a batching task: waits for one item, then takes whatever else is
/// already queued, up to `max`. `None` once every sender is gone.
async fn next_batch<T>(queue: &mut mpsc::Receiver<T>, max: usize) -> Option<Vec<T>> {
    let mut batch = vec![queue.recv().await?];
    while batch.len() < max {
        match queue.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Wakes this node's workers and timer service for what a commit made ready.
fn wake(job_wakers: &JobWakers, timers: &Notify, committed: &Committed) {
    for (job_type, n) in &committed.jobs {
        job_wakers.ready(job_type, *n);
    }
    if committed.timers {
        timers.notify_waiters();
    }
}

async fn write_batch(store: &Store, batch: &[PendingStart]) -> Result<Committed, Error> {
    let mut tx = store.begin().await?;
    let rows: Vec<_> = batch
        .iter()
        .map(|p| (&p.outcome.instance, &p.outcome.write))
        .collect();
    tx.insert_new(&rows).await?;
    Ok(tx.commit().await?)
}

/// Exponential backoff after `attempts` tries: 1 s, 2 s, 4 s, … capped at 10 minutes.
fn default_backoff(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    (1_000i64 << exp).min(600_000)
}

fn next_cycle(job: &JobRecord, now: i64, interval: i64) -> JobRecord {
    let mut payload = job.payload.clone();
    if let Some(Value::Number(n)) = job.payload.get("remaining")
        && let (Some(n), Value::Object(m)) = (n.as_i64(), &mut payload)
    {
        m.insert("remaining".into(), Value::from((n - 1).max(0)));
    }
    let id = new_id();
    JobRecord {
        idempotency_key: format!(
            "{}:next:{id}",
            job.idempotency_key
                .split(":next:")
                .next()
                .unwrap_or_default()
        ),
        id,
        state: "ready".into(),
        attempts: 0,
        due_at: now + interval,
        lease_owner: None,
        lease_until: None,
        payload,
        error: None,
        created_at: now,
        updated_at: now,
        ..job.clone()
    }
}

/// The DMN model id when `xml`'s root element is a DMN `definitions` (any DMN version);
/// `None` for anything else, which is then parsed as BPMN.
fn dmn_root_id(xml: &str) -> Option<Option<String>> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    let root = doc.root_element();
    let ns = root.tag_name().namespace()?;
    (root.tag_name().name() == "definitions" && ns.contains("/DMN/"))
        .then(|| root.attribute("id").map(str::to_owned))
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(s.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn dmn_is_recognised_by_its_root_element() {
        let dmn = "<definitions xmlns='https://www.omg.org/spec/DMN/20191111/MODEL/'\n id='norm'/>";
        assert_eq!(super::dmn_root_id(dmn), Some(Some("norm".into())));
        let bpmn = r#"<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>"#;
        assert_eq!(super::dmn_root_id(bpmn), None);
        assert_eq!(super::dmn_root_id("<definitions"), None);
    }

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        assert_eq!(super::default_backoff(1), 1_000);
        assert_eq!(super::default_backoff(2), 2_000);
        assert_eq!(super::default_backoff(5), 16_000);
        assert_eq!(super::default_backoff(40), 600_000);
    }
}
