//! A citizen's application becomes a case, and a social worker decides it: through the case
//! service over a real store and engine, with the shipped model, on SQLite and PostgreSQL.

use flode_casework::{
    AUTOMATED_DECIDER, CaseStatus, Casework, Citizen, Error, Form, Page, cost_field,
};
use flode_engine::Engine;
use flode_store::CaseRecord;
use flode_test_db::databases;
use serde_json::{Map, Value, json};

use crate::support::{NOW, casework, citizen, fill_in, fill_in_month, form, other, third};

/// Completes the one open job of `job_type` with `vars`.
async fn work(engine: &Engine, job_type: &str, vars: Value) -> Map<String, Value> {
    let jobs = engine
        .activate_jobs(job_type, "test", 1, 60_000)
        .await
        .expect("activate");
    assert_eq!(jobs.len(), 1, "one {job_type} job");
    let seen = jobs[0].variables.clone();
    let Value::Object(vars) = vars else {
        panic!("variables are an object")
    };
    engine
        .complete_job(&jobs[0].job.id, Some("test"), vars)
        .await
        .expect("complete");
    seen
}

#[tokio::test]
async fn an_application_becomes_one_case_that_a_social_worker_decides() {
    for db in databases("flode_casework") {
        let cw = casework(&db).await;
        let who = citizen();

        // A page with problems saves nothing and names the field.
        let draft = cw.draft(&who).await.expect("draft");
        let err = cw
            .save_page(&who, &draft.id, Page::Month, &form(&[("manad", "2030-01")]))
            .await
            .expect_err("a month not open");
        assert!(
            matches!(&err, Error::Invalid(p) if p[0].field == "manad"),
            "{}: {err}",
            db.name
        );
        // Submitting before every page is answered lists what is missing.
        let err = cw.submit(&who, &draft.id).await.expect_err("incomplete");
        assert!(
            matches!(&err, Error::Invalid(p) if p.len() == Page::ALL.len()),
            "{}: {err}",
            db.name
        );
        // Resuming finds the same draft.
        assert_eq!(cw.draft(&who).await.expect("draft").id, draft.id);

        fill_in(&cw, &who, &draft.id).await;
        let case = cw.submit(&who, &draft.id).await.expect("submitted");
        assert_eq!(case.case_number, "EB-2026-000001", "{}", db.name);
        assert_eq!(case.month, "2026-12");
        assert_eq!(case.due_at, NOW + 10 * 24 * 3_600_000);
        // A double click gives the same case, not a second one.
        let again = cw.submit(&who, &draft.id).await.expect("same case");
        assert_eq!(again.id, case.id);
        assert_eq!(cw.cases_of(&who).await.expect("cases").len(), 1);
        // After submission the answers cannot change.
        let err = cw
            .save_page(
                &who,
                &draft.id,
                Page::Changes,
                &form(&[("forandringar", "nej")]),
            )
            .await
            .expect_err("submitted");
        assert!(matches!(err, Error::AlreadySubmitted), "{}", db.name);
        // A second application for the same month is refused with a reason.
        let second = cw.draft(&who).await.expect("a new draft");
        assert_ne!(second.id, draft.id);
        fill_in(&cw, &who, &second.id).await;
        let err = cw
            .submit(&who, &second.id)
            .await
            .expect_err("one per month");
        assert!(err.to_string().contains("redan"), "{}: {err}", db.name);

        // Another person sees neither the application nor the case.
        let other = Citizen {
            personnummer: "199906644043".into(),
            ..citizen()
        };
        assert!(matches!(
            cw.application(&other, &draft.id).await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            cw.citizen_case(&other, &case.id).await,
            Err(Error::NotFound(_))
        ));

        // The case waits for SSBTEK; its question carries the case and the control period.
        let summary = cw.citizen_case(&who, &case.id).await.expect("own case");
        assert_eq!(summary.status, CaseStatus::Received);
        let engine = cw.engine();
        let seen = work(
            engine,
            "ssbtek.fetch",
            json!({"ssbtek": {"kallorMedFel": [], "skyddadIdentitet": false}}),
        )
        .await;
        assert_eq!(seen["arendeId"], "EB-2026-000001");
        assert_eq!(
            seen["period"],
            json!({"from": "2026-11-01", "tom": "2026-12-31"})
        );
        assert_eq!(seen["ansokningstyp"], "nyansokan");
        let household = work(
            engine,
            "forsorjningsstod.calculate",
            json!({"berakning": {"support": 4590}, "utfall": "deficit"}),
        )
        .await;
        assert_eq!(household["hushall"]["month"], "2026-12");

        // A first application is not delegated: it waits for a social worker.
        let inbox = cw.inbox().await.expect("inbox");
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].status, CaseStatus::WithCaseWorker, "{}", db.name);
        let detail = cw
            .case_for_staff(&case.id, "anna")
            .await
            .expect("case for staff");
        assert!(detail.decision_task.is_some());
        let why = detail.variables["delegation"]["skal"]
            .as_str()
            .unwrap_or_default();
        assert!(why.contains("Nyansökan"), "{}: {why}", db.name);
        assert_eq!(detail.reads.len(), 1, "the read is logged");
        assert_eq!(detail.reads[0].reader, "anna");

        // A note must have text; notes are kept.
        assert!(cw.add_note(&case.id, "anna", "  ").await.is_err());
        cw.add_note(&case.id, "anna", "Ringt den sökande.")
            .await
            .expect("note");

        // A decision without motivering is refused; then decided.
        let err = cw
            .decide(
                &case.id,
                "anna",
                &form(&[("utfall", "bifall"), ("belopp", "4590")]),
            )
            .await
            .expect_err("no motivering");
        assert!(matches!(&err, Error::Invalid(p) if p.iter().any(|p| p.field == "motivering")));
        let decision = cw
            .decide(
                &case.id,
                "anna",
                &form(&[
                    ("utfall", "bifall"),
                    ("belopp", "4 590"),
                    ("motivering", "Behovet är styrkt enligt riksnormen."),
                    ("lagrum-0", "ja"),
                ]),
            )
            .await
            .expect("decided");
        assert_eq!(decision.belopp, 4590);
        let err = cw
            .decide(&case.id, "anna", &form(&[]))
            .await
            .expect_err("decided already");
        assert!(matches!(err, Error::NotAwaitingDecision), "{}", db.name);
        let summary = cw.citizen_case(&who, &case.id).await.expect("own case");
        assert_eq!(summary.status, CaseStatus::Decided, "{}", db.name);
        let detail = cw.case_for_staff(&case.id, "bertil").await.expect("case");
        assert_eq!(detail.notes.len(), 1);
        assert_eq!(detail.reads.len(), 2);
        assert_eq!(detail.variables["beslut"]["fattatAv"], "anna");
    }
}

