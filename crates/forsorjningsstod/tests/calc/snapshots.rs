//! Snapshots of whole calculations: the JSON of `flode calc forsorjningsstod --json` and the
//! Swedish table printed without it.

use crate::helpers::{calc, example};

#[test]
fn umgangesbarn_calculation_as_json() {
    let c = calc(&example("ex4-umgangesbarn")).expect("calculates");
    let json = serde_json::to_string_pretty(&c).expect("serialises");
    insta::assert_snapshot!(json);
}

#[test]
fn jobbstimulans_calculation_as_table() {
    let c = calc(&example("ex2-sambor-jobbstimulans")).expect("calculates");
    insta::assert_snapshot!(c.to_string());
}
