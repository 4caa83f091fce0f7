//! The credential vault over the store, on SQLite and PostgreSQL: a password round-trips
//! and every use is audited; setting it again rotates it; accounts spread over seats; a new
//! key takes over every account; and no password is in the database in clear.

use flode_robots::{Vault, VaultError, VaultKey};
use flode_store::{Store, StoreOptions};

async fn stores() -> Vec<(flode_test_db::TestDb, Store)> {
    let mut out = Vec::new();
    for db in flode_test_db::databases("flode_vault") {
        let store = Store::connect(&StoreOptions::new(db.url.clone()))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        out.push((db, store));
    }
    out
}

fn key() -> VaultKey {
    VaultKey::generate().expect("key").0
}

#[tokio::test]
async fn a_password_round_trips_and_every_use_is_audited() {
    for (db, store) in stores().await {
        let vault = Vault::new(store.clone(), key());
        let none = vault
            .credential_for("simifo", 0, "n1/robot-1", None, 1)
            .await
            .expect_err("nothing stored yet");
        assert!(
            matches!(&none, VaultError::NoCredential { target } if target == "simifo"),
            "{}: {none:?}",
            db.name
        );
        assert!(
            store
                .robot_credential_uses("simifo", 10)
                .await
                .expect("uses")
                .is_empty()
        );

        vault
            .set("simifo", "robot1", "Sommar-2026!", 1_000)
            .await
            .expect("set");
        for (n, job) in [(1, Some("job-1")), (2, None)] {
            let c = vault
                .credential_for("simifo", 0, "n1/robot-1", job, 2_000 + n)
                .await
                .expect("credential");
            assert_eq!(c.username, "robot1", "{}", db.name);
            assert_eq!(c.password.expose(), "Sommar-2026!", "{}", db.name);
        }
        let uses = store
            .robot_credential_uses("simifo", 10)
            .await
            .expect("uses");
        assert_eq!(
            uses,
            vec![
                ("robot1".to_owned(), "n1/robot-1".to_owned(), None, 2_002),
                (
                    "robot1".to_owned(),
                    "n1/robot-1".to_owned(),
                    Some("job-1".to_owned()),
                    2_001
                ),
            ],
            "{}: one audit row per use",
            db.name
        );
        assert!(
            vault
                .credential_for("procapita", 0, "n1/robot-1", None, 3_000)
                .await
                .is_err(),
            "{}: another target's accounts are not handed out",
            db.name
        );
        store.close().await;
    }
}

#[tokio::test]
async fn setting_a_password_again_rotates_it() {
    for (db, store) in stores().await {
        let vault = Vault::new(store.clone(), key());
        vault
            .set("simifo", "robot1", "gammalt-1", 1_000)
            .await
            .expect("set");
        vault
            .set("simifo", "robot1", "nytt-2", 5_000)
            .await
            .expect("rotate");
        let active = store
            .active_robot_credentials("simifo")
            .await
            .expect("active");
        assert_eq!(active.len(), 1, "{}: the old row is retired", db.name);
        assert_eq!(active[0].created_at, 5_000, "{}", db.name);
        let c = vault
            .credential_for("simifo", 0, "r", None, 6_000)
            .await
            .expect("credential");
        assert_eq!(c.password.expose(), "nytt-2", "{}", db.name);
        let listed = vault.list().await.expect("list");
        assert_eq!(listed.len(), 1, "{}", db.name);
        assert_eq!(
            (listed[0].target.as_str(), listed[0].username.as_str()),
            ("simifo", "robot1")
        );
        assert_eq!(listed[0].key_id, vault.key_id());
        assert_eq!(listed[0].created_at, 5_000);
        store.close().await;
    }
}