#[tokio::test]
async fn next_months_application_is_prefilled_from_this_months() {
    for db in databases("flode_casework") {
        let cw = casework(&db).await;
        let who = citizen();
        let first = cw.draft(&who).await.expect("draft");
        fill_in(&cw, &who, &first.id).await;
        cw.submit(&who, &first.id).await.expect("submitted");

        let next = cw.draft(&who).await.expect("re-application");
        let (_, answers) = cw.application(&who, &next.id).await.expect("own");
        assert_eq!(answers.costs.values().sum::<i64>(), 6850, "{}", db.name);
        assert_eq!(answers.partner, Some(false));
        // Each page is confirmed again; the month is chosen anew.
        assert!(answers.month.is_none());
        assert!(answers.answered_pages.is_empty());

        let rent = cost_field(flode_casework::COSTS[0]);
        for (page, f) in [
            (Page::Month, form(&[("manad", "2027-01")])),
            (Page::Household, form(&[("sambo", "nej")])),
            (Page::Children, form(&[])),
            (Page::Costs, form(&[(rent.as_str(), "6850")])),
            (Page::Incomes, form(&[])),
            (Page::Assets, form(&[("tillgangar", "nej")])),
            (Page::OtherNeeds, form(&[("ovriga-behov", "nej")])),
            (Page::Changes, form(&[("forandringar", "nej")])),
            (Page::Consent, form(&[("samtycke", "ja")])),
        ] {
            cw.save_page(&who, &next.id, page, &f).await.expect("page");
        }
        let case = cw.submit(&who, &next.id).await.expect("submitted");
        assert_eq!(case.case_number, "EB-2026-000002");
        let jobs = cw
            .engine()
            .activate_jobs("ssbtek.fetch", "test", 10, 60_000)
            .await
            .expect("jobs");
        let second = jobs
            .iter()
            .find(|j| j.variables["arendeId"] == "EB-2026-000002")
            .expect("the second case's job");
        assert_eq!(second.variables["ansokningstyp"], "aterkommande");
        assert_eq!(
            second.variables["hushall"]["consecutive_months_on_support"], 1,
            "{}",
            second.variables["hushall"]
        );
    }
}

