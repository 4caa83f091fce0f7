//! Robot scripts: declarative, versioned TOML files, one per job type and legacy UI version
//! (docs/robots.md has the format). A script is checked completely when it loads: unknown
//! keys, steps with no action or two, templates that do not parse, job variables it does not
//! declare, variables read before a step extracts them. Adapting a robot to a new UI is a
//! change of these files only.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::template::{Context, FillError, Template, TemplateError};

/// One way to find an element, as the browser gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// A CSS selector (the default: no prefix, or `css:`).
    Css(String),
    /// `xpath:` an XPath expression.
    XPath(String),
    /// `text:` an element (button, link, cell…) whose own text is exactly this.
    Text(String),
    /// `label:` the form field whose `<label>` reads exactly this.
    Label(String),
}

impl std::fmt::Display for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Locator::Css(s) => write!(f, "{s}"),
            Locator::XPath(s) => write!(f, "xpath:{s}"),
            Locator::Text(s) => write!(f, "text:{s}"),
            Locator::Label(s) => write!(f, "label:{s}"),
        }
    }
}

/// How a locator finds its element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocatorKind {
    Css,
    XPath,
    Text,
    Label,
}

/// A locator as written in a script: its text may hold the job's values
/// (`text:{job.arendeId}` finds the row of this case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatorTemplate {
    pub kind: LocatorKind,
    pub value: Template,
}

impl LocatorTemplate {
    fn parse(raw: &str) -> Result<LocatorTemplate, String> {
        let (kind, rest) = match raw.split_once(':') {
            Some(("css", rest)) => (LocatorKind::Css, rest),
            Some(("xpath", rest)) => (LocatorKind::XPath, rest),
            Some(("text", rest)) => (LocatorKind::Text, rest),
            Some(("label", rest)) => (LocatorKind::Label, rest),
            _ => (LocatorKind::Css, raw),
        };
        let rest = rest.trim();
        if rest.is_empty() {
            return Err(format!("empty selector `{raw}`"));
        }
        let value = Template::parse(rest).map_err(|e| format!("selector `{raw}`: {e}"))?;
        Ok(LocatorTemplate { kind, value })
    }

    /// The locator for this job.
    pub fn fill(&self, cx: &Context<'_>) -> Result<Locator, FillError> {
        let v = self.value.fill(cx)?;
        Ok(match self.kind {
            LocatorKind::Css => Locator::Css(v),
            LocatorKind::XPath => Locator::XPath(v),
            LocatorKind::Text => Locator::Text(v),
            LocatorKind::Label => Locator::Label(v),
        })
    }
}

impl std::fmt::Display for LocatorTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefix = match self.kind {
            LocatorKind::Css => "",
            LocatorKind::XPath => "xpath:",
            LocatorKind::Text => "text:",
            LocatorKind::Label => "label:",
        };
        write!(f, "{prefix}{}", self.value)
    }
}

/// Locators tried in order: the first that finds a shown element wins (fallbacks for a UI
/// that moves things around between releases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(pub Vec<LocatorTemplate>);

impl Selector {
    /// The locators for this job.
    pub fn fill(&self, cx: &Context<'_>) -> Result<Vec<Locator>, FillError> {
        self.0.iter().map(|l| l.fill(cx)).collect()
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join(" | "))
    }
}

/// What a failed check or a matched condition makes of the work item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The work is already done (found in the legacy system): finish without writing.
    Finish,
    /// A data or rule problem: to a person's review queue, never retried.
    Business,
    /// Something technical: restart the browser and try again later.
    System,
}

