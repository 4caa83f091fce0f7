//! Runs one script for one work item on a [`Page`]. Every step waits for a ready condition
//! (its element shown, the busy overlay gone), never a fixed sleep; known dialogs are closed
//! by the script's rules while waiting; a lost session means signing in again and going on
//! from the last checkpoint. The outcome says what the work item becomes: done, a business
//! exception for a person, or a system exception to retry, with evidence.

use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::browser::{BrowserError, Page};
use crate::script::{Action, Locator, Script, Selector, Step, Verdict};
use crate::template::{Context, FillError, Template};

/// How often a waiting step looks again.
const POLL: Duration = Duration::from_millis(50);

/// Pages a `click` … `until` step turns at most.
const MAX_PAGES: usize = 50;

/// Sign-ins again within one run before the run gives up (a system that logs the robot out
/// at once is not going to let it work).
const MAX_RELOGINS: u32 = 2;

/// The account the robot signs in with (from the vault).
pub struct Login<'a> {
    pub username: &'a str,
    pub password: &'a str,
}

/// A screenshot the script asked for, or evidence of a failure; always redacted.
#[derive(Debug, Clone)]
pub struct Capture {
    pub name: String,
    pub png: Vec<u8>,
    /// The document's HTML, for evidence of a failure.
    pub html: Option<String>,
}

/// How the run ended.
#[derive(Debug)]
pub enum Outcome {
    /// The work is done; `already_done` when a check found it done before and nothing was
    /// written.
    Done {
        outputs: Map<String, Value>,
        already_done: bool,
    },
    /// A data or rule problem: to a person, never retried.
    Business { step: String, message: String },
    /// A technical problem: restart the browser and retry later.
    System { step: String, message: String },
}

/// What a run returns: the outcome, the screenshots taken and, on failure, the evidence.
#[derive(Debug)]
pub struct Report {
    pub outcome: Outcome,
    pub captures: Vec<Capture>,
    /// Steps done, for the log and the dashboard.
    pub steps_run: usize,
    /// Sessions lost during the run (each signed in again).
    pub relogins: u32,
    /// Times the `login` steps ran: once per item, or only when a kept session had ended.
    pub sign_ins: u32,
}

enum StepError {
    /// The login page is shown: the session is gone.
    SessionLost,
    Stop(Verdict, String),
    Timeout(String),
    UnknownDialog,
    Browser(BrowserError),
    Fill(FillError),
}

impl From<BrowserError> for StepError {
    fn from(e: BrowserError) -> Self {
        StepError::Browser(e)
    }
}

impl From<FillError> for StepError {
    fn from(e: FillError) -> Self {
        StepError::Fill(e)
    }
}

struct Run<'a, P: Page> {
    script: &'a Script,
    page: &'a mut P,
    job: &'a Map<String, Value>,
    login: &'a Login<'a>,
    target_url: &'a str,
    vars: Map<String, Value>,
    captures: Vec<Capture>,
    in_login: bool,
}

/// Runs `script` for the job's variables on `page`. `signed_in`: the browser holds the
/// session of an earlier item (`session = "keep"`), so the `login` steps wait until the
/// login page shows; that first loss is not counted against the relogins.
pub async fn run<P: Page>(
    script: &Script,
    page: &mut P,
    job: &Map<String, Value>,
    login: &Login<'_>,
    target_url: &str,
    signed_in: bool,
) -> Report {
    if let Some(missing) = script.inputs.iter().find(|i| !job.contains_key(*i)) {
        return Report {
            outcome: Outcome::Business {
                step: "inputs".into(),
                message: format!("jobbet saknar variabeln {missing}"),
            },
            captures: Vec::new(),
            steps_run: 0,
            relogins: 0,
            sign_ins: 0,
        };
    }
    // A value the job lacks deeper down (`beslut.belopp`), or one that does not fit its
    // filter, is found before the browser is touched, like a missing input.
    if let Some(e) = script.templates().find_map(|t| t.check_job(job).err()) {
        return Report {
            outcome: Outcome::Business {
                step: "inputs".into(),
                message: e.to_string(),
            },
            captures: Vec::new(),
            steps_run: 0,
            relogins: 0,
            sign_ins: 0,
        };
    }
    page.set_input(script.input);
    let mut run = Run {
        script,
        page,
        job,
        login,
        target_url,
        vars: Map::new(),
        captures: Vec::new(),
        in_login: false,
    };
    let mut relogins = 0;
    let mut sign_ins = 0;
    let mut steps_run = 0;
    let mut next = 0;
    let mut signed_in = signed_in;
    // The kept session is unproven until a step that looks at the page went through
    // (a checkpoint or an `open` does not).
    let mut kept = signed_in;
    let outcome = loop {
        if !signed_in {
            sign_ins += 1;
            match run.sign_in().await {
                Ok(()) => signed_in = true,
                Err((step, e)) => break run.fail(&step, e).await,
            }
        }
        let Some(step) = script.steps.get(next) else {
            break Outcome::Done {
                outputs: run.outputs(),
                already_done: false,
            };
        };
        match run.step(step).await {
            Ok(()) => {
                steps_run += 1;
                next += 1;
                kept &= matches!(step.action, Action::Checkpoint(_) | Action::Open(_));
            }
            Err(StepError::Stop(Verdict::Finish, _)) => {
                break Outcome::Done {
                    outputs: run.outputs(),
                    already_done: true,
                };
            }
            Err(StepError::SessionLost) if kept || relogins < MAX_RELOGINS => {
                if kept {
                    kept = false;
                } else {
                    relogins += 1;
                }
                signed_in = false;
                next = script.resume_from(next);
                tracing::info!(script = %script.name, step = %step.label, "session lost: signing in again");
            }
            Err(e) => break run.fail(&step.label, e).await,
        }
    };
    Report {
        outcome,
        captures: run.captures,
        steps_run,
        relogins,
        sign_ins,
    }
}

