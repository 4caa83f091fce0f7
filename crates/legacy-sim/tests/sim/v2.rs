//! v2 (Lifecare-like) flows.

use flode_legacy_sim::{Config, UiVersion};

use crate::helpers::{Browser, PAGINATED, Page, TESTA, spawn};

/// Password, code, unit; returns the home page.
async fn logged_in(base: &str, config: &Config) -> anyhow::Result<(Browser, Page)> {
    let b = Browser::new(base)?;
    b.get("/").await?.expect("id=\"username\"")?;
    let verify = b
        .post(
            "/lifecare/auth/login",
            &[
                ("username", "robot1"),
                ("password", &config.credentials.robot_password),
            ],
        )
        .await?;
    verify.expect("id=\"otp\"")?;
    let unit = b
        .post(
            "/lifecare/auth/verify",
            &[("otp", &config.credentials.second_factor_code)],
        )
        .await?;
    unit.expect("Välj arbetsenhet")?.expect("id=\"unit-1\"")?;
    let home = b.post("/lifecare/auth/unit", &[("unitId", "1")]).await?;
    Ok((b, home))
}

#[tokio::test]
async fn second_factor_and_the_news_modal_once_a_day() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V2);
    let (base, _sim) = spawn(config.clone()).await?;

    let b = Browser::new(&base)?;
    b.post(
        "/lifecare/auth/login",
        &[
            ("username", "robot1"),
            ("password", &config.credentials.robot_password),
        ],
    )
    .await?;
    b.post("/lifecare/auth/verify", &[("otp", "000000")])
        .await?
        .expect("Felaktig engångskod")?;
    // Skipping the code step does not work.
    let home = b.get("/lifecare/home").await?;
    assert_eq!(home.url, "/lifecare/auth/verify");

    let (b, home) = logged_in(&base, &config).await?;
    home.expect("id=\"news-modal\"")?
        .expect("Nyheter i systemet")?;
    // The modal stays on every page until dismissed.
    b.get("/lifecare/search?q=198503611017")
        .await?
        .expect("id=\"news-modal\"")?;
    let after = b
        .post("/lifecare/news/dismiss", &[("return", "/lifecare/home")])
        .await?;
    assert_eq!(after.url, "/lifecare/home");
    assert!(!after.body.contains("id=\"news-modal\""));

    // Second login the same day: no news.
    let (_, home) = logged_in(&base, &config).await?;
    home.expect("Mitt arbete")?;
    assert!(!home.body.contains("id=\"news-modal\""));
    Ok(())
}

#[tokio::test]
async fn search_takes_ten_or_twelve_digits() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V2);
    let (base, _sim) = spawn(config.clone()).await?;
    let (b, _) = logged_in(&base, &config).await?;
    for q in ["198503611017", "19850361-1017", "8503611017", "850361-1017"] {
        let page = b.get(&format!("/lifecare/search?q={q}")).await?;
        page.expect("id=\"search-results\"")?
            .expect("/lifecare/person/198503611017")?;
    }
    b.get("/lifecare/search?q=85036")
        .await?
        .expect("10 eller 12 siffror")?;
    Ok(())
}

