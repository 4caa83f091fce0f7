//! The parser proper: `<definitions>` → [`Definitions`], one [`Process`] per executable
//! `<process>`, collecting every [`Problem`] instead of stopping at the first.

use std::collections::{HashMap, HashSet};

use crate::ParseOptions;
use crate::diagram;
use crate::extensions as ext;
use crate::model::{
    BehaviorEvent, Definitions, Expr, Flow, FlowIdx, Looping, MessageRef, MultiInstance, Node,
    NodeIdx, NodeKind, Process, StandardLoop, Text, Throw, Timer, Trigger,
};
use crate::problem::{Error, Problem, Problems};
use crate::values;
use crate::xml::{self, BPMN, XNode};

/// Parses a BPMN 2.0 document.
pub(crate) fn parse(source: &str, options: &ParseOptions) -> Result<Definitions, Error> {
    let doc = roxmltree::Document::parse(source).map_err(|e| Error::Xml(e.to_string()))?;
    let root = doc.root_element();
    if !xml::is_bpmn(root, "definitions") {
        return Err(Error::Invalid(vec![Problem::at(
            root,
            format!(
                "not a BPMN 2.0 model: the root element must be <definitions> in namespace {BPMN}"
            ),
        )]));
    }
    let refs = Refs::new(root);
    let mut problems = Problems::default();
    let process_elements: Vec<_> = root
        .children()
        .filter(|c| xml::is_bpmn(*c, "process"))
        .collect();
    // An absent isExecutable counts as executable only in a single-process file.
    let single = process_elements.len() == 1;
    let mut processes = Vec::new();
    for p in process_elements {
        let executable = xml::bool_attr(p, "isExecutable").unwrap_or(single);
        if executable || options.include_non_executable {
            let builder = Builder {
                refs: &refs,
                problems: &mut problems,
                nodes: Vec::new(),
                xml_nodes: Vec::new(),
                raw_flows: Vec::new(),
                flow_xml: Vec::new(),
                rejected: HashSet::new(),
            };
            if let Some(process) = builder.process(p) {
                processes.push(process);
            }
        }
    }
    if !problems.0.is_empty() {
        return Err(Error::Invalid(problems.0));
    }
    Ok(Definitions {
        id: xml::attr(root, "id").map(str::to_owned),
        processes,
        diagram: diagram::collect(root),
    })
}

/// Root elements (messages, signals, errors, escalations, global event definitions,
/// callable elements) by id.
struct Refs<'a, 'i> {
    by_id: HashMap<&'a str, XNode<'a, 'i>>,
    /// `definitions/@expressionLanguage`.
    expression_language: Option<&'a str>,
}

impl<'a, 'i> Refs<'a, 'i> {
    fn new(root: XNode<'a, 'i>) -> Self {
        let mut by_id = HashMap::new();
        for c in root.children().filter(XNode::is_element) {
            if let Some(id) = xml::attr(c, "id") {
                by_id.entry(id).or_insert(c);
            }
        }
        Self {
            by_id,
            expression_language: xml::attr(root, "expressionLanguage"),
        }
    }

    /// The root element a (possibly prefixed) reference names.
    fn get(&self, reference: &str) -> Option<XNode<'a, 'i>> {
        let reference = reference.trim();
        self.by_id
            .get(reference)
            .or_else(|| self.by_id.get(xml::local_ref(reference)))
            .copied()
    }

    /// The root BPMN element `local` a reference names.
    fn root(&self, reference: &str, local: &str) -> Option<XNode<'a, 'i>> {
        self.get(reference).filter(|n| xml::is_bpmn(*n, local))
    }
}

/// What kind of container flow nodes are being read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Process,
    Embedded,
    EventSub,
}

/// Elements inside a process or sub-process that are notation only, or read by the
/// element that owns them.
const IGNORED: &[&str] = &[
    "laneSet",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
    "group",
    "documentation",
    "extensionElements",
    "ioSpecification",
    "ioBinding",
    "property",
    "auditing",
    "monitoring",
    "correlationSubscription",
    "supports",
    "performer",
    "humanPerformer",
    "potentialOwner",
    "resourceRole",
    "incoming",
    "outgoing",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
    "dataInputAssociation",
    "dataOutputAssociation",
    "categoryValueRef",
];

/// Script languages a condition may declare that we cannot run.
const SCRIPT_LANGUAGES: &[&str] = &[
    "groovy",
    "javascript",
    "ecmascript",
    "python",
    "jython",
    "ruby",
    "jruby",
    "js",
    "nashorn",
];

/// Builds one process.
struct Builder<'r, 'a, 'i> {
    refs: &'r Refs<'a, 'i>,
    problems: &'r mut Problems,
    nodes: Vec<Node>,
    /// The XML element of each node (same index as `nodes`).
    xml_nodes: Vec<XNode<'a, 'i>>,
    /// Sequence flow elements, in document order.
    raw_flows: Vec<XNode<'a, 'i>>,
    /// The XML element of each built flow (same index as the process's flows).
    flow_xml: Vec<XNode<'a, 'i>>,
    /// Ids of elements already reported as unsupported: references to them are not
    /// reported again.
    rejected: HashSet<&'a str>,
}

