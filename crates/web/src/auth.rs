//! Who is asking, and may they: the session cookie or an `Authorization: Bearer` token
//! becomes a [`Principal`] ([`authenticate`], on every request), and each route declares the
//! [`Access`] it needs ([`require`], a layer on the route).
//!
//! A request without a valid principal gets 401 problem+json under `/api`, and a redirect to
//! `/logga-in` (with the path to come back to) for pages; one without a needed role gets 403.
//! Public routes are the sign-in page, health, readiness, metrics, the OpenAPI document and
//! static assets.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use flode_security::{Principal, Role};

use crate::pages::error::no_access_page;
use crate::pages::layout::urlencode;
use crate::problem::Problem;
use crate::state::AppState;

/// The session cookie's name over plain HTTP.
pub(crate) const COOKIE: &str = "flode_session";
/// The session cookie's name with `secure_cookies`: the `__Host-` prefix makes browsers
/// refuse it unless it is `Secure`, host-only and for `/`.
pub(crate) const SECURE_COOKIE: &str = "__Host-flode_session";

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in person or API token, whatever its roles.
    SignedIn,
    /// A principal with at least one of these roles.
    AnyOf(&'static [Role]),
}

/// Deploying models and managing accounts.
pub(crate) const ADMIN: Access = Access::AnyOf(&[Role::Admin]);
/// Reading and deciding cases: social workers only (secrecy, OSL 26 kap.); an admin runs
/// the system but does not read casework.
pub(crate) const CASEWORK: Access =
    Access::AnyOf(&[Role::Socialsekreterare, Role::ForsteSocialsekreterare]);
/// Cancelling instances and resolving incidents.
pub(crate) const SUPERVISOR: Access = Access::AnyOf(&[Role::ForsteSocialsekreterare, Role::Admin]);

impl std::fmt::Display for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Access::Public => f.write_str("public"),
            Access::SignedIn => f.write_str("signed in"),
            Access::AnyOf(roles) => {
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                write!(f, "{}", names.join(" or "))
            }
        }
    }
}

tokio::task_local! {
    /// The principal of the request being handled, for the page header (set by
    /// [`authenticate`] around the handler; absent outside a request).
    static VIEWER: Option<Principal>;
}

/// The signed-in principal of the current request, if any (for the page layout).
pub(crate) fn viewer() -> Option<Principal> {
    VIEWER.try_with(Clone::clone).ok().flatten()
}

/// The session id in the request's cookies, if any.
pub(crate) fn session_cookie(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie(headers, if secure { SECURE_COOKIE } else { COOKIE })
}

/// The value of the cookie `name`, if present and not empty.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for a new session: a browser-session cookie (gone when the browser closes),
/// never readable by scripts, not sent on cross-site subrequests.
pub(crate) fn set_cookie(id: &str, secure: bool) -> HeaderValue {
    set_session_cookie(if secure { SECURE_COOKIE } else { COOKIE }, id, secure)
}

/// `Set-Cookie` for the session cookie `name` (see [`set_cookie`]).
pub(crate) fn set_session_cookie(name: &str, id: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={id}; Path=/; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub(crate) fn clear_cookie(secure: bool) -> HeaderValue {
    clear_session_cookie(if secure { SECURE_COOKIE } else { COOKIE }, secure)
}

/// `Set-Cookie` that removes the session cookie `name`.
pub(crate) fn clear_session_cookie(name: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; HttpOnly; SameSite=Lax{secure}; Max-Age=0"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's address as seen by the listener, if the server records it (a proxy's
/// `X-Forwarded-For` is not trusted: it can be forged).
#[derive(Debug, Clone)]
pub(crate) struct ClientIp(pub(crate) Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string()),
        ))
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Middleware on every request: resolves the bearer token or session cookie to a
/// [`Principal`] in the request extensions. A bad or expired credential is simply no
/// principal; [`require`] decides what that means for the route.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let now = state.engine.now();
    let found = if let Some(token) = bearer(req.headers()) {
        state.auth.bearer(token).await
    } else if let Some(id) = session_cookie(req.headers(), state.config.secure_cookies) {
        state.auth.session(&id, now).await
    } else {
        Ok(None)
    };
    let principal = match found {
        Ok(p) => p,
        Err(e) => {
            // Public routes (readiness above all) still answer; the others fail in
            // `require`, and `report` logs the cause with the request id.
            req.extensions_mut()
                .insert(CredentialsUnresolved(format!("resolving credentials: {e}")));
            None
        }
    };
    if let Some(p) = &principal {
        req.extensions_mut().insert(p.clone());
    }
    VIEWER.scope(principal, next.run(req)).await
}

/// The store failed while the credentials were being resolved.
#[derive(Debug, Clone)]
struct CredentialsUnresolved(String);

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// A layer for a route that needs `access`.
pub(crate) async fn require(access: Access, req: Request, next: Next) -> Response {
    if access == Access::Public {
        return next.run(req).await;
    }
    if let Some(CredentialsUnresolved(cause)) = req.extensions().get() {
        let cause = cause.clone();
        return if is_api(req.uri().path()) {
            Problem::internal(cause).into_response()
        } else {
            crate::pages::error::PageError::Internal(cause).into_response()
        };
    }
    let principal = req.extensions().get::<Principal>();
    let allowed = match (access, principal) {
        (Access::Public, _) => true,
        (_, None) => return unauthenticated(&req),
        (Access::SignedIn, Some(_)) => true,
        (Access::AnyOf(roles), Some(p)) => p.roles.any_of(roles),
    };
    if allowed {
        return next.run(req).await;
    }
    tracing::info!(
        principal = principal.map(|p| p.name.as_str()).unwrap_or(""),
        path = req.uri().path(),
        needs = %access,
        "request refused: missing role"
    );
    if is_api(req.uri().path()) {
        Problem::forbidden(format!("this needs the role {access}")).into_response()
    } else {
        no_access_page()
    }
}

fn unauthenticated(req: &Request) -> Response {
    if is_api(req.uri().path()) {
        let mut response = Problem::unauthorized(
            "sign in, or send an API token as `Authorization: Bearer <token>`",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"flode\""),
        );
        return response;
    }
    // Back to where the person was going, if that was a page they can simply load again.
    let to = match *req.method() {
        Method::GET | Method::HEAD => {
            let back = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
            format!("/logga-in?tillbaka={}", urlencode(back))
        }
        _ => "/logga-in".to_owned(),
    };
    Redirect::to(&to).into_response()
}

/// A return path after sign-in: only a path on this site (no `//host`, no scheme).
pub(crate) fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control)
                && !p.starts_with("/logga-") =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_bearer() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; flode_session=abc ; b=2"),
        );
        assert_eq!(session_cookie(&h, false).as_deref(), Some("abc"));
        assert_eq!(session_cookie(&h, true), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer flode_x"),
        );
        assert_eq!(bearer(&h), Some("flode_x"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic x"));
        assert_eq!(bearer(&h), None);
        let c = set_cookie("abc", true);
        let c = c.to_str().unwrap_or("");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(
            !set_cookie("abc", false)
                .to_str()
                .unwrap_or("")
                .contains("Secure")
        );
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(
            safe_return(Some("/instanser?state=active")),
            "/instanser?state=active"
        );
        assert_eq!(safe_return(Some("//evil.example/")), "/");
        assert_eq!(safe_return(Some("https://evil.example/")), "/");
        assert_eq!(safe_return(Some("/\\evil.example")), "/");
        assert_eq!(safe_return(Some("/logga-ut")), "/");
        assert_eq!(safe_return(None), "/");
    }
}
