//! Attachments through the e-service form (multipart, no JavaScript) and the API: checked
//! by content, kept with the application, downloadable by the applicant and, once
//! submitted, by social workers; by nobody else.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::eservice::{EApp, eapp};

const PDF: &[u8] = b"%PDF-1.7\nhyresavi december";

/// A browser's multipart post of one file in the field `bilaga`.
fn upload(uri: &str, filename: &str, content: &[u8]) -> Request<Body> {
    let boundary = "----flodeboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"bilaga\"; filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::ORIGIN, "http://flode.local")
        .header(header::HOST, "flode.local")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .expect("request")
}

/// The citizen's draft id, from where starting an application leads.
async fn draft(app: &EApp, citizen: &str) -> String {
    let r = app.post("/mina-sidor/ansokan", citizen, &[]).await;
    r.location()
        .trim_start_matches("/mina-sidor/ansokan/")
        .split('/')
        .next()
        .expect("id")
        .to_owned()
}

fn link_to_file(html: &str) -> String {
    let at = html.find("/mina-sidor/bilagor/").expect("a file link");
    html[at..].split('"').next().expect("href").to_owned()
}

#[tokio::test]
async fn a_citizen_attaches_files_and_only_the_right_people_get_them() {
    let app = eapp(true).await;
    let citizen = app.citizen("0").await;
    let id = draft(&app, &citizen).await;
    let page = format!("/mina-sidor/ansokan/{id}/bilagor");

    let r = app.get(&page, &citizen).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("enctype=\"multipart/form-data\""));

    // A file that is not a PDF, JPG or PNG is refused with the error summary.
    let r = app
        .send(upload(&page, "program.pdf", b"MZ\x90\x00binary"), &citizen)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#bilaga\""), "{}", r.text());
    assert!(r.text().contains("PDF, JPG eller PNG"));

    let r = app.send(upload(&page, "hyresavi.pdf", PDF), &citizen).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = app.get(&page, &citizen).await.text();
    assert!(html.contains("hyresavi.pdf"));
    let file = link_to_file(&html);

    // Downloads are attachments that browsers may not sniff into something else.
    let r = app.get(&file, &citizen).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(&r.body[..], PDF);
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
    let other = app.citizen("1").await;
    assert_eq!(app.get(&file, &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&page, &other).await.status, StatusCode::NOT_FOUND);
    let file_id = file.trim_start_matches("/mina-sidor/bilagor/").to_owned();
    let hanna = app.staff("hanna").await;
    assert_eq!(
        app.get(&format!("/arenden/bilagor/{file_id}"), &hanna)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a draft's files are the citizen's alone"
    );

    // The API: upload the body as the file, list, remove.
    let api = format!("/api/me/applications/{id}/attachments");
    let r = app
        .send(
            Request::post(format!("{api}?filename=kontoutdrag.png"))
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(&b"\x89PNG\r\n\x1a\nbild"[..]))
                .expect("request"),
            &citizen,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["mediaType"], "image/png");
    let png = r.json()["id"].as_str().expect("id").to_owned();
    let r = app
        .send(
            Request::post(format!("{api}?filename=tom.pdf"))
                .body(Body::empty())
                .expect("request"),
            &citizen,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "body", "{}", r.text());
    let r = app.get(&api, &citizen).await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(2));
    let r = app
        .send(
            Request::delete(format!("{api}/{png}"))
                .body(Body::empty())
                .expect("request"),
            &citizen,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&api, &citizen)
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(app.get(&api, "").await.status, StatusCode::UNAUTHORIZED);

    // Check your answers counts them; after submission they follow the case.
    let check = app
        .get(&format!("/mina-sidor/ansokan/{id}/kontrollera"), &citizen)
        .await
        .text();
    assert!(check.contains("Du har bifogat 1 fil."), "{check}");
    let html = app.get("/mina-sidor/ansokan/x/manad", &citizen).await;
    assert_eq!(html.status, StatusCode::NOT_FOUND);
    let month = {
        let page = app
            .get(&format!("/mina-sidor/ansokan/{id}/manad"), &citizen)
            .await
            .text();
        let at = page.find("name=\"manad\" value=\"").expect("a month") + 20;
        page[at..at + 7].to_owned()
    };
    for (slug, fields) in [
        ("manad", vec![("manad", month.as_str())]),
        ("hushall", vec![("sambo", "nej")]),
        ("barn", vec![("atgard", "fortsatt")]),
        ("kostnader", vec![]),
        ("inkomster", vec![]),
        ("tillgangar", vec![("tillgangar", "nej")]),
        ("ovriga-behov", vec![("ovriga-behov", "nej")]),
        ("forandringar", vec![("forandringar", "nej")]),
        ("samtycke", vec![("samtycke", "ja")]),
    ] {
        let r = app
            .post(
                &format!("/mina-sidor/ansokan/{id}/{slug}"),
                &citizen,
                &fields,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{slug}");
    }
    let r = app
        .post(
            &format!("/mina-sidor/ansokan/{id}/kontrollera"),
            &citizen,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let case = r
        .location()
        .trim_start_matches("/mina-sidor/arenden/")
        .split('?')
        .next()
        .expect("case")
        .to_owned();
    let r = app.send(upload(&page, "sen.pdf", PDF), &citizen).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "submitted: no more files");
    let view = app.get(&format!("/arenden/{case}"), &hanna).await.text();
    assert!(
        view.contains(&format!("/arenden/bilagor/{file_id}")),
        "{view}"
    );
    let r = app
        .get(&format!("/arenden/bilagor/{file_id}"), &hanna)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(&r.body[..], PDF);
    let r = app
        .get(&format!("/api/attachments/{file_id}"), &hanna)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let view = app.get(&format!("/arenden/{case}"), &hanna).await.text();
    assert!(view.contains("Öppnade en bilaga"), "the read is logged");
}
