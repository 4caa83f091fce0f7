//! FEEL expressions and DMN decisions for flode, over `serde_json::Value`.
//!
//! Built on dsntk 0.3.0. [`Expression`] parses a FEEL expression once and evaluates it many
//! times against JSON variables; [`DecisionModel`] parses a DMN model and evaluates its
//! decisions and decision services with JSON input. Both are `Send + Sync`.
//!
//! Behaviour worth knowing (details in the module documentation in the source):
//! - JSON ↔ FEEL (`value`): integers are exact, other numbers go through `f64`; FEEL dates,
//!   times and durations come back as ISO-8601 strings; JSON strings are never reinterpreted,
//!   except DMN inputs whose declared type is temporal (`input_types`).
//! - Errors: dsntk reports an evaluation error as a null carrying a message; a top-level
//!   result of that kind is an [`Error`], a plain null is `Value::Null`. A referenced but
//!   missing variable is such an error (`x = null` is still `true` for a missing `x`).
//! - Names (`parse_scope`): variables in standalone expressions must be single words
//!   without spaces or `+ - * / . '`; `a-b` means `a - b`.
//! - DMN (`implicit_inputs`, `compat`): variables read by a decision without an
//!   `<inputData>` declaration (Camunda Modeler style) are declared automatically; external
//!   Java/PMML functions are refused.

mod ast;
mod compat;
mod error;
mod expression;
mod implicit_inputs;
mod input_types;
mod model;
mod parse_scope;
mod value;

pub use error::Error;
pub use expression::Expression;
pub use model::{DecisionInfo, DecisionModel};
