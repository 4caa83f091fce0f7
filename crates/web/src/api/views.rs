//! The JSON shapes of store records: camelCase, times as RFC 3339 UTC plus Unix ms.
//!
//! Store records are not serialisable on purpose (they are the store's); these views are
//! the API's contract and may change independently of the schema.

use flode_engine::{ActivatedJob, Deployed};
use flode_store::{
    DefinitionRecord, HistoryRecord, IncidentRecord, InstanceRecord, JobRecord, TokenRecord,
    UserTaskRecord, VariableRecord,
};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::timefmt::rfc3339;

fn rfc3339_opt(ms: Option<i64>) -> Option<String> {
    ms.map(rfc3339)
}

/// A definition version created (or found unchanged) by a deployment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeployedView {
    /// Definition version id.
    id: String,
    /// `bpmn` or `dmn`.
    kind: &'static str,
    /// Process id or DMN model id.
    key: String,
    /// Version number.
    version: i64,
    /// False when identical XML was already deployed.
    new_version: bool,
}

impl From<Deployed> for DeployedView {
    fn from(d: Deployed) -> Self {
        Self {
            id: d.id,
            kind: d.kind.as_str(),
            key: d.key,
            version: d.version,
            new_version: d.new_version,
        }
    }
}

/// Answer to a deployment.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeploymentView {
    /// One entry per process or decision model in the file.
    pub(crate) deployed: Vec<DeployedView>,
}

/// A deployed definition version.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DefinitionView {
    /// Version id.
    id: String,
    /// `bpmn` or `dmn`.
    kind: &'static str,
    /// Process id or DMN model id.
    key: String,
    /// Version number.
    version: i64,
    /// Display name.
    name: Option<String>,
    /// File it was deployed from.
    resource_name: String,
    /// SHA-256 of the XML.
    hash: String,
    /// When (RFC 3339).
    deployed_at: String,
    /// When (Unix ms).
    deployed_at_ms: i64,
}

impl From<&DefinitionRecord> for DefinitionView {
    fn from(d: &DefinitionRecord) -> Self {
        Self {
            id: d.id.clone(),
            kind: d.kind.as_str(),
            key: d.key.clone(),
            version: d.version,
            name: d.name.clone(),
            resource_name: d.resource_name.clone(),
            hash: d.hash.clone(),
            deployed_at: rfc3339(d.deployed_at),
            deployed_at_ms: d.deployed_at,
        }
    }
}

/// How many activity instances of a definition version are at a node in a state.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ActivityCountView {
    /// BPMN id.
    node_id: String,
    /// `active`, `completed` or `canceled`.
    state: String,
    /// Count.
    count: i64,
}

impl From<(String, String, i64)> for ActivityCountView {
    fn from((node_id, state, count): (String, String, i64)) -> Self {
        Self {
            node_id,
            state,
            count,
        }
    }
}

/// A definition version with its XML and activity counts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DefinitionDetailView {
    /// The version.
    #[serde(flatten)]
    pub(crate) definition: DefinitionView,
    /// The deployed XML.
    pub(crate) xml: String,
    /// Activity instances per node and state, over all instances of this version.
    pub(crate) activity_counts: Vec<ActivityCountView>,
}

/// A process instance.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InstanceView {
    /// Id.
    id: String,
    /// Definition version it runs.
    definition_id: String,
    /// Process id.
    process_key: String,
    /// Caller-supplied business key.
    business_key: Option<String>,
    /// `active`, `completed`, `terminated` or `canceled`.
    state: &'static str,
    /// Calling instance, for call activities.
    parent_instance_id: Option<String>,
    /// Started (RFC 3339).
    started_at: String,
    /// Started (Unix ms).
    started_at_ms: i64,
    /// Ended (RFC 3339).
    ended_at: Option<String>,
    /// Ended (Unix ms).
    ended_at_ms: Option<i64>,
}

impl From<&InstanceRecord> for InstanceView {
    fn from(i: &InstanceRecord) -> Self {
        Self {
            id: i.id.clone(),
            definition_id: i.definition_id.clone(),
            process_key: i.process_key.clone(),
            business_key: i.business_key.clone(),
            state: i.state.as_str(),
            parent_instance_id: i.parent_instance_id.clone(),
            started_at: rfc3339(i.started_at),
            started_at_ms: i.started_at,
            ended_at: rfc3339_opt(i.ended_at),
            ended_at_ms: i.ended_at,
        }
    }
}

