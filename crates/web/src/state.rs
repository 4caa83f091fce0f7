//! What every handler shares.

use std::sync::Arc;
use std::time::Duration;

use flode_casework::{Casework, CaseworkOptions};
use flode_engine::Engine;
use flode_security::citizen::DEFAULT_PERSONNUMMER_CLAIM;
use flode_security::service::DEFAULT_USERNAME_CLAIM;
use flode_security::{
    Auth, AuthOptions, CitizenAuth, OidcClient, OidcFlow, OidcSignIn, TestPerson,
};
use metrics_exporter_prometheus::PrometheusHandle;

/// Shared state of the web layer; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The process engine (and through it the store).
    pub engine: Engine,
    /// Renders the process's metrics at `/metrics`; `None` shows only the store gauges.
    pub metrics: Option<PrometheusHandle>,
    /// Sign-in, sessions and API tokens (over the engine's store).
    pub auth: Auth,
    /// Limits and cookie settings.
    /// Shared, not copied: axum clones the state for every request.
    pub config: Arc<WebConfig>,
    /// Applications and cases of ekonomiskt bistånd.
    pub casework: Casework,
    /// Citizens' sign-in to the e-service.
    pub citizens: CitizenAuth,
    /// Citizens' sign-in with e-legitimation through OpenID Connect, when configured.
    pub citizen_oidc: Option<OidcSignIn>,
    /// Staff sign-in through the organisation's OpenID Connect provider, when configured.
    pub staff_oidc: Option<OidcSignIn>,
}

impl AppState {
    /// State with default limits and no metrics recorder.
    pub fn new(engine: Engine) -> Self {
        Self {
            auth: Auth::new(engine.store().clone(), AuthOptions::default()),
            casework: Casework::new(engine.clone(), CaseworkOptions::default()),
            citizens: CitizenAuth::new(engine.store().clone()),
            citizen_oidc: None,
            staff_oidc: None,
            engine,
            metrics: None,
            config: Arc::new(WebConfig::default()),
        }
    }

    /// Adds the Prometheus handle whose output `/metrics` serves.
    pub fn with_metrics(mut self, handle: PrometheusHandle) -> Self {
        self.metrics = Some(handle);
        self
    }

    /// Replaces the sign-in settings (session lifetimes, lockout limits).
    pub fn with_auth_options(mut self, options: AuthOptions) -> Self {
        self.auth = Auth::new(self.engine.store().clone(), options);
        self
    }

    /// Replaces the case service's settings (process, case numbers, delegation, deadline).
    pub fn with_casework(mut self, options: CaseworkOptions) -> Self {
        self.casework = Casework::new(self.engine.clone(), options);
        self
    }

    /// Lets citizens sign in through `client`'s provider (`/e-tjanst/oidc/start`).
    pub fn with_citizen_oidc(mut self, client: OidcClient) -> Self {
        self.citizen_oidc = Some(OidcSignIn::new(
            client,
            self.engine.store().clone(),
            OidcFlow::Citizen,
        ));
        self
    }

    /// Lets staff sign in through `client`'s provider (`/logga-in/oidc/start`).
    pub fn with_staff_oidc(mut self, client: OidcClient) -> Self {
        self.staff_oidc = Some(OidcSignIn::new(
            client,
            self.engine.store().clone(),
            OidcFlow::Staff,
        ));
        self
    }

    /// Replaces the limits and cookie settings.
    pub fn with_config(mut self, config: WebConfig) -> Self {
        self.config = Arc::new(config);
        self
    }
}

/// Limits and cookie settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest request body, in bytes (models can be large).
    pub max_body_bytes: usize,
    /// Longest a job activation may wait for work (`requestTimeoutMs` is capped to it).
    pub max_long_poll: Duration,
    /// Mark the session cookie `Secure` (and name it `__Host-flode_session`): set it
    /// whenever flode is reached over HTTPS.
    pub secure_cookies: bool,
    /// The people the built-in test identity provider offers at `/e-tjanst/logga-in`;
    /// empty turns it off (production, where citizens sign in through a real provider).
    pub test_people: Vec<TestPerson>,
    /// The ID token claim with a citizen's personnummer (citizen OpenID Connect).
    pub citizen_personnummer_claim: String,
    /// The ID token claim with a staff member's flode username (staff OpenID Connect).
    pub staff_username_claim: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 10 * 1024 * 1024,
            max_long_poll: Duration::from_secs(30),
            secure_cookies: false,
            test_people: Vec::new(),
            citizen_personnummer_claim: DEFAULT_PERSONNUMMER_CLAIM.to_owned(),
            staff_username_claim: DEFAULT_USERNAME_CLAIM.to_owned(),
        }
    }
}
