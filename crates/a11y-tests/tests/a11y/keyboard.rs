//! The keyboard check: Tab from the top of the page must land on the skip link first, then
//! visit every focusable element in DOM order without getting stuck, each with a visible
//! focus indicator; the skip link must move focus to `<main>`.
//!
//! Keys are sent with the WebDriver actions API, so Chromium treats them as real keyboard
//! input (`:focus-visible` applies). Which elements should be reached is computed in the
//! page before the first key; Chromium may also stop on scrollable regions that contain
//! nothing focusable, which is allowed (and also needs a visible indicator).

use fantoccini::Client;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde::Deserialize;

/// Marks the elements Tab should reach, in DOM order, and remembers their unfocused style.
const PREPARE: &str = r#"
const SELECTOR = 'a[href], area[href], button, input, select, textarea, summary, iframe, '
  + '[tabindex], [contenteditable=""], [contenteditable="true"], audio[controls], video[controls]';
const a11y = window.__a11y = {};
a11y.describe = (el) => {
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  if (el.classList.length) d += '.' + [...el.classList].join('.');
  const href = el.getAttribute('href');
  if (href) d += '[href="' + href + '"]';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
  if (text) d += ' "' + text.slice(0, 60) + '"';
  return d;
};
a11y.style = (el) => {
  const cs = getComputedStyle(el);
  return {
    outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor,
    outlineVisible: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0
      && cs.outlineColor !== 'rgba(0, 0, 0, 0)' && cs.outlineColor !== 'transparent',
    boxShadow: cs.boxShadow,
    background: cs.backgroundColor,
    border: cs.borderColor + ' ' + cs.borderWidth,
  };
};
a11y.scroller = (el) => {
  const cs = getComputedStyle(el);
  const x = el.scrollWidth > el.clientWidth && /(auto|scroll)/.test(cs.overflowX);
  const y = el.scrollHeight > el.clientHeight && /(auto|scroll)/.test(cs.overflowY);
  return x || y;
};
const hiddenByDetails = (el) => {
  for (let d = el.parentElement; d; d = d.parentElement) {
    if (d.tagName === 'DETAILS' && !d.open && d.querySelector(':scope > summary') !== el) {
      return true;
    }
  }
  return false;
};
const rendered = (el) => el.getClientRects().length > 0
  && getComputedStyle(el).visibility !== 'hidden';
const stops = [];
const positive = [];
for (const el of document.querySelectorAll(SELECTOR)) {
  el.removeAttribute('data-a11y-stop');
  if (el.disabled || el.tabIndex < 0 || el.closest('[inert]') || !rendered(el)
      || hiddenByDetails(el)) {
    continue;
  }
  // A radio group is one Tab stop: its checked radio, or its first when none is checked
  // (HTML's sequential focus navigation); the arrow keys move within it.
  if (el.type === 'radio' && el.name) {
    const group = 'input[type="radio"][name="' + CSS.escape(el.name) + '"]';
    const scope = el.form || document;
    const stop = scope.querySelector(group + ':checked') || scope.querySelector(group);
    if (stop !== el) continue;
  }
  if (el.tabIndex > 0) positive.push(a11y.describe(el));
  el.setAttribute('data-a11y-stop', String(stops.length));
  stops.push(el);
}
a11y.baseline = stops.map(a11y.style);
const main = document.getElementById('main');
const firstInMain = stops.findIndex((el) => main && main.contains(el));
const skip = stops[0];
return {
  stops: stops.map(a11y.describe),
  positive,
  firstInMain: firstInMain < 0 ? null : firstInMain,
  skipLink: !!skip && skip.matches('a.skip-link') && skip.getAttribute('href') === '#main',
};
"#;

/// Where focus is now, and whether it can be seen.
const STATE: &str = r#"
const a11y = window.__a11y;
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) {
  return { kind: 'none' };
}
const attr = el.getAttribute('data-a11y-stop');
const index = attr === null ? null : Number(attr);
const now = a11y.style(el);
const before = index === null ? null : a11y.baseline[index];
const reasons = [];
if (now.outlineVisible && (!before || now.outline !== before.outline || !before.outlineVisible)) {
  reasons.push('outline ' + now.outline);
}
if (now.boxShadow !== 'none' && (!before || now.boxShadow !== before.boxShadow)) {
  reasons.push('box-shadow ' + now.boxShadow);
}
if (before && now.background !== before.background) {
  reasons.push('background ' + before.background + ' -> ' + now.background);
}
if (before && now.border !== before.border) {
  reasons.push('border ' + before.border + ' -> ' + now.border);
}
const r = el.getBoundingClientRect();
const inView = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
  && r.top < window.innerHeight && r.left < window.innerWidth;
return {
  kind: index === null ? 'other' : 'stop',
  index,
  id: el.id || null,
  describe: a11y.describe(el),
  indicator: reasons,
  inView,
  scroller: a11y.scroller(el),
};
"#;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Prepared {
    stops: Vec<String>,
    positive: Vec<String>,
    first_in_main: Option<usize>,
    skip_link: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Focus {
    kind: String,
    #[serde(default)]
    index: Option<usize>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    describe: String,
    #[serde(default)]
    indicator: Vec<String>,
    #[serde(default)]
    in_view: bool,
    #[serde(default)]
    scroller: bool,
}

