//! Demo cases (`demo = true`, environment `test`): two synthetic citizens of the test
//! identity provider have applied for this month, so that a newcomer opening Ärenden finds
//! cases to decide. They go through the real path (the case service, the process, the
//! workers); a restart adds nothing when the citizens already have cases.

use flode_casework::{Casework, Citizen, Form, Page, cost_field, income_field};
use flode_forsorjningsstod::{CostKind, IncomeKind};

use crate::citizens::test_people;

/// (person index in the test identity provider, rent, salary).
const APPLICANTS: [(usize, &str, &str); 2] = [(1, "7200", "4300"), (2, "5400", "")];

fn form(pairs: &[(&str, &str)]) -> Form {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Applies for this month for each demo applicant who has no case yet.
pub(crate) async fn seed_cases(casework: &Casework) -> anyhow::Result<()> {
    let people = test_people();
    let month = casework
        .open_months()
        .into_iter()
        .next()
        .unwrap_or_default();
    let rent = cost_field(CostKind::Housing);
    let salary = income_field(flode_casework::APPLICANT, IncomeKind::Salary);
    for (index, rent_kr, salary_kr) in APPLICANTS {
        let Some(person) = people.get(index) else {
            continue;
        };
        let citizen = Citizen {
            personnummer: person.personnummer.clone(),
            name: person.name.clone(),
            auth_ref: "demo".into(),
        };
        if !casework.cases_of(&citizen).await?.is_empty() {
            continue;
        }
        let draft = casework.draft(&citizen).await?;
        for (page, f) in [
            (Page::Month, form(&[("manad", month.as_str())])),
            (Page::Household, form(&[("sambo", "nej")])),
            (Page::Children, form(&[("atgard", "fortsatt")])),
            (Page::Costs, form(&[(rent.as_str(), rent_kr)])),
            (Page::Incomes, form(&[(salary.as_str(), salary_kr)])),
            (Page::Assets, form(&[("tillgangar", "nej")])),
            (Page::OtherNeeds, form(&[("ovriga-behov", "nej")])),
            (Page::Changes, form(&[("forandringar", "nej")])),
            (Page::Consent, form(&[("samtycke", "ja")])),
        ] {
            casework.save_page(&citizen, &draft.id, page, &f).await?;
        }
        let case = casework.submit(&citizen, &draft.id).await?;
        tracing::info!(case = %case.case_number, "demo case submitted");
    }
    Ok(())
}
