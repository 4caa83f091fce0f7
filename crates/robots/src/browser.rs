//! What a robot does in a browser, as a trait ([`Page`]), and its one real implementation:
//! headless Chromium through chromedriver, driven with fantoccini over plain HTTP on
//! localhost ([`Chromium`]). Both programs come from Debian (`scripts/install-browser`);
//! nothing is downloaded.

use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::{Element, ElementRef};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};

use crate::script::{Input, Locator};

/// How WebDriver marks an element in a script's answer.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser that failed: always a system exception (restart, retry later).
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("cannot start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("chromedriver did not listen within {0:?}")]
    DriverTimeout(Duration),
    #[error("no WebDriver session: {0}")]
    Session(String),
    #[error("no element for `{0}`")]
    NotFound(String),
    #[error("WebDriver: {0}")]
    Command(String),
}

impl From<fantoccini::error::CmdError> for BrowserError {
    fn from(e: fantoccini::error::CmdError) -> Self {
        BrowserError::Command(e.to_string())
    }
}

/// The browser operations a script's steps need. Each finds its element afresh (pages
/// re-render after a save, so element references go stale).
pub trait Page: Send {
    fn open(&mut self, url: &str) -> impl Future<Output = Result<(), BrowserError>> + Send;
    /// How [`Page::fill`] and [`Page::click`] act from now on (the script's `input`).
    fn set_input(&mut self, _input: Input) {}
    /// Whether `locator` finds an element that is shown.
    fn present(
        &mut self,
        locator: &Locator,
    ) -> impl Future<Output = Result<bool, BrowserError>> + Send;
    /// For each group of locators (a selector with its fallbacks), the index of the first
    /// that finds a shown element. A browser answers all of a step's questions (the busy
    /// overlay, dialogs, the login page, the step's own element) in one round trip; this
    /// default asks [`Page::present`] one locator at a time.
    fn look(
        &mut self,
        groups: &[Vec<Locator>],
    ) -> impl Future<Output = Result<Vec<Option<usize>>, BrowserError>> + Send {
        async move {
            let mut found = Vec::with_capacity(groups.len());
            for group in groups {
                let mut hit = None;
                for (i, locator) in group.iter().enumerate() {
                    if self.present(locator).await? {
                        hit = Some(i);
                        break;
                    }
                }
                found.push(hit);
            }
            Ok(found)
        }
    }
    /// The shown element's text, or an attribute (`value` of a field, say).
    fn read(
        &mut self,
        locator: &Locator,
        attribute: Option<&str>,
    ) -> impl Future<Output = Result<String, BrowserError>> + Send;
    fn fill(
        &mut self,
        locator: &Locator,
        value: &str,
    ) -> impl Future<Output = Result<(), BrowserError>> + Send;
    /// Picks the option whose text is exactly `option`.
    fn select(
        &mut self,
        locator: &Locator,
        option: &str,
    ) -> impl Future<Output = Result<(), BrowserError>> + Send;
    fn click(&mut self, locator: &Locator)
    -> impl Future<Output = Result<(), BrowserError>> + Send;
    /// Into the frame `locator` finds, or (`None`) back to the top document.
    fn frame(
        &mut self,
        locator: Option<&Locator>,
    ) -> impl Future<Output = Result<(), BrowserError>> + Send;
    /// PNG of the window.
    fn screenshot(&mut self) -> impl Future<Output = Result<Vec<u8>, BrowserError>> + Send;
    /// The current document's HTML.
    fn html(&mut self) -> impl Future<Output = Result<String, BrowserError>> + Send;
    /// Masks personnummer everywhere in the current document, and the whole text of the
    /// elements `names` finds, until [`Page::unredact`]: screenshots and HTML that are kept
    /// must not show who the case is about.
    fn redact(
        &mut self,
        names: &[Locator],
    ) -> impl Future<Output = Result<(), BrowserError>> + Send;
    /// Puts back what [`Page::redact`] masked, so the script can go on.
    fn unredact(&mut self) -> impl Future<Output = Result<(), BrowserError>> + Send;
}

