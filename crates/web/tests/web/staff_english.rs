//! The staff pages in English: the same language link and cookie as the e-service; every
//! staff page (sign-in, overview, cases with the decision form and its problems, journal
//! notes, processes, instances, tasks, jobs, incidents, robots and their review queue, error
//! pages) then speaks English with `<html lang="en">`, while case content stays Swedish,
//! marked `lang="sv"`. Swedish stays the default.

use axum::http::StatusCode;
use flode_store::CaseDocumentRecord;
use serde_json::json;

use crate::eservice::{EApp, eapp, first_month, whole_application};
use crate::helpers::{Reply, cookie_of};

const ENGLISH: &str = "flode_sprak=en";

/// The page's visible text: tags and attribute values left out, and so are
/// - elements marked `lang="sv"`: case content that stays Swedish on purpose (the
///   application's answers, the calculation's reasons, legal references, letters), which
///   the page declares Swedish for screen readers;
/// - `<code>`: ids, JSON variables and model XML, data rather than text.
fn visible_text(html: &str) -> String {
    let html = without_elements(html, |tag| tag.contains(" lang=\"sv\""));
    let html = without_elements(&html, |tag| tag == "<code>");
    crate::english::visible_text(&html)
}

/// `html` without the elements (start tag to matching end tag) whose start tag matches.
fn without_elements(html: &str, matches: impl Fn(&str) -> bool) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let tag = &tail[..end];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() || !matches(tag) {
            out.push_str(tag);
            rest = &tail[end..];
            continue;
        }
        // Skip to the matching end tag, counting nested elements of the same name.
        let (open, close) = (format!("<{name}"), format!("</{name}>"));
        let mut depth = 1;
        let mut at = end;
        while depth > 0 {
            let next_open = tail[at..].find(&open).map(|i| at + i);
            let next_close = tail[at..].find(&close).map(|i| at + i);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    at = o + open.len();
                }
                (_, Some(c)) => {
                    depth -= 1;
                    at = c + close.len();
                }
                (_, None) => panic!("no {close} in {tail}"),
            }
        }
        rest = &tail[at..];
    }
    out.push_str(rest);
    out
}

/// Swedish words left on an English page: words with å, ä or ö, except proper names that
/// stay Swedish in any language (agencies, the shipped model's name).
fn swedish_left(html: &str) -> Vec<String> {
    const NAMES: &[&str] = &[
        "Försäkringskassan",
        "Försäkringskassan,",
        // The process model's own name (its `name` attribute), shown as written.
        "Försörjningsstöd",
        "Försörjningsstöd:",
    ];
    crate::english::swedish_words(&visible_text(html), NAMES)
}

fn assert_english(what: &str, r: &Reply) {
    let html = r.text();
    assert!(html.contains("<html lang=\"en\">"), "{what}: {html}");
    let left = swedish_left(&html);
    assert!(left.is_empty(), "{what}: Swedish left: {left:?}");
    // A missing message shows its id.
    let text = visible_text(&html);
    assert!(!text.contains("staff-"), "{what}: a message id: {text}");
    assert!(
        html.contains("hreflang=\"sv\">Svenska</a>"),
        "{what}: the way back to Swedish"
    );
}

