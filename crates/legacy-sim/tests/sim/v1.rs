//! v1 (Procapita-like) flows.

use std::time::Duration;

use flode_legacy_sim::{Config, UiVersion};

use crate::helpers::{Browser, PAGINATED, Page, TESTA, spawn};

async fn logged_in(base: &str, password: &str) -> anyhow::Result<(Browser, Page)> {
    let b = Browser::new(base)?;
    b.get("/").await?.expect("id=\"j_username\"")?;
    let unit = b
        .post(
            "/procapita/login.do",
            &[("j_username", "robot1"), ("j_password", password)],
        )
        .await?;
    unit.expect("Välj enhet")?.expect("Ekonomiskt bistånd")?;
    let main = b
        .post("/procapita/valjEnhet.do", &[("enhetId", "1")])
        .await?;
    Ok((b, main))
}

fn payment<'a>(period: &'a str, referens: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("mottagare", "Testa Simulantsson"),
        ("utbetalningssatt", "Konto"),
        ("utbDatum", "250525"),
        ("period", period),
        ("belopp", "5 432,10"),
        ("referens", referens),
    ]
}

#[tokio::test]
async fn login_unit_search_open_case_and_register_payment() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let password = config.credentials.robot_password.clone();
    let (base, sim) = spawn(config).await?;
    let b = Browser::new(&base)?;
    let wrong = b
        .post(
            "/procapita/login.do",
            &[("j_username", "robot1"), ("j_password", "fel")],
        )
        .await?;
    wrong.expect("Felaktigt användarnamn eller lösenord.")?;

    let (b, main) = logged_in(&base, &password).await?;
    main.expect("<frameset")?
        .expect("name=\"meny\"")?
        .expect("name=\"innehall\"")?;
    b.get("/procapita/meny.do")
        .await?
        .expect("target=\"innehall\"")?;
    b.get("/procapita/start.do")
        .await?
        .expect("IFO-2025-0001")?;

    let hits = b
        .get("/procapita/personsok.do?personnummer=850361-1017")
        .await?;
    let person = hits
        .between("id=\"sokresultat\"", "href=\"", "\"")?
        .replace("&amp;", "&");
    let cases = b
        .get(&format!(
            "{}&flik=arenden",
            person.replace("&flik=personuppgifter", "")
        ))
        .await?;
    let case = cases.between("IFO-2025-0001", "href=\"", "\"")?;
    assert_eq!(case, "/procapita/arende.do?arendeId=1");

    let form = b.get("/procapita/utbetalning.do?arendeId=1").await?;
    form.expect("<label for=\"referens\">Referens</label>")?;
    let saved = b
        .post(
            "/procapita/utbetalning.do?arendeId=1",
            &payment("2025-05", "ANS-1"),
        )
        .await?;
    saved
        .expect("Utbetalningen har registrerats.")?
        .expect("ANS-1")?
        .expect("5 432,10")?;

    let payments = sim.payments_for(TESTA).await?;
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].referens, "ANS-1");
    assert_eq!(payments[0].datum, "2025-05-25");
    assert_eq!(payments[0].belopp_ore, 543_210);
    assert_eq!(payments[0].registered_by, "robot1");
    Ok(())
}

#[tokio::test]
async fn duplicate_payment_warns_cancel_saves_nothing_continue_saves_a_duplicate()
-> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let password = config.credentials.robot_password.clone();
    let (base, sim) = spawn(config).await?;
    let (b, _) = logged_in(&base, &password).await?;
    let url = "/procapita/utbetalning.do?arendeId=1";
    b.post(url, &payment("2025-06", "A"))
        .await?
        .expect("Utbetalningen har registrerats.")?;

    let warned = b.post(url, &payment("2025-06", "B")).await?;
    warned
        .expect("Det finns redan en utbetalning för perioden. Vill du fortsätta?")?
        .expect("id=\"btnFortsatt\"")?
        .expect("id=\"btnAvbryt\"")?;
    assert_eq!(
        sim.payments_for(TESTA).await?.len(),
        1,
        "the warning saves nothing"
    );

    let mut cancel = payment("2025-06", "B");
    cancel.push(("dubblett", "avbryt"));
    b.post(url, &cancel)
        .await?
        .expect("Utbetalningen registrerades inte.")?;
    assert_eq!(sim.payments_for(TESTA).await?.len(), 1);

    let mut cont = payment("2025-06", "B");
    cont.push(("dubblett", "fortsatt"));
    b.post(url, &cont)
        .await?
        .expect("Utbetalningen har registrerats.")?;
    let payments = sim.payments_for(TESTA).await?;
    assert_eq!(payments.len(), 2, "continuing registers the duplicate");
    assert!(payments.iter().all(|p| p.period == "2025-06"));

    // Another period is no duplicate.
    b.post(url, &payment("2025-07", "C"))
        .await?
        .expect("Utbetalningen har registrerats.")?;
    Ok(())
}

