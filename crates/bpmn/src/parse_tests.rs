//! Unit tests of the parser: structure, the `isExecutable` rules, and every problem kind.

use crate::model::{Expr, NodeKind, Text, Throw, Timer, Trigger};
use crate::test_support::{assert_problem, doc, problems, process, with_start};
use crate::{Error, ParseOptions};

const END: &str = r#"<bpmn:endEvent id="end"/>"#;

fn chain(middle: &str, id: &str) -> String {
    doc(
        "",
        &with_start(
            id,
            &format!(
                r#"{middle}
    <bpmn:sequenceFlow id="f_end" sourceRef="{id}" targetRef="end"/>
    {END}"#
            ),
        ),
    )
}

// ----- structure ---------------------------------------------------------------------------

#[test]
fn flat_arena_with_scopes_flows_and_boundaries() {
    let xml = doc(
        "",
        r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="s_start"/>
      <bpmn:sequenceFlow id="s_f" sourceRef="s_start" targetRef="s_end"/>
      <bpmn:endEvent id="s_end"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="timer" attachedToRef="sub" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT5M</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="timer" targetRef="end"/>
    <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#,
    );
    let p = process(&xml);
    let ids: Vec<&str> = p.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["start", "sub", "s_start", "s_end", "timer", "end"]);
    let sub = p.node_by_id("sub").expect("sub");
    assert_eq!(
        p.nodes[p.node_by_id("s_start").expect("s")].scope,
        Some(sub)
    );
    assert_eq!(p.nodes[sub].scope, None);
    let timer = p.node_by_id("timer").expect("timer");
    assert_eq!(p.nodes[sub].boundary_events, [timer]);
    assert!(matches!(
        &p.nodes[timer].kind,
        NodeKind::BoundaryEvent { attached_to, cancel_activity: false, trigger: Trigger::Timer(Timer::Duration(Text::Literal(d))) }
            if *attached_to == sub && d == "PT5M"
    ));
    // flows in document order; outgoing of `end`'s sources in that order
    let flow_ids: Vec<&str> = p.flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(flow_ids, ["f1", "s_f", "f3", "f2"]);
    let end = p.node_by_id("end").expect("end");
    assert_eq!(p.nodes[end].incoming, [2, 3]);
    assert_eq!(p.none_start_events(None), [0]);
    assert_eq!(p.none_start_events(Some(sub)), [2]);
}

#[test]
fn outgoing_follows_sequence_flow_document_order_and_default() {
    let xml = doc(
        "",
        &with_start(
            "gw",
            r#"
    <bpmn:exclusiveGateway id="gw" default="f_b">
      <bpmn:outgoing>f_b</bpmn:outgoing><bpmn:outgoing>f_a</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_a" sourceRef="gw" targetRef="end">
      <bpmn:conditionExpression>=x &gt; 1</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_b" sourceRef="gw" targetRef="end"/>
    <bpmn:endEvent id="end"/>"#,
        ),
    );
    let p = process(&xml);
    let gw = &p.nodes[p.node_by_id("gw").expect("gw")];
    let out: Vec<&str> = gw
        .outgoing
        .iter()
        .map(|&f| p.flows[f].id.as_str())
        .collect();
    assert_eq!(
        out,
        ["f_a", "f_b"],
        "document order of the sequenceFlow elements"
    );
    assert_eq!(gw.default_flow.map(|f| p.flows[f].id.as_str()), Some("f_b"));
    assert_eq!(p.flows[1].condition, Some(Expr("x > 1".into())));
}

#[test]
fn notation_is_ignored() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <collaboration id="c"><participant id="pa" processRef="p"/>
    <messageFlow id="mf" sourceRef="pa" targetRef="pa"/></collaboration>
  <category id="cat"><categoryValue id="cv" value="x"/></category>
  <process id="p">
    <documentation>doc</documentation>
    <laneSet id="ls"><lane id="l"><flowNodeRef>start</flowNodeRef></lane></laneSet>
    <dataObject id="do"/><dataObjectReference id="dor" dataObjectRef="do"/>
    <dataStoreReference id="dsr"/>
    <textAnnotation id="ta"><text>note</text></textAnnotation>
    <association id="as" sourceRef="ta" targetRef="start"/>
    <group id="g" categoryValueRef="cv"/>
    <property id="prop" name="data"/>
    <startEvent id="start"/>
    <sequenceFlow id="f" sourceRef="start" targetRef="t"/>
    <task id="t">
      <ioSpecification id="io"><dataOutput id="out"/><outputSet id="os"/></ioSpecification>
      <dataOutputAssociation id="doa"><targetRef>dor</targetRef></dataOutputAssociation>
    </task>
  </process>
