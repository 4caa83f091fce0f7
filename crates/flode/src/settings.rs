//! Settings: built-in defaults, then a TOML file, then `FLODE_*` environment variables,
//! then command-line flags (later wins).

use std::fmt;
use std::path::Path;

use anyhow::Context;
use flode_security::OidcConfig;
use serde::Deserialize;

use crate::cli::{DbArgs, ServeArgs};

/// Which kind of installation this is. Test tools (the test identity provider, the embedded
/// SSBTEK simulator, demo accounts) answer synthetic people only and are refused in
/// production, where a real identity provider and SSBTEK endpoint must be configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Environment {
    /// Development, test and demo installations (the default).
    #[default]
    Test,
    /// Real casework.
    Production,
}

/// A secret setting (an OIDC client secret): `Debug` never shows it.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub(crate) struct SecretSetting(pub(crate) String);

impl fmt::Debug for SecretSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Everything `flode serve` needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    /// `test` or `production`.
    pub(crate) environment: Environment,
    /// Database URL.
    pub(crate) database: String,
    /// Listen address.
    pub(crate) bind: String,
    /// Deploy the demo process at start.
    pub(crate) demo: bool,
    /// JSON logs.
    pub(crate) log_json: bool,
    /// Name of this node (lease owner).
    pub(crate) node_name: String,
    /// Connection pool size.
    pub(crate) max_connections: u32,
    /// Mark the session cookie `Secure` (set when flode is reached over HTTPS).
    pub(crate) secure_cookies: bool,
    /// A session ends after this many minutes without a request.
    pub(crate) session_idle_minutes: u32,
    /// A session ends this many hours after sign-in, however active.
    pub(crate) session_max_hours: u32,
    /// SSBTEK's SOAP endpoint; none in `test` starts the embedded simulator.
    pub(crate) ssbtek_endpoint: Option<String>,
    /// The kommun's organisationsnummer as SSBTEK's ingivare (12 digits, `16` prefix).
    pub(crate) ssbtek_org: String,
    /// The provision SSBTEK questions cite, from the current SSBTEK agreement; required with
    /// an endpoint (the simulator gets a test text).
    pub(crate) ssbtek_lagtext: Option<String>,
    /// The deciding authority as printed on decision letters.
    pub(crate) authority_name: String,
    /// Its postal address, one line each (appeals are sent there).
    pub(crate) authority_address: Vec<String>,
    /// How citizens reach the social services with questions, as printed on letters.
    pub(crate) authority_contact: String,
    /// The external base URL people reach flode at (OIDC redirect URIs are built from it);
    /// `http://{bind}` when unset.
    pub(crate) public_url: Option<String>,
    /// Citizens' OpenID Connect provider (e-legitimation): issuer URL, client id, secret.
    pub(crate) citizen_oidc_issuer: Option<String>,
    pub(crate) citizen_oidc_client_id: Option<String>,
    pub(crate) citizen_oidc_client_secret: Option<SecretSetting>,
    /// The ID token claim with the personnummer.
    pub(crate) citizen_oidc_personnummer_claim: String,
    /// Scopes besides `openid`, separated by spaces.
    pub(crate) citizen_oidc_scopes: String,
    /// Accepted assurance levels (`acr`), separated by spaces; empty accepts any.
    pub(crate) citizen_oidc_acr: String,
    /// Staff's OpenID Connect provider: issuer URL, client id, secret.
    pub(crate) staff_oidc_issuer: Option<String>,
    pub(crate) staff_oidc_client_id: Option<String>,
    pub(crate) staff_oidc_client_secret: Option<SecretSetting>,
    /// The ID token claim that names the flode account.
    pub(crate) staff_oidc_username_claim: String,
    /// Scopes besides `openid`, separated by spaces.
    pub(crate) staff_oidc_scopes: String,
    /// Accepted assurance levels (`acr`), separated by spaces; empty accepts any.
    pub(crate) staff_oidc_acr: String,
    /// Software robots on this node, each with its own headless Chromium; 0: none.
    pub(crate) robots: u32,
    /// The robot pool this node's robots belong to, and their tags (comma-separated).
    pub(crate) robot_pool: String,
    pub(crate) robot_tags: String,
    /// The legacy systems robots work in (`[[robot_targets]]` in flode.toml). None in the
    /// test environment: the embedded SimIFO.
    pub(crate) robot_targets: Vec<RobotTargetSetting>,
    /// UI version of the embedded SimIFO: `v1` (Procapita-like) or `v2` (Lifecare-like).
    pub(crate) robot_demo_ui: String,
    /// Days the redacted screenshots and HTML of robot runs are kept.
    pub(crate) robot_evidence_days: u32,
    /// `riksnorm-YYYY.dmn` files besides the shipped years (a new year's norm).
    pub(crate) norms_dir: Option<std::path::PathBuf>,
}

