//! The HTTP client side: one `reqwest` client per simulated browser (so one keep-alive
//! connection each), redirects not followed (the bench reads each `Location`), no proxy.

use anyhow::{Context, anyhow, ensure};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};

/// The citizen session cookie of `flode serve` over plain HTTP.
pub(crate) const CITIZEN_COOKIE: &str = "flode_medborgare";

/// A client that keeps its connection open and does not follow redirects.
pub(crate) fn client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .tcp_nodelay(true)
        .build()
        .context("building the HTTP client")
}

/// `application/x-www-form-urlencoded` for `pairs`.
pub(crate) fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// POSTs a form as a signed-in citizen; expects 303 and returns its `Location`.
pub(crate) async fn post_form(
    client: &reqwest::Client,
    url: &str,
    session: &str,
    pairs: &[(&str, &str)],
) -> anyhow::Result<String> {
    let response = client
        .post(url)
        .header(COOKIE, format!("{CITIZEN_COOKIE}={session}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(pairs))
        .send()
        .await
        .with_context(|| format!("POST {url}"))?;
    see_other(response, url).await
}

/// The `Location` of a 303 answer; anything else is an error with the start of the body.
pub(crate) async fn see_other(response: reqwest::Response, url: &str) -> anyhow::Result<String> {
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    if status != StatusCode::SEE_OTHER {
        let body = response.text().await.unwrap_or_default();
        let start: String = body.chars().take(400).collect();
        return Err(anyhow!("{url}: expected 303, got {status}: {start}"));
    }
    location.ok_or_else(|| anyhow!("{url}: 303 without a Location"))
}

/// GETs a page as a signed-in citizen; expects 200 and returns the body.
pub(crate) async fn get_page(
    client: &reqwest::Client,
    url: &str,
    session: &str,
) -> anyhow::Result<String> {
    let response = client
        .get(url)
        .header(COOKIE, format!("{CITIZEN_COOKIE}={session}"))
        .send()
        .await
        .with_context(|| format!("GET {url}"))?;
    let status = response.status();
    let body = response.text().await?;
    ensure!(status == StatusCode::OK, "GET {url}: {status}");
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_url_encoded() {
        assert_eq!(
            form_body(&[("manad", "2026-12"), ("kostnad-housing", "6 850")]),
            "manad=2026-12&kostnad-housing=6+850"
        );
        assert_eq!(form_body(&[("a", "å&=")]), "a=%C3%A5%26%3D");
    }
}
