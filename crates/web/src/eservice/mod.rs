//! The citizens' e-service for ekonomiskt bistånd (Swedish, GOV.UK Frontend patterns,
//! works without JavaScript): sign-in (`signin`), the application one topic per page with a
//! check-your-answers page (`application`), and Mina sidor with status, decisions, letters
//! and messages (`mina_sidor`).
//!
//! Citizens are not staff: their session is another cookie over another table
//! (`flode_security::citizen`), no staff route accepts it, and a citizen only ever reaches
//! their own applications and cases (the case service checks; another person's is 404).

mod application;
mod attachments;
mod mina_sidor;
mod signin;

pub(crate) use attachments::file_response;
pub(crate) use mina_sidor::pdf_response;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flode_casework::{Citizen, FieldProblem, month_name};
use flode_store::ApplicationRecord;

use crate::auth::cookie;
use crate::i18n::{Language, Tr};
use crate::pages::error::PageError;
use crate::pages::form::FieldError;
use crate::problem::Problem;
use crate::state::AppState;

/// The citizen session cookie over plain HTTP.
const COOKIE: &str = "flode_medborgare";
/// With `secure_cookies` (see [`crate::auth::SECURE_COOKIE`]).
const SECURE_COOKIE: &str = "__Host-flode_medborgare";

fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}

/// The e-service's routes: public start and sign-in pages; everything under
/// `/mina-sidor` needs a signed-in citizen.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/e-tjanst", get(signin::start))
        .route("/e-tjanst/logga-in", get(signin::show).post(signin::submit))
        .route("/e-tjanst/logga-ut", post(signin::logout))
        .route("/e-tjanst/oidc/start", get(signin::oidc_start))
        .route("/e-tjanst/oidc/callback", get(signin::oidc_callback))
        .route("/mina-sidor", get(mina_sidor::overview))
        .route("/mina-sidor/ansokan", post(application::begin))
        .route(
            "/mina-sidor/ansokan/{id}/kontrollera",
            get(application::check).post(application::submit),
        )
        .route(
            "/mina-sidor/ansokan/{id}/{page}",
            get(application::show).post(application::save),
        )
        .route("/mina-sidor/arenden/{id}", get(mina_sidor::case))
        .route(
            "/mina-sidor/arenden/{id}/meddelande",
            post(mina_sidor::send_message),
        )
        .route("/mina-sidor/dokument/{id}", get(mina_sidor::document))
        .route(
            "/mina-sidor/ansokan/{id}/bilagor",
            get(attachments::show).post(attachments::upload).layer(
                axum::extract::DefaultBodyLimit::max(attachments::UPLOAD_BODY_LIMIT),
            ),
        )
        .route(
            "/mina-sidor/ansokan/{id}/bilagor/{file}/ta-bort",
            post(attachments::remove),
        )
        .route("/mina-sidor/bilagor/{file}", get(attachments::download))
}

/// Why a request has no live citizen session.
enum NotSignedIn {
    /// No cookie.
    Missing,
    /// A cookie whose session has ended (signed out, idle or too old).
    Expired,
    /// The store failed.
    Failed(String),
}

/// The request's citizen; with `application`, also that application if it is the
/// citizen's own, read in the same round trip.
async fn session(
    parts: &Parts,
    state: &AppState,
    application: Option<&str>,
) -> Result<(Citizen, Option<ApplicationRecord>), NotSignedIn> {
    let Some(id) = cookie(&parts.headers, cookie_name(state.config.secure_cookies)) else {
        return Err(NotSignedIn::Missing);
    };
    let now = state.engine.now();
    let found = match application {
        Some(application) => {
            state
                .citizens
                .session_with_application(&id, now, application)
                .await
        }
        None => state
            .citizens
            .session(&id, now)
            .await
            .map(|who| who.map(|who| (who, None))),
    };
    match found {
        Ok(Some((who, application))) => Ok((
            Citizen {
                personnummer: who.personnummer,
                name: who.name,
                auth_ref: who.auth_ref,
            },
            application,
        )),
        Ok(None) => Err(NotSignedIn::Expired),
        Err(e) => Err(NotSignedIn::Failed(format!("citizen session: {e}"))),
    }
}

