//! `/logga-in`: the sign-in form; `/logga-ut`: sign-out; `/logga-in/oidc/start` and
//! `/logga-in/oidc/callback`: sign-in with the organisation's account through its OpenID
//! Connect provider, when configured.
//!
//! A wrong username and a wrong password get the same message, and the password is never
//! shown again. Five failures for one username within 15 minutes (or more from one
//! address) lock sign-in for a while, with a message that says so (status 429).
//!
//! Through OpenID Connect the provider's username claim must name an enabled flode
//! account (roles stay managed in flode); anyone else is refused with an audit line.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use flode_security::{Callback, LoginError, OidcError};
use serde::Deserialize;

use super::error::PageError;
use super::form::{FieldError, PageForm, PageQuery, error_for};
use super::layout::{Layout, Section, render, urlencode};
use crate::auth::{ClientIp, clear_cookie, safe_return, session_cookie, set_cookie};
use crate::i18n::Tr;
use crate::oidc;
use crate::state::AppState;

/// Where the provider sends the person back (and the path of the sign-in cookie).
const CALLBACK: &str = "/logga-in/oidc/callback";
/// The error summary's link target for a failed sign-in through the provider: its button.
const OIDC_FIELD: &str = "oidc";

/// `?tillbaka=` (where to go after signing in) and `?meddelande=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    tillbaka: Option<String>,
    meddelande: Option<String>,
}

/// The form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    tillbaka: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    /// Staff OpenID Connect is configured: its start, with the return path.
    oidc_href: Option<String>,
    username: String,
    tillbaka: String,
    username_error: Option<String>,
    password_error: Option<String>,
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    notice: Option<&str>,
    username: String,
    tillbaka: String,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let tr = crate::i18n::tr();
    render(
        status,
        &LoginPage {
            oidc_href: state
                .staff_oidc
                .is_some()
                .then(|| format!("/logga-in/oidc/start?tillbaka={}", urlencode(&tillbaka))),
            username,
            tillbaka,
            username_error: error_for(&errors, "username"),
            password_error: error_for(&errors, "password"),
            layout: Layout::new(tr.t("staff-login-title"), Section::None)
                .notice(notice)
                .errors(errors),
        },
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<LoginQuery>,
) -> Result<Response, PageError> {
    login_page(
        &state,
        StatusCode::OK,
        q.meddelande.as_deref(),
        String::new(),
        safe_return(q.tillbaka.as_deref()),
        Vec::new(),
    )
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let tillbaka = safe_return(Some(&form.tillbaka));
    let tr = crate::i18n::tr();
    let mut errors = Vec::new();
    if form.username.trim().is_empty() {
        errors.push(FieldError::new(
            "username",
            tr.t("staff-login-missing-username"),
        ));
    }
    if form.password.is_empty() {
        errors.push(FieldError::new(
            "password",
            tr.t("staff-login-missing-password"),
        ));
    }
    if !errors.is_empty() {
        return login_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            form.username,
            tillbaka,
            errors,
        );
    }
    let now = state.engine.now();
    match state
        .auth
        .login(&form.username, &form.password, client.as_deref(), now)
        .await
    {
        Ok(session) => {
            let mut response = Redirect::to(&tillbaka).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                set_cookie(session.id.expose(), state.config.secure_cookies),
            );
            Ok(response)
        }
        Err(LoginError::Invalid) => login_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            form.username,
            tillbaka,
            // The one message for an unknown username or a wrong password.
            vec![FieldError::new("username", tr.t("staff-login-wrong"))],
        ),
        Err(LoginError::Locked { retry_after_ms }) => {
            let minutes = (retry_after_ms + 59_999) / 60_000;
            let message = tr.count("staff-login-locked", minutes);
            let mut response = login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                None,
                form.username,
                tillbaka,
                vec![FieldError::new("username", message)],
            )?;
            if let Ok(v) = HeaderValue::from_str(&((retry_after_ms + 999) / 1000).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(response)
        }
        Err(LoginError::Internal(e)) => Err(PageError::Internal(format!("sign-in: {e}"))),
    }
}

/// The sign-in page with a failed sign-in's message; the provider sign-in cookie goes.
fn oidc_refused(
    state: &AppState,
    status: StatusCode,
    tillbaka: String,
    message: String,
) -> Result<Response, PageError> {
    let mut response = login_page(
        state,
        status,
        None,
        String::new(),
        tillbaka,
        vec![FieldError::new(OIDC_FIELD, message)],
    )?;
    response.headers_mut().insert(
        header::SET_COOKIE,
        oidc::clear(CALLBACK, state.config.secure_cookies),
    );
    Ok(response)
}

/// What a failed sign-in through the provider tells the person, in the page's language:
/// the same reasons (and Swedish texts) as [`oidc::failure`], which gives the status and logs.
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

/// `GET /logga-in/oidc/start?tillbaka=`: to the organisation's identity provider.
pub(crate) async fn oidc_start(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<LoginQuery>,
) -> Result<Response, PageError> {
    let Some(flow) = &state.staff_oidc else {
        return Err(PageError::NotFound);
    };
    let tillbaka = safe_return(q.tillbaka.as_deref());
    match flow.start(&tillbaka, state.engine.now()).await {
        Ok(started) => Ok(oidc::redirect(
            &started,
            CALLBACK,
            state.config.secure_cookies,
        )),
        Err(e) => {
            let message = oidc_message(crate::i18n::tr(), &e);
            let (status, _) = oidc::failure("staff", e)?;
            oidc_refused(&state, status, tillbaka, message)
        }
    }
}

/// `GET /logga-in/oidc/callback`: back from the provider; a session for the flode account
/// its username claim names, then the page the person was going to.
pub(crate) async fn oidc_callback(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    PageQuery(callback): PageQuery<Callback>,
) -> Result<Response, PageError> {
    let Some(flow) = &state.staff_oidc else {
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
            let message = oidc_message(crate::i18n::tr(), &e);
            let (status, _) = oidc::failure("staff", e)?;
            return oidc_refused(&state, status, "/".into(), message);
        }
    };
    // The return path was checked at the start; checked again, as it comes from the store.
    let tillbaka = safe_return(Some(&done.return_to));
    match state
        .auth
        .login_oidc(
            &done.id_token,
            &state.config.staff_username_claim,
            client.as_deref(),
            now,
        )
        .await
    {
        Ok(session) => {
            let mut response = Redirect::to(&tillbaka).into_response();
            let headers = response.headers_mut();
            headers.append(header::SET_COOKIE, set_cookie(session.id.expose(), secure));
            headers.append(header::SET_COOKIE, oidc::clear(CALLBACK, secure));
            Ok(response)
        }
        // A provider account that names no enabled flode account.
        Err(LoginError::Invalid | LoginError::Locked { .. }) => oidc_refused(
            &state,
            StatusCode::FORBIDDEN,
            tillbaka,
            crate::i18n::tr().t("staff-login-no-account"),
        ),
        Err(LoginError::Internal(e)) => Err(PageError::Internal(format!("sign-in: {e}"))),
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    if let Some(id) = session_cookie(&headers, secure) {
        state
            .auth
            .logout(&id, client.as_deref(), state.engine.now())
            .await
            .map_err(|e| PageError::Internal(format!("sign-out: {e}")))?;
    }
    let mut response = Redirect::to("/logga-in?meddelande=utloggad").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie(secure));
    Ok(response)
}