/// Submits `who`'s application for `month` (the pages as [`fill_in_month`]) and works its
/// jobs as an unremarkable household's: SSBTEK answers from every source, no protected
/// personal data, and the calculation shows a deficit with no income above the declared.
/// What the delegation rules decide then rests on the application alone.
async fn apply_and_calculate(
    cw: &Casework,
    who: &Citizen,
    month: &str,
    answered: &[(Page, Form)],
) -> CaseRecord {
    let draft = cw.draft(who).await.expect("draft");
    fill_in_month(cw, who, &draft.id, month, answered).await;
    let case = cw.submit(who, &draft.id).await.expect("submitted");
    let engine = cw.engine();
    let seen = work(
        engine,
        "ssbtek.fetch",
        json!({"ssbtek": {"kallorMedFel": [], "skyddadIdentitet": false}}),
    )
    .await;
    assert_eq!(seen["arendeId"], case.case_number.as_str());
    work(
        engine,
        "forsorjningsstod.calculate",
        json!({"berakning": {"support": 4590}, "utfall": "deficit", "inkomstavvikelser": []}),
    )
    .await;
    case
}

#[tokio::test]
async fn a_reapplication_declaring_assets_or_other_needs_goes_to_a_social_worker() {
    for db in databases("flode_casework") {
        let cw = casework(&db).await;
        let assets = form(&[
            ("tillgangar", "ja"),
            ("tillgangar-text", "En bil, värd ungefär 40 000 kr"),
        ]);
        let needs = form(&[
            ("ovriga-behov", "ja"),
            ("ovriga-behov-text", "Glasögon, 2 400 kr"),
        ]);
        let stories = [
            ("nothing declared", citizen(), vec![], None),
            (
                "assets",
                other(),
                vec![(Page::Assets, assets)],
                Some("tillgangar"),
            ),
            (
                "other needs",
                third(),
                vec![(Page::OtherNeeds, needs)],
                Some("ovrigaBehov"),
            ),
        ];
        for (what, who, answered, declared) in stories {
            let what = format!("{}: {what}", db.name);
            // December: a first application, which a social worker always decides.
            let first = apply_and_calculate(&cw, &who, "2026-12", &[]).await;
            let detail = cw.case_for_staff(&first.id, "anna").await.expect("case");
            assert_eq!(detail.variables["ansokningstyp"], "nyansokan", "{what}");
            assert_eq!(detail.summary.status, CaseStatus::WithCaseWorker, "{what}");

            // January: the monthly re-application, SSBTEK complete, a deficit, no changes.
            let case = apply_and_calculate(&cw, &who, "2027-01", &answered).await;
            let detail = cw.case_for_staff(&case.id, "anna").await.expect("case");
            let vars = &detail.variables;
            assert_eq!(vars["ansokningstyp"], "aterkommande", "{what}");
            assert_eq!(vars["forandringar"], false, "{what}");
            let why = vars["delegation"]["skal"].as_str().unwrap_or_default();
            let status = cw
                .citizen_case(&who, &case.id)
                .await
                .expect("own case")
                .status;
            match declared {
                // Otherwise automatable: granted by the delegation, no one's task.
                None => {
                    assert_eq!(vars["tillgangar"], false, "{what}");
                    assert_eq!(vars["ovrigaBehov"], false, "{what}");
                    assert_eq!(vars["delegation"]["automatiskt"], true, "{what}: {why}");
                    assert!(detail.decision_task.is_none(), "{what}");
                    assert_eq!(status, CaseStatus::Decided, "{what}");
                    assert_eq!(vars["beslut"]["fattatAv"], AUTOMATED_DECIDER, "{what}");
                    assert_eq!(vars["beslut"]["utfall"], "bifall", "{what}");
                    assert_eq!(vars["beslut"]["belopp"], 4590, "{what}");
                }
                // What was declared makes a person look: the task waits, with the reason.
                Some(variable) => {
                    assert_eq!(vars[variable], true, "{what}");
                    assert_eq!(vars["delegation"]["automatiskt"], false, "{what}: {why}");
                    assert!(why.contains("tillgångar eller behov"), "{what}: {why}");
                    assert!(detail.decision_task.is_some(), "{what}");
                    assert!(vars.get("beslut").is_none(), "{what}");
                    assert_eq!(status, CaseStatus::WithCaseWorker, "{what}");
                    // The social worker sees what was declared.
                    let rows = detail.answers.summary();
                    let page = answered[0].0;
                    let row = rows.iter().find(|r| r.page == page).expect("a row");
                    assert!(row.answer.starts_with("Ja: "), "{what}: {}", row.answer);
                }
            }
        }
    }
}

