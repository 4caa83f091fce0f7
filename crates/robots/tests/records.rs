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
