//! Citizens' sign-in to the e-service, apart from staff sign-in: another cookie, another
//! table, no roles. A citizen is who the identity provider says (a verified personnummer);
//! flode keeps only the SHA-256 of the random session id.
//!
//! The built-in test identity provider ([`CitizenAuth::sign_in_test`]) lets a tester pick a
//! synthetic person. It exists only when the binary enables it (never in production, where a
//! real OIDC provider is configured: [`CitizenAuth::sign_in_oidc`]), and every sign-in
//! records which provider vouched for it.

use flode_store::{ApplicationRecord, CitizenSessionRecord, Store};

use crate::oidc::IdToken;
use crate::{Error, Secret};

/// The claim that carries the personnummer by default: the Swedish OIDC profile's (Sweden
/// Connect; BankID and Freja through brokers such as Criipto use the same name).
pub const DEFAULT_PERSONNUMMER_CLAIM: &str = "personal_number";

/// Why an ID token does not sign a citizen in.
#[derive(Debug, thiserror::Error)]
pub enum CitizenSignInError {
    /// The token has no personnummer claim.
    #[error("the ID token has no {0} claim")]
    MissingPersonnummer(String),
    /// The claim is not a valid personnummer or samordningsnummer (never shown in logs).
    #[error("the {0} claim is not a valid personnummer")]
    InvalidPersonnummer(String),
    /// The store or the random source failed.
    #[error(transparent)]
    Internal(#[from] Error),
}

/// The 12 digits of a personnummer or samordningsnummer (`ÅÅÅÅMMDDNNNK`, also written with
/// a `-` or `+` before the last four), if the date is plausible (day + 60 for a
/// samordningsnummer) and the Luhn check digit over the last ten is right. A small check
/// of its own: this crate does not depend on `flode-integrations`, which has the full
/// parser.
pub fn personnummer(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let digits: String = match raw.len() {
        13 if matches!(raw.as_bytes()[8], b'-' | b'+') => {
            format!("{}{}", raw.get(..8)?, raw.get(9..)?)
        }
        _ => raw.to_owned(),
    };
    let b = digits.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (month, day) = (num(4..6), num(6..8));
    let day = if day > 60 { day - 60 } else { day };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let sum: u32 = b[2..12]
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0') * if i % 2 == 0 { 2 } else { 1 };
            v / 10 + v % 10
        })
        .sum();
    sum.is_multiple_of(10).then_some(digits)
}

