//! The connector against the simulator over loopback HTTP.

use std::time::Duration;

use flode_integrations::model::{Outcome, Source};
use flode_integrations::simulator::{RandomFaults, SCENARIO_HEADER};
use flode_integrations::soap::{self, FaultCode};
use flode_integrations::{Error, LatencyProfile, SimulatorConfig};
use flode_store::Page;

use crate::helpers::*;

#[tokio::test]
async fn a_kassa_payments_become_income_rows_and_every_call_is_logged() {
    let (sim, base) = simulator(None).await;
    for db in databases() {
        let store = store(&db).await;
        let c = client(&base, store.clone(), None);
        let svar = c.fetch(&fraga(AKASSA, "k-akassa")).await.expect(db.name);
        let so = svar.so.data().expect("SO data");
        assert_eq!(so.utbetalningar.len(), 3, "{}", db.name);
        assert!(so.utbetalningar.iter().all(|u| u.netto_efter_skatt > 0));
        assert!(svar.af.data().is_some_and(|a| a.arbetssokande));
        let rows = svar.inkomster();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.source == Source::So));
        assert!(!svar.skyddad_identitet());

        let log = store
            .ssbtek_requests(Some("EB-2026-0042"), Page::default())
            .await
            .expect("log");
        assert_eq!(log.len(), 1, "{}", db.name);
        let row = &log[0];
        assert_eq!(row.actor, "handl01");
        assert_eq!(row.syfte, "Handläggning av ansökan om ekonomiskt bistånd");
        assert_eq!(row.lagtext, "Testlagtext (ej verifierad)");
        assert_eq!(row.korrelationsid, "k-akassa");
        assert_eq!(row.outcome, "ok");
        assert_eq!(row.attempts, 1);
        assert_eq!(row.sources, ["AF", "CSN", "FK", "SKV", "SO", "TNS", "MIV"]);
        assert!(row.finished_at >= row.requested_at);
    }
    let audit = sim.audit();
    let last = audit.last().expect("audited");
    assert_eq!(last.arendeidentitet, "EB-2026-0042");
    assert_eq!(last.syfte, "Handläggning av ansökan om ekonomiskt bistånd");
    assert_eq!(last.lagtext, "Testlagtext (ej verifierad)");
    assert_eq!(last.outcome, "ok");
}

#[tokio::test]
async fn same_question_same_answer_and_protected_identity_is_flagged() {
    let (_sim, base) = simulator(None).await;
    let db = &flode_test_db::sqlite();
    let c = client(&base, store(db).await, None);
    let a = c.fetch(&fraga(AKASSA, "k")).await.expect("first");
    let b = c.fetch(&fraga(AKASSA, "k")).await.expect("second");
    assert_eq!(a, b);
    let s = c.fetch(&fraga(SKYDDAD, "k")).await.expect("skyddad");
    assert!(s.skyddad_identitet());
    assert!(s.fk.data().is_some_and(|f| f.skyddad));
    assert!(s.csn.data().is_some_and(|c| c.sekretess));
}

#[tokio::test]
async fn an_unknown_person_gets_no_data_without_a_fault() {
    let (_sim, base) = simulator(None).await;
    let db = &flode_test_db::sqlite();
    let c = client(&base, store(db).await, None);
    let svar = c.fetch(&fraga(UNKNOWN, "k")).await.expect("answer");
    assert_eq!(svar.failed_sources(), []);
    let af = svar.af.data().expect("AF");
    assert_eq!((af.status_kod, af.arbetssokande), (0, false));
    let csn = svar.csn.data().expect("CSN");
    assert_eq!((csn.resultat_kod, csn.status.as_deref()), (0, None));
    assert!(svar.fk.data().expect("FK").utbetalningar.is_empty());
    assert!(svar.so.data().expect("SO").utbetalningar.is_empty());
    assert!(svar.inkomster().is_empty());
}

