//! The application, one topic per page (`/mina-sidor/ansokan/{id}/{page}`), then check your
//! answers and submit (`/mina-sidor/ansokan/{id}/kontrollera`). Each page saves when
//! posted, so the citizen can stop and resume; a page with problems saves nothing and is
//! shown again with an error summary linking to each field. The rules are the case
//! service's (`flode_casework::Answers::apply`); this module only lays out the fields.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flode_casework::{
    APPLICANT, Answers, COSTS, Casework, Child, Citizen, Error, Form, INCOMES, Page, cost_field,
    income_field,
};
use flode_letters::kronor;
use flode_store::ApplicationRecord;

use super::{CitizenLayout, SignedIn, SignedInWithApplication, field_errors, month_label, render};
use crate::i18n::{Language, Tr};
use crate::pages::error::PageError;
use crate::pages::form::{FieldError, PageForm, error_for};
use crate::state::AppState;

/// `POST /mina-sidor/ansokan`: the citizen's draft (a new one prefilled from last month's
/// application, if any), at its first unanswered page.
pub(crate) async fn begin(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
) -> Result<Response, PageError> {
    let draft = state.casework.draft(&citizen).await?;
    let (_, answers) = state.casework.application(&citizen, &draft.id).await?;
    Ok(Redirect::to(&next_url(&draft.id, &answers)).into_response())
}

/// Where to go from a saved page: the first unanswered page, or check your answers.
fn next_url(id: &str, answers: &Answers) -> String {
    match answers.first_unanswered() {
        Some(page) => format!("/mina-sidor/ansokan/{id}/{}", page.slug()),
        None => format!("/mina-sidor/ansokan/{id}/kontrollera"),
    }
}

/// A page's title (also its `<h1>`), in the page's language.
fn title(tr: Tr, page: Page) -> String {
    match page {
        Page::Month => tr.t("application-title-month"),
        Page::Household => tr.t("application-title-household"),
        Page::Children => tr.t("application-title-children"),
        Page::Costs => tr.t("application-title-costs"),
        Page::Incomes => tr.t("application-title-incomes"),
        Page::Assets => tr.t("application-title-assets"),
        Page::OtherNeeds => tr.t("application-title-other-needs"),
        Page::Changes => tr.t("application-title-changes"),
        Page::Consent => tr.t("application-title-consent"),
    }
}

/// A cost's label by its code (the case service's labels are Swedish only).
fn cost_label(tr: Tr, code: &str) -> Option<String> {
    Some(match code {
        "housing" => tr.t("application-cost-housing"),
        "electricity" => tr.t("application-cost-electricity"),
        "home_insurance" => tr.t("application-cost-home-insurance"),
        "work_travel" => tr.t("application-cost-work-travel"),
        "union_fee" => tr.t("application-cost-union-fee"),
        "unemployment_fund_fee" => tr.t("application-cost-unemployment-fund-fee"),
        "healthcare" => tr.t("application-cost-healthcare"),
        "medicine" => tr.t("application-cost-medicine"),
        "dental_care" => tr.t("application-cost-dental-care"),
        "childcare" => tr.t("application-cost-childcare"),
        "other_living" => tr.t("application-cost-other-living"),
        _ => return None,
    })
}

/// An income's label by its code.
fn income_label(tr: Tr, code: &str) -> Option<String> {
    Some(match code {
        "salary" => tr.t("application-income-salary"),
        "unemployment_benefit" => tr.t("application-income-unemployment-benefit"),
        "activity_support" => tr.t("application-income-activity-support"),
        "establishment_allowance" => tr.t("application-income-establishment-allowance"),
        "child_benefit" => tr.t("application-income-child-benefit"),
        "housing_allowance" => tr.t("application-income-housing-allowance"),
        "maintenance_support" => tr.t("application-income-maintenance-support"),
        "parental_benefit" => tr.t("application-income-parental-benefit"),
        "sickness_benefit" => tr.t("application-income-sickness-benefit"),
        "disability_benefit" => tr.t("application-income-disability-benefit"),
        "pension" => tr.t("application-income-pension"),
        "student_aid" => tr.t("application-income-student-aid"),
        "tax_refund" => tr.t("application-income-tax-refund"),
        "capital_income" => tr.t("application-income-capital-income"),
        "deposits" => tr.t("application-income-deposits"),
        "other_counted" => tr.t("application-income-other-counted"),
        "tax_free_disability_allowance" => tr.t("application-income-tax-free-disability-allowance"),
        "student_aid_supplement" => tr.t("application-income-student-aid-supplement"),
        "small_gift" => tr.t("application-income-small-gift"),
        _ => return None,
    })
}

