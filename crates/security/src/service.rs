//! [`Auth`]: sign-in, sessions, API tokens and accounts over the store, with an audit line
//! for every sign-in, failed sign-in, refusal and sign-out.

use std::sync::{Arc, OnceLock};

use flode_store::{ApiTokenRecord, AuditEvent, StaffSessionRecord, StaffUserRecord, Store};
use serde_json::json;

use crate::Error;
use crate::limiter::{LimiterConfig, LoginLimiter};
use crate::oidc::IdToken;
use crate::password;
use crate::role::{Role, Roles};
use crate::secret::{self, Secret};
use crate::session::{SessionPolicy, SessionState};

/// The demo accounts `flode serve` creates when `demo = true`: username, password, name,
/// roles. The passwords are public (README): never enable the demo in production.
pub const DEMO_USERS: [(&str, &str, &str, &[Role]); 3] = [
    (
        "handlaggare",
        "demo-handlaggare",
        "Hanna Handläggare",
        &[Role::Socialsekreterare],
    ),
    (
        "forste",
        "demo-forste",
        "Frida Förste",
        &[Role::Socialsekreterare, Role::ForsteSocialsekreterare],
    ),
    ("admin", "demo-admin", "Adam Admin", &[Role::Admin]),
];

/// The ID token claim that names a staff member's flode account by default (OpenID Connect
/// Core's standard claim for a username).
pub const DEFAULT_USERNAME_CLAIM: &str = "preferred_username";

/// Settings of [`Auth`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthOptions {
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// Failed sign-in limits.
    pub limiter: LimiterConfig,
}

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// A person or a service account.
    pub kind: PrincipalKind,
    /// Username or token name (for logs and records).
    pub name: String,
    /// Name to show.
    pub display_name: String,
    /// What they may do.
    pub roles: Roles,
}

/// A person signed in with a session, or a service account with a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A staff member.
    Staff {
        /// Account id.
        user_id: String,
    },
    /// An API token.
    Service {
        /// Token id.
        token_id: String,
    },
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name; stored in lower case.
    pub username: String,
    /// Name shown on pages; the username if empty.
    pub display_name: String,
    /// Checked against the policy, then hashed.
    pub password: String,
    /// At least one.
    pub roles: Roles,
}

/// A successful sign-in: the session id for the cookie, and who signed in.
#[derive(Debug)]
pub struct NewSession {
    /// Goes into the cookie; the store has only its hash.
    pub id: Secret,
    /// The person.
    pub principal: Principal,
}

/// Why a sign-in failed. The person learns only "wrong username or password" or "locked":
/// an unknown username, a wrong password and a disabled account look the same.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown username, wrong password or disabled account.
    #[error("wrong username or password")]
    Invalid,
    /// Too many failures from this username or client; try again after `retry_after_ms`.
    #[error("too many failed sign-ins")]
    Locked {
        /// Milliseconds until the lock ends.
        retry_after_ms: i64,
    },
    /// The store or hashing failed.
    #[error(transparent)]
    Internal(#[from] Error),
}

/// Sign-in and authorisation services; cheap to clone (the limiter is shared).
#[derive(Debug, Clone)]
pub struct Auth {
    store: Store,
    options: AuthOptions,
    limiter: Arc<LoginLimiter>,
}

/// A hash to verify against when the username is unknown, so that the answer takes as long
/// as for a known one.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash("flode-timing-equaliser").unwrap_or_default())
}

/// Usernames: 2–64 characters of a–z, 0–9, `.`, `_`, `-` and `@` (so that an identity
/// provider's `user@kommun.se` can name an account), case-insensitive.
pub fn normalise_username(username: &str) -> Result<String, Error> {
    let u = username.trim().to_lowercase();
    let ok = (2..=64).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if ok {
        Ok(u)
    } else {
        Err(Error::Invalid(
            "a username is 2–64 characters of a-z, 0-9, '.', '_', '-' and '@'".to_owned(),
        ))
    }
}

