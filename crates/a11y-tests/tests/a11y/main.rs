//! The accessibility suite of the flode admin pages, in one test binary.
//!
//! Runs only with `FLODE_A11Y=1` (set by `scripts/test` after `scripts/install-browser`);
//! without it the test prints a SKIPPED line and passes, so `cargo test` works on a laptop
//! without Chromium. With it, a missing browser fails the test.
//!
//! For every page in `pages.toml` it loads the page (and performs the page's action, such as
//! submitting a form empty), checks the title and HTTP status, runs axe-core, checks the
//! page with the keyboard and saves a full-page screenshot to
//! `target/a11y-screenshots/<slug>.png`. Every problem on every page is printed at the end,
//! then the test fails if there was any.
//!
//! - `app`: the seeded app on `127.0.0.1:0`.
//! - `browser`: chromedriver and headless Chromium.
//! - `catalogue`: `pages.toml`.
//! - `axe`: axe-core in the page.
//! - `keyboard`: Tab order, traps, focus indicators, skip link.
//! - `selftest`: broken fixture pages that the checks must catch.

mod app;
mod axe;
mod catalogue;
mod keyboard;
mod selftest;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::catalogue::Page;
use flode_a11y_tests::browser::{self, Browser, HEIGHT, WIDTH};

/// The environment variable that turns the suite on.
const GATE: &str = "FLODE_A11Y";

/// What was found on one page.
struct PageResult<'a> {
    page: &'a Page,
    path: String,
    violations: Vec<axe::Violation>,
    allowed: Vec<String>,
    /// axe's "needs review" rules.
    incomplete: Vec<String>,
    keyboard: keyboard::Report,
    errors: Vec<String>,
}

impl PageResult<'_> {
    fn failed(&self) -> bool {
        !self.violations.is_empty() || !self.keyboard.failures.is_empty() || !self.errors.is_empty()
    }
}

#[test]
fn every_admin_page_is_accessible() {
    if std::env::var(GATE).as_deref() != Ok("1") {
        say(&format!(
            "\n*** SKIPPED: flode-a11y-tests did not run: set {GATE}=1 (scripts/test does; \
             it needs scripts/install-browser) ***\n"
        ));
        return;
    }
    browser::require_installed();
    let catalogue = catalogue::load();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let started = Instant::now();
        let app = app::start().await;
        let browser = Browser::start().await;
        let shots = screenshot_dir();
        let missed = selftest::run(&browser.client).await;
        let mut results = Vec::new();
        let mut signed_in = false;
        for page in &catalogue.page {
            if page.signed_in != signed_in {
                let changed = if page.signed_in {
                    sign_in(&browser.client, &app.base_url).await
                } else {
                    browser
                        .client
                        .delete_all_cookies()
                        .await
                        .map_err(|e| format!("signing out: {e}"))
                };
                changed.expect("switching between signed in and signed out");
                signed_in = page.signed_in;
            }
            let result = check_page(&browser.client, &app, page, &shots).await;
            say(&format!(
                "a11y: {} {:<24} {:<58} axe {:>2}, keyboard {:>2} stops{}{}",
                if result.failed() { "FAIL" } else { "ok  " },
                page.slug,
                result.path,
                result.violations.len(),
                result.keyboard.stops,
                if result.keyboard.scroller_stops > 0 {
                    format!(" (+{} scrollable)", result.keyboard.scroller_stops)
                } else {
                    String::new()
                },
                if result.incomplete.is_empty() {
                    String::new()
                } else {
                    format!("; for a person to review: {}", result.incomplete.join(", "))
                }
            ));
            results.push(result);
        }
        browser.stop().await;
        say(&format!(
            "a11y: {} pages in {:.1} s; screenshots in {}",
            results.len(),
            started.elapsed().as_secs_f64(),
            shots.display()
        ));
        assert!(
            missed.is_empty(),
            "the harness itself is broken:\n{}",
            missed.join("\n")
        );
        let report = report(&results);
        assert!(report.is_empty(), "accessibility problems:\n{report}");
    });
}

/// Prints a line past the test harness's output capture, so it shows on success too.
fn say(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// `target/a11y-screenshots`, beside the test binary's `debug/` directory.
fn screenshot_dir() -> PathBuf {
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            // target/<profile>/deps/a11y-<hash>
            let deps = exe.parent()?;
            (deps.file_name()? == "deps").then(|| deps.parent()?.parent().map(PathBuf::from))?
        })
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("a11y-screenshots");
    std::fs::create_dir_all(&dir).expect("create target/a11y-screenshots");
    dir
}

