//! Sign-in through OpenID Connect: flode as a relying party of a real identity provider
//! (e-legitimation for citizens, the organisation's provider for staff).
//!
//! The authorization code flow with PKCE (S256), `state` and `nonce`
//! ([OpenID Connect Core 1.0] §3.1, [RFC 7636]):
//!
//! 1. [`OidcSignIn::start`] makes a random `state`, `nonce` and PKCE verifier, stores them
//!    in the database under the SHA-256 of a random key that the browser keeps in a
//!    short-lived cookie, and answers the provider's authorization URL. In the database,
//!    not in a node's memory, so that the callback may reach any node; not in the cookie,
//!    so that the verifier never travels through the browser and no signing key has to be
//!    shared between nodes.
//! 2. [`OidcSignIn::finish`] takes that row (once: a replayed callback finds nothing),
//!    compares `state`, sends the code with the verifier and the client secret to the token
//!    endpoint (`client_secret_basic`, or `client_secret_post` when the provider offers
//!    only that), and validates the ID token ([`OidcClient::validate_id_token`]): signature
//!    against the provider's JWKS (RS/PS 256–512, ES256/ES384; never `none` or HMAC),
//!    `iss`, `aud` (and `azp`), `exp`, `iat` and `nbf` with a minute's leeway, and `nonce`.
//!
//! Discovery (`{issuer}/.well-known/openid-configuration`) and the JWKS are fetched on first
//! use and cached for an hour; an ID token signed with a key id the cache does not know
//! makes the JWKS be fetched again once (the provider rotated its keys). The ID token
//! arrives from the token endpoint over the back channel, so only the provider can make
//! that happen.
//!
//! This module does HTTP (to the identity provider only). Nothing secret is logged: not the
//! client secret, the code, the tokens or their claims (a personnummer is one).
//!
//! [OpenID Connect Core 1.0]: https://openid.net/specs/openid-connect-core-1_0.html
//! [RFC 7636]: https://www.rfc-editor.org/rfc/rfc7636

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use flode_store::{OidcLoginRecord, Store};
use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::Secret;
use crate::secret;

/// Clock skew allowed between flode and the provider for `exp`, `iat` and `nbf`.
pub const LEEWAY_MS: i64 = 60_000;
/// An ID token issued longer ago than this is refused (it has just come from the token
/// endpoint; an old one is a replay).
pub const MAX_ID_TOKEN_AGE_MS: i64 = 10 * 60_000;
/// How long a sign-in may stay at the provider (BankID on another device takes a while).
pub const LOGIN_TTL_MS: i64 = 10 * 60_000;
/// How long discovery and the JWKS are cached.
const CACHE_TTL: Duration = Duration::from_secs(60 * 60);
/// Longest wait for the provider on one request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);
/// Signature algorithms accepted for ID tokens: asymmetric only, so that nobody who knows
/// the client secret (an HMAC key) can make one.
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Why an OpenID Connect sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The settings are unusable (caught at start).
    #[error("OIDC settings: {0}")]
    Config(String),
    /// The provider could not be reached or answered something unusable.
    #[error("identity provider: {0}")]
    Provider(String),
    /// The provider's token endpoint refused the code (an OAuth error code).
    #[error("the identity provider refused the code: {0}")]
    Rejected(String),
    /// The provider sent the person back with an error instead of a code (cancelled,
    /// refused consent, …): the OAuth error code.
    #[error("the identity provider returned an error: {0}")]
    Cancelled(String),
    /// No sign-in in progress for this browser: no cookie, already used, expired, or started
    /// for the other flow.
    #[error("no sign-in in progress for this browser")]
    UnknownAttempt,
    /// The callback's `state` (or `iss`) is not the one sent.
    #[error("the callback does not match the sign-in in progress")]
    StateMismatch,
    /// The ID token failed validation (the reason, never the token).
    #[error("ID token refused: {0}")]
    InvalidToken(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] flode_store::Error),
    /// The system's random source failed.
    #[error("cryptography failed: {0}")]
    Crypto(String),
}

