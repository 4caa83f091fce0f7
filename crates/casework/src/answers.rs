//! The application for försörjningsstöd as the citizen answers it: one topic per page, each
//! page's form checked here (Swedish messages naming the field), so that the e-service's
//! pages and the JSON API accept exactly the same input.

use std::collections::BTreeMap;

use flode_forsorjningsstod::{CostKind, IncomeKind};
use flode_letters::kronor;
use serde::{Deserialize, Serialize};

/// The question pages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The month applied for.
    Month,
    /// Spouse or sambo applying together.
    Household,
    /// Children in the household (add another).
    Children,
    /// Housing and other costs.
    Costs,
    /// Incomes per applicant.
    Incomes,
    /// Assets that could be used or sold.
    Assets,
    /// Needs beyond the norm this month (glasses, dental care, furniture…).
    OtherNeeds,
    /// Changes since the last application.
    Changes,
    /// Consent to fetching data from other agencies.
    Consent,
}

impl Page {
    /// Every page, in the order the citizen meets them.
    pub const ALL: [Page; 9] = [
        Page::Month,
        Page::Household,
        Page::Children,
        Page::Costs,
        Page::Incomes,
        Page::Assets,
        Page::OtherNeeds,
        Page::Changes,
        Page::Consent,
    ];

    /// The path segment.
    pub fn slug(self) -> &'static str {
        match self {
            Page::Month => "manad",
            Page::Household => "hushall",
            Page::Children => "barn",
            Page::Costs => "kostnader",
            Page::Incomes => "inkomster",
            Page::Assets => "tillgangar",
            Page::OtherNeeds => "ovriga-behov",
            Page::Changes => "forandringar",
            Page::Consent => "samtycke",
        }
    }

    /// The page's heading.
    pub fn title(self) -> &'static str {
        match self {
            Page::Month => "Vilken månad söker du för?",
            Page::Household => "Bor du med en make, maka eller sambo?",
            Page::Children => "Barn i hushållet",
            Page::Costs => "Boende och andra kostnader",
            Page::Incomes => "Inkomster",
            Page::Assets => "Tillgångar",
            Page::OtherNeeds => "Övriga behov",
            Page::Changes => "Har något ändrats sedan din förra ansökan?",
            Page::Consent => "Uppgifter från andra myndigheter",
        }
    }

    /// The page with this slug.
    pub fn from_slug(slug: &str) -> Option<Page> {
        Page::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// The page after this one; `None` after the last (check your answers).
    pub fn next(self) -> Option<Page> {
        let i = Page::ALL.iter().position(|p| *p == self)?;
        Page::ALL.get(i + 1).copied()
    }

    /// The page before this one.
    pub fn previous(self) -> Option<Page> {
        let i = Page::ALL.iter().position(|p| *p == self)?;
        i.checked_sub(1).and_then(|i| Page::ALL.get(i).copied())
    }
}

/// A child in the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    /// Age in years.
    pub age: u32,
    /// Eats lunch outside the home on weekdays (förskola).
    pub lunch_outside_home: bool,
    /// Days in the household during the month, for an umgängesbarn; `None` = all month.
    pub days_in_household: Option<u32>,
}

/// Costs the citizen may apply for, in the order asked.
pub const COSTS: [CostKind; 10] = [
    CostKind::Housing,
    CostKind::Electricity,
    CostKind::HomeInsurance,
    CostKind::WorkTravel,
    CostKind::UnionFee,
    CostKind::UnemploymentFundFee,
    CostKind::Healthcare,
    CostKind::Medicine,
    CostKind::DentalCare,
    CostKind::Childcare,
];

/// Incomes asked for, per applicant, in the order asked.
pub const INCOMES: [IncomeKind; 13] = [
    IncomeKind::Salary,
    IncomeKind::UnemploymentBenefit,
    IncomeKind::ActivitySupport,
    IncomeKind::SicknessBenefit,
    IncomeKind::ParentalBenefit,
    IncomeKind::DisabilityBenefit,
    IncomeKind::Pension,
    IncomeKind::StudentAid,
    IncomeKind::ChildBenefit,
    IncomeKind::HousingAllowance,
    IncomeKind::MaintenanceSupport,
    IncomeKind::Deposits,
    IncomeKind::OtherCounted,
];

/// The members whose incomes are asked for.
pub const APPLICANT: &str = "sokande";
/// The spouse or sambo applying together.
pub const CO_APPLICANT: &str = "medsokande";

/// Longest free text kept (changes).
const MAX_TEXT: usize = 2000;
/// Largest amount accepted per row, kronor per month: a typo guard, not a rule.
const MAX_AMOUNT: i64 = 1_000_000;
/// Most children one application can list.
const MAX_CHILDREN: usize = 12;

