//! The pages' languages: Swedish by default, English on request. Texts are Fluent
//! messages in `locales/{sv,en}/*.ftl`, compiled into the binary; a page gets a [`Tr`] for
//! its request's language (the `flode_sprak` cookie, set by `/sprak/{sv|en}`).
//!
//! The e-service handlers take the [`Language`] extractor. The staff pages read the same
//! language from a task-local that [`scope`] (a middleware on every request) sets, like
//! [`crate::auth::viewer`]: the page frame, the error pages (also those rendered by the
//! outer layers) and the helpers then need no language parameter threaded through.

use std::sync::LazyLock;

use axum::extract::{FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Deserialize;

use crate::auth::cookie;
use crate::state::AppState;

/// The language cookie: `sv` or `en`, a year long; not personal data, so not secret.
const COOKIE: &str = "flode_sprak";

/// The Fluent files of each language, in the same order.
const FILES: &[(&str, &str, &str)] = &[
    (
        "eservice.ftl",
        include_str!("../locales/sv/eservice.ftl"),
        include_str!("../locales/en/eservice.ftl"),
    ),
    (
        "application.ftl",
        include_str!("../locales/sv/application.ftl"),
        include_str!("../locales/en/application.ftl"),
    ),
    (
        "problems.ftl",
        include_str!("../locales/sv/problems.ftl"),
        include_str!("../locales/en/problems.ftl"),
    ),
    (
        "staff.ftl",
        include_str!("../locales/sv/staff.ftl"),
        include_str!("../locales/en/staff.ftl"),
    ),
];

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    /// Swedish, the default.
    #[default]
    Sv,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 code (`<html lang>`, the cookie).
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Sv => "sv",
            Self::En => "en",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        match code {
            "sv" => Some(Self::Sv),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language a page offers to switch to.
    pub(crate) fn other(self) -> Self {
        match self {
            Self::Sv => Self::En,
            Self::En => Self::Sv,
        }
    }

    /// The language's name in itself, for the switch link.
    pub(crate) fn own_name(self) -> &'static str {
        match self {
            Self::Sv => "Svenska",
            Self::En => "English",
        }
    }
}

/// Every language's messages.
struct Texts {
    sv: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl Texts {
    fn load() -> Result<Self, String> {
        Ok(Self {
            sv: bundle(Lang::Sv, FILES.iter().map(|(name, sv, _)| (*name, *sv)))?,
            en: bundle(Lang::En, FILES.iter().map(|(name, _, en)| (*name, *en)))?,
        })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}

fn bundle<'a>(
    lang: Lang,
    files: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<FluentBundle<FluentResource>, String> {
    let id = lang
        .code()
        .parse()
        .map_err(|e| format!("language {}: {e}", lang.code()))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068/U+2069) around arguments would end up in HTML and e-mails.
    bundle.set_use_isolating(false);
    for (name, source) in files {
        let resource = FluentResource::try_new(source.to_owned())
            .map_err(|(_, e)| format!("{}/{name}: {e:?}", lang.code()))?;
        bundle
            .add_resource(resource)
            .map_err(|e| format!("{}/{name}: {e:?}", lang.code()))?;
    }
    Ok(bundle)
}

static TEXTS: LazyLock<Result<Texts, String>> = LazyLock::new(Texts::load);

/// A page's translator: the messages of one language. Cheap to copy.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tr {
    lang: Lang,
}

impl Tr {
    pub(crate) fn new(lang: Lang) -> Self {
        Self { lang }
    }

    pub(crate) fn lang(self) -> Lang {
        self.lang
    }

    /// The message `id`.
    pub(crate) fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub(crate) fn with(&self, id: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        self.format(id, Some(&args))
    }

    /// The message `id` with a number `n`, which its plural forms select on.
    pub(crate) fn count(&self, id: &str, n: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("n", FluentValue::from(n));
        self.format(id, Some(&args))
    }