#[tokio::test]
async fn a_number_outside_the_whitelist_is_refused_and_not_retried() {
    let (sim, base) = simulator(None).await;
    let db = &flode_test_db::sqlite();
    let store = store(db).await;
    let c = client(&base, store.clone(), None);
    // Valid Luhn, but not a test identity.
    let err = c
        .fetch(&fraga("199001011239", "k"))
        .await
        .expect_err("refused");
    assert!(err.refused(), "{err}");
    assert!(matches!(&err, Error::Fault { felkod, .. } if felkod == "EJ_TESTPERSON"));
    assert_eq!(sim.audit().len(), 1, "a Client fault is not retried");
    assert_eq!(sim.audit()[0].personidentitet, "***");
    let log = store
        .ssbtek_requests(None, Page::default())
        .await
        .expect("log");
    assert_eq!(log[0].outcome, "error");
}

/// Posts a raw SOAP body.
async fn post_raw(base: &str, body: String) -> (u16, String) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/ssbtek/v10"))
        .header("content-type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("body"))
}

#[tokio::test]
async fn validation_errors_are_client_faults() {
    let (_sim, base) = simulator(None).await;
    let ok = soap::encode_fraga(&fraga(AKASSA, "k"));
    let cases = [
        // The open client's fixture number fails Luhn.
        ok.replace(AKASSA, "199001011234"),
        ok.replace(
            "<ssbt:syfte>Handläggning av ansökan om ekonomiskt bistånd</ssbt:syfte>",
            "<ssbt:syfte></ssbt:syfte>",
        ),
        ok.replace(
            "<ssbt:lagtext>Testlagtext (ej verifierad)</ssbt:lagtext>",
            "<ssbt:lagtext/>",
        ),
        ok.replace("2026-03-31", "2025-12-31"),
        ok.replace(ORG, "2120000217"),
    ];
    for body in cases {
        assert_ne!(body, ok);
        let (status, text) = post_raw(&base, body).await;
        assert_eq!(status, 500);
        let Ok(soap::Response::Fault(f)) = soap::decode_response(&text) else {
            panic!("fault expected: {text}");
        };
        assert_eq!(
            (f.code, f.felkod.as_str()),
            (FaultCode::Client, "VALIDERING")
        );
    }
}

#[tokio::test]
async fn an_fk_period_over_two_years_is_an_fk_error_only() {
    let (_sim, base) = simulator(None).await;
    let db = &flode_test_db::sqlite();
    let c = client(&base, store(db).await, None);
    let mut f = fraga(AKASSA, "k");
    f.from = "2023-01-01".into();
    let svar = c.fetch(&f).await.expect("answer");
    assert_eq!(svar.fk.error().map(|e| e.felkod.as_str()), Some("400"));
    assert_eq!(svar.failed_sources(), [Source::Fk]);
    assert!(svar.so.data().is_some_and(|s| s.utbetalningar.len() == 15));
}

#[tokio::test]
async fn source_faults_fail_only_their_source() {
    let (_sim, base) = simulator(None).await;
    let db = &flode_test_db::sqlite();
    let store = store(db).await;
    let scenario = "af:unavailable,fk:unavailable,skv:platform,so:duplicate";
    let c = client(&base, store.clone(), Some(scenario));
    let svar = c.fetch(&fraga(AKASSA, "k")).await.expect("answer");
    let af = svar.af.error().expect("AF error");
    assert_eq!(
        (af.kalla.as_str(), af.felkod.as_str()),
        ("BT", "EJ_TILLGANGLIG")
    );
    assert_eq!(svar.fk.error().map(|e| e.kalla.as_str()), Some("BT"));
    let skv = svar.skv.error().expect("SKV error");
    assert_eq!(
        (skv.kalla.as_str(), skv.felkod.as_str()),
        ("SSBT", "TEKNISKT_FEL")
    );
    let so = svar.so.data().expect("SO data");
    assert_eq!(
        (so.utbetalningar.len(), so.dubbletter),
        (3, 1),
        "the duplicate is dropped"
    );
    assert!(matches!(svar.tns, Outcome::Data(_)));
    let log = store
        .ssbtek_requests(None, Page::default())
        .await
        .expect("log");
    assert_eq!(log[0].outcome, "partial");
}

