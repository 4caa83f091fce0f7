//! Validation problems and the parser's error type.

use std::fmt;

use crate::xml::XNode;

/// Something in a model that the engine cannot execute, or that is invalid BPMN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The `id` of the offending element, if it has one.
    pub element_id: Option<String>,
    /// The element's local name, e.g. `complexGateway`.
    pub element: String,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.element_id {
            Some(id) => write!(f, "{} \"{}\": {}", self.element, id, self.message),
            None => write!(f, "{}: {}", self.element, self.message),
        }
    }
}

impl Problem {
    /// A problem about the XML element `node`.
    pub(crate) fn at(node: XNode<'_, '_>, message: impl Into<String>) -> Self {
        Self {
            element_id: node
                .attribute("id")
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            element: node.tag_name().name().to_owned(),
            message: message.into(),
        }
    }
}

/// Why a BPMN file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not well-formed XML (the message carries line:column).
    #[error("malformed XML: {0}")]
    Xml(String),
    /// The file is XML but not an executable model; every problem found is listed.
    #[error("the model is not valid:\n{}", list(.0))]
    Invalid(Vec<Problem>),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collects problems while parsing.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    /// Records a problem about `node`.
    pub(crate) fn at(&mut self, node: XNode<'_, '_>, message: impl Into<String>) {
        self.0.push(Problem::at(node, message));
    }

    /// Number of problems recorded so far.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_with_and_without_id() {
        let p = Problem {
            element_id: Some("Gateway_1".into()),
            element: "complexGateway".into(),
            message: "complex gateways are not supported".into(),
        };
        assert_eq!(
            p.to_string(),
            "complexGateway \"Gateway_1\": complex gateways are not supported"
        );
        let q = Problem {
            element_id: None,
            element: "definitions".into(),
            message: "x".into(),
        };
        assert_eq!(q.to_string(), "definitions: x");
    }

    #[test]
    fn invalid_lists_every_problem() {
        let p = |id: &str| Problem {
            element_id: Some(id.into()),
            element: "task".into(),
            message: "bad".into(),
        };
        let e = Error::Invalid(vec![p("a"), p("b")]);
        assert_eq!(
            e.to_string(),
            "the model is not valid:\n  - task \"a\": bad\n  - task \"b\": bad"
        );
    }
}