/// One step's action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Open(Template),
    Fill {
        target: Selector,
        value: Template,
    },
    Select {
        target: Selector,
        option: Template,
    },
    /// With `until`: clicks again and again (the next page of a list) until `until` is
    /// shown, or there is nothing left to click.
    Click {
        target: Selector,
        until: Option<Selector>,
    },
    WaitFor {
        target: Selector,
        gone: bool,
    },
    /// The element must be there (and hold `text`, if given); otherwise `verdict`.
    Assert {
        target: Selector,
        text: Option<Template>,
        verdict: Verdict,
        message: Template,
    },
    /// If the element is there (holding `text`, if given): `verdict`.
    IfPresent {
        target: Selector,
        text: Option<Template>,
        verdict: Verdict,
        message: Template,
    },
    /// Reads the element's text (or `attribute`) into `var.{into}`. `optional`: only if
    /// the page shows it once settled, without waiting for it; otherwise nothing is read.
    Extract {
        target: Selector,
        into: String,
        attribute: Option<String>,
        optional: bool,
    },
    Screenshot(String),
    /// Into the frame the selector finds; `None` back to the top document.
    Frame(Option<Selector>),
    /// After a lost session the robot signs in again and goes on from the last checkpoint.
    Checkpoint(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `steps[3]` or `login[0]`, with the step's own name if it has one: for messages.
    pub label: String,
    pub action: Action,
    /// How long the step waits for its element (or condition).
    pub timeout: Duration,
}

/// A dialog the robot knows how to close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogRule {
    pub when: Selector,
    pub click: Selector,
}

/// A loaded, checked script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub name: String,
    /// How the robot types and clicks on this UI.
    pub input: Input,
    /// Whether the legacy session outlives the item.
    pub session: Session,
    pub job_type: String,
    pub target: String,
    pub ui: String,
    pub version: u32,
    /// Job variables the script reads; a job without one fails before the browser opens.
    pub inputs: Vec<String>,
    /// Extracted variables the job completes with.
    pub outputs: Vec<String>,
    /// Shown only on the login page: the session was lost.
    pub login_page: Option<Selector>,
    /// An overlay that blocks clicks while shown.
    pub busy: Option<Selector>,
    /// Any dialog; one that no rule closes is a system exception (with evidence).
    pub dialog: Option<Selector>,
    pub dialogs: Vec<DialogRule>,
    /// Elements that show a person's name: masked, with every personnummer, in kept
    /// screenshots and HTML.
    pub names: Vec<LocatorTemplate>,
    pub login: Vec<Step>,
    pub steps: Vec<Step>,
    /// The script's file, for messages.
    pub source: PathBuf,
}

/// How a robot acts on the page (`[page] input`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Input {
    /// WebDriver's own keyboard and mouse: a field is typed key by key and a click lands
    /// where the element is, so whatever covers it takes the click. The browser paces each
    /// key and mouse event to its frames: about 60 ms a field and 50 ms a click.
    #[default]
    Events,
    /// In the page: a field's value is set with `input` and `change` events, and a click is
    /// the element's own `click()`. For UIs whose fields need no key events; what could
    /// cover an element is the script's `busy` and `dialog`, which every step waits out.
    Dom,
}

/// Whether a robot signs in for every item or keeps its session (`session`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Session {
    /// Every item starts with the `login` steps, whatever the browser holds.
    #[default]
    Item,
    /// The next item on the same target and account starts signed in; the `login` steps
    /// run only when `page.login_page` shows (the session ended meanwhile). The `steps`
    /// must open a page first, so every item starts from a known one.
    Keep,
}

/// A script that cannot be used; the message names the file and the step.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{dir}: two scripts for job type `{job_type}`: {first} and {second}")]
    Duplicate {
        dir: PathBuf,
        job_type: String,
        first: String,
        second: String,
    },
    #[error("{dir}: no scripts (*.toml)")]
    Empty { dir: PathBuf },
}