/// Everything answered so far. Stored as JSON with the draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    /// The month applied for, `YYYY-MM`.
    pub month: Option<String>,
    /// Applies together with a spouse or sambo.
    pub partner: Option<bool>,
    /// The co-applicant's age.
    pub partner_age: Option<u32>,
    /// Children in the household.
    pub children: Vec<Child>,
    /// Costs applied for: cost code → kronor per month.
    pub costs: BTreeMap<String, i64>,
    /// Incomes: member (`sokande`, `medsokande`) → income code → kronor per month.
    pub incomes: BTreeMap<String, BTreeMap<String, i64>>,
    /// Something changed since last month.
    pub changes: Option<bool>,
    /// What changed.
    pub changes_text: Option<String>,
    /// Has assets that could be used or sold (the applicant or the co-applicant).
    pub assets: Option<bool>,
    /// Which assets, and roughly their value.
    pub assets_text: Option<String>,
    /// Applies for something beyond the norm this month.
    pub other_needs: Option<bool>,
    /// What, and roughly what it costs.
    pub other_needs_text: Option<String>,
    /// Consents to data being fetched from other agencies.
    pub consent: Option<bool>,
    /// Slugs of the pages answered (an all-zero costs page or an empty children list is
    /// an answer too).
    pub answered_pages: std::collections::BTreeSet<String>,
}

/// A problem with one field: the Swedish text, and the same as a message code with its
/// arguments, for pages in another language (the web crate's `locales/*/problems.ftl` has
/// every code, its Swedish text exactly as [`FieldProblem::message`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field's name (and the id of its input).
    pub field: String,
    /// What is wrong and how to fix it, in Swedish (staff pages, the JSON API, logs).
    pub message: String,
    /// The message's Fluent id, `problem-…`: one per text, whatever its arguments.
    #[serde(skip)]
    pub code: &'static str,
    /// The message's arguments, Fluent name → value (numbers in decimal).
    #[serde(skip)]
    pub args: Vec<(&'static str, String)>,
}

impl FieldProblem {
    /// A problem with `field`: `message` in Swedish, `code` its message id.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldProblem {
            field: field.into(),
            message: message.into(),
            code,
            args: Vec::new(),
        }
    }

    /// With one more argument of the message.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

/// A submitted form: name → value (the last one wins for repeated names).
pub type Form = BTreeMap<String, String>;

fn text<'a>(form: &'a Form, name: &str) -> &'a str {
    form.get(name).map_or("", |v| v.trim())
}

