//! Helpers for the unit tests: wrap a process body in a document, collect problems.

use crate::model::{Definitions, Process};
use crate::{Error, Problem};

/// A `<definitions>` document declaring the BPMN (prefix `bpmn`), Zeebe, Camunda 7, DI and
/// DC namespaces, with `root` elements followed by one executable process `p` holding `body`.
pub(crate) fn doc(root: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs">
  {root}
  <bpmn:process id="p" isExecutable="true">
    {body}
  </bpmn:process>
</bpmn:definitions>"#
    )
}

/// A start event `start` → `body`'s element `first` … (no end needed).
pub(crate) fn with_start(first: &str, body: &str) -> String {
    format!(
        r#"<bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="{first}"/>
    {body}"#
    )
}

/// Parses and returns the single process; panics (with the problems) if it fails.
pub(crate) fn process(xml: &str) -> Process {
    match crate::parse(xml) {
        Ok(Definitions { mut processes, .. }) => {
            assert_eq!(processes.len(), 1, "expected one process");
            processes.remove(0)
        }
        Err(e) => panic!("expected the model to parse, got: {e}"),
    }
}

/// Parses, expecting problems; returns them.
pub(crate) fn problems(xml: &str) -> Vec<Problem> {
    match crate::parse(xml) {
        Ok(_) => panic!("expected problems, but the model parsed"),
        Err(Error::Xml(e)) => panic!("expected problems, got malformed XML: {e}"),
        Err(Error::Invalid(problems)) => problems,
    }
}

/// Asserts that exactly one problem mentions `needle`, on `element` with `id`.
#[track_caller]
pub(crate) fn assert_problem(problems: &[Problem], element: &str, id: &str, needle: &str) {
    let found: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.message.contains(needle))
        .collect();
    assert!(
        found.len() == 1
            && found[0].element == element
            && found[0].element_id.as_deref() == Some(id),
        "expected one problem on {element} \"{id}\" containing {needle:?}, got:\n{}",
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