const DEFAULT_STEP_TIMEOUT_MS: u64 = 15_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScript {
    name: String,
    job_type: String,
    target: String,
    ui: String,
    version: u32,
    #[serde(default)]
    inputs: Vec<String>,
    #[serde(default)]
    outputs: Vec<String>,
    step_timeout_ms: Option<u64>,
    session: Option<Session>,
    #[serde(default)]
    page: RawPage,
    #[serde(default)]
    dialogs: Vec<RawDialog>,
    #[serde(default)]
    login: Vec<RawStep>,
    steps: Vec<RawStep>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPage {
    input: Option<Input>,
    login_page: Option<OneOrMany>,
    busy: Option<OneOrMany>,
    dialog: Option<OneOrMany>,
    names: Option<OneOrMany>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDialog {
    when: OneOrMany,
    click: OneOrMany,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
struct RawStep {
    name: Option<String>,
    timeout_ms: Option<u64>,
    // Actions: exactly one.
    open: Option<String>,
    fill: Option<OneOrMany>,
    select: Option<OneOrMany>,
    click: Option<OneOrMany>,
    wait_for: Option<OneOrMany>,
    assert: Option<OneOrMany>,
    if_present: Option<OneOrMany>,
    extract: Option<OneOrMany>,
    screenshot: Option<String>,
    frame: Option<OneOrMany>,
    checkpoint: Option<String>,
    // Their arguments.
    until: Option<OneOrMany>,
    value: Option<String>,
    option: Option<String>,
    gone: Option<bool>,
    text: Option<String>,
    #[serde(rename = "else")]
    otherwise: Option<Verdict>,
    then: Option<Verdict>,
    message: Option<String>,
    into: Option<String>,
    attribute: Option<String>,
    optional: Option<bool>,
}

fn selector(raw: &OneOrMany) -> Result<Selector, String> {
    let all = match raw {
        OneOrMany::One(s) => vec![s.clone()],
        OneOrMany::Many(v) => v.clone(),
    };
    if all.is_empty() {
        return Err("a selector needs at least one locator".into());
    }
    all.iter()
        .map(|s| LocatorTemplate::parse(s))
        .collect::<Result<_, _>>()
        .map(Selector)
}

fn template(what: &str, raw: &str) -> Result<Template, String> {
    Template::parse(raw).map_err(|e: TemplateError| format!("{what}: {e}"))
}

impl RawStep {
    fn action(&self) -> Result<Action, String> {
        let mut actions = Vec::new();
        let names = [
            ("open", self.open.is_some()),
            ("fill", self.fill.is_some()),
            ("select", self.select.is_some()),
            ("click", self.click.is_some()),
            ("wait_for", self.wait_for.is_some()),
            ("assert", self.assert.is_some()),
            ("if_present", self.if_present.is_some()),
            ("extract", self.extract.is_some()),
            ("screenshot", self.screenshot.is_some()),
            ("frame", self.frame.is_some()),
            ("checkpoint", self.checkpoint.is_some()),
        ];
        for (name, set) in names {
            if set {
                actions.push(name);
            }
        }
        let action = match actions.as_slice() {
            [one] => *one,
            [] => {
                return Err(
                    "no action (one of open, fill, select, click, wait_for, assert, if_present, \
                     extract, screenshot, frame, checkpoint)"
                        .into(),
                );
            }
            many => return Err(format!("more than one action: {}", many.join(", "))),
        };
        // Arguments that belong to another action are mistakes, not ignored.
        let allowed: &[&str] = match action {
            "fill" => &["value"],
            "select" => &["option"],
            "click" => &["until"],
            "wait_for" => &["gone"],
            "assert" => &["text", "else", "message"],
            "if_present" => &["text", "then", "message"],
            "extract" => &["into", "attribute", "optional"],
            _ => &[],
        };
        let given = [
            ("until", self.until.is_some()),
            ("value", self.value.is_some()),
            ("option", self.option.is_some()),
            ("gone", self.gone.is_some()),
            ("text", self.text.is_some()),
            ("else", self.otherwise.is_some()),
            ("then", self.then.is_some()),
            ("message", self.message.is_some()),
            ("optional", self.optional.is_some()),
            ("into", self.into.is_some()),
            ("attribute", self.attribute.is_some()),
        ];
        if let Some((arg, _)) = given
            .iter()
            .find(|(arg, set)| *set && !allowed.contains(arg))
        {
            return Err(format!("`{arg}` does not belong to `{action}`"));
        }
        let need = |v: &Option<String>, arg: &str| {
            v.clone().ok_or_else(|| format!("`{action}` needs `{arg}`"))
        };
        let sel = |v: &Option<OneOrMany>| -> Result<Selector, String> {
            v.as_ref()
                .map_or_else(|| Err("unreachable".into()), selector)
        };
        let text = match &self.text {
            Some(t) => Some(template("text", t)?),
            None => None,
        };
        Ok(match action {
            "open" => Action::Open(template("open", &need(&self.open, "open")?)?),
            "fill" => Action::Fill {
                target: sel(&self.fill)?,
                value: template("value", &need(&self.value, "value")?)?,
            },
            "select" => Action::Select {
                target: sel(&self.select)?,
                option: template("option", &need(&self.option, "option")?)?,
            },
            "click" => Action::Click {
                target: sel(&self.click)?,
                until: self.until.as_ref().map(selector).transpose()?,
            },
            "wait_for" => Action::WaitFor {
                target: sel(&self.wait_for)?,
                gone: self.gone.unwrap_or(false),
            },
            "assert" => Action::Assert {
                target: sel(&self.assert)?,
                text,
                verdict: self
                    .otherwise
                    .ok_or("`assert` needs `else` (business or system)")?,
                message: template("message", &need(&self.message, "message")?)?,
            },
            "if_present" => Action::IfPresent {
                target: sel(&self.if_present)?,
                text,
                verdict: self
                    .then
                    .ok_or("`if_present` needs `then` (finish, business or system)")?,
                message: template("message", &need(&self.message, "message")?)?,
            },
            "extract" => {
                let into = need(&self.into, "into")?;
                if into.is_empty() || !into.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    return Err(format!("`into` must be a plain name, not `{into}`"));
                }
                Action::Extract {
                    target: sel(&self.extract)?,
                    into,
                    attribute: self.attribute.clone(),
                    optional: self.optional.unwrap_or(false),
                }
            }
            "screenshot" => Action::Screenshot(need(&self.screenshot, "screenshot")?),
            "frame" => match &self.frame {
                Some(OneOrMany::One(top)) if top == "top" => Action::Frame(None),
                other => Action::Frame(Some(sel(other)?)),
            },
            _ => Action::Checkpoint(need(&self.checkpoint, "checkpoint")?),
        })
    }
}

impl Script {
    /// Reads and checks one script file.
    pub fn load(path: &Path) -> Result<Script, ScriptError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScriptError::Read {
            path: path.into(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Checks a script's text; `path` names it in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Script, ScriptError> {
        let invalid = |message: String| ScriptError::Invalid {
            path: path.into(),
            message,
        };
        let raw: RawScript = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if raw.version == 0 {
            return Err(invalid("`version` starts at 1".into()));
        }
        for (key, value) in [
            ("name", &raw.name),
            ("job_type", &raw.job_type),
            ("target", &raw.target),
            ("ui", &raw.ui),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(format!("`{key}` is empty")));
            }
        }
        let default_timeout = raw.step_timeout_ms.unwrap_or(DEFAULT_STEP_TIMEOUT_MS);
        let steps_of = |list: &[RawStep], section: &str| -> Result<Vec<Step>, ScriptError> {
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    let label = match &s.name {
                        Some(n) => format!("{section}[{i}] ({n})"),
                        None => format!("{section}[{i}]"),
                    };
                    let action = s.action().map_err(|m| invalid(format!("{label}: {m}")))?;
                    Ok(Step {
                        label,
                        action,
                        timeout: Duration::from_millis(s.timeout_ms.unwrap_or(default_timeout)),
                    })
                })
                .collect()
        };
        let page_selector = |v: &Option<OneOrMany>, key: &str| {
            v.as_ref()
                .map(|v| selector(v).map_err(|m| invalid(format!("page.{key}: {m}"))))
                .transpose()
        };
        let script = Script {
            input: raw.page.input.unwrap_or_default(),
            session: raw.session.unwrap_or_default(),
            login_page: page_selector(&raw.page.login_page, "login_page")?,
            busy: page_selector(&raw.page.busy, "busy")?,
            dialog: page_selector(&raw.page.dialog, "dialog")?,
            names: page_selector(&raw.page.names, "names")?.map_or_else(Vec::new, |s| s.0),
            dialogs: raw
                .dialogs
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    Ok(DialogRule {
                        when: selector(&d.when)
                            .map_err(|m| invalid(format!("dialogs[{i}].when: {m}")))?,
                        click: selector(&d.click)
                            .map_err(|m| invalid(format!("dialogs[{i}].click: {m}")))?,
                    })
                })
                .collect::<Result<_, ScriptError>>()?,
            login: steps_of(&raw.login, "login")?,
            steps: steps_of(&raw.steps, "steps")?,
            name: raw.name,
            job_type: raw.job_type,
            target: raw.target,
            ui: raw.ui,
            version: raw.version,
            inputs: raw.inputs,
            outputs: raw.outputs,
            source: path.into(),
        };
        script.check().map_err(invalid)?;
        Ok(script)
    }

    /// The rules no single step can see.
    fn check(&self) -> Result<(), String> {
        if self.steps.is_empty() {
            return Err("`steps` is empty".into());
        }
        if self.login_page.is_some() && self.login.is_empty() {
            return Err("`page.login_page` is set, so `login` steps are needed".into());
        }
        if self.session == Session::Keep {
            if self.login_page.is_none() {
                return Err(
                    "`session = \"keep\"` needs `page.login_page`, to see when the session has ended"
                        .into(),
                );
            }
            let first = self
                .steps
                .iter()
                .find(|s| !matches!(s.action, Action::Checkpoint(_)));
            if !first.is_some_and(|s| matches!(s.action, Action::Open(_))) {
                return Err(
                    "`session = \"keep\"`: the first step must be an `open`, since an item starts where the last one ended"
                        .into(),
                );
            }
        }
        let inputs: HashSet<&str> = self.inputs.iter().map(String::as_str).collect();
        // What later steps may read: what a step always extracts (an optional extract may
        // leave it unset). Outputs may come from either.
        let mut extracted: HashSet<&str> = HashSet::new();
        let mut maybe_extracted: HashSet<&str> = HashSet::new();
        for (section, steps) in [("login", &self.login), ("steps", &self.steps)] {
            for step in steps {
                let templates = step_templates(&step.action);
                for t in &templates {
                    if let Some(v) = t.job_variables().find(|v| !inputs.contains(v)) {
                        return Err(format!(
                            "{}: reads job variable `{v}`, which is not in `inputs`",
                            step.label
                        ));
                    }
                    if let Some(v) = t.vars().find(|v| !extracted.contains(v)) {
                        return Err(format!(
                            "{}: reads `var.{v}` before any step extracts it",
                            step.label
                        ));
                    }
                }
                // A password may only be typed into a field: never into a URL, a check's
                // text or a message, which end up in logs and evidence.
                let password_outside_fill = match &step.action {
                    Action::Fill { target, .. } => {
                        target.0.iter().any(|l| l.value.reads_password())
                    }
                    _ => templates.iter().any(|t| t.reads_password()),
                };
                if password_outside_fill {
                    return Err(format!(
                        "{}: `credential.password` may only be the value of a `fill`",
                        step.label
                    ));
                }
                match &step.action {
                    Action::Extract { into, optional, .. } => {
                        maybe_extracted.insert(into);
                        if !optional {
                            extracted.insert(into);
                        }
                    }
                    Action::Checkpoint(_) if section == "login" => {
                        return Err(format!(
                            "{}: checkpoints belong in `steps`, not `login`",
                            step.label
                        ));
                    }
                    _ => {}
                }
            }
        }
        // Page-wide selectors are looked for at any moment, before anything is extracted.
        let page_wide = self
            .login_page
            .iter()
            .chain(&self.busy)
            .chain(&self.dialog)
            .chain(self.dialogs.iter().flat_map(|d| [&d.when, &d.click]))
            .flat_map(|s| &s.0)
            .chain(&self.names);
        for locator in page_wide {
            let t = &locator.value;
            if t.vars().next().is_some() || t.reads_password() {
                return Err(format!(
                    "page selector `{locator}`: only job.… and target.url may be read here"
                ));
            }
            if let Some(v) = t.job_variables().find(|v| !inputs.contains(v)) {
                return Err(format!(
                    "page selector `{locator}`: reads job variable `{v}`, which is not in `inputs`"
                ));
            }
        }
        if let Some(o) = self
            .outputs
            .iter()
            .find(|o| !maybe_extracted.contains(o.as_str()))
        {
            return Err(format!("output `{o}` is not extracted by any step"));
        }
        Ok(())
    }

    /// Every template in the script: the steps' and the page-wide selectors'.
    pub(crate) fn templates(&self) -> impl Iterator<Item = &Template> {
        let steps = self
            .login
            .iter()
            .chain(&self.steps)
            .flat_map(|s| step_templates(&s.action));
        let page = self
            .login_page
            .iter()
            .chain(&self.busy)
            .chain(&self.dialog)
            .chain(self.dialogs.iter().flat_map(|d| [&d.when, &d.click]))
            .flat_map(|s| &s.0)
            .chain(&self.names)
            .map(|l| &l.value);
        steps.chain(page)
    }

    /// The index in `steps` to go on from after signing in again: the last checkpoint
    /// before `failed_at`, or the start.
    pub fn resume_from(&self, failed_at: usize) -> usize {
        self.steps[..failed_at.min(self.steps.len())]
            .iter()
            .rposition(|s| matches!(s.action, Action::Checkpoint(_)))
            .map_or(0, |i| i + 1)
    }
}

