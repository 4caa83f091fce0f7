//! Reading the example inputs and calculating with the shipped norms.

use flode_forsorjningsstod::{Calculation, Error, Household, Norms, calculate};

/// The example inputs documented in docs/forsorjningsstod.md.
pub(crate) fn example(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../../docs/examples/forsorjningsstod/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn norms() -> Norms {
    Norms::shipped().expect("shipped norms load")
}

/// Reads a household from JSON and calculates it.
pub(crate) fn calc(input: &serde_json::Value) -> Result<Calculation, Error> {
    let household = Household::from_value(input)?;
    calculate(&norms(), &household)
}

/// The problems of an input that is refused, or a panic.
pub(crate) fn problems(input: serde_json::Value) -> Vec<String> {
    match Household::from_value(&input) {
        Err(Error::Invalid { problems }) => problems,
        other => panic!("expected invalid input, got {other:?}"),
    }
}