fn event(
    now: i64,
    kind: &str,
    actor: Option<&str>,
    client: Option<&str>,
    detail: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        id: uuid::Uuid::now_v7().to_string(),
        at: now,
        kind: kind.to_owned(),
        actor: actor.map(str::to_owned),
        client_ip: client.map(str::to_owned),
        detail,
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Crypto(format!("hashing task: {e}")))
}

impl Auth {
    /// Services over `store`.
    pub fn new(store: Store, options: AuthOptions) -> Self {
        Self {
            store,
            limiter: Arc::new(LoginLimiter::new(options.limiter)),
            options,
        }
    }

    /// The settings.
    pub fn options(&self) -> AuthOptions {
        self.options
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Signs a person in: checks the limiter, the password and the account, then starts a
    /// session. Every outcome leaves an audit line; no password ever reaches a log.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<&str>,
        now: i64,
    ) -> Result<NewSession, LoginError> {
        // What was typed need not be a valid username; it is still the limiter's key.
        let typed = username.trim().to_lowercase();
        if let Some(retry_after_ms) = self.limiter.locked(&typed, client, now) {
            let known = self
                .store
                .staff_user_by_username(&typed)
                .await
                .map_err(Error::from)?;
            self.audit(event(
                now,
                "login_locked",
                known.as_ref().map(|u| u.username.as_str()),
                client,
                json!({"retry_after_ms": retry_after_ms}),
            ))
            .await?;
            tracing::warn!(client = client.unwrap_or(""), "sign-in refused: locked");
            return Err(LoginError::Locked { retry_after_ms });
        }
        let user = match normalise_username(&typed) {
            Ok(u) => self
                .store
                .staff_user_by_username(&u)
                .await
                .map_err(Error::from)?,
            Err(_) => None,
        };
        let phc = user
            .as_ref()
            .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
        let password = password.to_owned();
        let matches = blocking(move || password::verify(&password, &phc)).await?;
        let reason = match &user {
            None => Some("unknown_user"),
            Some(_) if !matches => Some("wrong_password"),
            Some(u) if u.disabled_at.is_some() => Some("disabled"),
            Some(_) => None,
        };
        let (Some(user), None) = (user, reason) else {
            self.limiter.failed(&typed, client, now);
            let locked = self.limiter.locked(&typed, client, now);
            // An unknown username is not stored: people type passwords into that field.
            let actor = (reason != Some("unknown_user")).then_some(typed.as_str());
            self.audit(event(
                now,
                "login_failed",
                actor,
                client,
                json!({"reason": reason, "locked": locked.is_some()}),
            ))
            .await?;
            tracing::info!(client = client.unwrap_or(""), reason, "sign-in failed");
            return Err(match locked {
                Some(retry_after_ms) => LoginError::Locked { retry_after_ms },
                None => LoginError::Invalid,
            });
        };
        self.limiter.succeeded(&typed);
        self.start_session(user, client, now, json!({})).await
    }

    /// Signs in a person whom an identity provider has authenticated (`idp`: its issuer):
    /// no password and no limiter, but the same account checks, session and audit lines as
    /// [`Auth::login`]. `username` must name an existing, enabled account: roles stay
    /// managed in flode. Unknown and disabled accounts are refused alike.
    pub async fn login_external(
        &self,
        username: &str,
        idp: &str,
        client: Option<&str>,
        now: i64,
    ) -> Result<NewSession, LoginError> {
        let user = match normalise_username(username) {
            Ok(u) => self
                .store
                .staff_user_by_username(&u)
                .await
                .map_err(Error::from)?,
            Err(_) => None,
        };
        let reason = match &user {
            None => Some("unknown_user"),
            Some(u) if u.disabled_at.is_some() => Some("disabled"),
            Some(_) => None,
        };
        let (Some(user), None) = (user, reason) else {
            // The provider asserted this name (nobody typed a password into it), so it is
            // kept: an administrator needs it to tell who was refused.
            let name = username.trim().to_lowercase();
            self.audit(event(
                now,
                "login_failed",
                Some(name.as_str()).filter(|n| !n.is_empty()),
                client,
                json!({"reason": reason, "method": "oidc", "idp": idp}),
            ))
            .await?;
            tracing::info!(
                client = client.unwrap_or(""),
                reason,
                idp,
                "external sign-in refused"
            );
            return Err(LoginError::Invalid);
        };
        self.start_session(user, client, now, json!({"method": "oidc", "idp": idp}))
            .await
    }

