//! Rejects cross-site form posts: the admin pages have no tokens, so every unsafe request
//! must come from our own origin (or from a non-browser client, which sends neither header).
//!
//! Browsers send `Sec-Fetch-Site` on every request and `Origin` on every POST; a
//! cross-site form post cannot forge either.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::pages::error::forbidden_page;
use crate::problem::Problem;

/// Middleware: 403 for unsafe methods from another site.
pub(crate) async fn guard(req: Request, next: Next) -> Response {
    if is_safe(req.method()) || same_origin(req.headers()) {
        return next.run(req).await;
    }
    tracing::warn!(path = req.uri().path(), "cross-site request rejected");
    if req.uri().path().starts_with("/api/") {
        Problem::forbidden("cross-site requests are not accepted").into_response()
    } else {
        forbidden_page()
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Does the request come from this origin, or from no browser context at all?
fn same_origin(headers: &HeaderMap) -> bool {
    let fetch_site_ok = match headers.get("sec-fetch-site") {
        None => true,
        Some(v) => matches!(v.to_str(), Ok("same-origin" | "none")),
    };
    let origin_ok = match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            match (origin.to_str().ok().and_then(authority), host) {
                (Some(o), Some(h)) => o.eq_ignore_ascii_case(h),
                _ => false,
            }
        }
    };
    fetch_site_ok && origin_ok
}

/// `host[:port]` of an origin such as `https://flode.example:8080`; `None` for `null`.
fn authority(origin: &str) -> Option<&str> {
    let (_, rest) = origin.split_once("://")?;
    Some(rest.trim_end_matches('/')).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origins() {
        assert!(same_origin(&headers(&[])));
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&headers(&[("sec-fetch-site", "none")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(same_origin(&headers(&[
            ("origin", "http://a:8080"),
            ("host", "a:8080")
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "http://evil"),
            ("host", "a:8080")
        ])));
        assert!(!same_origin(&headers(&[("origin", "null"), ("host", "a")])));
        assert!(!same_origin(&headers(&[("origin", "http://a")])));
    }
}
