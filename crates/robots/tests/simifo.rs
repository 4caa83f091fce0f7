//! The payment robot end to end: the scripts in `robots/simifo/v1` and `robots/simifo/v2`
//! run in real headless Chromium against SimIFO on a real socket, with the same job
//! variables for both UI versions (adapting to v2 was a change of scripts only).
//!
//! Each UI version gets one Chromium for all its cases and a few sims (quiet, with a short
//! idle timeout, realistic): a payment is registered exactly once with the right amount,
//! reference and dates; the same job again finds it and writes nothing; latency, the
//! spinner and the news modal are waited out; a session lost just before the save is
//! signed in again and the write is checked for before it is repeated; a save whose answer
//! is lost after it committed ends as a system exception and the retry finds it done; an
//! open case past the first page of a long case list is paged to; an unknown person, a
//! person without an open case, a locked case, a duplicate warning and a job without an
//! amount end as business exceptions with Swedish messages and masked evidence. Runs with
//! `FLODE_A11Y=1` (scripts/test), like the other browser tests.

use std::path::Path;
use std::time::{Duration, Instant};

use flode_legacy_sim::{
    Config, CrashMode, Credentials, Faults, Latency, ROBOT_USER, Sim, UiVersion,
};
use flode_robots::script::Locator;
use flode_robots::{
    BrowserError, Chromium, ChromiumConfig, Input, Login, Outcome, Page, Report, Script, ScriptSet,
};
use serde_json::{Map, Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The seeded people of SimIFO (crates/legacy-sim/src/seed.rs) and their open cases.
const TESTA: (&str, &str) = ("198503611017", "IFO-2025-0001");
const STUDERA: (&str, &str) = ("199906644043", "IFO-2025-0003");
const UNG: (&str, &str) = ("200107755050", "IFO-2025-0004");
const FAMILJ: (&str, &str) = ("198808866068", "IFO-2025-0005");
/// Twelve closed cases besides the open one: more than a page of them.
const PAGINA: (&str, &str) = ("199204722020", "IFO-2025-0008");
/// Only a case of Barn och unga: no open case of ekonomiskt bistånd.
const TESTBARN: &str = "201701012393";
/// Testa's number with a wrong check digit: no one's, so in no register.
const NOBODY: &str = "198503611018";

/// The job as flode's försörjningsstöd process leaves it for `legacy.register_payment`.
fn job(personnummer: &str, arende_id: &str) -> Map<String, Value> {
    let job = json!({
        "arendeId": arende_id,
        "personnummer": personnummer,
        "manad": "2026-12",
        "period": {"from": "2026-11-01", "tom": "2026-12-31"},
        "beslut": {
            "utfall": "bifall",
            "belopp": 5700,
            "motivering": "Behovet är styrkt.",
            "lagrum": ["4 kap. 1 § socialtjänstlagen (2001:453)"],
            "fattatAv": "Hanna Handläggare",
        },
    });
    match job {
        Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    }
}

fn script(ui: &str) -> Script {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../robots/simifo")
        .join(ui);
    let set = ScriptSet::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    set.scripts
        .get("legacy.register_payment")
        .cloned()
        .unwrap_or_else(|| panic!("no legacy.register_payment in {}", dir.display()))
}

/// A sim on a real socket (the crash mid-save drops the connection).
async fn sim(config: Config) -> (String, Sim) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = flode_legacy_sim::spawn(listener, config)
        .await
        .expect("SimIFO starts");
    (base, sim)
}

/// `Config::realistic` with its seconds turned into tenths, so that the run takes seconds,
/// and without the random 500s and crashes (a run that meets one ends as a system exception
/// by design; the crash has its own case below).
fn realistic(ui: UiVersion) -> Config {
    let mut config = Config::realistic(ui);
    config.faults.latency = Latency {
        min: Duration::from_millis(30),
        max: Duration::from_millis(300),
        spike_rate: 0.02,
        spike: Duration::from_secs(2),
    };
    config.faults.spinner = Some(Duration::from_millis(250));
    config.faults.error_rate = 0.0;
    config.faults.crash_mid_save = 0.0;
    config
}

/// The Chromium page, made to stand still for `pause` before it types `trigger` the first
/// time: a robot that idles past the session timeout just before the save.
struct Dawdling<'a> {
    page: &'a mut Chromium,
    trigger: String,
    pause: Duration,
    done: bool,
}