/// Masks in the page; keeps the originals in `window.__flodeRedacted` for `UNREDACT`. It
/// masks the whole window, not just the frame WebDriver is in: the top document and every
/// same-origin frame, since a screenshot shows them all (a legacy UI's form often sits in
/// an iframe under a page that names the person). A cross-origin frame cannot be reached.
const REDACT: &str = r#"
const [css, xpaths] = arguments;
const pnr = /(?:\b(?:19|20)?\d{6}[-+]?[0-9A-Z]\d{3}\b)/g;
const mask = (s) => s.replace(pnr, '[personnummer]');
const kept = window.__flodeRedacted = window.__flodeRedacted || [];
const put = (node, prop, value) => { kept.push([node, prop, node[prop]]); node[prop] = value; };
const docs = [];
const collect = (w) => {
  let doc;
  try { doc = w.document; void doc.documentElement; } catch (e) { return; }
  docs.push(doc);
  for (let i = 0; i < w.frames.length; i++) collect(w.frames[i]);
};
let top = window;
try { void window.top.document.documentElement; top = window.top; } catch (e) { top = window; }
collect(top);
for (const doc of docs) {
  const named = new Set();
  for (const c of css) doc.querySelectorAll(c).forEach((e) => named.add(e));
  for (const x of xpaths) {
    const r = doc.evaluate(x, doc, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    for (let i = 0; i < r.snapshotLength; i++) named.add(r.snapshotItem(i));
  }
  for (const e of named) {
    if ('value' in e && e.tagName !== 'BUTTON') { put(e, 'value', '[namn]'); e.setAttribute('value', '[namn]'); }
    else put(e, 'textContent', '[namn]');
  }
  const walk = doc.createTreeWalker(doc.body || doc, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const m = mask(n.nodeValue);
    if (m !== n.nodeValue) put(n, 'nodeValue', m);
  }
  doc.querySelectorAll('input, textarea').forEach((e) => {
    const m = mask(e.value);
    if (m !== e.value) { put(e, 'value', m); e.setAttribute('value', m); }
  });
}
"#;

/// For each group of `[kind, expression]` locators, `[index, element]` of the first that
/// finds a shown element, or `null`. Shown as WebDriver's "displayed" has it for what
/// scripts point at: rendered, not hidden by CSS or opacity 0, and with a box (or a child
/// with one).
const LOOK: &str = r#"
const [groups] = arguments;
const sized = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const shown = (e) => e instanceof Element
  && (!e.checkVisibility || e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }))
  && (sized(e) || Array.prototype.some.call(e.querySelectorAll('*'), sized));