    /// The message `id` with its arguments, name → value (numbers in decimal).
    pub(crate) fn with_args(&self, id: &str, args: &[(&str, String)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, FluentValue::from(value.as_str()));
        }
        self.format(id, Some(&fluent))
    }

    /// Whether the message `id` exists in this language.
    pub(crate) fn has(&self, id: &str) -> bool {
        TEXTS
            .as_ref()
            .is_ok_and(|texts| texts.bundle(self.lang).has_message(id))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        // A missing message shows its id (and a test fails): a page never breaks on a text.
        let Ok(texts) = &*TEXTS else {
            return id.to_owned();
        };
        let bundle = texts.bundle(self.lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, lang = self.lang.code(), "missing text");
            return id.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

/// A request's language and where it is, for the switch link.
#[derive(Debug, Clone)]
pub(crate) struct Language {
    pub(crate) tr: Tr,
    /// The request's path and query: the switch link comes back here.
    pub(crate) here: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.headers, &parts.uri))
    }
}

impl Default for Language {
    fn default() -> Self {
        Self {
            tr: Tr::default(),
            here: "/".to_owned(),
        }
    }
}

tokio::task_local! {
    /// The language of the request being handled (set by [`scope`]; absent outside a
    /// request, which is Swedish).
    static LANGUAGE: Language;
}

/// Middleware on every request: makes the request's language [`current`] while it is
/// handled, error pages of the outer layers included.
pub(crate) async fn scope(req: Request, next: Next) -> axum::response::Response {
    let language = Language::of(req.headers(), req.uri());
    LANGUAGE.scope(language, next.run(req)).await
}

/// The current request's language (Swedish outside a request).
pub(crate) fn current() -> Language {
    LANGUAGE.try_with(Clone::clone).unwrap_or_default()
}

/// The current request's translator (see [`current`]).
pub(crate) fn tr() -> Tr {
    LANGUAGE.try_with(|l| l.tr).unwrap_or_default()
}

impl Language {
    /// The language a request asks for (its cookie; Swedish without one) and where it is.
    fn of(headers: &HeaderMap, uri: &Uri) -> Self {
        let lang = cookie(headers, COOKIE)
            .and_then(|c| Lang::parse(&c))
            .unwrap_or_default();
        let here = uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        Self {
            tr: Tr::new(lang),
            here,
        }
    }

    /// The link that switches to the other language and comes back to this page.
    pub(crate) fn switch_href(&self) -> String {
        self.switch_href_to(&self.here)
    }

    /// The link that switches to the other language and goes to `path` (a page shown
    /// after a form post comes back to the form's page, not to the post's address).
    pub(crate) fn switch_href_to(&self, path: &str) -> String {
        format!(
            "/sprak/{}?tillbaka={}",
            self.tr.lang().other().code(),
            percent_encode(path)
        )
    }
}

#[derive(Deserialize)]
pub(crate) struct Back {
    tillbaka: Option<String>,
}

/// `GET /sprak/{sv|en}?tillbaka=/path`: remembers the language and goes back. A link, so
/// it works without JavaScript; only paths on this site are followed back.
pub(crate) async fn switch(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let back = back
        .tillbaka
        .filter(|p| is_local_path(p))
        .unwrap_or_else(|| "/e-tjanst".to_owned());
    let Some(lang) = Lang::parse(&code) else {
        return Redirect::to(&back).into_response();
    };
    let mut response = Redirect::to(&back).into_response();
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// A path on this site: not another host (`//host`, `/\host`) and nothing but a path.
fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && !p.chars().any(|c| c.is_control())
}

