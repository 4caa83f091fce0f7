//! The admin pages: structure, forms with Post/Redirect/Get, error summaries, a snapshot.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{MODEL, TestApp, app};

/// The basics every page must have.
fn assert_page(html: &str, path: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{path}");
    assert!(html.contains("<html lang=\"sv\">"), "{path}");
    assert_eq!(html.matches("<h1").count(), 1, "{path}: one <h1>");
    assert!(
        html.contains("<a href=\"#main\" class=\"skip-link\">"),
        "{path}"
    );
    assert!(html.contains("<main id=\"main\""), "{path}");
    assert!(html.contains("<nav aria-label=\"Huvudmeny\""), "{path}");
    assert!(html.matches("aria-current=\"page\"").count() <= 1, "{path}");
    // Every table has a caption and column headers with scope.
    assert_eq!(
        html.matches("<table>").count(),
        html.matches("<caption").count(),
        "{path}"
    );
    let header_cells = html.matches("<th ").count() + html.matches("<th>").count();
    assert_eq!(
        header_cells,
        html.matches("<th scope=\"col\"").count(),
        "{path}"
    );
    // Every text input and textarea has a label.
    for id in ids_of(html, "<input type=\"text\" id=\"").chain(ids_of(html, "<textarea id=\"")) {
        assert!(
            html.contains(&format!("<label for=\"{id}\"")),
            "{path}: no label for {id}"
        );
    }
}

fn ids_of<'a>(html: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    html.match_indices(prefix).filter_map(move |(i, _)| {
        let rest = &html[i + prefix.len()..];
        rest.find('"').map(|end| &rest[..end])
    })
}

