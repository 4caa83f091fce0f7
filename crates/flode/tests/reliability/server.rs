//! Starting and killing `flode serve` processes, databases, and a minimal API client.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A database shared by the servers of one test (`flode-test-db`).
pub(crate) use flode_test_db::TestDb as Db;

pub(crate) fn sqlite() -> Db {
    flode_test_db::sqlite()
}

/// A fresh PostgreSQL database; `None` (with a warning) outside CI when PostgreSQL is absent.
pub(crate) fn postgres() -> Option<Db> {
    match flode_test_db::postgres("flode_rel") {
        Ok(db) => Some(db),
        Err(why) if flode_test_db::pg_required() => {
            panic!("PostgreSQL is required (CI or FLODE_REQUIRE_PG) but not usable: {why}")
        }
        Err(why) => {
            eprintln!("WARNING: PostgreSQL not usable ({why}); skipping the PostgreSQL part");
            None
        }
    }
}

/// One running `flode serve`.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    port: u16,
    db: String,
    name: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

impl Server {
    pub(crate) async fn start(db: &Db, name: &str) -> Self {
        Self::start_on(&db.url, free_port(), name).await
    }

    async fn start_on(db: &str, port: u16, name: &str) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_flode"))
            .args([
                "serve",
                "--database",
                db,
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--demo",
                "false",
            ])
            .env("FLODE_NODE_NAME", name)
            .env("FLODE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn flode serve");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
            db: db.to_owned(),
            name: name.to_owned(),
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("flode serve on {} did not become ready", self.base);
    }

    /// SIGKILL: no shutdown hooks, no flushing beyond what was committed.
    pub(crate) fn kill9(&mut self) {
        self.child.kill().expect("kill");
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits up to `within` for a clean exit; returns the exit status.
    pub(crate) fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(sent.success());
        let end = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < end,
                "flode serve did not stop within {within:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts again on the same port and database.
    pub(crate) async fn restart(&mut self) {
        let next = Self::start_on(&self.db, self.port, &self.name).await;
        // The old process is already dead; dropping its handle is harmless.
        drop(std::mem::replace(self, next));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny client for the parts of the API the stories use, signed in with an admin API
/// token made by `flode token add` on the story's database.
#[derive(Clone)]
pub(crate) struct Api {
    http: reqwest::Client,
    token: String,
}

impl Api {
    pub(crate) fn new(db: &Db) -> Self {
        let name = format!("reliability-{}", uuid::Uuid::new_v4().simple());
        let out = Command::new(env!("CARGO_BIN_EXE_flode"))
            .args([
                "token",
                "add",
                "--database",
                &db.url,
                "--name",
                &name,
                "--role",
                "admin",
            ])
            .output()
            .expect("run flode token add");
        assert!(
            out.status.success(),
            "flode token add: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            token: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        }
    }

    pub(crate) async fn post(
        &self,
        base: &str,
        path: &str,
        body: Value,
    ) -> Result<(u16, Value), String> {
        let r = self
            .http
            .post(format!("{base}{path}"))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = r.status().as_u16();
        let v = r.json::<Value>().await.unwrap_or(Value::Null);
        Ok((status, v))
    }

    pub(crate) async fn get(&self, base: &str, path: &str) -> Result<Value, String> {
        let r = self
            .http
            .get(format!("{base}{path}"))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        r.json::<Value>().await.map_err(|e| e.to_string())
    }

    pub(crate) async fn deploy(&self, base: &str, name: &str, xml: &str) {
        let (status, body) = self
            .post(base, "/api/deployments", json!({"name": name, "xml": xml}))
            .await
            .expect("deploy");
        assert_eq!(status, 201, "deploy: {body}");
    }

    pub(crate) async fn start(&self, base: &str, key: &str) -> String {
        let (status, body) = self
            .post(
                base,
                "/api/process-instances",
                json!({"processKey": key, "variables": {}}),
            )
            .await
            .expect("start");
        assert_eq!(status, 201, "start: {body}");
        body["id"].as_str().expect("id").to_owned()
    }

    /// Active instances (up to 10 000).
    pub(crate) async fn active(&self, base: &str) -> Result<usize, String> {
        let v = self
            .get(base, "/api/process-instances?state=active&limit=10000")
            .await?;
        Ok(v.as_array()
            .map(Vec::len)
            .or_else(|| v["items"].as_array().map(Vec::len))
            .unwrap_or(usize::MAX))
    }
}

/// A model: start → service task (job) → end.
pub(crate) fn job_model(id: &str, job_type: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d-{id}" targetNamespace="https://flode.example/rel">
  <bpmn:process id="{id}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="effect"/>
    <bpmn:serviceTask id="effect"><bpmn:extensionElements><zeebe:taskDefinition type="{job_type}" retries="5"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="effect" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#
    )
}
