//! Conversion between JSON (`serde_json::Value`) and FEEL values (`dsntk_feel::values::Value`).
//!
//! JSON → FEEL:
//! - `null`, booleans and strings map to their FEEL counterparts; strings are never
//!   reinterpreted (a string that looks like a date stays a string);
//! - integers become exact FEEL numbers; other numbers become the FEEL decimal with the
//!   shortest decimal representation of the `f64` (so `0.1` is exactly `0.1`). Numbers with
//!   more than ~17 significant digits have already lost precision in `serde_json`;
//! - arrays become lists, objects become contexts.
//!
//! FEEL → JSON:
//! - numbers become JSON integers when integral and within `i64`, otherwise `f64`;
//! - dates, times, date-times and durations become their ISO-8601 / FEEL text
//!   (`2024-05-01`, `10:30:00`, `2024-05-01T10:30:00+02:00`, `P1Y2M`, `P1DT2H`);
//! - ranges become their FEEL text (`[1..10]`);
//! - any null, with or without an error message, becomes `null`; callers decide whether a
//!   top-level null with a message is an error;
//! - functions and other internal values cannot be represented and yield an error.

use dsntk_feel::context::FeelContext;
use dsntk_feel::values::Value as FeelValue;
use dsntk_feel::{FeelNumber, Name};
use serde_json::{Map, Number, Value as JsonValue};

/// A FEEL value that has no JSON representation; the message says which and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unrepresentable(pub(crate) String);

/// Converts a JSON value into a FEEL value.
pub(crate) fn json_to_feel(value: &JsonValue) -> FeelValue {
    match value {
        JsonValue::Null => FeelValue::Null(None),
        JsonValue::Bool(b) => FeelValue::Boolean(*b),
        JsonValue::Number(n) => FeelValue::Number(json_number_to_feel(n)),
        JsonValue::String(s) => FeelValue::String(s.clone()),
        JsonValue::Array(items) => FeelValue::List(items.iter().map(json_to_feel).collect()),
        JsonValue::Object(map) => FeelValue::Context(json_object_to_context(map)),
    }
}

/// Converts a JSON object into a FEEL context (keys become FEEL names verbatim,
/// except that dsntk trims surrounding whitespace).
pub(crate) fn json_object_to_context(map: &Map<String, JsonValue>) -> FeelContext {
    let mut ctx = FeelContext::default();
    for (key, value) in map {
        ctx.set_entry(&Name::from(key.as_str()), json_to_feel(value));
    }
    ctx
}

/// Converts a JSON number into a FEEL number, exactly for integers.
fn json_number_to_feel(n: &Number) -> FeelNumber {
    if let Some(i) = n.as_i64() {
        return FeelNumber::from(i);
    }
    if let Some(u) = n.as_u64() {
        return FeelNumber::from(u);
    }
    // serde_json numbers are finite, so `as_f64` succeeds and the shortest round-trip
    // text of the `f64` parses as a finite decimal.
    let f = n.as_f64().unwrap_or_default();
    format!("{f:e}")
        .parse::<FeelNumber>()
        .unwrap_or_else(|_| FeelNumber::zero())
}

/// Converts a FEEL value into JSON.
pub(crate) fn feel_to_json(value: &FeelValue) -> Result<JsonValue, Unrepresentable> {
    Ok(match value {
        FeelValue::Null(_) => JsonValue::Null,
        FeelValue::Boolean(b) => JsonValue::Bool(*b),
        FeelValue::Number(n) => JsonValue::Number(feel_number_to_json(n)?),
        FeelValue::String(s) => JsonValue::String(s.clone()),
        FeelValue::Date(d) => JsonValue::String(d.to_string()),
        FeelValue::Time(t) => JsonValue::String(t.to_string()),
        FeelValue::DateTime(dt) => JsonValue::String(dt.to_string()),
        FeelValue::DaysAndTimeDuration(d) => JsonValue::String(d.to_string()),
        FeelValue::YearsAndMonthsDuration(d) => JsonValue::String(d.to_string()),
        range @ FeelValue::Range(..) => JsonValue::String(range.to_string()),
        FeelValue::List(items) => {
            JsonValue::Array(items.iter().map(feel_to_json).collect::<Result<_, _>>()?)
        }
        FeelValue::Context(ctx) => {
            let mut map = Map::with_capacity(ctx.len());
            for (name, value) in ctx.iter() {
                map.insert(name.to_string(), feel_to_json(value)?);
            }
            JsonValue::Object(map)
        }
        FeelValue::BuiltInFunction(_)
        | FeelValue::FunctionDefinition(..)
        | FeelValue::ExternalJavaFunction(..)
        | FeelValue::ExternalPmmlFunction(..) => {
            return Err(Unrepresentable(
                "the value is a function, which has no JSON representation".to_string(),
            ));
        }
        FeelValue::FeelType(t) => {
            return Err(Unrepresentable(format!(
                "the value is the type `{t}`, which has no JSON representation"
            )));
        }
        other => {
            return Err(Unrepresentable(format!(
                "the internal FEEL value `{other}` has no JSON representation"
            )));
        }
    })
}