/// Enough percent-encoding for a path and query carried in a query parameter.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_file_parses_and_both_languages_have_the_same_messages() {
        if let Err(e) = &*TEXTS {
            panic!("{e}");
        }
        for (name, sv, en) in FILES {
            let (sv, en) = (ids(sv), ids(en));
            assert!(!sv.is_empty(), "{name}");
            let only_sv: Vec<_> = sv.difference(&en).collect();
            let only_en: Vec<_> = en.difference(&sv).collect();
            assert!(only_sv.is_empty(), "{name}: not in English: {only_sv:?}");
            assert!(only_en.is_empty(), "{name}: not in Swedish: {only_en:?}");
        }
    }

    /// The message ids named in `text` by `.t("…")`, `.with("…"`, `.count("…"` and
    /// `.with_args("…"`, the literal possibly on the next line; and every `"staff-…"`
    /// literal, since the staff pages also pass ids around (menus, labels, notices).
    fn used_ids(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (at, _) in text.match_indices("\"staff-") {
            let literal = &text[at + 1..];
            // A prefix (`"staff-"` itself, here) names no message.
            if let Some(end) = literal.find('"')
                && is_id(&literal[..end])
                && !literal[..end].ends_with('-')
            {
                out.push(literal[..end].to_owned());
            }
        }
        for call in [".t(", ".with(", ".count(", ".with_args("] {
            for (at, _) in text.match_indices(call) {
                let rest = text[at + call.len()..].trim_start();
                if let Some(literal) = rest.strip_prefix('"')
                    && let Some(end) = literal.find('"')
                    && is_id(&literal[..end])
                {
                    out.push(literal[..end].to_owned());
                }
            }
        }
        out
    }

    fn is_id(s: &str) -> bool {
        s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }

    fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_message_a_page_asks_for_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_under(&root.join("src"), &mut files);
        files_under(&root.join("templates"), &mut files);
        let known: BTreeSet<String> = FILES.iter().flat_map(|(_, sv, _)| ids(sv)).collect();
        let (mut missing, mut used) = (Vec::new(), 0);
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            for id in used_ids(&text) {
                used += 1;
                if !known.contains(&id) {
                    missing.push(format!("{}: {id}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
        // The scan itself works: the pages ask for many messages.
        assert!(used > 100, "only {used} message ids found");
    }

    #[test]
    fn texts_come_in_the_asked_language_with_their_arguments() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(sv.t("eservice-sign-out"), "Logga ut");
        assert_eq!(en.t("eservice-sign-out"), "Sign out");
        let unknown = "no-such-message";
        assert_eq!(en.t(unknown), unknown);
        assert_eq!(
            sv.with_args("problem-file-too-large", &[("max", "5".to_owned())]),
            "Filen är för stor: den får vara högst 5 MB"
        );
    }

    #[test]
    fn staff_texts_keep_their_swedish_and_have_english() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(
            sv.count("staff-login-locked", 1),
            "För många misslyckade inloggningar. Av säkerhetsskäl är inloggningen spärrad. Försök igen om 1 minut."
        );
        assert!(
            sv.count("staff-login-locked", 15)
                .ends_with("Försök igen om 15 minuter.")
        );
        assert!(
            en.count("staff-login-locked", 15)
                .ends_with("Try again in 15 minutes.")
        );
        assert_eq!(
            sv.t("staff-variables-not-object"),
            r#"Variablerna måste vara ett JSON-objekt, till exempel {"belopp": 100}"#
        );
        assert_eq!(sv.t("staff-case-calc-unconfirmed"), "[ej bekräftat belopp]");
        assert_eq!(en.count("staff-overview-open-tasks", 1), "open task");
        assert_eq!(en.count("staff-overview-open-tasks", 2), "open tasks");
        assert_eq!(sv.count("staff-overview-open-tasks", 1), "öppna uppgifter");
    }

    #[tokio::test]
    async fn the_current_language_is_the_requests_and_swedish_outside_one() {
        assert_eq!(current().tr.lang(), Lang::Sv);
        assert_eq!(current().here, "/");
        let english = Language {
            tr: Tr::new(Lang::En),
            here: "/arenden?x=1".to_owned(),
        };
        let (lang, href) = LANGUAGE
            .scope(english, async { (tr().lang(), current().switch_href()) })
            .await;
        assert_eq!(lang, Lang::En);
        assert_eq!(href, "/sprak/sv?tillbaka=/arenden%3Fx%3D1");
    }

    #[test]
    fn only_paths_on_this_site_are_followed_back() {
        assert!(is_local_path("/mina-sidor?x=1"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "/a\nb",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
        assert_eq!(
            percent_encode("/mina-sidor/ansokan/1/hushall?fel=1&a=å"),
            "/mina-sidor/ansokan/1/hushall%3Ffel%3D1%26a%3D%C3%A5"
        );
    }
}
