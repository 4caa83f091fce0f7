//! E-service page latency: C keep-alive connections (one client each) send GETs back to
//! back (a closed loop) until a fixed number of requests is done; each request is timed
//! from just before it is sent until its whole body has arrived. Every connection first
//! sends a few untimed requests (connections open, caches warm), then all start together.
//!
//! Pages: the stylesheet `/static/flode.css` (a constant string through the same router,
//! middleware and client: the floor of the HTTP stack, the peer), the public start page
//! `/e-tjanst` (a template, no database), and the question page
//! `/mina-sidor/ansokan/{id}/hushall` as its signed-in citizen (one read of the session
//! joined with the draft and its owner check, the template). The question page is read for
//! `citizens` drafts, the connections taking turns.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, ensure};
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde::Serialize;
use tokio::sync::Barrier;

use super::citizens::Citizens;
use super::http::{self, CITIZEN_COOKIE};
use crate::stats::{Latency, per_second, summarise};

/// `pages` settings.
pub(crate) struct Options {
    pub(crate) connections: usize,
    pub(crate) requests: usize,
    pub(crate) warmup: usize,
    pub(crate) citizens: usize,
}

/// One page's result.
#[derive(Debug, Serialize)]
pub(crate) struct PageReport {
    /// `stylesheet`, `start` or `question`.
    page: &'static str,
    path: &'static str,
    connections: usize,
    requests: usize,
    seconds: f64,
    per_second: f64,
    /// Size of one response body.
    bytes: usize,
    latency: Latency,
}

/// A page to measure: where each connection goes (connection `c` takes `urls[c % len]`),
/// and a string its body must contain.
struct Target {
    page: &'static str,
    path: &'static str,
    urls: Vec<(String, Option<String>)>,
    expect: &'static str,
}

pub(crate) async fn run(
    citizens: &mut Citizens<'_>,
    options: &Options,
) -> anyhow::Result<Vec<PageReport>> {
    let base = citizens.base().to_owned();
    eprintln!(
        "pages: signing in {} citizens with drafts",
        options.citizens
    );
    let mut question = Vec::new();
    for citizen in citizens.sign_in(options.citizens).await? {
        let draft = citizen.begin().await?;
        let month = citizen.first_month(&draft).await?;
        citizen
            .answer(&draft, "manad", "hushall", &[("manad", &month)])
            .await?;
        question.push((
            format!("{base}/mina-sidor/ansokan/{draft}/hushall"),
            Some(citizen.session.clone()),
        ));
    }
    let targets = [
        Target {
            page: "stylesheet",
            path: "/static/flode.css",
            urls: vec![(format!("{base}/static/flode.css"), None)],
            expect: "{",
        },
        Target {
            page: "start",
            path: "/e-tjanst",
            urls: vec![(format!("{base}/e-tjanst"), None)],
            expect: "</html>",
        },
        Target {
            page: "question",
            path: "/mina-sidor/ansokan/{id}/hushall",
            urls: question,
            expect: "name=\"sambo\"",
        },
    ];
    let mut reports = Vec::new();
    for target in targets {
        eprintln!(
            "pages: {} ({}), {} requests on {} connections",
            target.page, target.path, options.requests, options.connections
        );
        reports.push(measure(&target, options).await?);
    }
    Ok(reports)
}

async fn measure(target: &Target, options: &Options) -> anyhow::Result<PageReport> {
    let (first_url, first_cookie) = &target.urls[0];
    let body = get_text(&http::client()?, first_url, first_cookie.as_deref()).await?;
    ensure!(
        body.contains(target.expect),
        "{}: the page does not contain {:?}",
        target.path,
        target.expect
    );
    let connections = options.connections;
    let barrier = Arc::new(Barrier::new(connections + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..connections {
        let (url, cookie) = target.urls[c % target.urls.len()].clone();
        let n = options.requests / connections + usize::from(c < options.requests % connections);
        let warmup = options.warmup;
        let barrier = barrier.clone();
        tasks.spawn(async move {
            let warm = async {
                let client = http::client()?;
                for _ in 0..warmup {
                    get(&client, &url, cookie.as_deref()).await?;
                }
                anyhow::Ok(client)
            }
            .await;
            barrier.wait().await;
            let client = warm?;
            let mut nanos = Vec::with_capacity(n);
            for _ in 0..n {
                let t = Instant::now();
                get(&client, &url, cookie.as_deref()).await?;
                nanos.push(u64::try_from(t.elapsed().as_nanos())?);
            }
            anyhow::Ok(nanos)
        });
    }
    barrier.wait().await;
    let started = Instant::now();
    let mut nanos = Vec::with_capacity(options.requests);
    while let Some(done) = tasks.join_next().await {
        nanos.extend(done.context("a connection's task")??);
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(PageReport {
        page: target.page,
        path: target.path,
        connections,
        requests: nanos.len(),
        seconds: (seconds * 1000.0).round() / 1000.0,
        per_second: per_second(nanos.len(), seconds),
        bytes: body.len(),
        latency: summarise(nanos),
    })
}

fn request(client: &reqwest::Client, url: &str, session: Option<&str>) -> reqwest::RequestBuilder {
    let request = client.get(url);
    match session {
        Some(session) => request.header(COOKIE, format!("{CITIZEN_COOKIE}={session}")),
        None => request,
    }
}

/// One GET, its body read to the end (not decoded); anything but 200 is an error.
async fn get(client: &reqwest::Client, url: &str, session: Option<&str>) -> anyhow::Result<usize> {
    let response = request(client, url, session)
        .send()
        .await
        .with_context(|| format!("GET {url}"))?;
    let status = response.status();
    let body = response.bytes().await?;
    ensure!(status == StatusCode::OK, "GET {url}: {status}");
    Ok(body.len())
}

/// One GET, its body as text.
async fn get_text(
    client: &reqwest::Client,
    url: &str,
    session: Option<&str>,
) -> anyhow::Result<String> {
    let response = request(client, url, session)
        .send()
        .await
        .with_context(|| format!("GET {url}"))?;
    let status = response.status();
    let body = response.text().await?;
    ensure!(status == StatusCode::OK, "GET {url}: {status}");
    Ok(body)
}
