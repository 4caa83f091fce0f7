//! `flode robot`: the robots' credential vault from the command line (docs/robots.md,
//! "Credential vault"). A new vault key; a robot account's password set (read from
//! standard input, never an argument), listed (never the password) and re-encrypted under
//! a new key. The key comes from `FLODE_VAULT_KEY` or `FLODE_VAULT_KEY_FILE`.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use clap::Subcommand;
use flode_robots::vault::{self, Vault, VaultKey};
use flode_store::{Store, StoreOptions};

use crate::cli::DbArgs;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum RobotCommand {
    /// Print a new random vault key (256 bits, base64) on stdout. Store it in a file only
    /// its owner can read (chmod 600) and name that file in FLODE_VAULT_KEY_FILE, or put the
    /// key itself in FLODE_VAULT_KEY.
    VaultKey,
    /// The robot accounts' passwords in the vault (encrypted with the vault key from
    /// FLODE_VAULT_KEY or FLODE_VAULT_KEY_FILE).
    #[command(subcommand)]
    Credential(CredentialCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum CredentialCommand {
    /// Store a robot account's password, read from the first line of standard input; a
    /// password the account already had is retired (rotation).
    Set {
        #[command(flatten)]
        db: DbArgs,
        /// The legacy system, e.g. simifo.
        #[arg(long)]
        target: String,
        /// The account's username in that system.
        #[arg(long)]
        username: String,
    },
    /// List the accounts in use: target, username, the id of the key the password is
    /// encrypted with, and when it was set. Never the password; needs no key.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Re-encrypt every account encrypted with the old key (a file holding it) with the
    /// vault key from FLODE_VAULT_KEY or FLODE_VAULT_KEY_FILE.
    Rekey {
        #[command(flatten)]
        db: DbArgs,
        /// A file holding the old key as base64 (mode 600).
        #[arg(long)]
        old_key_file: PathBuf,
    },
}

pub(crate) async fn run(command: RobotCommand) -> anyhow::Result<ExitCode> {
    match command {
        RobotCommand::VaultKey => vault_key(),
        RobotCommand::Credential(CredentialCommand::Set {
            db,
            target,
            username,
        }) => set(&db, &target, &username).await,
        RobotCommand::Credential(CredentialCommand::List { db }) => list(&db).await,
        RobotCommand::Credential(CredentialCommand::Rekey { db, old_key_file }) => {
            rekey(&db, &old_key_file).await
        }
    }
}

fn vault_key() -> anyhow::Result<ExitCode> {
    let (key, text) = VaultKey::generate().context("generating a vault key")?;
    eprintln!(
        "new vault key {} (shown once). Store it in a file that only the user flode runs as \
         can read (mode 600) and name the file in FLODE_VAULT_KEY_FILE, e.g.\n  \
         umask 077; flode robot vault-key > /etc/flode/vault.key\n  \
         export FLODE_VAULT_KEY_FILE=/etc/flode/vault.key\n\
         or put the key itself in FLODE_VAULT_KEY. Without it no password in the vault can be read.",
        key.id()
    );
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn key_from_env() -> anyhow::Result<VaultKey> {
    VaultKey::from_env().context("reading the vault key")
}

async fn store(db: &DbArgs) -> anyhow::Result<Store> {
    let settings = Settings::load(db, None)?;
    let store = Store::connect(&StoreOptions::new(&settings.database))
        .await
        .with_context(|| format!("connecting to {}", flode_store::redact(&settings.database)))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

async fn set(db: &DbArgs, target: &str, username: &str) -> anyhow::Result<ExitCode> {
    let key = key_from_env()?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "reading the password of {username} for {target} from standard input (one line); \
             it shows as you type: prefer piping it in"
        );
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        anyhow::bail!("no password on standard input: give it as the first line");
    }
    let store = store(db).await?;
    let vault = Vault::new(store.clone(), key);
    let result = vault
        .set(target, username, password, now())
        .await
        .with_context(|| format!("storing the password of {username} for {target}"));
    store.close().await;
    result?;
    println!(
        "stored the password of {username} for {target} (key {}); a previous password, if any, is retired",
        vault.key_id()
    );
    Ok(ExitCode::SUCCESS)
}

async fn list(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let store = store(db).await?;
    let rows = vault::list(&store).await;
    store.close().await;
    let rows = rows.context("listing the vault")?;
    let width = |f: fn(&vault::CredentialInfo) -> usize, title: &str| {
        rows.iter().map(f).chain([title.len()]).max().unwrap_or(0)
    };
    let t = width(|r| r.target.chars().count(), "TARGET");
    let u = width(|r| r.username.chars().count(), "USERNAME");
    println!("{:t$}  {:u$}  {:16}  CREATED", "TARGET", "USERNAME", "KEY");
    for r in &rows {
        println!(
            "{:t$}  {:u$}  {:16}  {}",
            r.target,
            r.username,
            r.key_id,
            created(r.created_at)
        );
    }
    // Which rows the configured key opens, when there is one (listing needs none).
    if let Ok(key) = VaultKey::from_env() {
        let other = rows.iter().filter(|r| r.key_id != key.id()).count();
        eprintln!("this vault's key is {}", key.id());
        if other > 0 {
            eprintln!(
                "{other} of {} under another key: `flode robot credential rekey`",
                rows.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn created(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.replace_nanosecond(0)
                .ok()?
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

async fn rekey(db: &DbArgs, old_key_file: &Path) -> anyhow::Result<ExitCode> {
    let old = VaultKey::from_file(old_key_file)
        .with_context(|| format!("reading the old key from {}", old_key_file.display()))?;
    let key = key_from_env().context("the new key")?;
    if old.id() == key.id() {
        anyhow::bail!(
            "the old key and the vault key are the same key ({}): nothing to re-encrypt",
            key.id()
        );
    }
    let store = store(db).await?;
    let vault = Vault::new(store.clone(), key);
    let changed = vault.rekey(&old, now()).await;
    let rows = vault::list(&store).await;
    store.close().await;
    let changed = changed.context("re-encrypting the vault")?;
    println!(
        "re-encrypted {changed} credential(s) from key {} to key {}",
        old.id(),
        vault.key_id()
    );
    let other = rows
        .context("listing the vault")?
        .into_iter()
        .filter(|r| r.key_id != vault.key_id())
        .count();
    if other > 0 {
        eprintln!("{other} credential(s) are under yet another key and were left as they are");
    }
    Ok(ExitCode::SUCCESS)
}
