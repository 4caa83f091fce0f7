//! Rows as the engine and the read side see them. Times are Unix milliseconds.

use serde_json::Value;

/// What kind of model a definition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    /// A BPMN process.
    Bpmn,
    /// A DMN decision model.
    Dmn,
}

impl DefinitionKind {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bpmn => "bpmn",
            Self::Dmn => "dmn",
        }
    }
}

/// A deployed, versioned model.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionRecord {
    /// Unique id of this version.
    pub id: String,
    /// BPMN or DMN.
    pub kind: DefinitionKind,
    /// Process id or DMN model id: what instances are started by.
    pub key: String,
    /// 1, 2, … per key.
    pub version: i64,
    /// Display name.
    pub name: Option<String>,
    /// File name it was deployed from.
    pub resource_name: String,
    /// The XML.
    pub source: String,
    /// SHA-256 of the XML (deploying identical XML again creates no new version).
    pub hash: String,
    /// When.
    pub deployed_at: i64,
}

/// Lifecycle of a process instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceState {
    /// Has tokens.
    Active,
    /// Ended normally.
    Completed,
    /// Ended by a terminate end event.
    Terminated,
    /// Cancelled by a person or a parent.
    Canceled,
}

impl InstanceState {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Terminated => "terminated",
            Self::Canceled => "canceled",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Self {
        match s {
            "completed" => Self::Completed,
            "terminated" => Self::Terminated,
            "canceled" => Self::Canceled,
            _ => Self::Active,
        }
    }
}

/// A process instance.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceRecord {
    /// Id (UUID v7).
    pub id: String,
    /// The definition version it runs.
    pub definition_id: String,
    /// The process id.
    pub process_key: String,
    /// Caller-supplied business key (e.g. a case number).
    pub business_key: Option<String>,
    /// Lifecycle state.
    pub state: InstanceState,
    /// The calling instance, for call activities.
    pub parent_instance_id: Option<String>,
    /// The call activity's token in the parent.
    pub parent_token: Option<i64>,
    /// Next token key to hand out (token keys are unique per instance).
    pub next_token: i64,
    /// Optimistic-lock revision, incremented on every write.
    pub revision: i64,
    /// Started.
    pub started_at: i64,
    /// Ended.
    pub ended_at: Option<i64>,
}

/// A live token or scope of an instance; `state` and `data` belong to the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord {
    /// Key, unique within the instance; also the activity-instance id in history.
    pub key: i64,
    /// Enclosing scope token, `None` at the process level.
    pub parent: Option<i64>,
    /// BPMN id of the node it is at.
    pub node_id: String,
    /// Engine-defined state.
    pub state: String,
    /// Engine-defined data.
    pub data: Value,
}

/// A variable in a scope (0 = the instance).
#[derive(Debug, Clone, PartialEq)]
pub struct VariableRecord {
    /// Scope token key; 0 for the instance scope.
    pub scope: i64,
    /// Name.
    pub name: String,
    /// JSON value.
    pub value: Value,
}

/// A user task.
#[derive(Debug, Clone, PartialEq)]
pub struct UserTaskRecord {
    /// Id (UUID v7).
    pub id: String,
    /// Instance.
    pub instance_id: String,
    /// The waiting token.
    pub token: i64,
    /// BPMN id.
    pub node_id: String,
    /// Task name.
    pub name: Option<String>,
    /// Who it is assigned to.
    pub assignee: Option<String>,
    /// Comma-separated groups that may claim it.
    pub candidate_groups: Option<String>,
    /// Form to show.
    pub form_key: Option<String>,
    /// Due.
    pub due_at: Option<i64>,
    /// created | completed | canceled.
    pub state: String,
    /// Created.
    pub created_at: i64,
    /// Completed or cancelled.
    pub ended_at: Option<i64>,
    /// Who completed it.
    pub completed_by: Option<String>,
}

/// Kinds of job.
pub mod job_kind {
    /// Done by an external worker (service tasks).
    pub const TASK: &str = "task";
    /// A timer the engine fires itself.
    pub const TIMER: &str = "timer";
}

/// A unit of work in the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// Id (UUID v7).
    pub id: String,
    /// [`job_kind`].
    pub kind: String,
    /// Type that workers subscribe to.
    pub job_type: String,
    /// Instance it belongs to.
    pub instance_id: Option<String>,
    /// Token waiting on it.
    pub token: Option<i64>,
    /// BPMN id.
    pub node_id: Option<String>,
    /// ready | active | failed | completed | canceled.
    pub state: String,
    /// Retries left.
    pub retries: i64,
    /// Times claimed.
    pub attempts: i64,
    /// Not claimable before.
    pub due_at: i64,
    /// Worker holding the lease.
    pub lease_owner: Option<String>,
    /// Lease expiry.
    pub lease_until: Option<i64>,
    /// Stable across retries: workers use it to make external side effects idempotent.
    pub idempotency_key: String,
    /// Headers and engine data (JSON object).
    pub payload: Value,
    /// Last failure.
    pub error: Option<String>,
    /// Created.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