/// A page's answer without a live session: the sign-in page.
fn sign_in_first(why: NotSignedIn) -> Response {
    match why {
        NotSignedIn::Missing => Redirect::to("/e-tjanst/logga-in").into_response(),
        NotSignedIn::Expired => {
            Redirect::to("/e-tjanst/logga-in?meddelande=utgangen").into_response()
        }
        NotSignedIn::Failed(e) => PageError::Internal(e).into_response(),
    }
}

/// The signed-in citizen of a request; without a live session the page redirects to the
/// sign-in page.
pub(crate) struct SignedIn(pub(crate) Citizen);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (citizen, _) = session(parts, state, None).await.map_err(sign_in_first)?;
        Ok(Self(citizen))
    }
}

/// As [`SignedIn`], on a route about one application (`{id}` in its path): with that
/// application if it is the citizen's own, read with the session in one round trip (the
/// application's pages are the e-service's busiest). See `Casework::own`.
pub(crate) struct SignedInWithApplication(pub(crate) Citizen, pub(crate) Option<ApplicationRecord>);

impl FromRequestParts<AppState> for SignedInWithApplication {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let id = params
            .iter()
            .find_map(|(name, value)| (name == "id").then(|| value.to_owned()))
            .ok_or_else(|| PageError::Internal("a route without {id}".into()).into_response())?;
        let (citizen, application) = session(parts, state, Some(&id))
            .await
            .map_err(sign_in_first)?;
        Ok(Self(citizen, application))
    }
}

/// The signed-in citizen of a JSON API request (`/api/me/...`): the same session cookie
/// as the e-service, but without a live session the answer is 401 problem+json, since an
/// API client cannot follow a redirect to a sign-in page.
pub(crate) struct ApiCitizen(pub(crate) Citizen);

impl FromRequestParts<AppState> for ApiCitizen {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let detail = match session(parts, state, None).await {
            Ok((citizen, _)) => return Ok(Self(citizen)),
            Err(NotSignedIn::Missing) => "Logga in i e-tjänsten först (/e-tjanst/logga-in)",
            Err(NotSignedIn::Expired) => {
                "Sessionen har upphört; logga in i e-tjänsten igen (/e-tjanst/logga-in)"
            }
            Err(NotSignedIn::Failed(e)) => return Err(Problem::internal(e).into_response()),
        };
        let mut response = Problem::unauthorized(detail).into_response();
        // The scheme of the (expired) Cookie auth draft: names the sign-in and the cookie.
        let challenge = format!(
            "Cookie realm=\"Mina sidor\", form-action=\"/e-tjanst/logga-in\", cookie-name=\"{}\"",
            cookie_name(state.config.secure_cookies)
        );
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        Err(response)
    }
}

/// The frame of an e-service page, read by `eservice/base.html`.
#[derive(Debug)]
pub(crate) struct CitizenLayout {
    /// Page title, also the `<h1>` on most pages.
    pub(crate) title: String,
    /// The signed-in citizen's name (header and sign-out button).
    pub(crate) citizen: Option<String>,
    /// A test installation: the TEST banner shows on every page.
    pub(crate) test: bool,
    /// A success message after a Post/Redirect/Get.
    pub(crate) notice: Option<String>,
    /// Form errors for the error summary.
    pub(crate) errors: Vec<FieldError>,
    /// The page's language.
    pub(crate) tr: Tr,
    /// The link to this page in the other language.
    pub(crate) switch_href: String,
}

impl CitizenLayout {
    pub(crate) fn in_language(
        state: &AppState,
        language: &Language,
        title: impl Into<String>,
        citizen: Option<&Citizen>,
    ) -> Self {
        Self {
            title: title.into(),
            citizen: citizen.map(|c| c.name.clone()),
            test: !state.config.test_people.is_empty(),
            notice: None,
            errors: Vec::new(),
            tr: language.tr,
            switch_href: language.switch_href(),
        }
    }

