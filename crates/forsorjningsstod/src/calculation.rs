//! The monthly calculation (ekonomiskt-bistand.md §2): need = norm + approved costs; income =
//! counted net incomes − the jobbstimulans share; result = need − income. Whole kronor,
//! rounded per row (half away from zero; the notes leave the real rule open); every row says
//! why it is there.

use serde::Serialize;

use crate::Error;
use crate::input::{Household, IncomeKind, MemberInput, Role};
use crate::norms::{AdultsOnly, Norm, NormAmount, Norms, PartTimeChildMethod, PersonalCategory};
use crate::norms::{OLDEST_CHILD, Provenance};

/// Months in a row with support that qualify for jobbstimulans (prop. 2012/13:94).
const JOB_STIMULUS_QUALIFYING_MONTHS: u32 = 6;
/// Months jobbstimulans lasts once it applies; afterwards 6 new months qualify again.
const JOB_STIMULUS_MONTHS: u32 = 24;
/// Share of salary from anställning that is disregarded, per cent.
const JOB_STIMULUS_PERCENT: u32 = 25;
/// Children eat lunch outside the home at school from 7, so the norm only distinguishes
/// lunch for younger children.
const YOUNGEST_SCHOOL_AGE: u32 = 7;
/// The riksnorm sets common costs up to 7 persons; each further person adds the 6→7 step.
const LARGEST_TABULATED_HOUSEHOLD: u32 = 7;

/// The part of the calculation a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Riksnorm: personal and common costs.
    Norm,
    /// Costs outside the norm.
    Cost,
    /// Incomes (and what is disregarded of them).
    Income,
}

/// One row of the calculation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Its section.
    pub section: Section,
    /// What it is: `personal_cost`, `common_cost`, `adults_only_norm`, a cost or income
    /// kind (as in the input), or `job_stimulus`.
    pub kind: String,
    /// The member it concerns, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Costs: the amount applied for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<i64>,
    /// Kronor per month that the row adds to its section's total (negative for the
    /// disregarded share of an income; for costs, the approved amount).
    pub amount: i64,
    /// Why, in Swedish, for the case worker and the decision letter.
    pub reason: String,
    /// Norm rows: how sure the figure is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Norm rows: where the figure comes from; income rows: where the amount comes from
    /// when not from the applicant (SSBTEK).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Whether the household's own means cover the need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Underskott: the need is larger than the income; the difference is the support.
    Deficit,
    /// Överskott (or exactly even): no support by the norm.
    Surplus,
}

/// Which norm table was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NormUsed {
    /// Its year.
    pub year: i32,
    /// Its name, e.g. "Riksnorm 2026".
    pub name: String,
    /// Whether every norm figure used is confirmed in the official text. When false, the
    /// result is not for a decision.
    pub confirmed: bool,
}

/// The result of [`calculate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calculation {
    /// The month applied for, `YYYY-MM`.
    pub month: String,
    /// The norm table used.
    pub norm: NormUsed,
    /// Every row: norm, then costs, then incomes.
    pub rows: Vec<Row>,
    /// Σ norm rows.
    pub norm_total: i64,
    /// Σ cost rows (approved amounts).
    pub costs_total: i64,
    /// Norm + costs.
    pub need: i64,
    /// Σ income rows (counted income).
    pub income: i64,
    /// Need − income.
    pub result: i64,
    /// Deficit or surplus.
    pub outcome: Outcome,
    /// The support by the norm: the result when it is a deficit, else 0.
    pub support: i64,
    /// The result in words, in Swedish: a proposal for the case worker, who decides.
    pub reason: String,
}

/// Calculates försörjningsstöd for a household's month with the norm of that month's year.
pub fn calculate(norms: &Norms, household: &Household) -> Result<Calculation, Error> {
    let norm = norms.year(household.month.year)?;
    let mut rows = norm_rows(norm, household)?;
    rows.extend(cost_rows(household));
    rows.extend(income_rows(household)?);

    let total = |section| {
        rows.iter()
            .filter(|r| r.section == section)
            .map(|r| r.amount)
            .sum::<i64>()
    };
    let (norm_total, costs_total, income) = (
        total(Section::Norm),
        total(Section::Cost),
        total(Section::Income),
    );
    let need = norm_total + costs_total;
    let result = need - income;
    let outcome = if result > 0 {
        Outcome::Deficit
    } else {
        Outcome::Surplus
    };
    let confirmed = rows
        .iter()
        .all(|r| r.provenance.is_none_or(|p| p == Provenance::Confirmed));
    let reason = summary(household, need, income, result, confirmed);
    Ok(Calculation {
        month: household.month.to_string(),
        norm: NormUsed {
            year: norm.year(),
            name: norm.name().to_owned(),
            confirmed,
        },
        rows,
        norm_total,
        costs_total,
        need,
        income,
        result,
        outcome,
        support: result.max(0),
        reason,
    })
}

