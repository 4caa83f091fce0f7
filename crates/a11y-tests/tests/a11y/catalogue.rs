//! The page catalogue, `pages.toml`: which pages to visit and how to bring each into the
//! state under test.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Catalogue {
    pub(crate) page: Vec<Page>,
}

/// One page, or one state of a page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    pub(crate) slug: String,
    pub(crate) route: String,
    pub(crate) description: String,
    pub(crate) expect_title: String,
    /// The HTTP status of the page (after the action, if any); 200 unless given.
    #[serde(default = "ok")]
    pub(crate) status: u16,
    #[serde(default)]
    pub(crate) action: Option<Action>,
    #[serde(default)]
    pub(crate) allow: Vec<Allow>,
    /// Visit signed in (the default) or signed out.
    #[serde(default = "yes")]
    pub(crate) signed_in: bool,
}

/// What to do on the loaded page before checking it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Action {
    pub(crate) does: String,
    #[serde(default)]
    pub(crate) fill: Vec<Fill>,
    /// Radio buttons and checkboxes to select (with the space bar), by css selector.
    #[serde(default)]
    pub(crate) choose: Vec<String>,
    pub(crate) submit: String,
}

/// Text to type into a field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fill {
    pub(crate) selector: String,
    pub(crate) text: String,
}

/// An axe rule this page may violate, and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Allow {
    pub(crate) rule: String,
    pub(crate) reason: String,
}

fn ok() -> u16 {
    200
}

fn yes() -> bool {
    true
}

/// The catalogue shipped with the crate.
pub(crate) const PAGES_TOML: &str = include_str!("../../pages.toml");

/// Parses and checks the catalogue.
pub(crate) fn load() -> Catalogue {
    let catalogue: Catalogue = toml::from_str(PAGES_TOML).expect("pages.toml parses");
    let mut slugs = HashSet::new();
    for p in &catalogue.page {
        assert!(
            !p.slug.is_empty()
                && p.slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "pages.toml: slug {:?} must be lowercase ASCII letters, digits and '-'",
            p.slug
        );
        assert!(slugs.insert(&p.slug), "pages.toml: slug {:?} twice", p.slug);
        assert!(p.route.starts_with('/'), "pages.toml: route {:?}", p.route);
        for a in &p.allow {
            assert!(
                !a.reason.trim().is_empty(),
                "pages.toml: {}: allowing {:?} needs a reason",
                p.slug,
                a.rule
            );
        }
    }
    catalogue
}

impl Page {
    /// The route with `{placeholders}` replaced by the seeded ids.
    pub(crate) fn path(&self, ids: &BTreeMap<&'static str, String>) -> String {
        let mut path = self.route.clone();
        for (name, id) in ids {
            path = path.replace(&format!("{{{name}}}"), id);
        }
        assert!(
            !path.contains('{'),
            "pages.toml: {}: unknown placeholder in {:?}; known: {:?}",
            self.slug,
            self.route,
            ids.keys().collect::<Vec<_>>()
        );
        path
    }

    /// Is this axe rule allowed to fail here?
    pub(crate) fn allows(&self, rule: &str) -> bool {
        self.allow.iter().any(|a| a.rule == rule)
    }
}