async fn check_page<'a>(
    client: &Client,
    app: &app::App,
    page: &'a Page,
    shots: &std::path::Path,
) -> PageResult<'a> {
    let path = page.path(&app.ids);
    let mut result = PageResult {
        page,
        path: path.clone(),
        violations: Vec::new(),
        allowed: Vec::new(),
        incomplete: Vec::new(),
        keyboard: keyboard::Report::default(),
        errors: Vec::new(),
    };
    if let Err(e) = open(client, &app.base_url, &path, page).await {
        result.errors.push(e);
        return result;
    }
    match axe::run(client).await {
        Ok(findings) => {
            result.incomplete = findings.incomplete;
            for v in findings.violations {
                if page.allows(&v.id) {
                    result.allowed.push(v.id);
                } else {
                    result.violations.push(v);
                }
            }
        }
        Err(e) => result.errors.push(e),
    }
    if let Err(e) = screenshot(client, &shots.join(format!("{}.png", page.slug))).await {
        result.errors.push(e);
    }
    match keyboard::check(client).await {
        Ok(report) => result.keyboard = report,
        Err(e) => result.errors.push(e),
    }
    result
}

/// Loads the page, performs its action and checks that the right page is shown.
async fn open(client: &Client, base: &str, path: &str, page: &Page) -> Result<(), String> {
    client
        .goto(&format!("{base}{path}"))
        .await
        .map_err(|e| format!("loading {path} failed: {e}"))?;
    if let Some(action) = &page.action {
        for fill in &action.fill {
            let field = client
                .find(Locator::Css(&fill.selector))
                .await
                .map_err(|e| format!("{}: no field {:?}: {e}", action.does, fill.selector))?;
            field
                .clear()
                .await
                .map_err(|e| format!("{}: clearing {:?}: {e}", action.does, fill.selector))?;
            field
                .send_keys(&fill.text)
                .await
                .map_err(|e| format!("{}: typing into {:?}: {e}", action.does, fill.selector))?;
        }
        for selector in &action.choose {
            client
                .find(Locator::Css(selector))
                .await
                .map_err(|e| format!("{}: no choice {selector:?}: {e}", action.does))?
                .send_keys(" ")
                .await
                .map_err(|e| format!("{}: choosing {selector:?}: {e}", action.does))?;
        }
        let button = client
            .find(Locator::Css(&action.submit))
            .await
            .map_err(|e| format!("{}: no button {:?}: {e}", action.does, action.submit))?;
        client
            .execute("window.__a11yBefore = true;", vec![])
            .await
            .map_err(|e| format!("{}: {e}", action.does))?;
        // Enter on the button, not a click: the mouse stays out of the page, so no hover
        // style disturbs the focus check.
        button
            .send_keys(&char::from(fantoccini::key::Key::Enter).to_string())
            .await
            .map_err(|e| format!("{}: pressing {:?}: {e}", action.does, action.submit))?;
        wait_for_new_page(client)
            .await
            .map_err(|e| format!("{}: {e}", action.does))?;
    }
    let title = client
        .title()
        .await
        .map_err(|e| format!("reading the title failed: {e}"))?;
    if !title.contains(&page.expect_title) {
        return Err(format!(
            "the title is {title:?}, expected it to contain {:?}: not the page or state under test",
            page.expect_title
        ));
    }
    let status = client
        .execute(
            "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : null;",
            vec![],
        )
        .await
        .map_err(|e| format!("reading the status failed: {e}"))?;
    if status.as_u64() != Some(u64::from(page.status)) {
        return Err(format!(
            "HTTP status {status}, expected {} (title {title:?})",
            page.status
        ));
    }
    Ok(())
}