/// A relying party's registration at one provider.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer identifier, e.g. `https://idp.example.se` (exactly as in the ID token's
    /// `iss`); discovery is at `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// The client id flode is registered with.
    pub client_id: String,
    /// The client secret (never logged; `Debug` hides it).
    pub client_secret: String,
    /// The callback URL registered at the provider.
    pub redirect_uri: String,
    /// Scopes besides `openid`, e.g. `profile`.
    pub scopes: Vec<String>,
    /// Accepted assurance levels (`acr`), e.g. Sweden Connect's
    /// `http://id.elegnamnden.se/loa/1.0/loa3` for e-legitimation: asked for as
    /// `acr_values`, and an ID token with another (or no) `acr` is refused. Empty: any.
    pub acr_values: Vec<String>,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("acr_values", &self.acr_values)
            .finish()
    }
}

/// HTTPS, or plain HTTP to this machine only (tests and development).
fn check_url(what: &str, value: &str) -> Result<Url, OidcError> {
    let url = Url::parse(value)
        .map_err(|e| OidcError::Config(format!("{what} {value:?} is not a URL: {e}")))?;
    let loopback = matches!(
        url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    );
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(OidcError::Config(format!(
            "{what} {value:?} must be an https URL (http only for localhost)"
        ))),
    }
}

impl OidcConfig {
    fn check(&self) -> Result<(), OidcError> {
        check_url("the issuer", &self.issuer)?;
        if self.client_id.trim().is_empty() {
            return Err(OidcError::Config("the client id is empty".into()));
        }
        if self.client_secret.is_empty() {
            return Err(OidcError::Config("the client secret is empty".into()));
        }
        let redirect = Url::parse(&self.redirect_uri).map_err(|e| {
            OidcError::Config(format!(
                "the redirect URI {:?} is not a URL: {e}",
                self.redirect_uri
            ))
        })?;
        if !matches!(redirect.scheme(), "https" | "http") {
            return Err(OidcError::Config(format!(
                "the redirect URI {:?} must be http(s)",
                self.redirect_uri
            )));
        }
        Ok(())
    }
}

/// The one-time values of one sign-in. `Debug` hides them.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthRequest {
    /// Sent to the provider and matched in the callback (cross-site request forgery).
    pub state: String,
    /// Sent to the provider and matched in the ID token (replay).
    pub nonce: String,
    /// PKCE: its SHA-256 goes to the provider, itself only to the token endpoint.
    pub pkce_verifier: String,
}

impl fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthRequest(***)")
    }
}

impl AuthRequest {
    /// Fresh random values (256 bits each).
    pub fn new() -> Result<Self, OidcError> {
        let random = || {
            Secret::session_id()
                .map(|s| s.expose().to_owned())
                .map_err(|e| OidcError::Crypto(e.to_string()))
        };
        Ok(Self {
            state: random()?,
            nonce: random()?,
            // 64 hex digits: within RFC 7636's 43–128 unreserved characters.
            pkce_verifier: random()?,
        })
    }

    /// The PKCE `code_challenge` for S256: BASE64URL(SHA-256(verifier)).
    pub fn pkce_challenge(&self) -> String {
        pkce_challenge(&self.pkce_verifier)
    }
}

fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A validated ID token's claims. `Debug` shows only the issuer: the claims name a person.
#[derive(Clone)]
pub struct IdToken {
    issuer: String,
    subject: String,
    reference: String,
    claims: Map<String, Value>,
}

impl fmt::Debug for IdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdToken")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl IdToken {
    /// `iss`: who vouched for the person.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `sub`: the provider's id of the person.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// A reference to this sign-in for the records: the token's `jti`, else the provider's
    /// session `sid`, else a SHA-256 of the token (never the token itself).
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// A claim, if present.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }

    /// A claim that is a non-empty string (trimmed).
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// The parts of the provider's discovery document flode uses.
#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    /// RP-Initiated Logout 1.0; not every provider has one.
    #[serde(default)]
    end_session_endpoint: Option<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    id_token_signing_alg_values_supported: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientAuth {
    Basic,
    Post,
}