/// What the keyboard check found on one page.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// How many elements Tab should reach.
    pub(crate) stops: usize,
    /// Scrollable regions Chromium also stopped on.
    pub(crate) scroller_stops: usize,
    pub(crate) failures: Vec<String>,
}

async fn press(client: &Client, key: Key) -> Result<(), String> {
    let k: char = key.into();
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: k })
        .then(KeyAction::Up { value: k });
    client
        .perform_actions(actions)
        .await
        .map_err(|e| format!("sending {key:?} failed: {e}"))
}

async fn focus(client: &Client) -> Result<Focus, String> {
    let raw = client
        .execute(STATE, vec![])
        .await
        .map_err(|e| format!("reading the focused element failed: {e}"))?;
    serde_json::from_value(raw).map_err(|e| format!("unexpected focus state: {e}"))
}

/// Runs the check on the page as it is now, with nothing focused yet.
pub(crate) async fn check(client: &Client) -> Result<Report, String> {
    let raw = client
        .execute(PREPARE, vec![])
        .await
        .map_err(|e| format!("preparing the keyboard check failed: {e}"))?;
    let prepared: Prepared =
        serde_json::from_value(raw).map_err(|e| format!("unexpected stop list: {e}"))?;
    let mut report = Report {
        stops: prepared.stops.len(),
        ..Report::default()
    };
    let failures = &mut report.failures;
    for p in &prepared.positive {
        failures.push(format!(
            "positive tabindex changes the Tab order: {p} (use 0 or DOM order)"
        ));
    }
    if !prepared.skip_link {
        failures.push(format!(
            "the first focusable element is not the skip link a.skip-link[href=\"#main\"] but {}",
            prepared.stops.first().map_or("nothing", String::as_str)
        ));
    }

    // Tab through the page.
    let mut next = 0;
    let limit = prepared.stops.len() + 20;
    let mut left = false;
    let mut trapped = false;
    for press_no in 1..=limit {
        press(client, Key::Tab).await?;
        let f = focus(client).await?;
        match (f.kind.as_str(), f.index) {
            ("none", _) => {
                left = true;
                break;
            }
            ("stop", Some(i)) => {
                if i == 0 && next > 0 {
                    // Wrapped round to the top: every stop was visited.
                    left = true;
                    break;
                }
                if press_no == 1 && i != 0 {
                    failures.push(format!(
                        "the first Tab lands on {}, not on the skip link",
                        f.describe
                    ));
                }
                if i + 1 == next {
                    failures.push(format!(
                        "focus stuck on {} after Tab: a keyboard trap",
                        f.describe
                    ));
                    trapped = true;
                    break;
                }
                if i != next {
                    failures.push(format!(
                        "Tab order: expected {} (stop {next}) but focus went to {} (stop {i})",
                        prepared.stops.get(next).map_or("the end", String::as_str),
                        f.describe
                    ));
                    if i < next {
                        failures.push(format!("focus went backwards at {}", f.describe));
                        trapped = true;
                        break;
                    }
                }
                next = i + 1;
                check_visible(&f, failures);
            }
            _ if f.scroller => {
                report.scroller_stops += 1;
                check_visible(&f, failures);
            }
            _ => failures.push(format!(
                "Tab stopped on {}, which is not in the expected list (tabindex, hidden?)",
                f.describe
            )),
        }
    }
    if trapped {
        // Reported above.
    } else if !left {
        failures.push(format!(
            "focus did not leave the page after {limit} Tabs: a keyboard trap near {}",
            prepared
                .stops
                .get(next.saturating_sub(1))
                .map_or("the start", String::as_str)
        ));
    } else if next < prepared.stops.len() {
        failures.push(format!(
            "Tab reached {next} of {} elements; never reached {}",
            prepared.stops.len(),
            prepared.stops[next]
        ));
    }

    // The skip link: Enter moves focus to <main>, the next Tab to the first control in it.
    if prepared.skip_link {
        client
            .execute("document.querySelector('a.skip-link').focus();", vec![])
            .await
            .map_err(|e| format!("focusing the skip link failed: {e}"))?;
        press(client, Key::Enter).await?;
        let f = focus(client).await?;
        if f.id.as_deref() != Some("main") {
            failures.push(format!(
                "the skip link moved focus to {} instead of <main id=\"main\">",
                if f.kind == "none" {
                    "the page body"
                } else {
                    f.describe.as_str()
                }
            ));
        } else if let Some(first) = prepared.first_in_main {
            press(client, Key::Tab).await?;
            let f = focus(client).await?;
            if f.index != Some(first) {
                failures.push(format!(
                    "after the skip link, Tab went to {} instead of {}",
                    f.describe, prepared.stops[first]
                ));
            }
        }
    }
    Ok(report)
}

fn check_visible(f: &Focus, failures: &mut Vec<String>) {
    if f.indicator.is_empty() {
        failures.push(format!(
            "no visible focus indicator on {} (outline, box-shadow, background and border unchanged)",
            f.describe
        ));
    }
    if !f.in_view {
        failures.push(format!("{} is focused but off screen", f.describe));
    }
}
