//! The sign-in story over the store, on SQLite and (when reachable; required with
//! FLODE_REQUIRE_PG=1 or in CI) PostgreSQL: accounts, sessions with expiry, sign-out, API
//! tokens and revocation, the lockout, and the audit lines each leaves.

use flode_security::{
    Auth, AuthOptions, Error, LoginError, NewUser, PrincipalKind, Role, Roles, SessionPolicy,
};
use flode_store::{Store, StoreOptions};
use flode_test_db::TestDb;

const T0: i64 = 1_767_225_600_000;
const MIN: i64 = 60_000;

async fn auth(db: &TestDb) -> Auth {
    let store = Store::connect(&StoreOptions::new(&db.url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    Auth::new(store, AuthOptions::default())
}

fn anna() -> NewUser {
    NewUser {
        username: "Anna".into(),
        display_name: "Anna Berg".into(),
        password: "rätt lösenord 1".into(),
        roles: Roles::of(&[Role::Socialsekreterare, Role::ForsteSocialsekreterare]),
    }
}

#[tokio::test]
async fn accounts_sessions_and_sign_out() {
    for db in flode_test_db::databases("flode_auth") {
        let auth = auth(&db).await;
        let user = auth.add_user(anna(), "cli", T0).await.expect("add user");
        assert_eq!(user.username, "anna", "{}", db.name);
        assert!(user.password_hash.starts_with("$argon2id$"));
        assert!(matches!(
            auth.add_user(anna(), "cli", T0).await,
            Err(Error::Conflict(_))
        ));
        let weak = NewUser {
            username: "bo".into(),
            password: "kort".into(),
            ..anna()
        };
        assert!(matches!(
            auth.add_user(weak, "cli", T0).await,
            Err(Error::Invalid(_))
        ));

        let s = auth
            .login("ANNA", "rätt lösenord 1", Some("10.0.0.1"), T0)
            .await
            .expect("sign in");
        assert_eq!(s.principal.name, "anna");
        assert!(s.principal.roles.contains(Role::ForsteSocialsekreterare));
        assert!(matches!(s.principal.kind, PrincipalKind::Staff { .. }));
        let id = s.id.expose().to_owned();
        // Only the hash is stored.
        let stored = auth
            .store()
            .staff_session(&flode_security::secret::hash(&id))
            .await
            .expect("read")
            .expect("session");
        assert_ne!(stored.0.id_hash, id);

        // Activity keeps the session alive past the idle time...
        let idle = SessionPolicy::default().idle_ms;
        assert!(auth.session(&id, T0 + 20 * MIN).await.expect("s").is_some());
        assert!(
            auth.session(&id, T0 + 45 * MIN).await.expect("s").is_some(),
            "{}",
            db.name
        );
        // ...but not past it without any.
        assert!(
            auth.session(&id, T0 + 45 * MIN + idle)
                .await
                .expect("s")
                .is_none()
        );
        assert!(auth.session("nonsense", T0).await.expect("s").is_none());

        // Absolute expiry, however active.
        let s2 = auth
            .login("anna", "rätt lösenord 1", None, T0)
            .await
            .expect("sign in");
        let id2 = s2.id.expose().to_owned();
        let mut t = T0;
        while t + 20 * MIN < T0 + SessionPolicy::default().absolute_ms {
            t += 20 * MIN;
            assert!(auth.session(&id2, t).await.expect("s").is_some(), "at {t}");
        }
        assert!(
            auth.session(&id2, T0 + SessionPolicy::default().absolute_ms)
                .await
                .expect("s")
                .is_none()
        );

        // Sign-out ends the session.
        let s3 = auth
            .login("anna", "rätt lösenord 1", None, T0)
            .await
            .expect("sign in");
        let id3 = s3.id.expose().to_owned();
        auth.logout(&id3, Some("10.0.0.1"), T0 + 1)
            .await
            .expect("logout");
        assert!(auth.session(&id3, T0 + 2).await.expect("s").is_none());
        auth.logout(&id3, None, T0 + 3)
            .await
            .expect("twice is fine");

        let kinds: Vec<String> = auth
            .store()
            .audit_events(50)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "logout",
                "login_succeeded",
                "login_succeeded",
                "login_succeeded",
                "user_created"
            ],
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn failures_are_audited_without_secrets_and_lock() {
    for db in flode_test_db::databases("flode_auth") {
        let auth = auth(&db).await;
        auth.add_user(anna(), "cli", T0).await.expect("add");
        let e = auth
            .login("anna", "fel lösenord", Some("10.0.0.9"), T0)
            .await;
        assert!(matches!(e, Err(LoginError::Invalid)));
        let e = auth.login("okand", "hemligt-i-fel-falt", None, T0).await;
        assert!(
            matches!(e, Err(LoginError::Invalid)),
            "same answer for an unknown user"
        );
        for i in 0..3 {
            let e = auth.login("anna", "fel lösenord", None, T0 + i).await;
            assert!(matches!(e, Err(LoginError::Invalid)));
        }
        // The fifth failure locks; then even the right password is refused.
        let e = auth.login("anna", "fel lösenord", None, T0 + 10).await;
        assert!(matches!(e, Err(LoginError::Locked { .. })), "{e:?}");
        let e = auth.login("anna", "rätt lösenord 1", None, T0 + 11).await;
        assert!(matches!(e, Err(LoginError::Locked { .. })));
        // 15 minutes after the first failure it opens again.
        auth.login("anna", "rätt lösenord 1", None, T0 + 15 * MIN + 1)
            .await
            .expect("unlocked");

        let events = auth.store().audit_events(50).await.expect("audit");
        let all = format!("{events:?}");
        for secret in [
            "fel lösenord",
            "rätt lösenord",
            "hemligt-i-fel-falt",
            "okand",
        ] {
            assert!(
                !all.contains(secret),
                "{secret:?} leaked into the audit log: {all}"
            );
        }
        let failed: Vec<_> = events.iter().filter(|e| e.kind == "login_failed").collect();
        assert_eq!(failed.len(), 6, "{}", db.name);
        assert!(
            failed
                .iter()
                .any(|e| e.actor.is_none() && e.detail["reason"] == "unknown_user")
        );
        assert!(
            failed
                .iter()
                .any(|e| e.client_ip.as_deref() == Some("10.0.0.9"))
        );
        assert_eq!(
            events.iter().filter(|e| e.kind == "login_locked").count(),
            1
        );
    }
}

#[tokio::test]
async fn api_tokens_work_until_revoked() {
    for db in flode_test_db::databases("flode_auth") {
        let auth = auth(&db).await;
        let (record, token) = auth
            .add_token(
                "diarium-worker",
                Roles::of(&[Role::Socialsekreterare]),
                "cli",
                T0,
            )
            .await
            .expect("token");
        assert_ne!(record.token_hash, token.expose());
        let p = auth
            .bearer(token.expose())
            .await
            .expect("b")
            .expect("known");
        assert_eq!(p.name, "diarium-worker");
        assert!(matches!(p.kind, PrincipalKind::Service { .. }));
        assert!(auth.bearer("flode_unknown").await.expect("b").is_none());
        assert!(matches!(
            auth.add_token("diarium-worker", Roles::of(&[Role::Admin]), "cli", T0)
                .await,
            Err(Error::Conflict(_))
        ));
        assert!(
            auth.revoke_token("diarium-worker", "cli", T0 + 1)
                .await
                .expect("revoke")
        );
        assert!(
            !auth
                .revoke_token("diarium-worker", "cli", T0 + 2)
                .await
                .expect("again")
        );
        assert!(
            auth.bearer(token.expose()).await.expect("b").is_none(),
            "{}",
            db.name
        );
        assert_eq!(auth.store().api_tokens().await.expect("list").len(), 1);
    }
}

#[tokio::test]
async fn demo_users_are_seeded_once() {
    for db in flode_test_db::databases("flode_auth") {
        let auth = auth(&db).await;
        assert_eq!(auth.seed_demo_users(T0).await.expect("seed").len(), 3);
        assert!(auth.seed_demo_users(T0).await.expect("again").is_empty());
        for (user, password, _, _) in flode_security::DEMO_USERS {
            auth.login(user, password, None, T0)
                .await
                .expect("demo sign-in");
        }
        assert_eq!(
            auth.store().staff_users().await.expect("users").len(),
            3,
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_citizen_session_ends_when_idle_and_at_the_latest_after_four_hours() {
    use flode_security::citizen::{CITIZEN_SESSION_MAX_MS, CITIZEN_SESSION_MS};
    use flode_security::{CitizenAuth, TestPerson};
    for db in flode_test_db::databases("flode_auth") {
        let store = Store::connect(&StoreOptions::new(&db.url))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let citizens = CitizenAuth::new(store);
        let person = TestPerson {
            personnummer: "199204722020".into(),
            name: "Alva Andersson".into(),
            description: String::new(),
        };
        let id = citizens.sign_in_test(&person, T0).await.expect("sign in");
        let id = id.expose();
        // Used every 15 minutes: it lives on, each use moving its end.
        let mut t = T0;
        while t + 15 * MIN < T0 + CITIZEN_SESSION_MAX_MS {
            t += 15 * MIN;
            assert!(
                citizens.session(id, t).await.expect("session").is_some(),
                "{}: active at +{} min",
                db.name,
                (t - T0) / MIN
            );
        }
        // Never past four hours from sign-in, however active.
        assert!(
            citizens
                .session(id, T0 + CITIZEN_SESSION_MAX_MS)
                .await
                .expect("session")
                .is_none(),
            "{}",
            db.name
        );
        // Idle longer than the limit: gone.
        let other = citizens.sign_in_test(&person, T0).await.expect("sign in");
        let other = other.expose();
        assert!(
            citizens
                .session(other, T0 + 5 * MIN)
                .await
                .expect("s")
                .is_some()
        );
        assert!(
            citizens
                .session(other, T0 + 5 * MIN + CITIZEN_SESSION_MS + 1)
                .await
                .expect("s")
                .is_none(),
            "{}",
            db.name
        );
    }
}

/// The joined read behind the application's pages: the session, and the application only
/// if it is the session's person's own.
#[tokio::test]
async fn a_citizen_session_reads_only_its_own_application_with_it() {
    use flode_security::{CitizenAuth, TestPerson};
    use flode_store::ApplicationRecord;
    for db in flode_test_db::databases("flode_auth") {
        let store = Store::connect(&StoreOptions::new(&db.url))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let citizens = CitizenAuth::new(store.clone());
        let person = |personnummer: &str, name: &str| TestPerson {
            personnummer: personnummer.into(),
            name: name.into(),
            description: String::new(),
        };
        let alva = citizens
            .sign_in_test(&person("199204722020", "Alva Andersson"), T0)
            .await
            .expect("sign in");
        let bo = citizens
            .sign_in_test(&person("199906644043", "Bo Berg"), T0)
            .await
            .expect("sign in");
        let draft = ApplicationRecord {
            id: "ansokan-1".into(),
            kind: "forsorjningsstod".into(),
            applicant: "199204722020".into(),
            month: "2026-12".into(),
            state: "draft".into(),
            answers: serde_json::json!({"manad": "2026-12"}),
            auth_ref: None,
            created_at: T0,
            updated_at: T0,
            submitted_at: None,
        };
        store.insert_application(&draft).await.expect("insert");
        let read = |id: &str, application: &str| {
            let citizens = citizens.clone();
            let (id, application) = (id.to_owned(), application.to_owned());
            async move {
                citizens
                    .session_with_application(&id, T0 + MIN, &application)
                    .await
                    .expect("read")
            }
        };

        let (who, found) = read(alva.expose(), "ansokan-1").await.expect("live");
        assert_eq!(who.personnummer, "199204722020", "{}", db.name);
        assert_eq!(found.as_ref(), Some(&draft), "{}: her own draft", db.name);
        let (who, found) = read(bo.expose(), "ansokan-1").await.expect("live");
        assert_eq!(who.personnummer, "199906644043", "{}", db.name);
        assert_eq!(found, None, "{}: not another person's", db.name);
        let (_, found) = read(alva.expose(), "ansokan-2").await.expect("live");
        assert_eq!(found, None, "{}: no such application", db.name);

        citizens
            .sign_out(alva.expose(), T0 + 2 * MIN)
            .await
            .expect("sign out");
        assert!(
            read(alva.expose(), "ansokan-1").await.is_none(),
            "{}: a signed-out session reads nothing",
            db.name
        );
    }
}

#[tokio::test]
async fn ended_sessions_are_deleted_and_live_ones_kept() {
    use flode_security::citizen::CITIZEN_SESSION_MS;
    use flode_security::{CitizenAuth, TestPerson};
    for db in flode_test_db::databases("flode_auth") {
        let auth = auth(&db).await;
        auth.add_user(anna(), "cli", T0).await.expect("add user");
        let idle = SessionPolicy::default().idle_ms;
        let citizens = CitizenAuth::new(auth.store().clone());
        let person = TestPerson {
            personnummer: "199204722020".into(),
            name: "Alva Andersson".into(),
            description: String::new(),
        };

        // Staff: one signed out, one left idle, one in use.
        let login = |t| auth.login("anna", "rätt lösenord 1", None, t);
        let out = login(T0).await.expect("sign in").id.expose().to_owned();
        auth.logout(&out, None, T0 + MIN).await.expect("sign out");
        let idle_one = login(T0).await.expect("sign in").id.expose().to_owned();
        let busy = login(T0).await.expect("sign in").id.expose().to_owned();
        // Citizens: one signed out, one left idle, one in use.
        let c_out = citizens.sign_in_test(&person, T0).await.expect("c");
        citizens
            .sign_out(c_out.expose(), T0 + MIN)
            .await
            .expect("out");
        let c_idle = citizens.sign_in_test(&person, T0).await.expect("c");
        let c_busy = citizens.sign_in_test(&person, T0).await.expect("c");

        let later = T0 + idle.max(CITIZEN_SESSION_MS) + 2 * MIN;
        // The busy ones are used now and then.
        assert!(
            auth.session(&busy, T0 + 15 * MIN)
                .await
                .expect("s")
                .is_some()
        );
        assert!(
            citizens
                .session(c_busy.expose(), T0 + 15 * MIN)
                .await
                .expect("s")
                .is_some()
        );
        assert!(auth.session(&busy, later - MIN).await.expect("s").is_some());
        assert!(
            citizens
                .session(c_busy.expose(), later - MIN)
                .await
                .expect("s")
                .is_some()
        );
        assert_eq!(
            auth.delete_ended_sessions(later).await.expect("staff"),
            2,
            "{}: the signed-out and the idle staff session",
            db.name
        );
        assert_eq!(
            citizens
                .delete_ended_sessions(later)
                .await
                .expect("citizens"),
            2,
            "{}: the signed-out and the idle citizen session",
            db.name
        );
        // The live ones still work; the others are gone from the store.
        assert!(auth.session(&busy, later).await.expect("s").is_some());
        assert!(
            citizens
                .session(c_busy.expose(), later)
                .await
                .expect("s")
                .is_some()
        );
        for gone in [&out, &idle_one] {
            let hash = flode_security::secret::hash(gone);
            assert!(
                auth.store()
                    .staff_session(&hash)
                    .await
                    .expect("read")
                    .is_none()
            );
        }
        assert!(
            citizens
                .session(c_idle.expose(), later)
                .await
                .expect("s")
                .is_none()
        );
        assert_eq!(
            citizens.delete_ended_sessions(later).await.expect("again"),
            0,
            "{}",
            db.name
        );
    }
}
