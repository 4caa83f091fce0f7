//! Errors of the JSON API are RFC 9457 problem details.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{Reply, app};

fn assert_problem(r: &Reply, status: StatusCode, kind: &str, path: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.content_type(), "application/problem+json");
    let p = r.json();
    assert_eq!(
        p["type"],
        format!("https://flode.example/problems/{kind}"),
        "{p}"
    );
    assert_eq!(p["status"], status.as_u16());
    assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(p["instance"], path);
    p
}

#[tokio::test]
async fn an_invalid_model_is_422_listing_every_problem() {
    let app = app().await;
    // Two problems: a service task without a job type, and a flow to a missing node.
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="https://flode.example/test">
  <bpmn:process id="trasig" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="nowhere"/>
  </bpmn:process>
</bpmn:definitions>"#;
    let r = app
        .send(
            Request::post("/api/deployments?name=trasig.bpmn")
                .header(header::CONTENT_TYPE, "text/xml")
                .body(Body::from(xml))
                .expect("request"),
        )
        .await;
    let p = assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-model",
        "/api/deployments",
    );
    let errors = p["errors"].as_array().expect("errors");
    assert!(errors.len() >= 2, "{p}");
    assert!(
        errors
            .iter()
            .any(|e| e.as_str().is_some_and(|e| e.contains("work"))),
        "{p}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.as_str().is_some_and(|e| e.contains("nowhere"))),
        "{p}"
    );

    // Not XML at all is the same kind of answer.
    let r = app
        .json(
            Method::POST,
            "/api/deployments",
            json!({"name": "x.bpmn", "xml": "<nope"}),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-model",
        "/api/deployments",
    );
}

#[tokio::test]
async fn an_unknown_instance_is_404() {
    let app = app().await;
    for path in [
        "/api/process-instances/00000000-0000-0000-0000-000000000000",
        "/api/process-instances/00000000-0000-0000-0000-000000000000/history",
        "/api/definitions/nope",
    ] {
        let r = app.get(path).await;
        assert_problem(&r, StatusCode::NOT_FOUND, "not-found", path);
    }
    let r = app.get("/api/no-such-endpoint").await;
    assert_problem(
        &r,
        StatusCode::NOT_FOUND,
        "not-found",
        "/api/no-such-endpoint",
    );
}

#[tokio::test]
async fn a_malformed_body_is_400() {
    let app = app().await;
    let r = app
        .send(
            Request::post("/api/process-instances")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"processKey\": "))
                .expect("request"),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "/api/process-instances",
    );

    // Well-formed JSON of the wrong shape is malformed too.
    let r = app
        .json(
            Method::POST,
            "/api/process-instances",
            json!({"processKey": "p", "variables": [1]}),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "/api/process-instances",
    );

    let r = app
        .json(Method::POST, "/api/process-instances", json!({}))
        .await;
    let p = assert_problem(
        &r,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "/api/process-instances",
    );
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("processKey")),
        "{p}"
    );

    let r = app.get("/api/process-instances?limit=many").await;
    assert_problem(
        &r,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "/api/process-instances",
    );
    let r = app.get("/api/process-instances?state=sleeping").await;
    assert_problem(
        &r,
        StatusCode::BAD_REQUEST,
        "bad-request",
        "/api/process-instances",
    );

    let r = app
        .send(
            Request::post("/api/deployments")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("x"))
                .expect("request"),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "/api/deployments",
    );
}

#[tokio::test]
async fn completing_a_job_leased_to_another_worker_is_409() {
    let app = app().await;
    app.deploy_model().await;
    app.start_instance("2026-0050").await;
    let task_id = app.get("/api/user-tasks").await.json()[0]["id"]
        .as_str()
        .expect("task")
        .to_owned();
    app.json(
        Method::POST,
        &format!("/api/user-tasks/{task_id}/complete"),
        json!({}),
    )
    .await;
    let jobs = app
        .json(
            Method::POST,
            "/api/jobs/activate",
            json!({"type": "demo.work", "worker": "w1"}),
        )
        .await
        .json();
    let job_id = jobs["jobs"][0]["id"].as_str().expect("job").to_owned();

    let path = format!("/api/jobs/{job_id}/complete");
    let r = app
        .json(Method::POST, &path, json!({"worker": "someone-else"}))
        .await;
    assert_problem(&r, StatusCode::CONFLICT, "conflict", &path);

    // Completing a task twice is a conflict as well.
    let path = format!("/api/user-tasks/{task_id}/complete");
    let r = app.json(Method::POST, &path, json!({})).await;
    assert_problem(&r, StatusCode::CONFLICT, "conflict", &path);
}