/// A child as one line: `7 år, äter lunch i förskola/skola, 10 dagar i månaden`.
fn child_text(tr: Tr, c: &Child) -> String {
    let mut parts = vec![tr.count("application-child-years", i64::from(c.age))];
    if c.lunch_outside_home {
        parts.push(tr.t("application-child-eats-lunch"));
    }
    if let Some(d) = c.days_in_household {
        parts.push(tr.count("application-child-days-a-month", i64::from(d)));
    }
    parts.join(", ")
}

/// `Steg 2 av 9`.
fn step_text(tr: Tr, step: usize, steps: usize) -> String {
    tr.with_args(
        "application-step",
        &[("step", step.to_string()), ("steps", steps.to_string())],
    )
}

/// A radio button or checkbox.
pub(crate) struct Choice {
    id: String,
    value: String,
    label: String,
    checked: bool,
}

/// One field as `eservice/question.html` lays it out (`kind`: radios, amount, number,
/// textarea, checkbox).
pub(crate) struct Field {
    kind: &'static str,
    name: String,
    label: String,
    hint: Option<String>,
    value: String,
    options: Vec<Choice>,
    error: Option<String>,
}

impl Field {
    fn new(kind: &'static str, name: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            label: label.into(),
            hint: None,
            value: String::new(),
            options: Vec::new(),
            error: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The id the error summary links to: the first radio's, or the input's.
    fn anchor(&self) -> String {
        self.name.clone()
    }
}

/// A group of fields under a heading (a fieldset).
pub(crate) struct Group {
    heading: Option<String>,
    fields: Vec<Field>,
}

/// A child already added, with its remove button.
pub(crate) struct ChildRow {
    index: usize,
    /// `Barn 1`.
    number: String,
    /// `barn 1`, after the remove button's text for screen readers.
    which: String,
    text: String,
}

#[derive(Template)]
#[template(path = "eservice/question.html")]
struct QuestionPage {
    layout: CitizenLayout,
    id: String,
    slug: &'static str,
    back: String,
    /// `Steg 2 av 9`.
    step: String,
    intro: Option<String>,
    groups: Vec<Group>,
    children: Vec<ChildRow>,
    is_children: bool,
}

fn radios(name: &str, legend: &str, options: &[(&str, String)], value: &str) -> Field {
    let mut f = Field::new("radios", name, legend);
    f.options = options
        .iter()
        .enumerate()
        .map(|(i, (v, label))| Choice {
            // The first radio carries the field's id, which the error summary links to.
            id: if i == 0 {
                name.to_owned()
            } else {
                format!("{name}-{i}")
            },
            value: (*v).to_owned(),
            label: label.clone(),
            checked: *v == value,
        })
        .collect();
    f
}

fn yes_no(tr: Tr, name: &str, legend: &str, value: &str) -> Field {
    radios(
        name,
        legend,
        &[
            ("ja", tr.t("application-yes")),
            ("nej", tr.t("application-no")),
        ],
        value,
    )
}

fn yes_no_value(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "ja",
        Some(false) => "nej",
        None => "",
    }
}