fn summary(household: &Household, need: i64, income: i64, result: i64, confirmed: bool) -> String {
    let month = household.month;
    let mut text = match result {
        r if r > 0 => format!(
            "Behovet ({} kr) är större än de inkomster som räknas ({} kr): underskott {} kr. \
             Förslag: bifall med {} kr i försörjningsstöd för {month}.",
            kr(need),
            kr(income),
            kr(r),
            kr(r)
        ),
        0 => format!(
            "De inkomster som räknas ({} kr) är lika stora som behovet ({} kr). \
             Förslag: avslag, eftersom hushållet kan tillgodose sitt behov för {month}.",
            kr(income),
            kr(need)
        ),
        r => format!(
            "De inkomster som räknas ({} kr) är större än behovet ({} kr): överskott {} kr. \
             Förslag: avslag, eftersom hushållet kan tillgodose sitt behov för {month}.",
            kr(income),
            kr(need),
            kr(-r)
        ),
    };
    if !confirmed {
        text.push_str(
            " Obs: beräkningen bygger på belopp som inte är bekräftade i författningstexten \
             och får inte ligga till grund för beslut.",
        );
    }
    text
}

fn norm_row(
    kind: &str,
    member: Option<&str>,
    figure: &NormAmount,
    amount: i64,
    why: String,
) -> Row {
    Row {
        section: Section::Norm,
        kind: kind.to_owned(),
        member: member.map(str::to_owned),
        applied: None,
        amount,
        reason: why,
        provenance: Some(figure.provenance),
        source: Some(figure.source.clone()),
    }
}

