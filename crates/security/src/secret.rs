//! Random secrets (session ids and API tokens) and the hash the store keeps of them.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::Error;

/// Prefix of API tokens, so that a leaked one is recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "flode_";

/// A secret the client holds. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// 256 random bits from the operating system, as 64 hex digits.
    pub fn session_id() -> Result<Self, Error> {
        Ok(Self(random_hex()?))
    }

    /// 256 random bits with the [`TOKEN_PREFIX`].
    pub fn api_token() -> Result<Self, Error> {
        Ok(Self(format!("{TOKEN_PREFIX}{}", random_hex()?)))
    }

    /// The value, to hand to the client once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the store keeps.
    pub fn hash(&self) -> String {
        hash(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Hex SHA-256 of a presented secret. A fast hash is enough: the secrets are 256 random bits,
/// so there is nothing to guess, and the lookup by hash leaks no timing about the value.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn random_hex() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Crypto(format!("random source: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hidden_and_hashed() {
        let a = Secret::session_id().expect("random");
        let b = Secret::session_id().expect("random");
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "Secret(***)");
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.expose());
        assert_eq!(a.hash(), hash(a.expose()));
        let t = Secret::api_token().expect("random");
        assert!(t.expose().starts_with(TOKEN_PREFIX));
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
