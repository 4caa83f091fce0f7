//! What every page shares: title, navigation, notification banner, error summary and the
//! language: Swedish or English, from [`crate::i18n::current`] (see there why a task-local).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::error::PageError;
use super::form::FieldError;
use crate::i18n::{Lang, Tr};

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
    Robots,
    /// Error pages: no menu entry is current.
    None,
}

/// Section, path and the message id of its label.
const MENU: [(Section, &str, &str); 8] = [
    (Section::Overview, "/", "staff-nav-overview"),
    (Section::Cases, "/arenden", "staff-nav-cases"),
    (Section::Definitions, "/processer", "staff-nav-definitions"),
    (Section::Instances, "/instanser", "staff-nav-instances"),
    (Section::Tasks, "/uppgifter", "staff-nav-tasks"),
    (Section::Jobs, "/jobb", "staff-nav-jobs"),
    (Section::Incidents, "/incidenter", "staff-nav-incidents"),
    (Section::Robots, "/robotar", "staff-nav-robots"),
];

/// One menu entry.
#[derive(Debug)]
pub(crate) struct NavItem {
    pub(crate) href: &'static str,
    pub(crate) label: String,
    pub(crate) current: bool,
}

/// The signed-in person, for the header.
#[derive(Debug)]
pub(crate) struct Viewer {
    pub(crate) display_name: String,
    /// Role labels in the page's language, comma-separated.
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
    pub(crate) notice: Option<String>,
    /// Form errors for the error summary; non-empty prefixes the title with "Fel: ".
    pub(crate) errors: Vec<FieldError>,
    /// The page's language; the shared banners read their texts here too.
    pub(crate) tr: Tr,
    /// The link to this page in the other language.
    pub(crate) switch_href: String,
}

impl Layout {
    /// The frame for the person signed in to the current request (see
    /// [`crate::auth::viewer`]); nobody signed in gets no menu.
    pub(crate) fn new(title: impl Into<String>, section: Section) -> Self {
        let language = crate::i18n::current();
        let tr = language.tr;
        let viewer = crate::auth::viewer().map(|p| Viewer {
            roles: p
                .roles
                .iter()
                .map(|r| role_label(tr, r))
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
                        label: tr.t(label),
                        current: s == section,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            viewer,
            notice: None,
            errors: Vec::new(),
            tr,
            switch_href: language.switch_href(),
        }
    }

    /// Shows the banner for a `?meddelande=` flag, if it is one we know.
    pub(crate) fn notice(mut self, flag: Option<&str>) -> Self {
        self.notice = flag.and_then(|f| notice_text(self.tr, f));
        self
    }

    /// The language link goes to `path` instead of this request's address: a form shown
    /// again after a post links to its page, which a GET can load.
    pub(crate) fn back_to(mut self, path: &str) -> Self {
        self.switch_href = crate::i18n::current().switch_href_to(path);
        self
    }

    /// ` lang="sv"` on a page in another language, for an element whose text stays Swedish
    /// (case content, legal references); nothing on a Swedish page, which is all Swedish.
    pub(crate) fn sv_part(&self) -> &'static str {
        match self.tr.lang() {
            Lang::Sv => "",
            Lang::En => " lang=\"sv\"",
        }
    }

    /// Shows the error summary.
    pub(crate) fn errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

/// A role's label in the page's language.
fn role_label(tr: Tr, role: flode_security::Role) -> String {
    tr.with("staff-role", "role", role.as_str())
}

/// Success messages by flag; unknown flags show nothing (never echo the query).
fn notice_text(tr: Tr, flag: &str) -> Option<String> {
    let id = match flag {
        "driftsatt" => "staff-notice-deployed",
        "oforandrad" => "staff-notice-unchanged",
        "startad" => "staff-notice-started",
        "avbruten" => "staff-notice-cancelled",
        "slutford" => "staff-notice-completed",
        "lost" => "staff-notice-resolved",
        "utloggad" => "staff-notice-signed-out",
        "beslutat" => "staff-notice-decided",
        "anteckning" => "staff-notice-note-saved",
        "meddelande-skickat" => "staff-notice-message-sent",
        "underhall-pa" => "staff-notice-maintenance-on",
        "underhall-av" => "staff-notice-maintenance-off",
        "skriptversion-last" => "staff-notice-script-pinned",
        "skriptversion-fri" => "staff-notice-script-unpinned",
        "registrerad-for-hand" => "staff-notice-review-done-by-hand",
        "forsok-igen" => "staff-notice-review-retry",
        _ => return None,
    };
    Some(tr.t(id))
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
        assert_eq!(notice_text(Tr::default(), "<script>"), None);
    }

    #[test]
    fn notices_and_roles_in_both_languages() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(
            notice_text(sv, "slutford").as_deref(),
            Some("Uppgiften är slutförd.")
        );
        assert_eq!(
            notice_text(en, "slutford").as_deref(),
            Some("The task is completed.")
        );
        // The Swedish labels are the roles' own.
        for role in flode_security::Role::ALL {
            assert_eq!(role_label(sv, role), role.label());
            assert!(!role_label(en, role).contains(['å', 'ä', 'ö', 'Å', 'Ä', 'Ö']));
        }
    }
}