/// The norm: personal costs per member and common costs by household size, from the full
/// tables when the year has them, else from the confirmed totals for adults only.
fn norm_rows(norm: &Norm, household: &Household) -> Result<Vec<Row>, Error> {
    let adults: Vec<&MemberInput> = household
        .members
        .iter()
        .filter(|m| m.role != Role::Child)
        .collect();
    let has_children = household.members.iter().any(|m| m.role == Role::Child);
    if !norm.has_full_tables() {
        if has_children || household.shared_home_persons.is_some() {
            return Err(Error::NormLacks {
                year: norm.year(),
                what: "hushåll med barn eller i delat boende (bara totalbeloppen för \
                       ensamstående och sambor utan barn är bekräftade)"
                    .to_owned(),
            });
        }
        return adults_only_rows(norm, &adults);
    }
    let name = norm.name();
    let mut rows = Vec::new();

    // Personal costs. Two adults in one application are spouses or sambor (the input
    // says so by the role co_applicant) and share one amount.
    if let [first, second] = adults[..] {
        let both = norm.personal_cost(PersonalCategory::CohabitingAdults)?;
        let half = both.amount / 2;
        for (m, amount) in [(first, both.amount - half), (second, half)] {
            rows.push(norm_row(
                "personal_cost",
                Some(&m.id),
                both,
                amount,
                format!(
                    "Personlig kostnad, sambor/makar: hälften av {} kr ({name})",
                    kr(both.amount)
                ),
            ));
        }
    } else {
        for m in &adults {
            let figure = norm.personal_cost(PersonalCategory::SingleAdult)?;
            let what = if household.shared_home_persons.is_some() {
                "vuxen i delat boende, som ensamstående"
            } else {
                "ensamstående vuxen"
            };
            rows.push(norm_row(
                "personal_cost",
                Some(&m.id),
                figure,
                figure.amount,
                format!("Personlig kostnad, {what} ({name})"),
            ));
        }
    }
    let days_of_month = household.month.days();
    let mut part_time: Vec<(&MemberInput, u32)> = Vec::new();
    for m in household.members.iter().filter(|m| m.role == Role::Child) {
        let lunch = m.lunch_outside_home && m.age < YOUNGEST_SCHOOL_AGE;
        let figure = norm.personal_cost(PersonalCategory::Child {
            age: m.age.min(OLDEST_CHILD),
            lunch_outside_home: lunch,
        })?;
        let what = format!(
            "Personlig kostnad, barn {} år{}",
            m.age,
            if lunch {
                ", lunch utanför hemmet 5 dagar i veckan"
            } else {
                ""
            }
        );
        let row = match m.days_in_household.filter(|d| *d < days_of_month) {
            Some(days) => {
                part_time.push((m, days));
                norm_row(
                    "personal_cost",
                    Some(&m.id),
                    figure,
                    pro_rata(figure.amount, days, days_of_month),
                    format!(
                        "{what}, i hushållet {days} av {days_of_month} dagar: {} kr × {days}/{days_of_month} ({name})",
                        kr(figure.amount),
                    ),
                )
            }
            None => norm_row(
                "personal_cost",
                Some(&m.id),
                figure,
                figure.amount,
                format!("{what} ({name})"),
            ),
        };
        rows.push(row);
    }

    // Common household costs.
    let members = household.members.len() as u32;
    if let Some(persons) = household.shared_home_persons {
        if !part_time.is_empty() {
            return Err(Error::Unsupported(
                "umgängesbarn i ett delat boende beräknas inte ännu; räkna hushållets andel \
                 manuellt"
                    .to_owned(),
            ));
        }
        // A member of a shared home bears the home's common costs ÷ the persons living there
        // (SOSFS 2013:1).
        let (figure, how) = common_cost(norm, persons)?;
        rows.push(norm_row(
            "common_cost",
            None,
            &figure,
            pro_rata(figure.amount, members, persons),
            format!(
                "Andel av gemensamma hushållskostnader i delat boende: {how} × {members}/{persons} ({name})"
            ),
        ));
        return Ok(rows);
    }
    let full_time = members - part_time.len() as u32;
    let (figure, how) = common_cost(norm, full_time)?;
    rows.push(norm_row(
        "common_cost",
        None,
        &figure,
        figure.amount,
        format!("Gemensamma hushållskostnader, {how} ({name})"),
    ));
    // An umgängesbarn counts in both homes; how it adds to the common costs is the
    // municipality's choice, kept in the norm file.
    let method = norm.part_time_child_method()?;
    for (size, (m, days)) in (full_time..).zip(part_time) {
        let row = match method {
            PartTimeChildMethod::StepProRata => {
                let ((lower, _), (upper, _)) =
                    (common_cost(norm, size)?, common_cost(norm, size + 1)?);
                let step = upper.amount - lower.amount;
                let figure = NormAmount {
                    amount: step,
                    provenance: lower.provenance.max(upper.provenance),
                    source: joined_source(&lower, &upper),
                };
                norm_row(
                    "common_cost",
                    Some(&m.id),
                    &figure,
                    pro_rata(step, days, days_of_month),
                    format!(
                        "Gemensamma hushållskostnader för umgängesbarn, {days} av {days_of_month} dagar: \
                         ({} kr för {} personer − {} kr för {size}) × {days}/{days_of_month} \
                         (kommunens metod; {name})",
                        kr(upper.amount),
                        size + 1,
                        kr(lower.amount),
                    ),
                )
            }
            PartTimeChildMethod::None => {
                let (figure, _) = common_cost(norm, size)?;
                norm_row(
                    "common_cost",
                    Some(&m.id),
                    &figure,
                    0,
                    format!(
                        "Umgängesbarn, {days} av {days_of_month} dagar: inget tillägg för \
                         gemensamma hushållskostnader (kommunens metod; {name})"
                    ),
                )
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

/// One row for a year that has only the confirmed totals of adult households.
fn adults_only_rows(norm: &Norm, adults: &[&MemberInput]) -> Result<Vec<Row>, Error> {
    let name = norm.name();
    let (household, what, member) = match adults {
        [one] => (
            AdultsOnly::Single,
            "ensamstående: personlig kostnad och gemensamma hushållskostnader för en person",
            Some(one.id.as_str()),
        ),
        [_, _] => (
            AdultsOnly::Cohabiting,
            "sambor/makar: personliga kostnader och gemensamma hushållskostnader för två personer",
            None,
        ),
        _ => {
            return Err(Error::NormLacks {
                year: norm.year(),
                what: format!("ett hushåll med {} vuxna", adults.len()),
            });
        }
    };
    let figure = norm.adults_only_total(household)?;
    Ok(vec![norm_row(
        "adults_only_norm",
        member,
        figure,
        figure.amount,
        format!("Riksnorm för {what} ({name})"),
    )])
}

/// The common costs for a household of `persons`, and how they were found, in Swedish.
fn common_cost(norm: &Norm, persons: u32) -> Result<(NormAmount, String), Error> {
    let persons_text = |n: u32| {
        if n == 1 {
            "1 person".to_owned()
        } else {
            format!("{n} personer")
        }
    };
    if persons <= LARGEST_TABULATED_HOUSEHOLD {
        let figure = norm.common_cost(persons.max(1))?.clone();
        let how = format!("{} kr för {}", kr(figure.amount), persons_text(persons));
        return Ok((figure, how));
    }
    let largest = LARGEST_TABULATED_HOUSEHOLD;
    let (below, top) = (norm.common_cost(largest - 1)?, norm.common_cost(largest)?);
    let extra = i64::from(persons - largest);
    let step = top.amount - below.amount;
    let figure = NormAmount {
        amount: top.amount + extra * step,
        provenance: below.provenance.max(top.provenance),
        source: joined_source(below, top),
    };
    let how = format!(
        "{} kr för {} ({} kr för {largest} personer + {extra} × {} kr, skillnaden mellan {} och {largest} personer)",
        kr(figure.amount),
        persons_text(persons),
        kr(top.amount),
        kr(step),
        largest - 1
    );
    Ok((figure, how))
}

fn joined_source(a: &NormAmount, b: &NormAmount) -> String {
    if a.source == b.source {
        a.source.clone()
    } else {
        format!("{}; {}", a.source, b.source)
    }
}

fn cost_rows(household: &Household) -> Vec<Row> {
    household
        .costs
        .iter()
        .map(|c| {
            let approved = c.approved.unwrap_or(c.applied);
            let label = match (&c.member, c.kind) {
                (Some(member), _) => format!("{} för {member}", c.kind.label()),
                (None, kind) => kind.label().to_owned(),
            };
            let reason = if approved == c.applied {
                format!("{label}: sökt och godkänt belopp")
            } else {
                format!(
                    "{label}: sökt {} kr, godkänt {} kr",
                    kr(c.applied),
                    kr(approved)
                )
            };
            Row {
                section: Section::Cost,
                kind: c.kind.code().to_owned(),
                member: c.member.clone(),
                applied: Some(c.applied),
                amount: approved,
                reason,
                provenance: None,
                source: None,
            }
        })
        .collect()
}

fn income_rows(household: &Household) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    for income in &household.incomes {
        // `Household` guarantees the member exists; this is only a guard.
        let member = household
            .members
            .iter()
            .find(|m| m.id == income.member)
            .ok_or_else(|| Error::Invalid {
                problems: vec![format!("okänd medlem {:?}", income.member)],
            })?;
        let (kind, amount) = (income.kind, income.amount);
        if !kind.counted() {
            rows.push(income_row(
                kind.code(),
                member,
                0,
                format!(
                    "{}: {} kr räknas inte som inkomst",
                    kind.label(),
                    kr(amount)
                ),
            ));
            continue;
        }
        if kind == IncomeKind::Salary && member.role == Role::Child {
            // A hemmavarande skolungdom's own earnings are free up to one prisbasbelopp a
            // year; without the yearly prisbasbelopp as data this is not calculated.
            return Err(Error::Unsupported(format!(
                "{}: barns egna arbetsinkomster (fribelopp ett prisbasbelopp per år) beräknas \
                 inte ännu; bedöm dem manuellt",
                member.id
            )));
        }
        let from = income
            .source
            .as_deref()
            .map(|s| format!(" (källa: {s})"))
            .unwrap_or_default();
        let mut row = income_row(
            kind.code(),
            member,
            amount,
            format!("{} räknas som inkomst{from}", kind.label()),
        );
        row.source = income.source.clone();
        rows.push(row);
        if kind == IncomeKind::Salary
            && let Some(row) = job_stimulus(household, member, amount)
        {
            rows.push(row);
        }
    }
    Ok(rows)
}

/// Which month (1–24) of a jobbstimulans period the month applied for is, if any.
///
/// With the months already used given, the period runs whether or not support was paid in
/// each month. Without, they are derived from the months in a row with support: months
/// 1–6 qualify, 7–30 are the 24 months with jobbstimulans, then 6 new months qualify again.
pub(crate) fn job_stimulus_month(consecutive_before: u32, used: Option<u32>) -> Option<u32> {
    let used = match used {
        Some(used) => used,
        None => {
            let cycle = JOB_STIMULUS_QUALIFYING_MONTHS + JOB_STIMULUS_MONTHS;
            (consecutive_before % cycle).checked_sub(JOB_STIMULUS_QUALIFYING_MONTHS)?
        }
    };
    (used < JOB_STIMULUS_MONTHS).then_some(used + 1)
}

/// The disregarded share of an adult's salary, when jobbstimulans applies.
fn job_stimulus(household: &Household, member: &MemberInput, salary: i64) -> Option<Row> {
    let months = household.consecutive_months;
    let given = member.job_stimulus_months_used;
    let month = job_stimulus_month(months, given)?;
    let share = pro_rata(salary, JOB_STIMULUS_PERCENT, 100);
    let why = match given {
        Some(_) => format!("månad {month} av {JOB_STIMULUS_MONTHS} med jobbstimulans"),
        None => format!(
            "efter {months} månader i följd med försörjningsstöd, månad {month} av {JOB_STIMULUS_MONTHS}"
        ),
    };
    Some(income_row(
        "job_stimulus",
        member,
        -share,
        format!(
            "Jobbstimulans: {JOB_STIMULUS_PERCENT} % av lönen ({} kr) räknas inte som inkomst ({why})",
            kr(salary),
        ),
    ))
}

fn income_row(kind: &str, member: &MemberInput, amount: i64, reason: String) -> Row {
    Row {
        section: Section::Income,
        kind: kind.to_owned(),
        member: Some(member.id.clone()),
        applied: None,
        amount,
        reason,
        provenance: None,
        source: None,
    }
}

/// `amount × part / whole`, rounded to whole kronor, half away from zero.
pub(crate) fn pro_rata(amount: i64, part: u32, whole: u32) -> i64 {
    let (num, den) = (amount * i64::from(part), i64::from(whole.max(1)));
    let rounded = (2 * num.abs() + den) / (2 * den);
    if num < 0 { -rounded } else { rounded }
}

/// Kronor with a (non-breaking) space between thousands, as in Swedish letters: 12 070.
pub fn kr(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if amount < 0 { format!("−{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pro_rata_rounds_half_away_from_zero() {
        assert_eq!(pro_rata(3060, 8, 30), 816);
        assert_eq!(pro_rata(110, 8, 30), 29);
        assert_eq!(pro_rata(1610, 1, 4), 403);
        assert_eq!(pro_rata(-1610, 1, 4), -403);
        assert_eq!(pro_rata(9000, 25, 100), 2250);
    }

    #[test]
    fn jobbstimulans_follows_the_six_and_twenty_four_month_rule() {
        assert_eq!(job_stimulus_month(5, None), None);
        assert_eq!(job_stimulus_month(6, None), Some(1));
        assert_eq!(job_stimulus_month(8, None), Some(3));
        assert_eq!(job_stimulus_month(29, None), Some(24));
        // After 24 months, six new months qualify again.
        assert_eq!(job_stimulus_month(30, None), None);
        assert_eq!(job_stimulus_month(35, None), None);
        assert_eq!(job_stimulus_month(36, None), Some(1));
        // Months used, when known, count whether or not support was paid.
        assert_eq!(job_stimulus_month(0, Some(10)), Some(11));
        assert_eq!(job_stimulus_month(40, Some(24)), None);
    }

    #[test]
    fn amounts_read_as_in_letters() {
        assert_eq!(kr(12070), "12\u{a0}070");
        assert_eq!(kr(1_000_000), "1\u{a0}000\u{a0}000");
        assert_eq!(kr(-737), "−737");
        assert_eq!(kr(450), "450");
    }
}
