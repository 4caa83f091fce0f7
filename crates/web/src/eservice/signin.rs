//! `/e-tjanst`: the start page; `/e-tjanst/logga-in`: sign-in with e-legitimation through
//! the configured OpenID Connect provider (`/e-tjanst/oidc/start` and `/callback`) and/or
//! the built-in test identity provider (a synthetic person to pick, marked TEST; absent
//! unless the binary enables it, which it never does in production); `/e-tjanst/logga-ut`.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use flode_security::{Callback, CitizenSignInError, OidcError};
use serde::Deserialize;

use super::{CitizenLayout, cookie_name, render};
use crate::auth::{clear_session_cookie, cookie, set_session_cookie};
use crate::i18n::{Language, Tr};
use crate::oidc;
use crate::pages::error::PageError;
use crate::pages::form::{FieldError, NoticeQuery, PageForm, PageQuery};
use crate::state::AppState;

/// Where the provider sends the person back (and the path of the sign-in cookie).
const CALLBACK: &str = "/e-tjanst/oidc/callback";
/// The error summary's link target for a failed e-legitimation sign-in: its button.
const OIDC_FIELD: &str = "e-legitimation";

#[derive(Template)]
#[template(path = "eservice/start.html")]
struct StartPage {
    layout: CitizenLayout,
    oidc: bool,
}

/// `GET /e-tjanst`.
pub(crate) async fn start(
    State(state): State<AppState>,
    language: Language,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    let title = language.tr.t("start-title");
    render(
        StatusCode::OK,
        &StartPage {
            layout: CitizenLayout::in_language(&state, &language, title, None)
                .notice(q.meddelande.as_deref()),
            oidc: state.citizen_oidc.is_some(),
        },
    )
}

struct PersonChoice {
    index: usize,
    name: String,
    personnummer: String,
    description: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "eservice/signin.html")]
struct SignInPage {
    layout: CitizenLayout,
    /// Citizen OpenID Connect is configured: the e-legitimation button.
    oidc: bool,
    people: Vec<PersonChoice>,
    /// A problem with the test person choice.
    error: Option<String>,
}

fn signin_page(
    state: &AppState,
    language: &Language,
    status: StatusCode,
    notice: Option<&str>,
    chosen: Option<usize>,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let oidc = state.citizen_oidc.is_some();
    if state.config.test_people.is_empty() && !oidc {
        return Err(PageError::NotFound);
    }
    let people = state
        .config
        .test_people
        .iter()
        .enumerate()
        .map(|(index, p)| PersonChoice {
            index,
            name: p.name.clone(),
            personnummer: format!("{}-{}", &p.personnummer[..8], &p.personnummer[8..]),
            description: p.description.clone(),
            checked: chosen == Some(index),
        })
        .collect();
    let title = language.tr.t(if oidc {
        "signin-title"
    } else {
        "signin-title-test"
    });
    render(
        status,
        &SignInPage {
            error: errors
                .iter()
                .find(|e| e.field != OIDC_FIELD)
                .map(|e| e.message.clone()),
            layout: CitizenLayout::in_language(state, language, title, None)
                .notice(notice)
                .errors(errors),
            oidc,
            people,
        },
    )
}

/// `GET /e-tjanst/logga-in`.
pub(crate) async fn show(
    State(state): State<AppState>,
    language: Language,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    signin_page(
        &state,
        &language,
        StatusCode::OK,
        q.meddelande.as_deref(),
        None,
        Vec::new(),
    )
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    person: String,
}

/// `POST /e-tjanst/logga-in`: signs in as the chosen test person.
pub(crate) async fn submit(
    State(state): State<AppState>,
    language: Language,
    PageForm(form): PageForm<SignInForm>,
) -> Result<Response, PageError> {
    if state.config.test_people.is_empty() {
        return Err(PageError::NotFound);
    }
    let chosen = form
        .person
        .parse::<usize>()
        .ok()
        .and_then(|i| state.config.test_people.get(i));
    let Some(person) = chosen else {
        return signin_page(
            &state,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            None,
            vec![FieldError::new(
                "person-0",
                language.tr.t("signin-choose-person"),
            )],
        );
    };
    let id = state
        .citizens
        .sign_in_test(person, state.engine.now())
        .await
        .map_err(|e| PageError::Internal(format!("citizen sign-in: {e}")))?;
    let secure = state.config.secure_cookies;
    let mut response = Redirect::to("/mina-sidor").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_session_cookie(cookie_name(secure), id.expose(), secure),
    );
    Ok(response)
}