/// A legacy system robots work in.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub(crate) struct RobotTargetSetting {
    pub(crate) name: String,
    /// Its base URL; scripts' paths are relative to it.
    pub(crate) url: String,
    /// The directory of its UI version's scripts (`robots/simifo/v2`, say).
    pub(crate) scripts: std::path::PathBuf,
    /// Robots working in it at once, over all nodes (its licences).
    pub(crate) seats: i64,
    /// Tags a robot must have to work in it.
    #[serde(default)]
    pub(crate) requires: Vec<String>,
}

/// Where each provider sends people back, under [`Settings::public_url`].
pub(crate) const CITIZEN_OIDC_CALLBACK: &str = "/e-tjanst/oidc/callback";
pub(crate) const STAFF_OIDC_CALLBACK: &str = "/logga-in/oidc/callback";

impl Default for Settings {
    fn default() -> Self {
        let authority = flode_casework::Authority::default();
        Self {
            environment: Environment::Test,
            database: "sqlite://flode.db".into(),
            bind: "127.0.0.1:8080".into(),
            demo: true,
            log_json: false,
            node_name: format!("flode-{}", std::process::id()),
            max_connections: 16,
            secure_cookies: false,
            session_idle_minutes: 30,
            session_max_hours: 10,
            ssbtek_endpoint: None,
            ssbtek_org: "162120000217".into(),
            ssbtek_lagtext: None,
            authority_name: authority.name,
            authority_address: authority.address,
            authority_contact: authority.contact,
            public_url: None,
            citizen_oidc_issuer: None,
            citizen_oidc_client_id: None,
            citizen_oidc_client_secret: None,
            citizen_oidc_personnummer_claim: flode_security::citizen::DEFAULT_PERSONNUMMER_CLAIM
                .into(),
            citizen_oidc_scopes: "profile".into(),
            citizen_oidc_acr: String::new(),
            staff_oidc_issuer: None,
            staff_oidc_client_id: None,
            staff_oidc_client_secret: None,
            staff_oidc_username_claim: flode_security::service::DEFAULT_USERNAME_CLAIM.into(),
            staff_oidc_scopes: "profile".into(),
            staff_oidc_acr: String::new(),
            robots: 0,
            robot_pool: "default".into(),
            robot_tags: String::new(),
            robot_targets: Vec::new(),
            robot_demo_ui: "v1".into(),
            robot_evidence_days: 30,
            norms_dir: None,
        }
    }
}

impl Settings {
    /// The deciding authority printed on decision letters.
    pub(crate) fn authority(&self) -> flode_casework::Authority {
        flode_casework::Authority {
            name: self.authority_name.clone(),
            address: self.authority_address.clone(),
            contact: self.authority_contact.clone(),
        }
    }

