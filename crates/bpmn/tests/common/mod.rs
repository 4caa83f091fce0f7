//! Helpers shared by the conformance import tests.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use flode_bpmn::Problem;

/// `/work/shared/conformance/<name>`, relative to this crate. `None` (after a loud warning)
/// when the shared data is missing outside CI; panics when it is missing in CI.
pub fn conformance_dir(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance")
        .join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "conformance data missing: {} does not exist (CI is set, so this is an error)",
            dir.display()
        );
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         WARNING: conformance data missing at {}; SKIPPING this test.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
        dir.display()
    );
    None
}

/// Files in `dir` whose names end with `suffix`, sorted.
pub fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

/// Why a problem is imprecise, if it is: it must name an element that exists in the file,
/// by id when that element has one.
pub fn imprecision(xml: &str, p: &Problem) -> Option<String> {
    if p.element.is_empty() {
        return Some(format!("{p}: no element name"));
    }
    if p.message.trim().is_empty() {
        return Some(format!("{p}: no message"));
    }
    let doc = roxmltree::Document::parse(xml).expect("the file was parsed before");
    let mut candidates = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == p.element);
    let found = match &p.element_id {
        Some(id) => candidates.any(|n| n.attribute("id") == Some(id.as_str())),
        None => candidates.any(|n| n.attribute("id").is_none_or(|id| id.trim().is_empty())),
    };
    if found {
        None
    } else {
        Some(format!(
            "{p}: no <{}> element {} in the file",
            p.element,
            match &p.element_id {
                Some(id) => format!("with id \"{id}\""),
                None => "without an id".into(),
            }
        ))
    }
}
