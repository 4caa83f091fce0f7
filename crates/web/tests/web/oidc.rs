//! Sign-in through OpenID Connect over the router, against a fake provider on loopback
//! (`crates/security/tests/support/fake_idp.rs`): a citizen with e-legitimation reaches
//! Mina sidor, every broken answer from the provider is refused with a Swedish page and no
//! session, and staff reach the admin pages through the organisation's provider only with
//! an existing flode account.

#[path = "../../../security/tests/support/fake_idp.rs"]
mod fake_idp;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fake_idp::{CLIENT_ID, CLIENT_SECRET, FakeIdp, OTHER_KEY_PEM};
use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_security::{NewUser, OidcClient, OidcConfig, Role, Roles};
use flode_store::{Store, StoreOptions};
use serde_json::json;
use tempfile::TempDir;

use crate::helpers::Reply;

const PUBLIC_URL: &str = "http://flode.local";

/// A change to the provider's behaviour.
type Change = Box<dyn Fn(&mut fake_idp::Behaviour)>;

struct OApp {
    router: Router,
    store: Store,
    idp: FakeIdp,
    _dir: TempDir,
}

fn config(idp: &FakeIdp, callback: &str) -> OidcConfig {
    OidcConfig {
        issuer: idp.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: format!("{PUBLIC_URL}{callback}"),
        scopes: vec!["profile".into()],
        acr_values: Vec::new(),
    }
}

