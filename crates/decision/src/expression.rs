//! Parsed FEEL expressions, evaluated against JSON variables.
//!
//! An [`Expression`] is parsed and compiled into a dsntk evaluator closure once; the closure
//! is `Send + Sync`, so one `Expression` can be shared (it is an `Arc` inside) and evaluated
//! concurrently from many tasks without re-parsing.

use crate::ast::{defines_external_function, referenced_names};
use crate::error::Error;
use crate::parse_scope::parsing_scope;
use crate::value::{feel_to_json, json_to_feel};
use dsntk_feel::context::FeelContext;
use dsntk_feel::values::Value as FeelValue;
use dsntk_feel::{Evaluator, FeelScope, Name};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// A parsed FEEL expression, parsed once and evaluated many times.
///
/// Cloning is cheap (reference counted). The type is `Send + Sync + 'static`.
#[derive(Clone)]
pub struct Expression {
    inner: Arc<Compiled>,
}

/// The parts of an expression that are fixed after parsing.
struct Compiled {
    source: String,
    evaluator: Evaluator,
    /// Names occurring in the expression, as JSON keys and as FEEL names; only these
    /// variables are converted to FEEL on evaluation.
    names: Vec<(String, Name)>,
}

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expression")
            .field("source", &self.inner.source)
            .finish_non_exhaustive()
    }
}

impl Expression {
    /// Parses a FEEL expression.
    ///
    /// `source` is FEEL without the Camunda 8 leading `=` (callers strip it). Names are
    /// parsed without knowing the variables, so only names without spaces can be used
    /// as variables (`orderTotal`, `order_total`; not `order total`).
    pub fn parse(source: &str) -> Result<Self, Error> {
        let parse_error = |message: String| Error::Parse {
            expression: source.to_string(),
            message,
        };
        if source.trim().is_empty() {
            return Err(parse_error("the expression is empty".to_string()));
        }
        let node = dsntk_feel_parser::parse_expression(&parsing_scope(source), source, false)
            .map_err(|e| parse_error(e.to_string()))?;
        if defines_external_function(&node) {
            return Err(parse_error(
                "external (Java/PMML) functions are not supported: dsntk would call them over HTTP on 127.0.0.1:22023".to_string(),
            ));
        }
        let names = referenced_names(&node)
            .into_iter()
            .map(|key| {
                let name = Name::from(key.as_str());
                (key, name)
            })
            .collect();
        let evaluator = dsntk_feel_evaluator::prepare(&node);
        Ok(Self {
            inner: Arc::new(Compiled {
                source: source.to_string(),
                evaluator,
                names,
            }),
        })
    }

    /// The FEEL source this expression was parsed from.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Evaluates the expression with `variables` in scope.
    ///
    /// A plain FEEL `null` result is `Ok(Value::Null)`. dsntk reports evaluation errors
    /// (unknown variable, type mismatch, division by zero, bad function arguments) as a
    /// null that carries a message; such a result becomes [`Error::Evaluation`] with that
    /// message. A result with no JSON representation (a function) is also an error.
    pub fn evaluate(&self, variables: &Map<String, Value>) -> Result<Value, Error> {
        let result = self.evaluate_feel(variables);
        match result {
            FeelValue::Null(Some(message)) => Err(self.evaluation_error(message)),
            other => feel_to_json(&other).map_err(|e| self.evaluation_error(e.0)),
        }
    }

    /// Evaluates the expression as a sequence-flow condition.
    ///
    /// `true`/`false` are returned as is and a plain `null` counts as `false`; any other
    /// result is an [`Error::Evaluation`] saying the condition did not return a boolean.
    pub fn evaluate_condition(&self, variables: &Map<String, Value>) -> Result<bool, Error> {
        match self.evaluate(variables)? {
            Value::Bool(b) => Ok(b),
            Value::Null => Ok(false),
            other => Err(self.evaluation_error(format!(
                "the condition did not return a boolean; it returned {}",
                describe(&other)
            ))),
        }
    }

    /// Builds the scope from the referenced variables and runs the compiled evaluator.
    fn evaluate_feel(&self, variables: &Map<String, Value>) -> FeelValue {
        let mut ctx = FeelContext::default();
        for (key, name) in &self.inner.names {
            if let Some(value) = variables.get(key) {
                ctx.set_entry(name, json_to_feel(value));
            }
        }
        (self.inner.evaluator)(&FeelScope::from(ctx))
    }

