//! The robots' credential vault: the passwords of the robot accounts in legacy systems,
//! encrypted at rest with AES-256-GCM under one vault key that never reaches the database.
//!
//! - The key ([`VaultKey`]) is 32 random bytes, given as base64 in `FLODE_VAULT_KEY` or in
//!   a file named by `FLODE_VAULT_KEY_FILE` (refused when group or others may access it).
//!   Its id, the first 16 hex digits of its SHA-256, is stored with every ciphertext, so a
//!   vault opened with another key says which key it needs.
//! - Each ciphertext has its own random 96-bit nonce and is bound to its row (target,
//!   username and row id as additional authenticated data): a ciphertext copied to another
//!   row or altered does not decrypt.
//! - Setting a password retires the account's previous row ([`Vault::set`]); re-encrypting
//!   under a new key keeps the rows ([`Vault::rekey`]).
//! - Every decryption for use is audited in `robot_credential_uses` before the password is
//!   handed out ([`Vault::credential_for`]).
//! - Neither the key nor a password is ever logged or shown: their `Debug` and `Display`
//!   print no secret, and no error message holds one.

use std::ffi::OsString;
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use flode_store::{RobotCredentialRecord, Store};

/// The environment variable holding the vault key as base64.
pub const KEY_VAR: &str = "FLODE_VAULT_KEY";
/// The environment variable naming a file that holds the vault key as base64.
pub const KEY_FILE_VAR: &str = "FLODE_VAULT_KEY_FILE";

/// Bytes of a vault key (AES-256).
const KEY_LEN: usize = 32;
/// A key file is one base64 line; anything much longer is not a key file.
const KEY_FILE_MAX: u64 = 4096;
/// Prefix of the additional authenticated data, so a ciphertext of this vault cannot be
/// taken for anything else encrypted under the same key.
const AAD_CONTEXT: &[u8] = b"flode-robot-credential-v1";

/// Why the vault could not do what was asked. No message holds a password or a key.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "no vault key: set {KEY_VAR} (the key as base64) or {KEY_FILE_VAR} (a file holding it)"
    )]
    NoKey,
    #[error("both {KEY_VAR} and {KEY_FILE_VAR} are set: set only one")]
    TwoKeys,
    #[error("the vault key is not base64 (standard alphabet, 44 characters with padding)")]
    KeyNotBase64,
    #[error("the vault key must be {KEY_LEN} bytes (256 bits); this one is {len} bytes")]
    KeyLength { len: usize },
    #[error("cannot read the vault key file {}: {source}", path.display())]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the vault key file {} may be accessed by group or others (mode {mode:03o}): run `chmod 600` on it",
        path.display()
    )]
    KeyFileOpen { path: PathBuf, mode: u32 },
    #[error("the vault key file {} is longer than a key", path.display())]
    KeyFileTooLong { path: PathBuf },
    #[error("the system's random number generator failed")]
    Random,
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("no credential for target {target}")]
    NoCredential { target: String },
    #[error(
        "the credential of {username} for {target} was encrypted with key {stored}, this vault has key {vault}"
    )]
    WrongKey {
        target: String,
        username: String,
        stored: String,
        vault: String,
    },
    #[error(
        "the credential of {username} for {target} does not decrypt: it was altered or does not belong to its row"
    )]
    Tampered { target: String, username: String },
    #[error("the credential of {username} for {target} is malformed: {what}")]
    Malformed {
        target: String,
        username: String,
        what: &'static str,
    },
    #[error("encryption failed")]
    Encrypt,
    #[error(transparent)]
    Store(#[from] flode_store::Error),
}

/// A vault key: AES-256-GCM. `Debug` shows its id only; the key bytes are not kept outside
/// aws-lc-rs.
#[derive(Clone)]
pub struct VaultKey {
    key: Arc<LessSafeKey>,
    id: String,
}

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultKey").field("id", &self.id).finish()
    }
}

