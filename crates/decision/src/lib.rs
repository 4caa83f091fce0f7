//! FEEL expressions and DMN decisions for flode, over `serde_json::Value`.
//!
//! Built on dsntk 0.3.0. [`Expression`] parses a FEEL expression once and evaluates it many
//! times against JSON variables; [`DecisionModel`] parses a DMN model and evaluates its
//! decisions and decision services with JSON input. See the `value` module documentation
//! (in the source) for exactly how JSON and FEEL values map onto each other.

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
