//! Robots as workers of the job queue, on SQLite and PostgreSQL, with a fake browser (the
//! Chromium runs against SimIFO are in `simifo.rs` and `robots_e2e.rs`): a done item
//! completes its job and the process goes on; a business exception becomes a review item
//! and an incident, never retried, which a person resolves; a system exception restarts the
//! browser and retries later; a target in maintenance gets no work; licence seats cap the
//! robots working at once across robots.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flode_engine::{Engine, EngineOptions, SystemClock};
use flode_robots::review::{self, Resolution};
use flode_robots::script::Locator;
use flode_robots::{BrowserError, Browsers, Page, Robots, RobotsConfig, Script, ScriptSet, Target};
use flode_robots::{Vault, VaultKey};
use flode_store::{InstanceState, Store, StoreOptions};
use serde_json::{Map, Value, json};

const SCRIPT: &str = r##"
name = "test-registrering"
job_type = "legacy.test"
target = "fake"
ui = "v1"
version = 1
inputs = ["fall"]
outputs = ["kvitto"]
step_timeout_ms = 300

[[login]]
open = "/login"
[[login]]
fill = "#user"
value = "{credential.username}"
[[login]]
fill = "#password"
value = "{credential.password}"

[[steps]]
open = "/work/{job.fall}"
[[steps]]
assert = "#person"
else = "business"
message = "Personen finns inte i verksamhetssystemet"
[[steps]]
extract = "#kvitto"
into = "kvitto"
"##;

const PROCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="https://flode.example/test">
  <bpmn:process id="betalning" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="registrera"/>
    <bpmn:serviceTask id="registrera">
      <bpmn:extensionElements><zeebe:taskDefinition type="legacy.test" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="registrera" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// What the fake legacy system saw.
#[derive(Default)]
struct Seen {
    launches: AtomicUsize,
    working: AtomicUsize,
    most_working: AtomicUsize,
    usernames: Mutex<Vec<String>>,
}

#[derive(Clone, Default)]
struct FakeBrowsers(Arc<Seen>);

struct FakePage {
    seen: Arc<Seen>,
    url: String,
}

impl Browsers for FakeBrowsers {
    type Page = FakePage;

    async fn launch(&self) -> Result<FakePage, BrowserError> {
        self.0.launches.fetch_add(1, Ordering::SeqCst);
        Ok(FakePage {
            seen: Arc::clone(&self.0),
            url: String::new(),
        })
    }

    async fn close(&self, _page: FakePage) {}
}