#[tokio::test]
async fn payment_in_the_iframe_with_the_duplicate_dialog() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V2);
    let (base, sim) = spawn(config.clone()).await?;
    let (b, _) = logged_in(&base, &config).await?;
    let case = b.get("/lifecare/case/1").await?;
    case.expect("<iframe id=\"payments-frame\"")?
        .expect("src=\"/lifecare/case/1/payments\"")?;
    b.get("/lifecare/case/1/payments?dialog=new")
        .await?
        .expect("id=\"payment-dialog\"")?;

    let pay = |reference: &'static str| {
        vec![
            ("recipient", "Testa Simulantsson"),
            ("method", "account"),
            ("paymentDate", "2025-05-25"),
            ("period", "2025-05"),
            ("amount", "1200"),
            ("reference", reference),
        ]
    };
    let url = "/lifecare/case/1/payments";
    // v2's date field takes only ÅÅÅÅ-MM-DD.
    let mut short = pay("R0");
    short[2] = ("paymentDate", "250525");
    b.post(url, &short)
        .await?
        .expect("Utbetalningsdatum är ogiltigt.")?;

    b.post(url, &pay("R1"))
        .await?
        .expect("Utbetalningen har registrerats.")?
        .expect("R1")?;
    let warned = b.post(url, &pay("R2")).await?;
    warned
        .expect("id=\"duplicate-dialog\"")?
        .expect("Det finns redan en utbetalning för perioden. Vill du fortsätta?")?;
    let mut cancel = pay("R2");
    cancel.push(("confirm", "no"));
    b.post(url, &cancel)
        .await?
        .expect("Utbetalningen registrerades inte.")?;
    assert_eq!(sim.payments_for(TESTA).await?.len(), 1);
    let mut cont = pay("R2");
    cont.push(("confirm", "yes"));
    b.post(url, &cont).await?;
    let refs: Vec<String> = sim
        .payments_for(TESTA)
        .await?
        .into_iter()
        .map(|p| p.referens)
        .collect();
    assert_eq!(refs, ["R1", "R2"]);
    Ok(())
}

#[tokio::test]
async fn decision_needs_beslutsunderlag_and_signed_notes_stay() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V2);
    let (base, sim) = spawn(config.clone()).await?;
    let (b, _) = logged_in(&base, &config).await?;
    let mut decision = vec![
        ("decisionType", "Delvis bifall"),
        (
            "legalBasis",
            "4 kap. 1 § SoL – försörjningsstöd (version 2025-01)",
        ),
        ("periodStart", "2025-05-01"),
        ("periodEnd", "2025-05-31"),
        ("amount", "3000"),
        ("justification", "Delvis över norm."),
        ("decisionMaker", "Robot Ett (RPA)"),
    ];
    let url = "/lifecare/case/1/decision";
    b.get(url)
        .await?
        .expect("id=\"decision-type-delvis-bifall\"")?;
    b.post(url, &decision)
        .await?
        .expect("Välj minst ett beslutsunderlag.")?;
    decision.push(("basis", "Ansökan"));
    decision.push(("basis", "Beräkning"));
    b.post(url, &decision)
        .await?
        .expect("Beslutet har verkställts.")?;
    let saved = sim.decisions_for(TESTA).await?;
    assert_eq!(saved[0].beslutsunderlag, ["Ansökan", "Beräkning"]);

    let note = [
        ("noteDate", "2025-05-20"),
        ("heading", "Beslut"),
        ("body", "Signerad text"),
        ("action", "sign"),
    ];
    let case = b.post("/lifecare/case/1/journal/new", &note).await?;
    case.expect("Journalanteckningen har signerats.")?;
    assert!(
        !case.body.contains("class=\"edit-note\""),
        "no edit link on a signed note"
    );
    let edit = [
        ("noteDate", "2025-05-20"),
        ("heading", "Beslut"),
        ("body", "Ändrad"),
        ("action", "draft"),
    ];
    b.post("/lifecare/journal/1/edit", &edit)
        .await?
        .expect("kan inte ändras")?;
    assert_eq!(sim.journal_notes_for(TESTA).await?[0].text, "Signerad text");
    Ok(())
}

#[tokio::test]
async fn case_grid_loads_more_newest_first() -> anyhow::Result<()> {
    let config = Config::quiet(UiVersion::V2);
    let (base, _sim) = spawn(config.clone()).await?;
    let (b, _) = logged_in(&base, &config).await?;
    let first = b
        .get(&format!("/lifecare/person/{PAGINATED}?tab=cases"))
        .await?;
    first
        .expect("Visar 10 av 13")?
        .expect("id=\"load-more\"")?
        .expect("IFO-2025-0008")?;
    let all = b
        .get(&format!("/lifecare/person/{PAGINATED}?tab=cases&show=20"))
        .await?;
    all.expect("Visar 13 av 13")?;
    assert!(!all.body.contains("id=\"load-more\""));
    Ok(())
}