#[derive(Debug)]
struct Provider {
    authorization_endpoint: Url,
    token_endpoint: Url,
    jwks_uri: Url,
    end_session_endpoint: Option<Url>,
    client_auth: ClientAuth,
    algorithms: Vec<Algorithm>,
}

struct SigningKey {
    kid: Option<String>,
    alg: Option<Algorithm>,
    key: DecodingKey,
}

struct Cached<T> {
    at: Instant,
    value: Arc<T>,
}

impl<T> Cached<T> {
    fn fresh(&self) -> Option<Arc<T>> {
        (self.at.elapsed() < CACHE_TTL).then(|| self.value.clone())
    }
}

/// A client of one OpenID Connect provider; cheap to clone (the caches are shared).
#[derive(Clone)]
pub struct OidcClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: OidcConfig,
    http: reqwest::Client,
    // A mutex rather than a read-write lock: a refresh then happens once while the other
    // callers wait for it, instead of each fetching.
    provider: Mutex<Option<Cached<Provider>>>,
    keys: Mutex<Option<Cached<Vec<SigningKey>>>>,
}

impl fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// What the token endpoint answers.
#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
}

fn provider_error(what: &str, e: impl fmt::Display) -> OidcError {
    OidcError::Provider(format!("{what}: {e}"))
}