impl Page for Dawdling<'_> {
    async fn open(&mut self, url: &str) -> Result<(), BrowserError> {
        self.page.open(url).await
    }
    async fn present(&mut self, l: &Locator) -> Result<bool, BrowserError> {
        self.page.present(l).await
    }
    async fn read(&mut self, l: &Locator, attribute: Option<&str>) -> Result<String, BrowserError> {
        self.page.read(l, attribute).await
    }
    async fn fill(&mut self, l: &Locator, value: &str) -> Result<(), BrowserError> {
        if !self.done && value == self.trigger {
            self.done = true;
            tokio::time::sleep(self.pause).await;
        }
        self.page.fill(l, value).await
    }
    async fn select(&mut self, l: &Locator, option: &str) -> Result<(), BrowserError> {
        self.page.select(l, option).await
    }
    async fn click(&mut self, l: &Locator) -> Result<(), BrowserError> {
        self.page.click(l).await
    }
    async fn frame(&mut self, l: Option<&Locator>) -> Result<(), BrowserError> {
        self.page.frame(l).await
    }
    async fn screenshot(&mut self) -> Result<Vec<u8>, BrowserError> {
        self.page.screenshot().await
    }
    async fn html(&mut self) -> Result<String, BrowserError> {
        self.page.html().await
    }
    async fn redact(&mut self, names: &[Locator]) -> Result<(), BrowserError> {
        self.page.redact(names).await
    }
    async fn unredact(&mut self) -> Result<(), BrowserError> {
        self.page.unredact().await
    }
}

struct Robot {
    ui: &'static str,
    script: Script,
    password: String,
}

impl Robot {
    async fn run<P: Page>(&self, page: &mut P, base: &str, job: &Map<String, Value>) -> Report {
        self.run_signed_in(page, base, job, false).await
    }

    /// A run that starts on the session the browser holds (`session = "keep"`) or not.
    async fn run_signed_in<P: Page>(
        &self,
        page: &mut P,
        base: &str,
        job: &Map<String, Value>,
        signed_in: bool,
    ) -> Report {
        let login = Login {
            username: ROBOT_USER,
            password: &self.password,
        };
        let started = Instant::now();
        let report = flode_robots::run(&self.script, page, job, &login, base, signed_in).await;
        eprintln!(
            "[{}] {} in {:.1} s: {:?} (steps {}, relogins {}, sign-ins {})",
            self.ui,
            job.get("arendeId").and_then(Value::as_str).unwrap_or("?"),
            started.elapsed().as_secs_f64(),
            report.outcome,
            report.steps_run,
            report.relogins,
            report.sign_ins
        );
        report
    }
}

/// Keeps a report's screenshots and HTML where a failing test can be looked into, and says
/// where.
fn kept(report: &Report) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("simifo-evidence");
    if std::fs::create_dir_all(&dir).is_err() {
        return String::new();
    }
    for (i, capture) in report.captures.iter().enumerate() {
        let name: String = capture
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let base = dir.join(format!("{}-{i}-{name}", std::process::id()));
        let _ = std::fs::write(base.with_extension("png"), &capture.png);
        if let Some(html) = &capture.html {
            let _ = std::fs::write(base.with_extension("html"), html);
        }
    }
    format!(" (evidence in {})", dir.display())
}

fn done(report: &Report) -> (&Map<String, Value>, bool) {
    match &report.outcome {
        Outcome::Done {
            outputs,
            already_done,
        } => (outputs, *already_done),
        other => panic!("expected done, got {other:?}{}", kept(report)),
    }
}

fn business(report: &Report) -> &str {
    match &report.outcome {
        Outcome::Business { message, .. } => message,
        other => panic!(
            "expected a business exception, got {other:?}{}",
            kept(report)
        ),
    }
}

/// Exactly one payment for the person: the job's amount in öre, reference and dates, on
/// the open case, by the robot.
async fn one_payment(sim: &Sim, (pnr, case): (&str, &str), arende_id: &str) {
    let payments = sim.payments_for(pnr).await.expect("payments");
    assert_eq!(payments.len(), 1, "{payments:#?}");
    let p = &payments[0];
    assert_eq!(p.belopp_ore, 570_000, "5 700 kr");
    assert_eq!(p.referens, arende_id);
    assert_eq!(p.period, "2026-12");
    assert_eq!(p.datum, "2026-12-01");
    assert_eq!(p.diarienummer, case);
    assert_eq!(p.satt, "Konto");
    assert_eq!(p.registered_by, ROBOT_USER);
}