/// The form values a page shows for `answers` (a posted form is shown as posted).
fn values(page: Page, answers: &Answers) -> Form {
    let mut form = Form::new();
    let mut set = |k: String, v: String| {
        form.insert(k, v);
    };
    match page {
        Page::Month => set("manad".into(), answers.month.clone().unwrap_or_default()),
        Page::Household => {
            set("sambo".into(), yes_no_value(answers.partner).into());
            set(
                "sambo-alder".into(),
                answers
                    .partner_age
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            );
        }
        Page::Children => {}
        Page::Costs => {
            for (kind, v) in answers.cost_rows() {
                set(cost_field(kind), v.to_string());
            }
        }
        Page::Incomes => {
            for member in answers.members() {
                for (kind, v) in answers.income_rows(member) {
                    set(income_field(member, kind), v.to_string());
                }
            }
        }
        Page::Assets => {
            set("tillgangar".into(), yes_no_value(answers.assets).into());
            set(
                "tillgangar-text".into(),
                answers.assets_text.clone().unwrap_or_default(),
            );
        }
        Page::OtherNeeds => {
            set(
                "ovriga-behov".into(),
                yes_no_value(answers.other_needs).into(),
            );
            set(
                "ovriga-behov-text".into(),
                answers.other_needs_text.clone().unwrap_or_default(),
            );
        }
        Page::Changes => {
            set("forandringar".into(), yes_no_value(answers.changes).into());
            set(
                "forandringar-text".into(),
                answers.changes_text.clone().unwrap_or_default(),
            );
        }
        Page::Consent => {
            if answers.consent == Some(true) {
                set("samtycke".into(), "ja".into());
            }
        }
    }
    form
}

/// A yes/no question (`names.0`, with its optional hint) and, under it, the textarea
/// (`names.1`) that describes a yes: `texts` are the question, the textarea's label and
/// the textarea's hint.
fn yes_with_text(
    tr: Tr,
    form: &Form,
    names: (&str, &str),
    hint: Option<String>,
    texts: [String; 3],
) -> Vec<Field> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let [question, label, what_hint] = texts;
    let mut answer = yes_no(tr, names.0, &question, &v(names.0));
    answer.hint = hint;
    let mut what = Field::new("textarea", names.1, label).hint(what_hint);
    what.value = v(names.1);
    vec![answer, what]
}

fn groups(tr: Tr, page: Page, answers: &Answers, months: &[String], form: &Form) -> Vec<Group> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let one = |fields: Vec<Field>| {
        vec![Group {
            heading: None,
            fields,
        }]
    };
    match page {
        Page::Month => {
            let options: Vec<(&str, String)> = months
                .iter()
                .map(|m| (m.as_str(), month_label(tr, m)))
                .collect();
            one(vec![radios(
                "manad",
                &tr.t("application-month"),
                &options,
                &v("manad"),
            )])
        }
        Page::Household => {
            let mut age = Field::new("number", "sambo-alder", tr.t("application-partner-age"))
                .hint(tr.t("application-partner-age-hint"));
            age.value = v("sambo-alder");
            one(vec![
                yes_no(tr, "sambo", &tr.t("application-partner"), &v("sambo"))
                    .hint(tr.t("application-partner-hint")),
                age,
            ])
        }
        Page::Children => {
            let mut age = Field::new("number", "barn-alder", tr.t("application-child-age"))
                .hint(tr.t("application-child-age-hint"));
            age.value = v("barn-alder");
            let mut days = Field::new("number", "barn-dagar", tr.t("application-child-days"))
                .hint(tr.t("application-child-days-hint"));
            days.value = v("barn-dagar");
            vec![Group {
                heading: Some(if answers.children.is_empty() {
                    tr.t("application-add-a-child")
                } else {
                    tr.t("application-add-another-child")
                }),
                fields: vec![
                    age,
                    yes_no(
                        tr,
                        "barn-lunch",
                        &tr.t("application-child-lunch"),
                        &v("barn-lunch"),
                    ),
                    days,
                ],
            }]
        }
        Page::Costs => one(COSTS
            .iter()
            .map(|&kind| {
                let label = cost_label(tr, kind.code()).unwrap_or_else(|| kind.label().to_owned());
                let mut f = Field::new("amount", cost_field(kind), label);
                f.value = v(&cost_field(kind));
                f
            })
            .collect()),
        Page::Incomes => answers
            .members()
            .into_iter()
            .map(|member| Group {
                heading: Some(if member == APPLICANT {
                    tr.t("application-your-incomes")
                } else {
                    tr.t("application-partner-incomes")
                }),
                fields: INCOMES
                    .iter()
                    .map(|&kind| {
                        let name = income_field(member, kind);
                        let label = income_label(tr, kind.code())
                            .unwrap_or_else(|| kind.label().to_owned());
                        let mut f = Field::new("amount", name.clone(), label);
                        f.value = v(&name);
                        f
                    })
                    .collect(),
            })
            .collect(),
        Page::Assets => one(yes_with_text(
            tr,
            form,
            ("tillgangar", "tillgangar-text"),
            Some(tr.t("application-assets-hint")),
            [
                tr.t("application-assets"),
                tr.t("application-assets-what"),
                tr.t("application-assets-what-hint"),
            ],
        )),
        Page::OtherNeeds => one(yes_with_text(
            tr,
            form,
            ("ovriga-behov", "ovriga-behov-text"),
            Some(tr.t("application-other-needs-hint")),
            [
                tr.t("application-other-needs"),
                tr.t("application-other-needs-what"),
                tr.t("application-other-needs-what-hint"),
            ],
        )),
        Page::Changes => one(yes_with_text(
            tr,
            form,
            ("forandringar", "forandringar-text"),
            None,
            [
                tr.t("application-changes"),
                tr.t("application-changes-what"),
                tr.t("application-changes-what-hint"),
            ],
        )),
        Page::Consent => {
            let mut f = Field::new("checkbox", "samtycke", tr.t("application-consent"));
            f.value = v("samtycke");
            one(vec![f])
        }
    }
}