/// The name in an ID token: `name`, or `given_name` and `family_name`.
fn name_of(token: &IdToken) -> String {
    if let Some(name) = token.claim_str("name") {
        return name.to_owned();
    }
    let parts: Vec<&str> = [
        token.claim_str("given_name"),
        token.claim_str("family_name"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "Okänt namn".to_owned()
    } else {
        parts.join(" ")
    }
}

/// A citizen's session ends after this long without a request (a shared or public
/// computer left signed in); each request moves the end forward. A form saved page by page
/// loses nothing when it ends.
pub const CITIZEN_SESSION_MS: i64 = 20 * 60 * 1000;
/// However active, a citizen signs in again after this long.
pub const CITIZEN_SESSION_MAX_MS: i64 = 4 * 60 * 60 * 1000;
/// The end is moved forward at most this often, so that a burst of requests writes once.
const TOUCH_EVERY_MS: i64 = 60 * 1000;
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
    /// Who vouched for the sign-in: the OpenID Connect issuer, or `test`.
    pub idp: String,
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

    /// Signs in the person a validated ID token names: the personnummer from the claim
    /// `personnummer_claim`, checked; the name from `name` (or `given_name` and
    /// `family_name`). The session records the issuer and [`IdToken::reference`], never
    /// the token. Returns the session id for the cookie.
    pub async fn sign_in_oidc(
        &self,
        token: &IdToken,
        personnummer_claim: &str,
        now: i64,
    ) -> Result<Secret, CitizenSignInError> {
        let raw = token
            .claim_str(personnummer_claim)
            .ok_or_else(|| CitizenSignInError::MissingPersonnummer(personnummer_claim.into()))?;
        let subject = personnummer(raw)
            .ok_or_else(|| CitizenSignInError::InvalidPersonnummer(personnummer_claim.into()))?;
        let id = Secret::session_id()?;
        self.store
            .create_citizen_session(&CitizenSessionRecord {
                id_hash: id.hash(),
                subject,
                name: name_of(token),
                idp: token.issuer().to_owned(),
                auth_ref: token.reference().to_owned(),
                created_at: now,
                expires_at: now + CITIZEN_SESSION_MS,
                ended_at: None,
            })
            .await
            .map_err(Error::from)?;
        tracing::info!(idp = token.issuer(), "citizen signed in");
        Ok(id)
    }

    /// The citizen of a live session, if the id is one; the session's idle end moves
    /// forward (never past [`CITIZEN_SESSION_MAX_MS`] from sign-in).
    pub async fn session(&self, id: &str, now: i64) -> Result<Option<CitizenIdentity>, Error> {
        let id_hash = crate::secret::hash(id);
        let Some(s) = self.store.citizen_session(&id_hash, now).await? else {
            return Ok(None);
        };
        Ok(Some(self.live(s, now).await?))
    }

    /// As [`CitizenAuth::session`], with the application `application_id` if it is the
    /// citizen's own, read in the same round trip.
    pub async fn session_with_application(
        &self,
        id: &str,
        now: i64,
        application_id: &str,
    ) -> Result<Option<(CitizenIdentity, Option<ApplicationRecord>)>, Error> {
        let id_hash = crate::secret::hash(id);
        let Some((s, application)) = self
            .store
            .citizen_session_with_application(&id_hash, now, application_id)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((self.live(s, now).await?, application)))
    }

    /// The citizen of a live session read at `now`, whose idle end moves forward.
    async fn live(&self, s: CitizenSessionRecord, now: i64) -> Result<CitizenIdentity, Error> {
        let end = (now + CITIZEN_SESSION_MS).min(s.created_at + CITIZEN_SESSION_MAX_MS);
        if end - s.expires_at >= TOUCH_EVERY_MS {
            self.store.extend_citizen_session(&s.id_hash, end).await?;
        }
        Ok(CitizenIdentity {
            personnummer: s.subject,
            name: s.name,
            auth_ref: s.auth_ref,
            idp: s.idp,
        })
    }

    /// Deletes the sessions that have ended by `now` (signed out, idle or too old);
    /// returns how many.
    pub async fn delete_ended_sessions(&self, now: i64) -> Result<u64, Error> {
        Ok(self.store.delete_old_citizen_sessions(now).await?)
    }

    /// Ends the session (sign-out); an unknown id is no error.
    pub async fn sign_out(&self, id: &str, now: i64) -> Result<(), Error> {
        self.store
            .end_citizen_session(&crate::secret::hash(id), now)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personnummer_is_checked() {
        assert_eq!(
            personnummer("199204722020").as_deref(),
            Some("199204722020")
        );
        assert_eq!(
            personnummer("19920472-2020").as_deref(),
            Some("199204722020")
        );
        assert_eq!(
            personnummer("189001019802").as_deref(),
            Some("189001019802")
        );
        // Samordningsnummer: day + 60.
        assert_eq!(
            personnummer("199001619809").as_deref(),
            Some("199001619809")
        );
        for bad in [
            "199204722021", // Luhn
            "9204722020",   // 10 digits
            "19920472202O", // a letter
            "199213012025", // month 13 (Luhn right)
            "199201002020", // day 0 (Luhn right)
            "",
            "1992-0472-2020",
        ] {
            assert_eq!(personnummer(bad), None, "{bad}");
        }
    }
}