impl VaultKey {
    /// A key from its base64 text (surrounding whitespace ignored); it must decode to 32
    /// bytes.
    pub fn from_base64(text: &str) -> Result<Self, VaultError> {
        let bytes = BASE64
            .decode(text.trim())
            .map_err(|_| VaultError::KeyNotBase64)?;
        Self::from_bytes(bytes)
    }

    /// A key from a file holding its base64 text. On unix the file must not be accessible
    /// by group or others (mode 600 or 400), as ssh demands of private keys.
    pub fn from_file(path: &Path) -> Result<Self, VaultError> {
        let file_error = |source| VaultError::KeyFile {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(file_error)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = file.metadata().map_err(file_error)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(VaultError::KeyFileOpen {
                    path: path.to_owned(),
                    mode,
                });
            }
        }
        let mut bytes = Vec::new();
        file.take(KEY_FILE_MAX + 1)
            .read_to_end(&mut bytes)
            .map_err(file_error)?;
        if bytes.len() as u64 > KEY_FILE_MAX {
            wipe(bytes);
            return Err(VaultError::KeyFileTooLong {
                path: path.to_owned(),
            });
        }
        let key = std::str::from_utf8(&bytes)
            .map_err(|_| VaultError::KeyNotBase64)
            .and_then(Self::from_base64);
        wipe(bytes);
        key
    }

    /// The key from the environment: `FLODE_VAULT_KEY` (base64) or `FLODE_VAULT_KEY_FILE`
    /// (a file holding it, see [`VaultKey::from_file`]); exactly one must be set.
    pub fn from_env() -> Result<Self, VaultError> {
        Self::from_vars(std::env::var_os(KEY_VAR), std::env::var_os(KEY_FILE_VAR))
    }

    fn from_vars(key: Option<OsString>, file: Option<OsString>) -> Result<Self, VaultError> {
        match (key, file) {
            (Some(_), Some(_)) => Err(VaultError::TwoKeys),
            (Some(key), None) => {
                let key = key.into_string().map_err(|_| VaultError::KeyNotBase64)?;
                let parsed = Self::from_base64(&key);
                wipe(key.into_bytes());
                parsed
            }
            (None, Some(file)) => Self::from_file(Path::new(&file)),
            (None, None) => Err(VaultError::NoKey),
        }
    }

    /// A new random key, with its base64 text (shown once, to be stored by the operator).
    pub fn generate() -> Result<(Self, String), VaultError> {
        let mut bytes = vec![0u8; KEY_LEN];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| VaultError::Random)?;
        let text = BASE64.encode(&bytes);
        Ok((Self::from_bytes(bytes)?, text))
    }

    /// The key's id: the first 16 hex digits of the SHA-256 of its bytes. Not a secret.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn from_bytes(bytes: Vec<u8>) -> Result<Self, VaultError> {
        if bytes.len() != KEY_LEN {
            let len = bytes.len();
            wipe(bytes);
            return Err(VaultError::KeyLength { len });
        }
        let hash = digest(&SHA256, &bytes);
        let id = hash.as_ref()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let unbound = UnboundKey::new(&AES_256_GCM, &bytes);
        wipe(bytes);
        let key = unbound.map_err(|_| VaultError::KeyLength { len: KEY_LEN })?;
        Ok(Self {
            key: Arc::new(LessSafeKey::new(key)),
            id,
        })
    }

    /// Encrypts a password for the row `id` with a fresh random nonce: `(nonce, ciphertext
    /// with tag)`.
    fn seal(
        &self,
        target: &str,
        username: &str,
        id: &str,
        password: &str,
    ) -> Result<(Vec<u8>, Vec<u8>), VaultError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| VaultError::Random)?;
        let mut data = password.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(target, username, id)),
                &mut data,
            )
            .map_err(|_| VaultError::Encrypt)?;
        Ok((nonce.to_vec(), data))
    }

    /// Decrypts a stored credential, checking that it was encrypted under this key and for
    /// this row.
    fn open(&self, c: &RobotCredentialRecord) -> Result<Password, VaultError> {
        let malformed = |what| VaultError::Malformed {
            target: c.target.clone(),
            username: c.username.clone(),
            what,
        };
        if c.key_id != self.id {
            return Err(VaultError::WrongKey {
                target: c.target.clone(),
                username: c.username.clone(),
                stored: c.key_id.clone(),
                vault: self.id.clone(),
            });
        }
        let nonce = Nonce::try_assume_unique_for_key(&c.nonce)
            .map_err(|_| malformed("its nonce is not 96 bits"))?;
        let mut data = c.secret.clone();
        let len = match self.key.open_in_place(
            nonce,
            Aad::from(aad(&c.target, &c.username, &c.id)),
            &mut data,
        ) {
            Ok(plain) => plain.len(),
            Err(_) => {
                wipe(data);
                return Err(VaultError::Tampered {
                    target: c.target.clone(),
                    username: c.username.clone(),
                });
            }
        };
        data.truncate(len);
        match String::from_utf8(data) {
            Ok(password) => Ok(Password(password)),
            Err(e) => {
                wipe(e.into_bytes());
                Err(malformed("the password is not UTF-8"))
            }
        }
    }
}

