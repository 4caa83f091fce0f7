//! Decision tables (UNIQUE, FIRST, COLLECT, COLLECT SUM) and a literal-expression decision
//! in a Camunda-Modeler-style DMN 1.3 model (`tests/data/forsorjningsstod.dmn`), whose
//! tables read process variables without declaring input data.

use flode_decision::{DecisionInfo, DecisionModel, Error};
use serde_json::{Map, Value, json};

fn model() -> DecisionModel {
    let xml = include_str!("data/forsorjningsstod.dmn");
    match DecisionModel::parse(xml) {
        Ok(model) => model,
        Err(e) => panic!("model loads: {e}"),
    }
}

fn input(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn eval(model: &DecisionModel, decision: &str, value: Value) -> Result<Value, Error> {
    model.evaluate(decision, &input(value))
}

#[test]
fn lists_decisions_in_document_order() {
    let names: Vec<DecisionInfo> = model().decisions();
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("normbelopp", "Normbelopp"),
            ("prioritet", "Prioritet"),
            ("atgarder", "Åtgärder"),
            ("tillagg", "Tillägg"),
            ("beviljatBelopp", "Beviljat belopp"),
            ("manadsbelopp", "Månadsbelopp"),
        ]
    );
    assert_eq!(model().name(), "Försörjningsstöd");
}

#[test]
fn unique_hit_policy() {
    let m = model();
    for (size, amount) in [(1, 3000), (2, 5500), (3, 7500), (4, 7500), (7, 9000)] {
        assert_eq!(
            eval(&m, "normbelopp", json!({"hushallsstorlek": size})),
            Ok(json!(amount)),
            "size {size}"
        );
    }
}

#[test]
fn no_matching_rule_is_null() {
    assert_eq!(
        eval(&model(), "normbelopp", json!({"hushallsstorlek": 0})),
        Ok(Value::Null)
    );
}

#[test]
fn first_hit_policy_takes_the_first_matching_rule() {
    let m = model();
    assert_eq!(
        eval(&m, "Prioritet", json!({"akut": true, "alder": 10})),
        Ok(json!("hög"))
    );
    assert_eq!(
        eval(&m, "Prioritet", json!({"akut": false, "alder": 70})),
        Ok(json!("hög"))
    );
    assert_eq!(
        eval(&m, "Prioritet", json!({"akut": false, "alder": 10})),
        Ok(json!("medel"))
    );
    assert_eq!(
        eval(&m, "Prioritet", json!({"akut": false, "alder": 40})),
        Ok(json!("normal"))
    );
    // Variables that are not passed are null; null matches only `-`.
    assert_eq!(eval(&m, "Prioritet", json!({})), Ok(json!("normal")));
}

#[test]
fn collect_hit_policy_with_a_date_input_given_as_iso_string() {
    let m = model();
    assert_eq!(
        eval(
            &m,
            "atgarder",
            json!({"harInkomst": true, "ansokningsdatum": "2023-12-31"})
        ),
        Ok(json!([
            "kontrollera inkomst",
            "begär komplettering",
            "registrera ärende"
        ]))
    );
    assert_eq!(
        eval(
            &m,
            "Åtgärder",
            json!({"harInkomst": false, "ansokningsdatum": "2024-01-01"})
        ),
        Ok(json!(["registrera ärende"]))
    );
}

#[test]
fn collect_sum_aggregates() {
    let m = model();
    assert_eq!(eval(&m, "tillagg", json!({"barn": 1})), Ok(json!(1000)));
    assert_eq!(eval(&m, "tillagg", json!({"barn": 4})), Ok(json!(1500)));
}

#[test]
fn literal_expression_uses_required_decisions() {
    let m = model();
    let applicant = json!({"hushallsstorlek": 3, "barn": 3, "inkomst": 2000.5});
    assert_eq!(eval(&m, "Beviljat belopp", applicant), Ok(json!(6999.5)));
    let rich = json!({"hushallsstorlek": 1, "barn": 0, "inkomst": 50000});
    assert_eq!(eval(&m, "beviljatBelopp", rich), Ok(json!(0)));
}

#[test]
fn unknown_decision_is_an_error() {
    let err = eval(&model(), "nope", json!({})).expect_err("unknown");
    assert_eq!(
        err,
        Error::UnknownDecision {
            name: "nope".to_string()
        }
    );
    assert_eq!(
        err.to_string(),
        "the DMN model has no decision with id or name `nope`"
    );
    let err = model()
        .evaluate_decision_service("nope", &Map::new())
        .expect_err("unknown");
    assert_eq!(
        err,
        Error::UnknownDecisionService {
            name: "nope".to_string()
        }
    );
}

#[test]
fn evaluation_error_names_the_decision() {
    let m = model();
    assert_eq!(
        eval(
            &m,
            "manadsbelopp",
            json!({"hushallsstorlek": 1, "manader": 2})
        ),
        Ok(json!(1500))
    );
    let err = eval(
        &m,
        "manadsbelopp",
        json!({"hushallsstorlek": 1, "manader": 0}),
    )
    .expect_err("division by zero");
    assert_eq!(
        err.to_string(),
        "cannot evaluate decision `Månadsbelopp`: [division] division by zero"
    );
}

#[test]
fn invalid_xml_is_a_model_error() {
    assert!(matches!(
        DecisionModel::parse("<definitions"),
        Err(Error::Model { .. })
    ));
    assert!(matches!(
        DecisionModel::parse("<html/>"),
        Err(Error::Model { .. })
    ));
}

#[test]
fn model_is_shared_between_threads() {
    let m = std::sync::Arc::new(model());
    let handles: Vec<_> = (1..=4)
        .map(|size| {
            let m = std::sync::Arc::clone(&m);
            std::thread::spawn(move || {
                m.evaluate("normbelopp", &input(json!({"hushallsstorlek": size})))
            })
        })
        .collect();
    let results: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(
        results,
        [
            Ok(json!(3000)),
            Ok(json!(5500)),
            Ok(json!(7500)),
            Ok(json!(7500))
        ]
    );
}