#[tokio::test]
async fn accounts_spread_over_seats() {
    for (db, store) in stores().await {
        let vault = Vault::new(store.clone(), key());
        // Set out of order: the order is by username.
        vault
            .set("simifo", "robot-b", "pw-b", 1)
            .await
            .expect("set b");
        vault
            .set("simifo", "robot-a", "pw-a", 2)
            .await
            .expect("set a");
        vault
            .set("other", "robot-z", "pw-z", 3)
            .await
            .expect("other target");
        let mut got = Vec::new();
        for seat in [0, 1, 2, 3, -1] {
            let c = vault
                .credential_for("simifo", seat, &format!("robot-{seat}"), None, 10)
                .await
                .expect("credential");
            assert_eq!(c.password.expose(), format!("pw-{}", &c.username[6..]));
            got.push(c.username);
        }
        assert_eq!(
            got,
            ["robot-a", "robot-b", "robot-a", "robot-b", "robot-b"],
            "{}: seat mod count, by username",
            db.name
        );
        assert_eq!(
            store
                .robot_credential_uses("simifo", 10)
                .await
                .expect("uses")
                .len(),
            5,
            "{}",
            db.name
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_new_key_takes_over_and_the_old_one_no_longer_opens() {
    for (db, store) in stores().await {
        let old_key = key();
        let new_key = key();
        let third_key = key();
        let old = Vault::new(store.clone(), old_key.clone());
        old.set("simifo", "robot1", "pw-1", 1).await.expect("set");
        old.set("simifo", "robot2", "pw-2", 2).await.expect("set");
        let third = Vault::new(store.clone(), third_key.clone());
        third.set("other", "robot9", "pw-9", 3).await.expect("set");
        let before = store.all_active_robot_credentials().await.expect("rows");

        let new = Vault::new(store.clone(), new_key.clone());
        let wrong = new
            .credential_for("simifo", 0, "r", None, 4)
            .await
            .expect_err("not yet under the new key");
        assert!(
            wrong.to_string().contains(&format!(
                "encrypted with key {}, this vault has key {}",
                old_key.id(),
                new_key.id()
            )),
            "{}: {wrong}",
            db.name
        );

        assert_eq!(
            new.rekey(&old_key, 5).await.expect("rekey"),
            2,
            "{}",
            db.name
        );
        assert_eq!(
            new.rekey(&old_key, 6).await.expect("rekey again"),
            0,
            "{}: rows under the new key are skipped",
            db.name
        );
        let after = store.all_active_robot_credentials().await.expect("rows");
        for (b, a) in before.iter().zip(&after) {
            assert_eq!((&b.id, b.created_at), (&a.id, a.created_at), "{}", db.name);
            if b.target == "simifo" {
                assert_eq!(a.key_id, new_key.id(), "{}", db.name);
                assert_ne!(a.nonce, b.nonce, "{}: a fresh nonce", db.name);
            } else {
                assert_eq!(a, b, "{}: another key's rows are left alone", db.name);
            }
        }
        for (seat, password) in [(0, "pw-1"), (1, "pw-2")] {
            let c = new
                .credential_for("simifo", seat, "r", None, 7)
                .await
                .expect("decrypts under the new key");
            assert_eq!(c.password.expose(), password, "{}", db.name);
        }
        assert!(
            matches!(
                old.credential_for("simifo", 0, "r", None, 8).await,
                Err(VaultError::WrongKey { .. })
            ),
            "{}: the old key opens nothing any more",
            db.name
        );
        assert_eq!(
            third
                .credential_for("other", 0, "r", None, 9)
                .await
                .expect("third key")
                .password
                .expose(),
            "pw-9"
        );
        store.close().await;
    }
}

/// The password, and its hex form, must appear nowhere in the raw rows; the username
/// must (so the rows were really read).
#[tokio::test]
async fn no_password_is_stored_in_clear() {
    const PASSWORD: &str = "Klartext-lösenord-9f3c";
    const USERNAME: &str = "robotkonto-7e21";
    let hex: String = PASSWORD.bytes().map(|b| format!("{b:02x}")).collect();
    for (db, store) in stores().await {
        let vault = Vault::new(store.clone(), key());
        vault
            .set("simifo", USERNAME, PASSWORD, 1)
            .await
            .expect("set");
        vault
            .set("simifo", USERNAME, PASSWORD, 2)
            .await
            .expect("rotate");
        let c = vault
            .credential_for("simifo", 0, "r", Some("job"), 3)
            .await
            .expect("credential");
        assert_eq!(c.password.expose(), PASSWORD);
        for row in store.all_active_robot_credentials().await.expect("rows") {
            assert!(
                !row.secret
                    .windows(PASSWORD.len())
                    .any(|w| w == PASSWORD.as_bytes()),
                "{}",
                db.name
            );
        }
        let raw = raw_rows(&db, &store).await;
        assert!(
            raw.contains(USERNAME),
            "{}: the rows were not read ({} bytes)",
            db.name,
            raw.len()
        );
        assert!(!raw.contains(PASSWORD), "{}: password in clear", db.name);
        assert!(
            !raw.to_lowercase().contains(&hex),
            "{}: password in clear (hex)",
            db.name
        );
    }
}

/// Every column of `robot_credentials` and `robot_credential_uses`, as the database holds
/// them: on SQLite the bytes of the database files themselves, on PostgreSQL every row as
/// text through psql (bytea as hex).
async fn raw_rows(db: &flode_test_db::TestDb, store: &Store) -> String {
    if db.name == "sqlite" {
        store.close().await;
        let path = db.url.trim_start_matches("sqlite://");
        let mut bytes = Vec::new();
        for suffix in ["", "-wal", "-shm"] {
            if let Ok(b) = std::fs::read(format!("{path}{suffix}")) {
                bytes.extend(b);
            }
        }
        assert!(!bytes.is_empty(), "the SQLite file at {path}");
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        store.close().await;
        let out = std::process::Command::new("psql")
            .args([
                db.url.as_str(),
                "-Atc",
                "SELECT t::text FROM robot_credentials t; SELECT u::text FROM robot_credential_uses u",
            ])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}