/// `/work/ok` has the person, `/work/okand` not; `/work/trasig` fails to load;
/// `/work/lang` takes 300 ms, counted as working meanwhile; `/work/seg` takes 3 s.
impl Page for FakePage {
    async fn open(&mut self, url: &str) -> Result<(), BrowserError> {
        self.url = url.to_owned();
        if url.ends_with("/work/trasig") {
            return Err(BrowserError::Command("net::ERR_CONNECTION_RESET".into()));
        }
        if url.ends_with("/work/seg") {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        if url.ends_with("/work/lang") {
            let now = self.seen.working.fetch_add(1, Ordering::SeqCst) + 1;
            self.seen.most_working.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            self.seen.working.fetch_sub(1, Ordering::SeqCst);
        }
        Ok(())
    }

    async fn present(&mut self, locator: &Locator) -> Result<bool, BrowserError> {
        Ok(match locator {
            Locator::Css(css) if css == "#person" => !self.url.ends_with("/work/okand"),
            Locator::Css(css) => ["#user", "#password", "#kvitto"].contains(&css.as_str()),
            _ => false,
        })
    }

    async fn read(&mut self, _: &Locator, _: Option<&str>) -> Result<String, BrowserError> {
        Ok("UTB-1".into())
    }

    async fn fill(&mut self, locator: &Locator, value: &str) -> Result<(), BrowserError> {
        if *locator == Locator::Css("#user".into()) {
            self.seen.usernames.lock().expect("lock").push(value.into());
        }
        Ok(())
    }

    async fn select(&mut self, _: &Locator, _: &str) -> Result<(), BrowserError> {
        Ok(())
    }

    async fn click(&mut self, _: &Locator) -> Result<(), BrowserError> {
        Ok(())
    }

    async fn frame(&mut self, _: Option<&Locator>) -> Result<(), BrowserError> {
        Ok(())
    }

    async fn screenshot(&mut self) -> Result<Vec<u8>, BrowserError> {
        Ok(b"\x89PNG fake".to_vec())
    }

    async fn html(&mut self) -> Result<String, BrowserError> {
        Ok("<html><body>fel</body></html>".into())
    }

    async fn redact(&mut self, _: &[Locator]) -> Result<(), BrowserError> {
        Ok(())
    }

    async fn unredact(&mut self) -> Result<(), BrowserError> {
        Ok(())
    }
}

struct World {
    _db: flode_test_db::TestDb,
    name: String,
    engine: Engine,
    vault_key: String,
    scripts: ScriptSet,
    _dir: tempfile::TempDir,
}

async fn worlds() -> Vec<World> {
    let mut out = Vec::new();
    for db in flode_test_db::databases("flode_robot_worker") {
        let store = Store::connect(&StoreOptions::new(db.url.clone()))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let engine = Engine::new(
            store,
            Arc::new(SystemClock),
            EngineOptions {
                node_name: "nod-1".into(),
                ..EngineOptions::default()
            },
        )
        .await
        .expect("engine");
        engine
            .deploy("betalning.bpmn", PROCESS)
            .await
            .expect("deploy");
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("registrera.toml"), SCRIPT).expect("script");
        let scripts = ScriptSet::load(dir.path()).expect("scripts");
        let (key, vault_key) = VaultKey::generate().expect("key");
        let vault = Vault::new(engine.store().clone(), key);
        vault
            .set("fake", "robot1", "hemligt-1", engine.now())
            .await
            .expect("credential");
        out.push(World {
            name: db.name.to_string(),
            _db: db,
            engine,
            vault_key,
            scripts,
            _dir: dir,
        });
    }
    out
}

impl World {
    async fn robots(&self, robots: usize, seats: i64, browsers: &FakeBrowsers) -> Robots {
        self.robots_on("nod-1", robots, seats, browsers).await
    }

    async fn robots_on(
        &self,
        node: &str,
        robots: usize,
        seats: i64,
        browsers: &FakeBrowsers,
    ) -> Robots {
        self.robots_configured(node, robots, seats, browsers, |_| {})
            .await
    }

    async fn robots_configured(
        &self,
        node: &str,
        robots: usize,
        seats: i64,
        browsers: &FakeBrowsers,
        configure: impl FnOnce(&mut RobotsConfig),
    ) -> Robots {
        let mut config = RobotsConfig::new(
            node,
            vec![Target {
                name: "fake".into(),
                url: "http://legacy.invalid".into(),
                seats,
                requires: Vec::new(),
                scripts: self.scripts.clone(),
            }],
        );
        config.robots = robots;
        config.poll = Duration::from_millis(20);
        config.heartbeat_ms = 1_000;
        config.retry_backoff_ms = 60_000;
        configure(&mut config);
        let vault = Vault::new(
            self.engine.store().clone(),
            VaultKey::from_base64(&self.vault_key).expect("key"),
        );
        Robots::start(&self.engine, vault, browsers.clone(), config)
            .await
            .expect("robots")
    }

    async fn start(&self, fall: &str) -> String {
        let mut v = Map::new();
        v.insert("fall".into(), Value::String(fall.into()));
        self.engine
            .start("betalning", v, None)
            .await
            .expect("start")
            .id
    }

