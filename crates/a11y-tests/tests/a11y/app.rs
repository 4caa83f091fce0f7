//! The app under test: flode-web served on `127.0.0.1:0` over a temporary SQLite store,
//! seeded so that every page has something to show.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_store::{Store, StoreOptions};
use serde_json::{Map, Value, json};
use tempfile::TempDir;
use tokio::task::JoinHandle;

/// Camunda 8 style: start → user task → service task → end.
const ANSOKAN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/a11y">
  <bpmn:process id="ansokan" name="Ansökan om ekonomiskt bistånd" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="granska"/>
    <bpmn:userTask id="granska" name="Granska ansökan"/>
    <bpmn:sequenceFlow id="f2" sourceRef="granska" targetRef="registrera"/>
    <bpmn:serviceTask id="registrera" name="Registrera beslut">
      <bpmn:extensionElements><zeebe:taskDefinition type="diarium.registrera" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="registrera" targetRef="slut"/>
    <bpmn:endEvent id="slut"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// A script task that divides by zero: every instance stops at an incident.
const BERAKNING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/a11y">
  <bpmn:process id="berakning" name="Beräkning av norm" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="berakna"/>
    <bpmn:scriptTask id="berakna" name="Beräkna">
      <bpmn:extensionElements><zeebe:script expression="=1 / 0" resultVariable="norm"/></bpmn:extensionElements>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="berakna" targetRef="slut"/>
    <bpmn:endEvent id="slut"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// Start → end: instances that complete at once, to fill more than one page of instances.
const KVITTENS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="https://flode.example/a11y">
  <bpmn:process id="kvittens" name="Kvittens" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="slut"/>
    <bpmn:endEvent id="slut"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// The account the browser signs in with (every role, so every form is shown).
pub(crate) const USER: &str = "anna";
pub(crate) const PASSWORD: &str = "a11y-testlosenord";

/// The job type of the service task in [`ANSOKAN`].
const JOB_TYPE: &str = "diarium.registrera";

/// The running app; the server and its store live as long as this.
pub(crate) struct App {
    pub(crate) base_url: String,
    /// Seeded ids by placeholder name, for `pages.toml` routes.
    pub(crate) ids: BTreeMap<&'static str, String>,
    server: JoinHandle<()>,
    _dir: TempDir,
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Builds the store and engine, seeds them and serves the router.
pub(crate) async fn start() -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("flode.db").display());
    let store = Store::connect(&StoreOptions::new(url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let engine = Engine::new(store, Arc::new(SystemClock), EngineOptions::default())
        .await
        .expect("engine");
    let ids = seed(&engine).await;
    // OpenID Connect configured for citizens (e-legitimation) and staff, as in production,
    // beside the test identity provider and the password form: the sign-in pages show both
    // ways in. The provider is never reached (nothing listens on port 9); the pages that
    // would need it are the callbacks of sign-ins this browser never started.
    let oidc = |callback: &str| {
        flode_security::OidcClient::new(flode_security::OidcConfig {
            issuer: "http://127.0.0.1:9".into(),
            client_id: "flode-a11y".into(),
            client_secret: "a11y-hemlighet".into(),
            redirect_uri: format!("http://127.0.0.1:9{callback}"),
            scopes: vec!["profile".into()],
            acr_values: Vec::new(),
        })
        .expect("an OIDC client")
    };
    let state = flode_web::AppState::new(engine)
        .with_config(flode_web::WebConfig {
            test_people: vec![citizen()],
            ..flode_web::WebConfig::default()
        })
        .with_citizen_oidc(oidc("/e-tjanst/oidc/callback"))
        .with_staff_oidc(oidc("/logga-in/oidc/callback"));
    state
        .auth
        .add_user(
            flode_security::NewUser {
                username: USER.to_owned(),
                display_name: "Anna Andersson".to_owned(),
                password: PASSWORD.to_owned(),
                roles: flode_security::Roles::of(&flode_security::Role::ALL),
            },
            "a11y",
            state.engine.now(),
        )
        .await
        .expect("add the test account");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr: SocketAddr = listener.local_addr().expect("local addr");
    let router = flode_web::router(state);
    let server = tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    App {
        base_url: format!("http://{addr}"),
        ids,
        server,
        _dir: dir,
    }
}

fn vars(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("variables must be an object: {other}"),
    }
}

