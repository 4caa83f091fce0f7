//! `/logga-in`: the sign-in form; `/logga-ut`: sign-out.
//!
//! A wrong username and a wrong password get the same message, and the password is never
//! shown again. Five failures for one username within 15 minutes (or more from one
//! address) lock sign-in for a while, with a message that says so (status 429).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use flode_security::LoginError;
use serde::Deserialize;

use super::error::PageError;
use super::form::{FieldError, PageForm, error_for};
use super::layout::{Layout, Section, render};
use crate::auth::{ClientIp, clear_cookie, safe_return, session_cookie, set_cookie};
use crate::state::AppState;

/// The one message for an unknown username or a wrong password.
const WRONG: &str = "Användarnamnet eller lösenordet är fel";

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
    username: String,
    tillbaka: String,
    username_error: Option<String>,
    password_error: Option<String>,
}

fn login_page(
    status: StatusCode,
    notice: Option<&str>,
    username: String,
    tillbaka: String,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    render(
        status,
        &LoginPage {
            username,
            tillbaka,
            username_error: error_for(&errors, "username"),
            password_error: error_for(&errors, "password"),
            layout: Layout::new("Logga in", Section::None)
                .notice(notice)
                .errors(errors),
        },
    )
}

pub(crate) async fn show(
    super::form::PageQuery(q): super::form::PageQuery<LoginQuery>,
) -> Result<Response, PageError> {
    login_page(
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
    let mut errors = Vec::new();
    if form.username.trim().is_empty() {
        errors.push(FieldError::new("username", "Ange ditt användarnamn"));
    }
    if form.password.is_empty() {
        errors.push(FieldError::new("password", "Ange ditt lösenord"));
    }
    if !errors.is_empty() {
        return login_page(
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
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            form.username,
            tillbaka,
            vec![FieldError::new("username", WRONG)],
        ),
        Err(LoginError::Locked { retry_after_ms }) => {
            let minutes = (retry_after_ms + 59_999) / 60_000;
            let message = format!(
                "För många misslyckade inloggningar. Av säkerhetsskäl är inloggningen spärrad. Försök igen om {minutes} {}.",
                if minutes == 1 { "minut" } else { "minuter" }
            );
            let mut response = login_page(
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