#[tokio::test]
async fn a_slow_source_times_out_while_the_others_answer() {
    let mut config = SimulatorConfig::new(LatencyProfile::None, 1);
    config.deadline = Duration::from_millis(50);
    let (_sim, base) = simulator(Some(config)).await;
    let db = &flode_test_db::sqlite();
    let c = client(&base, store(db).await, Some("so:timeout"));
    let started = std::time::Instant::now();
    let svar = c.fetch(&fraga(AKASSA, "k")).await.expect("answer");
    assert!(started.elapsed() >= Duration::from_millis(50));
    let so = svar.so.error().expect("SO error");
    assert_eq!((so.kalla.as_str(), so.felkod.as_str()), ("SSBT", "TIMEOUT"));
    assert_eq!(svar.failed_sources(), [Source::So]);
}

#[tokio::test]
async fn whole_call_faults_are_retried_then_reported() {
    let (sim, base) = simulator(None).await;
    let db = &flode_test_db::sqlite();
    let store = store(db).await;
    type Check = fn(&Error) -> bool;
    let cases: [(&str, Check); 4] = [
        ("server-fault", |e| {
            matches!(
                e,
                Error::Fault {
                    code: FaultCode::Server,
                    ..
                }
            )
        }),
        ("http-503", |e| matches!(e, Error::Unavailable(503))),
        ("malformed", |e| matches!(e, Error::Malformed(_))),
        ("wrong-korrelationsid", |e| {
            matches!(e, Error::KorrelationsidMismatch)
        }),
    ];
    for (scenario, expected) in cases {
        let before = sim.audit().len();
        let c = client(&base, store.clone(), Some(scenario));
        let err = c.fetch(&fraga(AKASSA, "k")).await.expect_err(scenario);
        assert!(expected(&err), "{scenario}: {err:?}");
        assert!(!err.refused());
        let calls = sim.audit().len() - before;
        // Two retries for transient faults; a mismatched answer is not asked again.
        let want = if scenario == "wrong-korrelationsid" {
            1
        } else {
            3
        };
        assert_eq!(calls, want, "{scenario}");
        let log = store
            .ssbtek_requests(None, Page::default())
            .await
            .expect("log");
        assert_eq!(
            (log[0].outcome.as_str(), log[0].attempts),
            ("error", want as i64)
        );
    }
}

#[tokio::test]
async fn random_faults_are_drawn_by_probability() {
    let mut config = SimulatorConfig::new(LatencyProfile::None, 9);
    config.random_faults = RandomFaults {
        per_call: 0.0,
        per_source: 1.0,
    };
    let (_sim, base) = simulator(Some(config)).await;
    let db = &flode_test_db::sqlite();
    let c = client(&base, store(db).await, None);
    let svar = c.fetch(&fraga(AKASSA, "k")).await.expect("answer");
    assert_eq!(svar.failed_sources(), Source::ALL);
}

#[tokio::test]
async fn the_connectivity_test_answers() {
    let (_sim, base) = simulator(None).await;
    let db = &flode_test_db::sqlite();
    let c = client(&base, store(db).await, None);
    assert_eq!(c.test_connection().await.expect("test"), Source::ALL);
}

#[tokio::test]
async fn snapshots_of_a_soap_request_and_a_json_answer() {
    insta::assert_snapshot!("soap_request", soap::encode_fraga(&fraga(UNKNOWN, "k-1")));
    let (_sim, base) = simulator(None).await;
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/v1/ssbtek"))
        .header(SCENARIO_HEADER, "so:duplicate")
        .json(&serde_json::json!({
            "ingivare": { "organisationsnummer": ORG, "namn": "Testkommun", "handlaggare": "handl01" },
            "personidentitet": "197010917073",
            "arendeidentitet": "EB-2026-0042",
            "from": "2026-01-01",
            "tom": "2026-03-31",
            "syfte": "Handläggning av ansökan om ekonomiskt bistånd",
            "lagtext": "Testlagtext (ej verifierad)",
            "korrelationsid": "k-2",
        }))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    let json: serde_json::Value = resp.json().await.expect("json");
    insta::assert_snapshot!(
        "json_answer",
        serde_json::to_string_pretty(&json).expect("json")
    );
}
