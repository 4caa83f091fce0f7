//! A fake OpenID Connect provider for tests, on 127.0.0.1 with a free port: discovery,
//! JWKS, an authorization endpoint that at once sends the browser back with a code, and a
//! token endpoint that checks the client's secret and the PKCE verifier and signs ID tokens
//! with a test RSA or EC key (`tests/fixtures/`). Knobs let a test break one thing at a time.
//!
//! Shared by `crates/security/tests/oidc.rs` and `crates/web/tests/web/oidc.rs` (by path).

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "flode-test";
pub const CLIENT_SECRET: &str = "provider:secret/with&odd chars";
/// The provider's key (published in its JWKS).
pub const KEY_PEM: &str = include_str!("../fixtures/oidc_test_key.pem");
/// Another key: the attacker's, or the provider's next one after rotation.
pub const OTHER_KEY_PEM: &str = include_str!("../fixtures/oidc_other_key.pem");
/// P-256 keys, for ES256: the provider's and the attacker's.
pub const EC_KEY_PEM: &str = include_str!("../fixtures/oidc_test_ec_key.pem");
pub const OTHER_EC_KEY_PEM: &str = include_str!("../fixtures/oidc_other_ec_key.pem");
/// Skatteverket test personnummer.
pub const PERSONNUMMER: &str = "199204722020";

/// A PEM's DER body.
fn der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body.trim()).expect("PEM body")
}

/// A PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`) as a signing key.
pub fn rsa_key(pem: &str) -> EncodingKey {
    EncodingKey::from_rsa_der(&der(pem))
}

/// The signing key of a PEM for `alg`: RSA (PKCS#1) for RS/PS, PKCS#8 EC for ES.
fn signing_key(pem: &str, alg: Algorithm) -> EncodingKey {
    match alg {
        Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_der(&der(pem)),
        _ => rsa_key(pem),
    }
}

fn jwk(pem: &str, kid: &str, alg: Algorithm) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(&signing_key(pem, alg), alg).expect("jwk");
    jwk.common.key_id = Some(kid.into());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk
}

/// How the provider behaves; tests change it between sign-ins.
#[derive(Clone)]
pub struct Behaviour {
    /// Claims set on (or, when `null`, removed from) every ID token.
    pub claims: Value,
    /// The key id in the token's header, and the PEM it is signed with.
    pub kid: String,
    pub signing_pem: &'static str,
    /// Keys in the JWKS: (kid, PEM).
    pub published: Vec<(String, &'static str)>,
    /// `client_secret_post` instead of `client_secret_basic`.
    pub post_auth: bool,
    /// Replaces the `state` sent back by the authorization endpoint.
    pub state: Option<String>,
    /// Sends the person back with this OAuth error instead of a code.
    pub error: Option<String>,
    /// The signing algorithm: in discovery, in the JWKS' keys and in the tokens.
    pub alg: Algorithm,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            claims: json!({}),
            kid: "k1".into(),
            signing_pem: KEY_PEM,
            published: vec![("k1".into(), KEY_PEM)],
            post_auth: false,
            state: None,
            error: None,
            alg: Algorithm::RS256,
        }
    }
}

struct Grant {
    nonce: String,
    challenge: String,
    redirect_uri: String,
}

#[derive(Clone)]
pub struct FakeIdp {
    pub issuer: String,
    pub behaviour: Arc<Mutex<Behaviour>>,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
    /// How many times the JWKS was fetched.
    pub jwks_fetches: Arc<AtomicUsize>,
    /// How many codes the token endpoint exchanged.
    pub exchanges: Arc<AtomicUsize>,
    counter: Arc<AtomicUsize>,
}

impl FakeIdp {
    /// Starts the provider; it runs until the test's runtime ends.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let issuer = format!("http://{}/idp", listener.local_addr().expect("addr"));
        let idp = Self {
            issuer,
            behaviour: Arc::new(Mutex::new(Behaviour::default())),
            grants: Arc::default(),
            jwks_fetches: Arc::default(),
            exchanges: Arc::default(),
            counter: Arc::default(),
        };
        let app = Router::new()
            .route("/idp/.well-known/openid-configuration", get(discovery))
            .route("/idp/jwks", get(jwks))
            .route("/idp/authorize", get(authorize))
            .route("/idp/token", post(token))
            .with_state(idp.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        idp
    }

