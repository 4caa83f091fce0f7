//! The executable BPMN model: what the parser produces and the engine runs.
//!
//! Flow nodes of a process, including those nested in sub-processes, live in one flat
//! `Vec<Node>` indexed by [`NodeIdx`]; each node names its enclosing sub-process in `scope`.
//! A flat arena keeps the engine's hot path to index lookups and makes definitions cheap to
//! share between threads. Only what the engine executes is modelled: anything else is
//! rejected by the parser with a [`crate::Problem`] naming the element and its id.

use std::collections::HashMap;

/// Index of a flow node in [`Process::nodes`].
pub type NodeIdx = usize;
/// Index of a sequence flow in [`Process::flows`].
pub type FlowIdx = usize;

/// Everything deployable from one BPMN file.
#[derive(Debug, Clone, PartialEq)]
pub struct Definitions {
    /// The `id` attribute of `<definitions>`.
    pub id: Option<String>,
    /// Executable processes, in document order.
    pub processes: Vec<Process>,
    /// Diagram interchange (shapes and edges) for rendering, if the file has any.
    pub diagram: Diagram,
}

/// One executable `<process>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    /// The process id: the key that instances are started by.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// All flow nodes, including those inside sub-processes.
    pub nodes: Vec<Node>,
    /// All sequence flows.
    pub flows: Vec<Flow>,
    /// Position of each node id in `nodes`.
    pub node_index: HashMap<String, NodeIdx>,
}

impl Process {
    /// The node with the given BPMN id.
    pub fn node_by_id(&self, id: &str) -> Option<NodeIdx> {
        self.node_index.get(id).copied()
    }

    /// Nodes directly inside `scope` (`None` = the process level).
    pub fn children(&self, scope: Option<NodeIdx>) -> impl Iterator<Item = NodeIdx> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.scope == scope)
            .map(|(i, _)| i)
    }

    /// The none start event(s) of a scope: where a plain start of that scope begins.
    pub fn none_start_events(&self, scope: Option<NodeIdx>) -> Vec<NodeIdx> {
        self.children(scope)
            .filter(|&i| {
                matches!(
                    self.nodes[i].kind,
                    NodeKind::StartEvent {
                        trigger: Trigger::None,
                        ..
                    }
                )
            })
            .collect()
    }
}

/// A flow node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// BPMN id.
    pub id: String,
    /// Label shown in diagrams and task lists.
    pub name: Option<String>,
    /// What the node does.
    pub kind: NodeKind,
    /// Enclosing (event) sub-process; `None` at the process level.
    pub scope: Option<NodeIdx>,
    /// Incoming sequence flows.
    pub incoming: Vec<FlowIdx>,
    /// Outgoing sequence flows, in document order (exclusive gateways test them in this order).
    pub outgoing: Vec<FlowIdx>,
    /// The `default` flow of a gateway or activity.
    pub default_flow: Option<FlowIdx>,
    /// Boundary events attached to this activity.
    pub boundary_events: Vec<NodeIdx>,
    /// Input mappings, applied into the activity's local scope when it is entered.
    pub inputs: Vec<Mapping>,
    /// Output mappings, applied from the activity's scope when it completes.
    pub outputs: Vec<Mapping>,
    /// Multi-instance or standard loop.
    pub looping: Option<Looping>,
}

/// A variable mapping: evaluate `source`, write it to `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// FEEL expression.
    pub source: Expr,
    /// Variable name (a dotted path is not supported: validated away).
    pub target: String,
}

/// Loop characteristics of an activity.
#[derive(Debug, Clone, PartialEq)]
pub enum Looping {
    /// `multiInstanceLoopCharacteristics`.
    MultiInstance(MultiInstance),
    /// `standardLoopCharacteristics`.
    Standard(StandardLoop),
}

