//! The e-service and the casework pages through the router: a citizen signs in with the
//! test identity provider, applies page by page, submits (twice: one case), a social
//! worker decides, and the citizen sees the decision, the letter and the messages. Access
//! rules are tested like features: citizens and staff never reach each other's pages, and
//! no citizen reaches another's case.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use flode_casework::MODELS;
use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_security::{NewUser, Role, Roles, TestPerson};
use flode_store::{CaseDocumentRecord, Store, StoreOptions};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::helpers::{Reply, cookie_of, form_request};

/// An app with the shipped models, the test identity provider (if asked) and two staff
/// accounts: `hanna` (socialsekreterare) and `ivar` (admin); also used by `cases_api`.
pub(crate) struct EApp {
    pub(crate) router: Router,
    pub(crate) engine: Engine,
    _dir: TempDir,
}

fn people() -> Vec<TestPerson> {
    ["199204722020", "199906644043"]
        .iter()
        .enumerate()
        .map(|(i, p)| TestPerson {
            personnummer: (*p).into(),
            name: format!("Testperson {i}"),
            description: "Syntetisk".into(),
        })
        .collect()
}

pub(crate) async fn eapp(test_idp: bool) -> EApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("flode.db").display());
    let store = Store::connect(&StoreOptions::new(url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let engine = Engine::new(store, Arc::new(SystemClock), EngineOptions::default())
        .await
        .expect("engine");
    for (name, xml) in MODELS {
        engine.deploy(name, xml).await.expect("deploy");
    }
    let state = flode_web::AppState::new(engine.clone()).with_config(flode_web::WebConfig {
        test_people: if test_idp { people() } else { Vec::new() },
        ..flode_web::WebConfig::default()
    });
    for (username, role) in [("hanna", Role::Socialsekreterare), ("ivar", Role::Admin)] {
        state
            .auth
            .add_user(
                NewUser {
                    username: username.into(),
                    display_name: format!("Test {username}"),
                    password: "ett långt lösenord".into(),
                    roles: Roles::of(&[role]),
                },
                "test",
                engine.now(),
            )
            .await
            .expect("user");
    }
    EApp {
        router: flode_web::router(state),
        engine,
        _dir: dir,
    }
}

impl EApp {
    pub(crate) async fn send(&self, req: Request<Body>, cookie: &str) -> Reply {
        crate::helpers::send(&self.router, req, cookie).await
    }

    pub(crate) async fn get(&self, uri: &str, cookie: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("req"), cookie)
            .await
    }

    pub(crate) async fn post(&self, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
        self.send(form_request(uri, fields), cookie).await
    }

    pub(crate) async fn citizen(&self, index: &str) -> String {
        let r = self
            .post("/e-tjanst/logga-in", "", &[("person", index)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), "/mina-sidor");
        let cookie = cookie_of(&r);
        assert!(cookie.starts_with("flode_medborgare="), "{cookie}");
        cookie
    }

    pub(crate) async fn staff(&self, username: &str) -> String {
        let r = self
            .post(
                "/logga-in",
                "",
                &[
                    ("username", username),
                    ("password", "ett långt lösenord"),
                    ("tillbaka", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        cookie_of(&r)
    }

    /// Completes the one open job of `job_type`.
    pub(crate) async fn work(&self, job_type: &str, vars: Value) {
        let job = self.lease(job_type).await;
        self.engine
            .complete_job(&job, Some("test"), object(vars))
            .await
            .expect("complete");
    }

    /// Throws the BPMN error `code` with `vars` from the one open job of `job_type`, as its
    /// worker would.
    pub(crate) async fn throw(&self, job_type: &str, code: &str, vars: Value) {
        let job = self.lease(job_type).await;
        self.engine
            .throw_job_error(&job, Some("test"), code, object(vars))
            .await
            .expect("throw");
    }

    /// Leases the one open job of `job_type`; its id.
    async fn lease(&self, job_type: &str) -> String {
        let mut jobs = self
            .engine
            .activate_jobs(job_type, "test", 1, 60_000)
            .await
            .expect("activate");
        assert_eq!(jobs.len(), 1, "{job_type}");
        jobs.remove(0).job.id
    }
}

fn object(v: Value) -> serde_json::Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("an object"),
    }
}

/// Every page's answers for a whole application in `month`, the rent 6 850 kr.
pub(crate) fn whole_application(month: &str) -> Vec<(&'static str, Vec<(&'static str, &str)>)> {
    vec![
        ("manad", vec![("manad", month)]),
        ("hushall", vec![("sambo", "nej")]),
        ("barn", vec![("atgard", "fortsatt")]),
        ("kostnader", vec![("kostnad-housing", "6 850")]),
        ("inkomster", vec![]),
        ("tillgangar", vec![("tillgangar", "nej")]),
        ("ovriga-behov", vec![("ovriga-behov", "nej")]),
        ("forandringar", vec![("forandringar", "nej")]),
        ("samtycke", vec![("samtycke", "ja")]),
    ]
}

