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
    APPLICANT, Answers, COSTS, Citizen, Error, Form, INCOMES, Page, cost_field, income_field,
    month_name,
};

use super::{CitizenLayout, SignedIn, field_errors, render};
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
    text: String,
}

#[derive(Template)]
#[template(path = "eservice/question.html")]
struct QuestionPage {
    layout: CitizenLayout,
    id: String,
    slug: &'static str,
    back: String,
    step: usize,
    steps: usize,
    intro: Option<&'static str>,
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

fn yes_no(name: &str, legend: &str, value: &str) -> Field {
    radios(
        name,
        legend,
        &[("ja", "Ja".to_owned()), ("nej", "Nej".to_owned())],
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

fn groups(page: Page, answers: &Answers, months: &[String], form: &Form) -> Vec<Group> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let one = |fields: Vec<Field>| {
        vec![Group {
            heading: None,
            fields,
        }]
    };
    match page {
        Page::Month => {
            let options: Vec<(&str, String)> =
                months.iter().map(|m| (m.as_str(), month_name(m))).collect();
            one(vec![radios("manad", "Månad", &options, &v("manad"))])
        }
        Page::Household => {
            let mut age = Field::new(
                "number",
                "sambo-alder",
                "Hur gammal är din make, maka eller sambo?",
            )
            .hint("Fyll bara i om du svarade ja. Ange ålder i hela år.");
            age.value = v("sambo-alder");
            one(vec![
                yes_no(
                    "sambo",
                    "Bor du med en make, maka eller sambo?",
                    &v("sambo"),
                )
                .hint("Ni söker i så fall tillsammans, och vi räknar med båda era inkomster."),
                age,
            ])
        }
        Page::Children => {
            let mut age = Field::new("number", "barn-alder", "Barnets ålder").hint("I hela år.");
            age.value = v("barn-alder");
            let mut days = Field::new("number", "barn-dagar", "Antal dagar i månaden barnet bor hos dig")
                .hint("Fyll bara i om barnet bor hos dig en del av månaden, till exempel vid växelvis boende.");
            days.value = v("barn-dagar");
            vec![Group {
                heading: Some(if answers.children.is_empty() {
                    "Lägg till ett barn".into()
                } else {
                    "Lägg till ett barn till".into()
                }),
                fields: vec![
                    age,
                    yes_no(
                        "barn-lunch",
                        "Äter barnet lunch i förskola eller skola på vardagar?",
                        &v("barn-lunch"),
                    ),
                    days,
                ],
            }]
        }
        Page::Costs => one(COSTS
            .iter()
            .map(|&kind| {
                let mut f = Field::new("amount", cost_field(kind), kind.label());
                f.value = v(&cost_field(kind));
                f
            })
            .collect()),
        Page::Incomes => answers
            .members()
            .into_iter()
            .map(|member| Group {
                heading: Some(if member == APPLICANT {
                    "Dina inkomster".into()
                } else {
                    "Din make, makas eller sambos inkomster".into()
                }),
                fields: INCOMES
                    .iter()
                    .map(|&kind| {
                        let name = income_field(member, kind);
                        let mut f = Field::new("amount", name.clone(), kind.label());
                        f.value = v(&name);
                        f
                    })
                    .collect(),
            })
            .collect(),
        Page::Changes => {
            let mut what = Field::new("textarea", "forandringar-text", "Vad har ändrats?")
                .hint("Fyll bara i om du svarade ja. Till exempel ny adress, nytt jobb eller att någon flyttat in eller ut.");
            what.value = v("forandringar-text");
            one(vec![
                yes_no(
                    "forandringar",
                    "Har något ändrats sedan din förra ansökan?",
                    &v("forandringar"),
                ),
                what,
            ])
        }
        Page::Consent => {
            let mut f = Field::new(
                "checkbox",
                "samtycke",
                "Jag samtycker till att socialtjänsten hämtar uppgifter om mig och mitt hushåll från andra myndigheter för att pröva min ansökan",
            );
            f.value = v("samtycke");
            one(vec![f])
        }
    }
}

fn intro(page: Page) -> Option<&'static str> {
    match page {
        Page::Children => Some(
            "Lägg till varje barn under 21 år som bor hos dig, ett i taget. Har du inga barn som bor hos dig går du vidare.",
        ),
        Page::Costs => Some(
            "Ange kostnader per månad i hela kronor. Lämna tomt om du inte har kostnaden. Skicka kvitton eller hyresavi om socialtjänsten ber om det.",
        ),
        Page::Incomes => Some(
            "Ange inkomster per månad efter skatt, i hela kronor. Lämna tomt om ni inte har inkomsten.",
        ),
        Page::Consent => Some(
            "För att pröva din ansökan hämtar vi uppgifter om inkomster och ersättningar från Försäkringskassan, Skatteverket, CSN, Arbetsförmedlingen, Pensionsmyndigheten och a-kassan (SSBTEK). Du kan när som helst ta tillbaka ditt samtycke genom att kontakta socialtjänsten. Utan samtycke kan du söka på blankett.",
        ),
        _ => None,
    }
}

/// Renders a question page; `posted` is a form to show again with its errors.
fn question_page(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    page: Page,
    answers: &Answers,
    posted: Option<(Form, Vec<FieldError>)>,
) -> Result<Response, PageError> {
    let (form, errors, status) = match posted {
        Some((form, errors)) => (form, errors, StatusCode::UNPROCESSABLE_ENTITY),
        None => (values(page, answers), Vec::new(), StatusCode::OK),
    };
    let mut groups = groups(page, answers, &state.casework.open_months(), &form);
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
            layout: CitizenLayout::new(state, page.title(), Some(citizen)).errors(errors),
            id: id.to_owned(),
            slug: page.slug(),
            back,
            step,
            steps: Page::ALL.len(),
            intro: intro(page),
            children: answers
                .children
                .iter()
                .enumerate()
                .map(|(index, c)| ChildRow {
                    index,
                    text: flode_casework::child_text(c),
                })
                .collect(),
            is_children: page == Page::Children,
            groups,
        },
    )
}