/// Percent-encoding for `application/x-www-form-urlencoded` (RFC 6749 §2.3.1 encodes the
/// client id and secret so before Basic authentication).
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A NumericDate claim in Unix ms; an integer or a float of seconds.
fn time_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, OidcError> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            // Seconds as a float: whole milliseconds are plenty.
            .or_else(|| v.as_f64().map(|f| f as i64))
            .map(|s| Some(s.saturating_mul(1000)))
            .ok_or_else(|| OidcError::InvalidToken(format!("{name} is not a number"))),
    }
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl OidcClient {
    /// A client for `config`; checks the settings but contacts nobody yet.
    pub fn new(config: OidcConfig) -> Result<Self, OidcError> {
        config.check()?;
        let http = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            // A provider that redirects its endpoints is misconfigured; following could
            // send the code or secret elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OidcError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                provider: Mutex::new(None),
                keys: Mutex::new(None),
            }),
        })
    }

    /// The configured issuer.
    pub fn issuer(&self) -> &str {
        &self.inner.config.issuer
    }

    /// The configured client id.
    pub fn client_id(&self) -> &str {
        &self.inner.config.client_id
    }

    /// Where to send the browser when a person signs out, so that the provider's session
    /// ends too and the next person at a shared computer cannot sign in without
    /// e-legitimation (OpenID Connect RP-Initiated Logout 1.0): the provider's end-session
    /// endpoint with `client_id` and `post_logout_redirect_uri` (the path `back` on this
    /// site, which must be registered at the provider). `None` if the provider has none.
    pub async fn end_session_url(&self, back: &str) -> Result<Option<Url>, OidcError> {
        let provider = self.provider().await?;
        let Some(end) = &provider.end_session_endpoint else {
            return Ok(None);
        };
        let back = Url::parse(&self.inner.config.redirect_uri)
            .and_then(|u| u.join(back))
            .map_err(|e| OidcError::Config(format!("redirect_uri: {e}")))?;
        let mut url = end.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.inner.config.client_id)
            .append_pair("post_logout_redirect_uri", back.as_str());
        Ok(Some(url))
    }

    /// Fetches (or returns the cached) discovery document; at start, to report a wrong
    /// issuer early.
    pub async fn discover(&self) -> Result<(), OidcError> {
        self.provider().await.map(|_| ())
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        url: Url,
    ) -> Result<T, OidcError> {
        let response = self
            .inner
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| provider_error(what, e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(provider_error(what, format!("HTTP {status}")));
        }
        response.json().await.map_err(|e| provider_error(what, e))
    }

    async fn provider(&self) -> Result<Arc<Provider>, OidcError> {
        let mut cache = self.inner.provider.lock().await;
        if let Some(p) = cache.as_ref().and_then(Cached::fresh) {
            return Ok(p);
        }
        let issuer = &self.inner.config.issuer;
        let url = check_url(
            "the discovery URL",
            &format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            ),
        )?;
        let d: Discovery = self.get_json("discovery", url).await?;
        // OpenID Connect Discovery §4.3: the document must name the issuer asked for.
        if d.issuer != *issuer {
            return Err(OidcError::Provider(format!(
                "discovery names the issuer {:?}, not {issuer:?}",
                d.issuer
            )));
        }
        let methods = d.token_endpoint_auth_methods_supported.unwrap_or_default();
        // Absent means client_secret_basic (Discovery §3).
        let client_auth = if methods.is_empty()
            || methods.iter().any(|m| m == "client_secret_basic")
        {
            ClientAuth::Basic
        } else if methods.iter().any(|m| m == "client_secret_post") {
            ClientAuth::Post
        } else {
            return Err(OidcError::Provider(format!(
                "the token endpoint offers neither client_secret_basic nor client_secret_post ({methods:?})"
            )));
        };
        let algorithms = match d.id_token_signing_alg_values_supported {
            Some(names) => ALGORITHMS
                .into_iter()
                .filter(|a| names.iter().any(|n| n == &format!("{a:?}")))
                .collect(),
            // RS256 is the one every provider must support (Core §15.1).
            None => vec![Algorithm::RS256],
        };
        if algorithms.is_empty() {
            return Err(OidcError::Provider(
                "the provider signs ID tokens with no algorithm flode accepts".into(),
            ));
        }
        let provider = Arc::new(Provider {
            authorization_endpoint: check_url(
                "the authorization endpoint",
                &d.authorization_endpoint,
            )?,
            token_endpoint: check_url("the token endpoint", &d.token_endpoint)?,
            jwks_uri: check_url("the JWKS URI", &d.jwks_uri)?,
            end_session_endpoint: d
                .end_session_endpoint
                .as_deref()
                .map(|u| check_url("the end-session endpoint", u))
                .transpose()?,
            client_auth,
            algorithms,
        });
        *cache = Some(Cached {
            at: Instant::now(),
            value: provider.clone(),
        });
        Ok(provider)
    }

    /// The provider's signing keys, from the cache unless `refresh`.
    async fn keys(
        &self,
        provider: &Provider,
        refresh: bool,
    ) -> Result<Arc<Vec<SigningKey>>, OidcError> {
        let mut cache = self.inner.keys.lock().await;
        if !refresh && let Some(k) = cache.as_ref().and_then(Cached::fresh) {
            return Ok(k);
        }
        #[derive(Deserialize)]
        struct JwkSet {
            keys: Vec<Value>,
        }
        let set: JwkSet = self.get_json("JWKS", provider.jwks_uri.clone()).await?;
        // One key of a kind flode cannot use must not make the others unusable.
        let keys: Vec<SigningKey> = set
            .keys
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Jwk>(v).ok())
            .filter(|jwk| {
                !matches!(
                    jwk.common.public_key_use,
                    Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
                )
            })
            .filter_map(|jwk| {
                let key = DecodingKey::from_jwk(&jwk).ok()?;
                let alg = match jwk.common.key_algorithm {
                    Some(a) => Some(Algorithm::try_from(a).ok()?),
                    None => None,
                };
                Some(SigningKey {
                    kid: jwk.common.key_id,
                    alg,
                    key,
                })
            })
            .collect();
        let keys = Arc::new(keys);
        *cache = Some(Cached {
            at: Instant::now(),
            value: keys.clone(),
        });
        Ok(keys)
    }

    /// The URL to send the person to.
    pub async fn authorization_url(&self, request: &AuthRequest) -> Result<String, OidcError> {
        let provider = self.provider().await?;
        let config = &self.inner.config;
        let mut scope = vec!["openid".to_owned()];
        scope.extend(config.scopes.iter().filter(|s| *s != "openid").cloned());
        let mut url = provider.authorization_endpoint.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &config.client_id)
            .append_pair("redirect_uri", &config.redirect_uri)
            .append_pair("scope", &scope.join(" "))
            .append_pair("state", &request.state)
            .append_pair("nonce", &request.nonce)
            .append_pair("code_challenge", &request.pkce_challenge())
            .append_pair("code_challenge_method", "S256");
        if !config.acr_values.is_empty() {
            url.query_pairs_mut()
                .append_pair("acr_values", &config.acr_values.join(" "));
        }
        Ok(url.into())
    }

    /// Exchanges the authorization code for tokens and returns the validated ID token.
    pub async fn exchange(
        &self,
        code: &str,
        request: &AuthRequest,
        now: i64,
    ) -> Result<IdToken, OidcError> {
        let provider = self.provider().await?;
        let config = &self.inner.config;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", config.redirect_uri.as_str()),
            ("code_verifier", request.pkce_verifier.as_str()),
        ];
        let mut post = self
            .inner
            .http
            .post(provider.token_endpoint.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        match provider.client_auth {
            ClientAuth::Basic => {
                let credentials = format!(
                    "{}:{}",
                    form_encode(&config.client_id),
                    form_encode(&config.client_secret)
                );
                post = post.header(
                    reqwest::header::AUTHORIZATION,
                    format!("Basic {}", STANDARD.encode(credentials)),
                );
            }
            ClientAuth::Post => {
                form.push(("client_id", config.client_id.as_str()));
                form.push(("client_secret", config.client_secret.as_str()));
            }
        }
        let response = post
            .form(&form)
            .send()
            .await
            .map_err(|e| provider_error("token endpoint", e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| provider_error("token endpoint", e))?;
        if !status.is_success() {
            // RFC 6749 §5.2: 400 (or 401) with an error code; only the code is kept.
            return Err(match serde_json::from_slice::<OAuthError>(&body) {
                Ok(e) if status.is_client_error() => OidcError::Rejected(e.error),
                _ => provider_error("token endpoint", format!("HTTP {status}")),
            });
        }
        let tokens: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| provider_error("token endpoint", e))?;
        let id_token = tokens.id_token.ok_or_else(|| {
            OidcError::Provider("the token endpoint answered without an ID token".into())
        })?;
        self.validate(&provider, &id_token, &request.nonce, now)
            .await
    }

    /// Validates an ID token (signature, issuer, audience, times, nonce) at `now` (Unix ms).
    pub async fn validate_id_token(
        &self,
        token: &str,
        nonce: &str,
        now: i64,
    ) -> Result<IdToken, OidcError> {
        let provider = self.provider().await?;
        self.validate(&provider, token, nonce, now).await
    }

    async fn validate(
        &self,
        provider: &Provider,
        token: &str,
        nonce: &str,
        now: i64,
    ) -> Result<IdToken, OidcError> {
        let invalid = |why: &str| OidcError::InvalidToken(why.to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed header"))?;
        if !provider.algorithms.contains(&header.alg) {
            return Err(OidcError::InvalidToken(format!(
                "signed with {:?}, which is not accepted",
                header.alg
            )));
        }
        let mut claims = None;
        for refresh in [false, true] {
            let keys = self.keys(provider, refresh).await?;
            let candidates: Vec<&SigningKey> = keys
                .iter()
                .filter(|k| header.kid.is_none() || k.kid == header.kid)
                .filter(|k| k.alg.is_none_or(|a| a == header.alg))
                .filter(|k| k.key.family() == header.alg.family())
                .collect();
            if candidates.is_empty() {
                // A key id the cache does not know: the provider may have rotated its keys.
                continue;
            }
            let mut validation = Validation::new(header.alg);
            // The claims are checked below, against flode's clock.
            validation.validate_exp = false;
            validation.validate_nbf = false;
            validation.validate_aud = false;
            validation.required_spec_claims.clear();
            claims = candidates.iter().find_map(|k| {
                jsonwebtoken::decode::<Map<String, Value>>(token, &k.key, &validation)
                    .ok()
                    .map(|data| data.claims)
            });
            if claims.is_none() {
                return Err(invalid("bad signature"));
            }
            break;
        }
        let claims = claims.ok_or_else(|| invalid("signed with an unknown key"))?;
        self.check_claims(token, claims, nonce, now)
    }

    fn check_claims(
        &self,
        token: &str,
        claims: Map<String, Value>,
        nonce: &str,
        now: i64,
    ) -> Result<IdToken, OidcError> {
        let invalid = |why: &str| OidcError::InvalidToken(why.to_owned());
        let config = &self.inner.config;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        if text("iss") != Some(config.issuer.as_str()) {
            return Err(invalid("wrong issuer"));
        }
        let audiences: Vec<&str> = match claims.get("aud") {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !audiences.contains(&config.client_id.as_str()) {
            return Err(invalid("wrong audience"));
        }
        // Core §3.1.3.7: with other audiences, azp names the client it was issued to.
        match text("azp") {
            Some(azp) if azp != config.client_id => return Err(invalid("wrong azp")),
            None if audiences.len() > 1 => return Err(invalid("several audiences and no azp")),
            _ => {}
        }
        let exp = time_claim(&claims, "exp")?.ok_or_else(|| invalid("no exp"))?;
        if exp + LEEWAY_MS <= now {
            return Err(invalid("expired"));
        }
        let iat = time_claim(&claims, "iat")?.ok_or_else(|| invalid("no iat"))?;
        if iat > now + LEEWAY_MS {
            return Err(invalid("issued in the future"));
        }
        if iat + MAX_ID_TOKEN_AGE_MS + LEEWAY_MS < now {
            return Err(invalid("issued too long ago"));
        }
        if let Some(nbf) = time_claim(&claims, "nbf")?
            && nbf > now + LEEWAY_MS
        {
            return Err(invalid("not yet valid"));
        }
        if !text("nonce").is_some_and(|n| same(n, nonce)) {
            return Err(invalid("wrong nonce"));
        }
        // A provider may answer with a lower level than asked for (OIDC Core §3.1.2.1).
        if !config.acr_values.is_empty()
            && !text("acr").is_some_and(|acr| config.acr_values.iter().any(|a| a == acr))
        {
            return Err(invalid("assurance level (acr) not accepted"));
        }
        let subject = text("sub")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("no sub"))?
            .to_owned();
        let reference = text("jti")
            .or_else(|| text("sid"))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("sha256:{}", &secret::hash(token)[..32]));
        Ok(IdToken {
            issuer: config.issuer.clone(),
            subject,
            reference,
            claims,
        })
    }
}

