//! The token interpreter: runs one instance in memory from a trigger until every token is
//! in a wait state, and records what changed as a [`flode_store::InstanceWrite`].
//!
//! It does no IO. The durable service (`crate::engine`) loads a snapshot, calls one entry
//! point (`start`, `complete_token`, `trigger`, …), applies the write in the same
//! transaction and then handles the [`Effect`]s that reach other instances.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use flode_bpmn::model::{
    Expr, FlowIdx, JobTask, Looping, NodeIdx, NodeKind, Text, Throw, Timer, Trigger,
};
use flode_store::{
    HistoryRecord, IncidentRecord, InstanceRecord, InstanceSnapshot, InstanceState, InstanceWrite,
    JobRecord, SubscriptionRecord, TokenRecord, UserTaskRecord, VariableRecord, job_kind,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::compiled::CompiledProcess;
use crate::ids::new_id;
use crate::timer::{self, TimerSpec};

/// Evaluates DMN decisions for business rule tasks.
pub trait Decisions: Sync {
    /// Evaluates the latest deployed decision `id` with `input`.
    fn evaluate(&self, id: &str, input: &Map<String, Value>) -> Result<Value, String>;
}

/// Something a run asks the service to do outside this instance, in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Broadcast a signal to every subscription (and signal start events).
    Signal {
        /// Signal name.
        name: String,
        /// The throwing instance, whose own catchers the run already served.
        origin: Option<String>,
    },
    /// Start a child instance for a call activity.
    StartChild {
        /// The calling instance.
        parent_instance_id: String,
        /// The waiting call-activity token.
        token: i64,
        /// Process id to start (latest version).
        process_id: String,
        /// Variables to start it with.
        variables: Map<String, Value>,
    },
    /// Publish a message (send task or message throw event without a job type).
    Message {
        /// Message name.
        name: String,
        /// Correlation key, if the message has one.
        correlation_key: Option<String>,
        /// Variables carried with it.
        variables: Map<String, Value>,
    },
    /// This instance was called and has completed: continue the parent.
    ChildCompleted {
        /// Parent instance.
        parent_instance_id: String,
        /// The parent's call-activity token.
        parent_token: i64,
        /// Variables to hand back.
        variables: Map<String, Value>,
    },
    /// This called instance threw an escalation nobody inside caught.
    ChildEscalation {
        /// Parent instance.
        parent_instance_id: String,
        /// The parent's call-activity token.
        parent_token: i64,
        /// Escalation code.
        code: Option<String>,
    },
    /// A call activity was cancelled: cancel the instance it called.
    CancelChildren {
        /// This instance.
        parent_instance_id: String,
        /// The cancelled call-activity token.
        parent_token: i64,
    },
    /// This called instance ended by an error nobody inside caught.
    ChildError {
        /// Parent instance.
        parent_instance_id: String,
        /// The parent's call-activity token.
        parent_token: i64,
        /// Error code.
        code: Option<String>,
    },
}

/// Token states as stored.
mod state {
    pub(super) const ARRIVING: &str = "arriving";
    pub(super) const WAITING: &str = "waiting";
    pub(super) const SCOPE: &str = "scope";
    pub(super) const JOINING: &str = "joining";
    pub(super) const INCIDENT: &str = "incident";
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct TokenData {
    /// Flow it arrived by (joins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    via: Option<String>,
    /// Inner instance of a multi-instance body (do not loop again).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    inner: bool,
    /// Standard-loop iterations done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    loops: Option<u64>,
    /// Multi-instance body state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mi: Option<MiState>,
    /// Why it is stuck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    incident: Option<String>,
    /// Re-executing after an incident (history already started).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    resume: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct MiState {
    total: u64,
    started: u64,
    completed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    items: Option<Vec<Value>>,
    #[serde(default)]
    outputs: Vec<Value>,
}

#[derive(Debug, Clone)]
struct Token {
    parent: Option<i64>,
    node: NodeIdx,
    state: &'static str,
    data: TokenData,
}

/// A failure at a node that becomes an incident on that token.
#[derive(Debug)]
struct Fault {
    kind: &'static str,
    message: String,
}

impl Fault {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

type Step = Result<(), Fault>;

/// Upper bound on steps in one run: a loop without a wait state becomes an incident.
pub const DEFAULT_MAX_STEPS: usize = 10_000;

/// One run over one instance.
pub struct Run<'a> {
    proc: &'a CompiledProcess,
    decisions: &'a dyn Decisions,
    now: i64,
    max_steps: usize,
    instance: InstanceRecord,
    is_new: bool,
    tokens: BTreeMap<i64, Token>,
    loaded: HashSet<i64>,
    dirty: HashSet<i64>,
    vars: HashMap<i64, Map<String, Value>>,
    vars_dirty: HashSet<(i64, String)>,
    queue: VecDeque<i64>,
    write: InstanceWrite,
    history_new: HashMap<i64, usize>,
    effects: Vec<Effect>,
    completed_by: Option<String>,
    /// Live signal subscriptions of this instance: (token, node id, name).
    signals: Vec<(i64, String, String)>,
}

/// The result of a run.
#[derive(Debug)]
pub struct Outcome {
    /// The instance row after the run (revision incremented).
    pub instance: InstanceRecord,
    /// Whether the row must be inserted.
    pub is_new: bool,
    /// Everything to persist.
    pub write: InstanceWrite,
    /// Work for other instances.
    pub effects: Vec<Effect>,
}

/// Root variable scope key.
const ROOT: i64 = 0;

impl<'a> Run<'a> {
    /// A run for a brand-new instance.
    pub fn new_instance(
        proc: &'a CompiledProcess,
        decisions: &'a dyn Decisions,
        now: i64,
        id: String,
        business_key: Option<String>,
        parent: Option<(String, i64)>,
    ) -> Self {
        let instance = InstanceRecord {
            id,
            definition_id: proc.definition_id.clone(),
            process_key: proc.process.id.clone(),
            business_key,
            state: InstanceState::Active,
            parent_instance_id: parent.as_ref().map(|p| p.0.clone()),
            parent_token: parent.map(|p| p.1),
            next_token: 1,
            revision: 0,
            started_at: now,
            ended_at: None,
        };
        Self::with(proc, decisions, now, instance, true)
    }

    /// A run over a loaded instance.
    pub fn load(
        proc: &'a CompiledProcess,
        decisions: &'a dyn Decisions,
        now: i64,
        snapshot: InstanceSnapshot,
    ) -> Result<Self, String> {
        let mut run = Self::with(proc, decisions, now, snapshot.instance, false);
        for t in snapshot.tokens {
            let node = proc
                .process
                .node_by_id(&t.node_id)
                .ok_or_else(|| format!("token {} is at unknown node {}", t.key, t.node_id))?;
            let data: TokenData = serde_json::from_value(t.data)
                .map_err(|e| format!("token {} has unreadable data: {e}", t.key))?;
            let st = match t.state.as_str() {
                state::ARRIVING => state::ARRIVING,
                state::WAITING => state::WAITING,
                state::SCOPE => state::SCOPE,
                state::JOINING => state::JOINING,
                state::INCIDENT => state::INCIDENT,
                other => return Err(format!("token {} has unknown state {other}", t.key)),
            };
            if st == state::ARRIVING {
                run.queue.push_back(t.key);
            }
            run.loaded.insert(t.key);
            run.tokens.insert(
                t.key,
                Token {
                    parent: t.parent,
                    node,
                    state: st,
                    data,
                },
            );
        }
        for v in snapshot.variables {
            run.vars.entry(v.scope).or_default().insert(v.name, v.value);
        }
        for sub in snapshot.subscriptions {
            if sub.kind == "signal" {
                run.signals.push((sub.token, sub.node_id, sub.name));
            }
        }
        Ok(run)
    }

    fn with(
        proc: &'a CompiledProcess,
        decisions: &'a dyn Decisions,
        now: i64,
        instance: InstanceRecord,
        is_new: bool,
    ) -> Self {
        Self {
            proc,
            decisions,
            now,
            max_steps: DEFAULT_MAX_STEPS,
            instance,
            is_new,
            tokens: BTreeMap::new(),
            loaded: HashSet::new(),
            dirty: HashSet::new(),
            vars: HashMap::new(),
            vars_dirty: HashSet::new(),
            queue: VecDeque::new(),
            write: InstanceWrite::default(),
            history_new: HashMap::new(),
            effects: Vec::new(),
            completed_by: None,
            signals: Vec::new(),
        }
    }

    /// Caps the steps of this run.
    pub fn max_steps(mut self, n: usize) -> Self {
        self.max_steps = n;
        self
    }

    /// The instance row as it stands.
    pub fn instance(&self) -> &InstanceRecord {
        &self.instance
    }

    /// Variables visible at a token (its scopes up to the instance), for job activation.
    pub fn variables_at(&self, key: i64) -> Map<String, Value> {
        self.visible(Some(key)).into_owned()
    }