/// The sign-in page with a failed e-legitimation sign-in's message; the sign-in cookie
/// goes.
fn oidc_refused(
    state: &AppState,
    language: &Language,
    status: StatusCode,
    message: String,
) -> Result<Response, PageError> {
    let mut response = signin_page(
        state,
        language,
        status,
        None,
        None,
        vec![FieldError::new(OIDC_FIELD, message)],
    )?;
    response.headers_mut().insert(
        header::SET_COOKIE,
        oidc::clear(CALLBACK, state.config.secure_cookies),
    );
    Ok(response)
}

/// What a failed e-legitimation sign-in tells the person, in their language (the same
/// reasons as [`oidc::failure`], which gives the status and logs).
fn oidc_message(tr: Tr, e: &OidcError) -> String {
    tr.t(match e {
        OidcError::UnknownAttempt | OidcError::StateMismatch => "signin-oidc-unfinished",
        OidcError::Cancelled(_) => "signin-oidc-cancelled",
        OidcError::InvalidToken(_) | OidcError::Rejected(_) => "signin-oidc-unverified",
        OidcError::Provider(_)
        | OidcError::Config(_)
        | OidcError::Store(_)
        | OidcError::Crypto(_) => "signin-oidc-unavailable",
    })
}

/// `GET /e-tjanst/oidc/start`: to the identity provider.
pub(crate) async fn oidc_start(
    State(state): State<AppState>,
    language: Language,
) -> Result<Response, PageError> {
    let Some(flow) = &state.citizen_oidc else {
        return Err(PageError::NotFound);
    };
    match flow.start("/mina-sidor", state.engine.now()).await {
        Ok(started) => Ok(oidc::redirect(
            &started,
            CALLBACK,
            state.config.secure_cookies,
        )),
        Err(e) => {
            let message = oidc_message(language.tr, &e);
            let (status, _) = oidc::failure("citizen", e)?;
            oidc_refused(&state, &language, status, message)
        }
    }
}

/// `GET /e-tjanst/oidc/callback`: back from the identity provider; a session for the
/// personnummer it vouches for, or the sign-in page with what went wrong.
pub(crate) async fn oidc_callback(
    State(state): State<AppState>,
    language: Language,
    headers: HeaderMap,
    PageQuery(callback): PageQuery<Callback>,
) -> Result<Response, PageError> {
    let Some(flow) = &state.citizen_oidc else {
        return Err(PageError::NotFound);
    };
    let secure = state.config.secure_cookies;
    let now = state.engine.now();
    let done = match flow
        .finish(oidc::key(&headers, secure).as_deref(), &callback, now)
        .await
    {
        Ok(done) => done,
        Err(e) => {
            let message = oidc_message(language.tr, &e);
            let (status, _) = oidc::failure("citizen", e)?;
            return oidc_refused(&state, &language, status, message);
        }
    };
    let id = match state
        .citizens
        .sign_in_oidc(
            &done.id_token,
            &state.config.citizen_personnummer_claim,
            now,
        )
        .await
    {
        Ok(id) => id,
        Err(CitizenSignInError::Internal(e)) => {
            return Err(PageError::Internal(format!("citizen sign-in: {e}")));
        }
        Err(e) => {
            // The claim's name only, never its value.
            tracing::warn!(idp = done.id_token.issuer(), error = %e, "citizen sign-in refused");
            return oidc_refused(
                &state,
                &language,
                StatusCode::FORBIDDEN,
                language.tr.t("signin-no-personnummer"),
            );
        }
    };
    let mut response = Redirect::to(&done.return_to).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_session_cookie(cookie_name(secure), id.expose(), secure),
    );
    headers.append(header::SET_COOKIE, oidc::clear(CALLBACK, secure));
    Ok(response)
}

/// `POST /e-tjanst/logga-ut`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let back = "/e-tjanst?meddelande=utloggad";
    let mut to = back.to_owned();
    if let Some(id) = cookie(&headers, cookie_name(secure)) {
        let now = state.engine.now();
        let signed_in = state
            .citizens
            .session(&id, now)
            .await
            .map_err(|e| PageError::Internal(format!("citizen session: {e}")))?;
        state
            .citizens
            .sign_out(&id, now)
            .await
            .map_err(|e| PageError::Internal(format!("citizen sign-out: {e}")))?;
        // Signed in through the provider: end its session too, or the next person at a
        // shared computer could sign in as this one without e-legitimation.
        if let (Some(who), Some(oidc)) = (signed_in, &state.citizen_oidc)
            && who.idp == oidc.client().issuer()
        {
            match oidc.client().end_session_url(back).await {
                Ok(Some(url)) => to = url.to_string(),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "no sign-out at the identity provider"),
            }
        }
    }
    let mut response = Redirect::to(&to).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        clear_session_cookie(cookie_name(secure), secure),
    );
    Ok(response)
}