    /// Waits until `done` holds (at most 10 s).
    async fn until<F, Fut>(&self, what: &str, mut done: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..500 {
            if done().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{}: {what} did not happen within 10 s", self.name);
    }

    async fn state(&self, instance: &str) -> InstanceState {
        self.engine
            .store()
            .instance(instance)
            .await
            .expect("instance")
            .state
    }
}

#[tokio::test]
async fn done_business_and_system_exceptions_each_end_where_they_belong() {
    for w in worlds().await {
        let browsers = FakeBrowsers::default();
        let ok = w.start("ok").await;
        let unknown = w.start("okand").await;
        let broken = w.start("trasig").await;
        let robots = w.robots(1, 1, &browsers).await;
        let store = w.engine.store().clone();

        w.until("the good item completes", || async {
            w.state(&ok).await == InstanceState::Completed
        })
        .await;
        let variables = store.variables(&ok).await.expect("v");
        assert!(
            variables
                .iter()
                .any(|v| v.name == "kvitto" && v.value == json!("UTB-1")),
            "{}: completed with the script's output",
            w.name
        );

        w.until("the unknown person reaches the review queue", || async {
            !store
                .open_robot_reviews()
                .await
                .expect("reviews")
                .is_empty()
        })
        .await;
        let reviews = store.open_robot_reviews().await.expect("reviews");
        assert_eq!(reviews.len(), 1, "{}", w.name);
        assert_eq!(reviews[0].instance_id.as_deref(), Some(unknown.as_str()));
        assert_eq!(
            reviews[0].message,
            "Personen finns inte i verksamhetssystemet"
        );
        let review_job = reviews[0].job_id.clone();
        let job = store.job(&review_job).await.expect("job");
        assert_eq!(
            (job.state.as_str(), job.retries),
            ("failed", 0),
            "{}: a business exception is never retried",
            w.name
        );
        let incidents = store
            .incidents("open", flode_store::Page::default())
            .await
            .expect("incidents");
        assert!(
            incidents
                .iter()
                .any(|i| i.job_id.as_deref() == Some(review_job.as_str()))
        );

        w.until("the broken item is retried later", || async {
            store
                .robot_runs_since(0)
                .await
                .expect("runs")
                .iter()
                .any(|r| r.outcome == "system")
        })
        .await;
        // The next item gets a fresh browser.
        let after = w.start("ok").await;
        w.until("the item after the failure completes", || async {
            w.state(&after).await == InstanceState::Completed
        })
        .await;
        robots.shutdown().await;

        let runs = store.robot_runs_since(0).await.expect("runs");
        assert_eq!(
            runs.iter().filter(|r| r.outcome == "done").count(),
            2,
            "{}",
            w.name
        );
        assert_eq!(runs.iter().filter(|r| r.outcome == "business").count(), 1);
        let system: Vec<_> = runs.iter().filter(|r| r.outcome == "system").collect();
        assert_eq!(
            system.len(),
            1,
            "{}: backoff of a minute: one try so far",
            w.name
        );
        assert_eq!(system[0].script, "test-registrering@1/v1");
        let broken_job = store.job(&system[0].job_id).await.expect("job");
        assert_eq!(
            (broken_job.state.as_str(), broken_job.retries),
            ("ready", 2),
            "{}: a system exception is retried, later",
            w.name
        );
        assert!(broken_job.due_at >= system[0].ended_at + 59_000);
        assert_eq!(w.state(&broken).await, InstanceState::Active);
        assert_eq!(
            browsers.0.launches.load(Ordering::SeqCst),
            2,
            "{}: the browser was restarted after the system exception",
            w.name
        );
        let evidence = store
            .robot_evidence_of_job(&system[0].job_id)
            .await
            .expect("evidence");
        assert!(
            !evidence.is_empty(),
            "{}: a failure leaves evidence",
            w.name
        );
        let uses = store
            .robot_credential_uses("fake", 100)
            .await
            .expect("uses");
        assert_eq!(uses.len(), 4, "{}: every sign-in is audited", w.name);
        assert!(
            browsers
                .0
                .usernames
                .lock()
                .expect("lock")
                .iter()
                .all(|u| u == "robot1")
        );
        let robots_seen = store.robots().await.expect("robots");
        assert_eq!(robots_seen.len(), 1);
        assert_eq!(robots_seen[0].state, "stopped");
        assert!(
            store
                .robot_seats_in_use(w.engine.now())
                .await
                .expect("seats")
                .is_empty(),
            "{}: seats are given back",
            w.name
        );

        // The person registered it by hand: the case goes on.
        review::resolve(
            &w.engine,
            &review_job,
            "Anna Andersson",
            Resolution::DoneByHand,
        )
        .await
        .expect("resolve");
        assert_eq!(
            w.state(&unknown).await,
            InstanceState::Completed,
            "{}",
            w.name
        );
        assert!(store.open_robot_reviews().await.expect("r").is_empty());
        assert!(matches!(
            review::resolve(&w.engine, &review_job, "Bo", Resolution::Retry).await,
            Err(review::ReviewError::NotOpen(_))
        ));
    }
}

#[tokio::test]
async fn seats_cap_robots_across_the_pool_and_maintenance_stops_new_work() {
    for w in worlds().await {
        let store = w.engine.store().clone();
        let browsers = FakeBrowsers::default();
        let robots = w.robots(3, 1, &browsers).await;
        assert!(
            store
                .set_robot_target_maintenance("fake", true, w.engine.now())
                .await
                .expect("maintenance")
        );
        let mut items = Vec::new();
        for _ in 0..3 {
            items.push(w.start("lang").await);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            store.robot_runs_since(0).await.expect("runs").is_empty(),
            "{}: no work while the target is in maintenance",
            w.name
        );
        assert!(
            store
                .set_robot_target_maintenance("fake", false, w.engine.now())
                .await
                .expect("maintenance")
        );
        for i in &items {
            w.until("all items complete", || async {
                w.state(i).await == InstanceState::Completed
            })
            .await;
        }
        robots.shutdown().await;
        assert_eq!(
            browsers.0.most_working.load(Ordering::SeqCst),
            1,
            "{}: one licence seat, one robot in the legacy system at a time",
            w.name
        );

        // Two seats, three robots: two work at once, on different robots.
        let browsers = FakeBrowsers::default();
        let mut items = Vec::new();
        for _ in 0..6 {
            items.push(w.start("lang").await);
        }
        let robots = w.robots(3, 2, &browsers).await;
        for i in &items {
            w.until("all items complete", || async {
                w.state(i).await == InstanceState::Completed
            })
            .await;
        }
        robots.shutdown().await;
        assert_eq!(
            browsers.0.most_working.load(Ordering::SeqCst),
            2,
            "{}",
            w.name
        );
        let runs = store.robot_runs_since(0).await.expect("runs");
        let mut used: Vec<&str> = runs.iter().map(|r| r.robot.as_str()).collect();
        used.sort_unstable();
        used.dedup();
        assert!(used.len() >= 2, "{}: {used:?}", w.name);
        assert!(runs.iter().all(|r| r.outcome == "done"));
    }
}

#[tokio::test]
async fn a_pinned_script_version_other_than_the_robots_leaves_the_work_waiting() {
    for w in worlds().await {
        let store = w.engine.store().clone();
        let browsers = FakeBrowsers::default();
        let robots = w.robots(1, 1, &browsers).await;
        assert!(
            store
                .set_robot_target_script_version("fake", Some(2), w.engine.now())
                .await
                .expect("pin")
        );
        let waiting = w.start("ok").await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(w.state(&waiting).await, InstanceState::Active, "{}", w.name);
        assert!(store.robot_runs_since(0).await.expect("runs").is_empty());
        assert!(
            store
                .set_robot_target_script_version("fake", Some(1), w.engine.now())
                .await
                .expect("pin")
        );
        w.until("the item completes under the pinned version", || async {
            w.state(&waiting).await == InstanceState::Completed
        })
        .await;
        robots.shutdown().await;
    }
}

#[tokio::test]
async fn a_robot_that_dies_mid_item_is_found_dead_and_another_node_does_the_item() {
    for w in worlds().await {
        let store = w.engine.store().clone();
        let item = w.start("seg").await;
        let first = w.robots_on("nod-1", 1, 1, &FakeBrowsers::default()).await;
        w.until("the robot is working", || async {
            store
                .robots()
                .await
                .expect("robots")
                .iter()
                .any(|r| r.state == "working")
        })
        .await;
        first.abort();
        let second = w.robots_on("nod-2", 1, 1, &FakeBrowsers::default()).await;
        for _ in 0..1_000 {
            if w.state(&item).await == InstanceState::Completed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        second.shutdown().await;
        assert_eq!(w.state(&item).await, InstanceState::Completed, "{}", w.name);
        let robots = store.robots().await.expect("robots");
        let dead: Vec<_> = robots.iter().filter(|r| r.state == "dead").collect();
        assert_eq!(dead.len(), 1, "{}: {robots:#?}", w.name);
        assert_eq!(dead[0].id, "nod-1/robot-1");
        let runs = store.robot_runs_since(0).await.expect("runs");
        assert_eq!(runs.len(), 1, "{}: the killed run left no record", w.name);
        assert_eq!(runs[0].robot, "nod-2/robot-1");
    }
}

#[tokio::test]
async fn a_kept_session_signs_in_once_until_a_system_exception_closes_the_browser() {
    for mut w in worlds().await {
        let text = format!("session = \"keep\"\n{SCRIPT}").replacen(
            "[[login]]",
            "[page]\nlogin_page = \"#login\"\n\n[[login]]",
            1,
        );
        let script = Script::parse(&text, &w.scripts.dir.join("registrera.toml")).expect("loads");
        w.scripts.scripts = [(script.job_type.clone(), script)].into();
        let browsers = FakeBrowsers::default();
        let robots = w.robots(1, 1, &browsers).await;
        let store = w.engine.store().clone();
        let since = w.engine.now();
        for _ in 0..2 {
            let ok = w.start("ok").await;
            w.until("an item completes", || async {
                w.state(&ok).await == InstanceState::Completed
            })
            .await;
        }
        let usernames = || browsers.0.usernames.lock().expect("lock").len();
        assert_eq!(
            usernames(),
            1,
            "{}: signed in for the first item only",
            w.name
        );

        w.start("trasig").await;
        w.until("the broken item fails", || async {
            store
                .robot_runs_since(since)
                .await
                .expect("runs")
                .iter()
                .any(|r| r.outcome == "system")
        })
        .await;
        let ok = w.start("ok").await;
        w.until("the next item completes", || async {
            w.state(&ok).await == InstanceState::Completed
        })
        .await;
        assert_eq!(
            (browsers.0.launches.load(Ordering::SeqCst), usernames()),
            (2, 2),
            "{}: a new browser after the system exception, signed in anew",
            w.name
        );
        // The runs store their sign-ins, oldest first: the first item's, none for the
        // second, the broken item's (on the kept session), the fresh browser's.
        let mut runs = store.robot_runs_since(since).await.expect("runs");
        runs.sort_by_key(|r| (r.ended_at, r.id.clone()));
        assert_eq!(
            runs.iter()
                .map(|r| (r.outcome.as_str(), r.sign_ins, r.relogins))
                .collect::<Vec<_>>(),
            [
                ("done", 1, 0),
                ("done", 0, 0),
                ("system", 0, 0),
                ("done", 1, 0)
            ],
            "{}",
            w.name
        );
        robots.shutdown().await;
    }
}

#[tokio::test]
async fn a_robot_keeps_its_jobs_lease_while_the_legacy_system_is_slow() {
    for w in worlds().await {
        let browsers = FakeBrowsers::default();
        // `/work/seg` takes 3 s, longer than the 2.5 s lease: without the heartbeats'
        // extensions the lease would run out and the other robot would take the item too.
        let robots = w
            .robots_configured("nod-1", 2, 2, &browsers, |c| c.job_lease_ms = 2_500)
            .await;
        let since = w.engine.now();
        let slow = w.start("seg").await;
        for _ in 0..60 {
            // What `flode serve`'s background service does.
            w.engine.release_expired_leases().await.expect("release");
            if w.state(&slow).await == InstanceState::Completed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(w.state(&slow).await, InstanceState::Completed, "{}", w.name);
        let runs = w
            .engine
            .store()
            .robot_runs_since(since)
            .await
            .expect("runs");
        assert_eq!(
            runs.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(),
            ["done"],
            "{}: one robot worked the item, once",
            w.name
        );
        robots.shutdown().await;
    }
}