#[tokio::test]
async fn idle_session_lands_on_login_and_the_post_is_lost() -> anyhow::Result<()> {
    let mut config = Config::quiet(UiVersion::V1);
    config.session_idle = Duration::from_millis(300);
    let password = config.credentials.robot_password.clone();
    let (base, sim) = spawn(config).await?;
    let (b, _) = logged_in(&base, &password).await?;
    tokio::time::sleep(Duration::from_millis(450)).await;
    let page = b
        .post(
            "/procapita/utbetalning.do?arendeId=1",
            &payment("2025-05", "X"),
        )
        .await?;
    assert!(
        page.url.starts_with("/procapita/login.do?orsak=timeout"),
        "{}",
        page.url
    );
    page.expect("på grund av inaktivitet")?
        .expect("id=\"j_username\"")?;
    assert!(sim.payments_for(TESTA).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_second_login_ends_the_first_session() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let password = config.credentials.robot_password.clone();
    let (base, _sim) = spawn(config).await?;
    let (first, _) = logged_in(&base, &password).await?;
    first.get("/procapita/start.do").await?.expect("Inkomna")?;
    let (second, _) = logged_in(&base, &password).await?;
    let page = first.get("/procapita/start.do").await?;
    assert!(page.url.contains("orsak=annan-inloggning"), "{}", page.url);
    page.expect("loggat in på en annan plats")?;
    second.get("/procapita/start.do").await?.expect("Inkomna")?;
    Ok(())
}

#[tokio::test]
async fn search_takes_only_the_hyphenated_ten_digit_form() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let password = config.credentials.robot_password.clone();
    let (base, _sim) = spawn(config).await?;
    let (b, _) = logged_in(&base, &password).await?;
    for refused in ["198503611017", "19850361-1017", "8503611017"] {
        let page = b
            .get(&format!("/procapita/personsok.do?personnummer={refused}"))
            .await?;
        page.expect("Felaktigt format på personnummer")?;
        assert!(!page.body.contains("id=\"sokresultat\""), "{refused}");
    }
    let page = b
        .get("/procapita/personsok.do?personnummer=850361-1017")
        .await?;
    page.expect("id=\"sokresultat\"")?.expect("Simulantsson")?;
    // Not a person in the register.
    b.get("/procapita/personsok.do?personnummer=170101-2394")
        .await?
        .expect("Ingen person hittades.")?;
    Ok(())
}

#[tokio::test]
async fn case_list_pages_ten_rows_oldest_first() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let password = config.credentials.robot_password.clone();
    let (base, sim) = spawn(config).await?;
    let (b, _) = logged_in(&base, &password).await?;
    assert_eq!(sim.cases_for(PAGINATED).await?.len(), 13);
    let hits = b
        .get("/procapita/personsok.do?personnummer=920472-2020")
        .await?;
    let pid = hits.between("id=\"sokresultat\"", "pid=", "&")?;
    let first = b
        .get(&format!("/procapita/personakt.do?pid={pid}&flik=arenden"))
        .await?;
    first.expect("Sida 1 av 2")?.expect("Nästa &gt;&gt;")?;
    assert_eq!(first.body.matches("Öppna</a>").count(), 10);
    assert!(
        !first.body.contains("IFO-2025-0008"),
        "the open case is on page 2"
    );
    let second = b
        .get(&format!(
            "/procapita/personakt.do?pid={pid}&flik=arenden&sort=inkom&sida=2"
        ))
        .await?;
    second.expect("Sida 2 av 2")?.expect("IFO-2025-0008")?;
    assert_eq!(second.body.matches("Öppna</a>").count(), 3);
    assert!(!second.body.contains("<tr id="), "no row ids in v1");
    Ok(())
}

