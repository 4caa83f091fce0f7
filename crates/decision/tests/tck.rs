//! DMN TCK conformance runner (compliance levels 2 and 3) over flode's public API.
//!
//! Every test goes through `DecisionModel::parse_with_imports`, JSON input and JSON output,
//! so it checks flode's integration (model loading, input conversion, result conversion),
//! not only dsntk.
//!
//! Inputs: TCK values become JSON (`xsd:decimal`/`xsd:double` → number, `xsd:boolean` →
//! boolean, strings and all temporal types → string, components → object, lists → array,
//! `xsi:nil` → null). Temporal strings are turned into FEEL values by flode only where the
//! model declares the input's type.
//!
//! Comparison rules:
//! - errors: in FEEL an error *is* null, and the TCK's expected value for
//!   `errorResult="true"` is null. flode turns dsntk's null-with-message into `Err` and
//!   keeps a plain null as `Ok(null)`, and dsntk does not always draw that line where the
//!   TCK does. So the headline count treats `Err` and `Ok(null)` alike wherever the TCK
//!   expects null or an error ("null-equivalent"); a second, strict count additionally
//!   requires `Err` for `errorResult="true"` and `Ok(null)` for an expected plain null;
//! - numbers: equal when both are integers within `i64` and equal; otherwise when the
//!   relative difference is at most 1e-12 (results pass through `f64` in JSON, expected
//!   values have up to 34 significant digits), or when the expected text has `k` decimals
//!   and the actual value rounds to it at `k` decimals (the TCK writes e.g.
//!   `exp(4)` = `54.59815003`);
//! - dates, times, date-times, durations: equal text, or equal after both texts are parsed
//!   as the same FEEL type (so `P12M` equals `P1Y`);
//! - strings and booleans: exact; lists: same length and element-wise equal; structures:
//!   same keys and component-wise equal.
//!
//! A test case passes when all its result nodes pass. The counts are compared with dsntk
//! 0.3.0's published results and written to `tests/tck-results.txt`.

use flode_decision::{DecisionModel, Error};
use roxmltree::{Document, Node};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Regression floors (null-equivalent count, strict count): a little below what flode
/// achieves today.
const LEVEL_2_FLOOR: (usize, usize) = (116, 108);
const LEVEL_3_FLOOR: (usize, usize) = (3235, 3155);

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const LEVELS: [(&str, &str, (usize, usize)); 2] = [
    ("compliance-level-2", "level 2", LEVEL_2_FLOOR),
    ("compliance-level-3", "level 3", LEVEL_3_FLOOR),
];

/// A value from a TCK test file.
#[derive(Debug, Clone)]
enum TckValue {
    Null,
    Boolean(bool),
    /// The decimal text.
    Number(String),
    String(String),
    /// `xsi:type` (`xsd:date`, ...) and text.
    Temporal(String, String),
    List(Vec<TckValue>),
    Structure(Vec<(String, TckValue)>),
}

/// One test case's outcome.
struct Outcome {
    case: String,
    file: String,
    id: String,
    /// Why the test failed with null and errors treated alike.
    failure: Option<String>,
    /// Why the test failed when errors and plain nulls are told apart.
    strict_failure: Option<String>,
}