    pub(crate) fn notice(mut self, flag: Option<&str>) -> Self {
        self.notice = flag.and_then(|f| notice_text(self.tr, f));
        self
    }

    pub(crate) fn errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

/// Success messages by flag; unknown flags show nothing (never echo the query).
fn notice_text(tr: Tr, flag: &str) -> Option<String> {
    let id = match flag {
        "utloggad" => "notice-signed-out",
        "utgangen" => "notice-session-expired",
        "skickat" => "notice-message-sent",
        "bilaga-sparad" => "notice-attachment-saved",
        "bilaga-borttagen" => "notice-attachment-removed",
        _ => return None,
    };
    Some(tr.t(id))
}

/// `2026-12` → `december 2026` (`December 2026` in English); anything else as it is.
pub(crate) fn month_label(tr: Tr, month: &str) -> String {
    let number = month
        .split_once('-')
        .and_then(|(y, m)| Some((y, m.parse::<u8>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m));
    match number {
        Some((year, m)) => format!("{} {year}", tr.t(&format!("month-{m}"))),
        None => month_name(month),
    }
}

/// The case service's field problems as page field errors, in the page's language: a
/// problem's message is its code's text with its arguments; a code without a text (none,
/// or newer than the texts) shows the case service's Swedish message.
pub(crate) fn field_errors(problems: Vec<FieldProblem>, tr: Tr) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| {
            let message = if tr.has(p.code) {
                tr.with_args(p.code, &p.args)
            } else {
                p.message
            };
            FieldError::new(p.field, message)
        })
        .collect()
}

