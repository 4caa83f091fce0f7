//! The robots' pages, API and metrics (issue 5, "Monitoring and load balancing"), through
//! the router on SQLite and PostgreSQL: the dashboard shows the seeded counts; a review
//! item resolved through the form completes its instance or goes back to the queue, and a
//! second resolution is explained; evidence is served to casework staff only; maintenance
//! and the pinned script version change through forms (bad input: 422 with the error
//! summary) and the API (problem+json); `/metrics` has the robots' gauges.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_security::{Auth, NewUser, Role, Roles};
use flode_store::{
    CaseRecord, InstanceState, RobotEvidenceRecord, RobotRecord, RobotReviewRecord, RobotRunRecord,
    RobotTargetRecord, Store, StoreOptions,
};
use serde_json::{Map, Value, json};

use crate::helpers::{Reply, cookie_of, form_request, send};

const PROCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/test">
  <bpmn:process id="utbetalning" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="registrera"/>
    <bpmn:serviceTask id="registrera" name="Registrera utbetalningen">
      <bpmn:extensionElements><zeebe:taskDefinition type="legacy.register_payment" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="registrera" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;

const JOB_TYPE: &str = "legacy.register_payment";
const ROBOT: &str = "nod-1/robot-1";
const MESSAGE: &str = "Personen finns inte i verksamhetssystemet";
const PASSWORD: &str = "ett långt lösenord";
const MINUTE: i64 = 60_000;

