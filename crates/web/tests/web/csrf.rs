//! Cross-site form posts are refused; same-origin posts and API clients are not.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::helpers::{app, form_request};

fn post(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from("name=&xml=")).expect("request")
}

#[tokio::test]
async fn cross_site_posts_are_forbidden() {
    let app = app().await;

    let r = app
        .send(post("/processer", &[("sec-fetch-site", "cross-site")]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("lang=\"sv\""));

    let r = app
        .send(post("/processer", &[("sec-fetch-site", "same-site")]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = app
        .send(post(
            "/processer",
            &[("origin", "https://evil.example"), ("host", "flode.local")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = app
        .send(post(
            "/processer",
            &[("origin", "null"), ("host", "flode.local")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = app
        .send(post("/api/signals", &[("sec-fetch-site", "cross-site")]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.content_type(), "application/problem+json");
}

#[tokio::test]
async fn same_origin_and_non_browser_posts_pass() {
    let app = app().await;
    // Same origin: reaches the handler (which rejects the empty form with 422).
    let r = app
        .send(form_request("/processer", &[("name", ""), ("xml", "")]))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .send(post("/processer", &[("sec-fetch-site", "none")]))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // No browser headers at all (curl, workers).
    let r = app.send(post("/processer", &[])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // GET is never blocked.
    let r = app
        .send(
            Request::get("/processer")
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
