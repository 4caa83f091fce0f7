//! What the case-service stories share: a store and engine with the shipped models, the
//! synthetic citizens, and an application answered page by page.

use std::sync::Arc;

use flode_casework::{Casework, CaseworkOptions, Citizen, Form, MODELS, Page, cost_field};
use flode_engine::{Engine, EngineOptions, ManualClock};
use flode_store::{Store, StoreOptions};
use flode_test_db::TestDb;

/// 2026-12-04 08:00 UTC: december 2026 and january 2027 are open.
pub(crate) const NOW: i64 = 1_796_371_200_000;

/// A synthetic person of the SSBTEK simulator (born 1992).
pub(crate) fn citizen() -> Citizen {
    Citizen {
        personnummer: "199204722020".into(),
        name: "Testa Testsson".into(),
        auth_ref: "test-idp-1".into(),
    }
}

/// Another synthetic person.
pub(crate) fn other() -> Citizen {
    Citizen {
        personnummer: "199906644043".into(),
        name: "Annan Person".into(),
        auth_ref: "test-idp-2".into(),
    }
}

/// A third synthetic person (a samordningsnummer).
pub(crate) fn third() -> Citizen {
    Citizen {
        personnummer: "198503611017".into(),
        name: "Tredje Person".into(),
        auth_ref: "test-idp-3".into(),
    }
}

pub(crate) fn form(pairs: &[(&str, &str)]) -> Form {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The case service over a migrated store, the shipped models deployed, on `clock`.
pub(crate) async fn casework_at(db: &TestDb, clock: &ManualClock) -> Casework {
    let store = Store::connect(&StoreOptions::new(&db.url))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let engine = Engine::new(store, Arc::new(clock.clone()), EngineOptions::default())
        .await
        .expect("engine");
    for (name, xml) in MODELS {
        engine
            .deploy(name, xml)
            .await
            .expect("deploy the shipped models");
    }
    Casework::new(engine, CaseworkOptions::default())
}

/// [`casework_at`] at [`NOW`].
pub(crate) async fn casework(db: &TestDb) -> Casework {
    casework_at(db, &ManualClock::new(NOW)).await
}

/// Answers every page for december 2026: alone, rent 6 850 kr, no incomes, no assets, no
/// other needs, no changes.
pub(crate) async fn fill_in(cw: &Casework, who: &Citizen, id: &str) {
    fill_in_month(cw, who, id, "2026-12", &[]).await;
}

/// Answers every page for `month` as [`fill_in`] does, but with the form in `answered` for
/// the pages it names (assets declared, say).
pub(crate) async fn fill_in_month(
    cw: &Casework,
    who: &Citizen,
    id: &str,
    month: &str,
    answered: &[(Page, Form)],
) {
    let rent = cost_field(flode_casework::COSTS[0]);
    let pages = [
        (Page::Month, form(&[("manad", month)])),
        (Page::Household, form(&[("sambo", "nej")])),
        (Page::Children, form(&[])),
        (Page::Costs, form(&[(rent.as_str(), "6 850")])),
        (Page::Incomes, form(&[])),
        (Page::Assets, form(&[("tillgangar", "nej")])),
        (Page::OtherNeeds, form(&[("ovriga-behov", "nej")])),
        (Page::Changes, form(&[("forandringar", "nej")])),
        (Page::Consent, form(&[("samtycke", "ja")])),
    ];
    assert_eq!(
        pages.each_ref().map(|(p, _)| *p),
        Page::ALL,
        "the stories answer every page"
    );
    for (page, default) in pages {
        let f = answered
            .iter()
            .find(|(p, _)| *p == page)
            .map_or(default, |(_, f)| f.clone());
        cw.save_page(who, id, page, &f).await.expect("page saved");
    }
}