/// Signs the browser in through the sign-in form, as a person would.
async fn sign_in(client: &Client, base: &str) -> Result<(), String> {
    client
        .goto(&format!("{base}/logga-in"))
        .await
        .map_err(|e| format!("loading the sign-in page: {e}"))?;
    for (selector, text) in [("#username", app::USER), ("#password", app::PASSWORD)] {
        client
            .find(Locator::Css(selector))
            .await
            .map_err(|e| format!("sign-in field {selector}: {e}"))?
            .send_keys(text)
            .await
            .map_err(|e| format!("typing into {selector}: {e}"))?;
    }
    client
        .execute("window.__a11yBefore = true;", vec![])
        .await
        .map_err(|e| format!("signing in: {e}"))?;
    client
        .find(Locator::Css(
            "form[action='/logga-in'] button[type='submit']",
        ))
        .await
        .map_err(|e| format!("the sign-in button: {e}"))?
        .click()
        .await
        .map_err(|e| format!("pressing the sign-in button: {e}"))?;
    wait_for_new_page(client).await?;
    let title = client.title().await.map_err(|e| format!("title: {e}"))?;
    // In Swedish or, once the language cookie says so, in English.
    if title.contains("Logga in") || title.contains("Sign in") {
        return Err(format!(
            "still on the sign-in page after signing in: {title:?}"
        ));
    }
    Ok(())
}

/// Waits until the page that set `window.__a11yBefore` is replaced and the new one loaded.
async fn wait_for_new_page(client: &Client) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let done = client
            .execute(
                "return !window.__a11yBefore && document.readyState === 'complete';",
                vec![],
            )
            .await
            .map(|v| v.as_bool() == Some(true))
            // The old document may be gone mid-navigation: try again.
            .unwrap_or(false);
        if done {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("the form was not submitted within 10 s".to_owned());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A full-page PNG: the window is made as tall as the page, then put back.
async fn screenshot(client: &Client, file: &std::path::Path) -> Result<(), String> {
    let measure = async || -> Result<(u32, u32), String> {
        let v = client
            .execute(
                "return [Math.ceil(document.documentElement.scrollHeight), window.innerHeight];",
                vec![],
            )
            .await
            .map_err(|e| format!("measuring the page failed: {e}"))?;
        let n = |i: usize| {
            v.get(i)
                .and_then(serde_json::Value::as_u64)
                .and_then(|h| u32::try_from(h).ok())
                .unwrap_or(HEIGHT)
        };
        Ok((n(0), n(1)))
    };
    let (page, viewport) = measure().await?;
    // The window is a little taller than the viewport in it.
    let chrome = HEIGHT.saturating_sub(viewport);
    let height = page.clamp(HEIGHT - chrome, 12_000) + chrome;
    let resize = |h| client.set_window_size(WIDTH, h);
    resize(height)
        .await
        .map_err(|e| format!("resizing the window failed: {e}"))?;
    let png = client.screenshot().await;
    resize(HEIGHT)
        .await
        .map_err(|e| format!("resizing the window back failed: {e}"))?;
    let png = png.map_err(|e| format!("screenshot failed: {e}"))?;
    std::fs::write(file, png).map_err(|e| format!("writing {}: {e}", file.display()))
}

/// Every problem, page by page; empty if there are none.
fn report(results: &[PageResult<'_>]) -> String {
    let mut out = String::new();
    for r in results.iter().filter(|r| r.failed()) {
        let _ = writeln!(
            out,
            "\n== {} ({}): {}",
            r.page.slug, r.path, r.page.description
        );
        if let Some(action) = &r.page.action {
            let _ = writeln!(out, "   after: {}", action.does);
        }
        for e in &r.errors {
            let _ = writeln!(out, "   error: {e}");
        }
        for v in &r.violations {
            let _ = writeln!(
                out,
                "   axe {} [{}]: {}\n       {}",
                v.id,
                v.impact.as_deref().unwrap_or("?"),
                v.help,
                v.help_url
            );
            for n in &v.nodes {
                let _ = writeln!(out, "       - target: {}", n.target());
                let _ = writeln!(out, "         html:   {}", n.html);
                if let Some(summary) = &n.failure_summary {
                    for line in summary.lines() {
                        let _ = writeln!(out, "         {line}");
                    }
                }
            }
        }
        for f in &r.keyboard.failures {
            let _ = writeln!(out, "   keyboard: {f}");
        }
    }
    let allowed: Vec<String> = results
        .iter()
        .filter(|r| !r.allowed.is_empty())
        .map(|r| format!("{}: {}", r.page.slug, r.allowed.join(", ")))
        .collect();
    if !allowed.is_empty() {
        say(&format!(
            "a11y: allowed by pages.toml: {}",
            allowed.join("; ")
        ));
    }
    out
}
