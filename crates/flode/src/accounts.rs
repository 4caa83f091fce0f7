//! `flode user add` and `flode token add|revoke`: staff accounts and API tokens, written
//! straight to the database (migrated first), so an operator can create the first admin
//! before any server runs.

use std::io::BufRead as _;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use flode_security::{Auth, AuthOptions, LimiterConfig, NewUser, Roles, Secret, SessionPolicy};
use flode_store::{Store, StoreOptions};

use crate::settings::Settings;

/// Session lifetimes and lockout limits from the settings.
pub(crate) fn auth_options(settings: &Settings) -> AuthOptions {
    AuthOptions {
        sessions: SessionPolicy {
            idle_ms: i64::from(settings.session_idle_minutes.max(1)) * 60_000,
            absolute_ms: i64::from(settings.session_max_hours.max(1)) * 3_600_000,
            ..SessionPolicy::default()
        },
        limiter: LimiterConfig::default(),
    }
}

async fn auth(settings: &Settings) -> anyhow::Result<Auth> {
    let store = Store::connect(&StoreOptions::new(&settings.database)).await?;
    store.migrate().await?;
    Ok(Auth::new(store, auth_options(settings)))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn roles(names: &[String]) -> anyhow::Result<Roles> {
    Ok(Roles::parse(names)?)
}

/// `flode user add`.
pub(crate) async fn add_user(
    settings: &Settings,
    username: &str,
    display_name: Option<String>,
    role_names: &[String],
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let roles = roles(role_names)?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        // 20 hex digits (80 random bits), shown once below.
        let secret = Secret::session_id()?;
        (secret.expose()[..20].to_owned(), true)
    };
    let auth = auth(settings).await?;
    let user = auth
        .add_user(
            NewUser {
                username: username.to_owned(),
                display_name: display_name.unwrap_or_default(),
                password: password.clone(),
                roles,
            },
            "cli",
            now(),
        )
        .await?;
    auth.store().close().await;
    println!(
        "created user {} ({}) with roles {}",
        user.username,
        user.display_name,
        user.roles.join(", ")
    );
    if generated {
        println!("password (shown once): {password}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `flode token add`: prints the token once.
pub(crate) async fn add_token(
    settings: &Settings,
    name: &str,
    role_names: &[String],
) -> anyhow::Result<ExitCode> {
    let roles = roles(role_names)?;
    let auth = auth(settings).await?;
    let (record, token) = auth.add_token(name, roles, "cli", now()).await?;
    auth.store().close().await;
    eprintln!(
        "created API token {:?} with roles {}; it is shown once, store it now:",
        record.name,
        record.roles.join(", ")
    );
    println!("{}", token.expose());
    Ok(ExitCode::SUCCESS)
}

/// `flode token revoke`.
pub(crate) async fn revoke_token(settings: &Settings, name: &str) -> anyhow::Result<ExitCode> {
    let auth = auth(settings).await?;
    let revoked = auth.revoke_token(name, "cli", now()).await?;
    auth.store().close().await;
    if revoked {
        println!("revoked API token {name:?}");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("no live API token named {name:?}");
        Ok(ExitCode::FAILURE)
    }
}