/// An instance with a completed user task, a failed job and an open incident.
async fn story(app: &TestApp) -> (String, String) {
    let definition_id = app.deploy_model().await;
    let instance_id = app.start_instance("2026-0070").await;
    let task_id = app.get("/api/user-tasks").await.json()[0]["id"]
        .as_str()
        .expect("task")
        .to_owned();
    let r = app
        .form(
            &format!("/uppgifter/{task_id}/slutfor"),
            &[
                ("variables", r#"{"beviljad": true}"#),
                ("user", "Handläggare"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), "/uppgifter?meddelande=slutford");
    let jobs = app
        .json(
            Method::POST,
            "/api/jobs/activate",
            json!({"type": "demo.work", "worker": "w1"}),
        )
        .await
        .json();
    let job_id = jobs["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["instanceId"] == instance_id.as_str())
        .and_then(|j| j["id"].as_str())
        .expect("job of this instance")
        .to_owned();
    app.json(
        Method::POST,
        &format!("/api/jobs/{job_id}/fail"),
        json!({"worker": "w1", "retries": 0, "errorMessage": "registret svarar inte"}),
    )
    .await;
    (definition_id, instance_id)
}

#[tokio::test]
async fn every_page_renders() {
    let app = app().await;
    let (definition_id, instance_id) = story(&app).await;
    for path in [
        "/".to_owned(),
        "/processer".to_owned(),
        format!("/processer/{definition_id}"),
        "/instanser".to_owned(),
        "/instanser?state=active&processKey=ansokan".to_owned(),
        format!("/instanser/{instance_id}"),
        "/uppgifter".to_owned(),
        "/jobb".to_owned(),
        "/jobb?state=failed".to_owned(),
        "/incidenter".to_owned(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.content_type().starts_with("text/html"), "{path}");
        assert_page(&r.text(), &path);
    }
    let r = app.get("/finns-inte").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_page(&r.text(), "404");
    let r = app.get("/instanser/finns-inte").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = app.get("/static/flode.css").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/css"));
    assert!(r.text().contains(":focus-visible"));
}

#[tokio::test]
async fn the_menu_marks_the_current_page() {
    let app = app().await;
    let html = app.get("/uppgifter").await.text();
    assert!(
        html.contains(
            r#"<a class="nav__link" href="/uppgifter" aria-current="page">Uppgifter</a>"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<a class="nav__link" href="/jobb">Jobb</a>"#));
}

#[tokio::test]
async fn an_empty_deploy_form_shows_the_error_summary() {
    let app = app().await;
    let r = app.form("/processer", &[("name", ""), ("xml", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert_page(&html, "deploy errors");
    assert!(
        html.contains("<title>Fel: Processer – flode</title>"),
        "{html}"
    );
    assert!(html.contains(r#"<div class="error-summary" role="alert""#));
    assert!(html.contains("Det finns ett problem"));
    assert!(
        html.contains(r##"<a href="#name">Ange ett filnamn"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#xml">Klistra in modellens XML</a>"##),
        "{html}"
    );
    assert_eq!(
        html.matches(r#"<span class="visually-hidden">Fel:</span>"#)
            .count(),
        2
    );
    assert!(html.contains(r#"aria-describedby="name-hint name-error""#));
}

#[tokio::test]
async fn an_invalid_model_is_shown_again_with_every_problem() {
    let app = app().await;
    let broken = MODEL.replace(r#"targetRef="end""#, r#"targetRef="saknas""#);
    let r = app
        .form("/processer", &[("name", "trasig.bpmn"), ("xml", &broken)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("<title>Fel: "));
    assert!(html.contains("saknas"), "the problem is listed");
    // What was typed is kept.
    assert!(html.contains("value=\"trasig.bpmn\""));
    assert!(html.contains("demo.work"));
}

#[tokio::test]
async fn forms_post_redirect_and_get_with_a_banner() {
    let app = app().await;
    let r = app
        .form("/processer", &[("name", "ansokan.bpmn"), ("xml", MODEL)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let definition_page = r.location().to_owned();
    assert!(
        definition_page.starts_with("/processer/"),
        "{definition_page}"
    );
    assert!(definition_page.ends_with("?meddelande=driftsatt"));
    let html = app.get(&definition_page).await.text();
    assert!(
        html.contains("Klart") && html.contains("Modellen är driftsatt."),
        "{html}"
    );
    assert!(!html.contains("<title>Fel: "));

    // Start with bad variables: the form comes back with a Swedish error.
    let start = definition_page.replace("?meddelande=driftsatt", "/starta");
    let r = app
        .form(
            &start,
            &[("businessKey", "2026-0080"), ("variables", "[1, 2]")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("<title>Fel: "));
    assert!(
        html.contains(r##"<a href="#variables">Variablerna måste vara ett JSON-objekt"##),
        "{html}"
    );
    assert!(html.contains("value=\"2026-0080\""));
    let r = app
        .form(&start, &[("businessKey", ""), ("variables", "{\"a\": ")])
        .await;
    assert!(r.text().contains("Variablerna är inte giltig JSON"));

    let r = app
        .form(
            &start,
            &[
                ("businessKey", "2026-0080"),
                ("variables", r#"{"belopp": 5}"#),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let instance_page = r.location().to_owned();
    assert!(
        instance_page.starts_with("/instanser/") && instance_page.ends_with("?meddelande=startad")
    );
    let html = app.get(&instance_page).await.text();
    assert!(html.contains("Instansen är startad."));
    assert!(html.contains("<h1>Instans 2026-0080</h1>"));

    // A task with bad variables is shown again, with the error on its own field.
    let task_id = app.get("/api/user-tasks").await.json()[0]["id"]
        .as_str()
        .expect("task")
        .to_owned();
    let r = app
        .form(
            &format!("/uppgifter/{task_id}/slutfor"),
            &[("variables", "nej")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(
        html.contains(&format!(r##"<a href="#variabler-{task_id}">"##)),
        "{html}"
    );
    assert!(html.contains(">nej</textarea>"));

    // Cancel the instance from its page.
    let instance_id = instance_page
        .trim_start_matches("/instanser/")
        .trim_end_matches("?meddelande=startad")
        .to_owned();
    let r = app
        .form(&format!("/instanser/{instance_id}/avbryt"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        format!("/instanser/{instance_id}?meddelande=avbruten")
    );
    let html = app.get(r.location()).await.text();
    assert!(html.contains("Instansen är avbruten."));
    assert!(html.contains("Avbruten"));
    // Cancelling again is a conflict page, not a crash.
    let r = app
        .form(&format!("/instanser/{instance_id}/avbryt"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn incidents_are_resolved_from_the_list_and_from_the_instance_page() {
    let app = app().await;
    let (_, first) = story(&app).await;
    let html = app.get("/incidenter").await.text();
    assert!(html.contains("Försök igen"));
    assert!(html.contains("registret svarar inte"));
    let incident_id = app.get("/api/incidents").await.json()[0]["id"]
        .as_str()
        .expect("incident")
        .to_owned();
    let r = app
        .form(&format!("/incidenter/{incident_id}/los"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/incidenter?meddelande=lost");
    let html = app.get(r.location()).await.text();
    assert!(html.contains("Incidenten är löst."));
    assert!(html.contains("Det finns inga öppna incidenter."));
    // Resolving it again finds no open incident.
    let r = app
        .form(&format!("/incidenter/{incident_id}/los"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // From an instance page, the redirect goes back there.
    let (_, second) = story(&app).await;
    assert_ne!(first, second);
    let html = app.get(&format!("/instanser/{second}")).await.text();
    assert!(html.contains(&format!(
        r#"<input type="hidden" name="instans" value="{second}">"#
    )));
    let incident_id = app
        .get(&format!("/api/process-instances/{second}"))
        .await
        .json()["incidents"][0]["id"]
        .as_str()
        .expect("incident")
        .to_owned();
    let r = app
        .form(
            &format!("/incidenter/{incident_id}/los"),
            &[("instans", &second)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/instanser/{second}?meddelande=lost"));
}

/// Replaces what changes between runs with stable placeholders.
fn redact(html: &str, ids: &[(&str, &str)]) -> String {
    let mut out = html.to_owned();
    for (id, name) in ids {
        out = out.replace(id, name);
    }
    redact_times(&out)
}

/// `2026-11-25 10:15` → `[tid]`.
fn redact_times(s: &str) -> String {
    const LEN: usize = "2026-11-25 10:15".len();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let candidate = s.get(i..i + LEN);
        if let Some(c) = candidate.filter(|c| is_time(c)) {
            let _ = c;
            out.push_str("[tid]");
            i += LEN;
        } else if let Some(ch) = s[i..].chars().next() {
            out.push(ch);
            i += ch.len_utf8();
        } else {
            break;
        }
    }
    out
}

fn is_time(c: &str) -> bool {
    c.char_indices().all(|(i, ch)| match i {
        4 | 7 => ch == '-',
        10 => ch == ' ',
        13 => ch == ':',
        _ => ch.is_ascii_digit(),
    })
}

#[tokio::test]
async fn instance_page_snapshot() {
    let app = app().await;
    let (definition_id, instance_id) = story(&app).await;
    let detail = app
        .get(&format!("/api/process-instances/{instance_id}"))
        .await
        .json();
    let task_id = detail["userTasks"][0]["id"]
        .as_str()
        .expect("task")
        .to_owned();
    let job_id = detail["jobs"][0]["id"].as_str().expect("job").to_owned();
    let incident_id = detail["incidents"][0]["id"]
        .as_str()
        .expect("incident")
        .to_owned();
    let html = app.get(&format!("/instanser/{instance_id}")).await.text();
    assert_page(&html, "instance");
    let html = redact(
        &html,
        &[
            (&definition_id, "[definition]"),
            (&instance_id, "[instans]"),
            (&task_id, "[uppgift]"),
            (&job_id, "[jobb]"),
            (&incident_id, "[incident]"),
        ],
    );
    insta::assert_snapshot!(html);
}