fn of(s: &Selector) -> Vec<&Template> {
    s.0.iter().map(|l| &l.value).collect()
}

/// Every template a step fills: its selectors, values, texts and messages.
pub(crate) fn step_templates(action: &Action) -> Vec<&Template> {
    match action {
        Action::Open(t) => vec![t],
        Action::Fill { target, value } => [of(target), vec![value]].concat(),
        Action::Select { target, option } => [of(target), vec![option]].concat(),
        Action::Assert {
            target,
            text,
            message,
            ..
        }
        | Action::IfPresent {
            target,
            text,
            message,
            ..
        } => [
            of(target),
            text.iter().chain(std::iter::once(message)).collect(),
        ]
        .concat(),
        Action::Click { target, until } => {
            [of(target), until.as_ref().map(of).unwrap_or_default()].concat()
        }
        Action::WaitFor { target, .. }
        | Action::Extract { target, .. }
        | Action::Frame(Some(target)) => of(target),
        Action::Screenshot(_) | Action::Frame(None) | Action::Checkpoint(_) => Vec::new(),
    }
}

/// The scripts for one legacy system's UI version: a directory of `*.toml`, one per job type.
#[derive(Debug, Clone)]
pub struct ScriptSet {
    pub dir: PathBuf,
    pub scripts: BTreeMap<String, Script>,
}

