//! Browser tests of flode: accessibility and end to end.
//!
//! The accessibility suite is the integration test `tests/a11y`, which serves `flode-web` on
//! a temporary SQLite store, drives headless Chromium through chromedriver and runs the
//! vendored axe-core (`assets/axe.min.js`) and a keyboard check on every page listed in
//! `pages.toml`. The end-to-end test of ekonomiskt bistånd (`crates/flode/tests/e2e.rs`)
//! drives the real `flode serve` binary with the same browser. Both run only with
//! `FLODE_A11Y=1` (set by `scripts/test`, after `scripts/install-browser`).
//!
//! This library holds what they share: [`browser`], the headless Chromium session.

pub mod browser;