/// A variable in a scope.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VariableView {
    /// Scope token key; 0 is the instance.
    scope: i64,
    /// Name.
    name: String,
    /// JSON value.
    value: Value,
}

impl From<VariableRecord> for VariableView {
    fn from(v: VariableRecord) -> Self {
        Self {
            scope: v.scope,
            name: v.name,
            value: v.value,
        }
    }
}

/// A live token or scope.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenView {
    /// Key, unique within the instance.
    key: i64,
    /// Enclosing scope token.
    parent: Option<i64>,
    /// BPMN id of the node it is at.
    node_id: String,
    /// Engine-defined state.
    state: String,
}

impl From<TokenRecord> for TokenView {
    fn from(t: TokenRecord) -> Self {
        Self {
            key: t.key,
            parent: t.parent,
            node_id: t.node_id,
            state: t.state,
        }
    }
}

/// A user task.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserTaskView {
    /// Id.
    id: String,
    /// Instance.
    instance_id: String,
    /// BPMN id.
    node_id: String,
    /// Task name.
    name: Option<String>,
    /// Assignee.
    assignee: Option<String>,
    /// Comma-separated candidate groups.
    candidate_groups: Option<String>,
    /// Form to show.
    form_key: Option<String>,
    /// Due (RFC 3339).
    due_at: Option<String>,
    /// Due (Unix ms).
    due_at_ms: Option<i64>,
    /// `created`, `completed` or `canceled`.
    state: String,
    /// Created (RFC 3339).
    created_at: String,
    /// Created (Unix ms).
    created_at_ms: i64,
    /// Ended (RFC 3339).
    ended_at: Option<String>,
    /// Ended (Unix ms).
    ended_at_ms: Option<i64>,
    /// Who completed it.
    completed_by: Option<String>,
}

impl From<UserTaskRecord> for UserTaskView {
    fn from(t: UserTaskRecord) -> Self {
        Self {
            due_at: rfc3339_opt(t.due_at),
            due_at_ms: t.due_at,
            created_at: rfc3339(t.created_at),
            created_at_ms: t.created_at,
            ended_at: rfc3339_opt(t.ended_at),
            ended_at_ms: t.ended_at,
            id: t.id,
            instance_id: t.instance_id,
            node_id: t.node_id,
            name: t.name,
            assignee: t.assignee,
            candidate_groups: t.candidate_groups,
            form_key: t.form_key,
            state: t.state,
            completed_by: t.completed_by,
        }
    }
}

/// The headers a task job carries (`zeebe:taskHeaders`).
fn headers_of(job: &JobRecord) -> Map<String, Value> {
    job.payload
        .get("headers")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A job in the queue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobView {
    /// Id.
    id: String,
    /// `task` (for workers) or `timer` (fired by the engine).
    kind: String,
    /// Type that workers subscribe to.
    r#type: String,
    /// Instance.
    instance_id: Option<String>,
    /// BPMN id.
    node_id: Option<String>,
    /// `ready`, `active`, `failed`, `completed` or `canceled`.
    state: String,
    /// Retries left.
    retries: i64,
    /// Times claimed.
    attempts: i64,
    /// Not claimable before (RFC 3339).
    due_at: String,
    /// Not claimable before (Unix ms).
    due_at_ms: i64,
    /// Worker holding the lease.
    lease_owner: Option<String>,
    /// Lease expiry (RFC 3339).
    lease_until: Option<String>,
    /// Lease expiry (Unix ms).
    lease_until_ms: Option<i64>,
    /// Stable across retries.
    idempotency_key: String,
    /// Task headers.
    #[schema(value_type = Object)]
    headers: Map<String, Value>,
    /// Last failure.
    error: Option<String>,
    /// Created (RFC 3339).
    created_at: String,
    /// Created (Unix ms).
    created_at_ms: i64,
}

impl From<JobRecord> for JobView {
    fn from(j: JobRecord) -> Self {
        Self {
            headers: headers_of(&j),
            due_at: rfc3339(j.due_at),
            due_at_ms: j.due_at,
            lease_until: rfc3339_opt(j.lease_until),
            lease_until_ms: j.lease_until,
            created_at: rfc3339(j.created_at),
            created_at_ms: j.created_at,
            id: j.id,
            kind: j.kind,
            r#type: j.job_type,
            instance_id: j.instance_id,
            node_id: j.node_id,
            state: j.state,
            retries: j.retries,
            attempts: j.attempts,
            lease_owner: j.lease_owner,
            idempotency_key: j.idempotency_key,
            error: j.error,
        }
    }
}

/// A job leased to a worker, with what it needs to do the work.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ActivatedJobView {
    /// Job id: complete, fail or throw an error with it.
    id: String,
    /// Job type.
    r#type: String,
    /// Instance.
    instance_id: Option<String>,
    /// BPMN id of the task.
    node_id: Option<String>,
    /// Retries left.
    retries: i64,
    /// Use it to make external side effects idempotent; stable across retries.
    idempotency_key: String,
    /// Task headers.
    #[schema(value_type = Object)]
    headers: Map<String, Value>,
    /// Variables visible at the task.
    #[schema(value_type = Object)]
    variables: Map<String, Value>,
    /// Lease expiry (RFC 3339): complete before it or the job goes back to the queue.
    lease_until: Option<String>,
    /// Lease expiry (Unix ms).
    lease_until_ms: Option<i64>,
}

