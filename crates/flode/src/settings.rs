//! Settings: built-in defaults, then a TOML file, then `FLODE_*` environment variables,
//! then command-line flags (later wins).

use std::path::Path;

use anyhow::Context;
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
}

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
