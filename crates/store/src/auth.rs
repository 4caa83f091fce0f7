//! Staff accounts, sessions, API tokens and the audit log of sign-ins (migration
//! `0004_staff_auth.sql`).
//!
//! The store keeps only hashes: a password's argon2id PHC string, and the SHA-256 of session
//! ids and API tokens (computed by `flode-security`, which owns every secret). Each write is
//! one transaction, and writes that are audited insert their [`AuditEvent`] in it.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::reads::Read as _;
use crate::{Error, Store};

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUserRecord {
    /// Stable id.
    pub id: String,
    /// Sign-in name, lower case, unique.
    pub username: String,
    /// Name shown in the header.
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Role names.
    pub roles: Vec<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Set when the account may no longer sign in.
    pub disabled_at: Option<i64>,
}

/// A server-side session; the client holds the id, the store its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionRecord {
    /// Hex SHA-256 of the session id.
    pub id_hash: String,
    /// The account.
    pub user_id: String,
    /// Unix ms.
    pub created_at: i64,
    /// Last request seen (updated at most about once a minute).
    pub last_seen_at: i64,
    /// Absolute end, Unix ms.
    pub expires_at: i64,
    /// When it was ended by logging out.
    pub ended_at: Option<i64>,
}

/// An API token of a service account; the client holds the token, the store its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    /// Stable id.
    pub id: String,
    /// Unique name, e.g. the worker it belongs to.
    pub name: String,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Role names.
    pub roles: Vec<String>,
    /// Username of the admin who created it, or `cli`.
    pub created_by: String,
    /// Unix ms.
    pub created_at: i64,
    /// Set once revoked; a revoked token is refused.
    pub revoked_at: Option<i64>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// UUIDv7.
    pub id: String,
    /// Unix ms.
    pub at: i64,
    /// What happened, e.g. `login_failed`.
    pub kind: String,
    /// Username or token name; `None` when not known (an unknown username is not stored).
    pub actor: Option<String>,
    /// The client's address, when known.
    pub client_ip: Option<String>,
    /// More facts as a JSON object; never a secret.
    pub detail: serde_json::Value,
}

const USER_COLUMNS: &str =
    "id, username, display_name, password_hash, roles, created_at, disabled_at";
const TOKEN_COLUMNS: &str = "id, name, token_hash, roles, created_by, created_at, revoked_at";

fn roles_json(roles: &[String]) -> String {
    serde_json::Value::from(roles.to_vec()).to_string()
}

fn decode_roles(text: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(text).map_err(|source| Error::Corrupt {
        what: "roles",
        source,
    })
}

fn decode_user(row: &AnyRow) -> Result<StaffUserRecord, Error> {
    Ok(StaffUserRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        roles: decode_roles(&row.try_get::<String, _>("roles")?)?,
        created_at: row.try_get("created_at")?,
        disabled_at: row.try_get("disabled_at")?,
    })
}