#[test]
fn dmn_tck_compliance_levels_2_and_3() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/dmn-tck");
    if !root.is_dir() {
        let message = format!("DMN TCK not found at {}", root.display());
        if std::env::var_os("CI").is_some() {
            panic!("{message}; the conformance suite is required in CI");
        }
        eprintln!(
            "\n!!!!!!!!!! WARNING: {message}; SKIPPING the DMN TCK conformance run !!!!!!!!!!\n"
        );
        return;
    }
    let started = Instant::now();
    let published = Published::load(&root.join("results/DecisionToolkit-0.3.0.csv"));
    let mut report = String::new();
    let mut summary = Vec::new();
    let mut failing_sections = String::new();
    for (dir, label, floor) in LEVELS {
        let outcomes = run_level(&root.join("TestCases").join(dir), dir);
        let total = outcomes.len();
        let passed = outcomes.iter().filter(|o| o.failure.is_none()).count();
        let strict = outcomes
            .iter()
            .filter(|o| o.strict_failure.is_none())
            .count();
        let dsntk = published.counts(dir);
        let line = format!(
            "{label}: {passed}/{total} passed (strict error/null: {strict}/{total}); \
             dsntk 0.3.0 published: {}/{} SUCCESS; floors {}/{}",
            dsntk.0, dsntk.1, floor.0, floor.1
        );
        println!("{line}");
        let _ = writeln!(report, "{line}");
        let _ = writeln!(
            failing_sections,
            "\n## {label}: failing tests ({})\n",
            total - passed
        );
        for o in outcomes.iter().filter(|o| o.failure.is_some()) {
            let reason = o.failure.as_deref().unwrap_or_default();
            let _ = writeln!(
                failing_sections,
                "{}/{} {} [dsntk: {}]: {}",
                o.case,
                o.file,
                o.id,
                published.status(o),
                truncate(reason, 300)
            );
        }
        let differing: Vec<String> = outcomes
            .iter()
            .filter(|o| o.failure.is_none() != (published.status(o) == "SUCCESS"))
            .map(|o| {
                format!(
                    "{}/{} {}: flode {}, dsntk {}",
                    o.case,
                    o.file,
                    o.id,
                    if o.failure.is_none() {
                        "passes"
                    } else {
                        "fails"
                    },
                    published.status(o)
                )
            })
            .collect();
        let _ = writeln!(
            failing_sections,
            "\n## {label}: row-by-row differences from dsntk's published results ({})\n",
            differing.len()
        );
        for line in differing {
            let _ = writeln!(failing_sections, "{line}");
        }
        let _ = writeln!(
            failing_sections,
            "\n## {label}: passing only when errors and nulls are treated alike ({})\n",
            passed - strict.min(passed)
        );
        for o in outcomes
            .iter()
            .filter(|o| o.failure.is_none() && o.strict_failure.is_some())
        {
            let reason = o.strict_failure.as_deref().unwrap_or_default();
            let _ = writeln!(
                failing_sections,
                "{}/{} {}: {}",
                o.case,
                o.file,
                o.id,
                truncate(reason, 300)
            );
        }
        summary.push((label, passed, strict, floor));
    }
    // The run time goes to the test output only: the committed results file changes only
    // when the results do.
    let elapsed = started.elapsed();
    println!("run time: {:.1} s", elapsed.as_secs_f64());
    let header = format!(
        "# DMN TCK results for flode-decision (dsntk 0.3.0), generated by tests/tck.rs\n\
         # comparison rules: see the module documentation of tests/tck.rs\n\n{report}\n"
    );
    let results_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tck-results.txt");
    fs::write(&results_path, format!("{header}{failing_sections}")).expect("write tck-results.txt");
    println!("details: {}", results_path.display());
    for (label, passed, strict, floor) in summary {
        assert!(
            passed >= floor.0,
            "{label}: {passed} tests passed, below the floor of {}",
            floor.0
        );
        assert!(
            strict >= floor.1,
            "{label}: {strict} tests passed strictly, below the floor of {}",
            floor.1
        );
    }
    assert!(elapsed.as_secs() < 60, "the TCK run took {elapsed:?}");
}