/// Multi-instance settings (Zeebe `zeebe:loopCharacteristics` or BPMN `loopCardinality`).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiInstance {
    /// One instance after another instead of all at once.
    pub sequential: bool,
    /// Collection to iterate over.
    pub input_collection: Option<Expr>,
    /// Variable that holds the current element in each instance's scope.
    pub input_element: Option<String>,
    /// Number of instances when there is no collection.
    pub cardinality: Option<Expr>,
    /// Variable that receives the list of `output_element` values.
    pub output_collection: Option<String>,
    /// Expression evaluated in each instance's scope on completion.
    pub output_element: Option<Expr>,
    /// When true after an instance completes, the remaining instances are cancelled.
    pub completion_condition: Option<Expr>,
    /// Added by the parser author: the event thrown as instances complete (BPMN
    /// `behavior="One"` with `oneBehaviorEventRef`, or `behavior="None"` with
    /// `noneBehaviorEventRef`); `None` for the default `behavior="All"`, which throws nothing.
    pub behavior_event: Option<BehaviorEvent>,
}

/// Added by the parser author: an event a multi-instance activity throws as its instances
/// complete (signal or escalation).
#[derive(Debug, Clone, PartialEq)]
pub struct BehaviorEvent {
    /// `true` (`behavior="One"`): thrown once, when the first instance completes;
    /// `false` (`behavior="None"`): thrown every time an instance completes.
    pub once: bool,
    /// What is thrown.
    pub throw: Throw,
}

/// Standard loop: repeat the activity while `condition` holds.
#[derive(Debug, Clone, PartialEq)]
pub struct StandardLoop {
    /// Loop condition; `None` loops until `maximum`.
    pub condition: Option<Expr>,
    /// Evaluate before the first iteration (while-do) instead of after (do-while).
    pub test_before: bool,
    /// Upper bound on iterations.
    pub maximum: Option<u64>,
}

/// What a flow node is.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// Start event of the process or of a (event) sub-process.
    StartEvent {
        /// None, message, timer (process level) or the event of an event sub-process.
        trigger: Trigger,
        /// For event sub-process starts: whether the enclosing scope is cancelled.
        interrupting: bool,
    },
    /// End event.
    EndEvent {
        /// What it throws.
        result: Throw,
    },
    /// Intermediate catch event (timer, message, signal, link).
    IntermediateCatchEvent {
        /// What it waits for.
        trigger: Trigger,
    },
    /// Intermediate throw event.
    IntermediateThrowEvent {
        /// What it throws.
        result: Throw,
    },
    /// Boundary event on an activity.
    BoundaryEvent {
        /// The activity it is attached to.
        attached_to: NodeIdx,
        /// What it catches.
        trigger: Trigger,
        /// Interrupting (true) or not.
        cancel_activity: bool,
    },
    /// Abstract `task`: passes straight through.
    Task,
    /// `manualTask`: passes straight through.
    ManualTask,
    /// `userTask`: waits for a person.
    UserTask(UserTask),
    /// `serviceTask` or `sendTask` with a job type: waits for a worker.
    ServiceTask(JobTask),
    /// Added by the parser author: a `sendTask` without a job type but with a `messageRef`
    /// (plain BPMN, e.g. betsy): publishes the message inside the engine and completes.
    /// `message.correlation_key`, if any, is evaluated in the sender's scope.
    SendTask {
        /// The message it publishes.
        message: MessageRef,
    },
    /// `receiveTask`: waits for a message.
    ReceiveTask {
        /// The message it waits for.
        message: MessageRef,
    },
    /// `scriptTask` with a FEEL script.
    ScriptTask(Script),
    /// `businessRuleTask` evaluating a DMN decision.
    BusinessRuleTask(BusinessRule),
    /// Embedded `subProcess` (or event sub-process when `triggered_by_event`).
    SubProcess {
        /// An event sub-process, started by its start event's trigger.
        triggered_by_event: bool,
    },
    /// `callActivity`: starts another deployed process and waits for it.
    CallActivity {
        /// The called process id (static or FEEL).
        process_id: Text,
        /// Copy all child variables back on completion (Zeebe default true).
        propagate_all_child_variables: bool,
    },
    /// Exclusive (XOR) gateway.
    ExclusiveGateway,
    /// Parallel (AND) gateway.
    ParallelGateway,
    /// Inclusive (OR) gateway.
    InclusiveGateway,
    /// Event-based gateway: the first of the following catch events wins.
    EventBasedGateway,
}

/// What an event waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// No trigger (none start event).
    None,
    /// A timer.
    Timer(Timer),
    /// A message, correlated by name and key.
    Message(MessageRef),
    /// A BPMN error; `None` catches any error code.
    Error(Option<String>),
    /// A BPMN escalation; `None` catches any code.
    Escalation(Option<String>),
    /// A broadcast signal, by name.
    Signal(String),
    /// A link catch event, by link name.
    Link(String),
}