/// A message or signal subscription of a waiting token.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRecord {
    /// Id.
    pub id: String,
    /// Instance.
    pub instance_id: String,
    /// The token that continues when it fires.
    pub token: i64,
    /// The catching node's BPMN id.
    pub node_id: String,
    /// message | signal.
    pub kind: String,
    /// Message or signal name.
    pub name: String,
    /// Message correlation key.
    pub correlation_key: Option<String>,
    /// Created.
    pub created_at: i64,
}

/// Something a person must look at.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRecord {
    /// Id.
    pub id: String,
    /// Instance.
    pub instance_id: String,
    /// The stuck token.
    pub token: Option<i64>,
    /// Where.
    pub node_id: Option<String>,
    /// The job out of retries, if that is the cause.
    pub job_id: Option<String>,
    /// job_failed | expression | unhandled_error | no_flow | loop_guard | …
    pub kind: String,
    /// What happened, for a person.
    pub message: String,
    /// open | resolved.
    pub state: String,
    /// Raised.
    pub created_at: i64,
    /// Resolved.
    pub resolved_at: Option<i64>,
}

/// One activity instance in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    /// Token key (activity instance id).
    pub token: i64,
    /// BPMN id.
    pub node_id: String,
    /// BPMN element type, e.g. `userTask`.
    pub node_type: String,
    /// active | completed | canceled.
    pub state: String,
    /// Entered.
    pub started_at: i64,
    /// Left.
    pub ended_at: Option<i64>,
    /// Completion order within the instance.
    pub end_seq: Option<i64>,
}

/// An instance with its live tokens and variables, as loaded for a run.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceSnapshot {
    /// The instance row.
    pub instance: InstanceRecord,
    /// Live tokens.
    pub tokens: Vec<TokenRecord>,
    /// All variables, every scope.
    pub variables: Vec<VariableRecord>,
    /// Its message and signal subscriptions.
    pub subscriptions: Vec<SubscriptionRecord>,
}

/// Everything one engine run changed for one instance, written in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstanceWrite {
    /// Tokens created or changed.
    pub tokens_upsert: Vec<TokenRecord>,
    /// Tokens gone.
    pub tokens_delete: Vec<i64>,
    /// Variables created or changed.
    pub variables_upsert: Vec<VariableRecord>,
    /// Scopes whose local variables are gone.
    pub scopes_delete: Vec<i64>,
    /// Activity instances started (and possibly ended) in this run.
    pub history_insert: Vec<HistoryRecord>,
    /// Activity instances started earlier and ended in this run.
    pub history_end: Vec<HistoryRecord>,
    /// New user tasks.
    pub user_tasks_insert: Vec<UserTaskRecord>,
    /// User tasks ended: (token, state, completed_by).
    pub user_tasks_end: Vec<(i64, String, Option<String>)>,
    /// New jobs (service tasks and timers).
    pub jobs_insert: Vec<JobRecord>,
    /// Tokens whose open jobs are cancelled.
    pub jobs_cancel: Vec<i64>,
    /// New subscriptions.
    pub subscriptions_insert: Vec<SubscriptionRecord>,
    /// Tokens whose subscriptions are removed.
    pub subscriptions_delete: Vec<i64>,
    /// New incidents.
    pub incidents_insert: Vec<IncidentRecord>,
    /// Tokens whose open incidents are resolved.
    pub incidents_resolve: Vec<i64>,
}

/// What a committed transaction made ready, so that waiting workers (on this node, and on
/// others through PostgreSQL NOTIFY) and the timer service are woken, and only then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// Task jobs made ready, per job type.
    pub jobs: std::collections::BTreeMap<String, usize>,
    /// Whether timer jobs were created.
    pub timers: bool,
    /// Whether a definition was deployed.
    pub deployed: bool,
}

impl Committed {
    pub(crate) fn made_ready(&mut self, job: &JobRecord) {
        if job.state != "ready" {
            return;
        }
        if job.kind == job_kind::TIMER {
            self.timers = true;
        } else {
            *self.jobs.entry(job.job_type.clone()).or_default() += 1;
        }
    }

    /// Whether other nodes need to hear of it.
    pub(crate) fn announces(&self) -> bool {
        !self.jobs.is_empty() || self.deployed
    }
}