impl<P: Page> Run<'_, P> {
    fn context(&self) -> Context<'_> {
        Context {
            job: self.job,
            username: self.login.username,
            password: self.login.password,
            target_url: self.target_url,
            vars: &self.vars,
        }
    }

    fn fill(&self, template: &Template) -> Result<String, FillError> {
        template.fill(&self.context())
    }

    fn outputs(&self) -> Map<String, Value> {
        self.script
            .outputs
            .iter()
            .filter_map(|o| self.vars.get(o).map(|v| (o.clone(), v.clone())))
            .collect()
    }

    async fn sign_in(&mut self) -> Result<(), (String, StepError)> {
        self.in_login = true;
        for step in &self.script.login {
            if let Err(e) = self.step(step).await {
                self.in_login = false;
                return Err((step.label.clone(), e));
            }
        }
        self.in_login = false;
        Ok(())
    }

    /// The outcome for a failed step, with evidence when it is the system's fault or a
    /// check failed.
    async fn fail(&mut self, step: &str, error: StepError) -> Outcome {
        let (verdict, message) = match error {
            StepError::Stop(v, m) => (v, m),
            StepError::SessionLost => (
                Verdict::System,
                "inloggningen tappades upprepade gånger".into(),
            ),
            StepError::Timeout(what) => (Verdict::System, format!("väntade förgäves på {what}")),
            StepError::UnknownDialog => (Verdict::System, "en okänd dialogruta visades".into()),
            StepError::Browser(e) => (Verdict::System, format!("webbläsaren: {e}")),
            // The job's data does not fit the form: a person must look at it.
            StepError::Fill(e) => (Verdict::Business, e.to_string()),
        };
        if verdict != Verdict::Finish {
            self.capture(&format!("fel: {step}"), true).await;
        }
        let step = step.to_owned();
        match verdict {
            Verdict::Business => Outcome::Business { step, message },
            Verdict::System => Outcome::System { step, message },
            Verdict::Finish => Outcome::Done {
                outputs: self.outputs(),
                already_done: true,
            },
        }
    }

    /// A redacted screenshot (and HTML); a browser that cannot take one is logged, not
    /// fatal: the outcome matters more than its picture.
    async fn capture(&mut self, name: &str, with_html: bool) {
        let names: Vec<Locator> = {
            let cx = self.context();
            self.script
                .names
                .iter()
                .filter_map(|l| l.fill(&cx).ok())
                .collect()
        };
        if let Err(e) = self.page.redact(&names).await {
            // Without masking nothing is kept.
            tracing::warn!(error = %e, "could not mask the page: no screenshot kept");
            return;
        }
        let png = self.page.screenshot().await;
        let html = if with_html {
            self.page.html().await.ok().map(|h| mask_personnummer(&h))
        } else {
            None
        };
        let _ = self.page.unredact().await;
        match png {
            Ok(png) => self.captures.push(Capture {
                name: name.into(),
                png,
                html,
            }),
            Err(e) => tracing::warn!(error = %e, "no screenshot"),
        }
    }

    async fn step(&mut self, step: &Step) -> Result<(), StepError> {
        match &step.action {
            Action::Open(url) => {
                let url = self.fill(url)?;
                let url = if url.starts_with('/') {
                    format!("{}{url}", self.target_url.trim_end_matches('/'))
                } else {
                    url
                };
                self.page.open(&url).await?;
            }
            Action::Fill { target, value } => {
                let value = self.fill(value)?;
                let at = self.wait_for(target, step.timeout).await?;
                self.page.fill(&at, &value).await?;
            }
            Action::Select { target, option } => {
                let option = self.fill(option)?;
                let at = self.wait_for(target, step.timeout).await?;
                self.select(&at, &option, step.timeout).await?;
            }
            Action::Click {
                target,
                until: None,
            } => {
                let at = self.wait_for(target, step.timeout).await?;
                self.page.click(&at).await?;
            }
            Action::Click {
                target,
                until: Some(until),
            } => self.click_until(target, until, step.timeout).await?,
            Action::WaitFor { target, gone } => {
                if *gone {
                    self.wait_gone(target, step.timeout).await?;
                } else {
                    self.wait_for(target, step.timeout).await?;
                }
            }
            Action::Assert {
                target,
                text,
                verdict,
                message,
            } => {
                let message = self.fill(message)?;
                let holds = match self.wait_for(target, step.timeout).await {
                    Ok(at) => self.holds(&at, text.as_ref()).await?,
                    Err(StepError::Timeout(_)) => false,
                    Err(e) => return Err(e),
                };
                if !holds {
                    return Err(StepError::Stop(*verdict, message));
                }
            }
            Action::IfPresent {
                target,
                text,
                verdict,
                message,
            } => {
                let message = self.fill(message)?;
                let Some(first) = self.settled_look(Some(target), step.timeout).await? else {
                    return Ok(());
                };
                if self.holds(&first, text.as_ref()).await? {
                    return Err(StepError::Stop(*verdict, message));
                }
                // The first shown one does not hold the text: the later fallbacks may.
                let locators = target.fill(&self.context())?;
                let later = locators.iter().skip_while(|l| **l != first).skip(1);
                for locator in later {
                    if self.page.present(locator).await?
                        && self.holds(locator, text.as_ref()).await?
                    {
                        return Err(StepError::Stop(*verdict, message));
                    }
                }
            }
            Action::Extract {
                target,
                into,
                attribute,
                optional,
            } => {
                let at = if *optional {
                    match self.settled_look(Some(target), step.timeout).await? {
                        Some(at) => at,
                        None => return Ok(()),
                    }
                } else {
                    self.wait_for(target, step.timeout).await?
                };
                let value = self.page.read(&at, attribute.as_deref()).await?;
                self.vars
                    .insert(into.clone(), Value::String(value.trim().to_owned()));
            }
            Action::Screenshot(name) => {
                self.settle(step.timeout).await?;
                self.capture(name, false).await;
            }
            Action::Frame(None) => self.page.frame(None).await?,
            Action::Frame(Some(target)) => {
                let at = self.wait_for(target, step.timeout).await?;
                self.page.frame(Some(&at)).await?;
            }
            Action::Checkpoint(_) => {}
        }
        Ok(())
    }

    /// Pages through a list: clicks `target` (the next page, more rows) until `until` is
    /// shown. Nothing left to click ends the step too: the steps after it decide whether
    /// what was looked for is missing.
    async fn click_until(
        &mut self,
        target: &Selector,
        until: &Selector,
        timeout: Duration,
    ) -> Result<(), StepError> {
        let deadline = Instant::now() + timeout;
        for _ in 0..MAX_PAGES {
            self.settle(deadline.saturating_duration_since(Instant::now()))
                .await?;
            if self.any_present(until).await?.is_some() {
                return Ok(());
            }
            match self.any_present(target).await? {
                Some(next) => self.page.click(&next).await?,
                None => return Ok(()),
            }
        }
        Err(StepError::Timeout(format!(
            "{until} efter {MAX_PAGES} klick på {target}"
        )))
    }

    /// Whether the element's text holds `text` (any text, if none is asked for).
    async fn holds(
        &mut self,
        locator: &Locator,
        text: Option<&Template>,
    ) -> Result<bool, StepError> {
        let Some(text) = text else { return Ok(true) };
        let want = self.fill(text)?;
        let got = self.page.read(locator, None).await?;
        Ok(normalise(&got).contains(&normalise(&want)))
    }

    /// Selects by exact option text; lists that load their options late are waited for.
    async fn select(
        &mut self,
        at: &Locator,
        option: &str,
        timeout: Duration,
    ) -> Result<(), StepError> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.page.select(at, option).await {
                Ok(()) => return Ok(()),
                Err(_) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
                Err(_) => {
                    return Err(StepError::Timeout(format!(
                        "alternativet \"{option}\" i {at}"
                    )));
                }
            }
        }
    }

    /// Waits until the page is ready for an action: no busy overlay, known dialogs closed,
    /// no unknown dialog, still signed in.
    async fn settle(&mut self, timeout: Duration) -> Result<(), StepError> {
        self.settled_look(None, timeout).await.map(|_| ())
    }

    /// Asks the page, in one look, about everything that can stand in the way and, with
    /// `target`, where the step's element is.
    async fn look(&mut self, target: Option<&Selector>) -> Result<Seen, StepError> {
        let script = self.script;
        let mut groups: Vec<Vec<Locator>> = Vec::new();
        let (busy, rules, dialog, login, wanted) = {
            let cx = self.context();
            let mut add = |selector: &Selector| -> Result<usize, StepError> {
                groups.push(selector.fill(&cx)?);
                Ok(groups.len() - 1)
            };
            let busy = script.busy.as_ref().map(&mut add).transpose()?;
            let rules = script
                .dialogs
                .iter()
                .map(|rule| add(&rule.when))
                .collect::<Result<Vec<_>, _>>()?;
            let dialog = script.dialog.as_ref().map(&mut add).transpose()?;
            let login = if self.in_login {
                None
            } else {
                script.login_page.as_ref().map(&mut add).transpose()?
            };
            let wanted = target.map(&mut add).transpose()?;
            (busy, rules, dialog, login, wanted)
        };
        let found = self.page.look(&groups).await?;
        let hit = |group: Option<usize>| -> Option<Locator> {
            let g = group?;
            let i = (*found.get(g)?)?;
            groups.get(g)?.get(i).cloned()
        };
        Ok(Seen {
            busy: hit(busy).is_some(),
            rules: rules
                .iter()
                .enumerate()
                .filter(|(_, g)| hit(Some(**g)).is_some())
                .map(|(rule, _)| rule)
                .collect(),
            dialog: hit(dialog).is_some(),
            login: hit(login).is_some(),
            target: hit(wanted),
        })
    }

    /// Deals with what a look saw in the way: known dialogs are closed. `Ok(true)`: look
    /// again.
    async fn blocked_by(&mut self, seen: &Seen) -> Result<bool, StepError> {
        if seen.busy {
            return Ok(true);
        }
        let script = self.script;
        for &rule in &seen.rules {
            if let Some(close) = self.any_present(&script.dialogs[rule].click).await? {
                self.page.click(&close).await?;
                return Ok(true);
            }
        }
        if seen.dialog {
            return Err(StepError::UnknownDialog);
        }
        if seen.login {
            return Err(StepError::SessionLost);
        }
        Ok(false)
    }

    /// The first of the selector's locators to find a shown element now.
    async fn any_present(&mut self, selector: &Selector) -> Result<Option<Locator>, StepError> {
        let locators = selector.fill(&self.context())?;
        let found = self.page.look(std::slice::from_ref(&locators)).await?;
        Ok(found
            .first()
            .copied()
            .flatten()
            .and_then(|i| locators.get(i).cloned()))
    }

    /// The first of the selector's locators to find a shown element, once the page is
    /// ready.
    async fn wait_for(
        &mut self,
        target: &Selector,
        timeout: Duration,
    ) -> Result<Locator, StepError> {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.look(Some(target)).await?;
            if !self.blocked_by(&seen).await?
                && let Some(found) = seen.target
            {
                return Ok(found);
            }
            if Instant::now() > deadline {
                return Err(StepError::Timeout(target.to_string()));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Once the page is ready, the first of `target`'s locators that finds a shown element,
    /// if any (it is not waited for).
    async fn settled_look(
        &mut self,
        target: Option<&Selector>,
        timeout: Duration,
    ) -> Result<Option<Locator>, StepError> {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.look(target).await?;
            if !self.blocked_by(&seen).await? {
                return Ok(seen.target);
            }
            if Instant::now() > deadline {
                return Err(StepError::Timeout("att sidan blev klar".into()));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn wait_gone(&mut self, target: &Selector, timeout: Duration) -> Result<(), StepError> {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.look(Some(target)).await?;
            if !self.blocked_by(&seen).await? && seen.target.is_none() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(StepError::Timeout(format!("att {target} försvann")));
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// What one look at the page saw.
struct Seen {
    /// The busy overlay is shown.
    busy: bool,
    /// The dialog rules whose dialog is shown, in the script's order.
    rules: Vec<usize>,
    /// A dialog is shown.
    dialog: bool,
    /// The login page is shown (not looked for while signing in).
    login: bool,
    /// The locator that found the step's element.
    target: Option<Locator>,
}

/// Text compared as a person reads it: runs of white space as one space (amounts are shown
/// as `12 345`, sometimes with a no-break space).
fn normalise(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Personnummer (10 or 12 digits, with or without a hyphen, reservnummer with a letter)
/// masked in a text: the second guard on kept HTML after the page's own masking.
pub fn mask_personnummer(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        if starts_word
            && let Some(len) = personnummer_at(&chars[i..])
            && chars.get(i + len).is_none_or(|c| !c.is_alphanumeric())
        {
            out.push_str("[personnummer]");
            i += len;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The length of a personnummer-like run at the start of `s`: [CC]YYMMDD[-+]NNNN, where
/// the first of the last four may be a letter.
fn personnummer_at(s: &[char]) -> Option<usize> {
    let digits = |from: usize, n: usize| {
        s.get(from..from + n)
            .is_some_and(|w| w.iter().all(char::is_ascii_digit))
    };
    for century in [2, 0] {
        if !digits(0, century + 6) {
            continue;
        }
        let mut at = century + 6;
        if matches!(s.get(at), Some('-' | '+')) {
            at += 1;
        }
        let serial_ok = s
            .get(at)
            .is_some_and(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
            && digits(at + 1, 3);
        if serial_ok {
            return Some(at + 4);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;
    use std::path::Path;

    /// A site of screens: each shows some CSS selectors; clicking one moves to another
    /// screen. Only CSS locators, which is all the scripts below use.
    #[derive(Default)]
    struct FakeSite {
        screen: String,
        shows: HashMap<&'static str, Vec<&'static str>>,
        clicks: HashMap<(&'static str, &'static str), &'static str>,
        texts: HashMap<&'static str, String>,
        filled: Vec<(String, String)>,
        /// After this many actions the session ends: the next screen is the login page.
        session_ends_after: Option<usize>,
        signed_out: bool,
        saves: usize,
        actions: usize,
        redacted: bool,
        screenshots_while_redacted: usize,
    }

    fn css(l: &Locator) -> &str {
        match l {
            Locator::Css(c) => c,
            other => panic!("the fake knows CSS only, not {other}"),
        }
    }

    impl FakeSite {
        fn act(&mut self) {
            self.actions += 1;
            if self.session_ends_after == Some(self.actions) {
                self.session_ends_after = None;
                self.signed_out = true;
                self.screen = "login".into();
            }
        }
    }

    impl Page for FakeSite {
        async fn open(&mut self, url: &str) -> Result<(), BrowserError> {
            self.act();
            let to = url.rsplit('/').next().unwrap_or_default();
            self.screen = if self.signed_out { "login" } else { to }.to_owned();
            Ok(())
        }
        async fn present(&mut self, l: &Locator) -> Result<bool, BrowserError> {
            let screen = self.screen.as_str();
            Ok(self.shows.get(screen).is_some_and(|s| s.contains(&css(l))))
        }
        async fn read(&mut self, l: &Locator, _: Option<&str>) -> Result<String, BrowserError> {
            Ok(self.texts.get(css(l)).cloned().unwrap_or_default())
        }
        async fn fill(&mut self, l: &Locator, value: &str) -> Result<(), BrowserError> {
            self.act();
            self.filled.push((css(l).to_owned(), value.to_owned()));
            Ok(())
        }
        async fn select(&mut self, l: &Locator, option: &str) -> Result<(), BrowserError> {
            self.fill(l, option).await
        }
        async fn click(&mut self, l: &Locator) -> Result<(), BrowserError> {
            let key = (
                self.shows
                    .keys()
                    .find(|k| **k == self.screen)
                    .copied()
                    .unwrap_or(""),
                css(l),
            );
            let next = self
                .clicks
                .iter()
                .find(|((s, c), _)| *s == key.0 && *c == key.1)
                .map(|(_, n)| *n);
            if self.screen == "login" && css(l) == "#logga-in" {
                self.signed_out = false;
            }
            if self.screen == "person" && css(l) == "#spara" {
                // The write happens: the payment list shows it from now on.
                self.saves += 1;
                self.texts
                    .entry("#betalningar")
                    .or_default()
                    .push_str(" EB-2026-000001");
            }
            if let Some(next) = next {
                self.screen = next.into();
            }
            self.act();
            Ok(())
        }
        async fn frame(&mut self, _: Option<&Locator>) -> Result<(), BrowserError> {
            Ok(())
        }
        async fn screenshot(&mut self) -> Result<Vec<u8>, BrowserError> {
            if self.redacted {
                self.screenshots_while_redacted += 1;
            }
            Ok(vec![0x89, b'P', b'N', b'G'])
        }
        async fn html(&mut self) -> Result<String, BrowserError> {
            Ok(format!("<p>{} 199204722020</p>", self.screen))
        }
        async fn redact(&mut self, _: &[Locator]) -> Result<(), BrowserError> {
            self.redacted = true;
            Ok(())
        }
        async fn unredact(&mut self) -> Result<(), BrowserError> {
            self.redacted = false;
            Ok(())
        }
    }

    const SCRIPT: &str = r##"
name = "registrera"
job_type = "legacy.register_payment"
target = "sim"
ui = "v1"
version = 1
inputs = ["personnummer", "arendeId"]
outputs = ["kvitto"]
step_timeout_ms = 300

[page]
login_page = "#login"
busy = "#spinner"
dialog = ".dialog"

[[dialogs]]
when = "#nyheter"
click = "#nyheter-stang"

[[login]]
open = "/login"
[[login]]
fill = "#user"
value = "{credential.username}"
[[login]]
fill = "#pass"
value = "{credential.password}"
[[login]]
click = "#logga-in"

[[steps]]
checkpoint = "start"
[[steps]]
fill = "#pnr"
value = "{job.personnummer|pnr10}"
[[steps]]
click = "#sok"
[[steps]]
if_present = "#betalningar"
text = "{job.arendeId}"
then = "finish"
message = "redan registrerad"
[[steps]]
fill = "#referens"
value = "{job.arendeId}"
[[steps]]
click = "#spara"
[[steps]]
if_present = "#dubblett"
then = "business"
message = "Det finns redan en utbetalning för perioden"
[[steps]]
checkpoint = "sparad"
[[steps]]
open = "/kvitto"
[[steps]]
extract = "#kvitto"
into = "kvitto"
[[steps]]
screenshot = "kvitto"
"##;

    fn new_site() -> FakeSite {
        let mut site = FakeSite::default();
        site.shows
            .insert("login", vec!["#login", "#user", "#pass", "#logga-in"]);
        site.shows
            .insert("start", vec!["#nyheter", "#nyheter-stang", ".dialog"]);
        site.shows.insert("sok", vec!["#pnr", "#sok"]);
        site.shows
            .insert("person", vec!["#betalningar", "#referens", "#spara"]);
        site.shows.insert("kvitto", vec!["#kvitto"]);
        site.shows.insert("dubblett", vec!["#dubblett", "#kvitto"]);
        site.clicks.insert(("login", "#logga-in"), "start");
        site.clicks.insert(("start", "#nyheter-stang"), "sok");
        site.clicks.insert(("sok", "#sok"), "person");
        site.clicks.insert(("person", "#spara"), "sparad");
        site.shows.insert("sparad", vec!["#sparad"]);
        site.texts
            .insert("#betalningar", "EB-2026-000007 4 000".into());
        site.texts.insert("#kvitto", " U-17 ".into());
        site
    }

    fn job() -> Map<String, Value> {
        json!({"personnummer": "199204722020", "arendeId": "EB-2026-000001"})
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    async fn go(site: &mut FakeSite, job: &Map<String, Value>) -> Report {
        let script = Script::parse(SCRIPT, Path::new("t.toml")).expect("loads");
        let login = Login {
            username: "robot1",
            password: "hemligt-lösen",
        };
        run(&script, site, job, &login, "http://sim", false).await
    }

    /// SCRIPT with `session = "keep"`, its steps opening the search page first.
    async fn go_kept(site: &mut FakeSite) -> Report {
        let text = format!("session = \"keep\"\n{SCRIPT}").replace(
            "checkpoint = \"start\"\n",
            "checkpoint = \"start\"\n[[steps]]\nopen = \"/sok\"\n",
        );
        let script = Script::parse(&text, Path::new("t.toml")).expect("loads");
        let login = Login {
            username: "robot1",
            password: "hemligt-lösen",
        };
        run(&script, site, &job(), &login, "http://sim", true).await
    }

    #[tokio::test]
    async fn a_kept_session_skips_the_login_and_a_lost_one_signs_in_uncounted() {
        let mut site = new_site();
        let report = go_kept(&mut site).await;
        assert!(
            matches!(report.outcome, Outcome::Done { .. }),
            "{:?}",
            report.outcome
        );
        assert!(
            site.filled.iter().all(|(f, _)| f != "#user"),
            "not signed in again"
        );
        assert_eq!((report.relogins, report.sign_ins), (0, 0));

        // The session ended while the robot was idle: the search opens on the login page.
        let mut site = new_site();
        site.signed_out = true;
        let report = go_kept(&mut site).await;
        assert!(
            matches!(report.outcome, Outcome::Done { .. }),
            "{:?}",
            report.outcome
        );
        assert_eq!(
            site.filled.iter().filter(|(f, _)| f == "#user").count(),
            1,
            "signed in once"
        );
        assert_eq!(
            report.relogins, 0,
            "the kept session's end is not a lost session"
        );
        assert_eq!(report.sign_ins, 1);
        assert_eq!(site.saves, 1);

        // Lost after the kept session was seen to work: counted as always.
        let mut site = new_site();
        site.session_ends_after = Some(4);
        let report = go_kept(&mut site).await;
        assert!(
            matches!(report.outcome, Outcome::Done { .. }),
            "{:?}",
            report.outcome
        );
        assert_eq!(report.relogins, 1);
    }

    #[tokio::test]
    async fn an_optional_extract_reads_what_is_shown_and_skips_what_is_not() {
        // Before the check on the person's page: `#kvitto` is not there, `#betalningar` is.
        let with = |extract: &str| {
            SCRIPT.replace(
                "[[steps]]\nif_present = \"#betalningar\"",
                &format!(
                    "[[steps]]\nextract = \"{extract}\"\ninto = \"kvitto\"\noptional = true\n[[steps]]\nif_present = \"#betalningar\""
                ),
            )
        };
        let login = Login {
            username: "robot1",
            password: "hemligt-lösen",
        };
        let mut site = new_site();
        site.texts
            .insert("#betalningar", "EB-2026-000001 4 000".into());
        let script = Script::parse(&with("#betalningar"), Path::new("t.toml")).expect("loads");
        let report = run(&script, &mut site, &job(), &login, "http://sim", false).await;
        assert!(
            matches!(&report.outcome, Outcome::Done { already_done: true, outputs } if outputs.get("kvitto") == Some(&json!("EB-2026-000001 4 000"))),
            "{:?}",
            report.outcome
        );

        let mut site = new_site();
        let script = Script::parse(&with("#kvitto"), Path::new("t.toml")).expect("loads");
        let report = run(&script, &mut site, &job(), &login, "http://sim", false).await;
        // Waited for, the missing element would have been a timeout: a system exception.
        assert!(
            matches!(&report.outcome, Outcome::Done { already_done: false, outputs } if outputs.get("kvitto") == Some(&json!("U-17"))),
            "{:?}",
            report.outcome
        );
    }

    #[tokio::test]
    async fn a_run_signs_in_closes_known_dialogs_and_completes_with_its_outputs() {
        let mut site = new_site();
        let report = go(&mut site, &job()).await;
        match &report.outcome {
            Outcome::Done {
                outputs,
                already_done,
            } => {
                assert_eq!(outputs.get("kvitto"), Some(&json!("U-17")));
                assert!(!already_done);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            site.filled,
            vec![
                ("#user".into(), "robot1".into()),
                ("#pass".into(), "hemligt-lösen".into()),
                ("#pnr".into(), "920472-2020".into()),
                ("#referens".into(), "EB-2026-000001".into()),
            ]
        );
        assert_eq!(report.captures.len(), 1, "the screenshot step");
        assert_eq!(site.screenshots_while_redacted, 1, "taken masked");
        assert!(!site.redacted, "and unmasked after");
    }

    #[tokio::test]
    async fn work_found_done_finishes_without_writing() {
        let mut site = new_site();
        site.texts
            .insert("#betalningar", "EB-2026-000001 4 000".into());
        let report = go(&mut site, &job()).await;
        assert!(matches!(
            report.outcome,
            Outcome::Done {
                already_done: true,
                ..
            }
        ));
        assert!(
            site.filled.iter().all(|(f, _)| f != "#referens"),
            "nothing written"
        );
    }

    #[tokio::test]
    async fn a_duplicate_warning_is_a_business_exception_with_masked_evidence() {
        let mut site = new_site();
        site.clicks.insert(("person", "#spara"), "dubblett");
        let report = go(&mut site, &job()).await;
        match &report.outcome {
            Outcome::Business { step, message } => {
                assert_eq!(step, "steps[6]");
                assert_eq!(site.saves, 1);
                assert_eq!(message, "Det finns redan en utbetalning för perioden");
            }
            other => panic!("{other:?}"),
        }
        let evidence = report.captures.last().expect("evidence");
        let html = evidence.html.as_deref().expect("html");
        assert!(!html.contains("199204722020"), "{html}");
        assert!(html.contains("[personnummer]"), "{html}");
    }

    #[tokio::test]
    async fn a_session_lost_after_the_save_resumes_from_the_checkpoint_after_it() {
        let mut site = new_site();
        // Actions: open, two fills and a click to sign in, the dialog closed, the search
        // filled and clicked, the reference, the save: the 10th, opening the receipt,
        // finds the login page instead.
        site.session_ends_after = Some(10);
        let report = go(&mut site, &job()).await;
        assert!(
            matches!(&report.outcome, Outcome::Done { already_done: false, outputs } if outputs.get("kvitto") == Some(&json!("U-17"))),
            "{:?}",
            report.outcome
        );
        assert_eq!(report.relogins, 1);
        assert_eq!(site.saves, 1, "not saved again");
    }

    #[tokio::test]
    async fn a_session_lost_during_the_save_starts_again_and_finds_the_work_done() {
        let mut site = new_site();
        // The save (9th action) went through, but the answer was the login page.
        site.session_ends_after = Some(9);
        let report = go(&mut site, &job()).await;
        assert!(
            matches!(
                report.outcome,
                Outcome::Done {
                    already_done: true,
                    ..
                }
            ),
            "{:?}",
            report.outcome
        );
        assert_eq!(report.relogins, 1);
        assert_eq!(site.saves, 1, "the check before the write found it");
    }

    #[tokio::test]
    async fn an_unknown_dialog_or_a_missing_element_is_a_system_exception() {
        let mut site = new_site();
        site.shows.insert("start", vec![".dialog"]);
        let report = go(&mut site, &job()).await;
        assert!(
            matches!(&report.outcome, Outcome::System { message, .. } if message.contains("okänd dialogruta")),
            "{:?}",
            report.outcome
        );

        let mut other = new_site();
        other.shows.insert("sok", vec!["#pnr"]);
        let report = go(&mut other, &job()).await;
        assert!(
            matches!(&report.outcome, Outcome::System { step, message } if step == "steps[2]" && message.contains("#sok")),
            "{:?}",
            report.outcome
        );
    }

    #[tokio::test]
    async fn a_job_without_an_input_goes_to_a_person_before_the_browser_is_touched() {
        let mut site = new_site();
        let mut job = job();
        job.remove("arendeId");
        let report = go(&mut site, &job).await;
        assert!(
            matches!(&report.outcome, Outcome::Business { message, .. } if message.contains("arendeId")),
            "{:?}",
            report.outcome
        );
        assert_eq!(site.actions, 0);
    }

    #[tokio::test]
    async fn a_click_until_pages_through_a_list_and_stops_when_there_is_no_next_page() {
        const PAGING: &str = r##"
name = "bläddra"
job_type = "legacy.x"
target = "sim"
ui = "v1"
version = 1
step_timeout_ms = 300
[[steps]]
open = "/sida1"
[[steps]]
click = "#nasta"
until = "#oppet"
[[steps]]
assert = "#oppet"
else = "business"
message = "inget öppet ärende"
"##;
        let script = Script::parse(PAGING, Path::new("t.toml")).expect("loads");
        let login = Login {
            username: "robot1",
            password: "x",
        };
        let list = |last: Vec<&'static str>| {
            let mut site = FakeSite::default();
            site.shows.insert("sida1", vec!["#nasta"]);
            site.shows.insert("sida2", vec!["#nasta"]);
            site.shows.insert("sida3", last);
            site.clicks.insert(("sida1", "#nasta"), "sida2");
            site.clicks.insert(("sida2", "#nasta"), "sida3");
            site
        };

        let mut found = list(vec!["#oppet", "#nasta"]);
        let report = run(
            &script,
            &mut found,
            &Map::new(),
            &login,
            "http://sim",
            false,
        )
        .await;
        assert!(
            matches!(report.outcome, Outcome::Done { .. }),
            "{:?}",
            report.outcome
        );
        assert_eq!(found.screen, "sida3");
        assert_eq!(
            found.actions, 3,
            "opened, then two pages on; not past the row"
        );

        let mut missing = list(vec!["#annat"]);
        let report = run(
            &script,
            &mut missing,
            &Map::new(),
            &login,
            "http://sim",
            false,
        )
        .await;
        assert!(
            matches!(&report.outcome, Outcome::Business { message, .. } if message == "inget öppet ärende"),
            "{:?}",
            report.outcome
        );
        assert_eq!(missing.actions, 3, "the last page has no next");
    }

    #[tokio::test]
    async fn a_job_value_missing_deeper_down_or_unfit_for_its_filter_goes_to_a_person_first() {
        for (job, expected) in [
            (
                json!({"personnummer": "199204722020", "arendeId": {"nr": 1}}),
                "jobbet saknar variabeln arendeId",
            ),
            (
                json!({"personnummer": "92047220", "arendeId": "EB-2026-000001"}),
                "ett värde med 8 tecken passar inte formatet pnr10",
            ),
        ] {
            let mut site = new_site();
            let job = job.as_object().cloned().unwrap_or_default();
            let report = go(&mut site, &job).await;
            assert!(
                matches!(&report.outcome, Outcome::Business { step, message } if step == "inputs" && message == expected),
                "{:?}",
                report.outcome
            );
            assert_eq!(site.actions, 0, "the browser was not touched");
            assert!(report.captures.is_empty());
        }
    }

    #[test]
    fn personnummer_are_masked_in_every_spelling_and_nothing_else() {
        for (text, masked) in [
            ("pnr 199204722020.", "pnr [personnummer]."),
            (
                "920472-2020 och 19920472-2020",
                "[personnummer] och [personnummer]",
            ),
            ("reserv 880209-T050", "reserv [personnummer]"),
            ("<td>9204722020</td>", "<td>[personnummer]</td>"),
            (
                "EB-2026-000001 belopp 12 345",
                "EB-2026-000001 belopp 12 345",
            ),
            ("id 1234567890123", "id 1234567890123"),
        ] {
            assert_eq!(mask_personnummer(text), masked, "{text}");
        }
    }

    #[test]
    fn whitespace_is_compared_as_read() {
        assert_eq!(normalise(" 12\u{a0}345\n kr "), "12 345 kr");
    }
}
