//! Settings: built-in defaults, then a TOML file, then `FLODE_*` environment variables,
//! then command-line flags (later wins).

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::cli::{DbArgs, ServeArgs};

/// Everything `flode serve` needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database: "sqlite://flode.db".into(),
            bind: "127.0.0.1:8080".into(),
            demo: true,
            log_json: false,
            node_name: format!("flode-{}", std::process::id()),
            max_connections: 16,
            secure_cookies: false,
            session_idle_minutes: 30,
            session_max_hours: 10,
        }
    }
}

impl Settings {
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
        builder = builder.add_source(config::Environment::with_prefix("FLODE").try_parsing(true));
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
        Ok(settings)
    }
}
