//! OpenID Connect sign-in against a fake provider on loopback (`support/fake_idp.rs`): the
//! code flow with PKCE, the ID token's checks one by one, key rotation, the sign-in in
//! progress kept in the store (SQLite, and PostgreSQL when reachable), and the citizen and
//! staff sign-ins that follow.

#[path = "support/fake_idp.rs"]
mod fake_idp;

use std::sync::atomic::Ordering;

use fake_idp::{
    CLIENT_ID, CLIENT_SECRET, EC_KEY_PEM, FakeIdp, KEY_PEM, OTHER_EC_KEY_PEM, OTHER_KEY_PEM,
    PERSONNUMMER,
};
use flode_security::oidc::LOGIN_TTL_MS;
use flode_security::{
    Auth, AuthOptions, Callback, CitizenAuth, CitizenSignInError, LoginError, NewUser, OidcClient,
    OidcConfig, OidcError, OidcFlow, OidcSignIn, Role, Roles,
};
use flode_store::{AuditEvent, StaffUserRecord, Store, StoreOptions};
use flode_test_db::TestDb;
use serde_json::json;

const REDIRECT: &str = "http://127.0.0.1:8080/e-tjanst/oidc/callback";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

async fn store(db: &TestDb) -> Store {
    let store = Store::connect(&StoreOptions::new(&db.url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    store
}

fn client(idp: &FakeIdp) -> OidcClient {
    OidcClient::new(OidcConfig {
        issuer: idp.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: REDIRECT.into(),
        scopes: vec!["profile".into()],
        acr_values: Vec::new(),
    })
    .expect("client")
}

/// What a browser does with the redirect to the provider: the provider's redirect back,
/// as the callback's query.
async fn visit(location: &str) -> Callback {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let r = http.get(location).send().await.expect("authorize");
    assert_eq!(r.status().as_u16(), 303);
    let back = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("redirect back")
        .to_owned();
    assert!(back.starts_with(REDIRECT), "{back}");
    let url = reqwest::Url::parse(&back).expect("url");
    let get = |k: &str| {
        url.query_pairs()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.into_owned())
    };
    Callback {
        code: get("code"),
        state: get("state"),
        error: get("error"),
        iss: None,
    }
}

/// Start, visit the provider, finish.
async fn sign_in(flow: &OidcSignIn) -> Result<flode_security::oidc::CompletedSignIn, OidcError> {
    let started = flow.start("/mina-sidor", now()).await.expect("start");
    let callback = visit(&started.location).await;
    flow.finish(Some(started.cookie.expose()), &callback, now())
        .await
}

fn refused(result: Result<flode_security::oidc::CompletedSignIn, OidcError>, why: &str) {
    match result {
        Err(OidcError::InvalidToken(reason)) => assert_eq!(reason, why),
        other => panic!("expected the ID token refused ({why}), got {other:?}"),
    }
}

#[tokio::test]
async fn code_flow_with_pkce_on_both_backends() {
    for db in flode_test_db::databases("flode_oidc") {
        let idp = FakeIdp::start().await;
        let flow = OidcSignIn::new(client(&idp), store(&db).await, OidcFlow::Citizen);

        let started = flow.start("/mina-sidor", now()).await.expect("start");
        let url = reqwest::Url::parse(&started.location).expect("url");
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let param = |k: &str| {
            query
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        assert!(
            started
                .location
                .starts_with(&format!("{}/authorize?", idp.issuer))
        );
        assert_eq!(param("scope"), "openid profile");
        assert_eq!(param("code_challenge_method"), "S256");
        assert_eq!(param("code_challenge").len(), 43);
        assert_eq!(param("redirect_uri"), REDIRECT);
        assert!(
            !started.location.contains("verifier"),
            "the verifier stays here"
        );

        let callback = visit(&started.location).await;
        let done = flow
            .finish(Some(started.cookie.expose()), &callback, now())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", db.name));
        assert_eq!(done.return_to, "/mina-sidor");
        let token = done.id_token;
        assert_eq!(token.issuer(), idp.issuer);
        assert_eq!(token.subject(), "pairwise-subject-1");
        assert!(token.reference().starts_with("jti-"));
        assert_eq!(token.claim_str("personal_number"), Some(PERSONNUMMER));
        assert!(
            !format!("{token:?}").contains(PERSONNUMMER),
            "Debug hides claims"
        );

        // The sign-in in progress is used up: the same callback again finds nothing.
        assert!(matches!(
            flow.finish(Some(started.cookie.expose()), &callback, now())
                .await,
            Err(OidcError::UnknownAttempt)
        ));
        assert_eq!(idp.exchanges.load(Ordering::Relaxed), 1);
    }
}

#[tokio::test]
async fn client_secret_post_when_the_provider_offers_only_that() {
    let db = flode_test_db::sqlite();
    let idp = FakeIdp::start().await;
    idp.set(|b| b.post_auth = true);
    let flow = OidcSignIn::new(client(&idp), store(&db).await, OidcFlow::Staff);
    sign_in(&flow)
        .await
        .expect("signed in with client_secret_post");
}

#[tokio::test]
async fn the_callback_must_match_the_sign_in_in_progress() {
    let db = flode_test_db::sqlite();
    let idp = FakeIdp::start().await;
    let store = store(&db).await;
    let flow = OidcSignIn::new(client(&idp), store.clone(), OidcFlow::Citizen);

    // A forged state (login CSRF): refused before the code is exchanged.
    idp.set(|b| b.state = Some("forged".into()));
    assert!(matches!(
        sign_in(&flow).await,
        Err(OidcError::StateMismatch)
    ));
    idp.reset();

    // No cookie (another browser), or a cookie of nothing.
    let started = flow.start("/", now()).await.expect("start");
    let callback = visit(&started.location).await;
    assert!(matches!(
        flow.finish(None, &callback, now()).await,
        Err(OidcError::UnknownAttempt)
    ));
    assert!(matches!(
        flow.finish(Some("0000"), &callback, now()).await,
        Err(OidcError::UnknownAttempt)
    ));

    // Too late.
    let started = flow.start("/", now()).await.expect("start");
    let callback = visit(&started.location).await;
    assert!(matches!(
        flow.finish(
            Some(started.cookie.expose()),
            &callback,
            now() + LOGIN_TTL_MS + 1
        )
        .await,
        Err(OidcError::UnknownAttempt)
    ));

    // A staff callback cannot finish a citizen's sign-in.
    let staff = OidcSignIn::new(client(&idp), store, OidcFlow::Staff);
    let started = flow.start("/", now()).await.expect("start");
    let callback = visit(&started.location).await;
    assert!(matches!(
        staff
            .finish(Some(started.cookie.expose()), &callback, now())
            .await,
        Err(OidcError::UnknownAttempt)
    ));

    // The mix-up defence: another issuer answering.
    let started = flow.start("/", now()).await.expect("start");
    let mut callback = visit(&started.location).await;
    callback.iss = Some("https://evil.example".into());
    assert!(matches!(
        flow.finish(Some(started.cookie.expose()), &callback, now())
            .await,
        Err(OidcError::StateMismatch)
    ));

    // The person cancelled at the provider.
    idp.set(|b| b.error = Some("access_denied".into()));
    match sign_in(&flow).await {
        Err(OidcError::Cancelled(e)) => assert_eq!(e, "access_denied"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        idp.exchanges.load(Ordering::Relaxed),
        0,
        "no code exchanged"
    );
}

#[tokio::test]
async fn id_tokens_are_checked() {
    let db = flode_test_db::sqlite();
    let idp = FakeIdp::start().await;
    let flow = OidcSignIn::new(client(&idp), store(&db).await, OidcFlow::Citizen);
    let secs = now() / 1000;
    let cases = [
        (json!({"nonce": "another"}), "wrong nonce"),
        (json!({"nonce": null}), "wrong nonce"),
        (json!({"exp": secs - 120, "iat": secs - 400}), "expired"),
        (json!({"iat": secs + 600}), "issued in the future"),
        (
            json!({"iat": secs - 3600, "exp": secs + 300}),
            "issued too long ago",
        ),
        (json!({"nbf": secs + 600}), "not yet valid"),
        (json!({"exp": null}), "no exp"),
        (json!({"aud": "another-client"}), "wrong audience"),
        (json!({"aud": ["another-client"]}), "wrong audience"),
        (
            json!({"aud": [CLIENT_ID, "another"]}),
            "several audiences and no azp",
        ),
        (json!({"azp": "another"}), "wrong azp"),
        (json!({"iss": "https://evil.example"}), "wrong issuer"),
        (json!({"sub": null}), "no sub"),
    ];
    for (claims, why) in cases {
        idp.set(|b| b.claims = claims.clone());
        refused(sign_in(&flow).await, why);
    }
    // Within the leeway, and several audiences with azp: fine.
    idp.set(|b| b.claims = json!({"exp": secs - 30}));
    sign_in(&flow)
        .await
        .expect("expired 30 s ago: within the leeway");
    idp.set(|b| b.claims = json!({"aud": [CLIENT_ID, "another"], "azp": CLIENT_ID}));
    sign_in(&flow).await.expect("azp names flode");
    // Without jti the reference is the session id, else a hash of the token.
    idp.set(|b| b.claims = json!({"jti": null, "sid": "session-7"}));
    assert_eq!(
        sign_in(&flow).await.expect("ok").id_token.reference(),
        "session-7"
    );
    idp.set(|b| b.claims = json!({"jti": null}));
    assert!(
        sign_in(&flow)
            .await
            .expect("ok")
            .id_token
            .reference()
            .starts_with("sha256:")
    );
}

#[tokio::test]
async fn providers_signing_with_rsa_pss_or_p256_are_verified() {
    use jsonwebtoken::Algorithm;
    let db = flode_test_db::sqlite();
    // Swedish providers sign with RS256 mostly, some with PS256 or ES256.
    for (alg, pem, other) in [
        (Algorithm::PS256, KEY_PEM, OTHER_KEY_PEM),
        (Algorithm::ES256, EC_KEY_PEM, OTHER_EC_KEY_PEM),
    ] {
        let idp = FakeIdp::start().await;
        idp.set(|b| {
            b.alg = alg;
            b.signing_pem = pem;
            b.published = vec![("k1".into(), pem)];
        });
        let flow = OidcSignIn::new(client(&idp), store(&db).await, OidcFlow::Citizen);
        let done = sign_in(&flow)
            .await
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(
            done.id_token.claim_str("personal_number"),
            Some(PERSONNUMMER)
        );
        // The same algorithm with a key the provider does not hold is refused.
        idp.set(|b| b.signing_pem = other);
        refused(sign_in(&flow).await, "bad signature");
    }
}

#[tokio::test]
async fn signatures_are_checked_and_keys_refetched_once_on_rotation() {
    let db = flode_test_db::sqlite();
    let idp = FakeIdp::start().await;
    let flow = OidcSignIn::new(client(&idp), store(&db).await, OidcFlow::Citizen);
    sign_in(&flow).await.expect("first sign-in");
    assert_eq!(idp.jwks_fetches.load(Ordering::Relaxed), 1);
    sign_in(&flow).await.expect("cached keys");
    assert_eq!(idp.jwks_fetches.load(Ordering::Relaxed), 1, "cached");

    // Signed with another key under the provider's key id: refused, and no refetch (the
    // key id is known).
    idp.set(|b| b.signing_pem = OTHER_KEY_PEM);
    refused(sign_in(&flow).await, "bad signature");
    assert_eq!(idp.jwks_fetches.load(Ordering::Relaxed), 1);

    // The provider rotates to a new key: the unknown key id makes flode fetch once more.
    idp.set(|b| {
        b.kid = "k2".into();
        b.published.push(("k2".into(), OTHER_KEY_PEM));
    });
    sign_in(&flow).await.expect("rotated key");
    assert_eq!(idp.jwks_fetches.load(Ordering::Relaxed), 2);

    // A key id the provider does not publish: one refetch, then refused.
    idp.set(|b| b.kid = "k3".into());
    refused(sign_in(&flow).await, "signed with an unknown key");
    assert_eq!(idp.jwks_fetches.load(Ordering::Relaxed), 3);
}

#[tokio::test]
async fn citizens_sign_in_with_a_checked_personnummer() {
    let db = flode_test_db::sqlite();
    let idp = FakeIdp::start().await;
    let store = store(&db).await;
    let flow = OidcSignIn::new(client(&idp), store.clone(), OidcFlow::Citizen);
    let citizens = CitizenAuth::new(store);

    let token = sign_in(&flow).await.expect("signed in").id_token;
    let id = citizens
        .sign_in_oidc(&token, "personal_number", now())
        .await
        .expect("session");
    let who = citizens
        .session(id.expose(), now())
        .await
        .expect("store")
        .expect("live");
    assert_eq!(who.personnummer, PERSONNUMMER);
    assert_eq!(who.name, "Tova Testperson");
    assert_eq!(who.auth_ref, token.reference());

    // given_name + family_name when there is no name; another claim name.
    idp.set(|b| b.claims = json!({"name": null, "ssn": "19990664-4043"}));
    let token = sign_in(&flow).await.expect("signed in").id_token;
    let id = citizens
        .sign_in_oidc(&token, "ssn", now())
        .await
        .expect("session");
    let who = citizens
        .session(id.expose(), now())
        .await
        .expect("store")
        .expect("live");
    assert_eq!(who.personnummer, "199906644043");
    assert_eq!(who.name, "Tova Testperson");

    for (claims, missing) in [
        (json!({"personal_number": null}), true),
        (json!({"personal_number": ""}), true),
        (json!({"personal_number": "199204722021"}), false),
        (json!({"personal_number": "pairwise-id"}), false),
        (json!({"personal_number": 199204722020_u64}), true),
    ] {
        idp.set(|b| b.claims = claims.clone());
        let token = sign_in(&flow).await.expect("signed in").id_token;
        let result = citizens
            .sign_in_oidc(&token, "personal_number", now())
            .await;
        match (result, missing) {
            (Err(CitizenSignInError::MissingPersonnummer(c)), true)
            | (Err(CitizenSignInError::InvalidPersonnummer(c)), false) => {
                assert_eq!(c, "personal_number")
            }
            (other, _) => panic!("{claims}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn staff_sign_in_maps_to_local_accounts() {
    let db = flode_test_db::sqlite();
    let idp = FakeIdp::start().await;
    let store = store(&db).await;
    let flow = OidcSignIn::new(client(&idp), store.clone(), OidcFlow::Staff);
    let auth = Auth::new(store.clone(), AuthOptions::default());
    auth.add_user(
        NewUser {
            username: "hanna".into(),
            display_name: "Hanna Handläggare".into(),
            password: "ett långt lösenord".into(),
            roles: Roles::of(&[Role::Socialsekreterare]),
        },
        "cli",
        now(),
    )
    .await
    .expect("user");
    store
        .create_staff_user(
            &StaffUserRecord {
                id: "u-2".into(),
                username: "bo".into(),
                display_name: "Bo Avstängd".into(),
                password_hash: "x".into(),
                roles: vec!["admin".into()],
                created_at: now(),
                disabled_at: Some(now()),
            },
            &AuditEvent {
                id: "a-1".into(),
                at: now(),
                kind: "user_created".into(),
                actor: Some("cli".into()),
                client_ip: None,
                detail: json!({}),
            },
        )
        .await
        .expect("disabled user");

    let token = sign_in(&flow).await.expect("signed in").id_token;
    let session = auth
        .login_oidc(&token, "preferred_username", Some("10.0.0.9"), now())
        .await
        .expect("session");
    assert_eq!(session.principal.name, "hanna");
    assert!(session.principal.roles.contains(Role::Socialsekreterare));
    let back = auth
        .session(session.id.expose(), now())
        .await
        .expect("store")
        .expect("live");
    assert_eq!(back.name, "hanna");

    for (claims, reason) in [
        (json!({"preferred_username": "okand"}), "unknown_user"),
        (json!({"preferred_username": "Bo"}), "disabled"),
        (json!({"preferred_username": null}), "missing_claim"),
    ] {
        idp.set(|b| b.claims = claims.clone());
        let token = sign_in(&flow).await.expect("signed in").id_token;
        assert!(matches!(
            auth.login_oidc(&token, "preferred_username", Some("10.0.0.9"), now())
                .await,
            Err(LoginError::Invalid)
        ));
        let last = store.audit_events(1).await.expect("audit").remove(0);
        assert_eq!(last.kind, "login_failed");
        assert_eq!(last.detail["reason"], reason, "{claims}");
        assert_eq!(last.detail["method"], "oidc");
        assert_eq!(last.detail["idp"], idp.issuer.as_str());
        assert_eq!(last.client_ip.as_deref(), Some("10.0.0.9"));
    }
    let events = store.audit_events(10).await.expect("audit");
    let ok = events
        .iter()
        .find(|e| e.kind == "login_succeeded")
        .expect("success audited");
    assert_eq!(ok.actor.as_deref(), Some("hanna"));
    assert_eq!(ok.detail["method"], "oidc");
}

#[tokio::test]
async fn a_wrong_issuer_in_discovery_is_refused() {
    let idp = FakeIdp::start().await;
    let client = OidcClient::new(OidcConfig {
        issuer: format!("{}/", idp.issuer),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: REDIRECT.into(),
        scopes: Vec::new(),
        acr_values: Vec::new(),
    })
    .expect("client");
    assert!(matches!(
        client.discover().await,
        Err(OidcError::Provider(_))
    ));
    client_ok(&idp).await;
}

async fn client_ok(idp: &FakeIdp) {
    client(idp).discover().await.expect("discovery");
}

#[tokio::test]
async fn an_assurance_level_is_asked_for_and_required_when_configured() {
    const LOA3: &str = "http://id.elegnamnden.se/loa/1.0/loa3";
    let db = flode_test_db::sqlite();
    let idp = FakeIdp::start().await;
    let client = OidcClient::new(OidcConfig {
        issuer: idp.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: REDIRECT.into(),
        scopes: vec!["profile".into()],
        acr_values: vec![LOA3.into()],
    })
    .expect("client");
    let flow = OidcSignIn::new(client, store(&db).await, OidcFlow::Citizen);
    let started = flow.start("/mina-sidor", now()).await.expect("start");
    let url = reqwest::Url::parse(&started.location).expect("url");
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "acr_values" && v == LOA3),
        "{url}"
    );
    idp.set(|b| b.claims = json!({"acr": LOA3}));
    sign_in(&flow).await.expect("loa3 is accepted");
    for acr in [json!("http://id.elegnamnden.se/loa/1.0/loa2"), json!(null)] {
        idp.set(|b| b.claims = json!({ "acr": acr }));
        refused(sign_in(&flow).await, "assurance level (acr) not accepted");
    }
}
