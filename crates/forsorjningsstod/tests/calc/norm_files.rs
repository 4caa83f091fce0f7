//! Norm files from a directory (`flode calc forsorjningsstod --norms DIR`): a new year is a
//! file, a figure that is not confirmed is flagged, a broken file is refused.

use std::path::PathBuf;

use flode_forsorjningsstod::{Error, Household, Norms, Provenance, calculate};

use crate::helpers::example;

fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    // A leftover from an earlier run would only be overwritten below.
    std::fs::create_dir_all(&dir).expect("create dir");
    dir
}

const SHIPPED_2026: &str = include_str!("../../norms/riksnorm-2026.dmn");

#[test]
fn a_new_year_is_a_file_and_an_estimate_is_flagged() {
    let dir = dir("norms-2027");
    let estimated = SHIPPED_2026
        .replace("Riksnorm 2026", "Riksnorm 2027")
        .replace("riksnorm/2026", "riksnorm/2027")
        .replace("riksnorm-2026", "riksnorm-2027")
        .replacen("<text>5220</text>", "<text>5300</text>", 1)
        .replacen(r#"<text>"C"</text>"#, r#"<text>"E"</text>"#, 1);
    std::fs::write(dir.join("riksnorm-2027.dmn"), estimated).expect("write");
    std::fs::write(dir.join("README.txt"), "not a norm").expect("write");

    let norms = Norms::shipped_and_dir(&dir).expect("loads");
    let mut input = example("ex1-ensamstaende");
    input["month"] = "2027-01".into();
    let household = Household::from_value(&input).expect("valid");
    let c = calculate(&norms, &household).expect("calculates");
    assert_eq!(c.norm_total, 5300);
    assert_eq!(c.rows[0].provenance, Some(Provenance::Estimated));
    assert!(!c.norm.confirmed);
    assert!(
        c.reason.contains("får inte ligga till grund för beslut"),
        "{}",
        c.reason
    );
    assert!(c.to_string().contains("[ej bekräftat belopp]"));
}

#[test]
fn a_broken_norm_file_is_refused_when_loaded() {
    let dir = dir("norms-broken");
    // The sambor total without its source.
    let source = r#""regeringen.se, Riksnorm för 2026 fastställd (nov 2025)""#;
    let at = SHIPPED_2026.rfind(source).expect("a source");
    let broken = format!(
        "{}\"\"{}",
        &SHIPPED_2026[..at],
        &SHIPPED_2026[at + source.len()..]
    );
    std::fs::write(dir.join("riksnorm-2028.dmn"), broken).expect("write");
    let err = Norms::shipped_and_dir(&dir).expect_err("refused");
    assert!(
        matches!(err, Error::NormInvalid { year: 2028, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("every figure needs a source"),
        "{err}"
    );
}