impl ScriptSet {
    /// Loads and checks every script in `dir`; one bad file fails the whole set, so a robot
    /// never runs half a release.
    pub fn load(dir: &Path) -> Result<ScriptSet, ScriptError> {
        let read = |source| ScriptError::Read {
            path: dir.into(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(read)?;
        files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        files.sort();
        let mut sources = Vec::with_capacity(files.len());
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|source| ScriptError::Read {
                path: file.clone(),
                source,
            })?;
            sources.push((file, text));
        }
        Self::from_sources(dir, &sources)
    }

    /// A set from scripts' texts with the paths they are named by (scripts built into the
    /// binary, for the demo's SimIFO); checked like [`ScriptSet::load`].
    pub fn from_sources(
        dir: &Path,
        sources: &[(PathBuf, String)],
    ) -> Result<ScriptSet, ScriptError> {
        let mut scripts: BTreeMap<String, Script> = BTreeMap::new();
        for (file, text) in sources {
            let script = Script::parse(text, file)?;
            if let Some(first) = scripts.get(&script.job_type) {
                return Err(ScriptError::Duplicate {
                    dir: dir.into(),
                    job_type: script.job_type.clone(),
                    first: first.source.display().to_string(),
                    second: file.display().to_string(),
                });
            }
            scripts.insert(script.job_type.clone(), script);
        }
        if scripts.is_empty() {
            return Err(ScriptError::Empty { dir: dir.into() });
        }
        Ok(ScriptSet {
            dir: dir.into(),
            scripts,
        })
    }

