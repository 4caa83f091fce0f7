//! Headless Chromium through chromedriver, driven with fantoccini over plain HTTP on
//! localhost. Nothing is downloaded: both come from Debian (`scripts/install-browser`).

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;
use tokio::process::{Child, Command};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The window every page is checked in, in CSS pixels.
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 900;

/// A chromedriver process and one browser session; both end when this is dropped, even on
/// a panic: chromedriver runs in a process group of its own, which Chromium inherits, and
/// dropping kills that group.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

/// Fails loudly when the browser is missing: with `FLODE_A11Y=1` it must be there.
pub fn require_installed() {
    for path in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(path).exists(),
            "FLODE_A11Y=1 but {path} is missing: run scripts/install-browser \
             (apt-get install chromium chromium-driver)"
        );
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// Waits until chromedriver accepts connections, or fails if it exits or takes too long.
async fn wait_for_port(driver: &mut Child, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        if let Ok(Some(status)) = driver.try_wait() {
            panic!("{CHROMEDRIVER} exited with {status} before listening on port {port}");
        }
        assert!(
            Instant::now() < deadline,
            "{CHROMEDRIVER} did not listen on port {port} within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Browser {
    /// Starts chromedriver and opens a headless Chromium session with a fresh profile.
    pub async fn start() -> Browser {
        let port = free_port();
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--log-level=WARNING")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let profile = tempfile::tempdir().expect("profile dir");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            "--disable-extensions".to_owned(),
            "--disable-quic".to_owned(),
            "--force-device-scale-factor=1".to_owned(),
            "--lang=sv-SE".to_owned(),
            format!("--window-size={WIDTH},{HEIGHT}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": args,
            },
            "timeouts": {"script": 30_000, "pageLoad": 30_000, "implicit": 0},
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        wait_for_port(&mut driver, port).await;
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let client = builder
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!("no WebDriver session from {CHROMEDRIVER} with {CHROMIUM}: {e}")
            });
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Ends the session (Chromium quits and removes its profile), then the driver.
    pub async fn stop(self) {
        if let Err(e) = self.client.clone().close().await {
            eprintln!("a11y: closing the browser session failed: {e}");
        }
        // Drop kills whatever is left of the process group.
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(pid) = self.driver.id() {
            // The group id is the driver's pid (process_group(0)).
            let _ = std::process::Command::new("sh")
                .args(["-c", &format!("kill -KILL -{pid} 2>/dev/null")])
                .status();
        }
    }
}