/// What an event throws.
#[derive(Debug, Clone, PartialEq)]
pub enum Throw {
    /// Nothing.
    None,
    /// Terminate the enclosing scope (the whole process at process level).
    Terminate,
    /// A BPMN error with this code.
    Error(Option<String>),
    /// An escalation with this code.
    Escalation(Option<String>),
    /// A broadcast signal.
    Signal(String),
    /// A link throw event: jump to the catch event of the same name in the same scope.
    Link(String),
    /// A message end/throw event with a job type (Zeebe style): becomes a job.
    Job(JobTask),
    /// Added by the parser author: a message end/throw event without a job type but with a
    /// `messageRef` (plain BPMN, e.g. betsy): publishes the message inside the engine.
    /// `correlation_key`, if any, is evaluated in the thrower's scope.
    Message(MessageRef),
}

/// Timer definition; each holds a FEEL expression or ISO-8601 literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Timer {
    /// `timeDuration`, e.g. `PT5M`.
    Duration(Text),
    /// `timeDate`, an ISO-8601 date-time.
    Date(Text),
    /// `timeCycle`, e.g. `R3/PT10M`.
    Cycle(Text),
}

/// A message reference resolved to its name.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRef {
    /// Message name used for correlation.
    pub name: String,
    /// FEEL expression giving the correlation key (Zeebe `zeebe:subscription`).
    pub correlation_key: Option<Expr>,
}

/// User task settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserTask {
    /// Assignee (static or FEEL).
    pub assignee: Option<Text>,
    /// Comma-separated candidate groups (static or FEEL).
    pub candidate_groups: Option<Text>,
    /// Form key, for the UI to pick a form.
    pub form_key: Option<String>,
    /// Due date (static ISO-8601 or FEEL).
    pub due_date: Option<Text>,
}

/// A task done by an external worker through the job queue.
#[derive(Debug, Clone, PartialEq)]
pub struct JobTask {
    /// Job type that workers subscribe to (`zeebe:taskDefinition type`, or Camunda 7
    /// `camunda:topic` for external tasks).
    pub job_type: Text,
    /// Number of retries before an incident (static or FEEL); default 3.
    pub retries: Option<Text>,
    /// Static task headers handed to the worker.
    pub headers: Vec<(String, String)>,
}

/// A FEEL script task.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The expression to evaluate.
    pub expression: Expr,
    /// Where the result goes; `None` discards it.
    pub result_variable: Option<String>,
}

/// A business rule task calling a deployed DMN decision.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessRule {
    /// The decision id (`zeebe:calledDecision decisionId` / `camunda:decisionRef`).
    pub decision_id: Text,
    /// Where the decision's result goes.
    pub result_variable: String,
}

/// A FEEL expression in source form (without the leading `=`); compiled by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Expr(pub String);

/// A value that is either a literal string or a FEEL expression (Zeebe's `=` prefix).
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// Used as written.
    Literal(String),
    /// Evaluated at run time.
    Feel(Expr),
}

/// A sequence flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// BPMN id.
    pub id: String,
    /// Label.
    pub name: Option<String>,
    /// Source node.
    pub source: NodeIdx,
    /// Target node.
    pub target: NodeIdx,
    /// Condition (FEEL), if any.
    pub condition: Option<Expr>,
}

/// Diagram interchange, kept for server-side rendering.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagram {
    /// Shapes by element id.
    pub shapes: Vec<Shape>,
    /// Edges by element id.
    pub edges: Vec<Edge>,
}

/// A `bpmndi:BPMNShape`.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The BPMN element it depicts.
    pub element_id: String,
    /// Position and size.
    pub bounds: Bounds,
    /// Sub-process drawn expanded.
    pub expanded: Option<bool>,
    /// Label position, if given.
    pub label: Option<Bounds>,
}

/// A `bpmndi:BPMNEdge`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// The BPMN element it depicts.
    pub element_id: String,
    /// The polyline.
    pub waypoints: Vec<(f64, f64)>,
    /// Label position, if given.
    pub label: Option<Bounds>,
}

/// `dc:Bounds`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}
