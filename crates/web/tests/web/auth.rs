//! Sign-in, sign-out, sessions, API tokens and roles, through the real router.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use flode_security::Role;

use crate::helpers::{MODEL, TestApp, app, cookie_of, form_request};

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

fn with(mut req: Request<Body>, name: header::HeaderName, value: &str) -> Request<Body> {
    req.headers_mut()
        .insert(name, value.parse().expect("header value"));
    req
}

async fn login_attempt(app: &TestApp, username: &str, password: &str) -> crate::helpers::Reply {
    app.send_as_is(form_request(
        "/logga-in",
        &[
            ("username", username),
            ("password", password),
            ("tillbaka", "/"),
        ],
    ))
    .await
}

#[tokio::test]
async fn pages_redirect_to_the_sign_in_page_and_back() {
    let app = app().await;
    let r = app.send_as_is(get("/instanser?state=active")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        "/logga-in?tillbaka=%2Finstanser%3Fstate%3Dactive"
    );
    // A form post cannot be replayed after sign-in: to the sign-in page only.
    let r = app
        .send_as_is(form_request("/processer", &[("name", "x"), ("xml", "y")]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/logga-in");
    assert!(
        app.engine
            .store()
            .definitions()
            .await
            .expect("defs")
            .is_empty()
    );

    let page = app.send_as_is(get(r.location())).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<title>Logga in – flode</title>"), "{html}");
    assert!(html.contains(r#"autocomplete="current-password""#));
    assert!(!html.contains("Huvudmeny"), "no menu before signing in");

    // After signing in the person lands where they were going; never on another site.
    for (back, lands) in [
        ("/instanser?state=active", "/instanser?state=active"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ] {
        let r = app
            .send_as_is(form_request(
                "/logga-in",
                &[
                    ("username", crate::helpers::TEST_USER),
                    ("password", crate::helpers::TEST_PASSWORD),
                    ("tillbaka", back),
                ],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), lands);
        let cookie = r.headers[header::SET_COOKIE].to_str().expect("ascii");
        assert!(cookie.starts_with("flode_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("Secure"),
            "plain HTTP unless secure_cookies"
        );
    }
}

#[tokio::test]
async fn the_api_answers_401_without_credentials_on_every_protected_route() {
    let app = app().await;
    let mut protected = 0;
    let mut citizens = 0;
    for (method, path, access) in flode_web::api_access() {
        let uri = path
            .replace("{id}", "x")
            .replace("{page}", "manad")
            .replace("{file}", "x");
        let req = Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .expect("request");
        let r = app.send_as_is(req).await;
        // The citizens' API needs no staff principal but the citizen session cookie.
        if path.starts_with("/api/me/") {
            citizens += 1;
            assert_eq!(access, flode_web::Access::Public, "{method} {path}");
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(r.content_type(), "application/problem+json");
            let challenge = r.headers[header::WWW_AUTHENTICATE].to_str().expect("ascii");
            assert!(challenge.starts_with("Cookie "), "{challenge}");
            continue;
        }
        if access == flode_web::Access::Public {
            assert_ne!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            continue;
        }
        protected += 1;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(r.content_type(), "application/problem+json");
        assert_eq!(
            r.json()["type"],
            "https://flode.example/problems/unauthorized"
        );
        assert_eq!(
            r.headers[header::WWW_AUTHENTICATE],
            "Bearer realm=\"flode\""
        );
    }
    assert!(protected >= 18, "{protected}");
    assert_eq!(citizens, 11);
    // Public: health, readiness, metrics, the OpenAPI document, the stylesheet, sign-in.
    for uri in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/openapi.json",
        "/static/flode.css",
        "/logga-in",
    ] {
        assert_eq!(
            app.send_as_is(get(uri)).await.status,
            StatusCode::OK,
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_swedish_error() {
    let app = app().await;
    let wrong = login_attempt(&app, crate::helpers::TEST_USER, "hemligt-fel-1").await;
    let unknown = login_attempt(&app, "finns-inte", "hemligt-fel-2").await;
    for (r, secret) in [(&wrong, "hemligt-fel-1"), (&unknown, "hemligt-fel-2")] {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.headers.get(header::SET_COOKIE).is_none());
        let html = r.text();
        assert!(
            html.contains("<title>Fel: Logga in – flode</title>"),
            "{html}"
        );
        assert!(
            html.contains(r#"class="error-summary" role="alert""#),
            "{html}"
        );
        assert!(
            html.contains(r##"<a href="#username">Användarnamnet eller lösenordet är fel</a>"##),
            "{html}"
        );
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(!html.contains(secret), "the password is never shown again");
    }
    let strip = |s: String| s.replace("finns-inte", crate::helpers::TEST_USER);
    assert_eq!(
        strip(wrong.text()),
        strip(unknown.text()),
        "nothing tells them apart"
    );

    // Empty fields: one error each, linked to its field.
    let r = login_attempt(&app, "", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(
        html.contains(r##"<a href="#username">Ange ditt användarnamn</a>"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#password">Ange ditt lösenord</a>"##),
        "{html}"
    );
}

#[tokio::test]
async fn repeated_failures_lock_sign_in_with_a_clear_message() {
    let app = app().await;
    app.add_user("bo", "bos rätta lösenord", &[Role::Socialsekreterare])
        .await;
    for _ in 0..4 {
        let r = login_attempt(&app, "bo", "fel lösenord").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = login_attempt(&app, "bo", "fel lösenord").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text()
            .contains("Av säkerhetsskäl är inloggningen spärrad. Försök igen om 15 minuter."),
        "{}",
        r.text()
    );
    assert_eq!(r.headers[header::RETRY_AFTER], "900");
    // Now even the right password is refused, for this username only.
    let r = login_attempt(&app, "bo", "bos rätta lösenord").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("<title>Fel: Logga in"));
    app.sign_in(crate::helpers::TEST_USER, crate::helpers::TEST_PASSWORD)
        .await;
    let kinds: Vec<String> = app
        .engine
        .store()
        .audit_events(100)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "login_failed").count(), 5);
    assert_eq!(kinds.iter().filter(|k| *k == "login_locked").count(), 1);
}

#[tokio::test]
async fn a_missing_role_is_refused_with_403() {
    let app = app().await;
    app.add_user("hanna", "hannas lösenord", &[Role::Socialsekreterare])
        .await;
    let hanna = app.sign_in("hanna", "hannas lösenord").await;
    let as_hanna = |req| with(req, header::COOKIE, &hanna);

    // Reading and starting are for every role...
    app.deploy_model().await;
    let r = app.send(as_hanna(get("/processer"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text().contains("Test hanna"),
        "the header names who is signed in"
    );
    let r = app
        .send(as_hanna(
            Request::post("/api/process-instances")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"processKey": "ansokan"}"#))
                .expect("request"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let instance = r.json()["id"].as_str().expect("id").to_owned();

    // ...deploying is for admins, cancelling for förste socialsekreterare and admins.
    let r = app
        .send(as_hanna(
            Request::post("/api/deployments?name=a.bpmn")
                .header(header::CONTENT_TYPE, "application/xml")
                .body(Body::from(MODEL))
                .expect("request"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.content_type(), "application/problem+json");
    assert!(
        r.json()["detail"].as_str().unwrap_or("").contains("admin"),
        "{}",
        r.text()
    );
    let r = app
        .send(as_hanna(form_request(
            "/processer",
            &[("name", "a.bpmn"), ("xml", MODEL)],
        )))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("Du saknar behörighet"), "{}", r.text());
    let r = app
        .send(as_hanna(form_request(
            &format!("/instanser/{instance}/avbryt"),
            &[],
        )))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(with(
            Request::post(format!("/api/process-instances/{instance}/cancel"))
                .body(Body::empty())
                .expect("request"),
            header::COOKIE,
            &hanna,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The test user holds every role.
    let r = app
        .send(form_request(&format!("/instanser/{instance}/avbryt"), &[]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = app().await;
    let cookie = app
        .sign_in(crate::helpers::TEST_USER, crate::helpers::TEST_PASSWORD)
        .await;
    assert_eq!(
        app.send(with(get("/"), header::COOKIE, &cookie))
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .send(with(
            form_request("/logga-ut", &[]),
            header::COOKIE,
            &cookie,
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/logga-in?meddelande=utloggad");
    assert!(cookie_of(&r).starts_with("flode_session="));
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .expect("a")
            .contains("Max-Age=0")
    );
    // The old cookie no longer works, even if the browser kept it.
    let r = app.send(with(get("/"), header::COOKIE, &cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send(with(get("/api/definitions"), header::COOKIE, &cookie))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let page = app.send_as_is(get("/logga-in?meddelande=utloggad")).await;
    assert!(page.text().contains("Du är utloggad."));
    // The other session (the helper's) lives on.
    assert_eq!(app.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn api_tokens_work_until_revoked() {
    let app = app().await;
    let worker = app
        .token("diarium-worker", &[Role::Socialsekreterare])
        .await;
    let bearer = |req, token: &str| with(req, header::AUTHORIZATION, &format!("Bearer {token}"));

    let r = app.send(bearer(get("/api/definitions"), &worker)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app
        .send(bearer(
            Request::builder()
                .method(Method::POST)
                .uri("/api/jobs/activate")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    r#"{"type": "x", "worker": "w", "requestTimeoutMs": 0}"#,
                ))
                .expect("request"),
            &worker,
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A worker's token cannot deploy.
    let r = app
        .send(bearer(
            Request::post("/api/deployments?name=a.bpmn")
                .header(header::CONTENT_TYPE, "application/xml")
                .body(Body::from(MODEL))
                .expect("request"),
            &worker,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A bad token is not rescued by a good cookie: the bearer decides.
    let r = app
        .send(bearer(get("/api/definitions"), "flode_0000"))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    assert!(
        app.auth
            .revoke_token("diarium-worker", "test", app.engine.now())
            .await
            .expect("revoke")
    );
    let r = app.send(bearer(get("/api/definitions"), &worker)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.content_type(), "application/problem+json");
}
