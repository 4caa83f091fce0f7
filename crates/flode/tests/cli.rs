//! The command-line contract: `bpmn run`'s JSON shape, `bpmn validate`'s errors, `dmn eval`,
//! `migrate`, and `--help`.

use std::process::{Command, Output};

fn flode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flode"))
        .args(args)
        .output()
        .expect("run flode")
}

fn demo() -> String {
    format!("{}/demo/demo-ansokan.bpmn", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn bpmn_run_prints_the_contracted_json() {
    let out = flode(&[
        "bpmn",
        "run",
        &demo(),
        "--vars",
        r#"{"beviljas": true}"#,
        "--auto-complete-user-tasks",
        "--auto-complete-jobs",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["incidents", "state", "trace", "variables"]);
    assert_eq!(v["state"], "completed");
    let trace: Vec<&str> = v["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(trace.first(), Some(&"ansokan-inkommen"));
    assert!(
        trace.contains(&"meddela-bifall") && !trace.contains(&"meddela-avslag"),
        "{trace:?}"
    );
    assert_eq!(trace.last(), Some(&"klar"));
    assert_eq!(v["variables"]["beviljas"], true);
}

#[test]
fn bpmn_run_without_help_waits_at_the_user_task() {
    let out = flode(&["bpmn", "run", &demo(), "--auto-complete-jobs", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["state"], "waiting");
}

#[test]
fn bpmn_validate_names_the_element_and_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("bad.bpmn");
    std::fs::write(
        &bad,
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="g"/>
    <complexGateway id="g"/>
  </process></definitions>"#,
    )
    .expect("write");
    let out = flode(&["bpmn", "validate", bad.to_str().expect("path")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("complexGateway") && err.contains("\"g\""),
        "{err}"
    );
    let ok = flode(&["bpmn", "validate", &demo()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn dmn_eval_and_migrate_and_help() {
    let dir = tempfile::tempdir().expect("dir");
    let dmn = dir.path().join("t.dmn");
    std::fs::write(
        &dmn,
        r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="m" name="m" namespace="https://flode.example/t">
  <decision id="double" name="double"><literalExpression><text>x * 2</text></literalExpression></decision>
</definitions>"#,
    )
    .expect("write");
    let out = flode(&[
        "dmn",
        "eval",
        dmn.to_str().expect("p"),
        "--decision",
        "double",
        "--input",
        r#"{"x": 21}"#,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["result"], 42);
    let db = format!("sqlite://{}", dir.path().join("m.db").display());
    assert!(flode(&["migrate", "--database", &db]).status.success());
    let help = String::from_utf8_lossy(&flode(&["--help"]).stdout).to_string();
    for cmd in ["serve", "migrate", "bpmn", "dmn"] {
        assert!(help.contains(cmd), "{help}");
    }
    let bad = flode(&["bpmn", "run", &demo(), "--vars", "[1]"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("JSON object"));
}
