//! A check of the checker: broken fixture pages, served beside the app, must fail in the
//! ways they are built to fail. Without this a harness that silently checks nothing (axe
//! not injected, keys not reaching the page) would pass every page.

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use fantoccini::Client;

use crate::{axe, keyboard};

/// No skip link, an unlabelled field, a button whose focus cannot be seen, a trap at the end.
const BROKEN: &str = r#"<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Trasig</title>
<style>#osynlig:focus { outline: none; box-shadow: none; }</style></head>
<body><main>
<h1>Trasig sida</h1>
<p><a href="/">Första länken</a></p>
<input type="text" name="namn">
<button id="osynlig" type="button">Osynligt fokus</button>
<input type="text" id="falla" aria-label="Fälla"
  onkeydown="if (event.key === 'Tab') { event.preventDefault(); }">
</main></body></html>"#;

/// A positive tabindex.
const POSITIVE: &str = r##"<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Positiv</title></head>
<body><a href="#main" class="skip-link">Hoppa till huvudinnehållet</a>
<main id="main" tabindex="-1"><h1>Positiv</h1>
<a href="/a">A</a> <a href="/b" tabindex="3">B</a>
</main></body></html>"##;

/// Serves the fixtures on `127.0.0.1:0`; returns the base URL.
async fn serve() -> String {
    let router = Router::new()
        .route("/trasig", get(|| async { Html(BROKEN) }))
        .route("/positiv", get(|| async { Html(POSITIVE) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve fixtures");
    });
    format!("http://{addr}")
}

fn expect(found: &[String], what: &str, kind: &str) -> Option<String> {
    (!found.iter().any(|f| f.contains(what))).then(|| {
        format!("the {kind} check no longer reports {what:?} on a fixture; it reported {found:#?}")
    })
}

/// Runs the fixtures; returns what the harness failed to notice.
pub(crate) async fn run(client: &Client) -> Vec<String> {
    let base = serve().await;
    let mut missed = Vec::new();

    if let Err(e) = client.goto(&format!("{base}/trasig")).await {
        return vec![format!("loading the broken fixture failed: {e}")];
    }
    match axe::run(client).await {
        Ok(v) => {
            let ids: Vec<String> = v.violations.into_iter().map(|v| v.id).collect();
            missed.extend(expect(&ids, "label", "axe"));
        }
        Err(e) => missed.push(e),
    }
    match keyboard::check(client).await {
        Ok(r) => {
            for what in [
                "not the skip link",
                "no visible focus indicator",
                "keyboard trap",
            ] {
                missed.extend(expect(&r.failures, what, "keyboard"));
            }
        }
        Err(e) => missed.push(e),
    }

    if let Err(e) = client.goto(&format!("{base}/positiv")).await {
        return vec![format!("loading the positive-tabindex fixture failed: {e}")];
    }
    match keyboard::check(client).await {
        Ok(r) => missed.extend(expect(&r.failures, "positive tabindex", "keyboard")),
        Err(e) => missed.push(e),
    }
    missed
}