/// Which sign-in a row belongs to: a citizen's callback cannot finish a staff sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcFlow {
    /// Citizens to the e-service (e-legitimation).
    Citizen,
    /// Staff to the admin pages (the organisation's provider).
    Staff,
}

impl OidcFlow {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Staff => "staff",
        }
    }
}

/// Where to send the browser, and the key for its cookie.
#[derive(Debug)]
pub struct StartedSignIn {
    /// Goes into a short-lived cookie; the store has only its hash.
    pub cookie: Secret,
    /// The provider's authorization URL.
    pub location: String,
}

/// The query of the provider's redirect back to flode.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` sent.
    pub state: Option<String>,
    /// An OAuth error code instead of a code (the person cancelled, …).
    pub error: Option<String>,
    /// RFC 9207: the issuer that answers, when the provider says.
    pub iss: Option<String>,
}

/// A finished sign-in.
#[derive(Debug)]
pub struct CompletedSignIn {
    /// The validated ID token.
    pub id_token: IdToken,
    /// Where the person was going (as given to [`OidcSignIn::start`]).
    pub return_to: String,
}

/// One flow's sign-in over a provider and the store; cheap to clone.
#[derive(Debug, Clone)]
pub struct OidcSignIn {
    client: OidcClient,
    store: Store,
    flow: OidcFlow,
}

