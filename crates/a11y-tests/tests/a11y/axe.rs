//! axe-core in the page: inject the vendored `assets/axe.min.js` and run it with the WCAG
//! 2.0/2.1/2.2 A and AA rules and the best practices.

use fantoccini::Client;
use serde::Deserialize;

/// axe-core, unmodified (MPL-2.0; see `assets/README.md`).
const AXE_JS: &str = include_str!("../../assets/axe.min.js");

/// The rule tags run on every page.
pub(crate) const TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// Runs axe on `document`; the last argument is the WebDriver callback.
const RUN: &str = r"
const tags = arguments[0];
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: tags },
  resultTypes: ['violations'],
}).then(
  (r) => done({
    ok: r.violations,
    incomplete: r.incomplete.map((i) => {
      const n = i.nodes[0];
      const why = n && [...n.any, ...n.all, ...n.none].map((c) => c.message).filter(Boolean)[0];
      return i.id + (n ? ' at ' + n.target.join(' >> ') : '') + (why ? ' (' + why + ')' : '');
    }),
  }),
  (e) => done({ error: String(e && e.stack || e) }),
);
";

/// One failed rule on a page.
#[derive(Debug, Deserialize)]
pub(crate) struct Violation {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) impact: Option<String>,
    pub(crate) help: String,
    #[serde(rename = "helpUrl")]
    pub(crate) help_url: String,
    pub(crate) nodes: Vec<Node>,
}

/// One element that fails a rule.
#[derive(Debug, Deserialize)]
pub(crate) struct Node {
    /// CSS selector path (a list of selectors through iframes and shadow roots).
    pub(crate) target: Vec<serde_json::Value>,
    #[serde(default)]
    pub(crate) html: String,
    #[serde(rename = "failureSummary", default)]
    pub(crate) failure_summary: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Outcome {
    #[serde(default)]
    ok: Option<Vec<Violation>>,
    #[serde(default)]
    incomplete: Vec<String>,
    #[serde(default)]
    error: Option<String>,
}

/// What axe found on a page.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub(crate) violations: Vec<Violation>,
    /// Rules axe could not decide ("needs review"): shown, not failed.
    pub(crate) incomplete: Vec<String>,
}

/// Injects axe into the current page and runs it.
pub(crate) async fn run(client: &Client) -> Result<Findings, String> {
    client
        .execute(AXE_JS, vec![])
        .await
        .map_err(|e| format!("injecting axe-core failed: {e}"))?;
    let tags = serde_json::to_value(TAGS).map_err(|e| e.to_string())?;
    let raw = client
        .execute_async(RUN, vec![tags])
        .await
        .map_err(|e| format!("axe.run failed: {e}"))?;
    let outcome: Outcome =
        serde_json::from_value(raw).map_err(|e| format!("unexpected axe result: {e}"))?;
    match (outcome.ok, outcome.error) {
        (Some(violations), _) => Ok(Findings {
            violations,
            incomplete: outcome.incomplete,
        }),
        (None, Some(error)) => Err(format!("axe.run rejected: {error}")),
        (None, None) => Err("axe.run returned nothing".to_owned()),
    }
}

impl Node {
    /// The target as one readable selector.
    pub(crate) fn target(&self) -> String {
        self.target
            .iter()
            .map(|t| match t {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" >> ")
    }
}
