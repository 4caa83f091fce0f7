//! Declared types of DMN inputs, used to convert JSON input that has no native type.
//!
//! JSON has no dates, times or durations, so a process variable holding a date is a string.
//! When a DMN input data (or a component of its item definition, or the items of a
//! collection) is declared as `date`, `time`, `dateTime` or a duration, the JSON string is
//! parsed into that FEEL type before evaluation. This is driven by the declared `typeRef`
//! only, never by what a string looks like: an input typed `string` or `Any`, or a FEEL
//! expression variable, keeps its strings as strings. A string that does not parse as the
//! declared type is passed on unchanged, and dsntk then reports the type mismatch.

use crate::value::json_to_feel;
use dsntk_feel::Name;
use dsntk_feel::context::FeelContext;
use dsntk_feel::values::Value as FeelValue;
use dsntk_model::{
    Definitions, DmnElement, Expression as _, ItemDefinition, NamedElement, RequiredVariable,
};
use serde_json::{Map, Value as JsonValue};
use std::collections::HashMap;

/// Item definitions may nest (and a faulty model may even recurse); stop resolving here.
const MAX_DEPTH: usize = 32;

/// What conversion a declared type asks for.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Date,
    Time,
    DateTime,
    Duration,
    /// A structure: components by name; other keys are converted generically.
    Structure(HashMap<String, Shape>),
    Collection(Box<Shape>),
    /// Anything that needs no type-directed conversion.
    Plain,
}

/// The declared shapes of the inputs of a model, by input name.
#[derive(Debug, Default)]
pub(crate) struct InputTypes {
    by_name: HashMap<String, Shape>,
}

impl InputTypes {
    /// Collects the declared types of the input data and decisions (decisions can be inputs
    /// of decision services) of `main`, resolving item definitions in `main` and `imported`.
    pub(crate) fn new(main: &Definitions, imported: &[Definitions]) -> Self {
        let resolver = Resolver { main, imported };
        let mut by_name = HashMap::new();
        let mut add = |name: &str, type_ref: &str, model: &Definitions| {
            let shape = resolver.type_ref(model, type_ref, 0);
            if shape != Shape::Plain {
                by_name.entry(name.to_string()).or_insert(shape);
            }
        };
        for model in std::iter::once(main).chain(imported) {
            for input in model.input_data() {
                add(
                    input.feel_name().as_str(),
                    input.variable().type_ref(),
                    model,
                );
            }
            for decision in model.decisions() {
                add(
                    decision.feel_name().as_str(),
                    decision.variable().type_ref(),
                    model,
                );
            }
        }
        Self { by_name }
    }

    /// Converts a JSON input object into the FEEL input context.
    pub(crate) fn input_context(&self, input: &Map<String, JsonValue>) -> FeelContext {
        let mut ctx = FeelContext::default();
        for (key, value) in input {
            let converted = match self.by_name.get(key) {
                Some(shape) => convert(shape, value),
                None => json_to_feel(value),
            };
            ctx.set_entry(&Name::from(key.as_str()), converted);
        }
        ctx
    }
}

/// Converts `value` as declared by `shape`, falling back to the generic conversion.
fn convert(shape: &Shape, value: &JsonValue) -> FeelValue {
    let parsed = match (shape, value) {
        (Shape::Date, JsonValue::String(s)) => FeelValue::try_from_xsd_date(s).ok(),
        (Shape::Time, JsonValue::String(s)) => FeelValue::try_from_xsd_time(s).ok(),
        (Shape::DateTime, JsonValue::String(s)) => FeelValue::try_from_xsd_date_time(s).ok(),
        (Shape::Duration, JsonValue::String(s)) => FeelValue::try_from_xsd_duration(s).ok(),
        (Shape::Collection(item), JsonValue::Array(items)) => Some(FeelValue::List(
            items.iter().map(|v| convert(item, v)).collect(),
        )),
        (Shape::Structure(components), JsonValue::Object(map)) => {
            let mut ctx = FeelContext::default();
            for (key, v) in map {
                let converted = match components.get(key) {
                    Some(shape) => convert(shape, v),
                    None => json_to_feel(v),
                };
                ctx.set_entry(&Name::from(key.as_str()), converted);
            }
            Some(FeelValue::Context(ctx))
        }
        _ => None,
    };
    parsed.unwrap_or_else(|| json_to_feel(value))
}

/// Resolves type references to shapes across a model and its imports.
struct Resolver<'a> {
    main: &'a Definitions,
    imported: &'a [Definitions],
}

impl Resolver<'_> {
    /// Resolves a `typeRef` as seen from `model`.
    fn type_ref(&self, model: &Definitions, type_ref: &str, depth: usize) -> Shape {
        let type_ref = type_ref.trim();
        if let Some(shape) = built_in(type_ref) {
            return shape;
        }
        if depth >= MAX_DEPTH {
            return Shape::Plain;
        }
        if let Some(item) = model
            .item_definitions()
            .iter()
            .find(|d| d.name() == type_ref)
        {
            return self.item_definition(model, item, depth + 1);
        }
        // `prefix.tType` refers to item definition `tType` of the import named `prefix`.
        if let Some((prefix, local)) = type_ref.split_once('.')
            && let Some(import) = model.imports().iter().find(|i| i.name() == prefix)
            && let Some(other) = self.model_by_namespace(import.namespace())
            && let Some(item) = other.item_definitions().iter().find(|d| d.name() == local)
        {
            return self.item_definition(other, item, depth + 1);
        }
        Shape::Plain
    }

    fn item_definition(&self, model: &Definitions, item: &ItemDefinition, depth: usize) -> Shape {
        let shape = if !item.item_components().is_empty() {
            let components = item
                .item_components()
                .iter()
                .map(|c| {
                    (
                        c.feel_name().to_string(),
                        self.item_definition(model, c, depth + 1),
                    )
                })
                .filter(|(_, shape)| *shape != Shape::Plain)
                .collect::<HashMap<_, _>>();
            if components.is_empty() {
                Shape::Plain
            } else {
                Shape::Structure(components)
            }
        } else if let Some(type_ref) = item.type_ref() {
            self.type_ref(model, type_ref, depth)
        } else {
            Shape::Plain
        };
        if item.is_collection() && shape != Shape::Plain {
            Shape::Collection(Box::new(shape))
        } else {
            shape
        }
    }

    fn model_by_namespace(&self, namespace: &str) -> Option<&Definitions> {
        std::iter::once(self.main)
            .chain(self.imported)
            .find(|d| d.namespace() == namespace)
    }
}

/// Shapes of the built-in DMN/FEEL type names that need conversion from JSON strings.
fn built_in(type_ref: &str) -> Option<Shape> {
    let shape = match type_ref {
        "date" | "feel:date" => Shape::Date,
        "time" | "feel:time" => Shape::Time,
        "dateTime" | "date and time" | "feel:dateTime" | "feel:date and time" => Shape::DateTime,
        "dayTimeDuration"
        | "yearMonthDuration"
        | "duration"
        | "days and time duration"
        | "years and months duration" => Shape::Duration,
        "string" | "number" | "boolean" | "Any" | "context" | "list" | "" => Shape::Plain,
        other => {
            // FEEL type syntax: `list<date>`
            let inner = other.strip_prefix("list<")?.strip_suffix('>')?;
            return Some(match built_in(inner.trim())? {
                Shape::Plain => Shape::Plain,
                shape => Shape::Collection(Box::new(shape)),
            });
        }
    };
    Some(shape)
}
