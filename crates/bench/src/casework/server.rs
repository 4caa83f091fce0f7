//! `flode serve` as a child process on a free loopback port, in environment `test`, with
//! SSBTEK at the bench's stand-in, no demo data, and nothing from the caller's `FLODE_*`
//! variables or any `flode.toml` (it runs in an empty directory of its own).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

/// How long `flode serve` may take to migrate, deploy and answer `/readyz`.
const READY_WITHIN: Duration = Duration::from_secs(120);
/// How long a graceful shutdown may take before the process is killed.
const STOP_WITHIN: Duration = Duration::from_secs(20);

/// A running `flode serve`.
pub(crate) struct Server {
    child: Child,
    base: String,
    dir: PathBuf,
}

impl Server {
    /// Starts `flode` and waits until `/readyz` answers 200.
    pub(crate) async fn start(
        flode: &Path,
        database: &str,
        ssbtek_endpoint: &str,
        log: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let flode = std::fs::canonicalize(flode)
            .with_context(|| format!("the flode binary {} (build it first)", flode.display()))?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let bind = format!("127.0.0.1:{port}");
        let dir = std::env::temp_dir().join(format!("flode-bench-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let (stdout, stderr) = match log {
            Some(path) => {
                let file = std::fs::File::create(path)
                    .with_context(|| format!("creating {}", path.display()))?;
                (Stdio::from(file.try_clone()?), Stdio::from(file))
            }
            None => (Stdio::null(), Stdio::null()),
        };
        let mut command = Command::new(&flode);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("FLODE_") {
                command.env_remove(key);
            }
        }
        let child = command
            .args(["serve", "--database", database, "--bind", &bind])
            .args(["--demo", "false"])
            .env("FLODE_ENVIRONMENT", "test")
            .env("FLODE_SSBTEK_ENDPOINT", ssbtek_endpoint)
            .env("FLODE_LOG", "info")
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", flode.display()))?;
        let mut server = Self {
            child,
            base: format!("http://{bind}"),
            dir,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    async fn wait_ready(&mut self) -> anyhow::Result<()> {
        let client = super::http::client()?;
        let url = format!("{}/readyz", self.base);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("flode serve exited before it was ready ({status}); see its log");
            }
            if let Ok(r) = client.get(&url).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            if started.elapsed() > READY_WITHIN {
                bail!("flode serve was not ready within {READY_WITHIN:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGTERM (graceful shutdown: leases released, SQLite closed cleanly), then SIGKILL if
    /// it takes too long.
    pub(crate) async fn stop(mut self) -> anyhow::Result<()> {
        let result = async {
            if let Some(pid) = self.child.id() {
                let _ = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .await;
            }
            match tokio::time::timeout(STOP_WITHIN, self.child.wait()).await {
                Ok(status) => {
                    status?;
                    Ok(())
                }
                Err(_) => {
                    self.child.kill().await?;
                    bail!("flode serve did not stop within {STOP_WITHIN:?}; killed")
                }
            }
        }
        .await;
        let _ = std::fs::remove_dir_all(&self.dir);
        result
    }
}
