//! Starting a sim and a minimal browser.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::{Context, bail};
use flode_legacy_sim::{Config, Sim};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// Starts a sim on a free port; returns its base URL and the inspection handle.
pub(crate) async fn spawn(config: Config) -> anyhow::Result<(String, Sim)> {
    let (router, sim) = flode_legacy_sim::app(config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((base, sim))
}

/// A page as a browser ends up with it after redirects.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) status: u16,
    /// Path and query of the final URL.
    pub(crate) url: String,
    pub(crate) body: String,
}

impl Page {
    /// Fails with the page's text when `needle` is missing.
    pub(crate) fn expect(&self, needle: &str) -> anyhow::Result<&Self> {
        if !self.body.contains(needle) {
            bail!(
                "{:?} not on {} ({}):\n{}",
                needle,
                self.url,
                self.status,
                self.body
            );
        }
        Ok(self)
    }

    /// The text between the first `start` after `anchor` and the next `end`.
    pub(crate) fn between(&self, anchor: &str, start: &str, end: &str) -> anyhow::Result<String> {
        let from = self
            .body
            .find(anchor)
            .with_context(|| format!("{anchor:?} not on {}", self.url))?;
        let rest = &self.body[from..];
        let s = rest.find(start).context("start")? + start.len();
        let e = rest[s..].find(end).context("end")?;
        Ok(rest[s..s + e].to_owned())
    }
}

/// A browser: one cookie jar, no automatic redirects.
pub(crate) struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

impl Browser {
    pub(crate) fn new(base: &str) -> anyhow::Result<Browser> {
        Ok(Browser {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            cookies: Mutex::new(HashMap::new()),
        })
    }

    pub(crate) async fn get(&self, path: &str) -> anyhow::Result<Page> {
        self.send(path, None).await
    }

    pub(crate) async fn post(&self, path: &str, form: &[(&str, &str)]) -> anyhow::Result<Page> {
        self.send(path, Some(form)).await
    }

    /// One request, then GETs along any redirects, keeping cookies.
    async fn send(&self, path: &str, mut form: Option<&[(&str, &str)]>) -> anyhow::Result<Page> {
        let mut path = path.to_owned();
        for _ in 0..10 {
            let url = format!("{}{}", self.base, path);
            let mut request = match form.take() {
                Some(form) => self.client.post(&url).form(form),
                None => self.client.get(&url),
            };
            let jar = self.cookie_header();
            if !jar.is_empty() {
                request = request.header(COOKIE, jar);
            }
            let response = request.send().await?;
            for value in response.headers().get_all(SET_COOKIE) {
                if let Some((kv, _)) = value.to_str()?.split_once(';')
                    && let Some((k, v)) = kv.split_once('=')
                {
                    self.jar().insert(k.to_owned(), v.to_owned());
                }
            }
            let status = response.status().as_u16();
            if response.status().is_redirection() {
                path = response
                    .headers()
                    .get(LOCATION)
                    .context("redirect without Location")?
                    .to_str()?
                    .to_owned();
                continue;
            }
            let body = response.text().await?;
            return Ok(Page {
                status,
                url: path,
                body,
            });
        }
        bail!("too many redirects")
    }

    fn jar(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.cookies.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cookie_header(&self) -> String {
        self.jar()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Pagina Testsson: 13 cases.
pub(crate) const PAGINATED: &str = "199204722020";
/// Testa Simulantsson: one open case, IFO-2025-0001 (database id 1).
pub(crate) const TESTA: &str = "198503611017";
