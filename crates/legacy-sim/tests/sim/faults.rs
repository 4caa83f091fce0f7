//! Injected faults.

use std::time::{Duration, Instant};

use flode_legacy_sim::{Config, CrashMode, Faults, Latency, UiVersion};

use crate::helpers::{Browser, TESTA, spawn};

async fn v1_robot(base: &str, config: &Config) -> anyhow::Result<Browser> {
    let b = Browser::new(base)?;
    b.post(
        "/procapita/login.do",
        &[
            ("j_username", "robot1"),
            ("j_password", &config.credentials.robot_password),
        ],
    )
    .await?;
    b.post("/procapita/valjEnhet.do", &[("enhetId", "1")])
        .await?
        .expect("<frameset")?;
    Ok(b)
}

const PAYMENT: [(&str, &str); 6] = [
    ("mottagare", "Testa Simulantsson"),
    ("utbetalningssatt", "Konto"),
    ("utbDatum", "250525"),
    ("period", "2025-05"),
    ("belopp", "100"),
    ("referens", "IDEMP-1"),
];

#[tokio::test]
async fn crash_mid_save_commits_and_drops_the_response() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let (base, sim) = spawn(config.clone()).await?;
    let b = v1_robot(&base, &config).await?;
    sim.set_faults(Faults {
        crash_mid_save: 1.0,
        ..Faults::NONE
    });
    let answer = b
        .post("/procapita/utbetalning.do?arendeId=1", &PAYMENT)
        .await;
    let error = format!("{:#}", answer.expect_err("no response"));
    assert!(
        error.contains("connection closed before message completed"),
        "{error}"
    );
    let saved = sim.payments_for(TESTA).await?;
    assert_eq!(saved.len(), 1, "the payment was committed");
    assert_eq!(saved[0].referens, "IDEMP-1");

    // The robot's check after the crash: the reference is on the case.
    sim.set_faults(Faults::NONE);
    b.get("/procapita/arende.do?arendeId=1")
        .await?
        .expect("IDEMP-1")?;

    // Before commit: the same silence, nothing saved.
    sim.set_faults(Faults {
        crash_mid_save: 1.0,
        crash_mode: CrashMode::BeforeCommit,
        ..Faults::NONE
    });
    let mut other = PAYMENT;
    other[3] = ("period", "2025-06");
    assert!(
        b.post("/procapita/utbetalning.do?arendeId=1", &other)
            .await
            .is_err()
    );
    assert_eq!(sim.payments_for(TESTA).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn error_rate_one_answers_every_request_with_500() -> anyhow::Result<()> {
    for ui in [UiVersion::V1, UiVersion::V2] {
        let mut config = Config::quiet(ui);
        config.faults.error_rate = 1.0;
        let (base, _sim) = spawn(config).await?;
        let page = Browser::new(&base)?.get(ui.login_path()).await?;
        assert_eq!(page.status, 500);
        page.expect("500")?;
    }
    Ok(())
}

#[tokio::test]
async fn latency_and_spinner() -> anyhow::Result<()> {
    let mut config = Config::quiet(UiVersion::V2);
    config.faults.latency = Latency {
        min: Duration::from_millis(150),
        max: Duration::from_millis(250),
        ..Latency::NONE
    };
    config.faults.spinner = Some(Duration::from_millis(500));
    let (base, _sim) = spawn(config).await?;
    let started = Instant::now();
    let page = Browser::new(&base)?.get("/lifecare/auth/login").await?;
    assert!(started.elapsed() >= Duration::from_millis(150));
    page.expect("id=\"spinner\"")?.expect("500)")?;
    Ok(())
}

#[tokio::test]
async fn realistic_config_locks_a_seeded_case() -> anyhow::Result<()> {
    let (_router, sim) = flode_legacy_sim::app(Config::realistic(UiVersion::V1)).await?;
    let cases = sim.cases_for("197010917073").await?;
    assert_eq!(cases[0].diarienummer, "IFO-2025-0006");
    assert_eq!(cases[0].locked_by.as_deref(), Some("handlaggare2"));
    Ok(())
}
