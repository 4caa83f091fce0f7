//! The robots' records in the store, on SQLite and PostgreSQL: licence seats are never
//! shared and free themselves when a robot stops beating; review items reopen on a repeat;
//! a new password retires the old one; evidence expires.

use flode_store::{
    RobotCredentialRecord, RobotEvidenceRecord, RobotRecord, RobotReviewRecord, RobotTargetRecord,
    Store, StoreOptions,
};

async fn stores() -> Vec<(flode_test_db::TestDb, Store)> {
    let mut out = Vec::new();
    for db in flode_test_db::databases("flode_robots") {
        let store = Store::connect(&StoreOptions::new(db.url.clone()))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        out.push((db, store));
    }
    out
}

#[tokio::test]
async fn seats_cap_robots_per_target_and_a_dead_robots_seat_frees_itself() {
    for (db, store) in stores().await {
        store
            .upsert_robot_target(&RobotTargetRecord {
                name: "simifo".into(),
                url: "http://127.0.0.1:1".into(),
                ui: "v1".into(),
                seats: 2,
                maintenance: false,
                script_version: None,
                updated_at: 0,
            })
            .await
            .expect("target");
        let lease = |robot: &'static str, now: i64| {
            let store = store.clone();
            async move {
                store
                    .lease_robot_seat("simifo", robot, 2, now + 30_000, now)
                    .await
                    .expect("lease")
            }
        };
        assert_eq!(lease("a", 0).await, Some(0), "{}", db.name);
        assert_eq!(lease("b", 0).await, Some(1), "{}", db.name);
        assert_eq!(
            lease("c", 0).await,
            None,
            "{}: two seats, both taken",
            db.name
        );
        assert_eq!(
            lease("a", 1).await,
            Some(0),
            "{}: a robot keeps its seat",
            db.name
        );
        // b beats; a does not, and its lease runs out.
        store
            .robot_heartbeat(
                &RobotRecord {
                    id: "b".into(),
                    node: "n".into(),
                    pool: "default".into(),
                    tags: String::new(),
                    state: "working".into(),
                    job_id: None,
                    target: Some("simifo".into()),
                    heartbeat_at: 20_000,
                    started_at: 0,
                },
                60_000,
            )
            .await
            .expect("heartbeat");
        assert_eq!(
            lease("c", 40_000).await,
            Some(0),
            "{}: a's seat, expired",
            db.name
        );
        assert_eq!(
            lease("d", 40_000).await,
            None,
            "{}: b's is renewed",
            db.name
        );
        store
            .release_robot_seat("simifo", "b")
            .await
            .expect("release");
        assert_eq!(lease("d", 40_000).await, Some(1), "{}", db.name);
        assert_eq!(
            store.robot_seats_in_use(40_000).await.expect("seats"),
            vec![("simifo".to_owned(), 2)]
        );
        assert!(
            store
                .set_robot_target_maintenance("simifo", true, 1)
                .await
                .expect("m")
        );
        assert!(
            store
                .robot_target("simifo")
                .await
                .expect("t")
                .expect("there")
                .maintenance
        );
    }
}