    // ---- entry points ----------------------------------------------------------------

    /// Starts the instance at its none start event (or at `start_node`), with `variables`.
    pub fn start(
        &mut self,
        variables: Map<String, Value>,
        start_node: Option<NodeIdx>,
    ) -> Result<(), String> {
        for (name, value) in variables {
            self.set_local(ROOT, name, value);
        }
        let start = match start_node {
            Some(s) => s,
            None => *self
                .proc
                .process
                .none_start_events(None)
                .first()
                .ok_or_else(|| {
                    format!("process {} has no none start event", self.proc.process.id)
                })?,
        };
        self.arm_event_subprocesses(None);
        let key = self.new_token(None, start, state::ARRIVING, TokenData::default());
        self.queue.push_back(key);
        self.run();
        Ok(())
    }

    /// Completes a waiting activity token (user task, job, receive task) with `variables`.
    pub fn complete_token(
        &mut self,
        key: i64,
        variables: Map<String, Value>,
        completed_by: Option<String>,
    ) -> Result<(), String> {
        let token = self
            .tokens
            .get(&key)
            .ok_or_else(|| format!("token {key} is not active in instance {}", self.instance.id))?;
        if token.state != state::WAITING {
            return Err(format!(
                "token {key} is {} and cannot be completed",
                token.state
            ));
        }
        self.completed_by = completed_by;
        // Its own job is already completed; other waits go when the token leaves.
        self.accept_result(key, variables);
        if let Err(fault) = self.complete(key) {
            self.raise(key, fault);
        }
        self.run();
        Ok(())
    }

    /// Fires a timer, message or signal at `node_id` for the waiting token `key`
    /// (0 = the instance scope, for event sub-process starts).
    pub fn trigger(
        &mut self,
        key: i64,
        node_id: &str,
        variables: Map<String, Value>,
    ) -> Result<bool, String> {
        let Some(node) = self.proc.process.node_by_id(node_id) else {
            return Err(format!("no node {node_id}"));
        };
        let fired = self.fire(key, node, variables);
        match fired {
            Ok(fired) => {
                self.run();
                Ok(fired)
            }
            Err(fault) => {
                if key != ROOT {
                    self.raise(key, fault);
                }
                self.run();
                Ok(true)
            }
        }
    }

    /// Throws a BPMN error from a waiting job token (a worker reported a business error).
    pub fn throw_error_from(
        &mut self,
        key: i64,
        code: &str,
        variables: Map<String, Value>,
    ) -> Result<(), String> {
        if !self.tokens.contains_key(&key) {
            return Err(format!("token {key} is not active"));
        }
        for (name, value) in variables {
            self.set_propagating(Some(key), name, value);
        }
        self.throw_error(key, Some(code.to_owned()), true);
        self.run();
        Ok(())
    }

    /// Retries a token stuck in an incident (after its cause was fixed).
    pub fn resume(&mut self, key: i64) -> Result<(), String> {
        let token = self
            .tokens
            .get_mut(&key)
            .ok_or_else(|| format!("token {key} is not active"))?;
        if token.state != state::INCIDENT {
            return Err(format!("token {key} is not in an incident"));
        }
        token.state = state::ARRIVING;
        token.data.incident = None;
        token.data.resume = true;
        self.dirty.insert(key);
        self.resolve_incidents(key);
        self.queue.push_back(key);
        self.run();
        Ok(())
    }

    /// Raises an incident on a token (for failures found outside the run, such as a
    /// called process that is not deployed).
    pub fn incident(
        &mut self,
        key: i64,
        kind: &'static str,
        message: String,
    ) -> Result<(), String> {
        if !self.tokens.contains_key(&key) {
            return Err(format!("token {key} is not active"));
        }
        self.raise(key, Fault::new(kind, message));
        Ok(())
    }

    /// Cancels the whole instance.
    pub fn cancel(&mut self) {
        let roots = self.children_of(None);
        for k in roots {
            self.cancel_subtree(k);
        }
        self.end_instance(InstanceState::Canceled);
    }

    /// Finishes the run: the instance row and everything to write.
    pub fn finish(mut self) -> Outcome {
        self.instance.revision += 1;
        let mut write = std::mem::take(&mut self.write);
        // Several paths may release the same token; one statement each is enough.
        for list in [
            &mut write.subscriptions_delete,
            &mut write.jobs_cancel,
            &mut write.scopes_delete,
            &mut write.incidents_resolve,
        ] {
            list.sort_unstable();
            list.dedup();
        }
        for key in &self.loaded {
            if !self.tokens.contains_key(key) {
                write.tokens_delete.push(*key);
            }
        }
        let mut dirty: Vec<i64> = self.dirty.iter().copied().collect();
        dirty.sort_unstable();
        for key in dirty {
            if let Some(t) = self.tokens.get(&key) {
                write.tokens_upsert.push(TokenRecord {
                    key,
                    parent: t.parent,
                    node_id: self.proc.process.nodes[t.node].id.clone(),
                    state: t.state.to_owned(),
                    data: serde_json::to_value(&t.data).unwrap_or(Value::Null),
                });
            }
        }
        let mut vars: Vec<(i64, String)> = self.vars_dirty.into_iter().collect();
        vars.sort();
        for (scope, name) in vars {
            if let Some(value) = self.vars.get(&scope).and_then(|m| m.get(&name)) {
                write.variables_upsert.push(VariableRecord {
                    scope,
                    name,
                    value: value.clone(),
                });
            }
        }
        Outcome {
            instance: self.instance,
            is_new: self.is_new,
            write,
            effects: self.effects,
        }
    }

    // ---- the loop --------------------------------------------------------------------

    fn run(&mut self) {
        let mut steps = 0usize;
        loop {
            while let Some(key) = self.queue.pop_front() {
                steps += 1;
                if steps > self.max_steps {
                    let message = format!(
                        "more than {} steps without reaching a wait state: a loop without a wait state?",
                        self.max_steps
                    );
                    self.raise(key, Fault::new("loop_guard", message));
                    // Whatever else is queued stays 'arriving' and resumes with the next run.
                    return;
                }
                if self
                    .tokens
                    .get(&key)
                    .is_some_and(|t| t.state == state::ARRIVING)
                    && let Err(fault) = self.execute(key)
                {
                    self.raise(key, fault);
                }
            }
            if !self.fire_inclusive_joins() {
                break;
            }
        }
    }