/// The citizen's own draft; a submitted one cannot change.
async fn own_draft(state: &AppState, citizen: &Citizen, id: &str) -> Result<Answers, PageError> {
    let (application, answers) = state.casework.application(citizen, id).await?;
    if application.state != "draft" {
        return Err(Error::AlreadySubmitted.into());
    }
    Ok(answers)
}

/// `GET /mina-sidor/ansokan/{id}/{page}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
    Path((id, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let page = Page::from_slug(&slug).ok_or(PageError::NotFound)?;
    let answers = own_draft(&state, &citizen, &id).await?;
    question_page(&state, &citizen, &id, page, &answers, None)
}

/// `POST /mina-sidor/ansokan/{id}/{page}`: saves the page, then the next.
pub(crate) async fn save(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
    Path((id, slug)): Path<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let page = Page::from_slug(&slug).ok_or(PageError::NotFound)?;
    let answers = own_draft(&state, &citizen, &id).await?;
    let form: Form = pairs.into_iter().collect();
    match state.casework.save_page(&citizen, &id, page, &form).await {
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
            &citizen,
            &id,
            page,
            &answers,
            Some((form, field_errors(problems))),
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
    attachments: usize,
}

async fn check_page(
    state: &AppState,
    citizen: &Citizen,
    id: &str,
    answers: &Answers,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut seen = std::collections::BTreeSet::new();
    let rows = answers
        .summary()
        .into_iter()
        .map(|r| CheckRow {
            first: seen.insert(r.page.slug()),
            slug: r.page.slug(),
            question: r.question,
            answer: if r.answer.is_empty() {
                "Inte besvarad".into()
            } else {
                r.answer
            },
        })
        .collect();
    let attachments = state.casework.attachments(citizen, id).await?.len();
    render(
        status,
        &CheckPage {
            layout: CitizenLayout::new(state, "Kontrollera dina svar", Some(citizen))
                .errors(errors),
            id: id.to_owned(),
            rows,
            attachments,
        },
    )
}

/// `GET /mina-sidor/ansokan/{id}/kontrollera`.
pub(crate) async fn check(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let answers = own_draft(&state, &citizen, &id).await?;
    check_page(&state, &citizen, &id, &answers, Vec::new()).await
}

/// `POST /mina-sidor/ansokan/{id}/kontrollera`: submits. A second post (double click,
/// back and submit again) lands on the same case.
pub(crate) async fn submit(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    match state.casework.submit(&citizen, &id).await {
        Ok(case) => {
            Ok(Redirect::to(&format!("/mina-sidor/arenden/{}?kvitto=1", case.id)).into_response())
        }
        Err(Error::Invalid(problems)) => {
            let (_, answers) = state.casework.application(&citizen, &id).await?;
            check_page(&state, &citizen, &id, &answers, field_errors(problems)).await
        }
        Err(e) => Err(e.into()),
    }
}
