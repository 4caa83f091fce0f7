//! What the citizens' and the staff's OpenID Connect routes share (`eservice/signin.rs`,
//! `pages/login.rs`): the cookie that ties the browser to its sign-in in progress, and the
//! Swedish answer to each way a sign-in can fail. The protocol is `flode_security::oidc`.
//!
//! The cookie holds only a random key (the store has its SHA-256 and the rest: state,
//! nonce, PKCE verifier), lives ten minutes, is HttpOnly, and is scoped to its flow's
//! callback path. SameSite=Lax, because the provider's redirect back is a cross-site
//! top-level GET, which Lax still sends a cookie with.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use flode_security::OidcError;
use flode_security::oidc::{LOGIN_TTL_MS, StartedSignIn};

use crate::auth::cookie;
use crate::pages::error::PageError;

/// The cookie's name over plain HTTP.
const COOKIE: &str = "flode_oidc";
/// With `secure_cookies`: `__Secure-` makes browsers refuse it unless it is `Secure`
/// (`__Host-` would need `Path=/`).
const SECURE_COOKIE: &str = "__Secure-flode_oidc";

fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}

/// The key of the sign-in in progress, if the browser sent one.
pub(crate) fn key(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie(headers, cookie_name(secure))
}

fn set_cookie(value: &str, path: &str, secure: bool, max_age_s: i64) -> HeaderValue {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the key (after the callback, whatever its outcome).
pub(crate) fn clear(path: &str, secure: bool) -> HeaderValue {
    set_cookie("", path, secure, 0)
}

/// The redirect to the provider, with the key's cookie for the callback at `callback_path`.
pub(crate) fn redirect(started: &StartedSignIn, callback_path: &str, secure: bool) -> Response {
    let mut response = Redirect::to(&started.location).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(
            started.cookie.expose(),
            callback_path,
            secure,
            LOGIN_TTL_MS / 1000,
        ),
    );
    response
}

/// How a failed sign-in is answered: the status and a Swedish message for the sign-in page;
/// a server fault is an internal error page instead. `flow` names the flow in the log.
pub(crate) fn failure(flow: &str, e: OidcError) -> Result<(StatusCode, &'static str), PageError> {
    let answer = match &e {
        OidcError::UnknownAttempt | OidcError::StateMismatch => (
            StatusCode::BAD_REQUEST,
            "Inloggningen kunde inte slutföras. Den kan ha tagit för lång tid eller ha startats i en annan webbläsare. Försök igen.",
        ),
        OidcError::Cancelled(_) => (
            StatusCode::BAD_REQUEST,
            "Inloggningen avbröts. Försök igen om du vill logga in.",
        ),
        OidcError::InvalidToken(_) | OidcError::Rejected(_) => (
            StatusCode::FORBIDDEN,
            "Inloggningen kunde inte verifieras. Försök igen. Om felet finns kvar, kontakta oss.",
        ),
        OidcError::Provider(_) => (
            StatusCode::BAD_GATEWAY,
            "Inloggningstjänsten svarar inte just nu. Försök igen om en stund.",
        ),
        OidcError::Config(_) | OidcError::Store(_) | OidcError::Crypto(_) => {
            return Err(PageError::Internal(format!("{flow} OIDC sign-in: {e}")));
        }
    };
    // The reason only: never the code, a token or a claim.
    tracing::warn!(flow, error = %e, "OIDC sign-in refused");
    Ok(answer)
}