fn intro(tr: Tr, page: Page) -> Option<String> {
    match page {
        Page::Children => Some(tr.t("application-children-intro")),
        Page::Costs => Some(tr.t("application-costs-intro")),
        Page::Incomes => Some(tr.t("application-incomes-intro")),
        Page::Consent => Some(tr.t("application-consent-intro")),
        _ => None,
    }
}

/// Renders a question page; `posted` is a form to show again with its errors.
fn question_page(
    state: &AppState,
    language: &Language,
    citizen: &Citizen,
    id: &str,
    page: Page,
    answers: &Answers,
    posted: Option<(Form, Vec<FieldError>)>,
) -> Result<Response, PageError> {
    let tr = language.tr;
    let (form, errors, status) = match posted {
        Some((form, errors)) => (form, errors, StatusCode::UNPROCESSABLE_ENTITY),
        None => (values(page, answers), Vec::new(), StatusCode::OK),
    };
    let mut groups = groups(tr, page, answers, &state.casework.open_months(), &form);
    for g in &mut groups {
        for f in &mut g.fields {
            f.error = error_for(&errors, &f.anchor());
        }
    }
    let back = match page.previous() {
        Some(p) => format!("/mina-sidor/ansokan/{id}/{}", p.slug()),
        None => "/mina-sidor".into(),
    };
    let step = Page::ALL.iter().position(|p| *p == page).unwrap_or(0) + 1;
    render(
        status,
        &QuestionPage {
            layout: CitizenLayout::in_language(state, language, title(tr, page), Some(citizen))
                .errors(errors),
            id: id.to_owned(),
            slug: page.slug(),
            back,
            step: step_text(tr, step, Page::ALL.len()),
            intro: intro(tr, page),
            children: answers
                .children
                .iter()
                .enumerate()
                .map(|(index, c)| {
                    let n = i64::try_from(index + 1).unwrap_or(i64::MAX);
                    ChildRow {
                        index,
                        number: tr.count("application-child-number", n),
                        which: tr.count("application-child-remove-which", n),
                        text: child_text(tr, c),
                    }
                })
                .collect(),
            is_children: page == Page::Children,
            groups,
        },
    )
}

/// The citizen's own draft, from the application read with the session; a submitted one
/// cannot change.
fn own_draft(citizen: &Citizen, found: Option<ApplicationRecord>) -> Result<Answers, PageError> {
    let (application, answers) = Casework::own(citizen, found)?;
    if application.state != "draft" {
        return Err(Error::AlreadySubmitted.into());
    }
    Ok(answers)
}