    /// The external base URL, without a trailing `/`.
    pub(crate) fn public_url(&self) -> String {
        match self.public_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
            _ => format!("http://{}", self.bind),
        }
    }

    /// The citizens' provider, if configured (all of issuer, client id and secret).
    pub(crate) fn citizen_oidc(&self) -> anyhow::Result<Option<OidcConfig>> {
        self.oidc(
            "citizen_oidc",
            [
                self.citizen_oidc_issuer.as_deref(),
                self.citizen_oidc_client_id.as_deref(),
                self.citizen_oidc_client_secret
                    .as_ref()
                    .map(|s| s.0.as_str()),
            ],
            [&self.citizen_oidc_scopes, &self.citizen_oidc_acr],
            CITIZEN_OIDC_CALLBACK,
        )
    }

    /// The staff's provider, if configured (all of issuer, client id and secret).
    pub(crate) fn staff_oidc(&self) -> anyhow::Result<Option<OidcConfig>> {
        self.oidc(
            "staff_oidc",
            [
                self.staff_oidc_issuer.as_deref(),
                self.staff_oidc_client_id.as_deref(),
                self.staff_oidc_client_secret.as_ref().map(|s| s.0.as_str()),
            ],
            [&self.staff_oidc_scopes, &self.staff_oidc_acr],
            STAFF_OIDC_CALLBACK,
        )
    }

    fn oidc(
        &self,
        prefix: &str,
        [issuer, client_id, secret]: [Option<&str>; 3],
        [scopes, acr]: [&str; 2],
        callback: &str,
    ) -> anyhow::Result<Option<OidcConfig>> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        match (given(issuer), given(client_id), given(secret)) {
            (None, None, None) => Ok(None),
            (Some(issuer), Some(client_id), Some(secret)) => Ok(Some(OidcConfig {
                issuer: issuer.to_owned(),
                client_id: client_id.to_owned(),
                client_secret: secret.to_owned(),
                redirect_uri: format!("{}{callback}", self.public_url()),
                scopes: scopes.split_whitespace().map(str::to_owned).collect(),
                acr_values: acr.split_whitespace().map(str::to_owned).collect(),
            })),
            (i, c, _) => {
                let missing = if i.is_none() {
                    "issuer"
                } else if c.is_none() {
                    "client_id"
                } else {
                    "client_secret"
                };
                anyhow::bail!(
                    "{prefix}_issuer, {prefix}_client_id and {prefix}_client_secret go together: {prefix}_{missing} is missing"
                )
            }
        }
    }

    pub(crate) fn load(db: &DbArgs, serve: Option<&ServeArgs>) -> anyhow::Result<Self> {
        let mut builder = config::Config::builder();
        match &db.config {
            Some(path) => {
                builder = builder.add_source(config::File::from(path.as_path()).required(true));
            }
            None if Path::new("flode.toml").exists() => {
                builder = builder.add_source(config::File::with_name("flode.toml"));
            }
            None => {}
        }
        builder = builder.add_source(
            config::Environment::with_prefix("FLODE")
                .try_parsing(true)
                // FLODE_AUTHORITY_ADDRESS="Box 1;100 00 Demostad": address lines hold commas.
                .list_separator(";")
                .with_list_parse_key("authority_address"),
        );
        let mut settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .context("reading settings (flode.toml / FLODE_* variables)")?;
        // try_parsing reads FLODE_…_CLIENT_ID=0123 as the number 123: client ids and secrets
        // are opaque strings, so they are taken from the environment as written.
        let raw = |key: &str| std::env::var(format!("FLODE_{}", key.to_uppercase())).ok();
        for (key, field) in [
            (
                "citizen_oidc_client_id",
                &mut settings.citizen_oidc_client_id,
            ),
            ("staff_oidc_client_id", &mut settings.staff_oidc_client_id),
        ] {
            if let Some(v) = raw(key) {
                *field = Some(v);
            }
        }
        for (key, field) in [
            (
                "citizen_oidc_client_secret",
                &mut settings.citizen_oidc_client_secret,
            ),
            (
                "staff_oidc_client_secret",
                &mut settings.staff_oidc_client_secret,
            ),
        ] {
            if let Some(v) = raw(key) {
                *field = Some(SecretSetting(v));
            }
        }
        if let Some(url) = &db.database {
            settings.database = url.clone();
        }
        if let Some(s) = serve {
            if let Some(bind) = &s.bind {
                settings.bind = bind.clone();
            }
            if let Some(demo) = s.demo {
                settings.demo = demo;
            }
            settings.log_json |= s.log_json;
        }
        if settings.environment == Environment::Production && settings.demo {
            anyhow::bail!(
                "demo = true is refused with environment = \"production\": demo accounts have public passwords; set demo = false"
            );
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oidc_settings_go_together_and_build_the_redirect_uri() {
        let mut s = Settings::default();
        assert!(s.citizen_oidc().expect("none").is_none());
        assert_eq!(s.public_url(), "http://127.0.0.1:8080");
        s.citizen_oidc_issuer = Some("https://idp.example.se".into());
        s.citizen_oidc_client_id = Some("flode".into());
        let e = s.citizen_oidc().expect_err("no secret");
        assert!(
            e.to_string()
                .contains("citizen_oidc_client_secret is missing"),
            "{e}"
        );
        s.citizen_oidc_client_secret = Some(SecretSetting("hemligt".into()));
        s.public_url = Some("https://flode.kommun.se/".into());
        let c = s.citizen_oidc().expect("ok").expect("configured");
        assert_eq!(
            c.redirect_uri,
            "https://flode.kommun.se/e-tjanst/oidc/callback"
        );
        assert_eq!(c.scopes, ["profile"]);
        assert!(!format!("{s:?}").contains("hemligt"));
        s.staff_oidc_client_secret = Some(SecretSetting("x".into()));
        assert!(s.staff_oidc().is_err());
    }
}
