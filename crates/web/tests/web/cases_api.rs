//! The casework JSON API: a citizen applies and follows the case under `/api/me` with the
//! e-service's session cookie, and a social worker reads, decides and writes under
//! `/api/cases`. Errors are problem details: 422 with each field, 404 for another person's,
//! 409 for a case not waiting or an application already sent, 401 and 403 by credentials.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use flode_security::{Auth, AuthOptions, Role, Roles};
use flode_store::CaseDocumentRecord;
use serde_json::{Value, json};

use crate::eservice::{EApp, eapp};
use crate::helpers::Reply;

impl EApp {
    /// A JSON request with `cookie` (none if empty).
    async fn api(&self, method: Method, uri: &str, cookie: &str, body: Option<Value>) -> Reply {
        let req = Request::builder().method(method).uri(uri);
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.expect("request"), cookie).await
    }

    /// A request with `Authorization: Bearer`.
    async fn with_token(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
    ) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.expect("request"), "").await
    }

    async fn token(&self, name: &str, role: Role) -> String {
        let auth = Auth::new(self.engine.store().clone(), AuthOptions::default());
        let (_, token) = auth
            .add_token(name, Roles::of(&[role]), "test", self.engine.now())
            .await
            .expect("token");
        token.expose().to_owned()
    }

    /// Applies through the API as `citizen`; returns (application id, case id).
    async fn apply(&self, citizen: &str) -> (String, String) {
        let draft = self
            .api(Method::GET, "/api/me/applications/draft", citizen, None)
            .await;
        assert_eq!(draft.status, StatusCode::OK, "{}", draft.text());
        let draft = draft.json();
        let id = draft["id"].as_str().expect("id").to_owned();
        let month = draft["openMonths"][0]["month"].as_str().expect("month");
        for (slug, fields) in pages(month) {
            let r = self
                .api(
                    Method::PUT,
                    &format!("/api/me/applications/{id}/pages/{slug}"),
                    citizen,
                    Some(fields),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{slug}: {}", r.text());
        }
        let r = self
            .api(
                Method::POST,
                &format!("/api/me/applications/{id}/submit"),
                citizen,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let case = r.json()["id"].as_str().expect("case id").to_owned();
        (id, case)
    }

    /// The jobs the in-process workers do, done by hand: the case goes to a social worker.
    async fn prepare(&self) {
        self.work(
            "ssbtek.fetch",
            json!({"ssbtek": {"kallorMedFel": [], "inkomster": [], "skyddadIdentitet": false}}),
        )
        .await;
        self.work(
            "forsorjningsstod.calculate",
            json!({"berakning": {"support": 4590, "need": 9450, "rows": [
                {"section": "norm", "kind": "personal_cost", "amount": 3320, "reason": "Riksnorm för en vuxen"}
            ]}, "utfall": "deficit"}),
        )
        .await;
    }
}

/// Every page answered, as the form posts them (one amount as a JSON number).
fn pages(month: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("manad", json!({"manad": month})),
        ("hushall", json!({"sambo": "nej"})),
        ("barn", json!({})),
        (
            "kostnader",
            json!({"kostnad-housing": 6850, "kostnad-electricity": "350"}),
        ),
        ("inkomster", json!({})),
        ("tillgangar", json!({"tillgangar": "nej"})),
        (
            "ovriga-behov",
            json!({"ovriga-behov": "ja", "ovriga-behov-text": "Glasögon"}),
        ),
        ("forandringar", json!({"forandringar": "nej"})),
        ("samtycke", json!({"samtycke": "ja"})),
    ]
}

/// Asserts a problem response of `status` and `kind`; returns its body.
fn problem(r: &Reply, status: StatusCode, kind: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.content_type(), "application/problem+json", "{}", r.text());
    let p = r.json();
    assert_eq!(
        p["type"],
        format!("https://flode.example/problems/{kind}"),
        "{p}"
    );
    assert_eq!(p["status"], status.as_u16());
    p
}

