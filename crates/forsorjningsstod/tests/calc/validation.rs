//! Input that cannot be calculated: every problem listed, in Swedish, naming its field; and
//! the clear errors for a year or a household the norms do not cover.

use flode_forsorjningsstod::{Error, Household};
use serde_json::json;

use crate::helpers::{calc, example, problems};

fn assert_listed(problems: &[String], expected: &[&str]) {
    for part in expected {
        assert!(
            problems.iter().any(|p| p.contains(part)),
            "{part:?} missing in {problems:#?}"
        );
    }
    assert_eq!(
        problems.len(),
        expected.len(),
        "one problem per mistake: {problems:#?}"
    );
}

#[test]
fn every_problem_of_content_is_listed() {
    let problems = problems(json!({
        "month": "2026-04",
        "members": [
            {"id": "a", "role": "child", "age": 22, "days_in_household": 31},
            {"id": "a", "role": "co_applicant", "age": 30, "lunch_outside_home": true},
            {"id": "b", "role": "co_applicant", "age": 16}
        ],
        "costs": [{"kind": "housing", "applied": 100, "approved": 200}],
        "incomes": [
            {"member": "x", "kind": "salary", "amount": 1},
            {"member": "a", "kind": "pension", "amount": -5}
        ],
        "shared_home_persons": 2
    }));
    assert_listed(
        &problems,
        &[
            "members: hushållet ska ha exakt en sökande",
            "members: hushållet kan ha högst en medsökande",
            "members[0].age: a är 22 år; barn räknas till hushållet till och med 20 år",
            "members[0].days_in_household: ska vara 1–30 för 2026-04, inte 31",
            "members[1].id: \"a\" används redan",
            "members[1].lunch_outside_home: anges bara för barn",
            "members[2].age: b är 16 år; en medsökande ska vara minst 18 år",
            "costs[0].approved: Boendekostnad får inte vara större än det sökta beloppet",
            "incomes[0].member: Lön efter skatt hör till \"x\", som inte finns",
            "incomes[1].amount: ett belopp kan inte vara negativt",
            "shared_home_persons: ett delat boende ska ha fler personer (2) än hushållet (3)",
        ],
    );
}

#[test]
fn every_problem_of_shape_is_listed_with_the_field() {
    let problems = problems(json!({
        "month": 202604,
        "members": [
            {"id": "s", "role": "sokande", "age": "41"},
            {"id": "b", "role": "child", "age": 4, "lunch_outside_home": "ja", "namn": "Kim"}
        ],
        "costs": [{"kind": "rent", "applied": 6200.5}, {"applied": 1}],
        "incomes": {"member": "s"},
        "extra": true
    }));
    assert_listed(
        &problems,
        &[
            "extra: okänt fält",
            "month: ska vara en text",
            "members[0].role: okänt värde \"sokande\" (tillåtna: applicant, co_applicant, child)",
            "members[0].age: ska vara ett heltal",
            "members[1].namn: okänt fält",
            "members[1].lunch_outside_home: ska vara true eller false",
            "costs[0].kind: okänt värde \"rent\"",
            "costs[0].applied: ska anges i hela kronor, inte 6200.5",
            "costs[1].kind: saknas",
            "incomes: ska vara en lista",
        ],
    );
}

#[test]
fn shape_and_content_problems_are_listed_together() {
    let problems = problems(json!({
        "month": "2026-13",
        "members": [{"id": "s", "role": "applicant", "age": 41}],
        "costs": [{"kind": "housing", "applied": "mycket"}],
        "incomes": [{"member": "t", "kind": "salary", "amount": 100}]
    }));
    assert_listed(
        &problems,
        &[
            "month: \"2026-13\" ska skrivas ÅÅÅÅ-MM",
            "costs[0].applied: ska vara ett belopp i hela kronor",
            "incomes[0].member: Lön efter skatt hör till \"t\"",
        ],
    );
}

#[test]
fn json_that_is_not_a_household_is_refused_in_swedish() {
    let err = Household::from_json("{\"month\": ").expect_err("refused");
    assert!(
        err.to_string().contains("indata är inte giltig JSON"),
        "{err}"
    );
    let err = Household::from_json("[1, 2]").expect_err("refused");
    assert_eq!(
        err.to_string(),
        "felaktig indata: indata: ska vara ett JSON-objekt { … }"
    );
    let problems = problems(json!({}));
    assert_listed(&problems, &["month: saknas", "members: saknas"]);
}

#[test]
fn a_year_without_a_norm_is_a_clear_error() {
    let mut input = example("ex1-ensamstaende");
    input["month"] = "2024-05".into();
    let err = calc(&input).expect_err("no 2024 norm");
    assert!(matches!(err, Error::NoNorm { year: 2024, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "det finns ingen riksnorm för år 2024 (kända år: 2021, 2026)"
    );
}

#[test]
fn a_2026_household_with_children_needs_the_full_table() {
    let mut input = example("ex3-ensamstaende-foralder");
    input["month"] = "2026-03".into();
    let err = calc(&input).expect_err("not confirmed for 2026");
    assert!(
        matches!(err, Error::NormLacks { year: 2026, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("riksnorm 2026 saknar bekräftade belopp för hushåll med barn"),
        "{err}"
    );
}

#[test]
fn a_childs_own_earnings_are_not_guessed() {
    let mut input = example("ex3-ensamstaende-foralder");
    input["incomes"] = json!([{"member": "barn1", "kind": "salary", "amount": 500}]);
    let err = calc(&input).expect_err("unsupported");
    assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
    assert!(err.to_string().contains("prisbasbelopp"), "{err}");
}
