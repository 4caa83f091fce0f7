//! Properties over generated households: support follows income and costs the right way,
//! is never negative, every row explains itself, and JSON and typed input agree.

use flode_forsorjningsstod::{
    Calculation, CostInput, CostKind, Household, HouseholdInput, IncomeInput, IncomeKind,
    MemberInput, Norms, Role, Section, calculate,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn member(id: String, role: Role, age: u32) -> MemberInput {
    MemberInput::new(&id, role, age)
}

/// Households the shipped norms can calculate: 2021 with children, umgängesbarn and shared
/// homes; 2026 adults only (the only confirmed figures of that year).
fn household() -> impl Strategy<Value = HouseholdInput> {
    let adults = (
        18u32..80,
        proptest::option::of((18u32..80, proptest::option::of(0u32..30))),
    );
    let children = proptest::collection::vec(
        (0u32..=20, any::<bool>(), proptest::option::of(1u32..=28)),
        0..4,
    );
    let costs = proptest::collection::vec(
        (
            proptest::sample::select(CostKind::ALL),
            0i64..20_000,
            proptest::option::of(0.0f64..=1.0),
        ),
        0..5,
    );
    let incomes = proptest::collection::vec(
        (
            any::<bool>(),
            proptest::sample::select(IncomeKind::ALL),
            0i64..30_000,
        ),
        0..4,
    );
    (
        any::<bool>(),
        1u32..=12,
        adults,
        children,
        costs,
        incomes,
        0u32..40,
        proptest::option::of(1u32..4),
    )
        .prop_map(
            |(in_2026, month, (age, co), children, costs, incomes, consecutive, shared)| {
                let mut members = vec![member("sokande".into(), Role::Applicant, age)];
                if let Some((age, used)) = co {
                    let mut m = member("medsokande".into(), Role::CoApplicant, age);
                    m.job_stimulus_months_used = used;
                    members.push(m);
                }
                let adults = members.len();
                if !in_2026 {
                    for (i, (age, lunch, days)) in children.into_iter().enumerate() {
                        let mut m = member(format!("barn{i}"), Role::Child, age);
                        m.lunch_outside_home = lunch && age < 7;
                        m.days_in_household = days;
                        members.push(m);
                    }
                }
                let has_part_time = members.iter().any(|m| m.days_in_household.is_some());
                // A shared home without umgängesbarn (that combination is refused), and
                // never in 2026.
                let shared_home_persons = shared
                    .filter(|_| !in_2026 && !has_part_time)
                    .map(|extra| members.len() as u32 + extra);
                let costs = costs
                    .into_iter()
                    .map(|(kind, applied, share)| CostInput {
                        kind,
                        applied,
                        approved: share.map(|s| (applied as f64 * s) as i64),
                        member: None,
                    })
                    .collect();
                // Incomes of adults only: children's own earnings are not calculated yet.
                let incomes = incomes
                    .into_iter()
                    .map(|(second, kind, amount)| IncomeInput {
                        member: members[usize::from(second) % adults].id.clone(),
                        kind,
                        amount,
                        source: None,
                    })
                    .collect();
                HouseholdInput {
                    month: format!("{}-{month:02}", if in_2026 { 2026 } else { 2021 }),
                    members,
                    shared_home_persons,
                    costs,
                    incomes,
                    consecutive_months_on_support: consecutive,
                }
            },
        )
}

fn run(norms: &Norms, input: &HouseholdInput) -> Calculation {
    let household = Household::parse(input.clone()).expect("generated input is valid");
    calculate(norms, &household).expect("generated household calculates")
}

/// The same input as JSON, to check that the JSON reader reads every field.
fn to_json(input: &HouseholdInput) -> Value {
    json!({
        "month": input.month,
        "members": input.members.iter().map(|m| json!({
            "id": m.id,
            "role": m.role.code(),
            "age": m.age,
            "lunch_outside_home": m.lunch_outside_home,
            "days_in_household": m.days_in_household,
            "job_stimulus_months_used": m.job_stimulus_months_used,
        })).collect::<Vec<_>>(),
        "shared_home_persons": input.shared_home_persons,
        "costs": input.costs.iter().map(|c| json!({
            "kind": c.kind.code(), "applied": c.applied, "approved": c.approved, "member": c.member,
        })).collect::<Vec<_>>(),
        "incomes": input.incomes.iter().map(|i| json!({
            "member": i.member, "kind": i.kind.code(), "amount": i.amount,
        })).collect::<Vec<_>>(),
        "consecutive_months_on_support": input.consecutive_months_on_support,
    })
}

proptest! {
    #[test]
    fn more_income_never_gives_more_support(
        input in household(),
        kind in proptest::sample::select(IncomeKind::ALL),
        extra in 0i64..50_000,
        existing in any::<prop::sample::Index>(),
    ) {
        let norms = Norms::shipped().expect("norms");
        let before = run(&norms, &input);
        // More of an existing income.
        if !input.incomes.is_empty() {
            let mut more = input.clone();
            let i = existing.index(more.incomes.len());
            more.incomes[i].amount += extra;
            prop_assert!(run(&norms, &more).support <= before.support);
        }
        // A new income.
        let mut more = input.clone();
        more.incomes.push(IncomeInput { member: "sokande".into(), kind, amount: extra, source: None });
        prop_assert!(run(&norms, &more).support <= before.support);
    }

    #[test]
    fn an_approved_cost_never_lowers_support(
        input in household(),
        kind in proptest::sample::select(CostKind::ALL),
        amount in 0i64..50_000,
    ) {
        let norms = Norms::shipped().expect("norms");
        let before = run(&norms, &input);
        let mut more = input.clone();
        more.costs.push(CostInput { kind, applied: amount, approved: None, member: None });
        let after = run(&norms, &more);
        prop_assert!(after.support >= before.support);
        prop_assert_eq!(after.need, before.need + amount);
    }

    #[test]
    fn support_is_never_negative_and_the_totals_add_up(input in household()) {
        let c = run(&Norms::shipped().expect("norms"), &input);
        prop_assert!(c.support >= 0);
        prop_assert_eq!(c.support, c.result.max(0));
        let sum = |s| c.rows.iter().filter(|r| r.section == s).map(|r| r.amount).sum::<i64>();
        prop_assert_eq!(c.norm_total, sum(Section::Norm));
        prop_assert_eq!(c.costs_total, sum(Section::Cost));
        prop_assert_eq!(c.income, sum(Section::Income));
        prop_assert_eq!(c.need, c.norm_total + c.costs_total);
        prop_assert_eq!(c.result, c.need - c.income);
        // Costs never exceed what was applied for, and the counted income never exceeds
        // the incomes reported.
        prop_assert!(c.costs_total <= input.costs.iter().map(|c| c.applied).sum::<i64>());
        prop_assert!(c.income <= input.incomes.iter().map(|i| i.amount).sum::<i64>());
    }

    #[test]
    fn every_row_has_a_reason_and_every_norm_row_its_provenance(input in household()) {
        let c = run(&Norms::shipped().expect("norms"), &input);
        prop_assert!(!c.reason.trim().is_empty());
        for row in &c.rows {
            prop_assert!(!row.reason.trim().is_empty(), "{:?}", row);
            if row.section == Section::Norm {
                prop_assert!(row.provenance.is_some() && row.source.is_some(), "{:?}", row);
            }
        }
        // Every member has a personal cost (or, in 2026, the household one total).
        if c.norm.year == 2021 {
            for m in &input.members {
                prop_assert!(c.rows.iter().any(|r| r.kind == "personal_cost"
                    && r.member.as_deref() == Some(m.id.as_str())), "{}", m.id);
            }
        }
    }

    #[test]
    fn json_and_typed_input_calculate_alike(input in household()) {
        let norms = Norms::shipped().expect("norms");
        let typed = run(&norms, &input);
        let household = Household::from_value(&to_json(&input)).expect("json input is valid");
        prop_assert_eq!(calculate(&norms, &household).expect("calculates"), typed);
    }
}