#[tokio::test]
async fn reviews_credentials_and_evidence_keep_what_a_person_needs() {
    for (db, store) in stores().await {
        let review = RobotReviewRecord {
            job_id: "j1".into(),
            instance_id: Some("i1".into()),
            job_type: "legacy.register_payment".into(),
            target: "simifo".into(),
            step: "steps[6]".into(),
            message: "Det finns redan en utbetalning för perioden".into(),
            created_at: 10,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
        };
        let mut tx = store.begin().await.expect("begin");
        tx.upsert_robot_review(&review).await.expect("review");
        assert!(
            tx.resolve_robot_review("j1", "Anna", "retry", 20)
                .await
                .expect("resolve")
        );
        assert!(
            !tx.resolve_robot_review("j1", "Bo", "retry", 21)
                .await
                .expect("twice")
        );
        tx.commit().await.expect("commit");
        assert!(
            store.open_robot_reviews().await.expect("open").is_empty(),
            "{}",
            db.name
        );
        // The retry stopped the same way: the item is open again.
        let mut tx = store.begin().await.expect("begin");
        tx.upsert_robot_review(&review).await.expect("again");
        tx.commit().await.expect("commit");
        assert_eq!(store.open_robot_reviews().await.expect("open").len(), 1);

        let credential = |id: &str, at: i64| RobotCredentialRecord {
            id: id.into(),
            target: "simifo".into(),
            username: "robot1".into(),
            key_id: "k1".into(),
            nonce: vec![1; 12],
            secret: vec![2, 3, 4],
            created_at: at,
            retired_at: None,
        };
        store
            .replace_robot_credential(&credential("c1", 1))
            .await
            .expect("c1");
        store
            .replace_robot_credential(&credential("c2", 2))
            .await
            .expect("c2");
        let active = store
            .active_robot_credentials("simifo")
            .await
            .expect("active");
        assert_eq!(active.len(), 1, "{}: the old password is retired", db.name);
        assert_eq!(active[0].id, "c2");
        assert_eq!(active[0].nonce, vec![1; 12]);

        let evidence = RobotEvidenceRecord {
            id: "e1".into(),
            job_id: "j1".into(),
            run_id: "r1".into(),
            name: "fel: steps[6]".into(),
            created_at: 5,
            expires_at: 100,
        };
        store
            .insert_robot_evidence(&evidence, b"\x89PNG", Some("<p>[personnummer]</p>"))
            .await
            .expect("evidence");
        assert_eq!(
            store.robot_evidence_of_job("j1").await.expect("list"),
            vec![evidence]
        );
        let (png, html) = store
            .robot_evidence_content("e1")
            .await
            .expect("c")
            .expect("there");
        assert_eq!(
            (png.as_slice(), html.as_deref()),
            (&b"\x89PNG"[..], Some("<p>[personnummer]</p>"))
        );
        assert_eq!(
            store.delete_expired_robot_evidence(99).await.expect("keep"),
            0
        );
        assert_eq!(
            store
                .delete_expired_robot_evidence(100)
                .await
                .expect("expire"),
            1
        );
    }
}