    fn execute(&mut self, key: i64) -> Step {
        let node_idx = self.token(key).node;
        let resumed = std::mem::take(&mut self.tok_mut(key).data.resume);
        let node = &self.proc.process.nodes[node_idx];
        if !resumed {
            self.apply_inputs(key)?;
        }
        if let Some(looping) = &node.looping
            && !self.token(key).data.inner
            && self.token(key).data.mi.is_none()
        {
            match looping {
                Looping::MultiInstance(_) => return self.start_multi_instance(key),
                Looping::Standard(l) => {
                    if l.test_before && self.token(key).data.loops.is_none() {
                        let go = match &l.condition {
                            Some(c) => self.condition(key, c)?,
                            None => true,
                        };
                        if !go {
                            // While-loop whose condition is false up front: never runs.
                            return self.leave(key, "skipped");
                        }
                    }
                }
            }
        }
        match &node.kind {
            NodeKind::StartEvent { .. }
            | NodeKind::Task
            | NodeKind::ManualTask
            | NodeKind::IntermediateCatchEvent {
                trigger: Trigger::Link(_),
            }
            | NodeKind::IntermediateThrowEvent {
                result: Throw::None,
            }
            | NodeKind::EndEvent {
                result: Throw::None,
            }
            | NodeKind::BoundaryEvent { .. } => self.complete(key),
            NodeKind::IntermediateThrowEvent { result } | NodeKind::EndEvent { result } => {
                self.throw(key, result)
            }
            NodeKind::ScriptTask(script) => {
                let value = self.eval(key, &script.expression)?;
                if let Some(var) = &script.result_variable {
                    self.set_local(key, var.clone(), value);
                    if node.outputs.is_empty() {
                        let v = self.vars.get(&key).and_then(|m| m.get(var)).cloned();
                        if let Some(v) = v {
                            self.set_propagating(self.token(key).parent, var.clone(), v);
                        }
                    }
                }
                self.complete(key)
            }
            NodeKind::BusinessRuleTask(rule) => {
                let decision = self.text(key, &rule.decision_id)?;
                let input = self.visible(Some(key)).into_owned();
                let value = self
                    .decisions
                    .evaluate(&decision, &input)
                    .map_err(|e| Fault::new("decision", e))?;
                self.set_local(key, rule.result_variable.clone(), value.clone());
                if node.outputs.is_empty() {
                    self.set_propagating(
                        self.token(key).parent,
                        rule.result_variable.clone(),
                        value,
                    );
                }
                self.complete(key)
            }
            NodeKind::UserTask(task) => {
                let record = UserTaskRecord {
                    id: new_id(),
                    instance_id: self.instance.id.clone(),
                    token: key,
                    node_id: node.id.clone(),
                    name: node.name.clone(),
                    assignee: self.opt_text(key, &task.assignee)?,
                    candidate_groups: self.opt_text(key, &task.candidate_groups)?,
                    form_key: task.form_key.clone(),
                    due_at: match self.opt_text(key, &task.due_date)? {
                        Some(d) => Some(
                            timer::parse_date_ms(&d).map_err(|e| Fault::new("expression", e))?,
                        ),
                        None => None,
                    },
                    state: "created".into(),
                    created_at: self.now,
                    ended_at: None,
                    completed_by: None,
                };
                self.write.user_tasks_insert.push(record);
                self.wait(key)
            }
            NodeKind::ServiceTask(job) => {
                self.create_job(key, job)?;
                self.wait(key)
            }
            NodeKind::SendTask { message } => {
                self.publish(key, message)?;
                self.complete(key)
            }
            NodeKind::ReceiveTask { message } => {
                self.subscribe_message(
                    key,
                    node_idx,
                    &message.name,
                    message.correlation_key.as_ref(),
                )?;
                self.wait(key)
            }
            NodeKind::IntermediateCatchEvent { trigger } => {
                self.arm(key, node_idx, trigger)?;
                self.set_state(key, state::WAITING);
                Ok(())
            }
            NodeKind::EventBasedGateway => {
                let targets: Vec<NodeIdx> = node
                    .outgoing
                    .iter()
                    .map(|f| self.proc.process.flows[*f].target)
                    .collect();
                for target in targets {
                    let trigger = match &self.proc.process.nodes[target].kind {
                        NodeKind::IntermediateCatchEvent { trigger } => trigger.clone(),
                        NodeKind::ReceiveTask { message } => Trigger::Message(message.clone()),
                        _ => {
                            return Err(Fault::new(
                                "model",
                                "an event-based gateway must lead to catch events or receive tasks",
                            ));
                        }
                    };
                    self.arm(key, target, &trigger)?;
                }
                self.set_state(key, state::WAITING);
                Ok(())
            }
            NodeKind::ExclusiveGateway => {
                let flow = self.choose_exclusive(key, node_idx)?;
                self.move_along(key, flow.into_iter().collect())
            }
            NodeKind::ParallelGateway => {
                if node.incoming.len() > 1 && !self.join_parallel(key)? {
                    return Ok(());
                }
                self.move_along(key, self.proc.process.nodes[node_idx].outgoing.clone())
            }
            NodeKind::InclusiveGateway => {
                if node.incoming.len() > 1 {
                    // Wait; `fire_inclusive_joins` decides when nothing else can arrive.
                    self.set_state(key, state::JOINING);
                    return Ok(());
                }
                let flows = self.choose_inclusive(key, node_idx)?;
                self.move_along(key, flows)
            }
            NodeKind::SubProcess { .. } => {
                self.set_state(key, state::SCOPE);
                self.arm_boundaries(key)?;
                self.arm_event_subprocesses(Some(key));
                let starts = self.proc.process.none_start_events(Some(node_idx));
                if starts.is_empty() {
                    return Err(Fault::new(
                        "model",
                        "the sub-process has no none start event",
                    ));
                }
                for s in starts {
                    let child = self.new_token(Some(key), s, state::ARRIVING, TokenData::default());
                    self.queue.push_back(child);
                }
                Ok(())
            }
            NodeKind::CallActivity { process_id, .. } => {
                let process_id = self.text(key, process_id)?;
                let variables = self.visible(Some(key)).into_owned();
                self.effects.push(Effect::StartChild {
                    parent_instance_id: self.instance.id.clone(),
                    token: key,
                    process_id,
                    variables,
                });
                self.wait(key)
            }
        }
    }

    /// Puts an activity into its wait state and arms its boundary events.
    fn wait(&mut self, key: i64) -> Step {
        self.set_state(key, state::WAITING);
        self.arm_boundaries(key)
    }

    // ---- completion and flow ---------------------------------------------------------

    /// The activity at `key` is done: outputs, loops, then the outgoing flows.
    fn complete(&mut self, key: i64) -> Step {
        self.apply_outputs(key)?;
        let node = &self.proc.process.nodes[self.token(key).node];
        if self.token(key).data.inner {
            return self.inner_done(key);
        }
        if let Some(Looping::Standard(l)) = &node.looping {
            let done = self.token(key).data.loops.unwrap_or(0) + 1;
            let again = l.maximum.is_none_or(|m| done < m)
                && match &l.condition {
                    Some(c) => self.condition(key, c)?,
                    None => false,
                };
            if again {
                let parent = self.token(key).parent;
                let node_idx = self.token(key).node;
                self.end_token(key, "completed");
                let data = TokenData {
                    loops: Some(done),
                    ..TokenData::default()
                };
                let next = self.new_token(parent, node_idx, state::ARRIVING, data);
                self.queue.push_back(next);
                return Ok(());
            }
        }
        self.take_outgoing(key)
    }

    /// Leaves a node by its outgoing flows (conditions and default honoured).
    fn take_outgoing(&mut self, key: i64) -> Step {
        self.leave(key, "completed")
    }

    /// Leaves a node by its outgoing flows, closing its history record as `how`.
    fn leave(&mut self, key: i64, how: &str) -> Step {
        let node_idx = self.token(key).node;
        let node = &self.proc.process.nodes[node_idx];
        let flows: Vec<FlowIdx> = if node
            .outgoing
            .iter()
            .any(|f| self.proc.process.flows[*f].condition.is_some())
        {
            self.choose_inclusive(key, node_idx)?
        } else {
            node.outgoing.clone()
        };
        self.move_along_as(key, flows, how)
    }

    /// Ends token `key` and puts a new token on each flow's target; with no flows, the
    /// token is consumed and its scope may complete.
    fn move_along(&mut self, key: i64, flows: Vec<FlowIdx>) -> Step {
        self.move_along_as(key, flows, "completed")
    }

    fn move_along_as(&mut self, key: i64, flows: Vec<FlowIdx>, how: &str) -> Step {
        let parent = self.token(key).parent;
        self.end_token(key, how);
        if flows.is_empty() {
            return self.scope_check(parent);
        }
        for f in flows {
            let flow = &self.proc.process.flows[f];
            let data = TokenData {
                via: Some(flow.id.clone()),
                ..TokenData::default()
            };
            let next = self.new_token(parent, flow.target, state::ARRIVING, data);
            self.queue.push_back(next);
        }
        Ok(())
    }

    /// If nothing is left in `scope`, the scope completes.
    fn scope_check(&mut self, scope: Option<i64>) -> Step {
        if self.tokens.values().any(|t| t.parent == scope) {
            return Ok(());
        }
        match scope {
            None => {
                if self.instance.state == InstanceState::Active {
                    self.end_instance(InstanceState::Completed);
                }
                Ok(())
            }
            Some(s) => {
                self.release_waits(s);
                self.complete(s)
            }
        }
    }

    fn end_instance(&mut self, state: InstanceState) {
        self.instance.state = state;
        self.instance.ended_at = Some(self.now);
        self.release_waits(ROOT);
        if state == InstanceState::Completed
            && let Some((parent, token)) = self.caller()
        {
            self.effects.push(Effect::ChildCompleted {
                parent_instance_id: parent,
                parent_token: token,
                variables: self.vars.get(&ROOT).cloned().unwrap_or_default(),
            });
        }
    }

    fn choose_exclusive(&mut self, key: i64, node_idx: NodeIdx) -> Result<Option<FlowIdx>, Fault> {
        let node = &self.proc.process.nodes[node_idx];
        if node.outgoing.len() == 1
            && self.proc.process.flows[node.outgoing[0]]
                .condition
                .is_none()
        {
            return Ok(Some(node.outgoing[0]));
        }
        if node.outgoing.is_empty() {
            return Ok(None);
        }
        for &f in &node.outgoing {
            if Some(f) == node.default_flow {
                continue;
            }
            let flow = &self.proc.process.flows[f];
            match &flow.condition {
                Some(c) => {
                    if self.condition(key, c)? {
                        return Ok(Some(f));
                    }
                }
                None => return Ok(Some(f)),
            }
        }
        node.default_flow.map(Some).ok_or_else(|| {
            Fault::new(
                "no_flow",
                "no outgoing sequence flow's condition is true and there is no default flow",
            )
        })
    }