/// The evidence of a failure: a PNG and HTML in which the job's personnummer is in no
/// spelling, nor the names given.
fn masked_evidence(report: &Report, pnr: &str, names: &[&str]) {
    let capture = report.captures.last().expect("evidence of the failure");
    assert!(capture.png.starts_with(b"\x89PNG"), "a PNG");
    let html = capture.html.as_deref().expect("the HTML");
    let spellings = [
        pnr.to_owned(),
        pnr[2..].to_owned(),
        format!("{}-{}", &pnr[2..8], &pnr[8..]),
        format!("{}-{}", &pnr[..8], &pnr[8..]),
    ];
    for s in spellings
        .iter()
        .map(String::as_str)
        .chain(names.iter().copied())
    {
        assert!(!html.contains(s), "{s} in the evidence: {html}");
    }
}

async fn scenarios(ui: UiVersion) {
    let name = match ui {
        UiVersion::V1 => "v1",
        UiVersion::V2 => "v2",
    };
    let robot = Robot {
        ui: name,
        script: script(name),
        password: Credentials::default().robot_password,
    };
    let mut chromium = Chromium::start(&ChromiumConfig::default())
        .await
        .expect("Chromium starts");

    // Quiet: the payment, once.
    let (base, quiet) = sim(Config::quiet(ui)).await;
    let first = job(TESTA.0, "EB-2026-000123");
    let report = robot.run(&mut chromium, &base, &first).await;
    let (outputs, already) = done(&report);
    assert!(!already);
    assert_eq!(outputs.get("diarienummer"), Some(&json!(TESTA.1)));
    assert_eq!(report.relogins, 0);
    assert_eq!(
        report.captures.len(),
        1,
        "the screenshot of the registered payment"
    );
    one_payment(&quiet, TESTA, "EB-2026-000123").await;

    // The same job again: found, nothing written; the diarienummer read from the list.
    let report = robot.run(&mut chromium, &base, &first).await;
    let (outputs, already) = done(&report);
    assert!(already, "already done");
    assert_eq!(outputs.get("diarienummer"), Some(&json!(TESTA.1)));
    one_payment(&quiet, TESTA, "EB-2026-000123").await;

    // Another decision for the same person and month: the duplicate warning, never
    // "continue". Typed key by key and clicked with WebDriver's mouse (`input = "events"`)
    // where the script set says `dom`: the same steps either way.
    let keyed = Robot {
        ui: robot.ui,
        script: Script {
            input: Input::Events,
            ..robot.script.clone()
        },
        password: robot.password.clone(),
    };
    let report = keyed
        .run(&mut chromium, &base, &job(TESTA.0, "EB-2026-000124"))
        .await;
    assert!(business(&report).contains("redan en utbetalning för 2026-12"));
    one_payment(&quiet, TESTA, "EB-2026-000123").await;
    masked_evidence(&report, TESTA.0, &["Simulantsson"]);
    if ui == UiVersion::V2 {
        // The warning is in the payments iframe, under a page that names the person: the
        // masking covers the whole window, not only the frame the robot is in.
        chromium
            .redact(&[Locator::Css("a[href*='/lifecare/person/']".into())])
            .await
            .expect("redact");
        chromium.frame(None).await.expect("to the top");
        let top = chromium.html().await.expect("html");
        assert!(top.contains("id=\"case-heading\""), "the case page: {top}");
        assert!(!top.contains("Simulantsson"), "{top}");
        assert!(!top.contains("19850361-1017"), "{top}");
        assert!(
            top.contains("[namn]") && top.contains("[personnummer]"),
            "{top}"
        );
    }

    // Unknown person.
    let report = robot
        .run(&mut chromium, &base, &job(NOBODY, "EB-2026-000125"))
        .await;
    assert!(business(&report).contains("finns inte i"), "{report:?}");
    masked_evidence(&report, NOBODY, &[]);

    // No open case of ekonomiskt bistånd.
    let report = robot
        .run(&mut chromium, &base, &job(TESTBARN, "EB-2026-000126"))
        .await;
    assert!(business(&report).contains("inget öppet ärende"));
    assert!(
        quiet
            .payments_for(TESTBARN)
            .await
            .expect("payments")
            .is_empty()
    );
    masked_evidence(&report, TESTBARN, &["Simulantsson"]);

    // A case locked by a person.
    quiet
        .lock_case(FAMILJ.1, Some("handlaggare2"))
        .await
        .expect("lock");
    let report = robot
        .run(&mut chromium, &base, &job(FAMILJ.0, "EB-2026-000127"))
        .await;
    assert!(business(&report).contains("är låst"), "{report:?}");
    assert!(
        quiet
            .payments_for(FAMILJ.0)
            .await
            .expect("payments")
            .is_empty()
    );
    masked_evidence(&report, FAMILJ.0, &["Simulantsdotter"]);

    // More cases than a page shows: paged through to the open one.
    let report = robot
        .run(&mut chromium, &base, &job(PAGINA.0, "EB-2026-000131"))
        .await;
    let (outputs, _) = done(&report);
    assert_eq!(outputs.get("diarienummer"), Some(&json!(PAGINA.1)));
    one_payment(&quiet, PAGINA, "EB-2026-000131").await;

    // A decision without an amount: to a person before the browser is touched.
    let mut no_amount = job(UNG.0, "EB-2026-000128");
    if let Some(Value::Object(beslut)) = no_amount.get_mut("beslut") {
        beslut.remove("belopp");
    }
    let report = robot.run(&mut chromium, &base, &no_amount).await;
    assert_eq!(business(&report), "jobbet saknar variabeln beslut.belopp");
    assert_eq!(report.steps_run, 0);

    // The save commits, then the connection drops: a system exception; the retry finds
    // the payment and writes nothing.
    quiet.set_faults(Faults {
        crash_mid_save: 1.0,
        crash_mode: CrashMode::AfterCommit,
        ..Faults::NONE
    });
    let crashing = job(UNG.0, "EB-2026-000129");
    let report = robot.run(&mut chromium, &base, &crashing).await;
    assert!(
        matches!(report.outcome, Outcome::System { .. }),
        "{:?}{}",
        report.outcome,
        kept(&report)
    );
    one_payment(&quiet, UNG, "EB-2026-000129").await;
    quiet.set_faults(Faults::NONE);
    let report = robot.run(&mut chromium, &base, &crashing).await;
    assert!(done(&report).1, "already done");
    one_payment(&quiet, UNG, "EB-2026-000129").await;

    // The session times out while the robot fills in the form: the save lands on the
    // login page and its form is lost; the robot signs in again, checks, and saves once.
    let mut idle = Config::quiet(ui);
    idle.session_idle = Duration::from_secs(6);
    let (idle_base, idle_sim) = sim(idle).await;
    let slow = job(STUDERA.0, "EB-2026-000130");
    let mut dawdling = Dawdling {
        page: &mut chromium,
        trigger: "EB-2026-000130".into(),
        pause: Duration::from_secs(7),
        done: false,
    };
    let report = robot.run(&mut dawdling, &idle_base, &slow).await;
    let (outputs, already) = done(&report);
    assert!(!already, "this run wrote it");
    assert_eq!(outputs.get("diarienummer"), Some(&json!(STUDERA.1)));
    assert_eq!(report.relogins, 1);
    one_payment(&idle_sim, STUDERA, "EB-2026-000130").await;

    // The session kept for the next item (`session = "keep"`): no sign-in while it lasts;
    // after SimIFO's idle timeout the search opens on the login page and the robot signs
    // in there, which is not a lost session.
    let report = robot
        .run_signed_in(&mut chromium, &idle_base, &first, true)
        .await;
    assert!(!done(&report).1, "this run wrote it");
    assert_eq!((report.sign_ins, report.relogins), (0, 0));
    one_payment(&idle_sim, TESTA, "EB-2026-000123").await;
    tokio::time::sleep(Duration::from_secs(7)).await;
    let report = robot
        .run_signed_in(&mut chromium, &idle_base, &slow, true)
        .await;
    assert!(done(&report).1, "already done");
    assert_eq!((report.sign_ins, report.relogins), (1, 0));
    one_payment(&idle_sim, STUDERA, "EB-2026-000130").await;

    // Realistic: latency, the spinner, the news modal (v2), a locked case elsewhere.
    let (real_base, real) = sim(realistic(ui)).await;
    let report = robot.run(&mut chromium, &real_base, &first).await;
    assert!(!done(&report).1);
    one_payment(&real, TESTA, "EB-2026-000123").await;

    chromium.stop().await;
}

fn enabled() -> bool {
    if std::env::var("FLODE_A11Y").as_deref() != Ok("1") {
        eprintln!(
            "\n*** SKIPPED: the SimIFO robot tests run in Chromium with FLODE_A11Y=1 (scripts/test) ***\n"
        );
        return false;
    }
    for path in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(path).exists(),
            "FLODE_A11Y=1 but {path} is missing: run scripts/install-browser \
             (apt-get install chromium chromium-driver)"
        );
    }
    true
}

/// One browser at a time: the machines these run on have few cores, and a starved
/// Chromium makes timeouts, not findings.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run_in_chromium(ui: UiVersion) {
    if !enabled() {
        return;
    }
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(scenarios(ui));
}

#[test]
fn v1_procapita_registers_each_payment_once_through_every_quirk() {
    run_in_chromium(UiVersion::V1);
}

#[test]
fn v2_lifecare_registers_each_payment_once_through_every_quirk() {
    run_in_chromium(UiVersion::V2);
}