/// The dashboard's reads: queues per job type with their oldest waiting item, runs
/// counted and grouped by cause, busy time per robot, and the work items at risk of their
/// case's deadline or waiting too long.
#[tokio::test]
async fn monitoring_reads_count_queues_runs_and_items_at_risk() {
    use flode_store::{CaseRecord, JobRecord, RobotActivity, RobotRunRecord};

    const HOUR: i64 = 3_600_000;
    let now = 100 * HOUR;
    for (db, store) in stores().await {
        let job =
            |id: &str, job_type: &str, state: &str, instance: &str, created_at: i64| JobRecord {
                id: id.into(),
                kind: "task".into(),
                job_type: job_type.into(),
                instance_id: Some(instance.into()),
                token: Some(1),
                node_id: Some("registrera".into()),
                state: state.into(),
                retries: if state == "failed" { 0 } else { 3 },
                attempts: 0,
                due_at: created_at,
                lease_owner: (state == "active").then(|| "nod-1/robot-1".into()),
                lease_until: (state == "active").then_some(now + 60_000),
                idempotency_key: format!("key-{id}"),
                payload: serde_json::json!({}),
                error: None,
                created_at,
                updated_at: created_at,
            };
        let mut tx = store.begin().await.expect("begin");
        for j in [
            job(
                "j1",
                "legacy.register_payment",
                "ready",
                "i1",
                now - 2 * HOUR,
            ),
            job("j2", "legacy.register_payment", "ready", "i2", now - 60_000),
            job(
                "j3",
                "legacy.register_payment",
                "active",
                "i3",
                now - 30_000,
            ),
            job(
                "j4",
                "legacy.register_payment",
                "failed",
                "i4",
                now - 3 * HOUR,
            ),
            job("j5", "legacy.close_case", "failed", "i5", now - 60_000),
            // Not a robot's: never counted.
            job("j6", "ssbtek.fetch", "ready", "i6", now - 5 * HOUR),
        ] {
            tx.insert_job(&j).await.expect("job");
        }
        // i2's case must be decided tomorrow, i3's in a week.
        for (n, instance, due_at) in [(1, "i2", now + 24 * HOUR), (2, "i3", now + 7 * 24 * HOUR)] {
            tx.insert_case(&CaseRecord {
                id: format!("c{n}"),
                case_number: format!("EB-2026-00000{n}"),
                kind: "ekonomiskt_bistand".into(),
                applicant: "199204722020".into(),
                applicant_name: "Alva Andersson".into(),
                application_id: format!("a{n}"),
                instance_id: instance.into(),
                month: "2026-12".into(),
                received_at: now - 10 * HOUR,
                due_at,
            })
            .await
            .expect("case");
        }
        tx.commit().await.expect("commit");

        assert_eq!(
            store.robot_queues("legacy.").await.expect("queues"),
            vec![
                ("legacy.close_case".to_owned(), 0, 0, 1, None),
                (
                    "legacy.register_payment".to_owned(),
                    2,
                    1,
                    1,
                    Some(now - 2 * HOUR)
                ),
            ],
            "{}",
            db.name
        );

        let run =
            |id: &str, robot: &str, started_at: i64, ended_at: i64, outcome: &str| RobotRunRecord {
                id: id.into(),
                job_id: "j1".into(),
                job_type: "legacy.register_payment".into(),
                robot: robot.into(),
                target: "simifo".into(),
                script: "registrera-utbetalning@1/v1".into(),
                started_at,
                ended_at,
                outcome: outcome.into(),
                step: (outcome == "business" || outcome == "system").then(|| "sök".into()),
                message: (outcome == "business").then(|| "Personen finns inte".into()),
                sign_ins: 1,
                relogins: i64::from(outcome == "system"),
            };
        for r in [
            run("r1", "a", now - 90 * 60_000, now - 59 * 60_000, "done"),
            run("r2", "a", now - 10_000, now - 4_000, "business"),
            run("r3", "b", now - 9_000, now - 8_000, "business"),
            run("r4", "b", now - 3_000, now - 1_000, "system"),
            run("r5", "b", now - 30 * HOUR, now - 29 * HOUR, "done"),
        ] {
            store.insert_robot_run(&r).await.expect("run");
        }
        let since = now - 24 * HOUR;
        assert_eq!(
            store.robot_run_counts(since).await.expect("counts"),
            vec![
                (
                    "legacy.register_payment".to_owned(),
                    "business".to_owned(),
                    2
                ),
                ("legacy.register_payment".to_owned(), "done".to_owned(), 1),
                ("legacy.register_payment".to_owned(), "system".to_owned(), 1),
            ],
            "{}",
            db.name
        );
        assert_eq!(
            store.robot_failure_causes(since).await.expect("causes"),
            vec![
                (
                    "business".to_owned(),
                    "sök".to_owned(),
                    "Personen finns inte".to_owned(),
                    2
                ),
                ("system".to_owned(), "sök".to_owned(), String::new(), 1),
            ],
            "{}",
            db.name
        );
        // a: one minute of r1 falls in the last hour, plus r2's six seconds; each run signed
        // in once, b's system exception after a lost session.
        let activity = |robot: &str, busy_ms, sign_ins, relogins| RobotActivity {
            robot: robot.into(),
            busy_ms,
            sign_ins,
            relogins,
        };
        assert_eq!(
            store.robot_activity(now - HOUR).await.expect("activity"),
            vec![
                activity("a", 60_000 + 6_000, 2, 0),
                activity("b", 3_000, 2, 1)
            ],
            "{}",
            db.name
        );

        let at_risk = store
            .robot_jobs_at_risk("legacy.", now + 2 * 24 * HOUR, now - HOUR, 100)
            .await
            .expect("at risk");
        let ids: Vec<(&str, Option<&str>)> = at_risk
            .iter()
            .map(|(j, c)| (j.id.as_str(), c.as_ref().map(|c| c.case_number.as_str())))
            .collect();
        assert_eq!(
            ids,
            vec![("j2", Some("EB-2026-000001")), ("j4", None), ("j1", None),],
            "{}: the deadline first, then the longest waiting",
            db.name
        );
        assert_eq!(
            at_risk[0].1.as_ref().map(|c| c.due_at),
            Some(now + 24 * HOUR)
        );
    }
}