/// The additional authenticated data of a row: the ciphertext decrypts only there. Each
/// part is length-prefixed, so no two rows share it.
fn aad(target: &str, username: &str, id: &str) -> Vec<u8> {
    let mut out = AAD_CONTEXT.to_vec();
    for part in [target, username, id] {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part.as_bytes());
    }
    out
}

/// Overwrites a buffer that held a secret before it is freed (best effort: no `unsafe`).
fn wipe(mut bytes: Vec<u8>) {
    bytes.fill(0);
    std::hint::black_box(&bytes);
}

/// A decrypted password. `Debug` and `Display` print `***`; [`Password::expose`] is the
/// only way to the text, for the one place that types it. Its memory is overwritten when
/// it is dropped.
pub struct Password(String);

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Drop for Password {
    fn drop(&mut self) {
        wipe(std::mem::take(&mut self.0).into_bytes());
    }
}

/// A robot account, decrypted for one use.
#[derive(Debug)]
pub struct Credential {
    pub username: String,
    pub password: Password,
}

/// A stored credential as the CLI lists it: never the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInfo {
    pub target: String,
    pub username: String,
    /// The id of the key it is encrypted under.
    pub key_id: String,
    /// Unix milliseconds: when this password was set.
    pub created_at: i64,
}

/// The credential vault over the store's `robot_credentials` and `robot_credential_uses`.
#[derive(Debug, Clone)]
pub struct Vault {
    store: Store,
    key: VaultKey,
}

impl Vault {
    pub fn new(store: Store, key: VaultKey) -> Self {
        Self { store, key }
    }

    /// The id of the key this vault encrypts and decrypts with.
    pub fn key_id(&self) -> &str {
        self.key.id()
    }

    /// Stores `password` for `username` in `target`, retiring the password the account had
    /// (rotation), in one transaction.
    pub async fn set(
        &self,
        target: &str,
        username: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        for (what, value) in [
            ("the target", target),
            ("the username", username),
            ("the password", password),
        ] {
            if value.is_empty() {
                return Err(VaultError::Empty(what));
            }
        }
        let id = uuid::Uuid::now_v7().to_string();
        let (nonce, secret) = self.key.seal(target, username, &id, password)?;
        self.store
            .replace_robot_credential(&RobotCredentialRecord {
                id,
                target: target.to_owned(),
                username: username.to_owned(),
                key_id: self.key.id.clone(),
                nonce,
                secret,
                created_at: now_ms,
                retired_at: None,
            })
            .await?;
        tracing::info!(
            target,
            username,
            key = self.key.id(),
            "robot credential set"
        );
        Ok(())
    }