    fn choose_inclusive(&mut self, key: i64, node_idx: NodeIdx) -> Result<Vec<FlowIdx>, Fault> {
        let node = &self.proc.process.nodes[node_idx];
        let mut taken = Vec::new();
        for &f in &node.outgoing {
            if Some(f) == node.default_flow {
                continue;
            }
            match &self.proc.process.flows[f].condition {
                Some(c) => {
                    if self.condition(key, c)? {
                        taken.push(f);
                    }
                }
                None => taken.push(f),
            }
        }
        if taken.is_empty() {
            match node.default_flow {
                Some(d) => taken.push(d),
                None if node.outgoing.is_empty() => {}
                None => {
                    return Err(Fault::new(
                        "no_flow",
                        "no outgoing sequence flow's condition is true and there is no default flow",
                    ));
                }
            }
        }
        Ok(taken)
    }

    /// Parallel join: true when this arrival completes the set (one token per incoming flow).
    fn join_parallel(&mut self, key: i64) -> Result<bool, Fault> {
        self.set_state(key, state::JOINING);
        let (node_idx, parent) = (self.token(key).node, self.token(key).parent);
        let incoming = self.proc.process.nodes[node_idx].incoming.clone();
        let mut chosen = Vec::new();
        for f in incoming {
            let flow_id = &self.proc.process.flows[f].id;
            let found = self.tokens.iter().find(|(_, t)| {
                t.node == node_idx
                    && t.parent == parent
                    && t.state == state::JOINING
                    && t.data.via.as_deref() == Some(flow_id.as_str())
            });
            match found {
                Some((k, _)) if !chosen.contains(k) => chosen.push(*k),
                _ => return Ok(false),
            }
        }
        for k in chosen {
            if k != key {
                self.end_token(k, "completed");
            }
        }
        Ok(true)
    }

    /// Fires every inclusive join that no live token can still reach. Returns whether any
    /// fired (the loop then runs again).
    fn fire_inclusive_joins(&mut self) -> bool {
        let waiting: Vec<(i64, NodeIdx, Option<i64>)> = self
            .tokens
            .iter()
            .filter(|(_, t)| {
                t.state == state::JOINING
                    && matches!(
                        self.proc.process.nodes[t.node].kind,
                        NodeKind::InclusiveGateway
                    )
            })
            .map(|(k, t)| (*k, t.node, t.parent))
            .collect();
        let mut handled = HashSet::new();
        for (key, node_idx, parent) in waiting {
            if !handled.insert((node_idx, parent)) || !self.tokens.contains_key(&key) {
                continue;
            }
            let blocked = self.tokens.iter().any(|(_, t)| {
                t.parent == parent
                    && !(t.node == node_idx && t.state == state::JOINING)
                    && t.state != state::INCIDENT
                    && self.reaches(t.node, node_idx)
            });
            if blocked {
                continue;
            }
            let arrived: Vec<i64> = self
                .tokens
                .iter()
                .filter(|(_, t)| {
                    t.node == node_idx && t.parent == parent && t.state == state::JOINING
                })
                .map(|(k, _)| *k)
                .collect();
            for k in &arrived {
                if *k != key {
                    self.end_token(*k, "completed");
                }
            }
            let result = self
                .choose_inclusive(key, node_idx)
                .and_then(|flows| self.move_along(key, flows));
            if let Err(fault) = result {
                self.raise(key, fault);
            }
            return true;
        }
        false
    }

    /// Can a token at `from` still reach `to` by sequence flows (in the same scope)?
    fn reaches(&self, from: NodeIdx, to: NodeIdx) -> bool {
        let nodes = &self.proc.process.nodes;
        let mut seen = HashSet::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if !seen.insert(n) {
                continue;
            }
            let node = &nodes[n];
            stack.extend(
                node.outgoing
                    .iter()
                    .map(|f| self.proc.process.flows[*f].target),
            );
            // A boundary event may still fire and lead on.
            stack.extend(node.boundary_events.iter().copied());
        }
        false
    }

    // ---- throwing --------------------------------------------------------------------

    fn throw(&mut self, key: i64, result: &Throw) -> Step {
        match result {
            Throw::None => self.complete(key),
            Throw::Terminate => {
                let parent = self.token(key).parent;
                self.end_token(key, "completed");
                let children = self.children_of(parent);
                for c in children {
                    self.cancel_subtree(c);
                }
                match parent {
                    None => {
                        self.end_instance(InstanceState::Terminated);
                        Ok(())
                    }
                    Some(s) => self.complete(s),
                }
            }
            Throw::Error(code) => {
                self.throw_error(key, code.clone(), false);
                Ok(())
            }
            Throw::Escalation(code) => {
                self.throw_escalation(key, code.clone());
                Ok(())
            }
            Throw::Signal(name) => {
                self.effects.push(Effect::Signal {
                    name: name.clone(),
                    origin: Some(self.instance.id.clone()),
                });
                self.complete(key)?;
                self.signal_here(name);
                Ok(())
            }
            Throw::Link(name) => {
                let parent = self.token(key).parent;
                let scope_node = parent.map(|p| self.token(p).node);
                let target = self.proc.process.children(scope_node).find(|&n| {
                    matches!(&self.proc.process.nodes[n].kind,
                        NodeKind::IntermediateCatchEvent { trigger: Trigger::Link(l) } if l == name)
                });
                let target = target.ok_or_else(|| {
                    Fault::new(
                        "model",
                        format!("no link catch event named {name:?} in this scope"),
                    )
                })?;
                self.end_token(key, "completed");
                let next = self.new_token(parent, target, state::ARRIVING, TokenData::default());
                self.queue.push_back(next);
                Ok(())
            }
            Throw::Message(message) => {
                self.publish(key, message)?;
                self.complete(key)
            }
            Throw::Job(job) => {
                self.create_job(key, job)?;
                self.set_state(key, state::WAITING);
                Ok(())
            }
        }
    }

    /// Finds the catcher of a BPMN error thrown at token `key` and continues there; an
    /// uncaught error becomes an incident (or goes to the calling instance).
    fn throw_error(&mut self, key: i64, code: Option<String>, from_activity: bool) {
        let matches = |t: &Trigger| matches!(t, Trigger::Error(c) if c.is_none() || *c == code);
        if from_activity && let Some(b) = self.find_boundary(key, &matches) {
            self.catch_boundary(key, b, true);
            return;
        }
        let mut current = key;
        loop {
            let scope = self.token(current).parent;
            if let Some((es, start)) = self.find_event_subprocess(scope, &matches) {
                self.start_event_subprocess(scope, es, start, true);
                return;
            }
            match scope {
                Some(s) => {
                    if let Some(b) = self.find_boundary(s, &matches) {
                        self.catch_boundary(s, b, true);
                        return;
                    }
                    current = s;
                }
                None => break,
            }
        }
        if let Some((parent, token)) = self.caller() {
            self.effects.push(Effect::ChildError {
                parent_instance_id: parent,
                parent_token: token,
                code,
            });
            self.cancel();
            return;
        }
        let message = match &code {
            Some(c) => format!("an error event with code {c:?} was thrown and nothing catches it"),
            None => "an error event was thrown and nothing catches it".to_owned(),
        };
        self.raise(key, Fault::new("unhandled_error", message));
    }

    fn throw_escalation(&mut self, key: i64, code: Option<String>) {
        let is_end = matches!(
            self.proc.process.nodes[self.token(key).node].kind,
            NodeKind::EndEvent { .. }
        );
        let caught = self.catch_escalation(key, &code, false);
        if !caught && let Some((parent, token)) = self.caller() {
            self.effects.push(Effect::ChildEscalation {
                parent_instance_id: parent,
                parent_token: token,
                code: code.clone(),
            });
        }
        // Uncaught escalations are not errors; the thrower carries on (or ends).
        if self.tokens.contains_key(&key) {
            let result = if is_end {
                self.move_along(key, Vec::new())
            } else {
                self.take_outgoing(key)
            };
            if let Err(fault) = result {
                self.raise(key, fault);
            }
        }
    }

    /// Finds the catcher of an escalation raised at `from` (on its own boundary first when
    /// `own_boundary`, as for a call activity whose child escalated) and starts it.
    fn catch_escalation(&mut self, from: i64, code: &Option<String>, own_boundary: bool) -> bool {
        let matches = |t: &Trigger| matches!(t, Trigger::Escalation(c) if c.is_none() || c == code);
        if own_boundary && let Some(b) = self.find_boundary(from, &matches) {
            let interrupting = self.interrupting(b);
            self.catch_boundary(from, b, interrupting);
            return true;
        }
        let mut current = from;
        loop {
            let scope = self.token(current).parent;
            if let Some((es, start)) = self.find_event_subprocess(scope, &matches) {
                let interrupting = self.interrupting(start);
                self.start_event_subprocess(scope, es, start, interrupting);
                return true;
            }
            match scope {
                Some(s) => {
                    if let Some(b) = self.find_boundary(s, &matches) {
                        let interrupting = self.interrupting(b);
                        self.catch_boundary(s, b, interrupting);
                        return true;
                    }
                    current = s;
                }
                None => return false,
            }
        }
    }

