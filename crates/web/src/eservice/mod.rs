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
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flode_casework::{Citizen, FieldProblem};

use crate::auth::cookie;
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

/// What a request's citizen session cookie resolves to.
enum Session {
    /// A live session.
    Live(Citizen),
    /// No cookie.
    Missing,
    /// A cookie whose session has ended (signed out, idle or too old).
    Expired,
}

async fn session(parts: &Parts, state: &AppState) -> Result<Session, String> {
    let Some(id) = cookie(&parts.headers, cookie_name(state.config.secure_cookies)) else {
        return Ok(Session::Missing);
    };
    match state.citizens.session(&id, state.engine.now()).await {
        Ok(Some(who)) => Ok(Session::Live(Citizen {
            personnummer: who.personnummer,
            name: who.name,
            auth_ref: who.auth_ref,
        })),
        Ok(None) => Ok(Session::Expired),
        Err(e) => Err(format!("citizen session: {e}")),
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
        match session(parts, state).await {
            Ok(Session::Live(citizen)) => Ok(Self(citizen)),
            Ok(Session::Missing) => Err(Redirect::to("/e-tjanst/logga-in").into_response()),
            Ok(Session::Expired) => {
                Err(Redirect::to("/e-tjanst/logga-in?meddelande=utgangen").into_response())
            }
            Err(e) => Err(PageError::Internal(e).into_response()),
        }
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
        let detail = match session(parts, state).await {
            Ok(Session::Live(citizen)) => return Ok(Self(citizen)),
            Ok(Session::Missing) => "Logga in i e-tjänsten först (/e-tjanst/logga-in)",
            Ok(Session::Expired) => {
                "Sessionen har upphört; logga in i e-tjänsten igen (/e-tjanst/logga-in)"
            }
            Err(e) => return Err(Problem::internal(e).into_response()),
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
    pub(crate) notice: Option<&'static str>,
    /// Form errors for the error summary.
    pub(crate) errors: Vec<FieldError>,
}

impl CitizenLayout {
    pub(crate) fn new(
        state: &AppState,
        title: impl Into<String>,
        citizen: Option<&Citizen>,
    ) -> Self {
        Self {
            title: title.into(),
            citizen: citizen.map(|c| c.name.clone()),
            test: !state.config.test_people.is_empty(),
            notice: None,
            errors: Vec::new(),
        }
    }

    pub(crate) fn notice(mut self, flag: Option<&str>) -> Self {
        self.notice = flag.and_then(notice_text);
        self
    }

    pub(crate) fn errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

/// Success messages by flag; unknown flags show nothing (never echo the query).
fn notice_text(flag: &str) -> Option<&'static str> {
    Some(match flag {
        "utloggad" => "Du är utloggad.",
        "utgangen" => {
            "Du har varit inaktiv för länge och har loggats ut. Det du sparat finns kvar."
        }
        "skickat" => "Ditt meddelande är skickat.",
        "bilaga-sparad" => "Filen är bifogad.",
        "bilaga-borttagen" => "Filen är borttagen.",
        _ => return None,
    })
}

/// The case service's field problems as page field errors.
pub(crate) fn field_errors(problems: Vec<FieldProblem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| FieldError::new(p.field, p.message))
        .collect()
}

/// Renders an e-service page.
fn render(status: axum::http::StatusCode, page: &impl Template) -> Result<Response, PageError> {
    crate::pages::layout::render(status, page)
}
