//! Citizens' sign-in to the e-service, apart from staff sign-in: another cookie, another
//! table, no roles. A citizen is who the identity provider says (a verified personnummer);
//! flode keeps only the SHA-256 of the random session id.
//!
//! The built-in test identity provider ([`CitizenAuth::sign_in_test`]) lets a tester pick a
//! synthetic person. It exists only when the binary enables it (never in production, where a
//! real OIDC provider is configured), and every sign-in records which provider vouched for it.

use flode_store::{CitizenSessionRecord, Store};

use crate::{Error, Secret};

/// A citizen's session lasts at most this long, however active (e-legitimation sessions
/// are short; a form saved page by page loses nothing when it ends).
pub const CITIZEN_SESSION_MS: i64 = 60 * 60 * 1000;
/// `idp` of sessions from the built-in test identity provider.
pub const TEST_IDP: &str = "test";

/// A synthetic person the test identity provider offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPerson {
    /// 12-digit personnummer from Skatteverket's test list or a simulator-only number.
    pub personnummer: String,
    /// A made-up name.
    pub name: String,
    /// What the person's data shows (for the tester choosing).
    pub description: String,
}

/// The signed-in citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenIdentity {
    /// Verified personnummer.
    pub personnummer: String,
    /// Name from the identity provider.
    pub name: String,
    /// The identity provider's reference for this sign-in.
    pub auth_ref: String,
}

/// Citizens' sessions over the store.
#[derive(Debug, Clone)]
pub struct CitizenAuth {
    store: Store,
}

impl CitizenAuth {
    /// Sessions in `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Signs in `person` through the test identity provider; the caller checks that the
    /// provider is enabled and that `person` is one it offers. Returns the session id for
    /// the cookie.
    pub async fn sign_in_test(&self, person: &TestPerson, now: i64) -> Result<Secret, Error> {
        let id = Secret::session_id()?;
        let auth_ref = format!("test-{}", &Secret::session_id()?.hash()[..16]);
        self.store
            .create_citizen_session(&CitizenSessionRecord {
                id_hash: id.hash(),
                subject: person.personnummer.clone(),
                name: person.name.clone(),
                idp: TEST_IDP.into(),
                auth_ref,
                created_at: now,
                expires_at: now + CITIZEN_SESSION_MS,
                ended_at: None,
            })
            .await?;
        tracing::info!(idp = TEST_IDP, "citizen signed in");
        Ok(id)
    }

    /// The citizen of a live session, if the id is one.
    pub async fn session(&self, id: &str, now: i64) -> Result<Option<CitizenIdentity>, Error> {
        Ok(self
            .store
            .citizen_session(&crate::secret::hash(id), now)
            .await?
            .map(|s| CitizenIdentity {
                personnummer: s.subject,
                name: s.name,
                auth_ref: s.auth_ref,
            }))
    }

    /// Ends the session (sign-out); an unknown id is no error.
    pub async fn sign_out(&self, id: &str, now: i64) -> Result<(), Error> {
        self.store
            .end_citizen_session(&crate::secret::hash(id), now)
            .await?;
        Ok(())
    }
}