    /// A called instance escalated: catch it at the call activity `key` or above.
    pub fn escalate_from_child(&mut self, key: i64, code: Option<String>) -> Result<(), String> {
        if !self.tokens.contains_key(&key) {
            return Err(format!("token {key} is not active"));
        }
        if !self.catch_escalation(key, &code, true)
            && let Some((parent, token)) = self.caller()
        {
            self.effects.push(Effect::ChildEscalation {
                parent_instance_id: parent,
                parent_token: token,
                code,
            });
        }
        self.run();
        Ok(())
    }

    fn interrupting(&self, node: NodeIdx) -> bool {
        match &self.proc.process.nodes[node].kind {
            NodeKind::BoundaryEvent {
                cancel_activity, ..
            } => *cancel_activity,
            NodeKind::StartEvent { interrupting, .. } => *interrupting,
            _ => true,
        }
    }

    fn find_boundary(&self, key: i64, matches: &dyn Fn(&Trigger) -> bool) -> Option<NodeIdx> {
        let node = &self.proc.process.nodes[self.token(key).node];
        node.boundary_events.iter().copied().find(|&b| {
            matches!(&self.proc.process.nodes[b].kind, NodeKind::BoundaryEvent { trigger, .. } if matches(trigger))
        })
    }

    /// An event sub-process directly in `scope` whose start event matches.
    fn find_event_subprocess(
        &self,
        scope: Option<i64>,
        matches: &dyn Fn(&Trigger) -> bool,
    ) -> Option<(NodeIdx, NodeIdx)> {
        let scope_node = scope.map(|s| self.token(s).node);
        let p = &self.proc.process;
        p.children(scope_node)
            .filter(|&n| matches!(p.nodes[n].kind, NodeKind::SubProcess { triggered_by_event: true }))
            .find_map(|es| {
                p.children(Some(es))
                    .find(|&s| matches!(&p.nodes[s].kind, NodeKind::StartEvent { trigger, .. } if matches(trigger)))
                    .map(|s| (es, s))
            })
    }

    /// A boundary event fires on activity token `activity`.
    fn catch_boundary(&mut self, activity: i64, boundary: NodeIdx, interrupting: bool) {
        let parent = self.token(activity).parent;
        if interrupting {
            self.cancel_subtree(activity);
        }
        let key = self.new_token(parent, boundary, state::ARRIVING, TokenData::default());
        self.queue.push_back(key);
    }

    fn start_event_subprocess(
        &mut self,
        scope: Option<i64>,
        es: NodeIdx,
        start: NodeIdx,
        interrupting: bool,
    ) {
        if interrupting {
            let children = self.children_of(scope);
            for c in children {
                self.cancel_subtree(c);
            }
            self.release_waits(scope.unwrap_or(ROOT));
        }
        let es_key = self.new_token(scope, es, state::SCOPE, TokenData::default());
        let key = self.new_token(Some(es_key), start, state::ARRIVING, TokenData::default());
        self.queue.push_back(key);
    }