const find = ([kind, expr]) => {
  if (kind === 'css') return Array.from(document.querySelectorAll(expr));
  const r = document.evaluate(expr, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
  const out = [];
  for (let i = 0; i < r.snapshotLength; i++) out.push(r.snapshotItem(i));
  return out;
};
return groups.map((group) => {
  for (let i = 0; i < group.length; i++) {
    const e = find(group[i]).find(shown);
    if (e) return [i, e];
  }
  return null;
});
"#;

/// Sets a field's value as if typed and tells the page (`input`, then `change`).
const SET_VALUE: &str = r#"
const [field, value] = arguments;
field.focus();
const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
Object.getOwnPropertyDescriptor(proto, 'value').set.call(field, value);
field.dispatchEvent(new Event('input', { bubbles: true }));
field.dispatchEvent(new Event('change', { bubbles: true }));
return field.value;
"#;

/// Whether an `<input type=…>` takes its value set rather than typed: the browser lays out
/// date and time fields in segments in the order of its own locale (month first in
/// en-US), so keys typed as `2026-12-01` land in the wrong segments. Their value is the
/// same ISO text in every locale, as a form sends it.
fn set_not_typed(input_type: &str) -> bool {
    matches!(
        input_type.to_ascii_lowercase().as_str(),
        "date" | "month" | "week" | "time" | "datetime-local"
    )
}

const UNREDACT: &str = r#"
const kept = window.__flodeRedacted || [];
for (let i = kept.length - 1; i >= 0; i--) { const [node, prop, value] = kept[i]; node[prop] = value; }
window.__flodeRedacted = [];
"#;

/// Where Chromium and chromedriver are, and how the window is.
#[derive(Debug, Clone)]
pub struct ChromiumConfig {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub width: u32,
    pub height: u32,
}

impl Default for ChromiumConfig {
    fn default() -> Self {
        Self {
            chromium: "/usr/bin/chromium".into(),
            chromedriver: "/usr/bin/chromedriver".into(),
            width: 1280,
            height: 900,
        }
    }
}

/// A chromedriver process with one headless Chromium session and a fresh profile. Dropping
/// it kills both: chromedriver runs in a process group of its own, which Chromium inherits.
pub struct Chromium {
    client: Client,
    driver: Child,
    profile: PathBuf,
    /// Frames entered since the top document; WebDriver can only step out one at a time.
    depth: usize,
    /// The elements the last [`Page::look`] found, for the action that follows it.
    looked: Vec<(Locator, Element)>,
    input: Input,
}

fn free_port() -> Result<u16, BrowserError> {
    let spawn = |source| BrowserError::Spawn {
        program: "a listening socket".into(),
        source,
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(spawn)?;
    Ok(listener.local_addr().map_err(spawn)?.port())
}

impl Chromium {
    /// Starts chromedriver and opens a browser session.
    pub async fn start(config: &ChromiumConfig) -> Result<Chromium, BrowserError> {
        let port = free_port()?;
        let mut driver = Command::new(&config.chromedriver)
            .arg(format!("--port={port}"))
            .arg("--log-level=WARNING")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| BrowserError::Spawn {
                program: config.chromedriver.display().to_string(),
                source,
            })?;
        let wait = Duration::from_secs(20);
        let deadline = Instant::now() + wait;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if Instant::now() > deadline || matches!(driver.try_wait(), Ok(Some(_))) {
                kill_group(&driver);
                return Err(BrowserError::DriverTimeout(wait));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let profile =
            std::env::temp_dir().join(format!("flode-robot-{}-{port}", std::process::id()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": config.chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--no-default-browser-check",
                    "--disable-extensions", "--force-device-scale-factor=1", "--lang=sv-SE",
                    format!("--window-size={},{}", config.width, config.height),
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
            "timeouts": {"script": 30_000, "pageLoad": 60_000, "implicit": 0},
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal");
        };
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let client = match builder.connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => c,
            Err(e) => {
                kill_group(&driver);
                return Err(BrowserError::Session(e.to_string()));
            }
        };
        Ok(Chromium {
            client,
            driver,
            profile,
            depth: 0,
            looked: Vec::new(),
            input: Input::default(),
        })
    }

    /// Ends the session (Chromium quits), then the driver.
    pub async fn stop(self) {
        if let Err(e) = self.client.clone().close().await {
            tracing::debug!(error = %e, "closing the browser session failed");
        }
    }

    /// The first shown element `locator` finds.
    async fn shown(&self, locator: &Locator) -> Result<Option<Element>, BrowserError> {
        let (kind, expression) = search(locator);
        let search = match kind {
            "css" => fantoccini::Locator::Css(&expression),
            _ => fantoccini::Locator::XPath(&expression),
        };
        for element in self.client.find_all(search).await? {
            // An element can go stale between finding and asking: treat it as gone.
            if element.is_displayed().await.unwrap_or(false) {
                return Ok(Some(element));
            }
        }
        Ok(None)
    }

    /// The element `locator` finds: the one the last look found, or a fresh search.
    async fn element(&mut self, locator: &Locator) -> Result<Element, BrowserError> {
        if let Some(at) = self.looked.iter().position(|(l, _)| l == locator) {
            let (_, element) = self.looked.swap_remove(at);
            self.looked.clear();
            return Ok(element);
        }
        self.looked.clear();
        self.shown(locator)
            .await?
            .ok_or_else(|| BrowserError::NotFound(locator.to_string()))
    }
}

/// An element as a script's argument.
fn element_ref(element: &Element) -> Result<serde_json::Value, BrowserError> {
    serde_json::to_value(element).map_err(|e| BrowserError::Command(e.to_string()))
}

/// How the browser searches for `locator`: `css` or `xpath`, and the expression.
fn search(locator: &Locator) -> (&'static str, String) {
    match locator {
        Locator::Css(css) => ("css", css.clone()),
        Locator::XPath(x) => ("xpath", x.clone()),
        Locator::Text(text) => ("xpath", text_xpath(text)),
        Locator::Label(label) => ("xpath", label_xpath(label)),
    }
}

/// An XPath string literal for any text (XPath 1.0 has no escapes).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// Elements whose own text, or whose button value, is exactly `text`.
fn text_xpath(text: &str) -> String {
    let t = xpath_literal(text);
    format!(
        "//*[normalize-space(text())={t}] | //input[(@type='submit' or @type='button') and @value={t}]"
    )
}

/// The field a `<label>` with exactly this text names (by `for`, or by holding it).
fn label_xpath(label: &str) -> String {
    let l = xpath_literal(label);
    format!(
        "//*[@id=//label[normalize-space(.)={l}]/@for] | \
         //label[normalize-space(text())={l}]//*[self::input or self::select or self::textarea]"
    )
}

fn kill_group(driver: &Child) {
    if let Some(pid) = driver.id() {
        // The group id is the driver's pid (process_group(0)); Chromium is in it too.
        // `-s KILL -- -PID`, never `-KILL -PID`: procps-ng 4.0's kill misreads a negative
        // PID after a signal option and signals every process on the machine.
        let _ = std::process::Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        kill_group(&self.driver);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Page for Chromium {
    async fn open(&mut self, url: &str) -> Result<(), BrowserError> {
        self.looked.clear();
        self.client.goto(url).await?;
        // Navigation puts WebDriver back in the top document.
        self.depth = 0;
        Ok(())
    }

    async fn present(&mut self, locator: &Locator) -> Result<bool, BrowserError> {
        Ok(self.shown(locator).await?.is_some())
    }

    async fn look(&mut self, groups: &[Vec<Locator>]) -> Result<Vec<Option<usize>>, BrowserError> {
        self.looked.clear();
        let searches: Vec<Vec<(&str, String)>> = groups
            .iter()
            .map(|g| g.iter().map(search).collect())
            .collect();
        let answer = self.client.execute(LOOK, vec![json!(searches)]).await?;
        let serde_json::Value::Array(answers) = answer else {
            return Err(BrowserError::Command(format!("look answered {answer}")));
        };
        let mut found = Vec::with_capacity(groups.len());
        for (group, answer) in groups.iter().zip(answers) {
            let hit = answer.get(0).and_then(serde_json::Value::as_u64);
            let element = answer
                .get(1)
                .and_then(|e| e.get(ELEMENT_KEY))
                .and_then(serde_json::Value::as_str);
            match (hit.and_then(|i| usize::try_from(i).ok()), element) {
                (Some(i), Some(id)) if i < group.len() => {
                    let element = Element::from_element_id(
                        self.client.clone(),
                        ElementRef::from(id.to_owned()),
                    );
                    self.looked.push((group[i].clone(), element));
                    found.push(Some(i));
                }
                _ => found.push(None),
            }
        }
        Ok(found)
    }

    async fn read(
        &mut self,
        locator: &Locator,
        attribute: Option<&str>,
    ) -> Result<String, BrowserError> {
        let element = self.element(locator).await?;
        Ok(match attribute {
            // The live value of a field is a property, not the attribute it started with.
            Some("value") => element.prop("value").await?.unwrap_or_default(),
            Some(name) => element.attr(name).await?.unwrap_or_default(),
            None => element.text().await?,
        })
    }

    async fn fill(&mut self, locator: &Locator, value: &str) -> Result<(), BrowserError> {
        let element = self.element(locator).await?;
        let input_type = match self.input {
            Input::Dom => None,
            Input::Events => Some(element.attr("type").await?.unwrap_or_default()),
        };
        if input_type.as_deref().is_none_or(set_not_typed) {
            let took = self
                .client
                .execute(SET_VALUE, vec![element_ref(&element)?, json!(value)])
                .await?;
            // A value the field cannot hold (a date not in ISO, say) leaves it empty.
            if took.as_str() != Some(value) {
                return Err(BrowserError::Command(format!(
                    "the field {locator} did not take the value (a date field wants ISO text such as 2026-12-01)"
                )));
            }
            return Ok(());
        }
        element.clear().await?;
        element.send_keys(value).await?;
        Ok(())
    }

    async fn select(&mut self, locator: &Locator, option: &str) -> Result<(), BrowserError> {
        let element = self.element(locator).await?;
        element.select_by_label(option).await?;
        Ok(())
    }

    async fn click(&mut self, locator: &Locator) -> Result<(), BrowserError> {
        let element = self.element(locator).await?;
        match self.input {
            Input::Events => element.click().await?,
            Input::Dom => {
                self.client
                    .execute("arguments[0].click();", vec![element_ref(&element)?])
                    .await?;
            }
        }
        Ok(())
    }

    fn set_input(&mut self, input: Input) {
        self.input = input;
    }

    async fn frame(&mut self, locator: Option<&Locator>) -> Result<(), BrowserError> {
        match locator {
            Some(locator) => {
                self.element(locator).await?.enter_frame().await?;
                self.depth += 1;
            }
            None => {
                self.looked.clear();
                while self.depth > 0 {
                    self.client.enter_parent_frame().await?;
                    self.depth -= 1;
                }
            }
        }
        Ok(())
    }

    async fn screenshot(&mut self) -> Result<Vec<u8>, BrowserError> {
        Ok(self.client.screenshot().await?)
    }

    async fn html(&mut self) -> Result<String, BrowserError> {
        Ok(self.client.source().await?)
    }

    async fn redact(&mut self, names: &[Locator]) -> Result<(), BrowserError> {
        let mut css = Vec::new();
        let mut xpaths = Vec::new();
        for n in names {
            match n {
                Locator::Css(c) => css.push(c.clone()),
                Locator::XPath(x) => xpaths.push(x.clone()),
                Locator::Text(t) => xpaths.push(text_xpath(t)),
                Locator::Label(l) => xpaths.push(label_xpath(l)),
            }
        }
        self.client
            .execute(REDACT, vec![json!(css), json!(xpaths)])
            .await?;
        Ok(())
    }

    async fn unredact(&mut self) -> Result<(), BrowserError> {
        self.client.execute(UNREDACT, Vec::new()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_and_time_fields_are_set_and_the_rest_typed() {
        for t in ["date", "month", "week", "time", "datetime-local", "DATE"] {
            assert!(set_not_typed(t), "{t}");
        }
        for t in ["", "text", "search", "number", "tel", "password"] {
            assert!(!set_not_typed(t), "{t}");
        }
    }

    /// The driver's group dies, and nothing else: a `kill` that misread the group as
    /// "every process" took the whole machine down before.
    #[tokio::test]
    async fn killing_the_group_kills_only_the_group() {
        let mut group = Command::new("sleep")
            .arg("30")
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .expect("sleep");
        let mut bystander = Command::new("sleep")
            .arg("30")
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .expect("sleep");
        kill_group(&group);
        let status = tokio::time::timeout(Duration::from_secs(5), group.wait())
            .await
            .expect("the group dies")
            .expect("status");
        assert!(!status.success());
        assert!(
            bystander.try_wait().expect("try_wait").is_none(),
            "another group lives on"
        );
    }

    #[test]
    fn xpath_literals_quote_any_text() {
        assert_eq!(xpath_literal("Spara"), "'Spara'");
        assert_eq!(xpath_literal("Barn's"), "\"Barn's\"");
        assert_eq!(xpath_literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
    }
}
