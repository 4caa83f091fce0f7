//! Imports every betsy execution-conformance model listed in `bpmn-exec/index.json`.
//!
//! Models must import, except the deliberately invalid ones and those using constructs the
//! engine does not support, which must be rejected with a problem naming the element.

mod common;

use std::collections::BTreeMap;

use flode_bpmn::{Error, Problem, parse};

/// Models that must be rejected: file stem → (element of a required problem, or `*` for
/// any, and part of its message).
const REJECTED: &[(&str, &str, &str)] = &[
    // Deliberately invalid models (betsy/errors): upstream expects ERROR.
    (
        "Token_StartQuantity_Zero",
        "scriptTask",
        "startQuantity=\"0\" is invalid",
    ),
    (
        "LoopTask_NegativeLoopMaximum",
        "scriptTask",
        "must not be negative",
    ),
    // Unsupported constructs.
    ("AdHocSubProcess_Sequential", "adHocSubProcess", "ad-hoc"),
    (
        "WCP17_InterleavedParallelRouting",
        "adHocSubProcess",
        "ad-hoc",
    ),
    (
        "WCP09_Structured_Discriminator_ComplexGateway",
        "complexGateway",
        "complex gateway",
    ),
    ("Cancel_Event", "transaction", "transaction"),
    (
        "Compensation_EndEvent_SubProcess",
        "endEvent",
        "compensation",
    ),
    (
        "Compensation_IntermediateEvent",
        "intermediateThrowEvent",
        "compensation",
    ),
    // The compensation event sub-process itself is rejected (isForCompensation).
    (
        "Compensation_StartEvent_EventSubProcess",
        "subProcess",
        "compensation",
    ),
    (
        "Conditional_BoundaryEvent_SubProcess_Interrupting",
        "boundaryEvent",
        "conditional",
    ),
    (
        "Conditional_IntermediateEvent",
        "intermediateCatchEvent",
        "conditional",
    ),
    (
        "Conditional_StartEvent_EventSubProcess_NonInterrupting",
        "startEvent",
        "conditional",
    ),
    (
        "Multiple_IntermediateEvent_ThrowFirstEventDefinition",
        "intermediateCatchEvent",
        "multiple",
    ),
    (
        "Multiple_IntermediateThrowEvent",
        "intermediateThrowEvent",
        "multiple",
    ),
    (
        "Multiple_Parallel_IntermediateEvent",
        "intermediateCatchEvent",
        "multiple",
    ),
    // completionQuantity="2" / startQuantity="2": token cardinality is not modelled.
    ("Token_Cardinality_Explicit", "scriptTask", "not supported"),
];

/// The `"model"` entries of index.json (a flat list of objects; no JSON library needed).
fn models(index: &str) -> Vec<String> {
    index
        .split("\"model\":")
        .skip(1)
        .filter_map(|rest| rest.split('"').nth(1).map(str::to_owned))
        .collect()
}

