//! Test databases (`flode-test-db`), a simulator on port 0 and a connector for it.

use std::sync::Arc;
use std::time::Duration;

use flode_engine::{Engine, EngineOptions, ManualClock};
use flode_integrations::model::{Fraga, Ingivare, Source};
use flode_integrations::{
    Client, ClientConfig, LatencyProfile, Personidentitet, Simulator, SimulatorConfig,
};
use flode_store::{Store, StoreOptions};

pub(crate) const EPOCH: i64 = 1_767_225_600_000;
pub(crate) const ORG: &str = "162120000217";
/// Skatteverket's test number; no fixture data: the unknown person.
pub(crate) const UNKNOWN: &str = "201701012393";
/// Synthetic persona with a-kassa.
pub(crate) const AKASSA: &str = "199204722020";
/// Synthetic persona with a protected identity.
pub(crate) const SKYDDAD: &str = "197805833030";

pub(crate) use flode_test_db::TestDb;

/// SQLite, plus PostgreSQL when reachable (required with CI or FLODE_REQUIRE_PG).
pub(crate) fn databases() -> Vec<TestDb> {
    flode_test_db::databases("flode_test")
}

pub(crate) async fn store(db: &TestDb) -> Store {
    let store = Store::connect(&StoreOptions::new(&db.url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    store
}

pub(crate) async fn engine(db: &TestDb) -> (Engine, ManualClock) {
    let clock = ManualClock::new(EPOCH);
    let engine = Engine::new(
        store(db).await,
        Arc::new(clock.clone()),
        EngineOptions {
            node_name: "test-node".into(),
            ..EngineOptions::default()
        },
    )
    .await
    .expect("engine");
    (engine, clock)
}

/// A simulator with no latency, serving on 127.0.0.1:0.
pub(crate) async fn simulator(config: Option<SimulatorConfig>) -> (Simulator, String) {
    let sim =
        Simulator::new(config.unwrap_or_else(|| SimulatorConfig::new(LatencyProfile::None, 1)))
            .expect("simulator");
    let addr = sim.spawn("127.0.0.1:0").await.expect("bind");
    (sim, format!("http://{addr}"))
}

pub(crate) fn client(base: &str, store: Store, scenario: Option<&str>) -> Client {
    let mut config = ClientConfig::new(format!("{base}/ssbtek/v10"), ORG, "Testkommun");
    config.backoff = Duration::from_millis(1);
    config.timeout = Duration::from_secs(5);
    config.scenario = scenario.map(str::to_owned);
    Client::new(config, store).expect("client")
}

pub(crate) fn fraga(person: &str, korrelationsid: &str) -> Fraga {
    Fraga {
        ingivare: Ingivare {
            organisationsnummer: ORG.into(),
            namn: "Testkommun".into(),
            handlaggare: "handl01".into(),
        },
        personidentitet: Personidentitet::parse(person).expect("valid test number"),
        arendeidentitet: "EB-2026-0042".into(),
        from: "2026-01-01".into(),
        tom: "2026-03-31".into(),
        syfte: "Handläggning av ansökan om ekonomiskt bistånd".into(),
        lagtext: "Testlagtext (ej verifierad)".into(),
        korrelationsid: korrelationsid.into(),
        sources: Source::ALL.to_vec(),
    }
}