/// An app with citizen and staff OIDC against one fake provider (or none), no test
/// identity provider, and the staff account `ivar` (admin).
async fn oapp(oidc: bool) -> OApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("flode.db").display());
    let store = Store::connect(&StoreOptions::new(url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let engine = Engine::new(
        store.clone(),
        Arc::new(SystemClock),
        EngineOptions::default(),
    )
    .await
    .expect("engine");
    let idp = FakeIdp::start().await;
    let mut state = flode_web::AppState::new(engine.clone());
    if oidc {
        state = state
            .with_citizen_oidc(
                OidcClient::new(config(&idp, "/e-tjanst/oidc/callback")).expect("client"),
            )
            .with_staff_oidc(
                OidcClient::new(config(&idp, "/logga-in/oidc/callback")).expect("client"),
            );
    }
    state
        .auth
        .add_user(
            NewUser {
                username: "ivar".into(),
                display_name: "Ivar Admin".into(),
                password: "ett långt lösenord".into(),
                roles: Roles::of(&[Role::Admin]),
            },
            "test",
            engine.now(),
        )
        .await
        .expect("user");
    OApp {
        router: flode_web::router(state),
        store,
        idp,
        _dir: dir,
    }
}

impl OApp {
    async fn get(&self, uri: &str, cookie: &str) -> Reply {
        let req = Request::get(uri).body(Body::empty()).expect("request");
        crate::helpers::send(&self.router, req, cookie).await
    }

    /// Start → provider → callback, as a browser: the callback's answer.
    async fn sign_in(&self, start: &str) -> Reply {
        let r = self.get(start, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert!(
            r.location()
                .starts_with(&format!("{}/authorize?", self.idp.issuer)),
            "{}",
            r.location()
        );
        let cookies = set_cookies(&r);
        assert_eq!(cookies.len(), 1);
        let set = &cookies[0];
        let path = format!(
            "Path={}/callback",
            start.split("/start").next().unwrap_or_default()
        );
        for attribute in ["HttpOnly", "SameSite=Lax", "Max-Age=600", path.as_str()] {
            assert!(set.contains(attribute), "{set}");
        }
        let key = set.split(';').next().unwrap_or_default().to_owned();
        assert!(key.starts_with("flode_oidc="), "{key}");
        let back = follow(r.location()).await;
        let path = back.strip_prefix(PUBLIC_URL).expect("our callback");
        self.get(path, &key).await
    }
}

/// The provider's authorization endpoint, over HTTP: where it sends the browser back.
async fn follow(location: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let r = http.get(location).send().await.expect("authorize");
    assert_eq!(r.status().as_u16(), 303);
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("redirect back")
        .to_owned()
}

fn set_cookies(r: &Reply) -> Vec<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// The `name=value` of the response's cookie `name`, if it sets one with a value.
fn cookie_named(r: &Reply, name: &str) -> Option<String> {
    set_cookies(r)
        .iter()
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")) && c.len() > name.len() + 1)
}

#[tokio::test]
async fn a_citizen_signs_in_with_e_legitimation() {
    let app = oapp(true).await;
    let start = app.get("/e-tjanst", "").await;
    assert!(start.text().contains("Logga in med e-legitimation"));
    assert!(start.text().contains("href=\"/e-tjanst/oidc/start\""));
    assert!(!start.text().contains("TEST"), "no test identity provider");
    let page = app.get("/e-tjanst/logga-in", "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Logga in med e-legitimation"));
    assert!(!page.text().contains("testperson"));

    let r = app.sign_in("/e-tjanst/oidc/start").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), "/mina-sidor");
    let session = cookie_named(&r, "flode_medborgare").expect("citizen session");
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("flode_oidc=;") && c.contains("Max-Age=0")),
        "the sign-in cookie goes"
    );
    let mina = app.get("/mina-sidor", &session).await;
    assert_eq!(mina.status, StatusCode::OK, "{}", mina.text());
    assert!(mina.text().contains("Tova Testperson"));
    // The e-legitimation sign-in does not make a staff member.
    let r = app.get("/", &session).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The test identity provider stays off.
    let r = app.get("/e-tjanst/logga-in", "").await;
    assert!(!r.text().contains("name=\"person\""));

    // Signing out ends the session here and sends the browser on to the provider's
    // end-session endpoint, which comes back to the start page.
    let r = crate::helpers::send(
        &app.router,
        crate::helpers::form_request("/e-tjanst/logga-ut", &[]),
        &session,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.location();
    assert!(
        to.starts_with(&format!("{}/end-session?", app.idp.issuer)),
        "{to}"
    );
    let back = format!("{PUBLIC_URL}/e-tjanst?meddelande=utloggad");
    let query: Vec<(String, String)> = reqwest::Url::parse(to)
        .expect("url")
        .query_pairs()
        .into_owned()
        .collect();
    assert!(
        query.contains(&("client_id".into(), CLIENT_ID.into())),
        "{query:?}"
    );
    assert!(
        query.contains(&("post_logout_redirect_uri".into(), back)),
        "{query:?}"
    );
    let mina = app.get("/mina-sidor", &session).await;
    assert_eq!(mina.status, StatusCode::SEE_OTHER, "the session is over");
}