    fn evaluation_error(&self, message: String) -> Error {
        Error::Evaluation {
            expression: self.inner.source.clone(),
            message,
        }
    }
}

/// Describes a JSON value for an error message: its JSON type and text.
fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "context",
    };
    format!("the {kind} {value}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn eval(source: &str, variables: Value) -> Result<Value, Error> {
        Expression::parse(source)?.evaluate(&vars(variables))
    }

    fn ok(source: &str, variables: Value) -> Value {
        match eval(source, variables) {
            Ok(v) => v,
            Err(e) => panic!("{source}: {e}"),
        }
    }

    #[test]
    fn expression_is_shareable_across_tasks() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<Expression>();
    }

    #[test]
    fn arithmetic() {
        assert_eq!(
            ok("integerVariable + 1", json!({"integerVariable": 41})),
            json!(42)
        );
        assert_eq!(ok("x * 2 - y / 4", json!({"x": 1.5, "y": 2})), json!(2.5));
        assert_eq!(ok("x-1", json!({"x": 10})), json!(9));
        assert_eq!(ok("0.1 + 0.2", json!({})), json!(0.3)); // decimal, not binary, arithmetic
        assert_eq!(ok("10 ** 2", json!({})), json!(100));
        assert_eq!(ok("-amount", json!({"amount": 5})), json!(-5));
    }

    #[test]
    fn string_functions() {
        let v = json!({"name": "Anna Andersson"});
        assert_eq!(ok(r#"contains(name, "And")"#, v.clone()), json!(true));
        assert_eq!(ok(r#"contains(name, "x")"#, v.clone()), json!(false));
        assert_eq!(ok("string length(name)", v.clone()), json!(14));
        assert_eq!(ok("upper case(name)", v.clone()), json!("ANNA ANDERSSON"));
        assert_eq!(ok(r#"name + "!""#, v.clone()), json!("Anna Andersson!"));
        assert_eq!(ok(r#"substring before(name, " ")"#, v), json!("Anna"));
    }

    #[test]
    fn comparisons() {
        let v = json!({"x": 2, "s": "b", "flag": true});
        assert_eq!(ok("x < 3", v.clone()), json!(true));
        assert_eq!(ok("x >= 3", v.clone()), json!(false));
        assert_eq!(ok("x = 2 and flag", v.clone()), json!(true));
        assert_eq!(ok(r#"s != "a" or x > 10"#, v.clone()), json!(true));
        assert_eq!(ok("x in [1..3]", v.clone()), json!(true));
        assert_eq!(ok("x between 3 and 5", v.clone()), json!(false));
        assert_eq!(ok(r#"if x > 1 then "many" else "few""#, v), json!("many"));
    }

    #[test]
    fn lists() {
        let v = json!({"list": [1, 2, 3], "item": 4});
        assert_eq!(ok("append(list, item)", v.clone()), json!([1, 2, 3, 4]));
        assert_eq!(ok("count(list)", v.clone()), json!(3));
        assert_eq!(ok("sum(list)", v.clone()), json!(6));
        assert_eq!(ok("list[1]", v.clone()), json!(1));
        assert_eq!(ok("list[item > 1]", v.clone()), json!([2, 3]));
        assert_eq!(
            ok("for i in list return i * 10", v.clone()),
            json!([10, 20, 30])
        );
        assert_eq!(ok("some i in list satisfies i > 2", v), json!(true));
    }

    #[test]
    fn contexts() {
        assert_eq!(ok("{a: 1}.a", json!({})), json!(1));
        let v = json!({"applicant": {"age": 67, "address": {"city": "Umeå"}}});
        assert_eq!(ok("applicant.age >= 65", v.clone()), json!(true));
        assert_eq!(ok("applicant.address.city", v.clone()), json!("Umeå"));
        assert_eq!(
            ok(
                "{total: 2 * applicant.age, city: applicant.address.city}",
                v
            ),
            json!({"total": 134, "city": "Umeå"})
        );
    }

    #[test]
    fn temporal_values_are_iso_strings_and_strings_stay_strings() {
        assert_eq!(
            ok(r#"date(d) + duration("P1M")"#, json!({"d": "2024-01-31"})),
            json!("2024-02-29")
        );
        assert_eq!(ok("d", json!({"d": "2024-01-31"})), json!("2024-01-31"));
        assert!(eval(r#"d < date("2025-01-01")"#, json!({"d": "2024-01-31"})).is_err());
    }

    #[test]
    fn null_handling() {
        let v = json!({"n": null});
        assert_eq!(ok("n", v.clone()), Value::Null);
        assert_eq!(ok("n = null", v.clone()), json!(true));
        assert_eq!(ok("missing = null", v.clone()), json!(true));
        assert_eq!(ok("n != null and n > 3", v.clone()), json!(false));
        assert_eq!(ok("null", v.clone()), Value::Null);
        assert_eq!(ok("sum([])", v.clone()), Value::Null);
        // dsntk is not consistent about which null operations are errors
        assert_eq!(ok("n + 1", v.clone()), Value::Null);
        assert!(matches!(
            eval("10 - n", v.clone()),
            Err(Error::Evaluation { .. })
        ));
        // dsntk reports these as errors (a null carrying a message)
        assert!(matches!(
            eval("missing", v.clone()),
            Err(Error::Evaluation { .. })
        ));
        assert!(matches!(
            eval("n > 3", v.clone()),
            Err(Error::Evaluation { .. })
        ));
        assert!(matches!(eval("1 / 0", v), Err(Error::Evaluation { .. })));
    }

    #[test]
    fn evaluation_error_names_the_expression() {
        let err = eval("x + 1", json!({"x": "text"})).expect_err("string + number");
        assert_eq!(
            err.to_string(),
            "cannot evaluate FEEL expression `x + 1`: expected string as a second argument in addition"
        );
    }

    #[test]
    fn conditions() {
        let e = Expression::parse("x < 3").expect("parses");
        assert_eq!(e.source(), "x < 3");
        assert_eq!(e.evaluate_condition(&vars(json!({"x": 1}))), Ok(true));
        assert_eq!(e.evaluate_condition(&vars(json!({"x": 5}))), Ok(false));
        let null = Expression::parse("flag").expect("parses");
        assert_eq!(
            null.evaluate_condition(&vars(json!({"flag": null}))),
            Ok(false)
        );
    }

    #[test]
    fn condition_returning_a_non_boolean_is_an_error() {
        let e = Expression::parse("x + 1").expect("parses");
        let err = e
            .evaluate_condition(&vars(json!({"x": 1})))
            .expect_err("not a boolean");
        assert_eq!(
            err,
            Error::Evaluation {
                expression: "x + 1".to_string(),
                message: "the condition did not return a boolean; it returned the number 2"
                    .to_string(),
            }
        );
    }

    #[test]
    fn parse_error_names_the_expression() {
        let err = Expression::parse("x <").expect_err("incomplete");
        assert!(matches!(&err, Error::Parse { expression, .. } if expression == "x <"));
        assert!(
            err.to_string()
                .starts_with("cannot parse FEEL expression `x <`: "),
            "{err}"
        );
        assert!(matches!(Expression::parse("  "), Err(Error::Parse { .. })));
    }

    #[test]
    fn results_without_json_form_are_errors() {
        assert!(matches!(
            eval("function(a) a", json!({})),
            Err(Error::Evaluation { .. })
        ));
    }

    #[test]
    fn external_functions_are_refused() {
        let source = r#"function(a) external {java: {class: "java.lang.Math", method signature: "abs(int)"}}"#;
        assert!(matches!(
            Expression::parse(source),
            Err(Error::Parse { .. })
        ));
    }

    #[test]
    fn only_referenced_variables_matter() {
        let big: Vec<Value> = (0..10_000).map(|i| json!({"i": i})).collect();
        assert_eq!(
            ok("x + 1", json!({"x": 1, "huge": big, "bad": null})),
            json!(2)
        );
    }

    #[test]
    fn evaluates_concurrently() {
        let e = Expression::parse("x * 2").expect("parses");
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let e = e.clone();
                std::thread::spawn(move || e.evaluate(&vars(json!({"x": i}))))
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            assert_eq!(h.join().expect("thread"), Ok(json!(i * 2)));
        }
    }
}