/// The fields of a 422 invalid-input problem, as (field, message).
fn fields(r: &Reply) -> Vec<(String, String)> {
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid-input");
    let errors = p["errors"].as_array().expect("errors").len();
    let fields: Vec<(String, String)> = p["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().expect("field").to_owned(),
                f["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    assert_eq!(errors, fields.len(), "{p}");
    fields
}

#[tokio::test]
async fn a_citizen_applies_and_follows_the_case_through_the_api() {
    let app = eapp(true).await;

    // Without the citizen session cookie: 401 problem+json, never a redirect.
    let r = app
        .api(Method::GET, "/api/me/applications/draft", "", None)
        .await;
    let p = problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("/e-tjanst/logga-in")
    );
    assert!(
        r.headers[header::WWW_AUTHENTICATE]
            .to_str()
            .expect("ascii")
            .contains("flode_medborgare")
    );
    let r = app
        .api(
            Method::GET,
            "/api/me/cases",
            "flode_medborgare=forfalskad",
            None,
        )
        .await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");

    let citizen = app.citizen("0").await;

    // The draft: created once, every page still to answer, the months that are open.
    let r = app
        .api(Method::GET, "/api/me/applications/draft", &citizen, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let draft = r.json();
    let id = draft["id"].as_str().expect("id").to_owned();
    assert_eq!(draft["nextPage"], "manad");
    assert_eq!(draft["pages"].as_array().expect("pages").len(), 9);
    assert!(
        draft["pages"]
            .as_array()
            .expect("pages")
            .iter()
            .all(|p| p["answered"] == false)
    );
    assert_eq!(draft["openMonths"].as_array().expect("months").len(), 2);
    let month = draft["openMonths"][0]["month"]
        .as_str()
        .expect("month")
        .to_owned();
    let again = app
        .api(Method::GET, "/api/me/applications/draft", &citizen, None)
        .await
        .json();
    assert_eq!(again["id"], id.as_str(), "one draft, not one per request");

    // A page with a problem saves nothing and names the field in Swedish.
    let page = |slug: &str| format!("/api/me/applications/{id}/pages/{slug}");
    let r = app
        .api(
            Method::PUT,
            &page("manad"),
            &citizen,
            Some(json!({"manad": "1999-01"})),
        )
        .await;
    assert_eq!(
        fields(&r),
        vec![(
            "manad".to_owned(),
            "Välj vilken månad du söker för".to_owned()
        )]
    );
    assert_eq!(
        r.json()["errors"][0],
        "manad: Välj vilken månad du söker för"
    );
    let r = app
        .api(
            Method::PUT,
            &page("kostnader"),
            &citizen,
            Some(json!({"kostnad-housing": "sex tusen"})),
        )
        .await;
    assert_eq!(fields(&r)[0].0, "kostnad-housing");
    let r = app
        .api(Method::PUT, &page("okand"), &citizen, Some(json!({})))
        .await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = app
        .api(
            Method::PUT,
            &page("manad"),
            &citizen,
            Some(json!(["2026-12"])),
        )
        .await;
    problem(&r, StatusCode::BAD_REQUEST, "bad-request");
    let r = app
        .api(
            Method::PUT,
            &page("manad"),
            &citizen,
            Some(json!({"manad": true})),
        )
        .await;
    problem(&r, StatusCode::BAD_REQUEST, "bad-request");

    // A yes on assets needs its description, as on the page.
    let r = app
        .api(
            Method::PUT,
            &page("tillgangar"),
            &citizen,
            Some(json!({"tillgangar": "ja"})),
        )
        .await;
    assert_eq!(
        fields(&r),
        vec![(
            "tillgangar-text".to_owned(),
            "Beskriv tillgångarna".to_owned()
        )]
    );

    // Submitting too early lists the pages still to answer.
    let submit = format!("/api/me/applications/{id}/submit");
    let r = app.api(Method::POST, &submit, &citizen, None).await;
    let missing: Vec<String> = fields(&r).into_iter().map(|(f, _)| f).collect();
    assert_eq!(missing.len(), 9, "{missing:?}");
    assert_eq!(missing[0], "manad");

    // Children are added and removed as on the page.
    let r = app
        .api(
            Method::PUT,
            &page("barn"),
            &citizen,
            Some(json!({"atgard": "lagg-till", "barn-alder": "7", "barn-lunch": "ja"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["answers"]["children"][0]["age"], 7);
    let r = app
        .api(
            Method::PUT,
            &page("barn"),
            &citizen,
            Some(json!({"atgard": "ta-bort-0"})),
        )
        .await;
    assert_eq!(r.json()["answers"]["children"], json!([]));

    for (slug, body) in pages(&month) {
        let r = app
            .api(Method::PUT, &page(slug), &citizen, Some(body))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{slug}: {}", r.text());
    }
    let draft = app
        .api(Method::GET, "/api/me/applications/draft", &citizen, None)
        .await
        .json();
    assert_eq!(draft["nextPage"], Value::Null, "{draft}");
    assert_eq!(draft["answers"]["costs"]["housing"], 6850);
    let slugs: Vec<&str> = draft["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .filter_map(|p| p["slug"].as_str())
        .collect();
    assert_eq!(
        slugs,
        [
            "manad",
            "hushall",
            "barn",
            "kostnader",
            "inkomster",
            "tillgangar",
            "ovriga-behov",
            "forandringar",
            "samtycke"
        ]
    );
    assert_eq!(draft["answers"]["assets"], false);
    assert_eq!(draft["answers"]["other_needs_text"], "Glasögon");
    assert!(
        draft["summary"]
            .as_array()
            .expect("summary")
            .iter()
            .any(|r| r["page"] == "ovriga-behov"
                && r["question"] == "Övriga behov"
                && r["answer"] == "Ja: Glasögon"),
        "{draft}"
    );
    assert!(
        draft["summary"]
            .as_array()
            .expect("summary")
            .iter()
            .any(|r| r["answer"]
                .as_str()
                .is_some_and(|a| a.contains("6\u{a0}850"))),
        "{draft}"
    );

    // Submitted twice: one case; 201 the first time, 200 with the same case after.
    let first = app.api(Method::POST, &submit, &citizen, None).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let case = first.json();
    let case_id = case["id"].as_str().expect("case id").to_owned();
    assert!(
        case["caseNumber"]
            .as_str()
            .expect("number")
            .ends_with("-000001"),
        "{case}"
    );
    assert_eq!(case["month"], month.as_str());
    assert!(
        case["dueAt"].as_str().expect("due").ends_with('Z'),
        "{case}"
    );
    assert_eq!(
        first.headers[header::LOCATION],
        format!("/api/me/cases/{case_id}").as_str()
    );
    let second = app.api(Method::POST, &submit, &citizen, None).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text());
    assert_eq!(second.json(), case);
    // A submitted application cannot change.
    let r = app
        .api(
            Method::PUT,
            &page("hushall"),
            &citizen,
            Some(json!({"sambo": "ja"})),
        )
        .await;
    problem(&r, StatusCode::CONFLICT, "conflict");

    // Mina sidor: the case and where it stands.
    let mine = app
        .api(Method::GET, "/api/me/cases", &citizen, None)
        .await
        .json();
    assert_eq!(mine.as_array().expect("cases").len(), 1, "{mine}");
    assert_eq!(mine[0]["id"], case_id.as_str());
    assert_eq!(mine[0]["status"]["code"], "received");
    assert_eq!(mine[0]["status"]["label"], "Mottagen");
    let one = app
        .api(
            Method::GET,
            &format!("/api/me/cases/{case_id}"),
            &citizen,
            None,
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text());
    let one = one.json();
    assert_eq!(one["caseNumber"], case["caseNumber"]);
    assert_eq!(one["beslut"], Value::Null);
    assert_eq!(one["documents"], json!([]));

    // Another citizen reaches none of it.
    let other = app.citizen("1").await;
    let r = app
        .api(
            Method::GET,
            &format!("/api/me/cases/{case_id}"),
            &other,
            None,
        )
        .await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = app.api(Method::POST, &submit, &other, None).await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = app
        .api(
            Method::POST,
            &format!("/api/me/cases/{case_id}/messages"),
            &other,
            Some(json!({"body": "Hej"})),
        )
        .await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = app.api(Method::GET, "/api/me/cases", &other, None).await;
    assert_eq!(r.json(), json!([]));

    // Citizens are not staff, and staff are not citizens.
    let r = app.api(Method::GET, "/api/cases", &citizen, None).await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let hanna = app.staff("hanna").await;
    let r = app.api(Method::GET, "/api/me/cases", &hanna, None).await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");

    // Signing out ends the API session too.
    let r = app.post("/e-tjanst/logga-ut", &citizen, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.api(Method::GET, "/api/me/cases", &citizen, None).await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn a_social_worker_reads_and_decides_through_the_api() {
    let app = eapp(true).await;
    let citizen = app.citizen("0").await;
    let (_, case) = app.apply(&citizen).await;
    let hanna = app.staff("hanna").await;
    let ivar = app.staff("ivar").await;
    let decision = format!("/api/cases/{case}/decision");
    let good = json!({
        "utfall": "bifall",
        "belopp": 4590,
        "motivering": "Behovet är styrkt enligt riksnormen.",
        "lagrum": ["4 kap. 1 § socialtjänstlagen (2025:400)"],
    });

    // Credentials: none is 401, an admin is 403, a social worker's token works.
    let r = app.api(Method::GET, "/api/cases", "", None).await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = app
        .api(Method::GET, &format!("/api/cases/{case}"), &ivar, None)
        .await;
    problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = app
        .api(Method::POST, &decision, &ivar, Some(good.clone()))
        .await;
    problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let admin_token = app.token("drift", Role::Admin).await;
    let r = app
        .with_token(Method::GET, "/api/cases", &admin_token, None)
        .await;
    problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let token = app
        .token("integration", Role::ForsteSocialsekreterare)
        .await;
    let r = app
        .with_token(Method::GET, "/api/cases", &token, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()[0]["id"], case.as_str());

    // Still being prepared: not waiting for a decision.
    let r = app
        .api(Method::POST, &decision, &hanna, Some(good.clone()))
        .await;
    problem(&r, StatusCode::CONFLICT, "conflict");

    app.prepare().await;

    // The inbox and the case, whose read is logged under the reader's name.
    let r = app.api(Method::GET, "/api/cases", &hanna, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let inbox = r.json();
    let row = &inbox[0];
    assert_eq!(row["id"], case.as_str());
    assert_eq!(row["applicantName"], "Testperson 0");
    assert_eq!(row["status"]["code"], "with_case_worker");
    assert_eq!(row["status"]["label"], "Handläggs");
    assert_eq!(row["overdue"], false);
    assert_eq!(row["calculateByHand"], false, "the calculation was made");
    for key in ["caseNumber", "month", "receivedAt", "dueAt"] {
        assert!(row[key].is_string(), "{key}: {row}");
    }
    let r = app
        .api(Method::GET, &format!("/api/cases/{case}"), &hanna, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let view = r.json();
    assert_eq!(view["awaitingDecision"], true);
    assert_eq!(view["applicant"], "199204722020");
    assert_eq!(view["applicationType"], "nyansokan");
    assert_eq!(view["berakning"]["support"], 4590);
    assert_eq!(view["ssbtek"]["skyddadIdentitet"], false);
    assert!(view["delegation"].is_object(), "{view}");
    assert_eq!(view["beslut"], Value::Null);
    assert_eq!(view["application"]["answers"]["costs"]["housing"], 6850);
    assert!(
        !view["application"]["summary"]
            .as_array()
            .expect("summary")
            .is_empty()
    );
    assert_eq!(view["reads"][0]["reader"], "hanna");
    assert_eq!(view["reads"][0]["what"], "arende");
    let r = app
        .api(Method::GET, "/api/cases/finns-inte", &hanna, None)
        .await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");

    // A decision with problems: each field named, in Swedish.
    let r = app
        .api(
            Method::POST,
            &decision,
            &hanna,
            Some(json!({"utfall": "bifall", "belopp": 4590, "lagrum": ["4 kap. 1 § socialtjänstlagen (2025:400)"]})),
        )
        .await;
    let problems = fields(&r);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "motivering");
    assert!(
        problems[0].1.contains("förvaltningslagen 32 §"),
        "{problems:?}"
    );
    let r = app
        .api(Method::POST, &decision, &hanna, Some(json!({"belopp": 0})))
        .await;
    let named: Vec<String> = fields(&r).into_iter().map(|(f, _)| f).collect();
    assert_eq!(named, vec!["utfall", "motivering", "lagrum"]);
    let r = app
        .api(
            Method::POST,
            &decision,
            &hanna,
            Some(json!({"utfall": "bifall", "belopp": 4590, "motivering": "Ok.", "lagrum": ["1 § påhittade lagen"]})),
        )
        .await;
    let problems = fields(&r);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "lagrum");
    assert!(problems[0].1.contains("påhittade"), "{problems:?}");
    let r = app
        .api(
            Method::POST,
            &decision,
            &hanna,
            Some(json!({"belopp": "mycket"})),
        )
        .await;
    problem(&r, StatusCode::BAD_REQUEST, "bad-request");

    // Decided; deciding again is a conflict.
    let r = app
        .api(Method::POST, &decision, &hanna, Some(good.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let decided = r.json();
    assert_eq!(decided["utfall"], "bifall");
    assert_eq!(decided["belopp"], 4590);
    assert_eq!(decided["fattatAv"], "Test hanna, socialsekreterare");
    assert_eq!(
        decided["lagrum"],
        json!(["4 kap. 1 § socialtjänstlagen (2025:400)"])
    );
    let r = app
        .api(Method::POST, &decision, &hanna, Some(good.clone()))
        .await;
    problem(&r, StatusCode::CONFLICT, "conflict");
    let r = app
        .api(
            Method::POST,
            "/api/cases/finns-inte/decision",
            &hanna,
            Some(good),
        )
        .await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");

    let view = app
        .api(Method::GET, &format!("/api/cases/{case}"), &hanna, None)
        .await
        .json();
    assert_eq!(view["awaitingDecision"], false);
    assert_eq!(view["beslut"]["utfall"], "bifall");
    assert_eq!(view["status"]["code"], "decided");
    let mine = app
        .api(
            Method::GET,
            &format!("/api/me/cases/{case}"),
            &citizen,
            None,
        )
        .await
        .json();
    assert_eq!(mine["beslut"]["belopp"], 4590);
    assert_eq!(mine["status"]["code"], "decided");
    assert!(
        mine["explanation"]
            .as_str()
            .expect("explanation")
            .contains("Beslut")
    );
}

#[tokio::test]
async fn a_case_the_norms_cannot_calculate_is_calculated_and_decided_by_hand() {
    let app = eapp(true).await;
    let citizen = app.citizen("0").await;
    let (_, case) = app.apply(&citizen).await;
    let hanna = app.staff("hanna").await;
    app.work(
        "ssbtek.fetch",
        json!({"ssbtek": {"kallorMedFel": [], "inkomster": [], "skyddadIdentitet": false}}),
    )
    .await;
    // What the calculation worker throws when the month's year has no riksnorm.
    let why = "det finns ingen riksnorm för år 2027 (kända år: 2021, 2026)";
    app.throw(
        "forsorjningsstod.calculate",
        "berakning-saknas",
        json!({"berakningSaknas": why}),
    )
    .await;

    // The API says why, with no calculation; a person is to decide.
    let view = app
        .api(Method::GET, &format!("/api/cases/{case}"), &hanna, None)
        .await
        .json();
    assert_eq!(view["awaitingDecision"], true, "{view}");
    assert_eq!(view["berakningSaknas"], why);
    assert_eq!(view["berakning"], Value::Null);
    assert_eq!(view["delegation"], Value::Null);
    let inbox = app
        .api(Method::GET, "/api/cases", &hanna, None)
        .await
        .json();
    assert_eq!(inbox[0]["calculateByHand"], true, "{inbox}");

    // The inbox marks it, so that it is not taken for a case with a proposal.
    let html = app.get("/arenden", &hanna).await.text();
    assert!(
        html.contains("Handläggs <strong class=\"tag\">Beräkna manuellt</strong>"),
        "{html}"
    );

    // The case view shows the reason where the calculation would be, and no proposal.
    let page = app.get(&format!("/arenden/{case}"), &hanna).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("Beräkningen kunde inte göras automatiskt:"),
        "{html}"
    );
    assert!(html.contains("ingen riksnorm för år 2027"), "{html}");
    assert!(
        html.contains("Inget förslag, eftersom beräkningen saknas."),
        "{html}"
    );
    assert!(!html.contains("Ingen beräkning ännu."), "{html}");
    assert!(
        html.contains("Beloppet enligt din manuella beräkning."),
        "{html}"
    );
    assert!(
        !html.contains("Förslaget enligt beräkningen är ifyllt."),
        "{html}"
    );

    // The social worker's own amount is the decision.
    let r = app
        .api(
            Method::POST,
            &format!("/api/cases/{case}/decision"),
            &hanna,
            Some(json!({
                "utfall": "bifall",
                "belopp": 7120,
                "motivering": "Behovet är beräknat manuellt enligt riksnormen.",
                "lagrum": ["4 kap. 1 § socialtjänstlagen (2025:400)"],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["belopp"], 7120);
}

#[tokio::test]
async fn notes_messages_and_letters_through_the_api() {
    let app = eapp(true).await;
    let citizen = app.citizen("0").await;
    let other = app.citizen("1").await;
    let (_, case) = app.apply(&citizen).await;
    let hanna = app.staff("hanna").await;

    // Journal notes: an empty one names the field `body`.
    let notes = format!("/api/cases/{case}/notes");
    let r = app
        .api(Method::POST, &notes, &hanna, Some(json!({"body": "  "})))
        .await;
    assert_eq!(
        fields(&r),
        vec![("body".to_owned(), "Skriv en anteckning".to_owned())]
    );
    let r = app
        .api(
            Method::POST,
            &notes,
            &hanna,
            Some(json!({"body": "Ringde sökanden."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = app
        .api(Method::POST, &notes, &citizen, Some(json!({"body": "x"})))
        .await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");

    // Messages both ways.
    let r = app
        .api(
            Method::POST,
            &format!("/api/cases/{case}/messages"),
            &hanna,
            Some(json!({"body": "Skicka gärna hyresavin."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let mine = format!("/api/me/cases/{case}/messages");
    let r = app
        .api(Method::POST, &mine, &citizen, Some(json!({})))
        .await;
    assert_eq!(
        fields(&r),
        vec![("body".to_owned(), "Skriv ett meddelande".to_owned())]
    );
    let r = app
        .api(
            Method::POST,
            &mine,
            &citizen,
            Some(json!({"body": "x".repeat(4001)})),
        )
        .await;
    assert!(fields(&r)[0].1.contains("4000"));
    let r = app
        .api(
            Method::POST,
            &mine,
            &citizen,
            Some(json!({"body": "Hyresavin kommer i morgon."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = app
        .api(Method::POST, &mine, "", Some(json!({"body": "x"})))
        .await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");

    let staff_view = app
        .api(Method::GET, &format!("/api/cases/{case}"), &hanna, None)
        .await
        .json();
    assert_eq!(staff_view["notes"][0]["body"], "Ringde sökanden.");
    assert_eq!(staff_view["notes"][0]["author"], "hanna");
    let messages = staff_view["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{staff_view}");
    assert_eq!(messages[0]["sender"], "staff");
    assert_eq!(messages[0]["author"], "Test hanna");
    assert_eq!(messages[1]["sender"], "citizen");
    assert_eq!(messages[1]["body"], "Hyresavin kommer i morgon.");
    let citizen_view = app
        .api(
            Method::GET,
            &format!("/api/me/cases/{case}"),
            &citizen,
            None,
        )
        .await
        .json();
    assert_eq!(citizen_view["messages"], staff_view["messages"]);
    assert!(
        citizen_view.get("notes").is_none(),
        "journal notes are staff's"
    );

    // A letter: the citizen and a social worker get the PDF, nobody else.
    let doc = CaseDocumentRecord {
        id: "brev-1".into(),
        case_id: case.clone(),
        kind: "beslutsbrev".into(),
        title: "Beslut".into(),
        media_type: "application/pdf".into(),
        text: "Beslut".into(),
        dedup_key: "k".into(),
        created_at: app.engine.now(),
    };
    app.engine
        .store()
        .insert_case_document(&doc, b"%PDF-1.7 test")
        .await
        .expect("document");
    let listed = app
        .api(
            Method::GET,
            &format!("/api/me/cases/{case}"),
            &citizen,
            None,
        )
        .await
        .json();
    assert_eq!(listed["documents"][0]["id"], "brev-1");
    assert_eq!(listed["documents"][0]["mediaType"], "application/pdf");
    assert!(listed["documents"][0].get("content").is_none());
    let r = app
        .api(Method::GET, "/api/me/documents/brev-1", &citizen, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.content_type(), "application/pdf");
    assert!(r.body.starts_with(b"%PDF"));
    let r = app
        .api(Method::GET, "/api/me/documents/brev-1", &other, None)
        .await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = app
        .api(Method::GET, "/api/me/documents/brev-1", "", None)
        .await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = app
        .api(Method::GET, "/api/documents/brev-1", &citizen, None)
        .await;
    problem(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = app
        .api(Method::GET, "/api/documents/brev-1", &hanna, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.content_type(), "application/pdf");
    let r = app
        .api(Method::GET, "/api/documents/finns-inte", &hanna, None)
        .await;
    problem(&r, StatusCode::NOT_FOUND, "not-found");
    let view = app
        .api(Method::GET, &format!("/api/cases/{case}"), &hanna, None)
        .await
        .json();
    assert_eq!(view["documents"][0]["title"], "Beslut");
    assert!(
        view["reads"]
            .as_array()
            .expect("reads")
            .iter()
            .any(|r| r["what"] == "dokument" && r["reader"] == "hanna"),
        "opening the letter is logged: {view}"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_casework_api() {
    let app = eapp(false).await;
    let doc = app.get("/api/openapi.json", "").await.json();
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        tags.contains(&"Ärenden") && tags.contains(&"Mina sidor"),
        "{tags:?}"
    );
    let scheme = &doc["components"]["securitySchemes"]["medborgare"];
    assert_eq!(scheme["in"], "cookie", "{scheme}");
    assert_eq!(scheme["name"], "flode_medborgare");
    let paths = &doc["paths"];
    assert_eq!(
        paths["/api/me/cases"]["get"]["security"][0]["medborgare"],
        json!([])
    );
    assert_eq!(
        paths["/api/cases/{id}/decision"]["post"]["tags"][0],
        "Ärenden"
    );
    let put = &paths["/api/me/applications/{id}/pages/{page}"]["put"];
    assert!(put["responses"]["422"]["content"]["application/problem+json"].is_object());
    assert!(doc["components"]["schemas"]["FieldProblem"].is_object());
    assert!(doc["components"]["schemas"]["DecisionRequest"].is_object());
    assert!(
        paths["/api/documents/{id}"]["get"]["responses"]["200"]["content"]["application/pdf"]
            .is_object()
    );
}