    /// Handles an external trigger; returns whether anything fired.
    fn fire(
        &mut self,
        key: i64,
        node: NodeIdx,
        variables: Map<String, Value>,
    ) -> Result<bool, Fault> {
        let p = &self.proc.process;
        if key == ROOT {
            // Event sub-process start at process level.
            return self.fire_event_subprocess(None, node, variables);
        }
        let Some(token) = self.tokens.get(&key) else {
            return Ok(false);
        };
        let (tnode, parent) = (token.node, token.parent);
        if tnode == node && token.state == state::WAITING {
            self.release_waits(key);
            self.accept_result(key, variables);
            self.complete(key)?;
            return Ok(true);
        }
        match &p.nodes[node].kind {
            NodeKind::BoundaryEvent {
                attached_to,
                cancel_activity,
                ..
            } if *attached_to == tnode => {
                let cancel = *cancel_activity;
                for (name, value) in variables {
                    self.set_propagating(parent, name, value);
                }
                self.catch_boundary(key, node, cancel);
                Ok(true)
            }
            NodeKind::StartEvent { .. }
                if p.nodes[node].scope.and_then(|es| p.nodes[es].scope) == Some(tnode) =>
            {
                self.fire_event_subprocess(Some(key), node, variables)
            }
            _ if matches!(p.nodes[tnode].kind, NodeKind::EventBasedGateway) => {
                self.end_token(key, "completed");
                self.release_waits(key);
                let next = self.new_token(parent, node, state::ARRIVING, TokenData::default());
                for (name, value) in variables {
                    self.set_propagating(parent, name, value);
                }
                // The catch event has happened: complete it right away.
                self.set_state(next, state::WAITING);
                self.complete(next)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn fire_event_subprocess(
        &mut self,
        scope: Option<i64>,
        start: NodeIdx,
        variables: Map<String, Value>,
    ) -> Result<bool, Fault> {
        let p = &self.proc.process;
        let Some(es) = p.nodes[start].scope else {
            return Ok(false);
        };
        let interrupting = match &p.nodes[start].kind {
            NodeKind::StartEvent { interrupting, .. } => *interrupting,
            _ => return Ok(false),
        };
        if scope.is_none() && self.instance.state != InstanceState::Active {
            return Ok(false);
        }
        for (name, value) in variables {
            self.set_propagating(scope, name, value);
        }
        self.start_event_subprocess(scope, es, start, interrupting);
        Ok(true)
    }

    // ---- multi-instance --------------------------------------------------------------

    fn start_multi_instance(&mut self, key: i64) -> Step {
        let node = &self.proc.process.nodes[self.token(key).node];
        let Some(Looping::MultiInstance(mi)) = &node.looping else {
            return Ok(());
        };
        let (items, total) = match (&mi.input_collection, &mi.cardinality) {
            (Some(c), _) => match self.eval(key, c)? {
                Value::Array(items) => {
                    let n = items.len() as u64;
                    (Some(items), n)
                }
                other => {
                    return Err(Fault::new(
                        "expression",
                        format!("the input collection is not a list but {other}"),
                    ));
                }
            },
            (None, Some(c)) => match self.eval(key, c)? {
                Value::Number(n) if n.as_u64().is_some() => (None, n.as_u64().unwrap_or(0)),
                other => {
                    return Err(Fault::new(
                        "expression",
                        format!("the loop cardinality is not a non-negative integer but {other}"),
                    ));
                }
            },
            (None, None) => {
                return Err(Fault::new(
                    "model",
                    "multi-instance without collection or cardinality",
                ));
            }
        };
        let sequential = mi.sequential;
        {
            let t = self.tok_mut(key);
            t.state = state::SCOPE;
            t.data.mi = Some(MiState {
                total,
                items,
                ..MiState::default()
            });
        }
        self.dirty.insert(key);
        self.arm_boundaries(key)?;
        if total == 0 {
            return self.finish_multi_instance(key);
        }
        let first_batch = if sequential { 1 } else { total };
        for _ in 0..first_batch {
            self.spawn_inner(key);
        }
        Ok(())
    }

    fn spawn_inner(&mut self, body: i64) {
        let node = self.token(body).node;
        let (index, item, element) = {
            let mi_def = match &self.proc.process.nodes[node].looping {
                Some(Looping::MultiInstance(m)) => m,
                _ => return,
            };
            let Some(state) = self.tok_mut(body).data.mi.as_mut() else {
                return;
            };
            let index = state.started;
            state.started += 1;
            let item = state
                .items
                .as_ref()
                .and_then(|items| items.get(index as usize).cloned());
            (index, item, mi_def.input_element.clone())
        };
        self.dirty.insert(body);
        let data = TokenData {
            inner: true,
            ..TokenData::default()
        };
        let inner = self.new_token(Some(body), node, state::ARRIVING, data);
        self.set_local(inner, "loopCounter".to_owned(), Value::from(index + 1));
        if let (Some(name), Some(item)) = (element, item) {
            self.set_local(inner, name, item);
        }
        self.queue.push_back(inner);
    }

    /// One inner instance finished.
    fn inner_done(&mut self, key: i64) -> Step {
        let body = self
            .token(key)
            .parent
            .ok_or_else(|| Fault::new("model", "inner instance without body"))?;
        let node = self.token(key).node;
        let Some(Looping::MultiInstance(mi)) = &self.proc.process.nodes[node].looping else {
            return Err(Fault::new(
                "model",
                "inner instance of an activity without multi-instance",
            ));
        };
        let output = match &mi.output_element {
            Some(e) => Some(self.eval(key, e)?),
            None => None,
        };
        let completion = mi.completion_condition.clone();
        self.end_token(key, "completed");
        let (done, all_started) = {
            let Some(state) = self.tok_mut(body).data.mi.as_mut() else {
                return Ok(());
            };
            state.completed += 1;
            if let Some(o) = output {
                state.outputs.push(o);
            }
            (state.completed >= state.total, state.started >= state.total)
        };
        self.dirty.insert(body);
        let early = match &completion {
            Some(c) => self.condition(body, c)?,
            None => false,
        };
        if done || early {
            let rest = self.children_of(Some(body));
            for r in rest {
                self.cancel_subtree(r);
            }
            return self.finish_multi_instance(body);
        }
        if !all_started && mi.sequential {
            self.spawn_inner(body);
        }
        Ok(())
    }

    fn finish_multi_instance(&mut self, body: i64) -> Step {
        let node = self.token(body).node;
        if let Some(Looping::MultiInstance(mi)) = &self.proc.process.nodes[node].looping
            && let Some(out) = &mi.output_collection
        {
            let outputs = self
                .token(body)
                .data
                .mi
                .as_ref()
                .map(|m| m.outputs.clone())
                .unwrap_or_default();
            self.set_propagating(self.token(body).parent, out.clone(), Value::Array(outputs));
        }
        self.release_waits(body);
        self.take_outgoing(body)
    }

    // ---- arming waits ----------------------------------------------------------------

    fn arm_boundaries(&mut self, key: i64) -> Step {
        if self.token(key).data.inner {
            return Ok(());
        }
        let node = &self.proc.process.nodes[self.token(key).node];
        for &b in &node.boundary_events {
            if let NodeKind::BoundaryEvent { trigger, .. } = &self.proc.process.nodes[b].kind {
                self.arm(key, b, trigger)?;
            }
        }
        Ok(())
    }

    /// Arms timer/message/signal starts of the event sub-processes directly in a scope.
    fn arm_event_subprocesses(&mut self, scope: Option<i64>) {
        let scope_node = scope.map(|s| self.token(s).node);
        let p = &self.proc.process;
        let starts: Vec<NodeIdx> = p
            .children(scope_node)
            .filter(|&n| {
                matches!(
                    p.nodes[n].kind,
                    NodeKind::SubProcess {
                        triggered_by_event: true
                    }
                )
            })
            .flat_map(|es| p.children(Some(es)).collect::<Vec<_>>())
            .filter(|&s| matches!(p.nodes[s].kind, NodeKind::StartEvent { .. }))
            .collect();
        for s in starts {
            if let NodeKind::StartEvent { trigger, .. } = &self.proc.process.nodes[s].kind
                && let Err(fault) = self.arm(scope.unwrap_or(ROOT), s, trigger)
                && let Some(k) = scope
            {
                self.raise(k, fault);
            }
        }
    }

    /// Creates the timer job or subscription that will fire `node` for token `key`.
    fn arm(&mut self, key: i64, node: NodeIdx, trigger: &Trigger) -> Step {
        match trigger {
            Trigger::Timer(t) => self.arm_timer(key, node, t),
            Trigger::Message(m) => {
                self.subscribe_message(key, node, &m.name, m.correlation_key.as_ref())
            }
            Trigger::Signal(name) => {
                self.signals
                    .push((key, self.proc.process.nodes[node].id.clone(), name.clone()));
                self.write.subscriptions_insert.push(SubscriptionRecord {
                    id: new_id(),
                    instance_id: self.instance.id.clone(),
                    token: key,
                    node_id: self.proc.process.nodes[node].id.clone(),
                    kind: "signal".into(),
                    name: name.clone(),
                    correlation_key: None,
                    created_at: self.now,
                });
                Ok(())
            }
            Trigger::None | Trigger::Error(_) | Trigger::Escalation(_) | Trigger::Link(_) => Ok(()),
        }
    }

    fn arm_timer(&mut self, key: i64, node: NodeIdx, t: &Timer) -> Step {
        let bad = |e: String| Fault::new("expression", e);
        let spec = match t {
            Timer::Duration(d) => {
                TimerSpec::After(timer::parse_duration_ms(&self.text(key, d)?).map_err(bad)?)
            }
            Timer::Date(d) => {
                TimerSpec::At(timer::parse_date_ms(&self.text(key, d)?).map_err(bad)?)
            }
            Timer::Cycle(c) => timer::parse_cycle(&self.text(key, c)?).map_err(bad)?,
        };
        // A cycle's later firings are armed by the service from the fired job's payload.
        let (due, payload) = match spec {
            TimerSpec::After(ms) => (self.now + ms, serde_json::json!({})),
            TimerSpec::At(at) => (at, serde_json::json!({})),
            TimerSpec::Cycle {
                repetitions,
                interval,
            } => (
                self.now + interval,
                serde_json::json!({ "interval": interval, "remaining": repetitions.map(|r| r.saturating_sub(1)) }),
            ),
        };
        let node_id = self.proc.process.nodes[node].id.clone();
        let mut payload = payload;
        if let Value::Object(m) = &mut payload {
            m.insert("node".into(), Value::String(node_id.clone()));
        }
        self.write.jobs_insert.push(timer::timer_job(
            Some(self.instance.id.clone()),
            Some(key),
            node_id,
            due,
            payload,
            "timer:",
            self.now,
        ));
        Ok(())
    }

    fn subscribe_message(
        &mut self,
        key: i64,
        node: NodeIdx,
        name: &str,
        correlation: Option<&Expr>,
    ) -> Step {
        let correlation_key = match correlation {
            Some(e) => Some(match self.eval(key, e)? {
                Value::String(s) => s,
                Value::Null => {
                    return Err(Fault::new(
                        "expression",
                        "the message correlation key is null",
                    ));
                }
                other => other.to_string(),
            }),
            None => None,
        };
        self.write.subscriptions_insert.push(SubscriptionRecord {
            id: new_id(),
            instance_id: self.instance.id.clone(),
            token: key,
            node_id: self.proc.process.nodes[node].id.clone(),
            kind: "message".into(),
            name: name.to_owned(),
            correlation_key,
            created_at: self.now,
        });
        Ok(())
    }

    fn publish(&mut self, key: i64, message: &flode_bpmn::model::MessageRef) -> Step {
        let correlation_key = match &message.correlation_key {
            Some(e) => Some(match self.eval(key, e)? {
                Value::String(s) => s,
                other => other.to_string(),
            }),
            None => None,
        };
        self.effects.push(Effect::Message {
            name: message.name.clone(),
            correlation_key,
            variables: Map::new(),
        });
        Ok(())
    }

    fn create_job(&mut self, key: i64, job: &JobTask) -> Step {
        let job_type = self.text(key, &job.job_type)?;
        let retries = match &job.retries {
            Some(r) => self
                .text(key, r)?
                .trim()
                .parse::<i64>()
                .map_err(|_| Fault::new("expression", "retries is not an integer"))?,
            None => 3,
        };
        let headers: Map<String, Value> = job
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let node_id = self.proc.process.nodes[self.token(key).node].id.clone();
        self.write.jobs_insert.push(JobRecord {
            id: new_id(),
            kind: job_kind::TASK.into(),
            job_type,
            instance_id: Some(self.instance.id.clone()),
            token: Some(key),
            node_id: Some(node_id),
            state: "ready".into(),
            retries,
            attempts: 0,
            due_at: self.now,
            lease_owner: None,
            lease_until: None,
            // Stable for this activity instance across retries and lease expiries.
            idempotency_key: format!("{}:{key}", self.instance.id),
            payload: serde_json::json!({ "headers": headers }),
            error: None,
            created_at: self.now,
            updated_at: self.now,
        });
        Ok(())
    }

    // ---- tokens and history ------------------------------------------------------------

    /// Was this token (or, for 0, the instance) stored before this run? Only then can the
    /// store hold rows that reference it.
    fn stored(&self, token: i64) -> bool {
        if token == ROOT {
            !self.is_new
        } else {
            self.loaded.contains(&token)
        }
    }

    /// Can a token at `node` own timers or subscriptions besides its own job or user task?
    /// (Boundary events, catch events, event-based gateways, scopes with event
    /// sub-processes.) A completed token elsewhere has nothing left to release.
    fn may_have_waits(&self, node: NodeIdx) -> bool {
        let n = &self.proc.process.nodes[node];
        !n.boundary_events.is_empty()
            || matches!(
                n.kind,
                NodeKind::IntermediateCatchEvent { .. }
                    | NodeKind::ReceiveTask { .. }
                    | NodeKind::EventBasedGateway
                    | NodeKind::SubProcess { .. }
            )
    }

    fn root_has_event_subprocesses(&self) -> bool {
        let p = &self.proc.process;
        p.children(None).any(|n| {
            matches!(
                p.nodes[n].kind,
                NodeKind::SubProcess {
                    triggered_by_event: true
                }
            )
        })
    }

    /// The token no longer waits: its subscriptions and open jobs (timers) go. Those created
    /// in this run are simply not written; stored ones are deleted or cancelled.
    fn release_waits(&mut self, token: i64) {
        self.signals.retain(|s| s.0 != token);
        self.write.subscriptions_insert.retain(|s| s.token != token);
        self.write.jobs_insert.retain(|j| j.token != Some(token));
        // Only event sub-processes give the instance scope waits of its own.
        if self.stored(token) && (token != ROOT || self.root_has_event_subprocesses()) {
            self.write.subscriptions_delete.push(token);
            self.write.jobs_cancel.push(token);
        }
    }

    /// Delivers a signal to this instance's own catchers, at once: BPMN signals are
    /// broadcast, and the thrower's instance must not run on before its catchers hear it.
    fn signal_here(&mut self, name: &str) {
        let targets: Vec<(i64, String)> = self
            .signals
            .iter()
            .filter(|s| s.2 == name)
            .map(|s| (s.0, s.1.clone()))
            .collect();
        for (token, node_id) in targets {
            let Some(node) = self.proc.process.node_by_id(&node_id) else {
                continue;
            };
            let alive = if token == ROOT {
                self.instance.state == InstanceState::Active
            } else {
                self.tokens.contains_key(&token)
            };
            if !alive {
                continue;
            }
            if let Err(fault) = self.fire(token, node, Map::new())
                && token != ROOT
            {
                self.raise(token, fault);
            }
        }
    }

    /// Resolves the token's open incidents (those raised in this run are written resolved).
    fn resolve_incidents(&mut self, key: i64) {
        let mut fresh = false;
        for i in self
            .write
            .incidents_insert
            .iter_mut()
            .filter(|i| i.token == Some(key))
        {
            i.state = "resolved".into();
            i.resolved_at = Some(self.now);
            fresh = true;
        }
        if !fresh || self.stored(key) {
            self.write.incidents_resolve.push(key);
        }
    }

    fn alloc(&mut self) -> i64 {
        let k = self.instance.next_token;
        self.instance.next_token += 1;
        k
    }

    fn new_token(
        &mut self,
        parent: Option<i64>,
        node: NodeIdx,
        st: &'static str,
        data: TokenData,
    ) -> i64 {
        let key = self.alloc();
        self.tokens.insert(
            key,
            Token {
                parent,
                node,
                state: st,
                data,
            },
        );
        self.dirty.insert(key);
        let n = &self.proc.process.nodes[node];
        self.history_new
            .insert(key, self.write.history_insert.len());
        self.write.history_insert.push(HistoryRecord {
            token: key,
            node_id: n.id.clone(),
            node_type: node_type(&n.kind, self.tokens[&key].data.mi.is_some()).to_owned(),
            state: "active".into(),
            started_at: self.now,
            ended_at: None,
            end_seq: None,
        });
        key
    }

    /// Removes a token, closing its history record.
    fn end_token(&mut self, key: i64, how: &str) {
        let Some(token) = self.tokens.remove(&key) else {
            return;
        };
        self.dirty.remove(&key);
        let seq = self.alloc();
        match self.history_new.get(&key) {
            Some(&i) => {
                let h = &mut self.write.history_insert[i];
                h.state = how.to_owned();
                h.ended_at = Some(self.now);
                h.end_seq = Some(seq);
                if token.data.mi.is_some() {
                    h.node_type = "multiInstanceBody".into();
                }
            }
            None => {
                let n = &self.proc.process.nodes[token.node];
                self.write.history_end.push(HistoryRecord {
                    token: key,
                    node_id: n.id.clone(),
                    node_type: node_type(&n.kind, token.data.mi.is_some()).to_owned(),
                    state: how.to_owned(),
                    started_at: self.now,
                    ended_at: Some(self.now),
                    end_seq: Some(seq),
                });
            }
        }
        if matches!(
            self.proc.process.nodes[token.node].kind,
            NodeKind::UserTask(_)
        ) && token.state == state::WAITING
        {
            let by = if how == "completed" {
                self.completed_by.clone()
            } else {
                None
            };
            match self
                .write
                .user_tasks_insert
                .iter_mut()
                .find(|t| t.token == key)
            {
                // Created in this run: write it in its final state.
                Some(t) => {
                    t.state = how.to_owned();
                    t.ended_at = Some(self.now);
                    t.completed_by = by;
                }
                None => self.write.user_tasks_end.push((key, how.to_owned(), by)),
            }
        }
        if token.state == state::INCIDENT {
            self.resolve_incidents(key);
        }
        if token.state != state::ARRIVING && (how != "completed" || self.may_have_waits(token.node))
        {
            self.release_waits(key);
        }
        if how == "canceled"
            && token.state == state::WAITING
            && matches!(
                self.proc.process.nodes[token.node].kind,
                NodeKind::CallActivity { .. }
            )
        {
            self.effects.push(Effect::CancelChildren {
                parent_instance_id: self.instance.id.clone(),
                parent_token: key,
            });
        }
        if self.vars.remove(&key).is_some() {
            self.vars_dirty.retain(|(s, _)| *s != key);
            // A scope created in this run never reached the store.
            if self.stored(key) {
                self.write.scopes_delete.push(key);
            }
        }
    }

    /// Cancels a token and everything inside it.
    fn cancel_subtree(&mut self, key: i64) {
        let children = self.children_of(Some(key));
        for c in children {
            self.cancel_subtree(c);
        }
        self.queue.retain(|k| *k != key);
        self.end_token(key, "canceled");
    }

    /// Records a fault as an incident; the token stays where it is until resolved.
    fn raise(&mut self, key: i64, fault: Fault) {
        let Some(token) = self.tokens.get_mut(&key) else {
            return;
        };
        token.state = state::INCIDENT;
        token.data.incident = Some(fault.message.clone());
        let node_id = self.proc.process.nodes[token.node].id.clone();
        self.dirty.insert(key);
        self.write.incidents_insert.push(IncidentRecord {
            id: new_id(),
            instance_id: self.instance.id.clone(),
            token: Some(key),
            node_id: Some(node_id),
            job_id: None,
            kind: fault.kind.to_owned(),
            message: fault.message,
            state: "open".into(),
            created_at: self.now,
            resolved_at: None,
        });
    }

    /// Tokens directly inside `scope` (`None` = the process level).
    fn children_of(&self, scope: Option<i64>) -> Vec<i64> {
        self.tokens
            .iter()
            .filter(|(_, t)| t.parent == scope)
            .map(|(k, _)| *k)
            .collect()
    }

    /// The calling instance and its call-activity token, for a called instance.
    fn caller(&self) -> Option<(String, i64)> {
        Some((
            self.instance.parent_instance_id.clone()?,
            self.instance.parent_token?,
        ))
    }

    fn token(&self, key: i64) -> &Token {
        // Every caller holds a key it just read from `tokens`.
        &self.tokens[&key]
    }

    fn tok_mut(&mut self, key: i64) -> &mut Token {
        self.dirty.insert(key);
        // Like `token`: callers hold a key they just read from `tokens`.
        self.tokens.get_mut(&key).expect("token exists")
    }

    fn set_state(&mut self, key: i64, st: &'static str) {
        self.tok_mut(key).state = st;
    }

    // ---- variables ---------------------------------------------------------------------

    fn scope_chain(&self, from: Option<i64>) -> Vec<i64> {
        let mut chain = Vec::new();
        let mut cur = from;
        while let Some(k) = cur {
            chain.push(k);
            cur = self.tokens.get(&k).and_then(|t| t.parent);
        }
        chain.push(ROOT);
        chain
    }

    /// Variables visible from a scope: innermost wins.
    fn visible(&self, from: Option<i64>) -> Cow<'_, Map<String, Value>> {
        let chain = self.scope_chain(from);
        let locals = chain[..chain.len() - 1]
            .iter()
            .any(|k| self.vars.get(k).is_some_and(|m| !m.is_empty()));
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let root = self.vars.get(&ROOT);
        if !locals {
            return match root {
                Some(m) => Cow::Borrowed(m),
                None => Cow::Borrowed(EMPTY.get_or_init(Map::new)),
            };
        }
        let mut merged = Map::new();
        for k in chain.iter().rev() {
            if let Some(m) = self.vars.get(k) {
                for (n, v) in m {
                    merged.insert(n.clone(), v.clone());
                }
            }
        }
        Cow::Owned(merged)
    }

    fn set_local(&mut self, scope: i64, name: String, value: Value) {
        self.vars_dirty.insert((scope, name.clone()));
        self.vars.entry(scope).or_default().insert(name, value);
    }

    /// Sets where the variable already exists (innermost first), else at the instance.
    fn set_propagating(&mut self, from: Option<i64>, name: String, value: Value) {
        let chain = self.scope_chain(from);
        let scope = chain
            .iter()
            .copied()
            .find(|k| self.vars.get(k).is_some_and(|m| m.contains_key(&name)))
            .unwrap_or(ROOT);
        self.set_local(scope, name, value);
    }

    /// Variables a worker or person completed a task with: local when the activity maps
    /// outputs, else propagated.
    fn accept_result(&mut self, key: i64, variables: Map<String, Value>) {
        let has_outputs = !self.proc.process.nodes[self.token(key).node]
            .outputs
            .is_empty();
        let parent = self.token(key).parent;
        for (name, value) in variables {
            if has_outputs {
                self.set_local(key, name, value);
            } else {
                self.set_propagating(parent, name, value);
            }
        }
    }

    fn apply_inputs(&mut self, key: i64) -> Step {
        let node = &self.proc.process.nodes[self.token(key).node];
        if node.inputs.is_empty() {
            return Ok(());
        }
        for m in &node.inputs {
            // Inputs read the enclosing scope: the activity's own scope is being filled.
            let value = self.eval_in(self.token(key).parent, &m.source)?;
            self.set_local(key, m.target.clone(), value);
        }
        Ok(())
    }

    fn apply_outputs(&mut self, key: i64) -> Step {
        let node = &self.proc.process.nodes[self.token(key).node];
        if node.outputs.is_empty() {
            return Ok(());
        }
        let parent = self.token(key).parent;
        for m in &node.outputs {
            let value = self.eval(key, &m.source)?;
            self.set_propagating(parent, m.target.clone(), value);
        }
        Ok(())
    }

    // ---- expressions -------------------------------------------------------------------

    fn eval(&self, key: i64, e: &Expr) -> Result<Value, Fault> {
        self.eval_in(Some(key), e)
    }

    fn eval_in(&self, scope: Option<i64>, e: &Expr) -> Result<Value, Fault> {
        let compiled = self.proc.expr(e).ok_or_else(|| {
            Fault::new(
                "expression",
                format!("expression {:?} was not compiled", e.0),
            )
        })?;
        compiled
            .evaluate(&self.visible(scope))
            .map_err(|err| Fault::new("expression", err.to_string()))
    }

    fn condition(&self, key: i64, e: &Expr) -> Result<bool, Fault> {
        let compiled = self.proc.expr(e).ok_or_else(|| {
            Fault::new(
                "expression",
                format!("expression {:?} was not compiled", e.0),
            )
        })?;
        compiled
            .evaluate_condition(&self.visible(Some(key)))
            .map_err(|err| Fault::new("expression", err.to_string()))
    }

    fn text(&self, key: i64, t: &Text) -> Result<String, Fault> {
        match t {
            Text::Literal(s) => Ok(s.clone()),
            Text::Feel(e) => match self.eval(key, e)? {
                Value::String(s) => Ok(s),
                Value::Null => Err(Fault::new(
                    "expression",
                    format!("{:?} evaluated to null", e.0),
                )),
                other => Ok(other.to_string()),
            },
        }
    }

    fn opt_text(&self, key: i64, t: &Option<Text>) -> Result<Option<String>, Fault> {
        t.as_ref().map(|t| self.text(key, t)).transpose()
    }
}

/// The BPMN element name of a node kind, for history and dashboards.
pub fn node_type(kind: &NodeKind, mi_body: bool) -> &'static str {
    if mi_body {
        return "multiInstanceBody";
    }
    match kind {
        NodeKind::StartEvent { .. } => "startEvent",
        NodeKind::EndEvent { .. } => "endEvent",
        NodeKind::IntermediateCatchEvent { .. } => "intermediateCatchEvent",
        NodeKind::IntermediateThrowEvent { .. } => "intermediateThrowEvent",
        NodeKind::BoundaryEvent { .. } => "boundaryEvent",
        NodeKind::Task => "task",
        NodeKind::ManualTask => "manualTask",
        NodeKind::UserTask(_) => "userTask",
        NodeKind::ServiceTask(_) => "serviceTask",
        NodeKind::ReceiveTask { .. } => "receiveTask",
        NodeKind::SendTask { .. } => "sendTask",
        NodeKind::ScriptTask(_) => "scriptTask",
        NodeKind::BusinessRuleTask(_) => "businessRuleTask",
        NodeKind::SubProcess {
            triggered_by_event: true,
        } => "eventSubProcess",
        NodeKind::SubProcess { .. } => "subProcess",
        NodeKind::CallActivity { .. } => "callActivity",
        NodeKind::ExclusiveGateway => "exclusiveGateway",
        NodeKind::ParallelGateway => "parallelGateway",
        NodeKind::InclusiveGateway => "inclusiveGateway",
        NodeKind::EventBasedGateway => "eventBasedGateway",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoDecisions;
    impl Decisions for NoDecisions {
        fn evaluate(&self, id: &str, _: &Map<String, Value>) -> Result<Value, String> {
            Err(format!("no decision {id}"))
        }
    }

    fn compile(body: &str) -> std::sync::Arc<CompiledProcess> {
        let xml = format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d"><process id="p" isExecutable="true">{body}</process></definitions>"#
        );
        let process = flode_bpmn::parse(&xml).expect("parse").processes.remove(0);
        CompiledProcess::compile("def".into(), process).expect("compile")
    }

    /// A straight-through instance writes its rows and nothing else: no deletes or cancels
    /// for scopes, jobs or subscriptions that never reached the store.
    #[test]
    fn a_new_straight_through_instance_writes_no_useless_statements() {
        let mut body = String::from(
            r#"<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t0"/>"#,
        );
        for i in 0..5 {
            body.push_str(&format!(
                r#"<scriptTask id="t{i}"><extensionElements><zeebe:script expression="=x + 1" resultVariable="x"/><zeebe:ioMapping><zeebe:input source="=x" target="local"/></zeebe:ioMapping></extensionElements></scriptTask><sequenceFlow id="f{n}" sourceRef="t{i}" targetRef="t{n}"/>"#,
                n = i + 1
            ));
        }
        body.push_str(r#"<endEvent id="t5"/>"#);
        let compiled = compile(&body);
        let mut run = Run::new_instance(&compiled, &NoDecisions, 0, "i".into(), None, None);
        let mut vars = Map::new();
        vars.insert("x".into(), Value::from(0));
        run.start(vars, None).expect("start");
        let out = run.finish();
        assert_eq!(out.instance.state, InstanceState::Completed);
        let w = &out.write;
        assert!(w.scopes_delete.is_empty(), "{:?}", w.scopes_delete);
        assert!(w.jobs_cancel.is_empty() && w.subscriptions_delete.is_empty());
        assert!(w.tokens_upsert.is_empty() && w.tokens_delete.is_empty());
        assert_eq!(w.history_insert.len(), 7);
        assert_eq!(
            w.variables_upsert.len(),
            1,
            "only x at the instance scope: {:?}",
            w.variables_upsert
        );
        assert_eq!(w.variables_upsert[0].value, Value::from(5));
    }

    proptest::proptest! {
        /// A chain of n script tasks adding its step to x ends with x + n·step, having
        /// completed every node once, whatever n, step and start value.
        #[test]
        fn script_chains_sum_exactly(n in 1usize..40, step in -5i64..5, x0 in -1000i64..1000) {
            let mut body = String::from(r#"<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t0"/>"#);
            for i in 0..n {
                body.push_str(&format!(
                    r#"<scriptTask id="t{i}"><extensionElements><zeebe:script expression="=x + {step}" resultVariable="x"/></extensionElements></scriptTask><sequenceFlow id="f{k}" sourceRef="t{i}" targetRef="t{k}"/>"#,
                    k = i + 1
                ));
            }
            body.push_str(&format!(r#"<endEvent id="t{n}"/>"#));
            let compiled = compile(&body);
            let mut run = Run::new_instance(&compiled, &NoDecisions, 0, "i".into(), None, None);
            let mut vars = Map::new();
            vars.insert("x".into(), Value::from(x0));
            run.start(vars, None).expect("start");
            let out = run.finish();
            proptest::prop_assert_eq!(out.instance.state, InstanceState::Completed);
            proptest::prop_assert_eq!(out.write.history_insert.len(), n + 2);
            proptest::prop_assert_eq!(&out.write.variables_upsert[0].value, &Value::from(x0 + n as i64 * step));
        }

        /// A parallel split into k branches and a join: the join fires exactly once and
        /// the instance completes, for any k.
        #[test]
        fn parallel_joins_fire_once(k in 1usize..12) {
            let mut body = String::from(r#"<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/><parallelGateway id="join"/><sequenceFlow id="out" sourceRef="join" targetRef="e"/><endEvent id="e"/>"#);
            for b in 0..k {
                body.push_str(&format!(
                    r#"<sequenceFlow id="a{b}" sourceRef="fork" targetRef="t{b}"/><task id="t{b}"/><sequenceFlow id="b{b}" sourceRef="t{b}" targetRef="join"/>"#
                ));
            }
            let compiled = compile(&body);
            let mut run = Run::new_instance(&compiled, &NoDecisions, 0, "i".into(), None, None);
            run.start(Map::new(), None).expect("start");
            let out = run.finish();
            proptest::prop_assert_eq!(out.instance.state, InstanceState::Completed);
            let ends = out.write.history_insert.iter().filter(|h| h.node_id == "e").count();
            proptest::prop_assert_eq!(ends, 1);
            let tasks = out.write.history_insert.iter().filter(|h| h.node_id.starts_with('t')).count();
            proptest::prop_assert_eq!(tasks, k);
        }
    }
}