#[tokio::test]
async fn signed_journal_note_cannot_be_edited() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let password = config.credentials.robot_password.clone();
    let (base, sim) = spawn(config).await?;
    let (b, _) = logged_in(&base, &password).await?;
    let too_long = "x".repeat(4001);
    b.post(
        "/procapita/journal.do?arendeId=1",
        &[
            ("datum", "2025-05-20"),
            ("rubrik", "Ansökan"),
            ("text", &too_long),
            ("atgard", "signera"),
        ],
    )
    .await?
    .expect("högst 4000 tecken")?;
    let case = b
        .post(
            "/procapita/journal.do?arendeId=1",
            &[
                ("datum", "2025-05-20"),
                ("rubrik", "Ansökan"),
                ("text", "Handlagd av robot"),
                ("atgard", "signera"),
            ],
        )
        .await?;
    case.expect("Journalanteckningen har signerats.")?;
    let edit = case
        .between("Handlagd av robot", "href=\"", "\"")?
        .replace("&amp;", "&");
    b.get(&edit).await?.expect("kan inte ändras")?;
    let refused = b
        .post(
            &edit,
            &[
                ("datum", "2025-05-20"),
                ("rubrik", "Ansökan"),
                ("text", "Ändrad"),
                ("atgard", "spara"),
            ],
        )
        .await?;
    refused.expect("Anteckningen är signerad och kan inte ändras.")?;
    let notes = sim.journal_notes_for(TESTA).await?;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "Handlagd av robot");
    assert!(notes[0].signed_at.is_some());
    Ok(())
}

#[tokio::test]
async fn decision_aktualisering_lock_and_maintenance() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V1);
    let password = config.credentials.robot_password.clone();
    let (base, sim) = spawn(config).await?;
    let (b, _) = logged_in(&base, &password).await?;

    let decision = [
        ("beslutstyp", "Bifall"),
        (
            "lagrum",
            "4 kap. 1 § SoL – försörjningsstöd (version 2025-01)",
        ),
        ("periodFrom", "2025-05-01"),
        ("periodTom", "2025-05-31"),
        ("belopp", "5432,10"),
        ("motivering", "Normberäkning visar underskott."),
        ("beslutsfattare", "Robot Ett (RPA)"),
    ];
    b.get("/procapita/beslut.do?arendeId=1")
        .await?
        .expect("value=\"Verkställ\"")?;
    b.post("/procapita/beslut.do?arendeId=1", &decision)
        .await?
        .expect("Beslutet har verkställts.")?;
    assert_eq!(sim.decisions_for(TESTA).await?[0].belopp_ore, 543_210);

    let akt = [
        ("typ", "Ansökan"),
        ("inkomDatum", "2025-05-03"),
        ("inkomTid", "08:15"),
        ("fran", "Den enskilde"),
        ("beskrivning", "E-ansökan"),
    ];
    let url = "/procapita/aktualisering.do?arendeId=1";
    b.post(url, &akt)
        .await?
        .expect("Aktualiseringen har registrerats.")?;
    b.post(url, &akt)
        .await?
        .expect("Det finns redan en aktualisering")?;
    assert_eq!(sim.aktualiseringar_for(TESTA).await?.len(), 1);

    sim.lock_case("IFO-2025-0001", Some("handlaggare2")).await?;
    b.get("/procapita/arende.do?arendeId=1")
        .await?
        .expect("Ärendet är låst av användare handlaggare2")?;
    b.post(
        "/procapita/utbetalning.do?arendeId=1",
        &payment("2025-08", "L"),
    )
    .await?
    .expect("Ärendet är låst av användare handlaggare2")?;
    sim.lock_case("IFO-2025-0001", None).await?;

    sim.set_maintenance(true);
    let page = b
        .post(
            "/procapita/utbetalning.do?arendeId=1",
            &payment("2025-08", "M"),
        )
        .await?;
    page.expect("id=\"driftmeddelande\"")?
        .expect("Inga ändringar kan sparas")?;
    assert!(sim.payments_for(TESTA).await?.is_empty());
    Ok(())
}