impl OidcSignIn {
    /// Sign-ins of `flow` at `client`'s provider, kept in `store` between the two steps.
    pub fn new(client: OidcClient, store: Store, flow: OidcFlow) -> Self {
        Self {
            client,
            store,
            flow,
        }
    }

    /// The provider's client.
    pub fn client(&self) -> &OidcClient {
        &self.client
    }

    /// Starts a sign-in: `return_to` is kept for after it (the caller checks that it is a
    /// path on this site).
    pub async fn start(&self, return_to: &str, now: i64) -> Result<StartedSignIn, OidcError> {
        let request = AuthRequest::new()?;
        // Discovery first: when the provider is down, nothing is stored.
        let location = self.client.authorization_url(&request).await?;
        let cookie = Secret::session_id().map_err(|e| OidcError::Crypto(e.to_string()))?;
        self.store
            .create_oidc_login(
                &OidcLoginRecord {
                    id_hash: cookie.hash(),
                    flow: self.flow.as_str().into(),
                    state: request.state,
                    nonce: request.nonce,
                    pkce_verifier: request.pkce_verifier,
                    return_to: return_to.to_owned(),
                    created_at: now,
                    expires_at: now + LOGIN_TTL_MS,
                },
                now,
            )
            .await?;
        Ok(StartedSignIn { cookie, location })
    }