/// Converts a FEEL number into a JSON number: an integer when integral and within `i64`,
/// otherwise the nearest `f64`.
fn feel_number_to_json(n: &FeelNumber) -> Result<Number, Unrepresentable> {
    if n.is_integer()
        && let Ok(i) = i64::try_from(n)
    {
        return Ok(Number::from(i));
    }
    let text = n.to_string();
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .ok_or_else(|| {
            Unrepresentable(format!(
                "the number {text} is outside the range of a JSON (f64) number"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn round_trip(value: &JsonValue) -> JsonValue {
        feel_to_json(&json_to_feel(value)).expect("representable")
    }

    #[test]
    fn scalars_round_trip() {
        for v in [
            json!(null),
            json!(true),
            json!(false),
            json!("text"),
            json!(""),
            json!(0),
            json!(-17),
        ] {
            assert_eq!(round_trip(&v), v);
        }
    }

    #[test]
    fn decimals_round_trip_through_exact_decimal() {
        assert_eq!(
            json_to_feel(&json!(0.1)),
            FeelValue::Number("0.1".parse().expect("number"))
        );
        assert_eq!(round_trip(&json!(0.1)), json!(0.1));
        assert_eq!(round_trip(&json!(2.5e-300)), json!(2.5e-300));
        assert_eq!(round_trip(&json!(1.5e300)), json!(1.5e300));
    }

    #[test]
    fn integral_decimals_become_integers() {
        // FEEL has one number type; 2.0 and 2 are the same number.
        assert_eq!(round_trip(&json!(2.0)), json!(2));
        assert_eq!(round_trip(&json!(i64::MAX)), json!(i64::MAX));
        assert_eq!(round_trip(&json!(i64::MIN)), json!(i64::MIN));
    }

    #[test]
    fn integers_beyond_i64_become_floats() {
        assert_eq!(round_trip(&json!(u64::MAX)), json!(u64::MAX as f64));
    }

    #[test]
    fn structures_round_trip() {
        let v = json!({"a": [1, "x", null, {"b c": true}], "empty": {}, "list": []});
        assert_eq!(round_trip(&v), v);
    }

    #[test]
    fn strings_that_look_like_dates_stay_strings() {
        assert_eq!(
            json_to_feel(&json!("2024-05-01")),
            FeelValue::String("2024-05-01".to_string())
        );
    }

    #[test]
    fn temporal_values_become_iso_strings() {
        let cases = [
            (FeelValue::try_from_xsd_date("2024-05-01"), "2024-05-01"),
            (FeelValue::try_from_xsd_time("10:30:00"), "10:30:00"),
            (
                FeelValue::try_from_xsd_date_time("2024-05-01T10:30:00+02:00"),
                "2024-05-01T10:30:00+02:00",
            ),
            (FeelValue::try_from_xsd_duration("P1Y2M"), "P1Y2M"),
            (FeelValue::try_from_xsd_duration("P1DT2H"), "P1DT2H"),
        ];
        for (value, text) in cases {
            assert_eq!(
                feel_to_json(&value.expect("valid literal")),
                Ok(json!(text))
            );
        }
    }

    #[test]
    fn null_with_message_becomes_plain_null() {
        assert_eq!(
            feel_to_json(&FeelValue::Null(Some("boom".to_string()))),
            Ok(JsonValue::Null)
        );
    }

    #[test]
    fn functions_are_unrepresentable() {
        let f = FeelValue::BuiltInFunction(dsntk_feel::bif::Bif::Abs);
        assert!(feel_to_json(&f).is_err());
    }

    proptest! {
        #[test]
        fn any_i64_round_trips(i in any::<i64>()) {
            prop_assert_eq!(round_trip(&json!(i)), json!(i));
        }

        #[test]
        fn any_string_round_trips(s in any::<String>()) {
            prop_assert_eq!(round_trip(&json!(s)), json!(s));
        }

        #[test]
        fn finite_f64_round_trips(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
            let back = round_trip(&json!(f));
            let back = back.as_f64().expect("number");
            prop_assert_eq!(back, f);
        }
    }
}