    /// The account robot `robot` on licence seat `seat` signs in to `target` with: of the
    /// target's accounts in use, ordered by username, the one at `seat` modulo their
    /// number, so robots on different seats spread over the accounts. The use is audited
    /// (target, username, robot, job, time) before the password is returned.
    pub async fn credential_for(
        &self,
        target: &str,
        seat: i64,
        robot: &str,
        job_id: Option<&str>,
        now_ms: i64,
    ) -> Result<Credential, VaultError> {
        let active = self.store.active_robot_credentials(target).await?;
        let Some(count) = i64::try_from(active.len()).ok().filter(|&n| n > 0) else {
            return Err(VaultError::NoCredential {
                target: target.to_owned(),
            });
        };
        let index = usize::try_from(seat.rem_euclid(count)).unwrap_or_default();
        let Some(record) = active.get(index) else {
            return Err(VaultError::NoCredential {
                target: target.to_owned(),
            });
        };
        let password = self.key.open(record)?;
        self.store
            .insert_robot_credential_use(
                &uuid::Uuid::now_v7().to_string(),
                &record.target,
                &record.username,
                robot,
                job_id,
                now_ms,
            )
            .await?;
        tracing::debug!(
            target,
            username = record.username.as_str(),
            robot,
            job_id,
            "robot credential used"
        );
        Ok(Credential {
            username: record.username.clone(),
            password,
        })
    }

    /// Re-encrypts every account in use that is encrypted under `old` with this vault's key
    /// and fresh nonces; returns how many changed. Accounts already under this vault's key
    /// are left alone, and so are those under a third key (another `rekey` moves them).
    /// Retired rows keep the key they were written with; they are never decrypted again.
    pub async fn rekey(&self, old: &VaultKey, now_ms: i64) -> Result<u64, VaultError> {
        let mut changed = 0u64;
        let mut other = 0u64;
        for c in self.store.all_active_robot_credentials().await? {
            if c.key_id == self.key.id {
                continue;
            }
            if c.key_id != old.id {
                other += 1;
                continue;
            }
            let password = old.open(&c)?;
            let (nonce, secret) =
                self.key
                    .seal(&c.target, &c.username, &c.id, password.expose())?;
            self.store
                .rekey_robot_credential(&c.id, &self.key.id, &nonce, &secret)
                .await?;
            changed += 1;
        }
        tracing::info!(
            from = old.id(),
            to = self.key.id(),
            changed,
            under_other_keys = other,
            at = now_ms,
            "robot credentials re-encrypted"
        );
        Ok(changed)
    }

    /// The accounts in use, by target and username, without their passwords.
    pub async fn list(&self) -> Result<Vec<CredentialInfo>, VaultError> {
        list(&self.store).await
    }
}

