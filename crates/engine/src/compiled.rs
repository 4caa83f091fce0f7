//! A deployed process ready to run: the model plus every FEEL expression parsed once.
//!
//! Compiling at deploy time is what makes an invalid expression a deployment error naming
//! the element, instead of a surprise in a running case.

use std::collections::HashMap;
use std::sync::Arc;

use flode_bpmn::model::{Expr, JobTask, Looping, NodeKind, Process, Text, Throw, Timer, Trigger};
use flode_decision::Expression;

/// A problem found while compiling: element id and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileProblem {
    /// BPMN id of the element.
    pub element_id: String,
    /// What is wrong.
    pub message: String,
}

/// A process with its expressions parsed.
#[derive(Debug)]
pub struct CompiledProcess {
    /// Definition version id in the store.
    pub definition_id: String,
    /// The model.
    pub process: Process,
    exprs: HashMap<String, Expression>,
}

impl CompiledProcess {
    /// Parses every expression of `process`; all problems are reported together.
    pub fn compile(
        definition_id: String,
        process: Process,
    ) -> Result<Arc<Self>, Vec<CompileProblem>> {
        let mut exprs = HashMap::new();
        let mut problems = Vec::new();
        let mut add = |element: &str, expr: &Expr| {
            if exprs.contains_key(&expr.0) {
                return;
            }
            match Expression::parse(&expr.0) {
                Ok(e) => {
                    exprs.insert(expr.0.clone(), e);
                }
                Err(err) => problems.push(CompileProblem {
                    element_id: element.to_owned(),
                    message: err.to_string(),
                }),
            }
        };
        for node in &process.nodes {
            let id = node.id.as_str();
            for m in node.inputs.iter().chain(&node.outputs) {
                add(id, &m.source);
            }
            match &node.looping {
                Some(Looping::MultiInstance(mi)) => {
                    for e in [
                        &mi.input_collection,
                        &mi.cardinality,
                        &mi.output_element,
                        &mi.completion_condition,
                    ]
                    .into_iter()
                    .flatten()
                    {
                        add(id, e);
                    }
                }
                Some(Looping::Standard(l)) => {
                    if let Some(c) = &l.condition {
                        add(id, c);
                    }
                }
                None => {}
            }
            let mut texts: Vec<&Text> = Vec::new();
            fn job_texts(j: &JobTask) -> Vec<&Text> {
                std::iter::once(&j.job_type)
                    .chain(j.retries.as_ref())
                    .collect()
            }
            match &node.kind {
                NodeKind::ScriptTask(s) => add(id, &s.expression),
                NodeKind::UserTask(u) => texts.extend(
                    [&u.assignee, &u.candidate_groups, &u.due_date]
                        .into_iter()
                        .flatten(),
                ),
                NodeKind::ServiceTask(j) => texts.extend(job_texts(j)),
                NodeKind::EndEvent {
                    result: Throw::Message(m),
                }
                | NodeKind::IntermediateThrowEvent {
                    result: Throw::Message(m),
                } => {
                    if let Some(k) = &m.correlation_key {
                        add(id, k);
                    }
                }
                NodeKind::EndEvent {
                    result: Throw::Job(j),
                }
                | NodeKind::IntermediateThrowEvent {
                    result: Throw::Job(j),
                } => texts.extend(job_texts(j)),
                NodeKind::BusinessRuleTask(b) => texts.push(&b.decision_id),
                NodeKind::CallActivity { process_id, .. } => texts.push(process_id),
                NodeKind::ReceiveTask { message } | NodeKind::SendTask { message } => {
                    if let Some(k) = &message.correlation_key {
                        add(id, k);
                    }
                }
                NodeKind::StartEvent { trigger, .. }
                | NodeKind::IntermediateCatchEvent { trigger }
                | NodeKind::BoundaryEvent { trigger, .. } => match trigger {
                    Trigger::Timer(Timer::Duration(t) | Timer::Date(t) | Timer::Cycle(t)) => {
                        texts.push(t)
                    }
                    Trigger::Message(m) => {
                        if let Some(k) = &m.correlation_key {
                            add(id, k);
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
            for t in texts {
                if let Text::Feel(e) = t {
                    add(id, e);
                }
            }
        }
        for flow in &process.flows {
            if let Some(c) = &flow.condition {
                add(&flow.id, c);
            }
        }
        if problems.is_empty() {
            Ok(Arc::new(Self {
                definition_id,
                process,
                exprs,
            }))
        } else {
            Err(problems)
        }
    }

    /// The compiled form of an expression of this process.
    pub fn expr(&self, e: &Expr) -> Option<&Expression> {
        self.exprs.get(&e.0)
    }
}