/// The first `href="{prefix}…"` on the page: `…`.
fn first_link(html: &str, prefix: &str) -> String {
    let needle = format!("href=\"{prefix}");
    let at = html.find(&needle).unwrap_or_else(|| panic!("no {needle}")) + needle.len();
    html[at..]
        .split(['"', '?'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A submitted application with fetched data and a calculation: a case waiting for a
/// social worker. Returns its id.
async fn case_to_decide(app: &EApp) -> String {
    let citizen = app.citizen("0").await;
    let r = app.post("/mina-sidor/ansokan", &citizen, &[]).await;
    let base = r.location().trim_end_matches("/manad").to_owned();
    let month = first_month(&app.get(&format!("{base}/manad"), &citizen).await.text());
    for (slug, fields) in whole_application(&month) {
        let r = app.post(&format!("{base}/{slug}"), &citizen, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{slug}: {}", r.text());
    }
    let r = app
        .post(&format!("{base}/kontrollera"), &citizen, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let case = r
        .location()
        .trim_start_matches("/mina-sidor/arenden/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    // Swedish content everywhere the case page shows data: an agency that did not answer,
    // a payment, a reason, an unconfirmed amount and a deviation.
    app.work(
        "ssbtek.fetch",
        json!({"ssbtek": {
            "kallorMedFel": ["Pensionsmyndigheten"],
            "inkomster": [{"source": "Försäkringskassan", "slag": "sjukpenning",
                "utbetalningsdatum": "2026-11-25", "belopp": 1200}],
            "skyddadIdentitet": false,
            "korrelationsid": "q-1"
        }}),
    )
    .await;
    app.work(
        "forsorjningsstod.calculate",
        json!({"berakning": {"support": 4590, "need": 9450, "norm_total": 3320, "rows": [
            {"section": "norm", "kind": "personal_cost", "amount": 3320, "reason": "Riksnorm för en vuxen"},
            {"section": "cost", "kind": "housing", "amount": 6850, "applied": 6850,
                "reason": "Hyra enligt ansökan", "provenance": "stated"}
        ]}, "utfall": "deficit",
        "inkomstavvikelser": ["Sjukpenning från Försäkringskassan: 1 200 kr, högre än i ansökan"]}),
    )
    .await;
    case
}

#[tokio::test]
async fn staff_pages_are_swedish_by_default_with_a_link_to_english() {
    let app = eapp(true).await;
    let r = app.get("/logga-in", "").await;
    let html = r.text();
    assert!(html.contains("<html lang=\"sv\">"), "{html}");
    assert!(
        html.contains(
            "<a class=\"header__language\" href=\"/sprak/en?tillbaka=/logga-in\" lang=\"en\" hreflang=\"en\">English</a>"
        ),
        "{html}"
    );
    let hanna = app.staff("hanna").await;
    let r = app.get("/arenden", &hanna).await;
    assert!(r.text().contains("<html lang=\"sv\">"));
    assert!(r.text().contains("href=\"/sprak/en?tillbaka=/arenden\""));
    assert!(r.text().contains("Öppna ärenden"));

    // The link sets the same cookie as the e-service's and comes back to the page.
    let r = app.get("/sprak/en?tillbaka=/arenden", &hanna).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/arenden");
    assert_eq!(cookie_of(&r), ENGLISH);
    let r = app.get("/arenden", &format!("{hanna}; {ENGLISH}")).await;
    assert_english("/arenden", &r);
    assert!(r.text().contains("href=\"/sprak/sv?tillbaka=/arenden\""));
}

#[tokio::test]
async fn a_social_worker_works_in_english_from_sign_in_to_decision() {
    let app = eapp(true).await;
    let case = case_to_decide(&app).await;

    // Sign-in, its problems and a wrong password, in English.
    let r = app.get("/logga-in", ENGLISH).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_english("/logga-in", &r);
    let r = app.post("/logga-in", ENGLISH, &[("tillbaka", "/")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("sign-in problems", &r);
    assert!(r.text().contains("<title>Error: Sign in – flode</title>"));
    assert!(r.text().contains("Enter your username"));
    let r = app
        .post(
            "/logga-in",
            ENGLISH,
            &[
                ("username", "hanna"),
                ("password", "fel"),
                ("tillbaka", "/"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("The username or password is wrong"));

    let hanna = format!("{}; {ENGLISH}", app.staff("hanna").await);
    let r = app.get("/", &hanna).await;
    assert_english("/", &r);
    assert!(r.text().contains("Social worker"), "the role, translated");

    let r = app.get("/arenden", &hanna).await;
    assert_english("/arenden", &r);
    assert!(r.text().contains(&format!("/arenden/{case}")));

    // The case: chrome in English, content in Swedish and marked so.
    let page = format!("/arenden/{case}");
    let r = app.get(&page, &hanna).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_english("case", &r);
    let html = r.text();
    for english in [
        "Income support for ",
        "New application",
        "Decide by",
        "Granted",
        "[amount not confirmed]",
        "Sources that did not answer",
        "Make the decision",
    ] {
        assert!(html.contains(english), "{english}: {html}");
    }
    for swedish in [
        "<span lang=\"sv\">Riksnorm för en vuxen</span>",
        "<li lang=\"sv\">Sjukpenning från Försäkringskassan",
        "lang=\"sv\">4 kap. 1 § socialtjänstlagen (2025:400)</label>",
        "<dl class=\"summary-list\" lang=\"sv\">",
    ] {
        assert!(html.contains(swedish), "{swedish}: {html}");
    }

    // A decision without reasons: the problem and the summary in English; the language
    // link goes to the case, not to the post's address.
    let r = app
        .post(
            &format!("{page}/beslut"),
            &hanna,
            &[("utfall", "bifall"), ("belopp", "4590"), ("lagrum-0", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("decision problem", &r);
    let html = r.text();
    assert!(html.contains("<title>Error: Case "), "{html}");
    assert!(html.contains("There is a problem"), "{html}");
    assert!(
        html.contains("Enter the reasons for the decision"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/sprak/sv?tillbaka=/arenden/{case}\"")));
    let r = app
        .post(&format!("{page}/beslut"), &hanna, &[("belopp", "-1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("decision problems", &r);

    // Empty notes and messages are refused in English.
    let r = app
        .post(
            &format!("{page}/anteckning"),
            &hanna,
            &[("anteckning", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("note problem", &r);
    assert!(r.text().contains("Enter a note"));
    let r = app
        .post(&format!("{page}/meddelande"), &hanna, &[("meddelande", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("message problem", &r);

    // Decided, noted and messaged: the banners and the decision in English.
    let r = app
        .post(
            &format!("{page}/beslut"),
            &hanna,
            &[
                ("utfall", "bifall"),
                ("belopp", "4590"),
                ("motivering", "Behovet är styrkt."),
                ("lagrum-0", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = app.get(r.location(), &hanna).await;
    assert_english("decided", &r);
    assert!(r.text().contains("The decision is made."));
    assert!(r.text().contains("<dd lang=\"sv\">Behovet är styrkt.</dd>"));
    for (path, field, text) in [
        ("anteckning", "anteckning", "Checked against SSBTEK."),
        ("meddelande", "meddelande", "The decision is on My pages."),
    ] {
        let r = app
            .post(&format!("{page}/{path}"), &hanna, &[(field, text)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        let r = app.get(r.location(), &hanna).await;
        assert_english(path, &r);
        assert!(r.text().contains(text), "{path}");
    }

    // A letter keeps its own Swedish title.
    let letter = CaseDocumentRecord {
        id: "brev-1".into(),
        case_id: case.clone(),
        kind: "beslutsbrev".into(),
        title: "Beslut om ekonomiskt bistånd".into(),
        media_type: "application/pdf".into(),
        text: "Beslut".into(),
        dedup_key: "k".into(),
        created_at: app.engine.now(),
    };
    app.engine
        .store()
        .insert_case_document(&letter, b"%PDF-1.7 test")
        .await
        .expect("document");
    let r = app.get(&page, &hanna).await;
    assert_english("case with a letter", &r);
    assert!(
        r.text()
            .contains("<span lang=\"sv\">Beslut om ekonomiskt bistånd</span> ("),
        "{}",
        r.text()
    );

    // The engine's pages: processes, instances, tasks, jobs, incidents.
    let r = app.get("/processer", &hanna).await;
    assert_english("/processer", &r);
    let definition = first_link(&r.text(), "/processer/");
    let r = app.get(&format!("/processer/{definition}"), &hanna).await;
    assert_english("definition", &r);
    let r = app.get("/instanser", &hanna).await;
    assert_english("/instanser", &r);
    let instance = first_link(&r.text(), "/instanser/");
    let r = app.get(&format!("/instanser/{instance}"), &hanna).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_english("instance", &r);
    for path in [
        "/instanser?state=active",
        "/uppgifter",
        "/jobb",
        "/jobb?state=failed",
        "/incidenter",
        "/robotar",
        "/robotar/granskning",
        "/instanser?state=active&meddelande=x",
    ] {
        let r = app.get(path, &hanna).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_english(path, &r);
    }

    // Error pages.
    let r = app.get("/finns-inte", &hanna).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_english("404", &r);
    assert!(r.text().contains("Page not found"));
    let ivar = format!("{}; {ENGLISH}", app.staff("ivar").await);
    let r = app.get(&page, &ivar).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_english("403", &r);
    assert!(r.text().contains("Administrator"), "the role, translated");

    // The forms of the engine's pages, refused in English.
    let r = app.post("/processer", &ivar, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("deploy problems", &r);
    assert!(
        r.text()
            .contains("Enter a file name, for example ansokan.bpmn")
    );
    let r = app
        .post(
            &format!("/processer/{definition}/starta"),
            &ivar,
            &[("variables", "[1]")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("start problem", &r);
    assert!(r.text().contains("must be a JSON object"));
    assert!(r.text().contains(&format!(
        "href=\"/sprak/sv?tillbaka=/processer/{definition}\""
    )));
}

#[tokio::test]
async fn a_task_form_problem_is_explained_in_english() {
    let app = eapp(true).await;
    case_to_decide(&app).await;
    let hanna = format!("{}; {ENGLISH}", app.staff("hanna").await);
    let r = app.get("/uppgifter", &hanna).await;
    assert_english("/uppgifter", &r);
    let html = r.text();
    let at = html.find("action=\"/uppgifter/").expect("a task form") + 19;
    let task = html[at..].split('/').next().unwrap_or_default().to_owned();
    let r = app
        .post(
            &format!("/uppgifter/{task}/slutfor"),
            &hanna,
            &[("variables", "nej")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("task problem", &r);
    assert!(
        r.text().contains("not valid JSON (line 1, column 2)"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("href=\"/sprak/sv?tillbaka=/uppgifter\""));
}