    pub fn set(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.behaviour.lock().expect("lock"));
    }

    pub fn reset(&self) {
        self.set(|b| *b = Behaviour::default());
    }

    fn behaviour(&self) -> Behaviour {
        self.behaviour.lock().expect("lock").clone()
    }

    /// The claims of the next ID token for `nonce`, with the behaviour's changes.
    pub fn claims(&self, nonce: &str) -> Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut claims = json!({
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "pairwise-subject-1",
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "jti": format!("jti-{n}"),
            "personal_number": PERSONNUMMER,
            "name": "Tova Testperson",
            "given_name": "Tova",
            "family_name": "Testperson",
            "preferred_username": "hanna",
        });
        let obj = claims.as_object_mut().expect("object");
        if let Some(changes) = self.behaviour().claims.as_object() {
            for (k, v) in changes {
                if v.is_null() {
                    obj.remove(k);
                } else {
                    obj.insert(k.clone(), v.clone());
                }
            }
        }
        claims
    }

    /// Signs `claims` as the behaviour says.
    pub fn sign(&self, claims: &Value) -> String {
        let b = self.behaviour();
        let mut header = Header::new(b.alg);
        header.kid = Some(b.kid.clone());
        jsonwebtoken::encode(&header, claims, &signing_key(b.signing_pem, b.alg)).expect("sign")
    }
}

async fn discovery(State(idp): State<FakeIdp>) -> Response {
    let methods = if idp.behaviour().post_auth {
        json!(["client_secret_post"])
    } else {
        json!(["client_secret_basic", "client_secret_post"])
    };
    axum::Json(json!({
        "issuer": idp.issuer,
        "authorization_endpoint": format!("{}/authorize", idp.issuer),
        "token_endpoint": format!("{}/token", idp.issuer),
        "jwks_uri": format!("{}/jwks", idp.issuer),
        "end_session_endpoint": format!("{}/end-session", idp.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": [format!("{:?}", idp.behaviour().alg), "HS256"],
        "token_endpoint_auth_methods_supported": methods,
        "code_challenge_methods_supported": ["S256"],
    }))
    .into_response()
}

async fn jwks(State(idp): State<FakeIdp>) -> Response {
    idp.jwks_fetches.fetch_add(1, Ordering::Relaxed);
    let b = idp.behaviour();
    let keys = b
        .published
        .iter()
        .map(|(kid, pem)| jwk(pem, kid, b.alg))
        .collect();
    axum::Json(JwkSet { keys }).into_response()
}

async fn authorize(
    State(idp): State<FakeIdp>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    assert_eq!(get("response_type"), "code");
    assert_eq!(get("client_id"), CLIENT_ID);
    assert_eq!(get("code_challenge_method"), "S256");
    assert!(get("scope").split(' ').any(|s| s == "openid"));
    let b = idp.behaviour();
    let redirect_uri = get("redirect_uri");
    let state = b.state.clone().unwrap_or_else(|| get("state"));
    if let Some(error) = b.error {
        return Redirect::to(&format!("{redirect_uri}?error={error}&state={state}"))
            .into_response();
    }
    let code = format!("code-{}", idp.counter.fetch_add(1, Ordering::Relaxed));
    idp.grants.lock().expect("lock").insert(
        code.clone(),
        Grant {
            nonce: get("nonce"),
            challenge: get("code_challenge"),
            redirect_uri: redirect_uri.clone(),
        },
    );
    Redirect::to(&format!("{redirect_uri}?code={code}&state={state}")).into_response()
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({"error": error}))).into_response()
}

fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8")
}

async fn token(
    State(idp): State<FakeIdp>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let b = idp.behaviour();
    // Client authentication: the configured method, and only that.
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v).ok())
        .and_then(|v| String::from_utf8(v).ok());
    let authenticated = if b.post_auth {
        basic.is_none()
            && form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
    } else {
        basic.is_some_and(|creds| {
            let (id, secret) = creds.split_once(':').unwrap_or_default();
            form_decode(id) == CLIENT_ID && form_decode(secret) == CLIENT_SECRET
        }) && !form.contains_key("client_secret")
    };
    if !authenticated {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(grant) = idp.grants.lock().expect("lock").remove(&code) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge
        || form.get("redirect_uri") != Some(&grant.redirect_uri)
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    idp.exchanges.fetch_add(1, Ordering::Relaxed);
    let id_token = idp.sign(&idp.claims(&grant.nonce));
    axum::Json(json!({
        "access_token": "opaque-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}
