//! Error pages. User errors on forms re-render the form instead (see each page); these
//! are for what a form cannot show: a missing record, a changed state, a server failure.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::layout::{Layout, Section};

/// The cause of a failed page, left in the response for [`crate::report`] to log.
#[derive(Debug, Clone)]
pub(crate) struct PageFailure(pub(crate) String);

/// Why a page could not be shown.
#[derive(Debug)]
pub(crate) enum PageError {
    /// The record in the path does not exist.
    NotFound,
    /// The request makes no sense (a malformed form post).
    BadRequest(String),
    /// The state changed underneath (task already completed, …).
    Conflict(String),
    /// A server failure; logged with the request id, never shown.
    Internal(String),
}

impl From<flode_engine::Error> for PageError {
    fn from(e: flode_engine::Error) -> Self {
        use flode_engine::Error as E;
        match e {
            E::NotFound { .. } => Self::NotFound,
            E::BadRequest(m) => Self::BadRequest(m),
            E::Invalid { problems } => Self::BadRequest(problems.join("; ")),
            E::Conflict(m) => Self::Conflict(m),
            e @ (E::Internal(_) | E::Store(_)) => Self::Internal(e.to_string()),
        }
    }
}

impl From<flode_store::Error> for PageError {
    fn from(e: flode_store::Error) -> Self {
        flode_engine::Error::from(e).into()
    }
}

impl From<flode_casework::Error> for PageError {
    fn from(e: flode_casework::Error) -> Self {
        use flode_casework::Error as E;
        match e {
            E::NotFound(_) => Self::NotFound,
            E::AlreadySubmitted => {
                Self::Conflict(crate::i18n::tr().t("staff-conflict-already-submitted"))
            }
            E::NotAwaitingDecision => {
                Self::Conflict(crate::i18n::tr().t("staff-conflict-not-awaiting-decision"))
            }
            E::Invalid(problems) => Self::BadRequest(
                problems
                    .into_iter()
                    .map(|p| p.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            E::Corrupt(m) => Self::Internal(m),
            E::Engine(e) => e.into(),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
    detail: Option<String>,
    correlation_id: Option<String>,
}

/// An error page: `what` names its heading and message (`staff-error-{what}-heading`
/// and `-message`), in the request's language.
fn page(
    status: StatusCode,
    what: &str,
    detail: Option<String>,
    correlation_id: Option<String>,
) -> Response {
    let tr = crate::i18n::tr();
    let heading = tr.t(&format!("staff-error-{what}-heading"));
    let page = ErrorPage {
        layout: Layout::new(heading.clone(), Section::None),
        message: tr.t(&format!("staff-error-{what}-message")),
        heading,
        detail,
        correlation_id,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        // The error page itself failed: plain text still tells the person something.
        Err(_) => (status, page.heading).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => not_found_page(),
            Self::BadRequest(detail) => {
                page(StatusCode::BAD_REQUEST, "bad-request", Some(detail), None)
            }
            Self::Conflict(detail) => page(StatusCode::CONFLICT, "conflict", Some(detail), None),
            Self::Internal(cause) => {
                let mut response = internal_error_page(None);
                response.extensions_mut().insert(PageFailure(cause));
                response
            }
        }
    }
}

/// 404 page.
pub(crate) fn not_found_page() -> Response {
    page(StatusCode::NOT_FOUND, "not-found", None, None)
}

/// 403 page for a cross-site form post.
pub(crate) fn forbidden_page() -> Response {
    page(StatusCode::FORBIDDEN, "cross-site", None, None)
}

/// 403 page for a signed-in person without the role an action needs.
pub(crate) fn no_access_page() -> Response {
    page(StatusCode::FORBIDDEN, "no-access", None, None)
}

/// 500 page, with the request id to quote when reporting it.
pub(crate) fn internal_error_page(correlation_id: Option<&str>) -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        None,
        correlation_id.map(str::to_owned),
    )
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, Tr};

    #[test]
    fn every_error_page_has_its_texts_in_both_languages() {
        for lang in [Lang::Sv, Lang::En] {
            let tr = Tr::new(lang);
            for what in [
                "bad-request",
                "conflict",
                "not-found",
                "cross-site",
                "no-access",
                "internal",
            ] {
                for part in ["heading", "message"] {
                    let id = format!("staff-error-{what}-{part}");
                    assert!(tr.has(&id), "{id} ({})", lang.code());
                }
            }
        }
        assert_eq!(
            Tr::new(Lang::Sv).t("staff-error-not-found-heading"),
            "Sidan hittades inte"
        );
    }
}