/// Deploys three models and runs instances into every state the pages show.
async fn seed(engine: &Engine) -> BTreeMap<&'static str, String> {
    let mut ids = BTreeMap::new();
    let deployed = engine
        .deploy("ansokan.bpmn", ANSOKAN)
        .await
        .expect("deploy ansokan");
    ids.insert("definition", deployed[0].id.clone());
    engine
        .deploy("berakning.bpmn", BERAKNING)
        .await
        .expect("deploy berakning");
    engine
        .deploy("kvittens.bpmn", KVITTENS)
        .await
        .expect("deploy kvittens");

    // 51 finished instances: one more than a page of the instance list.
    for n in 0..51 {
        engine
            .start(
                "kvittens",
                Map::new(),
                Some(format!("2026-{:04}", 1000 + n)),
            )
            .await
            .expect("start kvittens");
    }

    // Through the user task to the service job, which then fails: an incident.
    let failing = start_ansokan(engine, "2026-0101", 12_500).await;
    complete_task(engine, &failing, "Handläggare Anna").await;
    // Through the user task, job completed: a finished instance.
    let done = start_ansokan(engine, "2026-0102", 4_000).await;
    complete_task(engine, &done, "Handläggare Bo").await;
    // Cancelled while waiting at the user task.
    let cancelled = start_ansokan(engine, "2026-0103", 800).await;
    engine
        .cancel_instance(&cancelled)
        .await
        .expect("cancel instance");
    // Waiting at the user task: the task list has two forms.
    start_ansokan(engine, "2026-0104", 9_900).await;
    start_ansokan(engine, "2026-0105", 2_300).await;

    let jobs = engine
        .activate_jobs(JOB_TYPE, "a11y-worker", 10, 60_000)
        .await
        .expect("activate jobs");
    for activated in jobs {
        let job = &activated.job;
        if job.instance_id.as_deref() == Some(failing.as_str()) {
            engine
                .fail_job(
                    &job.id,
                    Some("a11y-worker"),
                    0,
                    "diariet svarar inte (HTTP 503)",
                    Some(0),
                )
                .await
                .expect("fail job");
        } else {
            engine
                .complete_job(
                    &job.id,
                    Some("a11y-worker"),
                    vars(json!({"diarienummer": "SOC 2026/17"})),
                )
                .await
                .expect("complete job");
        }
    }
    assert_eq!(
        engine
            .store()
            .incidents_of(&failing)
            .await
            .expect("incidents")
            .len(),
        1,
        "the failed job raised an incident"
    );
    ids.insert("instance", failing);

    let script = engine
        .start(
            "berakning",
            vars(json!({"inkomst": 0})),
            Some("2026-0201".into()),
        )
        .await
        .expect("start berakning")
        .id;
    assert_eq!(
        engine
            .store()
            .incidents_of(&script)
            .await
            .expect("incidents")
            .len(),
        1,
        "=1 / 0 raised an incident"
    );
    ids.insert("script_instance", script);
    seed_casework(engine, &mut ids).await;
    seed_robots(engine).await;
    ids
}

/// A payment registered in a legacy system by robots (`legacy.register_payment`).
const UTBETALNING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/a11y">
  <bpmn:process id="utbetalning" name="Utbetalning i verksamhetssystemet" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="registrera"/>
    <bpmn:serviceTask id="registrera" name="Registrera utbetalningen">
      <bpmn:extensionElements><zeebe:taskDefinition type="legacy.register_payment" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="registrera" targetRef="slut"/>
    <bpmn:endEvent id="slut"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// A 120×60 PNG: the screenshot kept as evidence of a business exception.
const SCREENSHOT: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x78, 0x00, 0x00, 0x00, 0x3c, 0x08, 0x02, 0x00, 0x00, 0x00, 0x22, 0xcf, 0xe9,
    0xff, 0x00, 0x00, 0x00, 0x93, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xdb, 0xc1, 0x09, 0xc0,
    0x20, 0x0c, 0x40, 0x51, 0xef, 0xcd, 0x0c, 0x1e, 0xbb, 0x3f, 0x38, 0x59, 0xdb, 0x05, 0x5c, 0xa1,
    0x10, 0xd0, 0x56, 0x1f, 0xfc, 0x73, 0x0e, 0xef, 0x12, 0x02, 0x5a, 0x9e, 0xfb, 0xd2, 0x80, 0x0a,
    0x02, 0xd0, 0xa0, 0x05, 0x1a, 0x34, 0x68, 0x0a, 0xa0, 0x41, 0x0b, 0xf4, 0x4f, 0xa1, 0xdb, 0x59,
    0xf5, 0x32, 0xd0, 0xa0, 0x41, 0x83, 0x9e, 0x09, 0x6d, 0xa1, 0x65, 0x7c, 0x40, 0x83, 0x06, 0x2d,
    0xd0, 0xa0, 0x41, 0x83, 0x06, 0x0d, 0x5a, 0xa0, 0x41, 0x83, 0x4e, 0x0c, 0x3a, 0x22, 0xb6, 0x0a,
    0x34, 0x68, 0xd0, 0xa0, 0x41, 0x83, 0x06, 0x0d, 0x1a, 0x34, 0x68, 0xd0, 0xa0, 0x41, 0xbb, 0xb9,
    0x41, 0x83, 0x06, 0x0d, 0x1a, 0x34, 0x68, 0x81, 0x06, 0x0d, 0x1a, 0x34, 0x68, 0xd0, 0x1a, 0x00,
    0x2d, 0x2f, 0xfe, 0x41, 0x83, 0x06, 0xfd, 0x2d, 0x68, 0xf9, 0x39, 0x0b, 0x5a, 0xa0, 0x41, 0x83,
    0x16, 0x68, 0xd0, 0x02, 0x0d, 0x7a, 0xf9, 0x3a, 0xf7, 0x98, 0x9f, 0x32, 0xbc, 0x48, 0xb0, 0x1d,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The robots' pages: two work items in the review queue (one with a screenshot), one with