impl From<ActivatedJob> for ActivatedJobView {
    fn from(a: ActivatedJob) -> Self {
        let j = a.job;
        Self {
            headers: headers_of(&j),
            lease_until: rfc3339_opt(j.lease_until),
            lease_until_ms: j.lease_until,
            id: j.id,
            r#type: j.job_type,
            instance_id: j.instance_id,
            node_id: j.node_id,
            retries: j.retries,
            idempotency_key: j.idempotency_key,
            variables: a.variables,
        }
    }
}

/// Something a person must look at.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IncidentView {
    /// Id.
    id: String,
    /// Instance.
    instance_id: String,
    /// Where.
    node_id: Option<String>,
    /// The job out of retries, if that is the cause.
    job_id: Option<String>,
    /// `job_failed`, `expression`, `unhandled_error`, `no_flow`, `loop_guard`, …
    kind: String,
    /// What happened.
    message: String,
    /// `open` or `resolved`.
    state: String,
    /// Raised (RFC 3339).
    created_at: String,
    /// Raised (Unix ms).
    created_at_ms: i64,
    /// Resolved (RFC 3339).
    resolved_at: Option<String>,
    /// Resolved (Unix ms).
    resolved_at_ms: Option<i64>,
}

impl From<IncidentRecord> for IncidentView {
    fn from(i: IncidentRecord) -> Self {
        Self {
            created_at: rfc3339(i.created_at),
            created_at_ms: i.created_at,
            resolved_at: rfc3339_opt(i.resolved_at),
            resolved_at_ms: i.resolved_at,
            id: i.id,
            instance_id: i.instance_id,
            node_id: i.node_id,
            job_id: i.job_id,
            kind: i.kind,
            message: i.message,
            state: i.state,
        }
    }
}

/// One activity instance in an instance's history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HistoryView {
    /// Activity instance id (the token key).
    token: i64,
    /// BPMN id.
    node_id: String,
    /// BPMN element type, e.g. `userTask`.
    node_type: String,
    /// `active`, `completed` or `canceled`.
    state: String,
    /// Entered (RFC 3339).
    started_at: String,
    /// Entered (Unix ms).
    started_at_ms: i64,
    /// Left (RFC 3339).
    ended_at: Option<String>,
    /// Left (Unix ms).
    ended_at_ms: Option<i64>,
}

impl From<HistoryRecord> for HistoryView {
    fn from(h: HistoryRecord) -> Self {
        Self {
            started_at: rfc3339(h.started_at),
            started_at_ms: h.started_at,
            ended_at: rfc3339_opt(h.ended_at),
            ended_at_ms: h.ended_at,
            token: h.token,
            node_id: h.node_id,
            node_type: h.node_type,
            state: h.state,
        }
    }
}

/// An instance with everything live about it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InstanceDetailView {
    /// The instance.
    #[serde(flatten)]
    pub(crate) instance: InstanceView,
    /// Variables, every scope.
    pub(crate) variables: Vec<VariableView>,
    /// Live tokens.
    pub(crate) tokens: Vec<TokenView>,
    /// User tasks, open and ended.
    pub(crate) user_tasks: Vec<UserTaskView>,
    /// Jobs, in every state.
    pub(crate) jobs: Vec<JobView>,
    /// Incidents, open and resolved.
    pub(crate) incidents: Vec<IncidentView>,
}

/// Converts a list of records.
pub(crate) fn list<R, V: From<R>>(records: Vec<R>) -> Vec<V> {
    records.into_iter().map(V::from).collect()
}
