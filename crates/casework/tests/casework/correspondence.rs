//! A case's documents and messages through the case service, over a real store and engine
//! with the shipped model, on SQLite and PostgreSQL: the citizen reaches only their own,
//! staff reads are logged, and messages are checked before they are kept.

use flode_casework::{Casework, Citizen, Error, MAX_MESSAGE_CHARS};
use flode_engine::ManualClock;
use flode_store::{CaseDocumentRecord, CaseRecord};
use flode_test_db::databases;

use crate::support::{NOW, casework_at, citizen, fill_in, other};

/// A submitted application for december 2026 (see [`fill_in`]).
async fn submitted_case(cw: &Casework, who: &Citizen) -> CaseRecord {
    let draft = cw.draft(who).await.expect("draft");
    fill_in(cw, who, &draft.id).await;
    cw.submit(who, &draft.id).await.expect("submitted")
}

#[tokio::test]
async fn a_citizen_reaches_only_their_own_documents_and_staff_reads_are_logged() {
    for db in databases("flode_corr") {
        let clock = ManualClock::new(NOW);
        let cw = casework_at(&db, &clock).await;
        let case = submitted_case(&cw, &citizen()).await;
        assert!(
            cw.documents(&case.id).await.expect("documents").is_empty(),
            "{}",
            db.name
        );

        // As the letter worker stores it.
        let store = cw.engine().store();
        let stored = store
            .insert_case_document(
                &CaseDocumentRecord {
                    id: flode_engine::new_id(),
                    case_id: case.id.clone(),
                    kind: "beslutsbrev".into(),
                    title: format!("Beslut {}", case.case_number),
                    media_type: "application/pdf".into(),
                    text: "Beslut".into(),
                    dedup_key: "job-1".into(),
                    created_at: NOW,
                },
                b"%PDF-1.7 test",
            )
            .await
            .expect("stored");

        let staff = cw.documents(&case.id).await.expect("documents");
        assert_eq!(staff.len(), 1, "{}", db.name);
        assert_eq!(staff[0].id, stored.id);
        let own = cw
            .citizen_documents(&citizen(), &case.id)
            .await
            .expect("own documents");
        assert_eq!(own, staff);
        let (one, content) = cw
            .citizen_document_content(&citizen(), &stored.id)
            .await
            .expect("own document");
        assert_eq!(one.title, "Beslut EB-2026-000001");
        assert!(content.starts_with(b"%PDF"));

        // Another person's case and document do not exist for them; neither do unknown ids.
        assert!(matches!(
            cw.citizen_documents(&other(), &case.id).await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            cw.citizen_document_content(&other(), &stored.id).await,
            Err(Error::NotFound("dokument"))
        ));
        assert!(matches!(
            cw.citizen_document_content(&citizen(), "no-such-document")
                .await,
            Err(Error::NotFound("dokument"))
        ));
        assert!(matches!(
            cw.documents("no-such-case").await,
            Err(Error::NotFound("ärende"))
        ));

        // A social worker's opening of a document is logged as a read of the case.
        assert!(store.case_reads(&case.id).await.expect("reads").is_empty());
        let (read, _) = cw
            .staff_document_content(&stored.id, "anna")
            .await
            .expect("staff document");
        assert_eq!(read.id, stored.id);
        let reads = store.case_reads(&case.id).await.expect("reads");
        assert_eq!(reads.len(), 1, "{}", db.name);
        assert_eq!(
            (reads[0].reader.as_str(), reads[0].what.as_str()),
            ("anna", "dokument")
        );
        assert!(matches!(
            cw.staff_document_content("no-such-document", "anna").await,
            Err(Error::NotFound("dokument"))
        ));
        assert_eq!(store.case_reads(&case.id).await.expect("reads").len(), 1);
    }
}

#[tokio::test]
async fn messages_go_both_ways_and_are_checked() {
    for db in databases("flode_corr") {
        let clock = ManualClock::new(NOW);
        let cw = casework_at(&db, &clock).await;
        let case = submitted_case(&cw, &citizen()).await;

        // An empty or overlong message is refused with a reason on the field; nothing is kept.
        for body in ["", "  \n\t "] {
            let err = cw
                .send_citizen_message(&citizen(), &case.id, body)
                .await
                .expect_err("empty");
            assert!(
                matches!(&err, Error::Invalid(p) if p[0].field == "meddelande" && p[0].message == "Skriv ett meddelande"),
                "{}: {err}",
                db.name
            );
        }
        let long = "a".repeat(MAX_MESSAGE_CHARS + 1);
        let err = cw
            .send_staff_message(&case.id, "anna", &long)
            .await
            .expect_err("too long");
        assert!(
            matches!(&err, Error::Invalid(p) if p[0].field == "meddelande" && p[0].message.contains("högst")),
            "{err}"
        );
        assert!(cw.messages(&case.id).await.expect("messages").is_empty());

        // Another person cannot write in or read the case.
        assert!(matches!(
            cw.send_citizen_message(&other(), &case.id, "Hej").await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            cw.citizen_messages(&other(), &case.id).await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            cw.send_staff_message("no-such-case", "anna", "Hej").await,
            Err(Error::NotFound("ärende"))
        ));

        cw.send_citizen_message(&citizen(), &case.id, "  När kommer beslutet?  ")
            .await
            .expect("sent");
        clock.advance(60_000);
        cw.send_staff_message(&case.id, "anna", "Inom tio dagar.")
            .await
            .expect("sent");

        let all = cw.messages(&case.id).await.expect("messages");
        let seen: Vec<(&str, &str, &str)> = all
            .iter()
            .map(|m| (m.sender.as_str(), m.author.as_str(), m.body.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("citizen", "Testa Testsson", "När kommer beslutet?"),
                ("staff", "anna", "Inom tio dagar."),
            ],
            "{}",
            db.name
        );
        assert_eq!((all[0].created_at, all[1].created_at), (NOW, NOW + 60_000));
        assert!(all.iter().all(|m| m.dedup_key.is_none()));
        assert_eq!(
            cw.citizen_messages(&citizen(), &case.id)
                .await
                .expect("own messages"),
            all
        );
    }
}