/// a robot, one waiting for two hours (at risk); a working robot and a silent one; a target
/// with a seat in use; runs of every outcome.
async fn seed_robots(engine: &Engine) {
    use flode_store::{
        JobRecord, RobotEvidenceRecord, RobotRecord, RobotReviewRecord, RobotRunRecord,
        RobotTargetRecord,
    };
    const ROBOT: &str = "nod-1/robot-1";
    const TYPE: &str = "legacy.register_payment";
    let store = engine.store();
    let now = engine.now();
    engine
        .deploy("utbetalning.bpmn", UTBETALNING)
        .await
        .expect("deploy utbetalning");
    let mut instances = Vec::new();
    for n in 0..4 {
        let id = engine
            .start(
                "utbetalning",
                vars(json!({"belopp": 4_590 + n})),
                Some(format!("2026-03{n:02}")),
            )
            .await
            .expect("start utbetalning")
            .id;
        instances.push(id);
    }
    let claimed = engine
        .activate_jobs(TYPE, ROBOT, 3, 600_000)
        .await
        .expect("activate legacy jobs");
    for (n, (activated, message)) in claimed
        .iter()
        .zip([
            "Personen finns inte i verksamhetssystemet",
            "Det finns redan en utbetalning för perioden",
        ])
        .enumerate()
    {
        let job = &activated.job;
        let mut tx = engine.transaction().await.expect("transaction");
        tx.upsert_robot_review(&RobotReviewRecord {
            job_id: job.id.clone(),
            instance_id: job.instance_id.clone(),
            job_type: TYPE.into(),
            target: "simifo".into(),
            step: "sök person".into(),
            message: message.into(),
            created_at: now - 600_000,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
        })
        .await
        .expect("review item");
        engine
            .fail_job_in(&mut tx, &job.id, Some(ROBOT), 0, message, None)
            .await
            .expect("fail legacy job");
        engine.commit_transaction(tx).await.expect("commit");
        if n == 0 {
            store
                .insert_robot_evidence(
                    &RobotEvidenceRecord {
                        id: "bevis-1".into(),
                        job_id: job.id.clone(),
                        run_id: "run-1".into(),
                        name: "fel: sök person".into(),
                        created_at: now - 600_000,
                        expires_at: now + 86_400_000,
                    },
                    SCREENSHOT,
                    Some("<p>[personnummer]</p>"),
                )
                .await
                .expect("evidence");
        }
    }
    // A job that has waited two hours: at risk.
    let mut tx = store.begin().await.expect("begin");
    tx.insert_job(&JobRecord {
        id: "legacy-job-old".into(),
        kind: "task".into(),
        job_type: TYPE.into(),
        instance_id: Some(instances[3].clone()),
        token: None,
        node_id: Some("registrera".into()),
        state: "ready".into(),
        retries: 3,
        attempts: 0,
        due_at: now - 7_200_000,
        lease_owner: None,
        lease_until: None,
        idempotency_key: "a11y-legacy-job-old".into(),
        payload: json!({}),
        error: None,
        created_at: now - 7_200_000,
        updated_at: now - 7_200_000,
    })
    .await
    .expect("old legacy job");
    tx.commit().await.expect("commit");

    store
        .upsert_robot_target(&RobotTargetRecord {
            name: "simifo".into(),
            url: "http://127.0.0.1:9".into(),
            ui: "v1".into(),
            seats: 2,
            maintenance: false,
            script_version: None,
            updated_at: now,
        })
        .await
        .expect("target");
    store
        .lease_robot_seat("simifo", ROBOT, 2, now + 3_600_000, now)
        .await
        .expect("seat");
    for (id, state, heartbeat_at, job_id) in [
        (
            ROBOT,
            "working",
            now,
            claimed.get(2).map(|j| j.job.id.clone()),
        ),
        ("nod-2/robot-1", "idle", now - 120_000, None),
    ] {
        store
            .robot_heartbeat(
                &RobotRecord {
                    id: id.into(),
                    node: id.split('/').next().unwrap_or_default().into(),
                    pool: "default".into(),
                    tags: String::new(),
                    state: state.into(),
                    target: job_id.as_ref().map(|_| "simifo".to_owned()),
                    job_id,
                    heartbeat_at,
                    started_at: now - 3_600_000,
                },
                heartbeat_at + 3_600_000,
            )
            .await
            .expect("heartbeat");
    }
    for (n, (outcome, step, message)) in [
        ("done", None, None),
        ("already_done", None, None),
        (
            "business",
            Some("sök person"),
            Some("Personen finns inte i verksamhetssystemet"),
        ),
        ("system", Some("öppna"), Some("net::ERR_CONNECTION_RESET")),
    ]
    .into_iter()
    .enumerate()
    {
        let ended_at = now - 300_000 * (i64::try_from(n).unwrap_or(0) + 1);
        store
            .insert_robot_run(&RobotRunRecord {
                id: format!("run-{n}"),
                job_id: claimed[0].job.id.clone(),
                job_type: TYPE.into(),
                robot: ROBOT.into(),
                target: "simifo".into(),
                script: "registrera-utbetalning@1/v1".into(),
                started_at: ended_at - 90_000,
                ended_at,
                outcome: outcome.into(),
                step: step.map(str::to_owned),
                message: message.map(str::to_owned),
                sign_ins: 1,
                relogins: i64::from(outcome == "system"),
            })
            .await
            .expect("run");
    }
}

