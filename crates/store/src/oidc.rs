//! Sign-ins through OpenID Connect on their way to the identity provider and back
//! (migration `0007_oidc_logins.sql`). `flode-security` makes the values and keeps the
//! SHA-256 of the browser's key only; a row is used once.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Error, Store};

/// A sign-in waiting for the identity provider's callback.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcLoginRecord {
    /// Hex SHA-256 of the random key in the browser's cookie.
    pub id_hash: String,
    /// `citizen` or `staff`: a callback of one flow cannot use the other's row.
    pub flow: String,
    /// The `state` sent to the provider, to match in the callback.
    pub state: String,
    /// The `nonce` sent to the provider, to match in the ID token.
    pub nonce: String,
    /// The PKCE code verifier, sent with the code to the token endpoint.
    pub pkce_verifier: String,
    /// Path on this site to go to after signing in.
    pub return_to: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms; a later callback is refused.
    pub expires_at: i64,
}

impl std::fmt::Debug for OidcLoginRecord {
    // The values are one-time secrets of a sign-in in progress: never in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcLoginRecord")
            .field("flow", &self.flow)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str =
    "id_hash, flow, state, nonce, pkce_verifier, return_to, created_at, expires_at";

fn decode(row: &AnyRow) -> Result<OidcLoginRecord, Error> {
    Ok(OidcLoginRecord {
        id_hash: row.try_get("id_hash")?,
        flow: row.try_get("flow")?,
        state: row.try_get("state")?,
        nonce: row.try_get("nonce")?,
        pkce_verifier: row.try_get("pkce_verifier")?,
        return_to: row.try_get("return_to")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

impl Store {
    /// Stores a sign-in in progress, and deletes those that expired before `now` (sign-ins
    /// abandoned at the provider leave rows behind; starting one is the natural moment).
    pub async fn create_oidc_login(&self, login: &OidcLoginRecord, now: i64) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM oidc_logins WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let sql =
            format!("INSERT INTO oidc_logins ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(login.id_hash.clone())
            .bind(login.flow.clone())
            .bind(login.state.clone())
            .bind(login.nonce.clone())
            .bind(login.pkce_verifier.clone())
            .bind(login.return_to.clone())
            .bind(login.created_at)
            .bind(login.expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes (deletes and returns) the sign-in with this key hash, if it exists and has
    /// not expired at `now`. One statement, so two callbacks with the same cookie (a
    /// replay, or two nodes) cannot both get it.
    pub async fn take_oidc_login(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<OidcLoginRecord>, Error> {
        let sql = format!("DELETE FROM oidc_logins WHERE id_hash = $1 RETURNING {COLUMNS}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id_hash.to_owned())
            .fetch_optional(&self.writer)
            .await?;
        Ok(row
            .as_ref()
            .map(decode)
            .transpose()?
            .filter(|login| login.expires_at > now))
    }
}