/// The accounts in use, by target and username, without their passwords; needs no key.
pub async fn list(store: &Store) -> Result<Vec<CredentialInfo>, VaultError> {
    Ok(store
        .all_active_robot_credentials()
        .await?
        .into_iter()
        .map(|c| CredentialInfo {
            target: c.target,
            username: c.username,
            key_id: c.key_id,
            created_at: c.created_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> VaultKey {
        VaultKey::generate().expect("key").0
    }

    fn sealed(key: &VaultKey, password: &str) -> RobotCredentialRecord {
        let id = "0190-row".to_owned();
        let (nonce, secret) = key.seal("simifo", "robot1", &id, password).expect("seal");
        RobotCredentialRecord {
            id,
            target: "simifo".into(),
            username: "robot1".into(),
            key_id: key.id().to_owned(),
            nonce,
            secret,
            created_at: 0,
            retired_at: None,
        }
    }

    #[test]
    fn a_password_round_trips_with_a_fresh_nonce_each_time() {
        let key = key();
        let a = sealed(&key, "hemligt lösenord");
        let b = sealed(&key, "hemligt lösenord");
        assert_eq!(a.nonce.len(), 12);
        assert_ne!(a.nonce, b.nonce, "a fresh nonce per encryption");
        assert_ne!(a.secret, b.secret);
        assert_eq!(key.open(&a).expect("open").expose(), "hemligt lösenord");
        assert_eq!(key.open(&b).expect("open").expose(), "hemligt lösenord");
        assert_eq!(
            a.secret.len(),
            "hemligt lösenord".len() + 16,
            "ciphertext + tag"
        );
    }

    #[test]
    fn the_same_key_text_gives_the_same_key_and_id() {
        let (key, text) = VaultKey::generate().expect("key");
        assert_eq!(text.len(), 44);
        let again = VaultKey::from_base64(&format!("  {text}\n")).expect("parse");
        assert_eq!(again.id(), key.id());
        assert_eq!(key.id().len(), 16);
        assert!(key.id().chars().all(|c| c.is_ascii_hexdigit()));
        let record = sealed(&key, "pw");
        assert_eq!(again.open(&record).expect("open").expose(), "pw");
    }

    #[test]
    fn the_key_id_is_the_start_of_the_keys_sha256() {
        // SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20…
        let key = VaultKey::from_base64(&BASE64.encode([0u8; 32])).expect("key");
        assert_eq!(key.id(), "66687aadf862bd77");
    }

    #[test]
    fn a_wrong_key_is_named_with_both_ids() {
        let (a, b) = (key(), key());
        let record = sealed(&a, "pw");
        match b.open(&record) {
            Err(VaultError::WrongKey { stored, vault, .. }) => {
                assert_eq!(stored, a.id());
                assert_eq!(vault, b.id());
            }
            other => panic!("expected WrongKey, got {other:?}"),
        }
        let message = b.open(&record).expect_err("wrong key").to_string();
        assert!(
            message.contains(&format!(
                "encrypted with key {}, this vault has key {}",
                a.id(),
                b.id()
            )),
            "{message}"
        );
        // The same id with other key bytes (a forged key_id) still does not decrypt.
        let mut forged = record.clone();
        forged.key_id = b.id().to_owned();
        assert!(matches!(b.open(&forged), Err(VaultError::Tampered { .. })));
    }

    #[test]
    fn an_altered_ciphertext_or_nonce_does_not_decrypt() {
        let key = key();
        let record = sealed(&key, "pw-123456");
        for i in 0..record.secret.len() {
            let mut bad = record.clone();
            bad.secret[i] ^= 0x01;
            assert!(
                matches!(key.open(&bad), Err(VaultError::Tampered { .. })),
                "byte {i}"
            );
        }
        let mut bad = record.clone();
        bad.nonce[0] ^= 0x80;
        assert!(matches!(key.open(&bad), Err(VaultError::Tampered { .. })));
        let mut bad = record.clone();
        bad.secret.truncate(10);
        assert!(matches!(key.open(&bad), Err(VaultError::Tampered { .. })));
        let mut bad = record;
        bad.nonce.pop();
        assert!(matches!(key.open(&bad), Err(VaultError::Malformed { .. })));
    }

    #[test]
    fn a_ciphertext_moved_to_another_row_does_not_decrypt() {
        let key = key();
        let record = sealed(&key, "pw");
        for moved in [
            RobotCredentialRecord {
                id: "0190-other-row".into(),
                ..record.clone()
            },
            RobotCredentialRecord {
                username: "robot2".into(),
                ..record.clone()
            },
            RobotCredentialRecord {
                target: "procapita".into(),
                ..record.clone()
            },
        ] {
            assert!(
                matches!(key.open(&moved), Err(VaultError::Tampered { .. })),
                "{moved:?}"
            );
        }
        // Length prefixes: moving characters between fields changes the AAD.
        assert_ne!(aad("ab", "c", "x"), aad("a", "bc", "x"));
    }

    #[test]
    fn debug_and_display_show_no_secret() {
        let (key, text) = VaultKey::generate().expect("key");
        let shown = format!("{key:?}");
        assert!(!shown.contains(&text), "{shown}");
        assert!(shown.contains(key.id()), "{shown}");
        let password = key.open(&sealed(&key, "topphemligt")).expect("open");
        assert_eq!(format!("{password:?}"), "***");
        assert_eq!(format!("{password}"), "***");
        let credential = Credential {
            username: "robot1".into(),
            password,
        };
        let shown = format!("{credential:?} {credential:#?}");
        assert!(!shown.contains("topphemligt"), "{shown}");
        assert!(shown.contains("robot1"), "{shown}");
    }

    #[test]
    fn a_key_of_the_wrong_length_or_not_base64_is_refused() {
        for len in [0usize, 16, 31, 33, 64] {
            match VaultKey::from_base64(&BASE64.encode(vec![7u8; len])) {
                Err(VaultError::KeyLength { len: got }) => assert_eq!(got, len),
                other => panic!("{len} bytes: {other:?}"),
            }
        }
        assert!(matches!(
            VaultKey::from_base64("not base64 at all!"),
            Err(VaultError::KeyNotBase64)
        ));
        let message = VaultKey::from_base64(&BASE64.encode([1u8; 16]))
            .expect_err("short")
            .to_string();
        assert!(
            message.contains("32 bytes") && message.contains("16 bytes"),
            "{message}"
        );
    }

    #[test]
    fn the_environment_needs_exactly_one_of_the_two_variables() {
        let message = VaultKey::from_vars(None, None)
            .expect_err("none")
            .to_string();
        assert!(
            message.contains("FLODE_VAULT_KEY") && message.contains("FLODE_VAULT_KEY_FILE"),
            "{message}"
        );
        let (key, text) = VaultKey::generate().expect("key");
        let from_var = VaultKey::from_vars(Some(text.clone().into()), None).expect("var");
        assert_eq!(from_var.id(), key.id());
        assert!(matches!(
            VaultKey::from_vars(Some(text.into()), Some("/nonexistent".into())),
            Err(VaultError::TwoKeys)
        ));
        assert!(matches!(
            VaultKey::from_vars(None, Some("/nonexistent/flode-vault.key".into())),
            Err(VaultError::KeyFile { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_must_be_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("flode-vault-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).expect("dir");
        let path = dir.join("vault.key");
        let (key, text) = VaultKey::generate().expect("key");
        std::fs::write(&path, format!("{text}\n")).expect("write");
        let check = |mode: u32| {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
            VaultKey::from_file(&path)
        };
        let open = check(0o644);
        let group = check(0o640);
        let private = check(0o600);
        let read_only = check(0o400);
        let from_env = VaultKey::from_vars(None, Some(path.clone().into()));
        std::fs::write(&path, "x".repeat(5000)).expect("write");
        let long = check(0o600);
        std::fs::remove_dir_all(&dir).expect("clean up");

        match open {
            Err(e @ VaultError::KeyFileOpen { mode: 0o644, .. }) => {
                let message = e.to_string();
                assert!(
                    message.contains("chmod 600") && message.contains("644"),
                    "{message}"
                );
                assert!(!message.contains(&text), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            group,
            Err(VaultError::KeyFileOpen { mode: 0o640, .. })
        ));
        assert_eq!(private.expect("600").id(), key.id());
        assert_eq!(read_only.expect("400").id(), key.id());
        assert_eq!(from_env.expect("env").id(), key.id());
        assert!(matches!(long, Err(VaultError::KeyFileTooLong { .. })));
    }

    #[test]
    fn no_error_message_holds_the_password() {
        let key = key();
        let mut record = sealed(&key, "lösen-4711");
        record.secret[0] ^= 1;
        let e = key.open(&record).expect_err("tampered");
        assert!(!e.to_string().contains("lösen-4711"));
        assert!(!format!("{e:?}").contains("lösen-4711"));
    }
}