/// The citizen the test identity provider offers first (the e-service pages sign in as
/// them): one case waiting for a decision, and a draft re-application.
pub(crate) fn citizen() -> flode_security::TestPerson {
    flode_security::TestPerson {
        personnummer: "199204722020".into(),
        name: "Alva Andersson".into(),
        description: "Arbetslös med a-kassa. Syntetisk testperson.".into(),
    }
}

async fn seed_casework(engine: &Engine, ids: &mut BTreeMap<&'static str, String>) {
    use flode_casework::{Casework, CaseworkOptions, Citizen, Page};
    for (name, xml) in flode_casework::MODELS {
        engine
            .deploy(name, xml)
            .await
            .expect("deploy the casework models");
    }
    let cw = Casework::new(engine.clone(), CaseworkOptions::default());
    let who = Citizen {
        personnummer: citizen().personnummer,
        name: citizen().name,
        auth_ref: "a11y".into(),
    };
    let draft = cw.draft(&who).await.expect("draft");
    let month = cw.open_months()[0].clone();
    let form = |pairs: &[(&str, &str)]| -> flode_casework::Form {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    for (page, f) in [
        (Page::Month, form(&[("manad", month.as_str())])),
        (
            Page::Household,
            form(&[("sambo", "ja"), ("sambo-alder", "35")]),
        ),
        (
            Page::Children,
            form(&[
                ("barn-alder", "7"),
                ("barn-lunch", "ja"),
                ("atgard", "lagg-till"),
            ]),
        ),
        (Page::Children, form(&[("atgard", "fortsatt")])),
        (
            Page::Costs,
            form(&[("kostnad-housing", "6850"), ("kostnad-electricity", "310")]),
        ),
        (
            Page::Incomes,
            form(&[("inkomst-sokande-unemployment_benefit", "9000")]),
        ),
        (
            Page::Assets,
            form(&[
                ("tillgangar", "ja"),
                ("tillgangar-text", "Bil, cirka 25 000 kr"),
            ]),
        ),
        (Page::OtherNeeds, form(&[("ovriga-behov", "nej")])),
        (Page::Changes, form(&[("forandringar", "nej")])),
        (Page::Consent, form(&[("samtycke", "ja")])),
    ] {
        cw.save_page(&who, &draft.id, page, &f).await.expect("page");
    }
    let case = cw.submit(&who, &draft.id).await.expect("submit");
    for (job_type, result) in [
        (
            "ssbtek.fetch",
            json!({"ssbtek": {"kallorMedFel": [], "skyddadIdentitet": false, "inkomster": [
                {"source": "SO", "slag": "akassa", "utbetalningsdatum": "2026-11-28", "belopp": 9000}
            ]}}),
        ),
        (
            "forsorjningsstod.calculate",
            json!({"utfall": "deficit", "inkomstavvikelser": ["A-kassa: 9000 kr enligt SSBTEK, 0 kr i ansökan"], "berakning": {"support": 3430, "norm_total": 5220, "costs_total": 7160, "need": 12380, "income": 8950,
            "rows": [
                {"section": "norm", "kind": "personal_cost", "amount": 5220, "reason": "Riksnorm för sammanboende med ett barn"},
                {"section": "cost", "kind": "housing", "applied": 6850, "amount": 6850, "reason": "Boendekostnad: sökt och godkänt belopp"},
                {"section": "income", "kind": "unemployment_benefit", "amount": 9000, "reason": "Ersättning från a-kassa enligt SSBTEK"}
            ]}}),
        ),
    ] {
        let job = lease(engine, job_type).await;
        engine
            .complete_job(&job, Some("a11y-worker"), vars(result))
            .await
            .expect("complete");
    }
    cw.add_note(&case.id, "anna", "Ringt den sökande om hyran.")
        .await
        .expect("note");
    ids.insert("case", case.id);
    ids.insert(
        "application",
        cw.draft(&who).await.expect("re-application").id,
    );

    // A case the norms could not calculate (children, in a year with only the adults'
    // totals confirmed): the social worker calculates by hand.
    let other = Citizen {
        personnummer: "199906644043".into(),
        name: "Bo Berg".into(),
        auth_ref: "a11y".into(),
    };
    let draft = cw.draft(&other).await.expect("draft");
    for (page, f) in [
        (Page::Month, form(&[("manad", month.as_str())])),
        (Page::Household, form(&[("sambo", "nej")])),
        (
            Page::Children,
            form(&[
                ("barn-alder", "4"),
                ("barn-lunch", "nej"),
                ("atgard", "lagg-till"),
            ]),
        ),
        (Page::Children, form(&[("atgard", "fortsatt")])),
        (Page::Costs, form(&[("kostnad-housing", "5400")])),
        (Page::Incomes, form(&[])),
        (Page::Assets, form(&[("tillgangar", "nej")])),
        (Page::OtherNeeds, form(&[("ovriga-behov", "nej")])),
        (Page::Changes, form(&[("forandringar", "nej")])),
        (Page::Consent, form(&[("samtycke", "ja")])),
    ] {
        cw.save_page(&other, &draft.id, page, &f)
            .await
            .expect("page");
    }
    let by_hand = cw.submit(&other, &draft.id).await.expect("submit");
    let fetch = lease(engine, "ssbtek.fetch").await;
    engine
        .complete_job(
            &fetch,
            Some("a11y-worker"),
            vars(json!({"ssbtek": {"kallorMedFel": [], "skyddadIdentitet": false}})),
        )
        .await
        .expect("complete");
    let calc = lease(engine, "forsorjningsstod.calculate").await;
    engine
        .throw_job_error(
            &calc,
            Some("a11y-worker"),
            "berakning-saknas",
            vars(json!({"berakningSaknas": "riksnorm 2026 saknar bekräftade belopp för hushåll med barn eller i delat boende (bara totalbeloppen för ensamstående och sambor utan barn är bekräftade)"})),
        )
        .await
        .expect("throw");
    ids.insert("case-by-hand", by_hand.id);
}

/// Leases the case's open job of `job_type`, as its worker would; its id.
async fn lease(engine: &Engine, job_type: &str) -> String {
    let jobs = engine
        .activate_jobs(job_type, "a11y-worker", 1, 60_000)
        .await
        .expect("activate");
    jobs.first().expect("the case's job").job.id.clone()
}

async fn start_ansokan(engine: &Engine, business_key: &str, amount: i64) -> String {
    engine
        .start(
            "ansokan",
            vars(json!({"belopp": amount, "sokande": {"kommun": "Exempelby", "hushall": 3}})),
            Some(business_key.to_owned()),
        )
        .await
        .expect("start ansokan")
        .id
}

async fn complete_task(engine: &Engine, instance_id: &str, user: &str) {
    let tasks = engine
        .store()
        .user_tasks_of(instance_id)
        .await
        .expect("user tasks");
    let task = tasks.first().expect("a user task");
    engine
        .complete_user_task(
            &task.id,
            vars(json!({"beviljad": true})),
            Some(user.to_owned()),
        )
        .await
        .expect("complete user task");
}