/// A 120×60 PNG: the kept screenshot.
const PNG: &[u8] = &[
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

/// The app over one backend, with what was seeded.
struct World {
    backend: &'static str,
    router: Router,
    engine: Engine,
    auth: Auth,
    /// `anna`: every role; `hanna`: socialsekreterare; `ivar`: admin.
    anna: String,
    hanna: String,
    ivar: String,
    /// The two work items in the review queue: the first has a case and evidence.
    reviewed: [String; 2],
    /// Their instances.
    instances: [String; 2],
    /// The ready job, and the case of the first review item.
    ready_job: String,
    case_id: String,
    evidence_id: String,
    _db: flode_test_db::TestDb,
}

fn vars(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

async fn worlds() -> Vec<World> {
    let mut out = Vec::new();
    for db in flode_test_db::databases("flode_web_robots") {
        let store = Store::connect(&StoreOptions::new(db.url.clone()))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let engine = Engine::new(store, Arc::new(SystemClock), EngineOptions::default())
            .await
            .expect("engine");
        let state = flode_web::AppState::new(engine.clone());
        let auth = state.auth.clone();
        let router = flode_web::router(state);
        for (username, roles) in [
            ("anna", &Role::ALL[..]),
            ("hanna", &[Role::Socialsekreterare][..]),
            ("ivar", &[Role::Admin][..]),
        ] {
            auth.add_user(
                NewUser {
                    username: username.into(),
                    display_name: format!("Test {username}"),
                    password: PASSWORD.into(),
                    roles: Roles::of(roles),
                },
                "test",
                engine.now(),
            )
            .await
            .expect("user");
        }
        let sign_in = |username: &'static str| {
            let router = router.clone();
            async move {
                let r = send(
                    &router,
                    form_request(
                        "/logga-in",
                        &[
                            ("username", username),
                            ("password", PASSWORD),
                            ("tillbaka", "/"),
                        ],
                    ),
                    "",
                )
                .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
                cookie_of(&r)
            }
        };
        let (anna, hanna, ivar) = (
            sign_in("anna").await,
            sign_in("hanna").await,
            sign_in("ivar").await,
        );
        let seeded = seed(&engine).await;
        out.push(World {
            backend: db.name,
            router,
            engine,
            auth,
            anna,
            hanna,
            ivar,
            reviewed: seeded.reviewed,
            instances: seeded.instances,
            ready_job: seeded.ready_job,
            case_id: seeded.case_id,
            evidence_id: seeded.evidence_id,
            _db: db,
        });
    }
    out
}

struct Seeded {
    reviewed: [String; 2],
    instances: [String; 2],
    ready_job: String,
    case_id: String,
    evidence_id: String,
}

/// Four payments: two stopped by business exceptions (review items, as the worker leaves
/// them), one with a robot now, one waiting; a case due tomorrow for the first; three robots
/// (one silent for two minutes, one reaped), a target with one of two seats in use, runs of the last
/// day and a screenshot.
async fn seed(engine: &Engine) -> Seeded {
    let store = engine.store();
    let now = engine.now();
    engine
        .deploy("utbetalning.bpmn", PROCESS)
        .await
        .expect("deploy");
    let mut instances = Vec::new();
    for n in 0..4 {
        let id = engine
            .start("utbetalning", vars(json!({"belopp": 4590 + n})), None)
            .await
            .expect("start")
            .id;
        instances.push(id);
    }
    // The oldest three are claimed; the fourth stays ready.
    let claimed = engine
        .activate_jobs(JOB_TYPE, ROBOT, 3, 10 * MINUTE)
        .await
        .expect("activate");
    assert_eq!(claimed.len(), 3);
    let job_of = |instance: &str| {
        claimed
            .iter()
            .find(|j| j.job.instance_id.as_deref() == Some(instance))
            .map(|j| j.job.id.clone())
            .expect("claimed")
    };
    let reviewed = [job_of(&instances[0]), job_of(&instances[1])];
    for (job_id, instance) in reviewed.iter().zip(&instances) {
        let mut tx = engine.transaction().await.expect("tx");
        tx.upsert_robot_review(&RobotReviewRecord {
            job_id: job_id.clone(),
            instance_id: Some(instance.clone()),
            job_type: JOB_TYPE.into(),
            target: "simifo".into(),
            step: "sök person".into(),
            message: MESSAGE.into(),
            created_at: now - 5 * MINUTE,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
        })
        .await
        .expect("review");
        engine
            .fail_job_in(
                &mut tx,
                job_id,
                Some(ROBOT),
                0,
                &format!("sök person: {MESSAGE}"),
                None,
            )
            .await
            .expect("fail");
        engine.commit_transaction(tx).await.expect("commit");
    }
    let ready_job = store
        .jobs_of(&instances[3])
        .await
        .expect("jobs")
        .pop()
        .expect("ready job")
        .id;

    let case_id = "case-robot-1".to_owned();
    let mut tx = store.begin().await.expect("begin");
    tx.insert_case(&CaseRecord {
        id: case_id.clone(),
        case_number: "EB-2026-000777".into(),
        kind: "ekonomiskt_bistand".into(),
        applicant: "199204722020".into(),
        applicant_name: "Alva Andersson".into(),
        application_id: "application-robot-1".into(),
        instance_id: instances[0].clone(),
        month: "2026-12".into(),
        received_at: now - 10 * 24 * 60 * MINUTE,
        due_at: now + 24 * 60 * MINUTE,
    })
    .await
    .expect("case");
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
    assert_eq!(
        store
            .lease_robot_seat("simifo", ROBOT, 2, now + MINUTE, now)
            .await
            .expect("seat"),
        Some(0)
    );
    for (id, state, heartbeat_at, job) in [
        (ROBOT, "working", now, Some(claimed[2].job.id.clone())),
        ("nod-2/robot-1", "idle", now - 2 * MINUTE, None),
        // Reaped by another node after it stopped beating.
        ("nod-3/robot-1", "dead", now - 10 * MINUTE, None),
    ] {
        store
            .robot_heartbeat(
                &RobotRecord {
                    id: id.into(),
                    node: id.split('/').next().unwrap_or_default().into(),
                    pool: "default".into(),
                    tags: String::new(),
                    state: state.into(),
                    target: job.as_ref().map(|_| "simifo".to_owned()),
                    job_id: job,
                    heartbeat_at,
                    started_at: now - 60 * MINUTE,
                },
                heartbeat_at + 15_000,
            )
            .await
            .expect("heartbeat");
    }
    for (n, (outcome, step, message, ended_at)) in [
        ("done", None, None, now - 30 * MINUTE),
        ("already_done", None, None, now - 3 * 60 * MINUTE),
        (
            "business",
            Some("sök person"),
            Some(MESSAGE),
            now - 5 * MINUTE,
        ),
        (
            "business",
            Some("sök person"),
            Some(MESSAGE),
            now - 5 * MINUTE,
        ),
        (
            "system",
            Some("öppna"),
            Some("net::ERR_CONNECTION_RESET"),
            now - 2 * MINUTE,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        store
            .insert_robot_run(&RobotRunRecord {
                id: format!("run-{n}"),
                job_id: reviewed[0].clone(),
                job_type: JOB_TYPE.into(),
                robot: ROBOT.into(),
                target: "simifo".into(),
                script: "registrera-utbetalning@1/v1".into(),
                started_at: ended_at - 6 * MINUTE,
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
    let evidence_id = "evidence-1".to_owned();
    store
        .insert_robot_evidence(
            &RobotEvidenceRecord {
                id: evidence_id.clone(),
                job_id: reviewed[0].clone(),
                run_id: "run-2".into(),
                name: "fel: sök person".into(),
                created_at: now - 5 * MINUTE,
                expires_at: now + 24 * 60 * MINUTE,
            },
            PNG,
            Some("<p>[personnummer]</p>"),
        )
        .await
        .expect("evidence");
    Seeded {
        reviewed,
        instances: [instances[0].clone(), instances[1].clone()],
        ready_job,
        case_id,
        evidence_id,
    }
}

impl World {
    async fn get(&self, uri: &str, cookie: &str) -> Reply {
        send(
            &self.router,
            Request::get(uri).body(Body::empty()).expect("request"),
            cookie,
        )
        .await
    }

    async fn post(&self, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
        send(&self.router, form_request(uri, fields), cookie).await
    }

    /// A JSON request with an API token of `roles`.
    async fn api(&self, method: Method, uri: &str, roles: &[Role], body: Option<Value>) -> Reply {
        let (_, token) = self
            .auth
            .add_token(
                &format!("token-{}", uuid_like(uri, roles)),
                Roles::of(roles),
                "test",
                self.engine.now(),
            )
            .await
            .expect("token");
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", token.expose()));
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        send(&self.router, req.body(body).expect("request"), "").await
    }
}

/// A token name unique enough for one test: the request and a counter.
fn uuid_like(uri: &str, roles: &[Role]) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}-{}",
        uri.len(),
        roles.len(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

#[tokio::test]
async fn the_dashboard_shows_queues_failures_robots_targets_and_items_at_risk() {
    for w in worlds().await {
        let r = w.get("/robotar", &w.hanna).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", w.backend, r.text());
        let html = r.text();
        assert!(html.contains("<title>Robotar – flode</title>"), "{html}");
        assert!(
            html.contains(
                "<a class=\"nav__link\" href=\"/robotar\" aria-current=\"page\">Robotar</a>"
            ),
            "{html}"
        );
        // Ready 1, in progress 1, waiting for review 2, failed 2.
        assert!(
            html.contains(&format!(
                "<tr><td><code class=\"nowrap\">{JOB_TYPE}</code></td><td class=\"numeric\">1</td><td class=\"numeric\">1</td><td class=\"numeric\">2</td><td class=\"numeric\">2</td>"
            )),
            "{}: {html}",
            w.backend
        );
        // Done in the last hour 1, in the last day 2 (one found already done).
        assert!(
            html.contains("<td class=\"numeric\">1</td><td class=\"numeric\">2</td></tr>"),
            "{html}"
        );
        assert!(html.contains("Genomströmning: 1 klara senaste timmen och 2 senaste dygnet."));
        assert!(
            html.contains("Granskningskön (2 arbetsobjekt väntar)"),
            "{html}"
        );
        // Failure causes, grouped with counts.
        assert!(
            html.contains(&format!(
                "<tr><td>Verksamhetsfel (till granskning)</td><td>sök person</td><td>{MESSAGE}</td><td class=\"numeric\">2</td></tr>"
            )),
            "{html}"
        );
        assert!(html.contains("<td>net::ERR_CONNECTION_RESET</td><td class=\"numeric\">1</td>"));
        // The silent robot and the reaped one are dead; the working one is not.
        assert_eq!(html.matches("Ingen signal").count(), 2, "{html}");
        assert!(html.contains("Ingen signal</strong> <span class=\"secondary\">(Ledig)</span>"));
        assert!(html.contains("<code class=\"nowrap\">nod-2/robot-1</code>"));
        assert!(html.contains("<td>Arbetar</td><td>simifo</td>"), "{html}");
        // Its four runs of the last hour signed in four times, once after a lost session.
        assert!(
            html.contains("<td class=\"numeric\">4 (varav 1 efter tappad session)</td></tr>"),
            "{html}"
        );
        // The target: one of two seats, its UI version, no maintenance, no pin.
        assert!(html.contains("<dd>1 av 2</dd>"), "{html}");
        assert!(html.contains("<dd>v1</dd>"));
        assert!(html.contains("Ingen – alla versioner körs"));
        // At risk: the case due tomorrow, linked.
        assert!(
            html.contains(&format!(
                "<a href=\"/arenden/{}\">EB-2026-000777</a>",
                w.case_id
            )),
            "{html}"
        );
        assert!(html.contains("Beslut senast inom två dygn"));
        // A social worker is no supervisor: no maintenance or pin forms.
        assert!(!html.contains("/underhall\""), "{html}");
        let html = w.get("/robotar", &w.ivar).await.text();
        assert!(html.contains("action=\"/robotar/malsystem/simifo/underhall\""));
        // An admin reads no cases and resolves no reviews: no links there.
        assert!(html.contains("<td>EB-2026-000777</td>"), "{html}");
        assert!(!html.contains("href=\"/arenden/"));
        assert!(!html.contains("href=\"/robotar/granskning\""));
        assert!(
            html.contains("<label for=\"skriptversion-1\">Lås skriptversion för simifo</label>")
        );

        // The same figures as JSON.
        let r = w
            .api(Method::GET, "/api/robots/dashboard", &[Role::Admin], None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let d = r.json();
        let q = &d["queues"][0];
        assert_eq!(
            (
                &q["jobType"],
                &q["ready"],
                &q["inProgress"],
                &q["failed"],
                &q["reviewsOpen"],
                &q["doneLastHour"],
                &q["doneLast24h"]
            ),
            (
                &json!(JOB_TYPE),
                &json!(1),
                &json!(1),
                &json!(2),
                &json!(2),
                &json!(1),
                &json!(2)
            ),
            "{d}"
        );
        assert!(q["oldestWaitingSeconds"].as_i64().is_some(), "{d}");
        assert_eq!(d["reviewsOpen"], 2);
        let dead: Vec<&Value> = d["robots"]
            .as_array()
            .expect("robots")
            .iter()
            .filter(|r| r["dead"] == true)
            .collect();
        assert_eq!(dead.len(), 2, "{d}");
        assert_eq!(dead[0]["id"], "nod-2/robot-1");
        let working = d["robots"]
            .as_array()
            .expect("robots")
            .iter()
            .find(|r| r["id"] == ROBOT)
            .expect("the working robot");
        assert_eq!(
            (&working["signInsLastHour"], &working["reloginsLastHour"]),
            (&json!(4), &json!(1)),
            "{d}"
        );
        assert_eq!(d["targets"][0]["seatsInUse"], 1);
        assert_eq!(d["targets"][0]["seats"], 2);
        assert_eq!(d["failureCauses"][0]["count"], 2);
        assert_eq!(d["atRisk"][0]["caseNumber"], "EB-2026-000777");
        assert_eq!(d["atRisk"][0]["reasons"], json!(["deadline"]));

        // And as gauges.
        let r = w.get("/metrics", "").await;
        assert_eq!(r.status, StatusCode::OK);
        let text = r.text();
        for line in [
            "# TYPE flode_robot_queue_ready gauge",
            "flode_robot_queue_ready{job_type=\"legacy.register_payment\"} 1\n",
            "flode_robot_queue_oldest_seconds{job_type=\"legacy.register_payment\"} ",
            "flode_robot_reviews_open 2\n",
            "flode_robots{state=\"dead\"} 2\n",
            "flode_robots{state=\"working\"} 1\n",
            "flode_robots{state=\"idle\"} 0\n",
            "flode_robot_seats_in_use{target=\"simifo\"} 1\n",
            "flode_robot_seats{target=\"simifo\"} 2\n",
            "flode_robot_runs_24h{outcome=\"done\"} 1\n",
            "flode_robot_runs_24h{outcome=\"business\"} 2\n",
            "flode_robot_runs_24h{outcome=\"system\"} 1\n",
        ] {
            assert!(text.contains(line), "{}: {line} in {text}", w.backend);
        }
    }
}

#[tokio::test]
async fn a_review_item_is_registered_by_hand_or_tried_again_once() {
    for w in worlds().await {
        let r = w.get("/robotar/granskning", &w.hanna).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", w.backend, r.text());
        let html = r.text();
        assert!(html.contains("<title>Granskningskö – flode</title>"));
        assert!(
            html.contains("2 arbetsobjekt väntar, det äldsta först."),
            "{html}"
        );
        assert!(html.contains(MESSAGE));
        assert!(html.contains(&format!(
            "<a href=\"/arenden/{}\">EB-2026-000777</a>",
            w.case_id
        )));
        assert!(html.contains(&format!("<a href=\"/instanser/{}\">", w.instances[1])));
        assert!(
            html.contains(&format!(
                "<img src=\"/robotar/bevis/{}.png\" alt=\"Skärmbild från simifo när roboten stoppade (fel: sök person). Personnummer och namn är maskerade.\"",
                w.evidence_id
            )),
            "{html}"
        );
        for (job, action) in [
            (&w.reviewed[0], "for-hand"),
            (&w.reviewed[1], "forsok-igen"),
        ] {
            assert!(html.contains(&format!(
                "<form method=\"post\" action=\"/robotar/granskning/{job}/{action}\""
            )));
        }

        // Registered by hand: the job completes and the instance ends.
        let r = w
            .post(
                &format!("/robotar/granskning/{}/for-hand", w.reviewed[0]),
                &w.hanna,
                &[],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            w.backend,
            r.text()
        );
        assert_eq!(
            r.location(),
            "/robotar/granskning?meddelande=registrerad-for-hand"
        );
        let html = w.get(r.location(), &w.hanna).await.text();
        assert!(
            html.contains("Arbetsobjektet är markerat som registrerat för hand."),
            "{html}"
        );
        assert!(html.contains("Ett arbetsobjekt väntar."), "{html}");
        let store = w.engine.store();
        assert_eq!(
            store
                .instance(&w.instances[0])
                .await
                .expect("instance")
                .state,
            InstanceState::Completed,
            "{}",
            w.backend
        );
        let variables = store.variables(&w.instances[0]).await.expect("variables");
        assert!(
            variables
                .iter()
                .any(|v| v.name == "registreradManuellt" && v.value == json!(true))
        );

        // Someone else resolved it first: a clear notice, no error.
        let r = w
            .post(
                &format!("/robotar/granskning/{}/forsok-igen", w.reviewed[0]),
                &w.anna,
                &[],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "{}: {}",
            w.backend,
            r.text()
        );
        let html = r.text();
        assert!(
            html.contains("Någon annan hann före: arbetsobjektet är redan hanterat av hanna (registrerat för hand, "),
            "{html}"
        );
        assert!(html.contains("Det finns inte längre i kön."));

        // Tried again: the job is back in the queue with one try.
        let r = w
            .post(
                &format!("/robotar/granskning/{}/forsok-igen", w.reviewed[1]),
                &w.hanna,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.location(), "/robotar/granskning?meddelande=forsok-igen");
        let job = store.job(&w.reviewed[1]).await.expect("job");
        assert_eq!(
            (job.state.as_str(), job.retries),
            ("ready", 1),
            "{}",
            w.backend
        );
        let html = w.get(r.location(), &w.hanna).await.text();
        assert!(
            html.contains("Inga arbetsobjekt väntar på granskning."),
            "{html}"
        );

        // An admin does not do casework; an unknown item is 404.
        let r = w.get("/robotar/granskning", &w.ivar).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = w
            .post("/robotar/granskning/finns-inte/for-hand", &w.hanna, &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }
}

#[tokio::test]
async fn evidence_is_served_to_casework_staff_only_and_never_cached() {
    for w in worlds().await {
        let path = format!("/robotar/bevis/{}.png", w.evidence_id);
        let r = w.get(&path, &w.hanna).await;
        assert_eq!(r.status, StatusCode::OK, "{}", w.backend);
        assert_eq!(r.content_type(), "image/png");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(r.body.as_ref(), PNG);

        assert_eq!(w.get(&path, &w.ivar).await.status, StatusCode::FORBIDDEN);
        let r = w.get(&path, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().starts_with("/logga-in"), "{}", r.location());
        for missing in [
            "/robotar/bevis/finns-inte.png".to_owned(),
            format!("/robotar/bevis/{}", w.evidence_id),
        ] {
            assert_eq!(
                w.get(&missing, &w.hanna).await.status,
                StatusCode::NOT_FOUND
            );
        }
    }
}

#[tokio::test]
async fn maintenance_and_the_pinned_script_version_change_through_the_forms() {
    for w in worlds().await {
        let target = || async {
            w.engine
                .store()
                .robot_target("simifo")
                .await
                .expect("target")
                .expect("there")
        };
        let r = w
            .post(
                "/robotar/malsystem/simifo/underhall",
                &w.ivar,
                &[("underhall", "pa")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            w.backend,
            r.text()
        );
        assert_eq!(r.location(), "/robotar?meddelande=underhall-pa#malsystem");
        assert!(target().await.maintenance);
        let html = w
            .get("/robotar?meddelande=underhall-pa", &w.ivar)
            .await
            .text();
        assert!(html.contains("Underhållsläget är på."), "{html}");
        assert!(
            html.contains(
                "Stäng av underhållsläge<span class=\"visually-hidden\"> för simifo</span>"
            )
        );
        let r = w
            .post(
                "/robotar/malsystem/simifo/underhall",
                &w.anna,
                &[("underhall", "av")],
            )
            .await;
        assert_eq!(r.location(), "/robotar?meddelande=underhall-av#malsystem");
        assert!(!target().await.maintenance);
        // Not for a social worker; not for a target that does not exist.
        let r = w
            .post(
                "/robotar/malsystem/simifo/underhall",
                &w.hanna,
                &[("underhall", "pa")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = w
            .post(
                "/robotar/malsystem/annat/underhall",
                &w.ivar,
                &[("underhall", "pa")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // A bad version: the page again, with the error summary and the field's error.
        for bad in ["tre", "0", "-2", "2.5"] {
            let r = w
                .post(
                    "/robotar/malsystem/simifo/skriptversion",
                    &w.ivar,
                    &[("version", bad)],
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{bad}: {}",
                r.text()
            );
            let html = r.text();
            assert!(
                html.contains("<title>Fel: Robotar – flode</title>"),
                "{html}"
            );
            assert!(html.contains("Det finns ett problem"));
            let message = "Ange skriptversionen som ett positivt heltal, till exempel 3, eller lämna fältet tomt";
            assert!(
                html.contains(&format!(
                    "<li><a href=\"#skriptversion-1\">{message}</a></li>"
                )),
                "{html}"
            );
            assert!(html.contains(&format!(
                "<p class=\"error-message\" id=\"skriptversion-1-error\"><span class=\"visually-hidden\">Fel:</span> {message}</p>"
            )));
            assert!(
                html.contains(&format!("value=\"{bad}\"")),
                "the value is kept"
            );
            assert!(html.contains("aria-invalid=\"true\""));
            assert!(html.contains("href=\"/sprak/en?tillbaka=/robotar\""));
        }
        assert_eq!(target().await.script_version, None);

        let r = w
            .post(
                "/robotar/malsystem/simifo/skriptversion",
                &w.ivar,
                &[("version", " 3 ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            r.location(),
            "/robotar?meddelande=skriptversion-last#malsystem"
        );
        assert_eq!(target().await.script_version, Some(3), "{}", w.backend);
        let html = w.get("/robotar", &w.ivar).await.text();
        assert!(html.contains("<dd>3</dd>"), "{html}");
        assert!(html.contains("value=\"3\""));
        let r = w
            .post(
                "/robotar/malsystem/simifo/skriptversion",
                &w.ivar,
                &[("version", "")],
            )
            .await;
        assert_eq!(
            r.location(),
            "/robotar?meddelande=skriptversion-fri#malsystem"
        );
        assert_eq!(target().await.script_version, None);
        let r = w
            .post(
                "/robotar/malsystem/simifo/skriptversion",
                &w.hanna,
                &[("version", "2")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_robots_api_resolves_reviews_and_changes_targets_with_problem_details() {
    const CASEWORK: &[Role] = &[Role::Socialsekreterare];
    const ADMIN: &[Role] = &[Role::Admin];
    for w in worlds().await {
        let r = w
            .api(Method::GET, "/api/robots/reviews", CASEWORK, None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", w.backend, r.text());
        let items = r.json();
        assert_eq!(items.as_array().map(Vec::len), Some(2), "{items}");
        assert_eq!(items[0]["jobId"], w.reviewed[0].as_str());
        assert_eq!(items[0]["caseNumber"], "EB-2026-000777");
        assert_eq!(items[0]["message"], MESSAGE);
        assert_eq!(
            items[0]["evidence"][0]["href"],
            format!("/robotar/bevis/{}.png", w.evidence_id)
        );
        let r = w.api(Method::GET, "/api/robots/reviews", ADMIN, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.content_type(), "application/problem+json");

        let resolve = |job: &str| format!("/api/robots/reviews/{job}/resolve");
        for bad in [json!({"resolution": "maybe"}), json!({}), json!([1])] {
            let r = w
                .api(
                    Method::POST,
                    &resolve(&w.reviewed[0]),
                    CASEWORK,
                    Some(bad.clone()),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{bad}: {}",
                r.text()
            );
            assert_eq!(r.content_type(), "application/problem+json");
            assert_eq!(r.json()["fields"][0]["field"], "resolution");
        }
        let r = w
            .api(
                Method::POST,
                &resolve(&w.reviewed[0]),
                CASEWORK,
                Some(json!({"resolution": "done_by_hand"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(
            w.engine
                .store()
                .instance(&w.instances[0])
                .await
                .expect("instance")
                .state,
            InstanceState::Completed
        );
        let r = w
            .api(
                Method::POST,
                &resolve(&w.reviewed[0]),
                CASEWORK,
                Some(json!({"resolution": "retry"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.content_type(), "application/problem+json");
        assert!(
            r.json()["detail"]
                .as_str()
                .unwrap_or("")
                .contains("done_by_hand")
        );
        let r = w
            .api(
                Method::POST,
                &resolve(&w.reviewed[1]),
                CASEWORK,
                Some(json!({"resolution": "retry"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(
            w.engine
                .store()
                .job(&w.reviewed[1])
                .await
                .expect("job")
                .state,
            "ready"
        );
        let r = w
            .api(
                Method::POST,
                &resolve(&w.ready_job),
                CASEWORK,
                Some(json!({"resolution": "retry"})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "never in review: {}",
            r.text()
        );

        // Maintenance.
        let maintenance = "/api/robots/targets/simifo/maintenance";
        let r = w
            .api(Method::PUT, maintenance, ADMIN, Some(json!({"on": "yes"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["fields"][0]["field"], "on");
        let r = w
            .api(Method::PUT, maintenance, ADMIN, Some(json!({"on": true})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["maintenance"], true);
        let r = w
            .api(
                Method::PUT,
                maintenance,
                CASEWORK,
                Some(json!({"on": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = w
            .api(
                Method::PUT,
                "/api/robots/targets/annat/maintenance",
                ADMIN,
                Some(json!({"on": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.content_type(), "application/problem+json");

        // The pinned script version.
        let pin = "/api/robots/targets/simifo/script-version";
        for bad in [json!({"version": 0}), json!({"version": "3"}), json!({})] {
            let r = w.api(Method::PUT, pin, ADMIN, Some(bad.clone())).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{bad}: {}",
                r.text()
            );
            assert_eq!(r.json()["fields"][0]["field"], "version");
        }
        let r = w
            .api(Method::PUT, pin, ADMIN, Some(json!({"version": 2})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["scriptVersion"], 2);
        let r = w
            .api(Method::PUT, pin, ADMIN, Some(json!({"version": null})))
            .await;
        assert_eq!(r.json()["scriptVersion"], Value::Null);
        assert_eq!(
            w.engine
                .store()
                .robot_target("simifo")
                .await
                .expect("t")
                .map(|t| (t.maintenance, t.script_version)),
            Some((true, None)),
            "{}",
            w.backend
        );
    }
}