/// Renders an e-service page.
fn render(status: axum::http::StatusCode, page: &impl Template) -> Result<Response, PageError> {
    crate::pages::layout::render(status, page)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use flode_casework::{
        Answers, COSTS, Child, Decision, Error, FieldProblem, Form, INCOMES, MAX_ATTACHMENT_BYTES,
        MAX_MESSAGE_CHARS, Page, check_attachment, cost_field, income_field, message_body,
    };

    use super::*;
    use crate::i18n::Lang;

    fn form(pairs: &[(&str, &str)]) -> Form {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn refused(answers: &Answers, page: Page, form: &Form) -> Vec<FieldProblem> {
        answers
            .apply(page, form, &["2026-12".to_owned()])
            .expect_err("refused")
    }

    fn invalid<T: std::fmt::Debug>(result: Result<T, Error>) -> Vec<FieldProblem> {
        match result {
            Err(Error::Invalid(problems)) => problems,
            other => panic!("not refused for its input: {other:?}"),
        }
    }

    /// Real problems from the case service's checks: every code a check without a database
    /// gives, every cost and income, field and page its arguments name.
    fn problems() -> Vec<FieldProblem> {
        let none = Answers::default();
        let mut out = Vec::new();
        out.extend(refused(&none, Page::Month, &form(&[("manad", "2027-05")])));
        out.extend(refused(&none, Page::Household, &form(&[])));
        for age in ["", "200"] {
            let f = form(&[("sambo", "ja"), ("sambo-alder", age)]);
            out.extend(refused(&none, Page::Household, &f));
        }
        let f = form(&[("atgard", "lagg-till"), ("barn-dagar", "40")]);
        out.extend(refused(&none, Page::Children, &f));
        let child = [
            ("atgard", "lagg-till"),
            ("barn-alder", "25"),
            ("barn-lunch", "ja"),
        ];
        out.extend(refused(&none, Page::Children, &form(&child)));
        let full = Answers {
            children: vec![
                Child {
                    age: 3,
                    lunch_outside_home: true,
                    days_in_household: None,
                };
                12
            ],
            ..Answers::default()
        };
        let child = [
            ("atgard", "lagg-till"),
            ("barn-alder", "3"),
            ("barn-lunch", "ja"),
        ];
        out.extend(refused(&full, Page::Children, &form(&child)));
        let f = form(&[("barn-alder", "4"), ("atgard", "fortsatt")]);
        out.extend(refused(&none, Page::Children, &f));
        let couple = Answers {
            partner: Some(true),
            partner_age: Some(40),
            ..Answers::default()
        };
        for bad in ["-5", "tre", "2000000"] {
            let costs: Form = COSTS.iter().map(|k| (cost_field(*k), bad.into())).collect();
            out.extend(refused(&none, Page::Costs, &costs));
            let incomes: Form = couple
                .members()
                .into_iter()
                .flat_map(|m| {
                    INCOMES
                        .iter()
                        .map(move |k| (income_field(m, *k), bad.into()))
                })
                .collect();
            out.extend(refused(&couple, Page::Incomes, &incomes));
        }
        // The yes-with-text pages: no answer, yes without text, yes with too long a text
        // (the same `problem-text-too-long` on each).
        let long = "x".repeat(2001);
        for (page, question, text) in [
            (Page::Assets, "tillgangar", "tillgangar-text"),
            (Page::OtherNeeds, "ovriga-behov", "ovriga-behov-text"),
            (Page::Changes, "forandringar", "forandringar-text"),
        ] {
            for answer in [
                vec![],
                vec![(question, "ja")],
                vec![(question, "ja"), (text, long.as_str())],
            ] {
                out.extend(refused(&none, page, &form(&answer)));
            }
        }
        out.extend(refused(&none, Page::Consent, &form(&[])));
        out.extend(none.unanswered());

        out.extend(invalid(message_body(" \n ")));
        out.extend(invalid(message_body(&"å".repeat(MAX_MESSAGE_CHARS + 1))));
        out.extend(invalid(check_attachment(b"")));
        out.extend(invalid(check_attachment(&vec![
            0;
            MAX_ATTACHMENT_BYTES + 1
        ])));
        out.extend(invalid(check_attachment(b"GIF89a")));

        out.extend(Decision::from_form(&form(&[]), "anna").expect_err("refused"));
        let long = "x".repeat(4001);
        let f = form(&[
            ("utfall", "bifall"),
            ("belopp", "x"),
            ("motivering", &long),
            ("lagrum-0", "ja"),
        ]);
        out.extend(Decision::from_form(&f, "anna").expect_err("refused"));
        out
    }

    /// Codes given only where the case service needs its database (submitting, attachments
    /// already stored, journal notes): their texts are checked to exist.
    const NEEDS_A_DATABASE: [&str; 5] = [
        "problem-month-closed",
        "problem-age-unknown",
        "problem-already-submitted",
        "problem-too-many-attachments",
        "problem-missing-note",
    ];

    /// The `"problem-…"` literals in the case service's sources.
    fn codes_in_casework() -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../casework/src");
        let mut codes = BTreeSet::new();
        for entry in std::fs::read_dir(dir).expect("casework sources").flatten() {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            for (at, _) in text.match_indices("\"problem-") {
                let rest = &text[at + 1..];
                if let Some(end) = rest.find('"') {
                    codes.insert(rest[..end].to_owned());
                }
            }
        }
        codes
    }

    #[test]
    fn problems_read_as_in_the_case_service_in_swedish_and_translated_in_english() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        let problems = problems();
        for p in &problems {
            assert!(
                sv.has(p.code),
                "no Swedish text for {}: {}",
                p.code,
                p.message
            );
            assert!(
                en.has(p.code),
                "no English text for {}: {}",
                p.code,
                p.message
            );
            assert_eq!(sv.with_args(p.code, &p.args), p.message, "{}", p.code);
            let english = en.with_args(p.code, &p.args);
            assert_ne!(english, p.message, "{}", p.code);
            assert!(!english.contains('{'), "{}: {english}", p.code);
            // Labels, page titles and months are translated, not shown in Swedish.
            for (name, value) in &p.args {
                if ["label", "title", "month"].contains(name) && value != "Pension" {
                    assert!(!english.contains(value.as_str()), "{}: {english}", p.code);
                }
            }
        }
        let errors = field_errors(problems.clone(), en);
        assert_eq!(errors.len(), problems.len());
        assert_eq!(
            errors[0].message,
            en.with_args(problems[0].code, &problems[0].args)
        );

        let given: BTreeSet<&str> = problems.iter().map(|p| p.code).collect();
        for code in NEEDS_A_DATABASE {
            assert!(!given.contains(code), "{code} is given by a test now");
            assert!(sv.has(code) && en.has(code), "{code}");
        }
        let covered: BTreeSet<String> = given
            .iter()
            .chain(NEEDS_A_DATABASE.iter())
            .map(|c| (*c).to_owned())
            .collect();
        assert_eq!(codes_in_casework(), covered, "codes given vs. codes tested");
        let texts: BTreeSet<String> = include_str!("../../locales/sv/problems.ftl")
            .lines()
            .filter_map(|l| l.split_once(" ="))
            .map(|(id, _)| id.to_owned())
            .filter(|id| id.starts_with("problem-") && !id.starts_with("problem-arg-"))
            .collect();
        assert_eq!(texts, covered, "texts vs. codes");
    }

    #[test]
    fn the_yes_with_text_pages_name_their_fields_and_share_the_length_limit() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        let none = Answers::default();
        for (page, question, text, missing, missing_text) in [
            (
                Page::Assets,
                "tillgangar",
                "tillgangar-text",
                "Select yes if you or your spouse or partner have assets",
                "Describe the assets",
            ),
            (
                Page::OtherNeeds,
                "ovriga-behov",
                "ovriga-behov-text",
                "Select yes if you need to apply for anything else this month",
                "Describe what you need",
            ),
            (
                Page::Changes,
                "forandringar",
                "forandringar-text",
                "Select yes if anything has changed since your last application",
                "Enter what has changed",
            ),
        ] {
            let errors = field_errors(refused(&none, page, &form(&[])), en);
            assert_eq!(errors.len(), 1, "{page:?}");
            assert_eq!(
                (errors[0].field.as_str(), errors[0].message.as_str()),
                (question, missing)
            );
            let errors = field_errors(refused(&none, page, &form(&[(question, "ja")])), en);
            assert_eq!(
                (errors[0].field.as_str(), errors[0].message.as_str()),
                (text, missing_text)
            );
            let long = "å".repeat(2001);
            let problems = refused(&none, page, &form(&[(question, "ja"), (text, &long)]));
            assert_eq!(problems[0].code, "problem-text-too-long", "{page:?}");
            assert_eq!(problems[0].field, text);
            let swedish = field_errors(problems.clone(), sv);
            assert_eq!(
                swedish[0].message,
                "Beskrivningen får vara högst 2000 tecken"
            );
            let english = field_errors(problems, en);
            assert_eq!(
                english[0].message,
                "The description must be 2000 characters or fewer"
            );
            // A no needs no text; a yes with one is kept.
            assert!(none.apply(page, &form(&[(question, "nej")]), &[]).is_ok());
            assert!(
                none.apply(page, &form(&[(question, "ja"), (text, "x")]), &[])
                    .is_ok()
            );
        }
        assert!(!sv.has("problem-changes-text-too-long"), "renamed");
        assert!(!en.has("problem-changes-text-too-long"), "renamed");
    }

    #[test]
    fn months_are_translated_and_unknown_codes_show_the_swedish_message() {
        let en = Tr::new(Lang::En);
        let month = |name: &str| {
            let args = [
                ("month", format!("{name} 2027")),
                ("month-name", name.to_owned()),
                ("year", "2027".to_owned()),
            ];
            en.with_args("problem-already-submitted", &args)
        };
        assert_eq!(
            month("maj"),
            "You have already sent an application for May 2027"
        );
        assert_eq!(
            month("?"),
            "You have already sent an application for ? 2027"
        );
        let p = FieldProblem::new("manad", "problem-no-such-code", "Välj en månad");
        let errors = field_errors(vec![p, FieldProblem::new("x", "", "Fel")], en);
        assert_eq!(errors[0].message, "Välj en månad");
        assert_eq!(errors[1].message, "Fel");
    }
}