#[test]
fn betsy_models_import_or_are_rejected_precisely() {
    let Some(dir) = common::conformance_dir("bpmn-exec") else {
        return;
    };
    let index = std::fs::read_to_string(dir.join("index.json")).expect("index.json");
    let models = models(&index);
    assert_eq!(models.len(), 71, "index.json lists 71 models");
    let expected: BTreeMap<&str, (&str, &str)> =
        REJECTED.iter().map(|&(m, e, s)| (m, (e, s))).collect();

    let mut imported = 0;
    let mut rejected = Vec::new();
    let mut failures = Vec::new();
    for model in &models {
        let stem = model
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".bpmn"))
            .expect("a .bpmn path");
        let xml = std::fs::read_to_string(dir.join(model)).expect("model file");
        match (parse(&xml), expected.get(stem)) {
            (Ok(defs), None) => {
                assert!(!defs.processes.is_empty(), "{stem}: no executable process");
                imported += 1;
            }
            (Ok(_), Some(_)) => failures.push(format!("{stem}: imported, but must be rejected")),
            (Err(Error::Xml(e)), _) => failures.push(format!("{stem}: malformed XML? {e}")),
            (Err(Error::Invalid(problems)), want) => {
                for p in &problems {
                    if let Some(why) = common::imprecision(&xml, p) {
                        failures.push(format!("{stem}: imprecise problem {why}"));
                    }
                }
                match want {
                    None => failures.push(format!(
                        "{stem}: rejected, but must import:\n    {}",
                        list(&problems)
                    )),
                    Some((element, needle)) => {
                        if !problems.iter().any(|p| {
                            (*element == "*" || p.element == *element) && p.message.contains(needle)
                        }) {
                            failures.push(format!(
                                "{stem}: no problem on <{element}> mentioning \"{needle}\":\n    {}",
                                list(&problems)
                            ));
                        }
                    }
                }
                rejected.push(format!("{stem:<56} {}", problems[0]));
            }
        }
    }
    println!(
        "betsy: imported {imported}/{}, rejected {}:",
        models.len(),
        rejected.len()
    );
    for line in &rejected {
        println!("  {line}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(imported + rejected.len(), models.len());
    assert_eq!(rejected.len(), REJECTED.len());
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n    ")
}

/// What the engine will see for a few betsy models whose translation matters.
#[test]
fn betsy_spot_checks() {
    use flode_bpmn::model::{
        BehaviorEvent, Expr, Looping, NodeKind, Process, Text, Throw, Timer, Trigger,
    };

    let Some(dir) = common::conformance_dir("bpmn-exec") else {
        return;
    };
    let load = |model: &str| -> Vec<Process> {
        let xml = std::fs::read_to_string(dir.join("betsy").join(model)).expect("model");
        parse(&xml)
            .unwrap_or_else(|e| panic!("{model}: {e}"))
            .processes
    };
    let node = |p: &Process, id: &str| p.nodes[p.node_by_id(id).expect(id)].clone();
    let condition = |p: &Process, id: &str| {
        p.flows
            .iter()
            .find(|f| f.id == id)
            .expect(id)
            .condition
            .clone()
    };
    let e = |s: &str| Some(Expr(s.into()));

    // Raw engine-neutral conditions are read as JUEL and translated.
    let p = &load("gateways/ExclusiveGateway.bpmn")[0];
    assert_eq!(condition(p, "SequenceFlow_6"), e("contains(test, \"a\")"));
    let p = &load("cfpatterns/WCP10_ArbitraryCycles.bpmn")[0];
    assert!(
        p.flows
            .iter()
            .filter_map(|f| f.condition.as_ref())
            .any(|c| c.0 == "integerVariable < 2")
    );
    // Conditions on a parallel gateway's outgoing flows are dropped (betsy: ignored).
    let p = &load("errors/ParallelGateway_Conditions.bpmn")[0];
    assert_eq!(condition(p, "SequenceFlow_6"), None);
    assert_eq!(condition(p, "SequenceFlow_8"), None);

    // Loops.
    let p = &load("activities/Loop_Task.bpmn")[0];
    let Some(Looping::Standard(l)) = node(p, "ScriptTask_1").looping else {
        panic!("standard loop");
    };
    assert_eq!(
        (l.condition, l.test_before, l.maximum),
        (e("integerVariable < 3"), false, None)
    );
    let p = &load("cfpatterns/WCP14_MultipleInstancesWithAPrioriRuntimeKnowledge.bpmn")[0];
    let Some(Looping::MultiInstance(mi)) = node(p, "ScriptTask_1").looping else {
        panic!("multi-instance");
    };
    assert_eq!(mi.cardinality, e("integerVariable"));
    let p = &load("activities/MultiInstance_OneBehavior.bpmn")[0];
    let Some(Looping::MultiInstance(mi)) = node(p, "multiInstanceTask").looping else {
        panic!("multi-instance");
    };
    assert_eq!(
        mi.behavior_event,
        Some(BehaviorEvent {
            once: true,
            throw: Throw::Signal("Signal".into())
        })
    );
    let p = &load("cfpatterns/WCP12_MultipleInstancesWithoutSynchronization.bpmn")[0];
    let Some(Looping::MultiInstance(mi)) = node(p, "ScriptTask_1").looping else {
        panic!("multi-instance");
    };
    assert_eq!(mi.behavior_event.map(|b| b.once), Some(false));

    // Messages and signals between the processes of one file.
    let ps = load("activities/SendTask.bpmn");
    assert!(
        matches!(node(&ps[0], "SendTask_1").kind, NodeKind::SendTask { message } if message.name == "message")
    );
    let ps = load("events/Message_StartEvent.bpmn");
    assert!(matches!(
        node(&ps[0], "IntermediateThrowEvent_1").kind,
        NodeKind::IntermediateThrowEvent { result: Throw::Message(m) } if m.name == "message"
    ));
    assert!(matches!(
        node(&ps[1], "StartEvent2").kind,
        NodeKind::StartEvent { trigger: Trigger::Message(m), .. } if m.name == "message"
    ));
    let ps = load("events/Signal_EndEvent.bpmn");
    assert_eq!(
        node(&ps[1], "StartEvent2").kind,
        NodeKind::StartEvent {
            trigger: Trigger::Signal("Signal".into()),
            interrupting: true
        }
    );

    // Timers, links, call activities, default flows.
    let p = &load("events/Timer_BoundaryEvent_SubProcess_TimeCycle.bpmn")[0];
    assert!(matches!(
        node(p, "BoundaryEvent_1").kind,
        NodeKind::BoundaryEvent { trigger: Trigger::Timer(Timer::Cycle(Text::Literal(c))), cancel_activity: false, .. }
            if c == "R4/PT10S"
    ));
    let p = &load("events/Link_Event.bpmn")[0];
    assert_eq!(
        node(p, "IntermediateCatchEvent_1").kind,
        NodeKind::IntermediateCatchEvent {
            trigger: Trigger::Link("Link".into())
        }
    );
    let ps = load("activities/CallActivity_Process.bpmn");
    assert_eq!(
        node(&ps[0], "CallActivity_1").kind,
        NodeKind::CallActivity {
            process_id: Text::Literal("CalledProcess".into()),
            propagate_all_child_variables: true
        }
    );
    let p = &load("gateways/ExclusiveGateway_Default.bpmn")[0];
    let gw = p
        .nodes
        .iter()
        .find(|n| n.default_flow.is_some())
        .expect("a gateway with a default flow");
    assert_eq!(p.flows[gw.default_flow.expect("default")].id, "DefaultFlow");
}
