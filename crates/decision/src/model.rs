//! DMN models: parsing DMN 1.3/1.4/1.5 XML and evaluating decisions and decision services
//! with JSON input.

use crate::compat::{find_external_function, normalize_type_refs};
use crate::error::Error;
use crate::implicit_inputs::declare_implicit_inputs;
use crate::input_types::InputTypes;
use crate::value::feel_to_json;
use dsntk_feel::values::Value as FeelValue;
use dsntk_model::{Definitions, DmnElement, NamedElement};
use dsntk_model_evaluator::ModelEvaluator;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// dsntk's message for a decision table where no rule matched and no default is defined.
const NO_RULE_MATCHED: &str = "no rules matched, no output value defined";

/// Identification of a decision or decision service in a model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DecisionInfo {
    /// The XML `id` attribute.
    pub id: String,
    /// The `name` attribute; this is also the name of the variable holding the result.
    pub name: String,
}

/// A parsed DMN model whose decisions and decision services can be evaluated by id or name.
///
/// The type is `Send + Sync`; evaluation takes `&self`, so one model can be shared (for
/// example in an `Arc`) and evaluated concurrently.
pub struct DecisionModel {
    evaluator: Arc<ModelEvaluator>,
    namespace: String,
    model_name: String,
    decisions: Vec<DecisionInfo>,
    decision_services: Vec<DecisionInfo>,
    input_types: InputTypes,
}

impl fmt::Debug for DecisionModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecisionModel")
            .field("namespace", &self.namespace)
            .field("name", &self.model_name)
            .field("decisions", &self.decisions)
            .field("decision_services", &self.decision_services)
            .finish_non_exhaustive()
    }
}

/// Which kind of invocable is evaluated.
#[derive(Clone, Copy)]
enum Invocable {
    Decision,
    DecisionService,
}

impl Invocable {
    fn label(self) -> &'static str {
        match self {
            Invocable::Decision => "decision",
            Invocable::DecisionService => "decision service",
        }
    }
}

impl DecisionModel {
    /// Parses a DMN model (DMN 1.3, 1.4 or 1.5 XML) without imports.
    pub fn parse(xml: &str) -> Result<Self, Error> {
        Self::parse_with_imports(xml, &[])
    }

    /// Parses a DMN model together with the models it imports (`<import>` of DMN models,
    /// matched by namespace). Decisions are looked up in the main model (`xml`) only.
    pub fn parse_with_imports(xml: &str, imports: &[&str]) -> Result<Self, Error> {
        let main = load(xml).map_err(|message| Error::Model { message })?;
        let imported = imports
            .iter()
            .enumerate()
            .map(|(i, xml)| {
                load(xml).map_err(|message| Error::Model {
                    message: format!("imported model #{}: {message}", i + 1),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let input_types = InputTypes::new(&main, &imported);
        let info = |id: &str, name: &str| DecisionInfo {
            id: id.to_string(),
            name: name.to_string(),
        };
        let decisions = main
            .decisions()
            .iter()
            .map(|d| info(d.id(), d.name()))
            .collect();
        let decision_services = main
            .decision_services()
            .iter()
            .map(|d| info(d.id(), d.name()))
            .collect();
        let namespace = main.namespace().to_string();
        let model_name = main.name().to_string();
        let mut all: Vec<Definitions> = imported;
        all.insert(0, main);
        let evaluator = ModelEvaluator::new(&all).map_err(|e| Error::Model {
            message: e.to_string(),
        })?;
        Ok(Self {
            evaluator,
            namespace,
            model_name,
            decisions,
            decision_services,
            input_types,
        })
    }

    /// The namespace of the model (the `namespace` attribute of `<definitions>`).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The name of the model (the `name` attribute of `<definitions>`).
    pub fn name(&self) -> &str {
        &self.model_name
    }

    /// The decisions of the model, in document order.
    pub fn decisions(&self) -> Vec<DecisionInfo> {
        self.decisions.clone()
    }

    /// The decision services of the model, in document order.
    pub fn decision_services(&self) -> Vec<DecisionInfo> {
        self.decision_services.clone()
    }

    /// Evaluates the decision with the given id (preferred) or name.
    ///
    /// `input` maps input data names (exactly as in the model, e.g. `"Monthly Salary"`) to
    /// values; missing inputs are null. Inputs declared as date, time, date and time or
    /// duration accept ISO-8601 strings. A result that dsntk reports as an error (a null
    /// carrying a message) is [`Error::DecisionEvaluation`].
    pub fn evaluate(
        &self,
        decision_id_or_name: &str,
        input: &Map<String, Value>,
    ) -> Result<Value, Error> {
        let name =
            find(&self.decisions, decision_id_or_name).ok_or_else(|| Error::UnknownDecision {
                name: decision_id_or_name.to_string(),
            })?;
        self.invoke(Invocable::Decision, name, input)
    }

    /// Evaluates the decision service with the given id (preferred) or name. The result is
    /// a context with one entry per output decision, or the bare value when the service has
    /// exactly one output decision (DMN 1.5 semantics).
    pub fn evaluate_decision_service(
        &self,
        service_id_or_name: &str,
        input: &Map<String, Value>,
    ) -> Result<Value, Error> {
        let name = find(&self.decision_services, service_id_or_name).ok_or_else(|| {
            Error::UnknownDecisionService {
                name: service_id_or_name.to_string(),
            }
        })?;
        self.invoke(Invocable::DecisionService, name, input)
    }

    fn invoke(
        &self,
        kind: Invocable,
        name: &str,
        input: &Map<String, Value>,
    ) -> Result<Value, Error> {
        let ctx = self.input_types.input_context(input);
        let result =
            self.evaluator
                .evaluate_invocable(&self.namespace, &self.model_name, name, &ctx);
        let error = |message: String| Error::DecisionEvaluation {
            kind: kind.label(),
            name: name.to_string(),
            message,
        };
        match result {
            // DMN: a decision table without a matching rule (and no default) yields null.
            FeelValue::Null(Some(message)) if message == NO_RULE_MATCHED => Ok(Value::Null),
            FeelValue::Null(Some(message)) => Err(error(message)),
            other => feel_to_json(&other).map_err(|e| error(e.0)),
        }
    }
}

/// Checks and parses one DMN document.
fn load(xml: &str) -> Result<Definitions, String> {
    if let Some(external) = find_external_function(xml) {
        return Err(format!(
            "{external}; external (Java/PMML) functions are not supported because dsntk calls them over HTTP on 127.0.0.1:22023"
        ));
    }
    let xml = declare_implicit_inputs(xml);
    dsntk_model::parse(&normalize_type_refs(&xml)).map_err(|e| e.to_string())
}

/// Finds the name of the invocable whose id, or else whose name, is `id_or_name`.
fn find<'a>(invocables: &'a [DecisionInfo], id_or_name: &str) -> Option<&'a str> {
    invocables
        .iter()
        .find(|d| d.id == id_or_name)
        .or_else(|| invocables.iter().find(|d| d.name == id_or_name))
        .map(|d| d.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn model_is_send_and_sync() {
        assert_send_sync::<DecisionModel>();
    }
}