#[tokio::test]
async fn attachments_are_checked_kept_with_the_case_and_shown_only_to_the_right_people() {
    for db in databases("flode_casework") {
        let cw = casework(&db).await;
        let who = citizen();
        let draft = cw.draft(&who).await.expect("draft");
        let pdf = b"%PDF-1.7\nhyresavi".to_vec();

        let first = cw
            .add_attachment(&who, &draft.id, "C:\\papper\\hyresavi.pdf", &pdf)
            .await
            .expect("a PDF is accepted");
        assert_eq!(first.filename, "hyresavi.pdf");
        assert_eq!(first.media_type, "application/pdf");
        // Known by content: an executable named .pdf is refused, and so is an empty file
        // or one over the limit; nothing is stored for any of them.
        for (name, content) in [
            ("virus.pdf", b"MZ\x90\x00".to_vec()),
            ("tom.pdf", Vec::new()),
            ("stor.pdf", {
                let mut big = pdf.clone();
                big.resize(flode_casework::MAX_ATTACHMENT_BYTES + 1, b' ');
                big
            }),
        ] {
            let err = cw
                .add_attachment(&who, &draft.id, name, &content)
                .await
                .expect_err(name);
            assert!(
                matches!(&err, Error::Invalid(p) if p[0].field == "bilaga"),
                "{}: {name}: {err}",
                db.name
            );
        }
        // At most ten per application.
        for i in 1..10 {
            cw.add_attachment(&who, &draft.id, &format!("{i}.pdf"), &pdf)
                .await
                .expect("up to ten");
        }
        let err = cw
            .add_attachment(&who, &draft.id, "elva.pdf", &pdf)
            .await
            .expect_err("the eleventh");
        assert!(err.to_string().contains("högst 10"), "{}: {err}", db.name);
        assert_eq!(
            cw.attachments(&who, &draft.id).await.expect("list").len(),
            10
        );
        cw.remove_attachment(&who, &draft.id, &first.id)
            .await
            .expect("removed");
        assert_eq!(
            cw.attachments(&who, &draft.id).await.expect("list").len(),
            9
        );

        // Another person gets nothing; the owner gets the bytes back.
        let other = Citizen {
            personnummer: "199906644043".into(),
            ..citizen()
        };
        let kept = &cw.attachments(&who, &draft.id).await.expect("list")[0];
        assert!(matches!(
            cw.citizen_attachment(&other, &kept.id).await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            cw.add_attachment(&other, &draft.id, "x.pdf", &pdf).await,
            Err(Error::NotFound(_))
        ));
        let (_, bytes) = cw.citizen_attachment(&who, &kept.id).await.expect("own");
        assert_eq!(bytes, pdf);
        // A draft's files are the citizen's alone.
        assert!(cw.staff_attachment(&kept.id, "anna").await.is_err());

        // Submitted: the files follow the case, cannot change, and a social worker's
        // opening of one is logged.
        fill_in(&cw, &who, &draft.id).await;
        let case = cw.submit(&who, &draft.id).await.expect("submitted");
        assert!(matches!(
            cw.add_attachment(&who, &draft.id, "sen.pdf", &pdf).await,
            Err(Error::AlreadySubmitted)
        ));
        assert!(matches!(
            cw.remove_attachment(&who, &draft.id, &kept.id).await,
            Err(Error::AlreadySubmitted)
        ));
        assert_eq!(
            cw.case_attachments(&case.id)
                .await
                .expect("case files")
                .len(),
            9
        );
        let (_, bytes) = cw.staff_attachment(&kept.id, "anna").await.expect("staff");
        assert_eq!(bytes, pdf);
        let detail = cw.case_for_staff(&case.id, "anna").await.expect("case");
        assert!(
            detail.reads.iter().any(|r| r.what == "bilaga"),
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn pages_saved_at_once_from_two_tabs_are_both_kept() {
    for db in databases("flode_casework_tabs") {
        let cw = casework(&db).await;
        // Fresh drafts, the same clock: both saves read the draft before either writes.
        for who in [citizen(), other(), third()] {
            let draft = cw.draft(&who).await.expect("draft");
            let (month_form, changes_form) = (
                form(&[("manad", "2026-12")]),
                form(&[("forandringar", "nej")]),
            );
            let (month, changes) = tokio::join!(
                cw.save_page(&who, &draft.id, Page::Month, &month_form),
                cw.save_page(&who, &draft.id, Page::Changes, &changes_form),
            );
            month.expect("the month page");
            changes.expect("the changes page");
            let (_, answers) = cw.application(&who, &draft.id).await.expect("read");
            assert!(
                answers.answered(Page::Month) && answers.answered(Page::Changes),
                "{}: one tab's page was overwritten by the other's",
                db.name
            );
        }
    }
}