/// `GET /mina-sidor/ansokan/{id}/{page}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    language: Language,
    SignedInWithApplication(citizen, found): SignedInWithApplication,
    Path((id, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = Page::from_slug(&slug).ok_or(PageError::NotFound)?;
    let answers = own_draft(&citizen, found)?;
    question_page(&state, &language, &citizen, &id, page, &answers, None)
}

/// `POST /mina-sidor/ansokan/{id}/{page}`: saves the page, then the next.
pub(crate) async fn save(
    State(state): State<AppState>,
    language: Language,
    SignedInWithApplication(citizen, found): SignedInWithApplication,
    Path((id, slug)): Path<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let page = Page::from_slug(&slug).ok_or(PageError::NotFound)?;
    // The draft read with the session is the one saved (read again only if another tab
    // saved meanwhile); its answers also fill the page again when this one has problems.
    let (application, answers) = Casework::own(&citizen, found)?;
    let form: Form = pairs.into_iter().collect();
    let saved = state
        .casework
        .save_page_of(&citizen, application, answers.clone(), page, &form)
        .await;
    match saved {
        Ok(saved) => {
            // Adding or removing a child stays on the page, to add another.
            let to = if saved.answered(page) {
                next_url(&id, &saved)
            } else {
                format!("/mina-sidor/ansokan/{id}/{}", page.slug())
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(Error::Invalid(problems)) => question_page(
            &state,
            &language,
            &citizen,
            &id,
            page,
            &answers,
            Some((form, field_errors(problems, language.tr))),
        ),
        Err(e) => Err(e.into()),
    }
}

/// One section of check your answers.
struct CheckRow {
    slug: &'static str,
    /// The first row of its page carries the id the error summary links to.
    first: bool,
    question: String,
    answer: String,
}

#[derive(Template)]
#[template(path = "eservice/check.html")]
struct CheckPage {
    layout: CitizenLayout,
    id: String,
    rows: Vec<CheckRow>,
    /// `Du har bifogat 2 filer.`
    attachments: String,
}

/// `label: 4 590 kr; …`, or `Inga` when there are none.
fn amounts(tr: Tr, rows: Vec<(String, i64)>) -> String {
    if rows.is_empty() {
        tr.t("application-none")
    } else {
        rows.into_iter()
            .map(|(label, v)| format!("{label}: {}", kronor(v)))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// `Ja: what` or `Nej`; empty when not answered.
fn yes_with_text_answer(tr: Tr, answer: Option<bool>, text: &Option<String>) -> String {
    match (answer, text) {
        (Some(true), Some(t)) => tr.with("application-summary-yes-with-text", "text", t),
        (Some(false), _) => tr.t("application-no"),
        _ => String::new(),
    }
}

/// The answers as check your answers shows them: (page, question, answer; empty when not
/// answered). The same rows as [`Answers::summary`], in the page's language.
fn summary(tr: Tr, answers: &Answers) -> Vec<(Page, String, String)> {
    let mut rows = Vec::new();
    rows.push((
        Page::Month,
        tr.t("application-month"),
        answers
            .month
            .as_deref()
            .map(|m| month_label(tr, m))
            .unwrap_or_default(),
    ));
    rows.push((
        Page::Household,
        tr.t("application-summary-partner"),
        match (answers.partner, answers.partner_age) {
            (Some(true), Some(age)) => tr.count("application-summary-partner-yes", age.into()),
            (Some(false), _) => tr.t("application-no"),
            _ => String::new(),
        },
    ));
    rows.push((
        Page::Children,
        tr.t("application-summary-children"),
        if answers.children.is_empty() {
            tr.t("application-none")
        } else {
            answers
                .children
                .iter()
                .map(|c| child_text(tr, c))
                .collect::<Vec<_>>()
                .join("; ")
        },
    ));
    let costs = answers
        .cost_rows()
        .map(|(k, v)| {
            let label = cost_label(tr, k.code()).unwrap_or_else(|| k.label().to_owned());
            (label, v)
        })
        .collect();
    rows.push((
        Page::Costs,
        tr.t("application-summary-costs"),
        amounts(tr, costs),
    ));
    for member in answers.members() {
        let incomes = answers
            .income_rows(member)
            .map(|(k, v)| {
                let label = income_label(tr, k.code()).unwrap_or_else(|| k.label().to_owned());
                (label, v)
            })
            .collect();
        let question = if member == APPLICANT {
            tr.t("application-your-incomes")
        } else {
            tr.t("application-summary-partner-incomes")
        };
        rows.push((Page::Incomes, question, amounts(tr, incomes)));
    }
    rows.push((
        Page::Assets,
        tr.t("application-summary-assets"),
        yes_with_text_answer(tr, answers.assets, &answers.assets_text),
    ));
    rows.push((
        Page::OtherNeeds,
        tr.t("application-summary-other-needs"),
        yes_with_text_answer(tr, answers.other_needs, &answers.other_needs_text),
    ));
    rows.push((
        Page::Changes,
        tr.t("application-summary-changes"),
        yes_with_text_answer(tr, answers.changes, &answers.changes_text),
    ));
    rows.push((
        Page::Consent,
        tr.t("application-summary-consent"),
        if answers.consent == Some(true) {
            tr.t("application-yes")
        } else {
            String::new()
        },
    ));
    rows
}

async fn check_page(
    state: &AppState,
    language: &Language,
    citizen: &Citizen,
    id: &str,
    answers: &Answers,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let tr = language.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut seen = std::collections::BTreeSet::new();
    let rows = summary(tr, answers)
        .into_iter()
        .map(|(page, question, answer)| CheckRow {
            first: seen.insert(page.slug()),
            slug: page.slug(),
            question,
            answer: if answer.is_empty() {
                tr.t("application-not-answered")
            } else {
                answer
            },
        })
        .collect();
    let attachments = state.casework.attachments(citizen, id).await?.len();
    render(
        status,
        &CheckPage {
            layout: CitizenLayout::in_language(
                state,
                language,
                tr.t("application-title-check"),
                Some(citizen),
            )
            .errors(errors),
            id: id.to_owned(),
            rows,
            attachments: tr.count(
                "application-attachments-count",
                i64::try_from(attachments).unwrap_or(i64::MAX),
            ),
        },
    )
}

/// `GET /mina-sidor/ansokan/{id}/kontrollera`.
pub(crate) async fn check(
    State(state): State<AppState>,
    language: Language,
    SignedInWithApplication(citizen, found): SignedInWithApplication,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let answers = own_draft(&citizen, found)?;
    check_page(&state, &language, &citizen, &id, &answers, Vec::new()).await
}

/// `POST /mina-sidor/ansokan/{id}/kontrollera`: submits. A second post (double click,
/// back and submit again) lands on the same case.
pub(crate) async fn submit(
    State(state): State<AppState>,
    language: Language,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    match state.casework.submit(&citizen, &id).await {
        Ok(case) => {
            Ok(Redirect::to(&format!("/mina-sidor/arenden/{}?kvitto=1", case.id)).into_response())
        }
        Err(Error::Invalid(problems)) => {
            let (_, answers) = state.casework.application(&citizen, &id).await?;
            let errors = field_errors(problems, language.tr);
            check_page(&state, &language, &citizen, &id, &answers, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use flode_casework::{CO_APPLICANT, month_name};

    use super::*;
    use crate::i18n::Lang;

    fn sv() -> Tr {
        Tr::new(Lang::Sv)
    }

    fn en() -> Tr {
        Tr::new(Lang::En)
    }

    fn answers() -> Answers {
        let mut a = Answers {
            month: Some("2026-12".into()),
            partner: Some(true),
            partner_age: Some(1),
            children: vec![
                Child {
                    age: 7,
                    lunch_outside_home: true,
                    days_in_household: Some(10),
                },
                Child {
                    age: 1,
                    lunch_outside_home: false,
                    days_in_household: None,
                },
            ],
            changes: Some(true),
            changes_text: Some("Ny adress".into()),
            assets: Some(true),
            assets_text: Some("Bil, cirka 40 000 kr".into()),
            other_needs: Some(false),
            consent: Some(true),
            ..Answers::default()
        };
        a.costs.insert("housing".into(), 6850);
        a.costs.insert("medicine".into(), 1200);
        a.incomes
            .entry(CO_APPLICANT.into())
            .or_default()
            .insert("salary".into(), 15000);
        a
    }

    #[test]
    fn swedish_is_the_case_services_own_wording() {
        for page in Page::ALL {
            assert_eq!(title(sv(), page), page.title());
        }
        for kind in COSTS {
            assert_eq!(cost_label(sv(), kind.code()).as_deref(), Some(kind.label()));
        }
        for kind in INCOMES {
            assert_eq!(
                income_label(sv(), kind.code()).as_deref(),
                Some(kind.label())
            );
        }
        for m in 1..=12 {
            let month = format!("2026-{m:02}");
            assert_eq!(month_label(sv(), &month), month_name(&month));
        }
        let a = answers();
        for c in &a.children {
            assert_eq!(child_text(sv(), c), flode_casework::child_text(c));
        }
        let ours: Vec<_> = summary(sv(), &a)
            .into_iter()
            .map(|(page, q, answer)| (page.slug(), q, answer))
            .collect();
        let theirs: Vec<_> = a
            .summary()
            .into_iter()
            .map(|r| (r.page.slug(), r.question, r.answer))
            .collect();
        assert_eq!(ours, theirs);
        // The other way round: no assets, other needs with their text.
        let flipped = Answers {
            assets: Some(false),
            assets_text: None,
            other_needs: Some(true),
            other_needs_text: Some("Glasögon, 2 500 kr".into()),
            changes: Some(false),
            changes_text: None,
            ..a
        };
        let ours: Vec<_> = summary(sv(), &flipped).into_iter().map(|r| r.2).collect();
        let theirs: Vec<_> = flipped.summary().into_iter().map(|r| r.answer).collect();
        assert_eq!(ours, theirs);
        assert!(
            ours.contains(&"Ja: Glasögon, 2 500 kr".to_owned()),
            "{ours:?}"
        );
        let empty = Answers::default();
        let ours: Vec<_> = summary(sv(), &empty).into_iter().map(|r| r.2).collect();
        let theirs: Vec<_> = empty.summary().into_iter().map(|r| r.answer).collect();
        assert_eq!(ours, theirs);
        assert_eq!(step_text(sv(), 2, Page::ALL.len()), "Steg 2 av 9");
    }

    /// Every text of a page's fields: labels, hints and choices.
    fn texts(tr: Tr, page: Page, answers: &Answers) -> Vec<String> {
        let form = values(page, answers);
        groups(tr, page, answers, &["2026-12".to_owned()], &form)
            .into_iter()
            .flat_map(|g| {
                g.heading
                    .into_iter()
                    .chain(g.fields.into_iter().flat_map(|f| {
                        let options: Vec<String> = f.options.into_iter().map(|o| o.label).collect();
                        std::iter::once(f.label).chain(f.hint).chain(options)
                    }))
            })
            .collect()
    }

    #[test]
    fn assets_and_other_needs_are_asked_like_changes() {
        let a = answers();
        for (page, names, question, what) in [
            (
                Page::Assets,
                ("tillgangar", "tillgangar-text"),
                "Har du, eller din make, maka eller sambo, tillgångar som går att använda eller sälja?",
                "Vilka tillgångar, och ungefär vad är de värda?",
            ),
            (
                Page::OtherNeeds,
                ("ovriga-behov", "ovriga-behov-text"),
                "Behöver du söka bistånd för något mer än det vanliga den här månaden?",
                "Vad behöver du, och ungefär vad kostar det?",
            ),
        ] {
            let form = values(page, &a);
            let fields: Vec<Field> = groups(sv(), page, &a, &[], &form)
                .into_iter()
                .flat_map(|g| g.fields)
                .collect();
            assert_eq!(fields.len(), 2, "{page:?}");
            assert_eq!(
                (fields[0].kind, fields[0].name.as_str()),
                ("radios", names.0)
            );
            assert_eq!(fields[0].label, question);
            assert!(
                fields[0]
                    .hint
                    .as_deref()
                    .is_some_and(|h| h.starts_with("Till exempel"))
            );
            assert_eq!(
                fields[0].options[0].id, names.0,
                "the error summary's anchor"
            );
            assert_eq!(
                (fields[1].kind, fields[1].name.as_str()),
                ("textarea", names.1)
            );
            assert_eq!(fields[1].label, what);
            assert_eq!(
                fields[1].hint.as_deref(),
                Some("Fyll bara i om du svarade ja.")
            );
        }
        // The saved answers are shown again.
        let form = values(Page::Assets, &a);
        assert_eq!(form["tillgangar"], "ja");
        assert_eq!(form["tillgangar-text"], "Bil, cirka 40 000 kr");
        assert_eq!(values(Page::OtherNeeds, &a)["ovriga-behov"], "nej");
    }

    #[test]
    fn every_page_is_translated() {
        let a = answers();
        for page in Page::ALL {
            let (swedish, english) = (texts(sv(), page, &a), texts(en(), page, &a));
            assert_eq!(swedish.len(), english.len(), "{page:?}");
            for (s, e) in swedish.iter().zip(&english) {
                assert!(!e.starts_with("application-"), "{page:?}: {e}");
                assert!(!s.starts_with("application-"), "{page:?}: {s}");
                // Names the same in both languages (the pension is a pension).
                if s != "Pension" {
                    assert_ne!(s, e, "{page:?}");
                }
            }
        }
    }

    #[test]
    fn english_has_every_label_and_its_plurals() {
        for page in Page::ALL {
            assert!(!title(en(), page).starts_with("application-"), "{page:?}");
        }
        for kind in COSTS {
            let label = cost_label(en(), kind.code()).expect("known");
            assert!(!label.starts_with("application-"), "{label}");
        }
        for kind in INCOMES {
            let label = income_label(en(), kind.code()).expect("known");
            assert!(!label.starts_with("application-"), "{label}");
        }
        assert_eq!(month_label(en(), "2026-12"), "December 2026");
        assert_eq!(month_label(en(), "2026-13"), "2026-13");
        assert_eq!(step_text(en(), 2, Page::ALL.len()), "Step 2 of 9");
        let a = answers();
        assert_eq!(
            child_text(en(), &a.children[0]),
            "7 years old, eats lunch at preschool or school, 10 days a month"
        );
        assert_eq!(child_text(en(), &a.children[1]), "1 year old");
        let rows = summary(en(), &a);
        assert_eq!(rows[0].2, "December 2026");
        assert_eq!(rows[1].2, "Yes, 1 year old");
        assert_eq!(
            rows[3].2,
            "Housing costs: 6\u{a0}850\u{a0}kr; Prescription medicine: 1\u{a0}200\u{a0}kr"
        );
        assert_eq!(rows[4].1, "Your income");
        assert_eq!(rows[4].2, "None");
        assert_eq!(rows[5].2, "Wages after tax: 15\u{a0}000\u{a0}kr");
        assert_eq!(
            (rows[6].0, rows[6].1.as_str(), rows[6].2.as_str()),
            (Page::Assets, "Assets", "Yes: Bil, cirka 40 000 kr")
        );
        assert_eq!(
            (rows[7].0, rows[7].1.as_str(), rows[7].2.as_str()),
            (Page::OtherNeeds, "Other needs", "No")
        );
        assert_eq!(rows[8].2, "Yes: Ny adress");
        assert_eq!(rows.len(), 10);
        for (n, text) in [
            (0, "You have not attached any files."),
            (1, "You have attached 1 file."),
            (3, "You have attached 3 files."),
        ] {
            assert_eq!(en().count("application-attachments-count", n), text);
        }
        for (n, text) in [
            (0, "Du har inte bifogat några filer."),
            (1, "Du har bifogat 1 fil."),
            (3, "Du har bifogat 3 filer."),
        ] {
            assert_eq!(sv().count("application-attachments-count", n), text);
        }
    }
}