/// `ja` or `nej`; else `missing` (code, Swedish text) for the field.
fn yes_no(
    form: &Form,
    name: &str,
    missing: (&'static str, &str),
    problems: &mut Vec<FieldProblem>,
) -> Option<bool> {
    match text(form, name) {
        "ja" => Some(true),
        "nej" => Some(false),
        _ => {
            problems.push(FieldProblem::new(name, missing.0, missing.1));
            None
        }
    }
}

/// A yes/no question (`fields.0`) whose yes needs a description (`fields.1`); `missing`
/// and `missing_text` are the problems (code, Swedish text) when either is left out.
fn yes_with_text(
    form: &Form,
    fields: (&str, &str),
    missing: (&'static str, &str),
    missing_text: (&'static str, &str),
    problems: &mut Vec<FieldProblem>,
) -> (Option<bool>, Option<String>) {
    let answer = yes_no(form, fields.0, missing, problems);
    if answer != Some(true) {
        return (answer, None);
    }
    let what = text(form, fields.1);
    if what.is_empty() {
        problems.push(FieldProblem::new(fields.1, missing_text.0, missing_text.1));
    } else if what.chars().count() > MAX_TEXT {
        problems.push(
            FieldProblem::new(
                fields.1,
                "problem-text-too-long",
                format!("Beskrivningen får vara högst {MAX_TEXT} tecken"),
            )
            .arg("max", MAX_TEXT),
        );
    } else {
        return (answer, Some(what.to_owned()));
    }
    (answer, None)
}

/// An amount in whole kronor; empty is 0. Spaces are allowed as thousands separators.
/// `kind` is the cost's or income's code, `label` its Swedish label: both are arguments of
/// the problems (the other languages translate the label by the code).
fn amount(
    form: &Form,
    name: &str,
    kind: &str,
    label: &str,
    problems: &mut Vec<FieldProblem>,
) -> i64 {
    let raw: String = text(form, name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let raw = raw.strip_suffix("kr").unwrap_or(&raw);
    if raw.is_empty() {
        return 0;
    }
    let problem = |code, message: String| {
        FieldProblem::new(name, code, message)
            .arg("label", label)
            .arg("kind", kind)
    };
    match raw.parse::<i64>() {
        Ok(v) if v < 0 => {
            problems.push(problem(
                "problem-amount-negative",
                format!("{label} kan inte vara ett negativt belopp"),
            ));
            0
        }
        Ok(v) if v > MAX_AMOUNT => {
            problems.push(
                problem(
                    "problem-amount-too-large",
                    format!("{label} måste vara högst {MAX_AMOUNT} kronor per månad"),
                )
                .arg("max", MAX_AMOUNT),
            );
            0
        }
        Ok(v) => v,
        Err(_) => {
            problems.push(problem(
                "problem-amount-whole-kronor",
                format!("{label} ska anges i hela kronor, till exempel 4500"),
            ));
            0
        }
    }
}

/// A whole number in `range`. `label` (Swedish, lower case) and the field's name are
/// arguments of the problems (the other languages translate the label by the field).
fn whole_number(
    form: &Form,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
    label: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<u32> {
    let raw = text(form, name);
    if raw.is_empty() {
        problems.push(
            FieldProblem::new(name, "problem-missing-number", format!("Ange {label}"))
                .arg("field", name)
                .arg("label", label),
        );
        return None;
    }
    match raw.parse::<u32>() {
        Ok(v) if range.contains(&v) => Some(v),
        _ => {
            let label = capitalise(label);
            problems.push(
                FieldProblem::new(
                    name,
                    "problem-integer",
                    format!(
                        "{label} måste vara ett heltal mellan {} och {}",
                        range.start(),
                        range.end()
                    ),
                )
                .arg("field", name)
                .arg("label", label)
                .arg("min", range.start())
                .arg("max", range.end()),
            );
            None
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The form field of a cost.
pub fn cost_field(kind: CostKind) -> String {
    format!("kostnad-{}", kind.code())
}

/// The form field of a member's income.
pub fn income_field(member: &str, kind: IncomeKind) -> String {
    format!("inkomst-{member}-{}", kind.code())
}

/// What the children page's form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildrenAction {
    /// Add the child in the form.
    Add,
    /// Remove the child at this position.
    Remove(usize),
    /// Done: go on.
    Continue,
}

impl ChildrenAction {
    /// Reads the action from the form's `atgard` button.
    pub fn from_form(form: &Form) -> ChildrenAction {
        let action = text(form, "atgard");
        if action == "lagg-till" {
            ChildrenAction::Add
        } else if let Some(i) = action.strip_prefix("ta-bort-").and_then(|i| i.parse().ok()) {
            ChildrenAction::Remove(i)
        } else {
            ChildrenAction::Continue
        }
    }
}

impl Answers {
    /// Applies one page's form; on problems nothing changes and every problem is returned.
    /// `months` are the months that may be applied for (`YYYY-MM`).
    pub fn apply(
        &self,
        page: Page,
        form: &Form,
        months: &[String],
    ) -> Result<Answers, Vec<FieldProblem>> {
        let mut next = self.clone();
        let mut problems = Vec::new();
        match page {
            Page::Month => {
                let month = text(form, "manad");
                if months.iter().any(|m| m == month) {
                    next.month = Some(month.to_owned());
                } else {
                    problems.push(FieldProblem::new(
                        "manad",
                        "problem-missing-month",
                        "Välj vilken månad du söker för",
                    ));
                }
            }
            Page::Household => {
                next.partner = yes_no(
                    form,
                    "sambo",
                    (
                        "problem-missing-household-partner",
                        "Välj ja om du bor med en make, maka eller sambo",
                    ),
                    &mut problems,
                );
                next.partner_age = match next.partner {
                    Some(true) => whole_number(
                        form,
                        "sambo-alder",
                        18..=120,
                        "din make, makas eller sambos ålder",
                        &mut problems,
                    ),
                    _ => None,
                };
                if next.partner == Some(false) {
                    next.incomes.remove(CO_APPLICANT);
                }
            }
            Page::Children => match ChildrenAction::from_form(form) {
                ChildrenAction::Add => {
                    if next.children.len() >= MAX_CHILDREN {
                        problems.push(
                            FieldProblem::new(
                                "barn-alder",
                                "problem-too-many-children",
                                format!(
                                    "En ansökan kan ha högst {MAX_CHILDREN} barn; kontakta socialtjänsten"
                                ),
                            )
                            .arg("max", MAX_CHILDREN),
                        );
                    }
                    let age =
                        whole_number(form, "barn-alder", 0..=20, "barnets ålder", &mut problems);
                    let lunch = yes_no(
                        form,
                        "barn-lunch",
                        (
                            "problem-missing-child-lunch",
                            "Välj om barnet äter lunch i förskola eller skola på vardagar",
                        ),
                        &mut problems,
                    );
                    let days = match text(form, "barn-dagar") {
                        "" => None,
                        _ => whole_number(
                            form,
                            "barn-dagar",
                            1..=31,
                            "antal dagar barnet bor hos dig",
                            &mut problems,
                        ),
                    };
                    if let (Some(age), Some(lunch)) = (age, lunch) {
                        next.children.push(Child {
                            age,
                            lunch_outside_home: lunch,
                            days_in_household: days,
                        });
                    }
                }
                ChildrenAction::Remove(i) => {
                    if i < next.children.len() {
                        next.children.remove(i);
                    }
                }
                ChildrenAction::Continue => {
                    // A child filled in but not added would be lost without a word.
                    if ["barn-alder", "barn-lunch", "barn-dagar"]
                        .iter()
                        .any(|f| !text(form, f).is_empty())
                    {
                        problems.push(FieldProblem::new(
                            "barn-alder",
                            "problem-child-not-added",
                            "Du har fyllt i uppgifter om ett barn. Tryck på ”Lägg till barnet”, eller töm fälten för att gå vidare",
                        ));
                    }
                }
            },
            Page::Costs => {
                next.costs.clear();
                for kind in COSTS {
                    let v = amount(
                        form,
                        &cost_field(kind),
                        kind.code(),
                        kind.label(),
                        &mut problems,
                    );
                    if v > 0 {
                        next.costs.insert(kind.code().to_owned(), v);
                    }
                }
            }
            Page::Incomes => {
                next.incomes.clear();
                for member in self.members() {
                    let mut incomes = BTreeMap::new();
                    for kind in INCOMES {
                        let v = amount(
                            form,
                            &income_field(member, kind),
                            kind.code(),
                            kind.label(),
                            &mut problems,
                        );
                        if v > 0 {
                            incomes.insert(kind.code().to_owned(), v);
                        }
                    }
                    next.incomes.insert(member.to_owned(), incomes);
                }
            }
            Page::Assets => {
                (next.assets, next.assets_text) = yes_with_text(
                    form,
                    ("tillgangar", "tillgangar-text"),
                    (
                        "problem-missing-assets",
                        "Välj ja om du eller din make, maka eller sambo har tillgångar",
                    ),
                    ("problem-missing-assets-text", "Beskriv tillgångarna"),
                    &mut problems,
                );
            }
            Page::OtherNeeds => {
                (next.other_needs, next.other_needs_text) = yes_with_text(
                    form,
                    ("ovriga-behov", "ovriga-behov-text"),
                    (
                        "problem-missing-other-needs",
                        "Välj ja om du behöver söka för något mer den här månaden",
                    ),
                    ("problem-missing-other-needs-text", "Beskriv vad du behöver"),
                    &mut problems,
                );
            }
            Page::Changes => {
                (next.changes, next.changes_text) = yes_with_text(
                    form,
                    ("forandringar", "forandringar-text"),
                    (
                        "problem-missing-changes",
                        "Välj ja om något har ändrats sedan din förra ansökan",
                    ),
                    (
                        "problem-missing-changes-text",
                        "Beskriv vad som har ändrats",
                    ),
                    &mut problems,
                );
            }
            Page::Consent => {
                if text(form, "samtycke") == "ja" {
                    next.consent = Some(true);
                } else {
                    problems.push(FieldProblem::new(
                        "samtycke",
                        "problem-missing-consent",
                        "Du behöver samtycka för att söka här. Vill du inte det kan du söka på blankett hos socialtjänsten",
                    ));
                }
            }
        }
        if problems.is_empty() {
            let stays = page == Page::Children
                && ChildrenAction::from_form(form) != ChildrenAction::Continue;
            if !stays {
                next.answered_pages.insert(page.slug().to_owned());
            }
            Ok(next)
        } else {
            Err(problems)
        }
    }

    /// The members whose incomes are asked for.
    pub fn members(&self) -> Vec<&'static str> {
        if self.partner == Some(true) {
            vec![APPLICANT, CO_APPLICANT]
        } else {
            vec![APPLICANT]
        }
    }

    /// A problem for every page not answered yet: submitting needs them all.
    pub fn unanswered(&self) -> Vec<FieldProblem> {
        Page::ALL
            .into_iter()
            .filter(|p| !self.answered(*p))
            .map(|p| {
                FieldProblem::new(
                    p.slug(),
                    "problem-unanswered-page",
                    format!("Svara på frågorna under ”{}”", p.title()),
                )
                .arg("page", p.slug())
                .arg("title", p.title())
            })
            .collect()
    }

    /// Whether a page has been answered.
    pub fn answered(&self, page: Page) -> bool {
        self.answered_pages.contains(page.slug())
    }

    /// The first page not answered yet; `None` when all are (check your answers).
    pub fn first_unanswered(&self) -> Option<Page> {
        Page::ALL.into_iter().find(|p| !self.answered(*p))
    }

    /// Costs applied for.
    pub fn cost_rows(&self) -> impl Iterator<Item = (CostKind, i64)> + '_ {
        self.costs
            .iter()
            .filter_map(|(code, v)| CostKind::from_code(code).map(|k| (k, *v)))
    }

    /// A member's incomes.
    pub fn income_rows(&self, member: &str) -> impl Iterator<Item = (IncomeKind, i64)> + '_ {
        self.incomes
            .get(member)
            .into_iter()
            .flat_map(|m| m.iter())
            .filter_map(|(code, v)| IncomeKind::from_code(code).map(|k| (k, *v)))
    }

    /// The answers as it makes sense to show them on the check-your-answers page and to
    /// the case worker: (page, question, answer) rows.
    pub fn summary(&self) -> Vec<SummaryRow> {
        let mut rows = Vec::new();
        let mut row = |page: Page, question: &str, answer: String| {
            rows.push(SummaryRow {
                page,
                question: question.to_owned(),
                answer,
            });
        };
        row(
            Page::Month,
            "Månad",
            self.month.as_deref().map(month_name).unwrap_or_default(),
        );
        row(
            Page::Household,
            "Make, maka eller sambo",
            match (self.partner, self.partner_age) {
                (Some(true), Some(age)) => format!("Ja, {age} år"),
                (Some(false), _) => "Nej".into(),
                _ => String::new(),
            },
        );
        row(
            Page::Children,
            "Barn",
            if self.children.is_empty() {
                "Inga".into()
            } else {
                self.children
                    .iter()
                    .map(child_text)
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        );
        let costs: Vec<String> = self
            .cost_rows()
            .map(|(k, v)| format!("{}: {}", k.label(), kronor(v)))
            .collect();
        row(
            Page::Costs,
            "Kostnader",
            if costs.is_empty() {
                "Inga".into()
            } else {
                costs.join("; ")
            },
        );
        for member in self.members() {
            let incomes: Vec<String> = self
                .income_rows(member)
                .map(|(k, v)| format!("{}: {}", k.label(), kronor(v)))
                .collect();
            let question = if member == APPLICANT {
                "Dina inkomster"
            } else {
                "Medsökandes inkomster"
            };
            row(
                Page::Incomes,
                question,
                if incomes.is_empty() {
                    "Inga".into()
                } else {
                    incomes.join("; ")
                },
            );
        }
        row(
            Page::Assets,
            "Tillgångar",
            yes_with_text_answer(self.assets, &self.assets_text),
        );
        row(
            Page::OtherNeeds,
            "Övriga behov",
            yes_with_text_answer(self.other_needs, &self.other_needs_text),
        );
        row(
            Page::Changes,
            "Förändringar sedan förra ansökan",
            yes_with_text_answer(self.changes, &self.changes_text),
        );
        row(
            Page::Consent,
            "Samtycke till att hämta uppgifter",
            if self.consent == Some(true) {
                "Ja".into()
            } else {
                String::new()
            },
        );
        rows
    }
}

/// `Ja: what` or `Nej` (empty when not answered).
fn yes_with_text_answer(answer: Option<bool>, text: &Option<String>) -> String {
    match (answer, text) {
        (Some(true), Some(t)) => format!("Ja: {t}"),
        (Some(false), _) => "Nej".into(),
        _ => String::new(),
    }
}

/// One row of the check-your-answers list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// Where to change it.
    pub page: Page,
    /// The question, short.
    pub question: String,
    /// The answer as text.
    pub answer: String,
}

impl Serialize for Page {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

/// A child as one line: `7 år, äter lunch i skolan`.
pub fn child_text(c: &Child) -> String {
    let mut t = format!("{} år", c.age);
    if c.lunch_outside_home {
        t.push_str(", äter lunch i förskola/skola");
    }
    if let Some(d) = c.days_in_household {
        t.push_str(&format!(", {d} dagar i månaden"));
    }
    t
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// `2026-12` → (`december`, `2026`).
fn month_parts(month: &str) -> Option<(&'static str, &str)> {
    let (y, m) = month.split_once('-')?;
    let m: usize = m.parse().ok()?;
    Some((MONTHS.get(m.checked_sub(1)?)?, y))
}

/// `2026-12` → `december 2026`.
pub fn month_name(month: &str) -> String {
    month_parts(month)
        .map(|(name, y)| format!("{name} {y}"))
        .unwrap_or_else(|| month.to_owned())
}

impl FieldProblem {
    /// With the arguments of a month (`YYYY-MM`) the message names: `month` as in the
    /// Swedish text ([`month_name`]), and for other languages `month-name` (`december`, a
    /// key they translate) and `year`.
    pub(crate) fn month_args(self, month: &str) -> Self {
        let this = self.arg("month", month_name(month));
        match month_parts(month) {
            Some((name, year)) => this.arg("month-name", name).arg("year", year),
            None => this,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Form {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn pages_go_in_order() {
        assert_eq!(Page::ALL.len(), 9);
        assert_eq!(Page::Month.next(), Some(Page::Household));
        assert_eq!(Page::Incomes.next(), Some(Page::Assets));
        assert_eq!(Page::Assets.next(), Some(Page::OtherNeeds));
        assert_eq!(Page::OtherNeeds.next(), Some(Page::Changes));
        assert_eq!(Page::Changes.previous(), Some(Page::OtherNeeds));
        assert_eq!(Page::Assets.previous(), Some(Page::Incomes));
        assert_eq!(Page::Consent.next(), None);
        assert_eq!(Page::Month.previous(), None);
        assert_eq!(Page::from_slug("barn"), Some(Page::Children));
        assert_eq!(Page::from_slug("tillgangar"), Some(Page::Assets));
        assert_eq!(Page::from_slug("ovriga-behov"), Some(Page::OtherNeeds));
        // Every page is reached from the first, once, in order.
        let walked: Vec<Page> = std::iter::successors(Some(Page::Month), |p| p.next()).collect();
        assert_eq!(walked, Page::ALL);
        // A draft with every page answered but one is still missing that one.
        let mut a = Answers::default();
        for p in Page::ALL {
            a.answered_pages.insert(p.slug().to_owned());
        }
        a.answered_pages.remove("ovriga-behov");
        assert_eq!(a.first_unanswered(), Some(Page::OtherNeeds));
        let missing = a.unanswered();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].field, "ovriga-behov");
    }

    #[test]
    fn month_must_be_offered() {
        let months = vec!["2026-12".to_owned()];
        let a = Answers::default();
        let err = a
            .apply(Page::Month, &form(&[("manad", "2027-05")]), &months)
            .expect_err("rejected");
        assert_eq!(err[0].field, "manad");
        let ok = a
            .apply(Page::Month, &form(&[("manad", "2026-12")]), &months)
            .expect("accepted");
        assert_eq!(ok.month.as_deref(), Some("2026-12"));
    }

    #[test]
    fn partner_needs_an_age_and_every_problem_is_listed() {
        let a = Answers::default();
        let err = a
            .apply(
                Page::Household,
                &form(&[("sambo", "ja"), ("sambo-alder", "x")]),
                &[],
            )
            .expect_err("rejected");
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].field, "sambo-alder");
        assert!(err[0].message.contains("heltal"), "{}", err[0].message);
        let ok = a
            .apply(
                Page::Household,
                &form(&[("sambo", "ja"), ("sambo-alder", "34")]),
                &[],
            )
            .expect("accepted");
        assert_eq!((ok.partner, ok.partner_age), (Some(true), Some(34)));
        assert_eq!(ok.members(), vec![APPLICANT, CO_APPLICANT]);
    }

    #[test]
    fn amounts_accept_spaces_and_refuse_garbage() {
        let a = Answers::default();
        let good = form(&[
            ("kostnad-housing", "6 200"),
            ("kostnad-electricity", "350 kr"),
        ]);
        let ok = a.apply(Page::Costs, &good, &[]).expect("accepted");
        let rows: Vec<_> = ok.cost_rows().collect();
        assert_eq!(
            rows,
            vec![(CostKind::Electricity, 350), (CostKind::Housing, 6200)]
        );
        let bad = form(&[("kostnad-housing", "-5"), ("kostnad-electricity", "tre")]);
        let err = a.apply(Page::Costs, &bad, &[]).expect_err("rejected");
        assert_eq!(err.len(), 2, "{err:?}");
        assert!(
            err.iter()
                .any(|p| p.field == "kostnad-housing" && p.message.contains("negativt"))
        );
    }

    #[test]
    fn children_are_added_and_removed() {
        let a = Answers::default();
        let a = a
            .apply(
                Page::Children,
                &form(&[
                    ("atgard", "lagg-till"),
                    ("barn-alder", "3"),
                    ("barn-lunch", "ja"),
                ]),
                &[],
            )
            .expect("accepted");
        assert_eq!(a.children.len(), 1);
        assert!(!a.answered(Page::Children));
        let err = a
            .apply(
                Page::Children,
                &form(&[("atgard", "lagg-till"), ("barn-alder", "25")]),
                &[],
            )
            .expect_err("rejected");
        assert_eq!(err.len(), 2);
        let a = a
            .apply(Page::Children, &form(&[("atgard", "ta-bort-0")]), &[])
            .expect("accepted");
        assert!(a.children.is_empty());
        let a = a.apply(Page::Children, &form(&[]), &[]).expect("accepted");
        assert!(a.answered(Page::Children));
    }

    #[test]
    fn changes_need_a_description_and_consent_is_required() {
        let a = Answers::default();
        let err = a
            .apply(Page::Changes, &form(&[("forandringar", "ja")]), &[])
            .expect_err("rejected");
        assert_eq!(err[0].field, "forandringar-text");
        assert!(a.apply(Page::Consent, &form(&[]), &[]).is_err());
        assert_eq!(
            a.apply(Page::Consent, &form(&[("samtycke", "ja")]), &[])
                .expect("accepted")
                .consent,
            Some(true)
        );
    }

    /// The yes/no-with-description pages: (page, yes/no field, text field, the problem
    /// codes when the answer or the description is missing).
    const YES_WITH_TEXT: [(Page, &str, &str, &str, &str); 3] = [
        (
            Page::Assets,
            "tillgangar",
            "tillgangar-text",
            "problem-missing-assets",
            "problem-missing-assets-text",
        ),
        (
            Page::OtherNeeds,
            "ovriga-behov",
            "ovriga-behov-text",
            "problem-missing-other-needs",
            "problem-missing-other-needs-text",
        ),
        (
            Page::Changes,
            "forandringar",
            "forandringar-text",
            "problem-missing-changes",
            "problem-missing-changes-text",
        ),
    ];

    /// The answer and its description as kept for the page.
    fn yes_and_text(a: &Answers, page: Page) -> (Option<bool>, Option<String>) {
        match page {
            Page::Assets => (a.assets, a.assets_text.clone()),
            Page::OtherNeeds => (a.other_needs, a.other_needs_text.clone()),
            Page::Changes => (a.changes, a.changes_text.clone()),
            other => panic!("{other:?} has no description"),
        }
    }

    #[test]
    fn no_answer_is_a_problem_on_the_question() {
        for (page, field, _, missing, _) in YES_WITH_TEXT {
            let a = Answers::default();
            for f in [form(&[]), form(&[(field, "kanske")])] {
                let err = a.apply(page, &f, &[]).expect_err("rejected");
                assert_eq!(err.len(), 1, "{page:?}: {err:?}");
                assert_eq!((err[0].field.as_str(), err[0].code), (field, missing));
                assert!(!err[0].message.is_empty());
            }
        }
    }

    #[test]
    fn yes_without_a_description_is_a_problem_on_the_text_field() {
        for (page, field, text_field, _, missing_text) in YES_WITH_TEXT {
            let a = Answers::default();
            for f in [
                form(&[(field, "ja")]),
                form(&[(field, "ja"), (text_field, "   ")]),
            ] {
                let err = a.apply(page, &f, &[]).expect_err("rejected");
                assert_eq!(err.len(), 1, "{page:?}: {err:?}");
                assert_eq!(
                    (err[0].field.as_str(), err[0].code),
                    (text_field, missing_text),
                    "{page:?}"
                );
                assert!(err[0].message.starts_with("Beskriv"), "{}", err[0].message);
            }
            // An earlier answer stays as it was.
            let before = a.apply(page, &form(&[(field, "nej")]), &[]).expect("no");
            assert!(before.apply(page, &form(&[(field, "ja")]), &[]).is_err());
            assert_eq!(yes_and_text(&before, page), (Some(false), None));
        }
    }

    #[test]
    fn a_description_too_long_is_refused_with_the_shared_code() {
        let long = "x".repeat(MAX_TEXT + 1);
        let just = "y".repeat(MAX_TEXT);
        for (page, field, text_field, _, _) in YES_WITH_TEXT {
            let a = Answers::default();
            let err = a
                .apply(page, &form(&[(field, "ja"), (text_field, &long)]), &[])
                .expect_err("rejected");
            assert_eq!(err.len(), 1, "{page:?}: {err:?}");
            assert_eq!(err[0].field, text_field);
            assert_eq!(err[0].code, "problem-text-too-long");
            assert_eq!(err[0].args, vec![("max", MAX_TEXT.to_string())]);
            let ok = a
                .apply(page, &form(&[(field, "ja"), (text_field, &just)]), &[])
                .expect("the longest accepted");
            assert_eq!(yes_and_text(&ok, page), (Some(true), Some(just.clone())));
        }
    }

    #[test]
    fn yes_with_a_description_is_kept_trimmed_and_the_page_answered() {
        for (page, field, text_field, _, _) in YES_WITH_TEXT {
            let a = Answers::default();
            let ok = a
                .apply(
                    page,
                    &form(&[(field, " ja "), (text_field, "  En bil, värd 40 000 kr \n")]),
                    &[],
                )
                .expect("accepted");
            assert_eq!(
                yes_and_text(&ok, page),
                (Some(true), Some("En bil, värd 40 000 kr".to_owned())),
                "{page:?}"
            );
            assert!(ok.answered(page));
            // The other pages' answers are untouched.
            for (other, ..) in YES_WITH_TEXT {
                if other != page {
                    assert_eq!(yes_and_text(&ok, other), (None, None), "{other:?}");
                    assert!(!ok.answered(other));
                }
            }
        }
    }

    #[test]
    fn no_clears_an_earlier_description() {
        for (page, field, text_field, _, _) in YES_WITH_TEXT {
            let yes = Answers::default()
                .apply(page, &form(&[(field, "ja"), (text_field, "Glasögon")]), &[])
                .expect("yes");
            assert_eq!(yes_and_text(&yes, page).1.as_deref(), Some("Glasögon"));
            // The text still in the form (the field is only hidden) is not kept.
            let no = yes
                .apply(
                    page,
                    &form(&[(field, "nej"), (text_field, "Glasögon")]),
                    &[],
                )
                .expect("no");
            assert_eq!(yes_and_text(&no, page), (Some(false), None), "{page:?}");
            assert!(no.answered(page));
        }
    }

    #[test]
    fn the_new_pages_are_summarised_between_incomes_and_changes() {
        let row = |a: &Answers, page: Page| -> (String, String) {
            let rows = a.summary();
            let r = rows
                .iter()
                .find(|r| r.page == page)
                .unwrap_or_else(|| panic!("a row for {page:?}"));
            (r.question.clone(), r.answer.clone())
        };
        // Not answered yet: the rows are there, empty.
        let a = Answers::default();
        assert_eq!(row(&a, Page::Assets), ("Tillgångar".into(), String::new()));
        assert_eq!(
            row(&a, Page::OtherNeeds),
            ("Övriga behov".into(), String::new())
        );
        let a = a
            .apply(
                Page::Assets,
                &form(&[
                    ("tillgangar", "ja"),
                    ("tillgangar-text", "Sparkonto 30 000 kr"),
                ]),
                &[],
            )
            .expect("assets")
            .apply(Page::OtherNeeds, &form(&[("ovriga-behov", "nej")]), &[])
            .expect("other needs");
        assert_eq!(row(&a, Page::Assets).1, "Ja: Sparkonto 30 000 kr");
        assert_eq!(row(&a, Page::OtherNeeds).1, "Nej");
        let a = a
            .apply(
                Page::OtherNeeds,
                &form(&[("ovriga-behov", "ja"), ("ovriga-behov-text", "Glasögon")]),
                &[],
            )
            .expect("other needs")
            .apply(Page::Assets, &form(&[("tillgangar", "nej")]), &[])
            .expect("assets");
        assert_eq!(row(&a, Page::Assets).1, "Nej");
        assert_eq!(row(&a, Page::OtherNeeds).1, "Ja: Glasögon");
        // One row per page question, in the pages' order (incomes once when alone).
        let pages: Vec<Page> = a.summary().iter().map(|r| r.page).collect();
        assert_eq!(pages, Page::ALL);
    }

    #[test]
    fn a_child_filled_in_but_not_added_is_not_lost_silently() {
        let a = Answers::default();
        let err = a
            .apply(
                Page::Children,
                &form(&[("barn-alder", "4"), ("atgard", "fortsatt")]),
                &[],
            )
            .expect_err("rejected");
        assert_eq!(err[0].field, "barn-alder");
        let ok = a
            .apply(Page::Children, &form(&[("atgard", "fortsatt")]), &[])
            .expect("accepted");
        assert!(ok.answered(Page::Children));
    }

    #[test]
    fn swedish_formats() {
        assert_eq!(month_name("2026-12"), "december 2026");
    }
}
