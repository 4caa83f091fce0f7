//! A fresh app per test, and request/response shorthands.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_security::{Auth, NewUser, Role, Roles};
use flode_store::{Store, StoreOptions};
use http_body_util::BodyExt;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

/// Camunda 8 style: start → user task → service task → end.
pub(crate) const MODEL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/test">
  <bpmn:process id="ansokan" name="Ansökan" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Granska ansökan"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="work"/>
    <bpmn:serviceTask id="work" name="Registrera beslut">
      <bpmn:extensionElements><zeebe:taskDefinition type="demo.work" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// The test account that [`app`] signs in: every role, so that every action is allowed.
pub(crate) const TEST_USER: &str = "testare";
pub(crate) const TEST_PASSWORD: &str = "testarens lösenord";

/// The router and what is behind it; the directory lives as long as the app.
pub(crate) struct TestApp {
    pub(crate) router: Router,
    pub(crate) engine: Engine,
    pub(crate) auth: Auth,
    /// `Cookie` header of [`TEST_USER`]'s session, sent by [`TestApp::send`].
    pub(crate) cookie: String,
    _dir: TempDir,
}

/// A response, read to the end.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub(crate) async fn app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("flode.db");
    let store = Store::connect(&StoreOptions::new(format!("sqlite://{}", path.display())))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let engine = Engine::new(store, Arc::new(SystemClock), EngineOptions::default())
        .await
        .expect("engine");
    let state = flode_web::AppState::new(engine.clone());
    let auth = state.auth.clone();
    let router = flode_web::router(state);
    let mut app = TestApp {
        router,
        engine,
        auth,
        cookie: String::new(),
        _dir: dir,
    };
    app.add_user(TEST_USER, TEST_PASSWORD, &Role::ALL).await;
    app.cookie = app.sign_in(TEST_USER, TEST_PASSWORD).await;
    app
}

/// The `name=value` of a response's `Set-Cookie`.
pub(crate) fn cookie_of(r: &Reply) -> String {
    let set = r
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no Set-Cookie ({}): {}", r.status, r.text()));
    set.split(';').next().unwrap_or_default().to_owned()
}

impl TestApp {
    /// Sends as [`TEST_USER`], unless the request carries its own credentials.
    pub(crate) async fn send(&self, mut req: Request<Body>) -> Reply {
        let h = req.headers_mut();
        if !h.contains_key(header::COOKIE) && !h.contains_key(header::AUTHORIZATION) {
            h.insert(header::COOKIE, self.cookie.parse().expect("cookie"));
        }
        self.send_as_is(req).await
    }

    /// Sends without adding credentials.
    pub(crate) async fn send_as_is(&self, req: Request<Body>) -> Reply {
        send(&self.router, req, "").await
    }

    pub(crate) async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// A JSON request.
    pub(crate) async fn json(&self, method: Method, uri: &str, body: Value) -> Reply {
        self.send(
            Request::builder()
                .method(method)
                .uri(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// A same-origin form post, as a browser sends it.
    pub(crate) async fn form(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        self.send(form_request(uri, fields)).await
    }

    /// Creates an account.
    pub(crate) async fn add_user(&self, username: &str, password: &str, roles: &[Role]) {
        self.auth
            .add_user(
                NewUser {
                    username: username.to_owned(),
                    display_name: format!("Test {username}"),
                    password: password.to_owned(),
                    roles: Roles::of(roles),
                },
                "test",
                self.engine.now(),
            )
            .await
            .expect("add user");
    }

    /// Signs in through the form; returns the `Cookie` header value.
    pub(crate) async fn sign_in(&self, username: &str, password: &str) -> String {
        let r = self
            .send_as_is(form_request(
                "/logga-in",
                &[
                    ("username", username),
                    ("password", password),
                    ("tillbaka", "/"),
                ],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        cookie_of(&r)
    }

    /// Creates an API token; returns it.
    pub(crate) async fn token(&self, name: &str, roles: &[Role]) -> String {
        let (_, token) = self
            .auth
            .add_token(name, Roles::of(roles), "test", self.engine.now())
            .await
            .expect("token");
        token.expose().to_owned()
    }

    /// Deploys [`MODEL`] through the API; returns the definition id.
    pub(crate) async fn deploy_model(&self) -> String {
        let r = self
            .send(
                Request::post("/api/deployments?name=ansokan.bpmn")
                    .header(header::CONTENT_TYPE, "application/xml")
                    .body(Body::from(MODEL))
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["deployed"][0]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Starts an instance of [`MODEL`]; returns its id.
    pub(crate) async fn start_instance(&self, business_key: &str) -> String {
        let r = self
            .json(
                Method::POST,
                "/api/process-instances",
                serde_json::json!({"processKey": "ansokan", "variables": {"belopp": 100}, "businessKey": business_key}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["id"].as_str().expect("id").to_owned()
    }
}

/// Sends `req` through `router` with the `Cookie` header `cookie` (none when empty) and
/// reads the whole response.
pub(crate) async fn send(router: &Router, mut req: Request<Body>, cookie: &str) -> Reply {
    if !cookie.is_empty() {
        req.headers_mut()
            .insert(header::COOKIE, cookie.parse().expect("cookie"));
    }
    let response = router.clone().oneshot(req).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Reply {
        status,
        headers,
        body,
    }
}

/// A same-origin form post request.
pub(crate) fn form_request(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "flode.local")
        .header(header::ORIGIN, "http://flode.local")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.join("&")))
        .expect("request")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