    /// The job types these scripts work.
    pub fn job_types(&self) -> impl Iterator<Item = &str> {
        self.scripts.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r##"
name = "registrera-utbetalning"
job_type = "legacy.register_payment"
target = "simifo"
ui = "v1"
version = 2
inputs = ["personnummer", "arendeId"]
outputs = ["kvitto"]

[page]
login_page = "#login"
busy = ".spinner"
dialog = ["dialog[open]", "[role=dialog]"]
names = [".namn", "xpath://td[@data-falt='namn']"]

[[dialogs]]
when = "#nyheter"
click = "text:Stäng"

[[login]]
open = "{target.url}/login"
[[login]]
fill = "label:Användare"
value = "{credential.username}"
[[login]]
fill = "#losen"
value = "{credential.password}"

[[steps]]
name = "sök"
fill = ["#pnr", "xpath://input[@name='pnr']"]
value = "{job.personnummer|pnr10}"
[[steps]]
checkpoint = "person"
[[steps]]
if_present = "text:{job.arendeId}"
then = "finish"
message = "redan registrerad"
[[steps]]
click = "#spara"
timeout_ms = 30000
[[steps]]
click = "text:Nästa >>"
until = "text:{job.arendeId}"
[[steps]]
extract = "#kvitto"
into = "kvitto"
"##;

    fn parse(text: &str) -> Result<Script, String> {
        Script::parse(text, Path::new("s.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn a_good_script_loads_with_every_part() {
        let s = parse(GOOD).expect("loads");
        assert_eq!(s.version, 2);
        assert_eq!(s.login.len(), 3);
        assert_eq!(s.steps.len(), 6);
        assert!(matches!(
            &s.steps[4].action,
            Action::Click { until: Some(u), .. } if u.to_string() == "text:{job.arendeId}"
        ));
        assert_eq!(s.steps[0].label, "steps[0] (sök)");
        assert_eq!(
            s.steps[0].action,
            Action::Fill {
                target: Selector(vec![
                    LocatorTemplate::parse("#pnr").expect("parses"),
                    LocatorTemplate::parse("xpath://input[@name='pnr']").expect("parses"),
                ]),
                value: Template::parse("{job.personnummer|pnr10}").expect("parses"),
            }
        );
        assert_eq!(s.steps[3].timeout, Duration::from_secs(30));
        assert_eq!(
            s.steps[5].timeout,
            Duration::from_millis(DEFAULT_STEP_TIMEOUT_MS)
        );
        assert_eq!(s.dialogs[0].click.to_string(), "text:Stäng");
        assert_eq!(s.names.len(), 2);
        assert_eq!(s.resume_from(4), 2, "after the checkpoint");
        assert_eq!(s.resume_from(1), 0, "before it: from the start");
    }

    #[test]
    fn input_is_typed_keys_unless_the_page_says_dom() {
        assert_eq!(parse(GOOD).expect("loads").input, Input::Events);
        let dom = GOOD.replace("[page]\n", "[page]\ninput = \"dom\"\n");
        assert_eq!(parse(&dom).expect("loads").input, Input::Dom);
        let bad = GOOD.replace("[page]\n", "[page]\ninput = \"mouse\"\n");
        let err = parse(&bad).expect_err("unknown input");
        assert!(err.contains("unknown variant `mouse`"), "{err}");
    }

    #[test]
    fn a_kept_session_needs_the_login_page_and_an_open_first() {
        assert_eq!(parse(GOOD).expect("loads").session, Session::Item);
        let keep = |text: &str| format!("session = \"keep\"\n{text}");
        // GOOD's steps start with a fill: the item would start wherever the last one ended.
        let err = parse(&keep(GOOD)).expect_err("no open first");
        assert!(err.contains("the first step must be an `open`"), "{err}");
        let opening = GOOD.replace(
            "[[steps]]\nname = \"sök\"",
            "[[steps]]\ncheckpoint = \"start\"\n[[steps]]\nopen = \"{target.url}/sok\"\n[[steps]]\nname = \"sök\"",
        );
        assert_eq!(
            parse(&keep(&opening)).expect("loads").session,
            Session::Keep
        );
        let blind = opening.replace("login_page = \"#login\"\n", "");
        let err = parse(&keep(&blind)).expect_err("no login page");
        assert!(err.contains("needs `page.login_page`"), "{err}");
        let err = parse(&opening.replace("[page]", "session = \"forever\"\n[page]"))
            .expect_err("unknown");
        assert!(err.contains("unknown variant `forever`"), "{err}");
    }

    #[test]
    fn mistakes_are_named_with_their_step() {
        let cases = [
            (
                GOOD.replace("click = \"#spara\"", "clik = \"#spara\""),
                "unknown field `clik`",
            ),
            (
                GOOD.replace("click = \"#spara\"", "click = \"#spara\"\nvalue = \"x\""),
                "steps[3]: `value` does not belong to `click`",
            ),
            (
                GOOD.replace("click = \"#spara\"", "fill = \"#spara\"\nuntil = \"#x\""),
                "steps[3]: `until` does not belong to `fill`",
            ),
            (
                GOOD.replace("click = \"#spara\"", "click = \"#spara\"\noptional = true"),
                "steps[3]: `optional` does not belong to `click`",
            ),
            (
                GOOD.replace(
                    "click = \"#spara\"",
                    "extract = \"#ref\"\ninto = \"ref\"\noptional = true\n[[steps]]\nclick = \"text:{var.ref}\"",
                ),
                "steps[4]: reads `var.ref` before any step extracts it",
            ),
            (
                GOOD.replace(
                    "until = \"text:{job.arendeId}\"",
                    "until = \"text:{job.belopp}\"",
                ),
                "steps[4]: reads job variable `belopp`, which is not in `inputs`",
            ),
            (
                GOOD.replace("checkpoint = \"person\"", "name = \"tom\""),
                "steps[1] (tom): no action",
            ),
            (
                GOOD.replace("{job.arendeId}", "{job.belopp}"),
                "steps[2]: reads job variable `belopp`, which is not in `inputs`",
            ),
            (
                GOOD.replace("then = \"finish\"", "then = \"klar\""),
                "unknown variant `klar`",
            ),
            (
                GOOD.replace("into = \"kvitto\"", "into = \"kv\""),
                "output `kvitto` is not extracted by any step",
            ),
            (
                GOOD.replace("{job.personnummer|pnr10}", "{job.personnummer|pnr9}"),
                "steps[0] (sök): value: unknown filter `pnr9`",
            ),
            (
                GOOD.replace(
                    "message = \"redan registrerad\"",
                    "message = \"{var.kvitto}\"",
                ),
                "steps[2]: reads `var.kvitto` before any step extracts it",
            ),
            (
                GOOD.replace(
                    "{target.url}/login",
                    "{target.url}/login?p={credential.password}",
                ),
                "login[0]: `credential.password` may only be the value of a `fill`",
            ),
            (
                GOOD.replace("version = 2", "version = 0"),
                "`version` starts at 1",
            ),
            (
                GOOD.replace("fill = \"#losen\"", "fill = []"),
                "login[2]: a selector needs at least one locator",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(&text).expect_err(expected);
            assert!(err.contains(expected), "expected `{expected}` in `{err}`");
            assert!(err.starts_with("s.toml: "), "{err}");
        }
    }

    #[test]
    fn a_set_loads_a_directory_and_refuses_two_scripts_for_one_job_type() {
        let dir = std::env::temp_dir().join(format!("flode-robots-set-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("a.toml"), GOOD).expect("write");
        std::fs::write(dir.join("readme.md"), "not a script").expect("write");
        let set = ScriptSet::load(&dir).expect("loads");
        assert_eq!(
            set.job_types().collect::<Vec<_>>(),
            vec!["legacy.register_payment"]
        );
        std::fs::write(dir.join("b.toml"), GOOD).expect("write");
        let err = ScriptSet::load(&dir).expect_err("duplicate").to_string();
        assert!(
            err.contains("two scripts for job type `legacy.register_payment`"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