</definitions>"#;
    let p = process(xml);
    assert_eq!(p.nodes.len(), 2);
    assert_eq!(p.nodes[1].kind, NodeKind::Task);
}

#[test]
fn executable_rules() {
    let one = |attr: &str| {
        format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <process id="a" {attr}><startEvent id="s"/></process></definitions>"#
        )
    };
    let count = |xml: &str| crate::parse(xml).expect("parses").processes.len();
    assert_eq!(count(&one("")), 1, "absent, single process: executable");
    assert_eq!(count(&one(r#"isExecutable="true""#)), 1);
    assert_eq!(count(&one(r#"isExecutable="false""#)), 0);
    let two = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <process id="a"><startEvent id="s"/></process>
  <process id="b" isExecutable="true"><startEvent id="s2"/></process>
  <process id="c"><complexGateway id="never_read"/></process></definitions>"#;
    let defs = crate::parse(two).expect("non-executable processes are not read");
    let ids: Vec<&str> = defs.processes.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["b"]);
    let lint = ParseOptions {
        include_non_executable: true,
    };
    let Err(Error::Invalid(ps)) = crate::parse_with(two, &lint) else {
        panic!("lint mode reads every process");
    };
    assert_problem(&ps, "complexGateway", "never_read", "complex gateways");
}

#[test]
fn any_prefix_and_default_namespace() {
    for (open, close) in [
        (
            r#"<x:definitions xmlns:x="http://www.omg.org/spec/BPMN/20100524/MODEL"><x:process id="p"><x:startEvent id="s"/></x:process>"#,
            "</x:definitions>",
        ),
        (
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><startEvent id="s"/></process>"#,
            "</definitions>",
        ),
    ] {
        assert_eq!(process(&format!("{open}{close}")).nodes.len(), 1);
    }
    // Right local name, wrong namespace: not BPMN.
    let wrong = r#"<bpmn:definitions xmlns:bpmn="http://example.com/not-bpmn"/>"#;
    let ps = problems(wrong);
    assert_eq!(ps[0].element, "definitions");
    assert!(ps[0].message.contains("not a BPMN 2.0 model"));
}

#[test]
fn malformed_xml_reports_position() {
    let Err(Error::Xml(message)) = crate::parse("<a>\n  <b>\n</a>") else {
        panic!("expected an XML error");
    };
    assert!(message.contains("3:"), "line:column in {message:?}");
}

#[test]
fn diagram_is_collected() {
    let xml = doc(
        "",
        r#"<bpmn:startEvent id="start"/></bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="p">
    <bpmndi:BPMNShape id="s_di" bpmnElement="start" isExpanded="true">
      <dc:Bounds x="1" y="2" width="36" height="36.5"/>
      <bpmndi:BPMNLabel><dc:Bounds x="0" y="40" width="50" height="14"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="broken" bpmnElement="x"/>
    <bpmndi:BPMNEdge id="e_di" bpmnElement="f">
      <di:waypoint x="10" y="20"/><di:waypoint x="30.5" y="20"/>
    </bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
  <bpmn:process id="unused" isExecutable="false">"#,
    );
    let defs = crate::parse(&xml).expect("parses");
    assert_eq!(defs.id.as_deref(), Some("defs"));
    let d = defs.diagram;
    assert_eq!(d.shapes.len(), 1, "shapes without bounds are skipped");
    assert_eq!(d.shapes[0].element_id, "start");
    assert_eq!(d.shapes[0].bounds.height, 36.5);
    assert_eq!(d.shapes[0].expanded, Some(true));
    assert_eq!(d.shapes[0].label.map(|l| l.y), Some(40.0));
    assert_eq!(d.edges[0].waypoints, [(10.0, 20.0), (30.5, 20.0)]);
    assert_eq!(d.edges[0].label, None);
}

#[test]
fn events_resolve_references() {
    let roots = r#"
  <bpmn:message id="m" name="order-received">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=orderId"/></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:signal id="sig" name="alarm"/>
  <bpmn:error id="err" errorCode="E42"/>
  <bpmn:escalation id="esc" escalationCode="ESC"/>"#;
    let body = r#"
    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="catch"/>
    <bpmn:intermediateCatchEvent id="catch"><bpmn:signalEventDefinition signalRef="sig"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="catch" targetRef="esc_throw"/>
    <bpmn:intermediateThrowEvent id="esc_throw"><bpmn:escalationEventDefinition escalationRef="esc"/></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="esc_throw" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:errorEventDefinition errorRef="err"/></bpmn:endEvent>
    <bpmn:endEvent id="terminate"><bpmn:terminateEventDefinition/></bpmn:endEvent>"#;
    let p = process(&doc(roots, body));
    let kind = |id: &str| &p.nodes[p.node_by_id(id).expect(id)].kind;
    match kind("start") {
        NodeKind::StartEvent {
            trigger: Trigger::Message(m),
            interrupting: true,
        } => {
            assert_eq!(m.name, "order-received");
            assert_eq!(m.correlation_key, Some(Expr("orderId".into())));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        kind("catch"),
        &NodeKind::IntermediateCatchEvent {
            trigger: Trigger::Signal("alarm".into())
        }
    );
    assert_eq!(
        kind("esc_throw"),
        &NodeKind::IntermediateThrowEvent {
            result: Throw::Escalation(Some("ESC".into()))
        }
    );
    assert_eq!(
        kind("end"),
        &NodeKind::EndEvent {
            result: Throw::Error(Some("E42".into()))
        }
    );
    assert_eq!(
        kind("terminate"),
        &NodeKind::EndEvent {
            result: Throw::Terminate
        }
    );
}

#[test]
fn message_throws_publish_or_become_jobs() {
    let roots = r#"<bpmn:message id="m" name="ping"/>"#;
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
    <bpmn:sendTask id="send" messageRef="m"/>
    <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="throw"/>
    <bpmn:intermediateThrowEvent id="throw"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="throw" targetRef="end"/>
    <bpmn:endEvent id="end">
      <bpmn:extensionElements><zeebe:taskDefinition type="notify"/></bpmn:extensionElements>
      <bpmn:messageEventDefinition/>
    </bpmn:endEvent>"#;
    let p = process(&doc(roots, body));
    assert!(matches!(&p.nodes[1].kind, NodeKind::SendTask { message } if message.name == "ping"));
    assert!(matches!(
        &p.nodes[2].kind,
        NodeKind::IntermediateThrowEvent { result: Throw::Message(m) } if m.name == "ping"
    ));
    assert!(matches!(
        &p.nodes[3].kind,
        NodeKind::EndEvent { result: Throw::Job(j) } if j.job_type == Text::Literal("notify".into())
    ));
}

#[test]
fn event_subprocess_and_link_events() {
    let roots = r#"<bpmn:error id="err" errorCode="E"/>"#;
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="throw"/>
    <bpmn:intermediateThrowEvent id="throw"><bpmn:linkEventDefinition name="jump"/></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="catch"><bpmn:linkEventDefinition name="jump"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="catch" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:subProcess id="esp" triggeredByEvent="true">
      <bpmn:startEvent id="esp_start" isInterrupting="true"><bpmn:errorEventDefinition errorRef="err"/></bpmn:startEvent>
      <bpmn:sequenceFlow id="f3" sourceRef="esp_start" targetRef="esp_end"/>
      <bpmn:endEvent id="esp_end"/>
    </bpmn:subProcess>
    <bpmn:subProcess id="esp2" triggeredByEvent="true">
      <bpmn:startEvent id="esp2_start" isInterrupting="false">
        <bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>
      </bpmn:startEvent>
    </bpmn:subProcess>"#;
    let p = process(&doc(roots, body));
    let esp = p.node_by_id("esp").expect("esp");
    assert_eq!(
        p.nodes[esp].kind,
        NodeKind::SubProcess {
            triggered_by_event: true
        }
    );
    assert_eq!(
        p.nodes[p.node_by_id("esp_start").expect("s")].kind,
        NodeKind::StartEvent {
            trigger: Trigger::Error(Some("E".into())),
            interrupting: true
        }
    );
    assert_eq!(
        p.nodes[p.node_by_id("esp2_start").expect("s")].kind,
        NodeKind::StartEvent {
            trigger: Trigger::Timer(Timer::Cycle(Text::Literal("R3/PT1H".into()))),
            interrupting: false
        }
    );
}

// ----- problems ----------------------------------------------------------------------------

#[test]
fn unsupported_elements() {
    let body = with_start(
        "cg",
        r#"
    <bpmn:complexGateway id="cg"/>
    <bpmn:sequenceFlow id="f_cg" sourceRef="cg" targetRef="tx"/>
    <bpmn:transaction id="tx"/>
    <bpmn:adHocSubProcess id="adhoc"/>
    <bpmn:boundaryEvent id="cancel_b" attachedToRef="tx"><bpmn:cancelEventDefinition/></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_cancel" sourceRef="cancel_b" targetRef="cg"/>"#,
    );
    let ps = problems(&doc("", &body));
    assert_problem(
        &ps,
        "complexGateway",
        "cg",
        "complex gateways are not supported",
    );
    assert_problem(&ps, "transaction", "tx", "transactions are not supported");
    assert_problem(&ps, "adHocSubProcess", "adhoc", "ad-hoc sub-processes");
    assert_problem(&ps, "boundaryEvent", "cancel_b", "cancel events");
    // Flows to and from rejected elements are not reported again.
    assert_eq!(ps.len(), 4, "{ps:#?}");
}

#[test]
fn conditional_compensation_and_multiple_events() {
    let roots = r#"<bpmn:signal id="s1" name="a"/><bpmn:signal id="s2" name="b"/>"#;
    let body = with_start(
        "cond",
        r#"
    <bpmn:intermediateCatchEvent id="cond">
      <bpmn:conditionalEventDefinition><bpmn:condition>=x</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateThrowEvent id="comp"><bpmn:compensateEventDefinition/></bpmn:intermediateThrowEvent>
    <bpmn:task id="handler" isForCompensation="true"/>
    <bpmn:intermediateCatchEvent id="multi">
      <bpmn:signalEventDefinition signalRef="s1"/><bpmn:signalEventDefinition signalRef="s2"/>
    </bpmn:intermediateCatchEvent>"#,
    );
    let ps = problems(&doc(roots, &body));
    assert_problem(&ps, "intermediateCatchEvent", "cond", "conditional events");
    assert_problem(&ps, "intermediateThrowEvent", "comp", "compensation events");
    assert_problem(&ps, "task", "handler", "isForCompensation");
    assert_problem(
        &ps,
        "intermediateCatchEvent",
        "multi",
        "2 event definitions",
    );
    assert_eq!(ps.len(), 4, "{ps:#?}");
}

#[test]
fn unresolved_references() {
    let roots = r#"<bpmn:message id="nameless"/><bpmn:globalUserTask id="gut"/>"#;
    let body = with_start(
        "m",
        r#"
    <bpmn:intermediateCatchEvent id="m"><bpmn:messageEventDefinition messageRef="nope"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="m2"><bpmn:messageEventDefinition messageRef="nameless"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="s"><bpmn:signalEventDefinition signalRef="nope"/></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="e"><bpmn:errorEventDefinition errorRef="nope"/></bpmn:endEvent>
    <bpmn:endEvent id="esc"><bpmn:escalationEventDefinition escalationRef="nope"/></bpmn:endEvent>
    <bpmn:receiveTask id="r"/>
    <bpmn:callActivity id="ca" calledElement="gut"/>"#,
    );
    let ps = problems(&doc(roots, &body));
    assert_problem(
        &ps,
        "intermediateCatchEvent",
        "m",
        "messageRef \"nope\" does not name",
    );
    assert_problem(&ps, "intermediateCatchEvent", "m2", "has no name");
    assert_problem(&ps, "intermediateCatchEvent", "s", "signalRef \"nope\"");
    assert_problem(&ps, "endEvent", "e", "errorRef \"nope\"");
    assert_problem(&ps, "endEvent", "esc", "escalationRef \"nope\"");
    assert_problem(&ps, "receiveTask", "r", "names no message");
    assert_problem(
        &ps,
        "callActivity",
        "ca",
        "calls the globalUserTask \"gut\"; only processes can be called",
    );
}

#[test]
fn script_format_must_be_feel() {
    let task = r#"<bpmn:scriptTask id="script" scriptFormat="groovy"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>"#;
    let ps = problems(&chain(task, "script"));
    assert_eq!(
        ps[0].to_string(),
        "scriptTask \"script\": script format \"groovy\" is not supported; \
         use a FEEL script (zeebe:script expression=\"=…\")"
    );
    for format in ["feel", "FEEL"] {
        let task = format!(
            r#"<bpmn:scriptTask id="script" scriptFormat="{format}" camunda:resultVariable="r"><bpmn:script>=1 + 1</bpmn:script></bpmn:scriptTask>"#
        );
        let p = process(&chain(&task, "script"));
        let NodeKind::ScriptTask(s) = &p.nodes[1].kind else {
            panic!("{:?}", p.nodes[1].kind);
        };
        assert_eq!(s.expression, Expr("1 + 1".into()));
        assert_eq!(s.result_variable.as_deref(), Some("r"));
    }
    let empty = r#"<bpmn:scriptTask id="script"/>"#;
    assert_problem(
        &problems(&chain(empty, "script")),
        "scriptTask",
        "script",
        "no script",
    );
}

#[test]
fn service_tasks_need_a_job_type() {
    let plain = r#"<bpmn:serviceTask id="svc"/>"#;
    assert_problem(
        &problems(&chain(plain, "svc")),
        "serviceTask",
        "svc",
        "has no job type",
    );
    for attr in ["class", "expression", "delegateExpression"] {
        let java = format!(r#"<bpmn:serviceTask id="svc" camunda:{attr}="x.Y"/>"#);
        let ps = problems(&chain(&java, "svc"));
        assert_problem(
            &ps,
            "serviceTask",
            "svc",
            &format!("camunda:{attr} (Java code)"),
        );
    }
    let no_topic = r#"<bpmn:serviceTask id="svc" camunda:type="external"/>"#;
    assert_problem(
        &problems(&chain(no_topic, "svc")),
        "serviceTask",
        "svc",
        "camunda:topic",
    );
    let send = r#"<bpmn:sendTask id="svc"/>"#;
    assert_problem(
        &problems(&chain(send, "svc")),
        "sendTask",
        "svc",
        "nor a messageRef",
    );
}

#[test]
fn business_rule_needs_a_decision() {
    let task = r#"<bpmn:businessRuleTask id="br"/>"#;
    assert_problem(
        &problems(&chain(task, "br")),
        "businessRuleTask",
        "br",
        "names no decision",
    );
    let no_result = r#"<bpmn:businessRuleTask id="br" camunda:decisionRef="d"/>"#;
    assert_problem(
        &problems(&chain(no_result, "br")),
        "businessRuleTask",
        "br",
        "no result variable",
    );
}

#[test]
fn token_quantities() {
    let zero = r#"<bpmn:task id="t" startQuantity="0"/>"#;
    assert_problem(
        &problems(&chain(zero, "t")),
        "task",
        "t",
        "startQuantity=\"0\" is invalid",
    );
    let two = r#"<bpmn:task id="t" completionQuantity="2"/>"#;
    assert_problem(
        &problems(&chain(two, "t")),
        "task",
        "t",
        "completionQuantity=\"2\" is not supported",
    );
    let one = r#"<bpmn:task id="t" startQuantity="1" completionQuantity="1"/>"#;
    process(&chain(one, "t"));
}

#[test]
fn loops() {
    let negative =
        r#"<bpmn:task id="t"><bpmn:standardLoopCharacteristics loopMaximum="-1"/></bpmn:task>"#;
    assert_problem(
        &problems(&chain(negative, "t")),
        "task",
        "t",
        "must not be negative",
    );
    let mi = r#"<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics/></bpmn:task>"#;
    assert_problem(
        &problems(&chain(mi, "t")),
        "task",
        "t",
        "needs a loopCardinality",
    );
    let complex = r#"<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics behavior="Complex"><bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:task>"#;
    assert_problem(&problems(&chain(complex, "t")), "task", "t", "Complex");
}

#[test]
fn flows_must_connect_nodes_in_one_scope() {
    let body = r#"
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="dangling" sourceRef="start" targetRef="ghost"/>
    <bpmn:sequenceFlow id="into_sub" sourceRef="start" targetRef="inner"/>
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="inner"/>
    </bpmn:subProcess>"#;
    let ps = problems(&doc("", body));
    assert_problem(
        &ps,
        "sequenceFlow",
        "dangling",
        "targetRef \"ghost\" does not name",
    );
    assert_problem(
        &ps,
        "sequenceFlow",
        "into_sub",
        "cannot cross a sub-process boundary",
    );
}

#[test]
fn start_events_are_required_and_well_placed() {
    let ps = problems(&doc("", r#"<bpmn:task id="t"/>"#));
    assert_problem(&ps, "process", "p", "no start event");
    let ps = problems(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:subProcess id="sub"><bpmn:task id="t"/></bpmn:subProcess>"#,
    ));
    assert_problem(
        &ps,
        "subProcess",
        "sub",
        "exactly one none start event (found 0)",
    );
    let ps = problems(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="none"/></bpmn:subProcess>"#,
    ));
    assert_problem(&ps, "startEvent", "none", "needs a trigger");
    let ps = problems(&doc(
        r#"<bpmn:error id="err"/>"#,
        r#"<bpmn:startEvent id="s"><bpmn:errorEventDefinition errorRef="err"/></bpmn:startEvent>"#,
    ));
    assert_problem(&ps, "startEvent", "s", "a process starts with");
    let ps = problems(&doc(
        r#"<bpmn:error id="err"/>"#,
        r#"<bpmn:startEvent id="s"/><bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es" isInterrupting="false"><bpmn:errorEventDefinition errorRef="err"/></bpmn:startEvent></bpmn:subProcess>"#,
    ));
    assert_problem(&ps, "startEvent", "es", "always interrupts");
    let ps = problems(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:task id="t"/><bpmn:sequenceFlow id="back" sourceRef="t" targetRef="s"/>"#,
    ));
    assert_problem(&ps, "startEvent", "s", "cannot have incoming");
}

#[test]
fn boundary_events() {
    let ps = problems(&doc(
        r#"<bpmn:error id="err"/>"#,
        r#"<bpmn:startEvent id="s"/><bpmn:task id="t"/><bpmn:exclusiveGateway id="gw"/>
    <bpmn:boundaryEvent id="on_gw" attachedToRef="gw"><bpmn:timerEventDefinition><bpmn:timeDate>2030-01-01T00:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="err_b" attachedToRef="t" cancelActivity="false"><bpmn:errorEventDefinition errorRef="err"/></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="nowhere" attachedToRef="ghost"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="none_b" attachedToRef="t"/>"#,
    ));
    assert_problem(
        &ps,
        "boundaryEvent",
        "on_gw",
        "must name an activity, not a <exclusiveGateway>",
    );
    assert_problem(&ps, "boundaryEvent", "err_b", "always interrupts");
    assert_problem(&ps, "boundaryEvent", "nowhere", "does not name an activity");
    assert_problem(&ps, "boundaryEvent", "none_b", "needs a trigger");
}

#[test]
fn links_need_a_matching_catch() {
    let ps = problems(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="l"/>
    <bpmn:intermediateThrowEvent id="l"><bpmn:linkEventDefinition name="A"/></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="c1"><bpmn:linkEventDefinition name="B"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="c2"><bpmn:linkEventDefinition name="B"/></bpmn:intermediateCatchEvent>"#,
    ));
    assert_problem(
        &ps,
        "intermediateThrowEvent",
        "l",
        "no link catch event called \"A\"",
    );
    assert_problem(&ps, "intermediateCatchEvent", "c2", "also called \"B\"");
}

#[test]
fn default_flows_and_conditions() {
    let ps = problems(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="elsewhere"/>
    <bpmn:exclusiveGateway id="gw2" default="cond"/>
    <bpmn:sequenceFlow id="f1" sourceRef="gw" targetRef="gw2"/>
    <bpmn:sequenceFlow id="cond" sourceRef="gw2" targetRef="e"><bpmn:conditionExpression>=a</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="from_event" sourceRef="s" targetRef="e"><bpmn:conditionExpression>=a</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="juel" sourceRef="gw2" targetRef="e"><bpmn:conditionExpression>${bean.compute()}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="groovy" sourceRef="gw2" targetRef="e"><bpmn:conditionExpression language="groovy">a</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="e"/>"#,
    ));
    assert_problem(
        &ps,
        "exclusiveGateway",
        "gw",
        "\"elsewhere\" is not an outgoing",
    );
    assert_problem(&ps, "exclusiveGateway", "gw2", "must not have a condition");
    assert_problem(
        &ps,
        "sequenceFlow",
        "from_event",
        "leaves the startEvent \"s\"",
    );
    assert_problem(
        &ps,
        "sequenceFlow",
        "juel",
        "\"compute\" has no FEEL equivalent",
    );
    assert_problem(&ps, "sequenceFlow", "groovy", "is written in \"groovy\"");
}

#[test]
fn parallel_gateway_conditions_are_ignored() {
    let p = process(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>
    <bpmn:parallelGateway id="fork"/>
    <bpmn:sequenceFlow id="a" sourceRef="fork" targetRef="e"><bpmn:conditionExpression>test.contains("a")</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="b" sourceRef="fork" targetRef="e"><bpmn:conditionExpression>=false</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="e"/>"#,
    ));
    assert!(p.flows.iter().all(|f| f.condition.is_none()));
}

#[test]
fn conditions_in_feel_language_and_juel() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
        expressionLanguage="https://www.omg.org/spec/DMN/20191111/FEEL/">
  <process id="p"><startEvent id="s"/>
    <exclusiveGateway id="gw"/>
    <sequenceFlow id="f0" sourceRef="s" targetRef="gw"/>
    <sequenceFlow id="feel" sourceRef="gw" targetRef="e"><conditionExpression>Vacation Approval = "Approved"</conditionExpression></sequenceFlow>
    <sequenceFlow id="juel" sourceRef="gw" targetRef="e"><conditionExpression language="juel">${a &amp;&amp; !b}</conditionExpression></sequenceFlow>
    <endEvent id="e"/></process></definitions>"#;
    let p = process(xml);
    assert_eq!(
        p.flows[1].condition,
        Some(Expr("Vacation Approval = \"Approved\"".into()))
    );
    assert_eq!(p.flows[2].condition, Some(Expr("a and not(b)".into())));
}

#[test]
fn event_based_gateway_targets() {
    let ps = problems(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="ebg"/>
    <bpmn:eventBasedGateway id="ebg"/>
    <bpmn:sequenceFlow id="f1" sourceRef="ebg" targetRef="t"/>
    <bpmn:task id="t"/>"#,
    ));
    assert_problem(&ps, "eventBasedGateway", "ebg", "not to \"t\"");
}

#[test]
fn duplicate_ids_and_missing_ids() {
    let ps = problems(&doc(
        "",
        r#"<bpmn:startEvent id="s"/><bpmn:task id="s"/><bpmn:task/>"#,
    ));
    assert_problem(&ps, "task", "s", "used more than once");
    assert!(
        ps.iter()
            .any(|p| p.element == "task" && p.element_id.is_none())
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let body = r#"<bpmn:complexGateway id="a"/><bpmn:serviceTask id="b"/><bpmn:task id="c" startQuantity="0"/>"#;
    let ps = problems(&doc("", body));
    // three element problems plus the missing start event
    assert_eq!(ps.len(), 4, "{ps:#?}");
}