fn decode_token(row: &AnyRow) -> Result<ApiTokenRecord, Error> {
    Ok(ApiTokenRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        token_hash: row.try_get("token_hash")?,
        roles: decode_roles(&row.try_get::<String, _>("roles")?)?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn decode_audit(row: &AnyRow) -> Result<AuditEvent, Error> {
    let detail: String = row.try_get("detail")?;
    Ok(AuditEvent {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        kind: row.try_get("kind")?,
        actor: row.try_get("actor")?,
        client_ip: row.try_get("client_ip")?,
        detail: serde_json::from_str(&detail).map_err(|source| Error::Corrupt {
            what: "audit_events.detail",
            source,
        })?,
    })
}

/// A unique-constraint violation, on either backend.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation
                || db.message().contains("UNIQUE constraint failed")
                || db.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}

async fn insert_audit(tx: &mut Transaction<'static, Any>, event: &AuditEvent) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO audit_events (id, at, kind, actor, client_ip, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(event.id.clone())
    .bind(event.at)
    .bind(event.kind.clone())
    .bind(event.actor.clone())
    .bind(event.client_ip.clone())
    .bind(event.detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// A write transaction for this module (the same locking as [`Store::begin`]).
    /// Runs `insert` and records `audit` in one transaction; a unique violation (a taken
    /// name) is a `Conflict` with `taken`'s message, and nothing is written.
    async fn insert_audited(
        &self,
        insert: sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>,
        audit: &AuditEvent,
        taken: impl FnOnce() -> String,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        match insert.execute(&mut *tx).await {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(Error::Conflict(taken())),
            Err(e) => return Err(e.into()),
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a staff account; [`Error::Conflict`] if the username is taken.
    pub async fn create_staff_user(
        &self,
        user: &StaffUserRecord,
        audit: &AuditEvent,
    ) -> Result<(), Error> {
        let insert = sqlx::query(
            "INSERT INTO staff_users (id, username, display_name, password_hash, roles, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(user.id.clone())
        .bind(user.username.clone())
        .bind(user.display_name.clone())
        .bind(user.password_hash.clone())
        .bind(roles_json(&user.roles))
        .bind(user.created_at)
        .bind(user.disabled_at);
        self.insert_audited(insert, audit, || {
            format!("the username {:?} is taken", user.username)
        })
        .await
    }

    /// The account with this (lower-case) username, if any.
    pub async fn staff_user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<StaffUserRecord>, Error> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users WHERE username = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.to_owned())
            .read_optional(self.reads())
            .await?
            .as_ref()
            .map(decode_user)
            .transpose()
    }

    /// Every account, by username.
    pub async fn staff_users(&self) -> Result<Vec<StaffUserRecord>, Error> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users ORDER BY username");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_user)
            .collect()
    }

    /// Stores a new session and the audit line of the sign-in, together.
    pub async fn create_staff_session(
        &self,
        session: &StaffSessionRecord,
        audit: &AuditEvent,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO staff_sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(session.id_hash.clone())
        .bind(session.user_id.clone())
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .bind(session.ended_at)
        .execute(&mut *tx)
        .await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A session by the hash of its id, with its account; ended and expired sessions are
    /// returned too (the caller decides, and can tell why).
    pub async fn staff_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<(StaffSessionRecord, StaffUserRecord)>, Error> {
        let sql = format!(
            "SELECT s.id_hash, s.user_id, s.created_at AS s_created_at, s.last_seen_at, s.expires_at, s.ended_at, {} \
             FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.id_hash = $1",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id_hash.to_owned())
            .read_optional(self.reads())
            .await?
        else {
            return Ok(None);
        };
        let session = StaffSessionRecord {
            id_hash: row.try_get("id_hash")?,
            user_id: row.try_get("user_id")?,
            created_at: row.try_get("s_created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            expires_at: row.try_get("expires_at")?,
            ended_at: row.try_get("ended_at")?,
        };
        Ok(Some((session, decode_user(&row)?)))
    }

    /// Records activity on a live session (for the idle timeout).
    pub async fn touch_staff_session(&self, id_hash: &str, now: i64) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE staff_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND ended_at IS NULL AND last_seen_at < $2",
        )
        .bind(id_hash.to_owned())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a session (logout) and records the audit line; `false` if it was not live.
    pub async fn end_staff_session(
        &self,
        id_hash: &str,
        now: i64,
        audit: &AuditEvent,
    ) -> Result<bool, Error> {
        let mut tx = self.begin_write().await?;
        let ended = sqlx::query(
            "UPDATE staff_sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL",
        )
        .bind(id_hash.to_owned())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if ended {
            insert_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// Deletes sessions that ended or expired before `before`; returns how many.
    pub async fn delete_old_staff_sessions(&self, before: i64) -> Result<u64, Error> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "DELETE FROM staff_sessions WHERE expires_at < $1 OR ended_at < $1 OR last_seen_at < $1",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    /// Stores an API token; [`Error::Conflict`] if the name is taken.
    pub async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        audit: &AuditEvent,
    ) -> Result<(), Error> {
        let insert = sqlx::query(
            "INSERT INTO api_tokens (id, name, token_hash, roles, created_by, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token.id.clone())
        .bind(token.name.clone())
        .bind(token.token_hash.clone())
        .bind(roles_json(&token.roles))
        .bind(token.created_by.clone())
        .bind(token.created_at)
        .bind(token.revoked_at);
        self.insert_audited(insert, audit, || {
            format!("a token named {:?} exists", token.name)
        })
        .await
    }

    /// The token with this hash, revoked or not.
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiTokenRecord>, Error> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash.to_owned())
            .read_optional(self.reads())
            .await?
            .as_ref()
            .map(decode_token)
            .transpose()
    }

    /// Every token (hashes included; they are useless to an attacker), by name.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>, Error> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY name");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_token)
            .collect()
    }

    /// Revokes the token with this name; `false` if there is no live token of that name.
    pub async fn revoke_api_token(
        &self,
        name: &str,
        now: i64,
        audit: &AuditEvent,
    ) -> Result<bool, Error> {
        let mut tx = self.begin_write().await?;
        let revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
        )
        .bind(name.to_owned())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if revoked {
            insert_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(revoked)
    }

    /// Appends one audit line on its own (a failed or refused sign-in).
    pub async fn record_audit_event(&self, event: &AuditEvent) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        insert_audit(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest audit lines, newest first.
    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, Error> {
        sqlx::query(
            "SELECT id, at, kind, actor, client_ip, detail FROM audit_events ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_audit)
        .collect()
    }
}
