//! What every page shares: title, navigation, notification banner and error summary.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::error::PageError;
use super::form::FieldError;
use crate::i18n::Tr;

/// The sections of the main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Overview,
    Cases,
    Definitions,
    Instances,
    Tasks,
    Jobs,
    Incidents,
    /// Error pages: no menu entry is current.
    None,
}

const MENU: [(Section, &str, &str); 7] = [
    (Section::Overview, "/", "Översikt"),
    (Section::Cases, "/arenden", "Ärenden"),
    (Section::Definitions, "/processer", "Processer"),
    (Section::Instances, "/instanser", "Instanser"),
    (Section::Tasks, "/uppgifter", "Uppgifter"),
    (Section::Jobs, "/jobb", "Jobb"),
    (Section::Incidents, "/incidenter", "Incidenter"),
];

/// One menu entry.
#[derive(Debug)]
pub(crate) struct NavItem {
    pub(crate) href: &'static str,
    pub(crate) label: &'static str,
    pub(crate) current: bool,
}

/// The signed-in person, for the header.
#[derive(Debug)]
pub(crate) struct Viewer {
    pub(crate) display_name: String,
    /// Swedish role labels, comma-separated.
    pub(crate) roles: String,
}

/// The frame of a page, read by `base.html`.
#[derive(Debug)]
pub(crate) struct Layout {
    /// Page title, also the `<h1>` on most pages.
    pub(crate) title: String,
    /// The main menu; empty when nobody is signed in.
    pub(crate) nav: Vec<NavItem>,
    /// Who is signed in (name and sign-out button in the header).
    pub(crate) viewer: Option<Viewer>,
    /// A success message after a Post/Redirect/Get.
    pub(crate) notice: Option<&'static str>,
    /// Form errors for the error summary; non-empty prefixes the title with "Fel: ".
    pub(crate) errors: Vec<FieldError>,
    /// The staff pages are in Swedish; the shared banners read their texts here.
    pub(crate) tr: Tr,
}

impl Layout {
    /// The frame for the person signed in to the current request (see
    /// [`crate::auth::viewer`]); nobody signed in gets no menu.
    pub(crate) fn new(title: impl Into<String>, section: Section) -> Self {
        let viewer = crate::auth::viewer().map(|p| Viewer {
            roles: p
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            display_name: p.display_name,
        });
        Self {
            title: title.into(),
            nav: if viewer.is_some() {
                MENU.iter()
                    .map(|&(s, href, label)| NavItem {
                        href,
                        label,
                        current: s == section,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            viewer,
            notice: None,
            errors: Vec::new(),
            tr: Tr::default(),
        }
    }

    /// Shows the banner for a `?meddelande=` flag, if it is one we know.
    pub(crate) fn notice(mut self, flag: Option<&str>) -> Self {
        self.notice = flag.and_then(notice_text);
        self
    }

    /// Shows the error summary.
    pub(crate) fn errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

/// Success messages by flag; unknown flags show nothing (never echo the query).
fn notice_text(flag: &str) -> Option<&'static str> {
    Some(match flag {
        "driftsatt" => "Modellen är driftsatt.",
        "oforandrad" => "Modellen var redan driftsatt. Ingen ny version skapades.",
        "startad" => "Instansen är startad.",
        "avbruten" => "Instansen är avbruten.",
        "slutford" => "Uppgiften är slutförd.",
        "lost" => "Incidenten är löst.",
        "utloggad" => "Du är utloggad.",
        "beslutat" => "Beslutet är fattat. Beslutsbrevet skapas och den sökande meddelas.",
        "anteckning" => "Anteckningen är sparad.",
        "meddelande-skickat" => "Meddelandet är skickat till den sökande.",
        _ => return None,
    })
}

/// Renders a page with a status.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Result<Response, PageError> {
    Ok((status, Html(page.render()?)).into_response())
}

/// Renders a page with 200.
pub(crate) fn ok(page: &impl Template) -> Result<Response, PageError> {
    render(StatusCode::OK, page)
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(urlencode("a b&c/å"), "a%20b%26c%2F%C3%A5");
        assert_eq!(notice_text("<script>"), None);
    }
}