impl<'a, 'i> Builder<'_, 'a, 'i> {
    fn problem(&mut self, el: XNode<'_, '_>, message: impl Into<String>) {
        self.problems.at(el, message);
    }

    /// Reports `el` as unsupported and remembers its id.
    fn reject(&mut self, el: XNode<'a, 'i>, message: impl Into<String>) {
        self.problem(el, message);
        self.mark_rejected(el);
    }

    fn mark_rejected(&mut self, el: XNode<'a, 'i>) {
        if let Some(id) = xml::attr(el, "id") {
            self.rejected.insert(id);
        }
    }

    fn convert<T>(&mut self, el: XNode<'_, '_>, what: &str, r: Result<T, String>) -> Option<T> {
        ext::convert(el, self.problems, what, r)
    }

    fn process(mut self, p: XNode<'a, 'i>) -> Option<Process> {
        let Some(id) = xml::attr(p, "id") else {
            self.problem(p, "the process has no id");
            return None;
        };
        ext::check_listeners(p, self.problems);
        self.walk(p, None, Scope::Process);
        let node_index = self.index();
        self.attach_boundary_events(&node_index);
        let mut flows = self.flows(&node_index);
        self.default_flows(&flows);
        self.check_flows(&mut flows);
        self.check_structure(p, &flows);
        Some(Process {
            id: id.to_owned(),
            name: xml::name(p),
            nodes: self.nodes,
            flows,
            node_index,
        })
    }

    /// Reads the flow elements of a process or sub-process.
    fn walk(&mut self, container: XNode<'a, 'i>, scope: Option<NodeIdx>, kind: Scope) {
        for el in container.children().filter(XNode::is_element) {
            if el.tag_name().namespace() != Some(BPMN) {
                continue; // vendor extensions outside extensionElements
            }
            let local = el.tag_name().name();
            if IGNORED.contains(&local) {
                continue;
            }
            if local == "sequenceFlow" {
                self.raw_flows.push(el);
                continue;
            }
            if let Some(message) = unsupported(local) {
                self.reject(el, message);
                continue;
            }
            if xml::attr(el, "id").is_none() {
                self.problem(el, "the element has no id");
                continue;
            }
            match local {
                "startEvent" => self.start_event(el, scope, kind),
                "endEvent" => self.end_event(el, scope),
                "intermediateCatchEvent" => self.catch_event(el, scope),
                "intermediateThrowEvent" => self.throw_event(el, scope),
                "boundaryEvent" => self.boundary_event(el, scope),
                "exclusiveGateway" => self.simple(el, scope, NodeKind::ExclusiveGateway),
                "parallelGateway" => self.simple(el, scope, NodeKind::ParallelGateway),
                "inclusiveGateway" => self.simple(el, scope, NodeKind::InclusiveGateway),
                "eventBasedGateway" => self.event_gateway(el, scope),
                "subProcess" => {
                    let triggered = xml::bool_attr(el, "triggeredByEvent").unwrap_or(false);
                    let kind = NodeKind::SubProcess {
                        triggered_by_event: triggered,
                    };
                    if let Some(idx) = self.activity(el, scope, Some(kind)) {
                        let inner = if triggered {
                            Scope::EventSub
                        } else {
                            Scope::Embedded
                        };
                        self.walk(el, Some(idx), inner);
                    }
                }
                "task" | "manualTask" | "userTask" | "serviceTask" | "sendTask" | "receiveTask"
                | "scriptTask" | "businessRuleTask" | "callActivity" => self.task(el, scope),
                _ => self.reject(el, format!("<{local}> is not supported")),
            }
        }
    }

    fn push(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>, kind: NodeKind) -> NodeIdx {
        let (inputs, outputs) = ext::io(el, self.problems);
        ext::check_listeners(el, self.problems);
        let idx = self.nodes.len();
        self.nodes.push(Node {
            id: xml::attr(el, "id").unwrap_or_default().to_owned(),
            name: xml::name(el),
            kind,
            scope,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            default_flow: None,
            boundary_events: Vec::new(),
            inputs,
            outputs,
            looping: None,
        });
        self.xml_nodes.push(el);
        idx
    }

    /// Pushes a node whose kind could be built, or remembers it as rejected.
    fn push_opt(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>, kind: Option<NodeKind>) {
        match kind {
            Some(kind) => {
                self.push(el, scope, kind);
            }
            None => self.mark_rejected(el),
        }
    }

    fn simple(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>, kind: NodeKind) {
        self.push(el, scope, kind);
    }

    fn event_gateway(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>) {
        if xml::bool_attr(el, "instantiate") == Some(true) {
            self.reject(
                el,
                "instantiating event-based gateways are not supported; use a message start event",
            );
        } else if xml::attr(el, "eventGatewayType") == Some("Parallel") {
            self.reject(el, "parallel event-based gateways are not supported");
        } else {
            self.push(el, scope, NodeKind::EventBasedGateway);
        }
    }

    // ----- activities -------------------------------------------------------------------

    /// Common activity checks (compensation, token quantities, loops), then pushes the node.
    fn activity(
        &mut self,
        el: XNode<'a, 'i>,
        scope: Option<NodeIdx>,
        kind: Option<NodeKind>,
    ) -> Option<NodeIdx> {
        if xml::bool_attr(el, "isForCompensation") == Some(true) {
            self.reject(
                el,
                "compensation is not supported (the activity is a compensation handler, \
                 isForCompensation=\"true\")",
            );
            return None;
        }
        self.quantity(el, "startQuantity");
        self.quantity(el, "completionQuantity");
        let looping = self.looping(el);
        let Some(kind) = kind else {
            self.mark_rejected(el);
            return None;
        };
        let idx = self.push(el, scope, kind);
        self.nodes[idx].looping = looping;
        Some(idx)
    }

    fn quantity(&mut self, el: XNode<'a, 'i>, attr: &str) {
        let Some(raw) = xml::attr(el, attr) else {
            return;
        };
        match raw.parse::<u64>() {
            Ok(1) => {}
            Ok(0) => self.problem(
                el,
                format!("{attr}=\"0\" is invalid: it must be at least 1"),
            ),
            Ok(n) => self.problem(
                el,
                format!("{attr}=\"{n}\" is not supported; only the default 1 is"),
            ),
            Err(_) => self.problem(el, format!("{attr}=\"{raw}\" is not a positive integer")),
        }
    }

    fn task(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>) {
        let local = el.tag_name().name();
        let mut extra_inputs = Vec::new();
        let mut extra_outputs = Vec::new();
        let kind = match local {
            "task" => Some(NodeKind::Task),
            "manualTask" => Some(NodeKind::ManualTask),
            "userTask" => Some(NodeKind::UserTask(ext::user_task(el, self.problems))),
            "serviceTask" | "sendTask" => self.service_task(el, local == "sendTask"),
            "receiveTask" => self.receive_task(el),
            "scriptTask" => self.script_task(el),
            "businessRuleTask" => self.business_rule_task(el),
            _ => self.call_activity(el, &mut extra_inputs, &mut extra_outputs),
        };
        if let Some(idx) = self.activity(el, scope, kind) {
            self.nodes[idx].inputs.extend(extra_inputs);
            self.nodes[idx].outputs.extend(extra_outputs);
        }
    }

    fn service_task(&mut self, el: XNode<'a, 'i>, send: bool) -> Option<NodeKind> {
        let before = self.problems.len();
        if let Some(job) = ext::job(el, self.problems) {
            return Some(NodeKind::ServiceTask(job));
        }
        if self.problems.len() > before {
            return None;
        }
        let java = ["class", "expression", "delegateExpression", "type"]
            .into_iter()
            .any(|a| xml::camunda_attr(el, a).is_some());
        if send
            && !java
            && let Some(reference) = xml::attr(el, "messageRef")
        {
            return self
                .message_ref(el, reference)
                .map(|message| NodeKind::SendTask { message });
        }
        let what = if send {
            "the send task has neither a job type nor a messageRef"
        } else {
            "the service task has no job type"
        };
        ext::no_job(el, self.problems, what);
        None
    }

    fn receive_task(&mut self, el: XNode<'a, 'i>) -> Option<NodeKind> {
        if xml::bool_attr(el, "instantiate") == Some(true) {
            self.problem(
                el,
                "instantiating receive tasks are not supported; use a message start event",
            );
            return None;
        }
        let Some(reference) = xml::attr(el, "messageRef") else {
            self.problem(el, "the receive task names no message (messageRef)");
            return None;
        };
        self.message_ref(el, reference)
            .map(|message| NodeKind::ReceiveTask { message })
    }

    fn script_task(&mut self, el: XNode<'a, 'i>) -> Option<NodeKind> {
        if xml::zeebe(el, "script").is_none() && xml::zeebe(el, "taskDefinition").is_some() {
            return ext::job(el, self.problems).map(NodeKind::ServiceTask);
        }
        ext::script(el, self.problems).map(NodeKind::ScriptTask)
    }

    fn business_rule_task(&mut self, el: XNode<'a, 'i>) -> Option<NodeKind> {
        if let Some(rule) = ext::decision(el, self.problems) {
            return rule.map(NodeKind::BusinessRuleTask);
        }
        let before = self.problems.len();
        if let Some(job) = ext::job(el, self.problems) {
            return Some(NodeKind::ServiceTask(job));
        }
        if self.problems.len() == before {
            if ["class", "expression", "delegateExpression", "type"]
                .into_iter()
                .any(|a| xml::camunda_attr(el, a).is_some())
            {
                ext::no_job(el, self.problems, "the business rule task has no job type");
            } else {
                self.problem(
                    el,
                    "the business rule task names no decision \
                     (zeebe:calledDecision decisionId=\"…\" or camunda:decisionRef)",
                );
            }
        }
        None
    }

    fn call_activity(
        &mut self,
        el: XNode<'a, 'i>,
        inputs: &mut Vec<crate::model::Mapping>,
        outputs: &mut Vec<crate::model::Mapping>,
    ) -> Option<NodeKind> {
        let (process_id, propagate) = ext::called_element(el, self.problems, inputs, outputs)?;
        if let Text::Literal(id) = &process_id
            && let Some(target) = self.refs.get(id)
            && !xml::is_bpmn(target, "process")
        {
            self.problem(
                el,
                format!(
                    "calls the {} \"{id}\"; only processes can be called",
                    target.tag_name().name()
                ),
            );
            return None;
        }
        Some(NodeKind::CallActivity {
            process_id,
            propagate_all_child_variables: propagate,
        })
    }

    // ----- loops ------------------------------------------------------------------------

    fn looping(&mut self, el: XNode<'a, 'i>) -> Option<Looping> {
        if let Some(mi) = xml::bpmn_child(el, "multiInstanceLoopCharacteristics") {
            return self.multi_instance(el, mi).map(Looping::MultiInstance);
        }
        let sl = xml::bpmn_child(el, "standardLoopCharacteristics")?;
        let condition = xml::bpmn_child(sl, "loopCondition")
            .and_then(|c| self.formal_expression(el, c, "the loop condition"));
        let maximum = match xml::attr(sl, "loopMaximum") {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n < 0 => {
                    self.problem(
                        el,
                        format!("loopMaximum=\"{n}\" is invalid: it must not be negative"),
                    );
                    None
                }
                Ok(n) => u64::try_from(n).ok(),
                Err(_) => {
                    self.problem(el, format!("loopMaximum=\"{raw}\" is not an integer"));
                    None
                }
            },
        };
        Some(Looping::Standard(StandardLoop {
            condition,
            test_before: xml::bool_attr(sl, "testBefore").unwrap_or(false),
            maximum,
        }))
    }

    fn multi_instance(&mut self, el: XNode<'a, 'i>, mi: XNode<'a, 'i>) -> Option<MultiInstance> {
        let mut m = MultiInstance {
            sequential: xml::bool_attr(mi, "isSequential").unwrap_or(false),
            input_collection: None,
            input_element: None,
            cardinality: None,
            output_collection: None,
            output_element: None,
            completion_condition: None,
            behavior_event: None,
        };
        if let Some(z) = xml::zeebe(mi, "loopCharacteristics") {
            m.input_collection = xml::attr(z, "inputCollection")
                .and_then(|r| self.convert(el, "the input collection", values::expr(r)));
            m.input_element = xml::attr(z, "inputElement").map(str::to_owned);
            m.output_collection = xml::attr(z, "outputCollection").map(str::to_owned);
            m.output_element = xml::attr(z, "outputElement")
                .and_then(|r| self.convert(el, "the output element", values::expr(r)));
        }
        if m.input_collection.is_none()
            && let Some(c) = xml::camunda_attr(mi, "collection")
        {
            m.input_collection = self.convert(el, "the collection", values::expr(c));
        }
        if m.input_element.is_none() {
            m.input_element = xml::camunda_attr(mi, "elementVariable").map(str::to_owned);
        }
        let text_of =
            |local: &str| xml::bpmn_child(mi, local).filter(|c| !xml::text(*c).trim().is_empty());
        if let Some(c) = text_of("loopCardinality") {
            m.cardinality = self.formal_expression(el, c, "the loop cardinality");
        }
        if let Some(c) = text_of("completionCondition") {
            m.completion_condition = self.formal_expression(el, c, "the completion condition");
        }
        let specified = xml::zeebe(mi, "loopCharacteristics")
            .and_then(|z| xml::attr(z, "inputCollection"))
            .or_else(|| xml::camunda_attr(mi, "collection"))
            .is_some()
            || text_of("loopCardinality").is_some();
        if !specified {
            if xml::bpmn_child(mi, "loopDataInputRef").is_some() {
                self.problem(
                    el,
                    "loopDataInputRef is not supported; use zeebe:loopCharacteristics \
                     inputCollection=\"=…\"",
                );
            } else {
                self.problem(
                    el,
                    "the multi-instance activity needs a loopCardinality or an input \
                     collection (zeebe:loopCharacteristics inputCollection=\"=…\")",
                );
            }
        }
        match xml::attr(mi, "behavior").unwrap_or("All") {
            "All" => {}
            behavior @ ("One" | "None") => {
                let once = behavior == "One";
                let attr = if once {
                    "oneBehaviorEventRef"
                } else {
                    "noneBehaviorEventRef"
                };
                if let Some(reference) = xml::attr(mi, attr) {
                    m.behavior_event = self
                        .behavior_throw(el, attr, reference)
                        .map(|throw| BehaviorEvent { once, throw });
                }
            }
            "Complex" => self.problem(
                el,
                "multi-instance behavior=\"Complex\" (complexBehaviorDefinition) is not supported",
            ),
            other => self.problem(
                el,
                format!("multi-instance behavior=\"{other}\" is invalid"),
            ),
        }
        Some(m)
    }

    fn behavior_throw(&mut self, el: XNode<'a, 'i>, attr: &str, reference: &str) -> Option<Throw> {
        let def = self
            .refs
            .get(reference)
            .filter(|d| d.tag_name().name().ends_with("EventDefinition"));
        let Some(def) = def else {
            self.problem(
                el,
                format!("{attr} \"{reference}\" does not name a root-level event definition"),
            );
            return None;
        };
        match def.tag_name().name() {
            "signalEventDefinition" => self.signal(el, def).map(Throw::Signal),
            "escalationEventDefinition" => self.escalation(el, def).map(Throw::Escalation),
            other => {
                self.problem(
                    el,
                    format!("{attr}: only signal and escalation events are supported, not {other}"),
                );
                None
            }
        }
    }

    // ----- events -----------------------------------------------------------------------

    /// The event's single event definition (`None` for a none event); `Err` if reported.
    fn definition(&mut self, el: XNode<'a, 'i>) -> Result<Option<XNode<'a, 'i>>, ()> {
        let mut defs: Vec<XNode<'a, 'i>> = el
            .children()
            .filter(|c| {
                c.tag_name().namespace() == Some(BPMN)
                    && c.tag_name().name().ends_with("EventDefinition")
            })
            .collect();
        for r in xml::children(el, BPMN, "eventDefinitionRef") {
            let reference = xml::text(r);
            match self
                .refs
                .get(&reference)
                .filter(|d| d.tag_name().name().ends_with("EventDefinition"))
            {
                Some(def) => defs.push(def),
                None => {
                    self.reject(
                        el,
                        format!(
                            "eventDefinitionRef \"{}\" does not name an event definition",
                            reference.trim()
                        ),
                    );
                    return Err(());
                }
            }
        }
        match defs.as_slice() {
            [] => Ok(None),
            [def] => Ok(Some(*def)),
            _ => {
                self.reject(
                    el,
                    format!(
                        "multiple events (one event with {} event definitions) are not supported",
                        defs.len()
                    ),
                );
                Err(())
            }
        }
    }

    /// The kind of an event definition (`timer`, `message`, …), rejecting the unsupported
    /// kinds and those not in `allowed`.
    fn kind_of(
        &mut self,
        el: XNode<'a, 'i>,
        def: XNode<'a, 'i>,
        allowed: &[&str],
        context: &str,
    ) -> Option<&'a str> {
        let name = def.tag_name().name();
        let kind = name.strip_suffix("EventDefinition").unwrap_or(name);
        let message = match kind {
            "conditional" => "conditional events are not supported".to_owned(),
            "compensate" => "compensation events are not supported".to_owned(),
            "cancel" => "cancel events (transactions) are not supported".to_owned(),
            _ if allowed.contains(&kind) => return Some(kind),
            _ => format!("a {kind} event definition is not allowed here: {context}"),
        };
        self.reject(el, message);
        None
    }

    fn trigger(
        &mut self,
        el: XNode<'a, 'i>,
        def: XNode<'a, 'i>,
        allowed: &[&str],
        context: &str,
    ) -> Option<Trigger> {
        let trigger = match self.kind_of(el, def, allowed, context)? {
            "timer" => self.timer(el, def).map(Trigger::Timer),
            "message" => self.message(el, def).map(Trigger::Message),
            "signal" => self.signal(el, def).map(Trigger::Signal),
            "error" => self.error(el, def).map(Trigger::Error),
            "escalation" => self.escalation(el, def).map(Trigger::Escalation),
            "link" => self.link(el, def).map(Trigger::Link),
            other => {
                self.problem(el, format!("{other} events cannot be caught"));
                None
            }
        };
        if trigger.is_none() {
            self.mark_rejected(el);
        }
        trigger
    }

    fn throw(
        &mut self,
        el: XNode<'a, 'i>,
        def: Option<XNode<'a, 'i>>,
        allowed: &[&str],
        context: &str,
    ) -> Option<Throw> {
        let Some(def) = def else {
            return Some(Throw::None);
        };
        let throw = match self.kind_of(el, def, allowed, context)? {
            "terminate" => Some(Throw::Terminate),
            "error" => self.error(el, def).map(Throw::Error),
            "escalation" => self.escalation(el, def).map(Throw::Escalation),
            "signal" => self.signal(el, def).map(Throw::Signal),
            "link" => self.link(el, def).map(Throw::Link),
            "message" => self.message_throw(el, def),
            other => {
                self.problem(el, format!("{other} events cannot be thrown"));
                None
            }
        };
        if throw.is_none() {
            self.mark_rejected(el);
        }
        throw
    }

    fn message_throw(&mut self, el: XNode<'a, 'i>, def: XNode<'a, 'i>) -> Option<Throw> {
        let before = self.problems.len();
        if let Some(job) = ext::job(el, self.problems) {
            return Some(Throw::Job(job));
        }
        if self.problems.len() > before {
            return None;
        }
        let java = ["class", "expression", "delegateExpression", "type"]
            .into_iter()
            .any(|a| xml::camunda_attr(el, a).is_some());
        match xml::attr(def, "messageRef") {
            Some(reference) if !java => self.message_ref(el, reference).map(Throw::Message),
            _ if java => {
                ext::no_job(el, self.problems, "the message throw event has no job type");
                None
            }
            _ => {
                self.problem(
                    el,
                    "a message throw event needs a job type (zeebe:taskDefinition type=\"…\") \
                     or a messageRef",
                );
                None
            }
        }
    }

    fn start_event(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>, kind: Scope) {
        let Ok(def) = self.definition(el) else {
            return;
        };
        let interrupting = xml::bool_attr(el, "isInterrupting").unwrap_or(true);
        let trigger = match (def, kind) {
            (None, Scope::EventSub) => {
                self.reject(
                    el,
                    "the start event of an event sub-process needs a trigger \
                     (message, timer, signal, error or escalation)",
                );
                None
            }
            (None, _) => Some(Trigger::None),
            (Some(def), Scope::Process) => self.trigger(
                el,
                def,
                &["message", "timer", "signal"],
                "a process starts with a none, message, timer or signal start event",
            ),
            (Some(def), Scope::Embedded) => self.trigger(
                el,
                def,
                &[],
                "an embedded sub-process starts with a none start event",
            ),
            (Some(def), Scope::EventSub) => self.trigger(
                el,
                def,
                &["message", "timer", "signal", "error", "escalation"],
                "an event sub-process starts with a message, timer, signal, error or \
                 escalation start event",
            ),
        };
        let Some(trigger) = trigger else {
            return;
        };
        if kind == Scope::EventSub && !interrupting && matches!(trigger, Trigger::Error(_)) {
            self.reject(
                el,
                "an error start event always interrupts (isInterrupting must be true)",
            );
            return;
        }
        self.push(
            el,
            scope,
            NodeKind::StartEvent {
                trigger,
                interrupting,
            },
        );
    }

    fn end_event(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>) {
        let Ok(def) = self.definition(el) else {
            return;
        };
        let result = self.throw(
            el,
            def,
            &["terminate", "error", "escalation", "signal", "message"],
            "an end event is a none, terminate, error, escalation, signal or message end event",
        );
        self.push_opt(
            el,
            scope,
            result.map(|result| NodeKind::EndEvent { result }),
        );
    }

    fn throw_event(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>) {
        let Ok(def) = self.definition(el) else {
            return;
        };
        let result = self.throw(
            el,
            def,
            &["signal", "escalation", "link", "message"],
            "an intermediate throw event is a none, signal, escalation, link or message event",
        );
        let kind = result.map(|result| NodeKind::IntermediateThrowEvent { result });
        self.push_opt(el, scope, kind);
    }

    fn catch_event(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>) {
        let Ok(def) = self.definition(el) else {
            return;
        };
        let Some(def) = def else {
            self.reject(
                el,
                "an intermediate catch event needs a trigger (timer, message, signal or link)",
            );
            return;
        };
        let trigger = self.trigger(
            el,
            def,
            &["timer", "message", "signal", "link"],
            "an intermediate catch event waits for a timer, message, signal or link",
        );
        let kind = trigger.map(|trigger| NodeKind::IntermediateCatchEvent { trigger });
        self.push_opt(el, scope, kind);
    }

    fn boundary_event(&mut self, el: XNode<'a, 'i>, scope: Option<NodeIdx>) {
        let Ok(def) = self.definition(el) else {
            return;
        };
        let Some(def) = def else {
            self.reject(
                el,
                "a boundary event needs a trigger (timer, error, message, signal or escalation)",
            );
            return;
        };
        let cancel_activity = xml::bool_attr(el, "cancelActivity").unwrap_or(true);
        let Some(trigger) = self.trigger(
            el,
            def,
            &["timer", "error", "message", "signal", "escalation"],
            "a boundary event catches a timer, error, message, signal or escalation",
        ) else {
            return;
        };
        if !cancel_activity && matches!(trigger, Trigger::Error(_)) {
            self.reject(
                el,
                "an error boundary event always interrupts (cancelActivity must be true)",
            );
            return;
        }
        self.push(
            el,
            scope,
            NodeKind::BoundaryEvent {
                attached_to: NodeIdx::MAX, // resolved in attach_boundary_events
                trigger,
                cancel_activity,
            },
        );
    }

    fn timer(&mut self, el: XNode<'a, 'i>, def: XNode<'a, 'i>) -> Option<Timer> {
        let parts: Vec<_> = def
            .children()
            .filter(|c| {
                ["timeDuration", "timeDate", "timeCycle"]
                    .into_iter()
                    .any(|l| xml::is_bpmn(*c, l))
            })
            .collect();
        let [part] = parts.as_slice() else {
            let message = if parts.is_empty() {
                "the timer has no timeDuration, timeDate or timeCycle"
            } else {
                "the timer has more than one of timeDuration, timeDate and timeCycle"
            };
            self.problem(el, message);
            return None;
        };
        let local = part.tag_name().name();
        let raw = xml::text(*part);
        if raw.trim().is_empty() {
            self.problem(el, format!("the timer's {local} is empty"));
            return None;
        }
        let value = self.convert(el, "the timer", values::text(&raw))?;
        Some(match local {
            "timeDuration" => Timer::Duration(value),
            "timeDate" => Timer::Date(value),
            _ => Timer::Cycle(value),
        })
    }

    fn message(&mut self, el: XNode<'a, 'i>, def: XNode<'a, 'i>) -> Option<MessageRef> {
        let Some(reference) = xml::attr(def, "messageRef") else {
            self.problem(el, "the message event names no message (messageRef)");
            return None;
        };
        self.message_ref(el, reference)
    }

    fn message_ref(&mut self, el: XNode<'a, 'i>, reference: &str) -> Option<MessageRef> {
        let Some(message) = self.refs.root(reference, "message") else {
            self.problem(
                el,
                format!("messageRef \"{reference}\" does not name a <message>"),
            );
            return None;
        };
        let Some(name) = xml::attr(message, "name") else {
            self.problem(el, format!("the message \"{reference}\" has no name"));
            return None;
        };
        let correlation_key = match xml::zeebe(message, "subscription")
            .and_then(|s| xml::attr(s, "correlationKey"))
        {
            Some(key) => Some(self.convert(el, "the correlation key", values::feel(key))?),
            None => None,
        };
        Some(MessageRef {
            name: name.to_owned(),
            correlation_key,
        })
    }

    fn signal(&mut self, el: XNode<'a, 'i>, def: XNode<'a, 'i>) -> Option<String> {
        let Some(reference) = xml::attr(def, "signalRef") else {
            self.problem(el, "the signal event names no signal (signalRef)");
            return None;
        };
        let Some(signal) = self.refs.root(reference, "signal") else {
            self.problem(
                el,
                format!("signalRef \"{reference}\" does not name a <signal>"),
            );
            return None;
        };
        match xml::attr(signal, "name") {
            Some(name) => Some(name.to_owned()),
            None => {
                self.problem(el, format!("the signal \"{reference}\" has no name"));
                None
            }
        }
    }

    /// The error code (`None` = no errorRef, or an error without errorCode).
    fn error(&mut self, el: XNode<'a, 'i>, def: XNode<'a, 'i>) -> Option<Option<String>> {
        self.coded(el, def, "errorRef", "error", "errorCode")
    }

    fn escalation(&mut self, el: XNode<'a, 'i>, def: XNode<'a, 'i>) -> Option<Option<String>> {
        self.coded(el, def, "escalationRef", "escalation", "escalationCode")
    }

    fn coded(
        &mut self,
        el: XNode<'a, 'i>,
        def: XNode<'a, 'i>,
        ref_attr: &str,
        local: &str,
        code_attr: &str,
    ) -> Option<Option<String>> {
        let Some(reference) = xml::attr(def, ref_attr) else {
            return Some(None);
        };
        match self.refs.root(reference, local) {
            Some(target) => Some(xml::attr(target, code_attr).map(str::to_owned)),
            None => {
                self.problem(
                    el,
                    format!("{ref_attr} \"{reference}\" does not name an <{local}>"),
                );
                None
            }
        }
    }

    fn link(&mut self, el: XNode<'a, 'i>, def: XNode<'a, 'i>) -> Option<String> {
        match xml::attr(def, "name").or_else(|| xml::attr(el, "name")) {
            Some(name) => Some(name.to_owned()),
            None => {
                self.problem(el, "the link event has no name");
                None
            }
        }
    }

    // ----- second pass: references between nodes ---------------------------------------

    fn index(&mut self) -> HashMap<String, NodeIdx> {
        let mut index = HashMap::new();
        for i in 0..self.nodes.len() {
            let id = self.nodes[i].id.clone();
            if index.insert(id.clone(), i).is_some() {
                self.problem(
                    self.xml_nodes[i],
                    format!("the id \"{id}\" is used more than once"),
                );
            }
        }
        index
    }

    fn lookup(&self, index: &HashMap<String, NodeIdx>, reference: &str) -> Option<NodeIdx> {
        index
            .get(reference)
            .or_else(|| index.get(xml::local_ref(reference)))
            .copied()
    }

    fn is_rejected(&self, reference: &str) -> bool {
        self.rejected.contains(reference) || self.rejected.contains(xml::local_ref(reference))
    }

    fn attach_boundary_events(&mut self, index: &HashMap<String, NodeIdx>) {
        for b in 0..self.nodes.len() {
            if !matches!(self.nodes[b].kind, NodeKind::BoundaryEvent { .. }) {
                continue;
            }
            let el = self.xml_nodes[b];
            let Some(reference) = xml::attr(el, "attachedToRef") else {
                self.problem(el, "the boundary event has no attachedToRef");
                continue;
            };
            let Some(activity) = self.lookup(index, reference) else {
                if !self.is_rejected(reference) {
                    self.problem(
                        el,
                        format!("attachedToRef \"{reference}\" does not name an activity"),
                    );
                }
                continue;
            };
            if !is_activity(&self.nodes[activity].kind) {
                let local = self.xml_nodes[activity].tag_name().name();
                self.problem(
                    el,
                    format!("attachedToRef \"{reference}\" must name an activity, not a <{local}>"),
                );
                continue;
            }
            if self.nodes[activity].scope != self.nodes[b].scope {
                self.problem(
                    el,
                    "the boundary event must be declared in the same (sub-)process as its activity",
                );
                continue;
            }
            if let NodeKind::BoundaryEvent { attached_to, .. } = &mut self.nodes[b].kind {
                *attached_to = activity;
            }
            self.nodes[activity].boundary_events.push(b);
        }
    }

    fn flows(&mut self, index: &HashMap<String, NodeIdx>) -> Vec<Flow> {
        let mut flows: Vec<Flow> = Vec::new();
        let mut ids = HashSet::new();
        for el in std::mem::take(&mut self.raw_flows) {
            let Some(id) = xml::attr(el, "id") else {
                self.problem(el, "the sequence flow has no id");
                continue;
            };
            if index.contains_key(id) || !ids.insert(id) {
                self.problem(el, format!("the id \"{id}\" is used more than once"));
                continue;
            }
            let source = self.end_of(el, index, "sourceRef");
            let target = self.end_of(el, index, "targetRef");
            let condition = self.condition(el);
            let (Some(source), Some(target)) = (source, target) else {
                self.mark_rejected(el);
                continue;
            };
            if self.nodes[source].scope != self.nodes[target].scope {
                self.mark_rejected(el);
                self.problem(
                    el,
                    format!(
                        "the sequence flow connects \"{}\" and \"{}\", which are in different \
                         (sub-)processes; a sequence flow cannot cross a sub-process boundary",
                        self.nodes[source].id, self.nodes[target].id
                    ),
                );
                continue;
            }
            let fi: FlowIdx = flows.len();
            flows.push(Flow {
                id: id.to_owned(),
                name: xml::name(el),
                source,
                target,
                condition,
            });
            self.flow_xml.push(el);
            self.nodes[source].outgoing.push(fi);
            self.nodes[target].incoming.push(fi);
        }
        flows
    }

    /// Resolves `sourceRef` / `targetRef`.
    fn end_of(
        &mut self,
        el: XNode<'a, 'i>,
        index: &HashMap<String, NodeIdx>,
        attr: &str,
    ) -> Option<NodeIdx> {
        let Some(reference) = xml::attr(el, attr) else {
            self.problem(el, format!("the sequence flow has no {attr}"));
            return None;
        };
        let found = self.lookup(index, reference);
        if found.is_none() && !self.is_rejected(reference) {
            self.problem(
                el,
                format!("{attr} \"{reference}\" does not name a flow node of this process"),
            );
        }
        found
    }

    fn condition(&mut self, el: XNode<'a, 'i>) -> Option<Expr> {
        let c = xml::bpmn_child(el, "conditionExpression")?;
        if xml::camunda_attr(c, "resource").is_some() {
            self.problem(
                el,
                "external condition scripts (camunda:resource) are not supported",
            );
            return None;
        }
        self.formal_expression(el, c, "the condition")
    }

    /// The text of a `tFormalExpression` element (`conditionExpression`, `loopCondition`,
    /// `loopCardinality`, `completionCondition`): FEEL when its `language` (or the file's
    /// `expressionLanguage`) says so, otherwise `=feel`, `${juel}` or raw JUEL. `None` when
    /// empty or reported.
    fn formal_expression(
        &mut self,
        el: XNode<'a, 'i>,
        expression: XNode<'a, 'i>,
        what: &str,
    ) -> Option<Expr> {
        let raw = xml::text(expression);
        if raw.trim().is_empty() {
            return None;
        }
        if let Some(language) = xml::attr(expression, "language") {
            let lower = language.to_ascii_lowercase();
            if SCRIPT_LANGUAGES
                .iter()
                .any(|l| lower == *l || (l.len() > 2 && lower.contains(l)))
            {
                self.problem(
                    el,
                    format!(
                        "{what} is written in \"{language}\", which is not supported; \
                         write it in FEEL (=…)"
                    ),
                );
                return None;
            }
        }
        let language = xml::attr(expression, "language").or(self.refs.expression_language);
        if language.is_some_and(|l| l.to_ascii_lowercase().contains("feel")) {
            return self.convert(el, what, values::feel(&raw));
        }
        self.convert(el, what, values::expr(&raw))
    }

    fn default_flows(&mut self, flows: &[Flow]) {
        for n in 0..self.nodes.len() {
            let el = self.xml_nodes[n];
            let Some(reference) = xml::attr(el, "default") else {
                continue;
            };
            if matches!(
                self.nodes[n].kind,
                NodeKind::ParallelGateway | NodeKind::EventBasedGateway
            ) {
                self.problem(el, "this gateway cannot have a default flow");
                continue;
            }
            let found =
                self.nodes[n].outgoing.iter().copied().find(|&f| {
                    flows[f].id == reference || flows[f].id == xml::local_ref(reference)
                });
            match found {
                Some(f) if flows[f].condition.is_some() => self.problem(
                    el,
                    format!("the default flow \"{reference}\" must not have a condition"),
                ),
                Some(f) => self.nodes[n].default_flow = Some(f),
                None if self.is_rejected(reference) => {}
                None => self.problem(
                    el,
                    format!(
                        "the default flow \"{reference}\" is not an outgoing sequence flow \
                         of this element"
                    ),
                ),
            }
        }
    }

    /// Conditions only where they mean something.
    fn check_flows(&mut self, flows: &mut [Flow]) {
        for (fi, flow) in flows.iter_mut().enumerate() {
            if flow.condition.is_none() {
                continue;
            }
            match &self.nodes[flow.source].kind {
                // A parallel gateway ignores conditions on its outgoing flows (BPMN, Camunda 7,
                // betsy's ParallelGateway_Conditions expectation): drop them.
                NodeKind::ParallelGateway => flow.condition = None,
                k if is_activity(k)
                    || matches!(k, NodeKind::ExclusiveGateway | NodeKind::InclusiveGateway) => {}
                _ => {
                    let message = format!(
                        "only sequence flows leaving an activity or an exclusive or inclusive \
                         gateway can have a condition (this one leaves the {} \"{}\")",
                        self.xml_nodes[flow.source].tag_name().name(),
                        self.nodes[flow.source].id
                    );
                    self.problem(self.flow_xml[fi], message);
                }
            }
        }
    }

    fn check_structure(&mut self, process: XNode<'a, 'i>, flows: &[Flow]) {
        for n in 0..self.nodes.len() {
            let el = self.xml_nodes[n];
            let node = &self.nodes[n];
            let message = match &node.kind {
                NodeKind::StartEvent { .. } if !node.incoming.is_empty() => {
                    Some("a start event cannot have incoming sequence flows")
                }
                NodeKind::BoundaryEvent { .. } if !node.incoming.is_empty() => {
                    Some("a boundary event cannot have incoming sequence flows")
                }
                NodeKind::EndEvent { .. } if !node.outgoing.is_empty() => {
                    Some("an end event cannot have outgoing sequence flows")
                }
                NodeKind::SubProcess {
                    triggered_by_event: true,
                } if !node.incoming.is_empty() || !node.outgoing.is_empty() => {
                    Some("an event sub-process cannot have incoming or outgoing sequence flows")
                }
                _ => None,
            };
            let bad: Vec<String> = if matches!(node.kind, NodeKind::EventBasedGateway) {
                node.outgoing
                    .iter()
                    .map(|&f| flows[f].target)
                    .filter(|&t| !waits_for_event(&self.nodes[t].kind))
                    .map(|t| format!("\"{}\"", self.nodes[t].id))
                    .collect()
            } else {
                Vec::new()
            };
            if let Some(message) = message {
                self.problem(el, message);
            }
            {
                if !bad.is_empty() {
                    self.problem(
                        el,
                        format!(
                            "an event-based gateway must lead to message, timer or signal catch \
                             events or receive tasks, not to {}",
                            bad.join(", ")
                        ),
                    );
                }
            }
        }
        self.check_start_events(process);
        self.check_links();
    }

    fn check_start_events(&mut self, process: XNode<'a, 'i>) {
        let starts_in = |nodes: &[Node], scope: Option<NodeIdx>| {
            nodes
                .iter()
                .filter(|n| n.scope == scope && matches!(n.kind, NodeKind::StartEvent { .. }))
                .count()
        };
        if starts_in(&self.nodes, None) == 0 && !self.any_rejected_start(process) {
            self.problem(
                process,
                "the process has no start event; add a none start event \
                 (or a message, timer or signal start event)",
            );
        }
        for n in 0..self.nodes.len() {
            let NodeKind::SubProcess { triggered_by_event } = self.nodes[n].kind else {
                continue;
            };
            let count = starts_in(&self.nodes, Some(n));
            if count == 1 || (count == 0 && self.any_rejected_start(self.xml_nodes[n])) {
                continue;
            }
            let message = if triggered_by_event {
                format!("an event sub-process needs exactly one start event (found {count})")
            } else {
                format!(
                    "an embedded sub-process needs exactly one none start event (found {count})"
                )
            };
            self.problem(self.xml_nodes[n], message);
        }
    }

    /// Whether a start event directly in `container` was rejected (already reported).
    fn any_rejected_start(&self, container: XNode<'a, 'i>) -> bool {
        container.children().any(|s| {
            xml::is_bpmn(s, "startEvent")
                && xml::attr(s, "id").is_none_or(|id| self.rejected.contains(id))
        })
    }

    fn check_links(&mut self) {
        let mut catches: HashMap<(Option<NodeIdx>, &str), NodeIdx> = HashMap::new();
        let mut problems = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if let NodeKind::IntermediateCatchEvent {
                trigger: Trigger::Link(name),
            } = &n.kind
                && catches.insert((n.scope, name.as_str()), i).is_some()
            {
                problems.push((
                    i,
                    format!("another link catch event in the same scope is also called \"{name}\""),
                ));
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if let NodeKind::IntermediateThrowEvent {
                result: Throw::Link(name),
            } = &n.kind
                && !catches.contains_key(&(n.scope, name.as_str()))
            {
                problems.push((
                    i,
                    format!("there is no link catch event called \"{name}\" in the same scope"),
                ));
            }
        }
        for (i, message) in problems {
            self.problem(self.xml_nodes[i], message);
        }
    }
}

