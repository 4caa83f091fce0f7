//! Password hashing with argon2id (the crate's default parameters: 19 MiB, 2 passes, one
//! lane, OWASP's first choice) into PHC strings, which carry their own salt and parameters.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::Error;

/// Shortest password accepted for a new account.
pub const MIN_LENGTH: usize = 10;
/// Longest password accepted (bounds the work a request can cause).
pub const MAX_LENGTH: usize = 1024;

/// Checks the password policy; the message is in English for the CLI.
pub fn check_policy(password: &str) -> Result<(), Error> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(Error::Invalid(format!(
            "the password must be at least {MIN_LENGTH} characters"
        )));
    }
    if password.len() > MAX_LENGTH {
        return Err(Error::Invalid(format!(
            "the password must be at most {MAX_LENGTH} bytes"
        )));
    }
    Ok(())
}

/// Hashes a password with a fresh random salt. CPU-heavy: call from a blocking thread.
pub fn hash(password: &str) -> Result<String, Error> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Crypto(format!("hashing a password: {e}")))
}

/// Does the password match the PHC string? A malformed hash never matches. CPU-heavy.
pub fn verify(password: &str, phc: &str) -> bool {
    if password.len() > MAX_LENGTH {
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("korrekt hast batteri").expect("hash");
        let b = hash("korrekt hast batteri").expect("hash");
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "every hash has its own salt");
        assert!(!a.contains("korrekt"));
        assert!(verify("korrekt hast batteri", &a));
        assert!(verify("korrekt hast batteri", &b));
        assert!(!verify("korrekt hast batteri!", &a));
        assert!(!verify("", &a));
        assert!(!verify("korrekt hast batteri", "not a hash"));
    }

    #[test]
    fn policy() {
        assert!(check_policy("kort").is_err());
        assert!(check_policy("demo-admin").is_ok());
        assert!(check_policy(&"x".repeat(MAX_LENGTH + 1)).is_err());
    }
}
