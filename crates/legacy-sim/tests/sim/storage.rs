//! A file database survives a restart and is seeded once.

use flode_legacy_sim::{Config, Database, NewCase, UiVersion};

#[tokio::test]
async fn file_database_is_seeded_once_and_kept() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("simifo-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("simifo.db");
    let _ = std::fs::remove_file(&path);
    let mut config = Config::quiet(UiVersion::V2);
    config.database = Database::File(path.clone());
    {
        let (_router, sim) = flode_legacy_sim::app(config.clone()).await?;
        let case = sim
            .add_case(
                "198503611017",
                &NewCase {
                    unit: "Ekonomiskt bistånd".into(),
                    arendetyp: "Ekonomiskt bistånd".into(),
                    status: "Öppet".into(),
                    inkom: "2026-01-02 08:00".into(),
                    beskrivning: "Tillagt av test".into(),
                },
            )
            .await?;
        assert_eq!(case.diarienummer, "IFO-2026-0021");
    }
    let (_router, sim) = flode_legacy_sim::app(config).await?;
    assert_eq!(sim.persons().await?.len(), 8, "not seeded twice");
    assert_eq!(sim.cases_for("198503611017").await?.len(), 2);
    // Only whitelisted test numbers.
    let mut person = sim.persons().await?.remove(0);
    person.personnummer = "199001011239".into();
    assert!(sim.add_person(&person).await.is_err());
    drop(sim);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