/// Flow elements that affect execution but are not supported.
fn unsupported(local: &str) -> Option<&'static str> {
    Some(match local {
        "complexGateway" => "complex gateways are not supported",
        "transaction" => "transactions are not supported",
        "adHocSubProcess" => "ad-hoc sub-processes are not supported",
        "callChoreography" | "choreographyTask" | "subChoreography" => {
            "choreographies are not executable"
        }
        "implicitThrowEvent" => "implicit throw events are not supported",
        _ => return None,
    })
}

/// Kinds a boundary event can be attached to.
fn is_activity(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::Task
            | NodeKind::ManualTask
            | NodeKind::UserTask(_)
            | NodeKind::ServiceTask(_)
            | NodeKind::SendTask { .. }
            | NodeKind::ReceiveTask { .. }
            | NodeKind::ScriptTask(_)
            | NodeKind::BusinessRuleTask(_)
            | NodeKind::CallActivity { .. }
            | NodeKind::SubProcess {
                triggered_by_event: false
            }
    )
}

/// Valid targets of an event-based gateway.
fn waits_for_event(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::ReceiveTask { .. }
            | NodeKind::IntermediateCatchEvent {
                trigger: Trigger::Message(_) | Trigger::Timer(_) | Trigger::Signal(_)
            }
    )
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