#[tokio::test]
async fn broken_answers_are_refused_without_a_session() {
    let app = oapp(true).await;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let verify = "Inloggningen kunde inte verifieras";
    let no_pnr = "Din e-legitimation gav oss inget giltigt personnummer";
    let cases: Vec<(&str, Change, StatusCode, &str)> = vec![
        (
            "wrong state",
            Box::new(|b| b.state = Some("forged".into())),
            StatusCode::BAD_REQUEST,
            "Inloggningen kunde inte slutföras",
        ),
        (
            "wrong nonce",
            Box::new(|b| b.claims = json!({"nonce": "another"})),
            StatusCode::FORBIDDEN,
            verify,
        ),
        (
            "expired",
            Box::new(move |b| b.claims = json!({"exp": secs - 600, "iat": secs - 900})),
            StatusCode::FORBIDDEN,
            verify,
        ),
        (
            "wrong audience",
            Box::new(|b| b.claims = json!({"aud": "another-client"})),
            StatusCode::FORBIDDEN,
            verify,
        ),
        (
            "bad signature",
            Box::new(|b| b.signing_pem = OTHER_KEY_PEM),
            StatusCode::FORBIDDEN,
            verify,
        ),
        (
            "no personnummer",
            Box::new(|b| b.claims = json!({"personal_number": null})),
            StatusCode::FORBIDDEN,
            no_pnr,
        ),
        (
            "invalid personnummer",
            Box::new(|b| b.claims = json!({"personal_number": "199204722021"})),
            StatusCode::FORBIDDEN,
            no_pnr,
        ),
        (
            "cancelled",
            Box::new(|b| b.error = Some("access_denied".into())),
            StatusCode::BAD_REQUEST,
            "Inloggningen avbröts",
        ),
    ];
    for (what, change, status, message) in cases {
        app.idp.reset();
        app.idp.set(|b| change(b));
        let r = app.sign_in("/e-tjanst/oidc/start").await;
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert!(r.text().contains(message), "{what}: {}", r.text());
        assert!(r.text().contains("Det finns ett problem"), "{what}");
        assert!(
            cookie_named(&r, "flode_medborgare").is_none(),
            "{what}: no session"
        );
    }

    // A callback without the browser's cookie (another browser, or a forged link).
    app.idp.reset();
    let r = app.get("/e-tjanst/oidc/start", "").await;
    let back = follow(r.location()).await;
    let r = app
        .get(back.strip_prefix(PUBLIC_URL).expect("callback"), "")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(cookie_named(&r, "flode_medborgare").is_none());
}

#[tokio::test]
async fn staff_sign_in_with_the_organisations_account() {
    let app = oapp(true).await;
    let page = app.get("/logga-in?tillbaka=%2Fprocesser", "").await;
    assert!(page.text().contains("Logga in med organisationens konto"));
    assert!(
        page.text()
            .contains("href=\"/logga-in/oidc/start?tillbaka=%2Fprocesser\""),
        "{}",
        page.text()
    );

    app.idp
        .set(|b| b.claims = json!({"preferred_username": "Ivar"}));
    let r = app
        .sign_in("/logga-in/oidc/start?tillbaka=%2Fprocesser")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), "/processer");
    let session = cookie_named(&r, "flode_session").expect("staff session");
    let page = app.get("/processer", &session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.text().contains("Ivar Admin"));

    // A return path off the site is not followed.
    let r = app
        .sign_in("/logga-in/oidc/start?tillbaka=%2F%2Fevil.example%2F")
        .await;
    assert_eq!(r.location(), "/");

    // A provider account with no flode account: refused, audited, no session.
    app.idp
        .set(|b| b.claims = json!({"preferred_username": "okand"}));
    let r = app.sign_in("/logga-in/oidc/start").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .contains("inte kopplat till något aktivt konto i flode")
    );
    assert!(cookie_named(&r, "flode_session").is_none());
    let last = app.store.audit_events(1).await.expect("audit").remove(0);
    assert_eq!(last.kind, "login_failed");
    assert_eq!(last.actor.as_deref(), Some("okand"));
    assert_eq!(last.detail["reason"], "unknown_user");
    assert_eq!(last.detail["method"], "oidc");

    // A citizen's sign-in in progress cannot finish at the staff callback.
    app.idp.reset();
    let r = app.get("/e-tjanst/oidc/start", "").await;
    let key = set_cookies(&r)[0]
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let back = follow(r.location()).await;
    let query = back.split_once('?').expect("query").1;
    let r = app
        .get(&format!("/logga-in/oidc/callback?{query}"), &key)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(cookie_named(&r, "flode_session").is_none());
}

#[tokio::test]
async fn without_oidc_settings_there_is_no_oidc() {
    let app = oapp(false).await;
    for path in [
        "/e-tjanst/oidc/start",
        "/e-tjanst/oidc/callback?code=x&state=y",
        "/logga-in/oidc/start",
        "/logga-in/oidc/callback?code=x&state=y",
        "/e-tjanst/logga-in",
    ] {
        assert_eq!(
            app.get(path, "").await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let page = app.get("/logga-in", "").await;
    assert!(!page.text().contains("organisationens konto"));
}