    /// Finishes a sign-in: the browser's `cookie` and the provider's `callback`. The sign-in
    /// in progress is used up whatever the outcome.
    pub async fn finish(
        &self,
        cookie: Option<&str>,
        callback: &Callback,
        now: i64,
    ) -> Result<CompletedSignIn, OidcError> {
        let Some(cookie) = cookie else {
            return Err(OidcError::UnknownAttempt);
        };
        let login = self
            .store
            .take_oidc_login(&secret::hash(cookie), now)
            .await?
            .filter(|l| l.flow == self.flow.as_str())
            .ok_or(OidcError::UnknownAttempt)?;
        if !callback
            .state
            .as_deref()
            .is_some_and(|s| same(s, &login.state))
        {
            return Err(OidcError::StateMismatch);
        }
        if callback
            .iss
            .as_deref()
            .is_some_and(|iss| iss != self.client.issuer())
        {
            return Err(OidcError::StateMismatch);
        }
        if let Some(error) = &callback.error {
            return Err(OidcError::Cancelled(error.chars().take(64).collect()));
        }
        let code = callback
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OidcError::Provider("the callback has neither code nor error".into()))?;
        let request = AuthRequest {
            state: login.state,
            nonce: login.nonce,
            pkce_verifier: login.pkce_verifier,
        };
        let id_token = self.client.exchange(code, &request, now).await?;
        Ok(CompletedSignIn {
            id_token,
            return_to: login.return_to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_as_in_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let r = AuthRequest::new().expect("random");
        assert_eq!(r.pkce_verifier.len(), 64);
        assert_ne!(r.state, r.nonce);
        assert_eq!(format!("{r:?}"), "AuthRequest(***)");
    }

    #[test]
    fn settings_are_checked() {
        let config = OidcConfig {
            issuer: "https://idp.example.se".into(),
            client_id: "flode".into(),
            client_secret: "hemligt".into(),
            redirect_uri: "https://flode.example.se/e-tjanst/oidc/callback".into(),
            scopes: vec!["profile".into()],
            acr_values: Vec::new(),
        };
        assert!(OidcClient::new(config.clone()).is_ok());
        assert!(!format!("{config:?}").contains("hemligt"));
        for issuer in ["http://idp.example.se", "idp.example.se", "ftp://idp"] {
            let bad = OidcConfig {
                issuer: issuer.into(),
                ..config.clone()
            };
            assert!(
                matches!(OidcClient::new(bad), Err(OidcError::Config(_))),
                "{issuer}"
            );
        }
        let local = OidcConfig {
            issuer: "http://127.0.0.1:4000/idp".into(),
            ..config.clone()
        };
        assert!(OidcClient::new(local).is_ok());
        let no_secret = OidcConfig {
            client_secret: String::new(),
            ..config
        };
        assert!(OidcClient::new(no_secret).is_err());
    }

    #[test]
    fn form_encoding_and_comparison() {
        assert_eq!(form_encode("a b:c/ö~"), "a%20b%3Ac%2F%C3%B6~");
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
