//! From the citizen's answers to the calculation's input (`hushall`, docs/forsorjningsstod.md),
//! so that the e-service, the engine's calculation worker and the CLI read the same shape.

use serde_json::{Value, json};

use crate::answers::{APPLICANT, Answers, CO_APPLICANT};

/// Age in whole years on the first day of `month` (`YYYY-MM`) of the person with this
/// 12-digit personnummer or samordningsnummer (day + 60); `None` if either cannot be read.
pub fn age_in(personnummer: &str, month: &str) -> Option<u32> {
    let digits: Vec<u32> = personnummer
        .chars()
        .filter(char::is_ascii_digit)
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 12 {
        return None;
    }
    let number = |r: std::ops::Range<usize>| digits[r].iter().fold(0, |n, d| n * 10 + d);
    let (year, birth_month, mut day) = (number(0..4), number(4..6), number(6..8));
    if day > 60 {
        day -= 60;
    }
    let (y, m) = month.split_once('-')?;
    let (y, m): (u32, u32) = (y.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&birth_month) || !(1..=31).contains(&day) || y < year {
        return None;
    }
    // Born on the 1st of the month: the birthday has come on the 1st.
    let had_birthday = (m, 1) >= (birth_month, day);
    Some(y - year - u32::from(!had_birthday))
}

/// The calculation's input for an application: members with ages, costs and incomes.
/// `consecutive_months` are the months in a row with support before this one.
pub fn household(answers: &Answers, applicant_age: u32, consecutive_months: u32) -> Value {
    let month = answers.month.clone().unwrap_or_default();
    let mut members = vec![json!({ "id": APPLICANT, "role": "applicant", "age": applicant_age })];
    if let (Some(true), Some(age)) = (answers.partner, answers.partner_age) {
        members.push(json!({ "id": CO_APPLICANT, "role": "co_applicant", "age": age }));
    }
    for (i, child) in answers.children.iter().enumerate() {
        let mut m = json!({
            "id": format!("barn{}", i + 1),
            "role": "child",
            "age": child.age,
            "lunch_outside_home": child.lunch_outside_home,
        });
        if let Some(days) = child.days_in_household {
            m["days_in_household"] = json!(days);
        }
        members.push(m);
    }
    let costs: Vec<Value> = answers
        .cost_rows()
        .map(|(kind, applied)| json!({ "kind": kind.code(), "applied": applied }))
        .collect();
    let incomes: Vec<Value> = answers
        .members()
        .into_iter()
        .flat_map(|member| {
            answers
                .income_rows(member)
                .map(move |(kind, amount)| json!({ "member": member, "kind": kind.code(), "amount": amount }))
        })
        .collect();
    json!({
        "month": month,
        "members": members,
        "costs": costs,
        "incomes": incomes,
        "consecutive_months_on_support": consecutive_months,
    })
}

#[cfg(test)]
mod tests {
    use flode_forsorjningsstod::{Household, Norms, calculate};

    use super::*;
    use crate::answers::{Form, Page};

    #[test]
    fn ages() {
        assert_eq!(age_in("201701012393", "2026-12"), Some(9));
        assert_eq!(age_in("198503611017", "2026-03"), Some(41)); // samordningsnummer, day 61 = 1
        assert_eq!(age_in("198503611017", "2026-02"), Some(40));
        assert_eq!(age_in("19850301", "2026-02"), None);
        assert_eq!(age_in("198513011017", "2026-02"), None);
    }

    /// Worked example 1 of ekonomiskt-bistand.md, entered as a citizen would.
    #[test]
    fn the_answers_calculate_like_the_worked_example() {
        let months = vec!["2026-12".to_owned()];
        let f = |pairs: &[(&str, &str)]| -> Form {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let a = Answers::default()
            .apply(Page::Month, &f(&[("manad", "2026-12")]), &months)
            .and_then(|a| a.apply(Page::Household, &f(&[("sambo", "nej")]), &months))
            .and_then(|a| a.apply(Page::Children, &f(&[]), &months))
            .and_then(|a| {
                a.apply(
                    Page::Costs,
                    &f(&[
                        ("kostnad-housing", "6200"),
                        ("kostnad-electricity", "350"),
                        ("kostnad-home_insurance", "150"),
                        ("kostnad-unemployment_fund_fee", "150"),
                    ]),
                    &months,
                )
            })
            .and_then(|a| {
                a.apply(
                    Page::Incomes,
                    &f(&[("inkomst-sokande-unemployment_benefit", "7 480")]),
                    &months,
                )
            })
            .expect("ok");
        let input = household(&a, 40, 2);
        let norms = Norms::shipped().expect("ok");
        let h = Household::from_json(&input.to_string()).expect("ok");
        let c = calculate(&norms, &h).expect("ok");
        assert_eq!(c.support, 4590, "{input}");
    }
}
