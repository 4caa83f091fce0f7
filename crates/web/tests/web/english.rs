//! The e-service in English: the language link remembers the choice in a cookie and comes
//! back to the page; every page of a citizen's whole path (sign-in, the application, its
//! problems, the receipt and the case) then speaks English, with `<html lang="en">`.
//! Swedish stays the default.

use axum::http::{StatusCode, header};

use crate::eservice::{eapp, first_month, whole_application};
use crate::helpers::{Reply, cookie_of};

const ENGLISH: &str = "flode_sprak=en";

/// The page's visible text: tags, attribute values and entities left out.
pub(crate) fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Swedish words left on an English page: words with å, ä or ö, except proper names
/// (agencies, the synthetic people) that stay Swedish in any language.
fn swedish_left(html: &str) -> Vec<String> {
    const NAMES: &[&str] = &[
        "Försäkringskassan",
        "Arbetsförmedlingen",
        "Pensionsmyndigheten",
        "(Försäkringskassan,",
        "Försäkringskassan,",
        "Arbetsförmedlingen,",
        "Pensionsmyndigheten,",
    ];
    swedish_words(&visible_text(html), NAMES)
}

/// The words of `text` with å, ä or ö, except `names`.
pub(crate) fn swedish_words(text: &str, names: &[&str]) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.chars().any(|c| "åäöÅÄÖ".contains(c)))
        .filter(|w| !names.contains(w))
        .map(str::to_owned)
        .collect()
}

fn assert_english(what: &str, r: &Reply) {
    let html = r.text();
    assert!(html.contains("<html lang=\"en\">"), "{what}: {html}");
    let left = swedish_left(&html);
    assert!(left.is_empty(), "{what}: Swedish left: {left:?}");
    assert!(
        html.contains("lang=\"sv\"") && html.contains(">Svenska</a>"),
        "{what}: the way back to Swedish"
    );
}

#[tokio::test]
async fn the_language_link_remembers_english_and_comes_back_to_the_page() {
    let app = eapp(true).await;

    // Swedish by default, with a link to English that names this page.
    let r = app.get("/e-tjanst", "").await;
    let html = r.text();
    assert!(html.contains("<html lang=\"sv\">"), "{html}");
    assert!(
        html.contains("href=\"/sprak/en?tillbaka=/e-tjanst\""),
        "{html}"
    );
    assert!(html.contains(">English</a>"));

    let r = app.get("/sprak/en?tillbaka=/e-tjanst/logga-in", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/e-tjanst/logga-in");
    assert_eq!(cookie_of(&r), ENGLISH);
    let set = r.headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(
        set.contains("Max-Age=") && set.contains("SameSite=Lax"),
        "{set}"
    );

    // Back to Swedish the same way.
    let r = app.get("/sprak/sv?tillbaka=/e-tjanst", ENGLISH).await;
    assert_eq!(cookie_of(&r), "flode_sprak=sv");

    // Only paths on this site are followed; an unknown language changes nothing.
    for uri in [
        "/sprak/en?tillbaka=//evil.example/x",
        "/sprak/en?tillbaka=https://evil.example",
        "/sprak/en?tillbaka=/%5Cevil.example",
    ] {
        let r = app.get(uri, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(r.location(), "/e-tjanst", "{uri}");
    }
    let r = app.get("/sprak/de?tillbaka=/mina-sidor", "").await;
    assert_eq!(r.location(), "/mina-sidor");
    assert!(r.headers.get(header::SET_COOKIE).is_none());

    // A cookie with another value is Swedish.
    let r = app.get("/e-tjanst", "flode_sprak=de").await;
    assert!(r.text().contains("<html lang=\"sv\">"));
}

#[tokio::test]
async fn a_citizen_applies_in_english_from_sign_in_to_the_case_page() {
    let app = eapp(true).await;
    for uri in ["/e-tjanst", "/e-tjanst/logga-in"] {
        let r = app.get(uri, ENGLISH).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_english(uri, &r);
    }
    // A sign-in problem is explained in English.
    let r = app.post("/e-tjanst/logga-in", ENGLISH, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("sign-in problem", &r);
    assert!(r.text().contains("There is a problem"));

    let session = app.citizen("0").await;
    let citizen = format!("{session}; {ENGLISH}");
    let r = app.get("/mina-sidor", &citizen).await;
    assert_english("/mina-sidor", &r);

    let r = app.post("/mina-sidor/ansokan", &citizen, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let base = r.location().trim_end_matches("/manad").to_owned();
    let month_page = app.get(&format!("{base}/manad"), &citizen).await;
    assert_english("month page", &month_page);
    let month = first_month(&month_page.text());

    // Problems on a page come in English, the error summary too.
    let r = app
        .post(&format!("{base}/manad"), &citizen, &[("manad", "1999-01")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("month problem", &r);
    assert!(r.text().contains("<title>Error: "), "{}", r.text());
    let r = app
        .post(
            &format!("{base}/kostnader"),
            &citizen,
            &[("kostnad-housing", "mycket")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("costs problem", &r);
    let r = app
        .post(
            &format!("{base}/tillgangar"),
            &citizen,
            &[("tillgangar", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_english("assets problem", &r);
    assert!(r.text().contains("Describe the assets"), "{}", r.text());

    for (slug, fields) in whole_application(&month) {
        let page = app.get(&format!("{base}/{slug}"), &citizen).await;
        assert_eq!(page.status, StatusCode::OK, "{slug}");
        assert_english(slug, &page);
        assert!(
            page.text().contains("Step ") && page.text().contains(" of 9"),
            "{slug}"
        );
        let question = match slug {
            "tillgangar" => "have any assets that could be used or sold?",
            "ovriga-behov" => "anything beyond the usual this month?",
            _ => "",
        };
        assert!(page.text().contains(question), "{slug}: {}", page.text());
        let r = app.post(&format!("{base}/{slug}"), &citizen, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{slug}: {}", r.text());
    }
    let r = app.get(&format!("{base}/bilagor"), &citizen).await;
    assert_english("attachments", &r);
    let r = app.get(&format!("{base}/kontrollera"), &citizen).await;
    assert_english("check your answers", &r);
    for question in ["Assets", "Other needs"] {
        assert!(r.text().contains(question), "{question}: {}", r.text());
    }

    let r = app
        .post(&format!("{base}/kontrollera"), &citizen, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let receipt = app.get(r.location(), &citizen).await;
    assert_english("receipt and case page", &receipt);
    assert!(receipt.text().contains("-000001"), "the case number");

    // The same pages stay Swedish for a citizen who has not chosen English.
    let r = app.get(&format!("{base}/kontrollera"), &session).await;
    assert!(r.text().contains("<html lang=\"sv\">"));
}
