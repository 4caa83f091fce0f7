//! Accessibility tests of the flode admin pages.
//!
//! This library is empty on purpose: the suite is the integration test `tests/a11y`, which
//! serves `flode-web` on a temporary SQLite store, drives headless Chromium through
//! chromedriver and runs the vendored axe-core (`assets/axe.min.js`) and a keyboard check
//! on every page listed in `pages.toml`. It runs only with `FLODE_A11Y=1` (set by
//! `scripts/test`, after `scripts/install-browser`).