/// The first month offered on the month page.
pub(crate) fn first_month(html: &str) -> String {
    let at = html.find("name=\"manad\" value=\"").expect("a month radio") + 20;
    html[at..at + 7].to_owned()
}

fn case_id(location: &str) -> String {
    location
        .trim_start_matches("/mina-sidor/arenden/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_citizen_applies_and_a_social_worker_decides() {
    let app = eapp(true).await;

    // Mina sidor needs a citizen; the test identity provider is marked TEST.
    let r = app.get("/mina-sidor", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/e-tjanst/logga-in");
    let r = app.get("/e-tjanst/logga-in", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("TEST"));
    let r = app.post("/e-tjanst/logga-in", "", &[("person", "9")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Det finns ett problem"));
    let citizen = app.citizen("0").await;

    // The application, page by page; a page with a problem is shown again.
    let r = app.post("/mina-sidor/ansokan", &citizen, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let month_page = r.location().to_owned();
    assert!(month_page.ends_with("/manad"), "{month_page}");
    let base = month_page.trim_end_matches("/manad").to_owned();
    let page = app.get(&month_page, &citizen).await;
    assert_eq!(page.status, StatusCode::OK);
    let month = first_month(&page.text());
    let r = app
        .post(&month_page, &citizen, &[("manad", "1999-01")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(
        html.contains("<title>Fel: "),
        "the title says there is an error"
    );
    assert!(
        html.contains("href=\"#manad\""),
        "the summary links to the field"
    );
    for (slug, fields) in whole_application(&month) {
        let r = app.post(&format!("{base}/{slug}"), &citizen, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{slug}: {}", r.text());
    }
    let check = app.get(&format!("{base}/kontrollera"), &citizen).await;
    assert_eq!(check.status, StatusCode::OK);
    assert!(
        check.text().contains("6\u{a0}850\u{a0}kr"),
        "{}",
        check.text()
    );

    // Assets: a yes needs a description (the field named, the page shown again with the
    // answer kept); with one it is saved and shown on check your answers.
    let assets = format!("{base}/tillgangar");
    let page = app.get(&assets, &citizen).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<h1>Tillgångar</h1>"), "{html}");
    assert!(html.contains("Steg 6 av 9"), "{html}");
    assert!(html.contains("id=\"tillgangar-text\""), "{html}");
    let r = app.post(&assets, &citizen, &[("tillgangar", "ja")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("href=\"#tillgangar-text\""), "{html}");
    assert!(html.contains("id=\"tillgangar-text-error\""), "{html}");
    assert!(html.contains("Beskriv tillgångarna"), "{html}");
    assert!(
        html.contains("id=\"tillgangar\" name=\"tillgangar\" value=\"ja\" checked"),
        "the answer is kept: {html}"
    );
    let r = app
        .post(
            &assets,
            &citizen,
            &[
                ("tillgangar", "ja"),
                ("tillgangar-text", "Bil, värd cirka 30 000 kr"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.location().ends_with("/kontrollera"), "{}", r.location());
    let html = app
        .get(&format!("{base}/kontrollera"), &citizen)
        .await
        .text();
    assert!(html.contains("Tillgångar"), "{html}");
    assert!(html.contains("Ja: Bil, värd cirka 30 000 kr"), "{html}");
    assert!(html.contains("Övriga behov"), "{html}");

    // Submitted twice (a double click): one case, one receipt.
    let first = app
        .post(&format!("{base}/kontrollera"), &citizen, &[])
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    let second = app
        .post(&format!("{base}/kontrollera"), &citizen, &[])
        .await;
    assert_eq!(second.location(), first.location());
    let case = case_id(first.location());
    let receipt = app.get(first.location(), &citizen).await.text();
    assert!(receipt.contains("Din ansökan är skickad"));
    assert!(receipt.contains("-000001"), "the case number");
    // A submitted application cannot change.
    let r = app
        .post(&format!("{base}/hushall"), &citizen, &[("sambo", "ja")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Another citizen sees nothing of it; staff pages refuse citizens and vice versa.
    let other = app.citizen("1").await;
    assert_eq!(
        app.get(&format!("/mina-sidor/arenden/{case}"), &other)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("{base}/manad"), &other).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/arenden", &citizen).await.status,
        StatusCode::SEE_OTHER
    );
    let hanna = app.staff("hanna").await;
    assert_eq!(
        app.get("/mina-sidor", &hanna).await.status,
        StatusCode::SEE_OTHER
    );
    let ivar = app.staff("ivar").await;
    assert_eq!(
        app.get(&format!("/arenden/{case}"), &ivar).await.status,
        StatusCode::FORBIDDEN,
        "an admin runs the system but does not read cases"
    );

    // Data fetched and calculated; a first application goes to a social worker.
    app.work(
        "ssbtek.fetch",
        json!({"ssbtek": {"kallorMedFel": [], "inkomster": [], "skyddadIdentitet": false}}),
    )
    .await;
    app.work(
        "forsorjningsstod.calculate",
        json!({"berakning": {"support": 4590, "need": 9450, "rows": [
            {"section": "norm", "kind": "personal_cost", "amount": 3320, "reason": "Riksnorm för en vuxen"}
        ]}, "utfall": "deficit"}),
    )
    .await;
    let inbox = app.get("/arenden", &hanna).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.text().contains(&format!("/arenden/{case}")));
    let view = app.get(&format!("/arenden/{case}"), &hanna).await.text();
    assert!(
        view.contains("Riksnorm för en vuxen"),
        "the calculation with its reasons"
    );
    assert!(view.contains("Nyansökan"), "why a person decides");
    assert!(
        view.contains("value=\"4590\""),
        "the proposal prefills the amount"
    );
    assert!(
        view.contains("Test hanna"),
        "the read log shows who read it"
    );

    // A decision without motivering is refused with the error summary; then decided.
    let r = app
        .post(
            &format!("/arenden/{case}/beslut"),
            &hanna,
            &[("utfall", "bifall"), ("belopp", "4590"), ("lagrum-0", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#motivering\""));
    let r = app
        .post(
            &format!("/arenden/{case}/beslut"),
            &hanna,
            &[
                ("utfall", "bifall"),
                ("belopp", "4590"),
                ("motivering", "Behovet är styrkt."),
                ("lagrum-0", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.location().ends_with("meddelande=beslutat"));

    // Notes and messages; an empty one is refused.
    let r = app
        .post(
            &format!("/arenden/{case}/anteckning"),
            &hanna,
            &[("anteckning", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &format!("/arenden/{case}/anteckning"),
            &hanna,
            &[("anteckning", "Beslut fattat efter kontroll.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post(
            &format!("/arenden/{case}/meddelande"),
            &hanna,
            &[("meddelande", "Beslutet finns under ärendet.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post(
            &format!("/mina-sidor/arenden/{case}/meddelande"),
            &citizen,
            &[("meddelande", "Tack!")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The citizen sees the decision and the messages.
    let mine = app
        .get(&format!("/mina-sidor/arenden/{case}"), &citizen)
        .await
        .text();
    assert!(mine.contains("Bifall"), "{mine}");
    assert!(mine.contains("4\u{a0}590\u{a0}kr"));
    assert!(mine.contains("Beslutet finns under ärendet."));
    assert!(mine.contains("Tack!"));
    let staff_view = app.get(&format!("/arenden/{case}"), &hanna).await.text();
    assert!(staff_view.contains("Tack!"));
    assert!(staff_view.contains("Beslut fattat efter kontroll."));

    // A letter of the case: the citizen downloads it, nobody else does.
    let doc = CaseDocumentRecord {
        id: "brev-1".into(),
        case_id: case.clone(),
        kind: "beslutsbrev".into(),
        title: "Beslut".into(),
        media_type: "application/pdf".into(),
        text: "Beslut".into(),
        dedup_key: "k".into(),
        created_at: app.engine.now(),
    };
    app.engine
        .store()
        .insert_case_document(&doc, b"%PDF-1.7 test")
        .await
        .expect("document");
    let r = app.get("/mina-sidor/dokument/brev-1", &citizen).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/pdf");
    assert!(r.body.starts_with(b"%PDF"));
    assert_eq!(
        app.get("/mina-sidor/dokument/brev-1", &other).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/arenden/dokument/brev-1", &hanna).await.status,
        StatusCode::OK
    );

    // Signing out ends the session, not just the cookie; a test-person session has no
    // provider to sign out of.
    let r = app.post("/e-tjanst/logga-ut", &citizen, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/e-tjanst?meddelande=utloggad");
    assert_eq!(
        app.get("/mina-sidor", &citizen).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn without_a_test_identity_provider_there_is_no_test_sign_in() {
    let app = eapp(false).await;
    assert_eq!(
        app.get("/e-tjanst/logga-in", "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post("/e-tjanst/logga-in", "", &[("person", "0")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/e-tjanst", "").await.status, StatusCode::OK);
}
