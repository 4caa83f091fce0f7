//! The command-line contract: `bpmn run`'s JSON shape, `bpmn validate`'s errors, `dmn eval`,
//! `calc forsorjningsstod`, `migrate`, and `--help`.

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

fn example(name: &str) -> String {
    format!(
        "{}/../../docs/examples/forsorjningsstod/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn calc_forsorjningsstod_prints_the_contracted_json() {
    let out = flode(&[
        "calc",
        "forsorjningsstod",
        "--input",
        &example("ex2-sambor-jobbstimulans"),
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
    assert_eq!(
        keys,
        [
            "costs_total",
            "income",
            "month",
            "need",
            "norm",
            "norm_total",
            "outcome",
            "reason",
            "result",
            "rows",
            "support"
        ]
    );
    assert_eq!(v["month"], "2026-12");
    assert_eq!(v["norm"]["year"], 2026);
    assert_eq!(v["norm"]["confirmed"], true);
    assert_eq!(v["need"], 17560);
    assert_eq!(v["income"], 6750);
    assert_eq!(v["outcome"], "deficit");
    assert_eq!(v["support"], 10810);
    let rows = v["rows"].as_array().expect("rows");
    for row in rows {
        assert!(
            row["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{row}"
        );
        assert!(row["amount"].is_i64(), "{row}");
    }
    assert!(
        rows.iter()
            .any(|r| r["kind"] == "job_stimulus" && r["amount"] == -2250)
    );
}

#[test]
fn calc_forsorjningsstod_prints_a_swedish_table_and_reads_stdin() {
    let text = std::fs::read_to_string(example("ex5-delat-boende")).expect("example");
    let mut child = Command::new(env!("CARGO_BIN_EXE_flode"))
        .args(["calc", "forsorjningsstod", "--input", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run flode");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), text.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    for part in [
        "Försörjningsstöd för 2021-05 (Riksnorm 2021)",
        "Andel av gemensamma hushållskostnader i delat boende",
        "Behov",
        "Överskott",
        "Förslag: avslag",
    ] {
        assert!(table.contains(part), "{part:?} missing in\n{table}");
    }
}

#[test]
fn calc_forsorjningsstod_lists_every_problem_and_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("household.json");
    std::fs::write(
        &bad,
        r#"{"month": "2026-13", "members": [{"id": "s", "role": "sokande", "age": 41}],
            "incomes": [{"member": "s", "kind": "salary", "amount": -1}]}"#,
    )
    .expect("write");
    let out = flode(&[
        "calc",
        "forsorjningsstod",
        "--input",
        bad.to_str().expect("path"),
        "--json",
    ]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    for part in [
        "indata går inte att beräkna",
        "month: \"2026-13\" ska skrivas ÅÅÅÅ-MM",
        "members[0].role: okänt värde \"sokande\"",
        "incomes[0].amount: ett belopp kan inte vara negativt",
    ] {
        assert!(err.contains(part), "{part:?} missing in\n{err}");
    }

    // A year without a norm is named, with the years there are.
    let text = std::fs::read_to_string(example("ex1-ensamstaende")).expect("example");
    let other_year = dir.path().join("2019.json");
    std::fs::write(&other_year, text.replace("2026-12", "2019-06")).expect("write");
    let out = flode(&[
        "calc",
        "forsorjningsstod",
        "--input",
        other_year.to_str().expect("path"),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("det finns ingen riksnorm för år 2019 (kända år: 2021, 2026)"),
        "{err}"
    );

    let missing = flode(&["calc", "forsorjningsstod", "--input", "/nonexistent.json"]);
    assert!(!missing.status.success());
}

#[test]
fn calc_forsorjningsstod_is_explained_by_help() {
    let help = String::from_utf8_lossy(&flode(&["--help"]).stdout).to_string();
    assert!(
        help.contains("calc") && help.contains("försörjningsstöd"),
        "{help}"
    );
    let help =
        String::from_utf8_lossy(&flode(&["calc", "forsorjningsstod", "--help"]).stdout).to_string();
    for part in [
        "--input",
        "--json",
        "--norms",
        "docs/forsorjningsstod.md",
        "exit code 1",
    ] {
        assert!(help.contains(part), "{part:?} missing in\n{help}");
    }
}

#[test]
fn user_and_token_add_create_accounts_and_tokens_shown_once() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("auth.db").display());
    let help = String::from_utf8_lossy(&flode(&["--help"]).stdout).to_string();
    assert!(help.contains("user") && help.contains("token"), "{help}");
    let help = String::from_utf8_lossy(&flode(&["user", "add", "--help"]).stdout).to_string();
    for part in [
        "--username",
        "--role",
        "--password-stdin",
        "forste_socialsekreterare",
    ] {
        assert!(help.contains(part), "{part:?} missing in\n{help}");
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_flode"))
        .args([
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "Anna",
            "--role",
            "socialsekreterare",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run flode");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        b"annas hemliga losenord\n",
    )
    .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("created user anna") && said.contains("admin"),
        "{said}"
    );
    assert!(!said.contains("hemliga"), "{said}");

    // The same username again, and an unknown role, fail.
    let again = flode(&[
        "user",
        "add",
        "--database",
        &db,
        "--username",
        "anna",
        "--role",
        "admin",
    ]);
    assert!(!again.status.success());
    let bad = flode(&[
        "user",
        "add",
        "--database",
        &db,
        "--username",
        "bo",
        "--role",
        "chef",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role"));
    // Without --password-stdin a password is generated and shown once.
    let out = flode(&[
        "user",
        "add",
        "--database",
        &db,
        "--username",
        "bo",
        "--role",
        "socialsekreterare",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("password (shown once): "));

    let out = flode(&[
        "token",
        "add",
        "--database",
        &db,
        "--name",
        "diarium",
        "--role",
        "socialsekreterare",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(token.starts_with("flode_") && token.len() == 70, "{token}");
    let out = flode(&["token", "revoke", "--database", &db, "--name", "diarium"]);
    assert!(out.status.success());
    let out = flode(&["token", "revoke", "--database", &db, "--name", "diarium"]);
    assert!(!out.status.success(), "already revoked");
}
