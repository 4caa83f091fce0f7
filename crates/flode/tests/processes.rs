//! The processes flode ships (crates/casework/processes/), run headless through `flode bpmn run`:
//! every path of försörjningsstöd, and the delegation rules that choose between them.

use std::process::Command;

use serde_json::{Value, json};

fn process(file: &str) -> String {
    format!(
        "{}/../casework/processes/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Runs försörjningsstöd with `vars`, completing every job and user task without variables.
fn run(vars: &Value) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_flode"))
        .args([
            "bpmn",
            "run",
            &process("forsorjningsstod.bpmn"),
            "--with",
            &process("forsorjningsstod-delegation.dmn"),
            "--vars",
            &vars.to_string(),
            "--auto-complete-jobs",
            "--auto-complete-user-tasks",
            "--json",
        ])
        .output()
        .expect("run flode");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn trace(result: &Value) -> Vec<&str> {
    result["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// A monthly re-application that the delegation allows to be granted automatically.
fn delegable() -> Value {
    json!({
        "delegationAktiv": true,
        "ansokningstyp": "aterkommande",
        "forandringar": false,
        "tillgangar": false,
        "ovrigaBehov": false,
        "ssbtek": {"kallorMedFel": [], "skyddadIdentitet": false},
        "inkomstavvikelser": [],
        "utfall": "deficit",
        "berakning": {"support": 11140}
    })
}

#[test]
fn the_shipped_models_validate() {
    let out = Command::new(env!("CARGO_BIN_EXE_flode"))
        .args(["bpmn", "validate", &process("forsorjningsstod.bpmn")])
        .output()
        .expect("run flode");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_delegable_reapplication_is_granted_automatically_and_paid() {
    let result = run(&delegable());
    assert_eq!(result["state"], "completed", "{result}");
    assert_eq!(
        trace(&result),
        [
            "ansokan-inkommen",
            "hamta-ssbtek",
            "berakna",
            "delegationsregler",
            "automatiskt",
            "automatiskt-bifall",
            "beslutat",
            "beslutsbrev",
            "utbetalning",
            "registrera-utbetalning",
            "utbetalning-klar",
            "meddela-sokande",
            "ansokan-avgjord",
        ]
    );
    let decision = &result["variables"]["beslut"];
    assert_eq!(decision["utfall"], "bifall");
    assert_eq!(decision["belopp"], 11140);
    assert_eq!(decision["fattatAv"], "automatiserad beslutsfunktion");
    // FL 32 §: the motivering is stored with the decision.
    assert!(
        decision["motivering"]
            .as_str()
            .is_some_and(|m| m.contains("delegation")),
        "{decision}"
    );
}

#[test]
fn everything_the_delegation_does_not_allow_goes_to_a_social_worker() {
    let mut surplus = delegable();
    surplus["utfall"] = json!("surplus");
    let mut changes = delegable();
    changes["forandringar"] = json!(true);
    let mut new = delegable();
    new["ansokningstyp"] = json!("nyansokan");
    let mut protected = delegable();
    protected["ssbtek"]["skyddadIdentitet"] = json!(true);
    let mut incomplete = delegable();
    incomplete["ssbtek"]["kallorMedFel"] = json!(["CSN"]);
    let mut paid = delegable();
    paid["inkomstavvikelser"] = json!(["A-kassa: 14952 kr enligt SSBTEK, 0 kr i ansökan"]);
    let mut no_delegation = delegable();
    no_delegation["delegationAktiv"] = json!(false);
    let mut assets = delegable();
    assets["tillgangar"] = json!(true);
    let mut needs = delegable();
    needs["ovrigaBehov"] = json!(true);
    let cases = [
        ("överskott (never an automated avslag)", surplus, "Avslag"),
        ("reported changes", changes, "förändringar"),
        ("first application", new, "Nyansökan"),
        ("protected identity", protected, "skyddade"),
        ("SSBTEK incomplete", incomplete, "SSBTEK"),
        (
            "SSBTEK reports more income than declared",
            paid,
            "högre inkomster",
        ),
        ("no active delegation", no_delegation, "delegation"),
        ("assets declared", assets, "tillgångar"),
        ("needs beyond the norm", needs, "behov utöver"),
        ("nothing known", json!({}), "räcker inte"),
    ];
    for (what, vars, reason) in cases {
        let result = run(&vars);
        let steps = trace(&result);
        assert!(steps.contains(&"utred-och-besluta"), "{what}: {steps:?}");
        assert!(!steps.contains(&"automatiskt-bifall"), "{what}: {steps:?}");
        let why = result["variables"]["delegation"]["skal"]
            .as_str()
            .unwrap_or_default();
        assert!(why.contains(reason), "{what}: {why}");
        assert_eq!(
            result["variables"]["delegation"]["automatiskt"], false,
            "{what}"
        );
    }
}

#[test]
fn a_decision_without_a_grant_pays_nothing_but_still_tells_the_citizen() {
    // The social worker's task completes without a bifall: no payment job.
    let mut vars = delegable();
    vars["forandringar"] = json!(true);
    let result = run(&vars);
    assert_eq!(result["state"], "completed", "{result}");
    let steps = trace(&result);
    assert!(!steps.contains(&"registrera-utbetalning"), "{steps:?}");
    assert!(steps.contains(&"beslutsbrev"), "{steps:?}");
    assert_eq!(steps.last(), Some(&"ansokan-avgjord"), "{steps:?}");
}
