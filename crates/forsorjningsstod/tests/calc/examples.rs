//! The five worked examples of ekonomiskt-bistand.md §7, read from
//! docs/examples/forsorjningsstod/, with the totals and result the notes give.

use flode_forsorjningsstod::{Calculation, Outcome, Section};

use crate::helpers::{calc, example};

/// The totals of a calculation, in the order the notes give them.
#[derive(Debug, PartialEq, Eq)]
struct Totals {
    norm: i64,
    costs: i64,
    need: i64,
    income: i64,
    result: i64,
    outcome: Outcome,
    support: i64,
}

fn totals(c: &Calculation) -> Totals {
    Totals {
        norm: c.norm_total,
        costs: c.costs_total,
        need: c.need,
        income: c.income,
        result: c.result,
        outcome: c.outcome,
        support: c.support,
    }
}

fn amounts(c: &Calculation, section: Section, kind: &str) -> Vec<i64> {
    c.rows
        .iter()
        .filter(|r| r.section == section && r.kind == kind)
        .map(|r| r.amount)
        .collect()
}

#[test]
fn ex1_ensamstaende_2026() {
    let c = calc(&example("ex1-ensamstaende")).expect("calculates");
    assert_eq!(
        totals(&c),
        Totals {
            norm: 5220,
            costs: 6850,
            need: 12070,
            income: 7480,
            result: 4590,
            outcome: Outcome::Deficit,
            support: 4590,
        }
    );
    // A-kassa is not anställning: no jobbstimulans.
    assert!(amounts(&c, Section::Income, "job_stimulus").is_empty());
    assert!(c.norm.confirmed);
}

#[test]
fn ex2_sambor_with_jobbstimulans_2026() {
    let input = example("ex2-sambor-jobbstimulans");
    let c = calc(&input).expect("calculates");
    assert_eq!(
        totals(&c),
        Totals {
            norm: 8510,
            costs: 9050,
            need: 17560,
            income: 6750,
            result: 10810,
            outcome: Outcome::Deficit,
            support: 10810,
        }
    );
    assert_eq!(amounts(&c, Section::Income, "job_stimulus"), [-2250]);

    // Without jobbstimulans (fewer than 6 months in a row): 8 560.
    let mut early = input;
    early["consecutive_months_on_support"] = 3.into();
    let c = calc(&early).expect("calculates");
    assert_eq!((c.income, c.result), (9000, 8560));
}

#[test]
fn ex3_single_parent_two_children_2021() {
    let c = calc(&example("ex3-ensamstaende-foralder")).expect("calculates");
    assert_eq!(
        totals(&c),
        Totals {
            norm: 9630,
            costs: 8960,
            need: 18590,
            income: 7450,
            result: 11140,
            outcome: Outcome::Deficit,
            support: 11140,
        }
    );
    // Adult 3 160 + child 7 år 3 060 + child 3 år with lunch at förskola 1 990.
    assert_eq!(
        amounts(&c, Section::Norm, "personal_cost"),
        [3160, 3060, 1990]
    );
    assert_eq!(amounts(&c, Section::Norm, "common_cost"), [1420]);
}

#[test]
fn ex4_umgangesbarn_8_of_30_days_2021() {
    let c = calc(&example("ex4-umgangesbarn")).expect("calculates");
    assert_eq!(
        totals(&c),
        Totals {
            norm: 5025,
            costs: 6340,
            need: 11365,
            income: 7200,
            result: 4165,
            outcome: Outcome::Deficit,
            support: 4165,
        }
    );
    // 3 060 × 8/30 = 816; common 1 020 + 110 × 8/30 = 1 020 + 29.
    assert_eq!(amounts(&c, Section::Norm, "personal_cost"), [3160, 816]);
    assert_eq!(amounts(&c, Section::Norm, "common_cost"), [1020, 29]);
}

#[test]
fn ex5_adult_sharing_her_parents_home_is_refused_with_a_reason_2021() {
    let c = calc(&example("ex5-delat-boende")).expect("calculates");
    // The notes give 3 562.50, 5 062.50 and −737.50; flode rounds each row to whole kronor
    // (1 610 ÷ 4 = 402.50 → 403), so one krona moves.
    assert_eq!(
        totals(&c),
        Totals {
            norm: 3563,
            costs: 1500,
            need: 5063,
            income: 5800,
            result: -737,
            outcome: Outcome::Surplus,
            support: 0,
        }
    );
    // Three months in a row: no jobbstimulans.
    assert!(amounts(&c, Section::Income, "job_stimulus").is_empty());
    // FL 32 §: the decision must give its reason.
    assert!(c.reason.contains("överskott 737 kr"), "{}", c.reason);
    assert!(c.reason.contains("Förslag: avslag"), "{}", c.reason);
}