/// Runs all test cases of one compliance level.
fn run_level(level_dir: &Path, level: &str) -> Vec<Outcome> {
    let mut cases: Vec<PathBuf> = fs::read_dir(level_dir)
        .expect("read level directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    // Two cores: split the cases between two threads.
    let (even, odd): (Vec<_>, Vec<_>) = cases.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let run = |part: Vec<(usize, &PathBuf)>| {
        part.into_iter()
            .flat_map(|(_, case)| run_case(case, level))
            .collect::<Vec<_>>()
    };
    let mut outcomes = std::thread::scope(|s| {
        let handle = s.spawn(|| run(odd));
        let mut outcomes = run(even);
        outcomes.extend(handle.join().expect("runner thread"));
        outcomes
    });
    outcomes.sort_by(|a, b| (&a.case, &a.file, &a.id).cmp(&(&b.case, &b.file, &b.id)));
    outcomes
}

/// Runs all test files of one test case directory.
fn run_case(case_dir: &Path, level: &str) -> Vec<Outcome> {
    let case = format!("{level}/{}", file_name(case_dir));
    let mut files: Vec<PathBuf> = fs::read_dir(case_dir)
        .expect("read case directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let dmn_files: Vec<&PathBuf> = files.iter().filter(|p| has_extension(p, "dmn")).collect();
    let mut outcomes = Vec::new();
    for test_file in files.iter().filter(|p| has_extension(p, "xml")) {
        let text = fs::read_to_string(test_file).expect("read test file");
        let doc = Document::parse(&text).expect("test file is XML");
        let root = doc.root_element();
        let file = file_name(test_file).trim_end_matches(".xml").to_string();
        let model_name = child_text(root, "modelName").unwrap_or_default();
        let model = load_model(case_dir, &model_name, &dmn_files);
        for test_case in root.children().filter(|n| n.has_tag_name("testCase")) {
            let id = test_case.attribute("id").unwrap_or_default().to_string();
            let (failure, strict_failure) = match &model {
                Ok(model) => (
                    run_test_case(model, test_case, Rule::NullEquivalent).err(),
                    run_test_case(model, test_case, Rule::Strict).err(),
                ),
                Err(e) => (
                    Some(format!("model did not load: {e}")),
                    Some(format!("model did not load: {e}")),
                ),
            };
            outcomes.push(Outcome {
                case: case.clone(),
                file: file.clone(),
                id,
                failure,
                strict_failure,
            });
        }
    }
    outcomes
}

/// Loads the model named in the test file; the other `.dmn` files are its imports.
fn load_model(
    case_dir: &Path,
    model_name: &str,
    dmn_files: &[&PathBuf],
) -> Result<DecisionModel, String> {
    let main =
        fs::read_to_string(case_dir.join(model_name)).map_err(|e| format!("{model_name}: {e}"))?;
    let imports: Vec<String> = dmn_files
        .iter()
        .filter(|p| file_name(p) != model_name)
        .map(|p| fs::read_to_string(p).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let imports: Vec<&str> = imports.iter().map(String::as_str).collect();
    DecisionModel::parse_with_imports(&main, &imports).map_err(|e| e.to_string())
}

/// How errors and nulls are compared (see the module documentation).
#[derive(Clone, Copy, PartialEq)]
enum Rule {
    NullEquivalent,
    Strict,
}

/// Runs one `<testCase>`; `Err` carries the reason it failed.
fn run_test_case(model: &DecisionModel, test_case: Node, rule: Rule) -> Result<(), String> {
    let mut input = Map::new();
    for node in test_case.children().filter(|n| n.has_tag_name("inputNode")) {
        let name = node.attribute("name").unwrap_or_default();
        input.insert(name.to_string(), to_json(&parse_value(node)));
    }
    let service = (test_case.attribute("type") == Some("decisionService"))
        .then(|| test_case.attribute("invocableName").unwrap_or_default());
    let result_nodes: Vec<Node> = test_case
        .children()
        .filter(|n| n.has_tag_name("resultNode"))
        .collect();
    let service_result = service.map(|s| model.evaluate_decision_service(s, &input));
    let mut failures = Vec::new();
    for node in &result_nodes {
        let name = node.attribute("name").unwrap_or_default();
        let error_expected = node.attribute("errorResult") == Some("true");
        let expected = node
            .children()
            .find(|n| n.has_tag_name("expected"))
            .map(parse_value)
            .unwrap_or(TckValue::Null);
        let actual = match &service_result {
            // A service with several outputs returns a context with one entry per output.
            Some(Ok(Value::Object(map)))
                if result_nodes.len() > 1 || !matches!(expected, TckValue::Structure(_)) =>
            {
                Ok(map.get(name).cloned().unwrap_or(Value::Null))
            }
            Some(result) => result.clone(),
            None => model.evaluate(name, &input),
        };
        if let Err(reason) = check(&actual, &expected, error_expected, rule) {
            failures.push(format!("{name}: {reason}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// Checks one result against the expectation.
fn check(
    actual: &Result<Value, Error>,
    expected: &TckValue,
    error_expected: bool,
    rule: Rule,
) -> Result<(), String> {
    let null_expected = error_expected || matches!(expected, TckValue::Null);
    if rule == Rule::NullEquivalent && null_expected && matches!(actual, Err(_) | Ok(Value::Null)) {
        return Ok(());
    }
    match (actual, error_expected) {
        (Err(_), true) => Ok(()),
        (Ok(v), true) => Err(format!("expected an error, got {v}")),
        (Err(e), false) => Err(format!("expected {}, got error: {e}", to_json(expected))),
        (Ok(v), false) if matches(v, expected) => Ok(()),
        (Ok(v), false) => Err(format!("expected {}, got {v}", to_json(expected))),
    }
}

/// Compares a JSON result with a TCK value using the documented rules.
fn matches(actual: &Value, expected: &TckValue) -> bool {
    match (actual, expected) {
        (Value::Null, TckValue::Null) => true,
        (Value::Bool(a), TckValue::Boolean(e)) => a == e,
        (Value::String(a), TckValue::String(e)) => a == e,
        (Value::Number(a), TckValue::Number(e)) => numbers_match(a, e),
        (Value::String(a), TckValue::Temporal(kind, e)) => a == e || temporal_match(kind, a, e),
        (Value::Array(a), TckValue::List(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(a, e)| matches(a, e))
        }
        (Value::Object(a), TckValue::Structure(e)) => {
            a.len() == e.len()
                && e.iter()
                    .all(|(k, e)| a.get(k).is_some_and(|a| matches(a, e)))
        }
        _ => false,
    }
}

fn numbers_match(actual: &Number, expected: &str) -> bool {
    if let (Some(a), Ok(e)) = (actual.as_i64(), expected.parse::<i64>()) {
        return a == e;
    }
    let (Some(a), Ok(e)) = (actual.as_f64(), expected.parse::<f64>()) else {
        return false;
    };
    if a == e || (a - e).abs() <= 1e-12 * a.abs().max(e.abs()) {
        return true;
    }
    // The expected text may be the actual value rounded to the decimals it shows.
    let decimals = expected.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
    !expected.contains(['e', 'E'])
        && (1..=15).contains(&decimals)
        && (a - e).abs() <= 0.5 * 10f64.powi(-decimals) * (1.0 + 1e-9)
}

fn temporal_match(kind: &str, actual: &str, expected: &str) -> bool {
    use dsntk_feel::values::Value as Feel;
    let parse = |text: &str| match kind {
        "xsd:date" => Feel::try_from_xsd_date(text).ok(),
        "xsd:time" => Feel::try_from_xsd_time(text).ok(),
        "xsd:dateTime" => Feel::try_from_xsd_date_time(text).ok(),
        "xsd:duration" => Feel::try_from_xsd_duration(text).ok(),
        _ => None,
    };
    matches!((parse(actual), parse(expected)), (Some(a), Some(e)) if a == e)
}

/// Parses the value held by an `inputNode`, `expected`, `component` or `item` element.
fn parse_value(node: Node) -> TckValue {
    let elements: Vec<Node> = node.children().filter(|n| n.is_element()).collect();
    if let Some(value) = elements.iter().find(|n| n.has_tag_name("value")) {
        return parse_simple(*value);
    }
    if let Some(list) = elements.iter().find(|n| n.has_tag_name("list")) {
        if list.attribute((XSI, "nil")) == Some("true") {
            return TckValue::Null;
        }
        return TckValue::List(
            list.children()
                .filter(|n| n.has_tag_name("item"))
                .map(parse_value)
                .collect(),
        );
    }
    let components: Vec<(String, TckValue)> = elements
        .iter()
        .filter(|n| n.has_tag_name("component"))
        .map(|c| {
            (
                c.attribute("name").unwrap_or_default().to_string(),
                parse_value(*c),
            )
        })
        .collect();
    if components.is_empty() && node.attribute((XSI, "nil")) == Some("true") {
        return TckValue::Null;
    }
    if components.is_empty() && node.has_tag_name("item") {
        return TckValue::Null;
    }
    TckValue::Structure(components)
}

/// Parses a `<value>` element.
fn parse_simple(value: Node) -> TckValue {
    if value.attribute((XSI, "nil")) == Some("true") {
        return TckValue::Null;
    }
    let text = value.text().unwrap_or_default().to_string();
    match value.attribute((XSI, "type")).unwrap_or("xsd:string") {
        "xsd:decimal" | "xsd:double" | "xsd:integer" => TckValue::Number(text.trim().to_string()),
        "xsd:boolean" => TckValue::Boolean(text.trim() == "true"),
        kind @ ("xsd:date" | "xsd:time" | "xsd:dateTime" | "xsd:duration") => {
            TckValue::Temporal(kind.to_string(), text.trim().to_string())
        }
        _ => TckValue::String(text),
    }
}

/// The JSON a caller of flode would pass for a TCK value.
fn to_json(value: &TckValue) -> Value {
    match value {
        TckValue::Null => Value::Null,
        TckValue::Boolean(b) => Value::Bool(*b),
        TckValue::Number(text) => text
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
            })
            // NaN and infinities have no JSON number; pass the text on.
            .unwrap_or_else(|| Value::String(text.clone())),
        TckValue::String(s) | TckValue::Temporal(_, s) => Value::String(s.clone()),
        TckValue::List(items) => Value::Array(items.iter().map(to_json).collect()),
        TckValue::Structure(components) => Value::Object(
            components
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// dsntk's published results: status by (case, file, id).
struct Published {
    rows: HashMap<(String, String, String), String>,
}

impl Published {
    fn load(csv: &Path) -> Self {
        let mut rows = HashMap::new();
        for line in fs::read_to_string(csv).unwrap_or_default().lines() {
            let fields: Vec<&str> = line.split("\",\"").map(|f| f.trim_matches('"')).collect();
            if let [case, file, id, status, ..] = fields[..] {
                rows.insert(
                    (case.to_string(), file.to_string(), id.to_string()),
                    status.to_string(),
                );
            }
        }
        Self { rows }
    }

    /// (SUCCESS rows, all rows) for a level directory.
    fn counts(&self, level: &str) -> (usize, usize) {
        let prefix = format!("{level}/");
        let rows = self
            .rows
            .iter()
            .filter(|((case, _, _), _)| case.starts_with(&prefix));
        rows.fold((0, 0), |(ok, all), (_, status)| {
            (ok + usize::from(status == "SUCCESS"), all + 1)
        })
    }

    fn status(&self, o: &Outcome) -> &str {
        self.rows
            .get(&(o.case.clone(), o.file.clone(), o.id.clone()))
            .map_or("no row", String::as_str)
    }
}

fn child_text(node: Node, tag: &str) -> Option<String> {
    node.children()
        .find(|n| n.has_tag_name(tag))
        .and_then(|n| n.text())
        .map(|t| t.trim().to_string())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}