    /// [`Auth::login_external`] with the username from the claim `username_claim` of a
    /// validated ID token; a token without it is refused (and audited) like an unknown user.
    pub async fn login_oidc(
        &self,
        token: &IdToken,
        username_claim: &str,
        client: Option<&str>,
        now: i64,
    ) -> Result<NewSession, LoginError> {
        match token.claim_str(username_claim) {
            Some(username) => {
                self.login_external(username, token.issuer(), client, now)
                    .await
            }
            None => {
                self.audit(event(
                    now,
                    "login_failed",
                    None,
                    client,
                    json!({"reason": "missing_claim", "claim": username_claim, "method": "oidc", "idp": token.issuer()}),
                ))
                .await?;
                tracing::info!(
                    claim = username_claim,
                    "external sign-in refused: no username claim"
                );
                Err(LoginError::Invalid)
            }
        }
    }

    /// Starts a session for a signed-in account, with its `login_succeeded` audit line
    /// (`detail` adds to the roles).
    async fn start_session(
        &self,
        user: StaffUserRecord,
        client: Option<&str>,
        now: i64,
        detail: serde_json::Value,
    ) -> Result<NewSession, LoginError> {
        let roles = Roles::parse(&user.roles)?;
        let id = Secret::session_id()?;
        let session = StaffSessionRecord {
            id_hash: id.hash(),
            user_id: user.id.clone(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.options.sessions.absolute_ms,
            ended_at: None,
        };
        let mut detail = detail;
        if let Some(d) = detail.as_object_mut() {
            d.insert("roles".into(), json!(roles.names()));
        }
        let audit = event(now, "login_succeeded", Some(&user.username), client, detail);
        self.store
            .create_staff_session(&session, &audit)
            .await
            .map_err(Error::from)?;
        tracing::info!(user = %user.username, "signed in");
        Ok(NewSession {
            id,
            principal: Principal {
                kind: PrincipalKind::Staff { user_id: user.id },
                name: user.username,
                display_name: user.display_name,
                roles,
            },
        })
    }

    /// Deletes the staff sessions that have ended by `now` (signed out, idle or past
    /// their absolute end); returns how many.
    pub async fn delete_ended_sessions(&self, now: i64) -> Result<u64, Error> {
        let before = now - self.options.sessions.idle_ms;
        Ok(self.store.delete_old_staff_sessions(before).await?)
    }

    /// The person behind a session id, if the session is live; records activity now and
    /// then for the idle timeout.
    pub async fn session(&self, id: &str, now: i64) -> Result<Option<Principal>, Error> {
        let id_hash = secret::hash(id);
        let Some((session, user)) = self.store.staff_session(&id_hash).await? else {
            return Ok(None);
        };
        match self.options.sessions.state(&session, now) {
            SessionState::Live { touch } => {
                if user.disabled_at.is_some() {
                    return Ok(None);
                }
                if touch {
                    self.store.touch_staff_session(&id_hash, now).await?;
                }
                Ok(Some(Principal {
                    kind: PrincipalKind::Staff { user_id: user.id },
                    name: user.username,
                    display_name: user.display_name,
                    roles: Roles::parse(&user.roles)?,
                }))
            }
            SessionState::Ended | SessionState::IdleExpired | SessionState::Expired => Ok(None),
        }
    }

    /// Ends a session (sign-out); an unknown or already ended one is no error.
    pub async fn logout(&self, id: &str, client: Option<&str>, now: i64) -> Result<(), Error> {
        let id_hash = secret::hash(id);
        let Some((_, user)) = self.store.staff_session(&id_hash).await? else {
            return Ok(());
        };
        let audit = event(now, "logout", Some(&user.username), client, json!({}));
        if self.store.end_staff_session(&id_hash, now, &audit).await? {
            tracing::info!(user = %user.username, "signed out");
        }
        Ok(())
    }

    /// The service account behind a bearer token, if the token exists and is not revoked.
    pub async fn bearer(&self, token: &str) -> Result<Option<Principal>, Error> {
        let Some(t) = self.store.api_token_by_hash(&secret::hash(token)).await? else {
            return Ok(None);
        };
        if t.revoked_at.is_some() {
            return Ok(None);
        }
        Ok(Some(Principal {
            kind: PrincipalKind::Service { token_id: t.id },
            display_name: t.name.clone(),
            name: t.name,
            roles: Roles::parse(&t.roles)?,
        }))
    }

    /// Creates an account. `by` is the admin's username, or `cli`.
    pub async fn add_user(
        &self,
        new: NewUser,
        by: &str,
        now: i64,
    ) -> Result<StaffUserRecord, Error> {
        let username = normalise_username(&new.username)?;
        if new.roles.is_empty() {
            return Err(Error::Invalid(
                "an account needs at least one role".to_owned(),
            ));
        }
        password::check_policy(&new.password)?;
        let pw = new.password;
        let password_hash = blocking(move || password::hash(&pw)).await??;
        let display_name = match new.display_name.trim() {
            "" => username.clone(),
            name => name.to_owned(),
        };
        let user = StaffUserRecord {
            id: uuid::Uuid::now_v7().to_string(),
            username,
            display_name,
            password_hash,
            roles: new.roles.names(),
            created_at: now,
            disabled_at: None,
        };
        let audit = event(
            now,
            "user_created",
            Some(by),
            None,
            json!({"username": user.username, "roles": user.roles}),
        );
        self.store.create_staff_user(&user, &audit).await?;
        Ok(user)
    }

    /// Creates an API token for a service account and returns it: the only time it is
    /// shown (the store keeps its hash).
    pub async fn add_token(
        &self,
        name: &str,
        roles: Roles,
        by: &str,
        now: i64,
    ) -> Result<(ApiTokenRecord, Secret), Error> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(Error::Invalid(
                "a token name is 1–100 characters".to_owned(),
            ));
        }
        if roles.is_empty() {
            return Err(Error::Invalid("a token needs at least one role".to_owned()));
        }
        let token = Secret::api_token()?;
        let record = ApiTokenRecord {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            token_hash: token.hash(),
            roles: roles.names(),
            created_by: by.to_owned(),
            created_at: now,
            revoked_at: None,
        };
        let audit = event(
            now,
            "token_created",
            Some(by),
            None,
            json!({"name": record.name, "roles": record.roles}),
        );
        self.store.create_api_token(&record, &audit).await?;
        Ok((record, token))
    }

    /// Revokes a token by name; `false` if there is no live token of that name.
    pub async fn revoke_token(&self, name: &str, by: &str, now: i64) -> Result<bool, Error> {
        let audit = event(now, "token_revoked", Some(by), None, json!({"name": name}));
        Ok(self.store.revoke_api_token(name, now, &audit).await?)
    }

    /// Creates the [`DEMO_USERS`] that do not exist yet; returns the usernames created.
    pub async fn seed_demo_users(&self, now: i64) -> Result<Vec<&'static str>, Error> {
        let mut created = Vec::new();
        for (username, password, name, roles) in DEMO_USERS {
            if self.store.staff_user_by_username(username).await?.is_some() {
                continue;
            }
            let new = NewUser {
                username: username.to_owned(),
                display_name: name.to_owned(),
                password: password.to_owned(),
                roles: Roles::of(roles),
            };
            match self.add_user(new, "demo", now).await {
                // Another node seeded it meanwhile.
                Ok(_) | Err(Error::Conflict(_)) => created.push(username),
                Err(e) => return Err(e),
            }
        }
        Ok(created)
    }

    async fn audit(&self, event: AuditEvent) -> Result<(), Error> {
        Ok(self.store.record_audit_event(&event).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(normalise_username(" Anna.Berg ").expect("ok"), "anna.berg");
        assert!(normalise_username("a").is_err());
        assert!(normalise_username("anna berg").is_err());
        assert!(normalise_username("åsa").is_err());
        assert_eq!(
            normalise_username("Anna.Berg@Kommun.se").expect("ok"),
            "anna.berg@kommun.se"
        );
    }
}
