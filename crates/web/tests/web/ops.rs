//! Health, readiness, metrics, request ids and server errors.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::helpers::app;

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = app().await;
    let r = app.get("/healthz").await;
    assert_eq!((r.status, r.text().as_str()), (StatusCode::OK, "ok"));
    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::OK);

    app.deploy_model().await;
    app.start_instance("2026-0060").await;
    let r = app.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/plain"));
    let text = r.text();
    assert!(
        text.contains("# TYPE flode_instances_active gauge"),
        "{text}"
    );
    assert!(text.contains("flode_instances_active 1\n"), "{text}");
    assert!(text.contains("flode_user_tasks_open 1\n"), "{text}");
    assert!(text.contains("flode_jobs_pending 0\n"), "{text}");
    assert!(text.contains("flode_incidents_open 0\n"), "{text}");
}

#[tokio::test]
async fn request_ids_are_kept_or_made() {
    let app = app().await;
    let r = app
        .send(
            Request::get("/healthz")
                .header("x-request-id", "abc-123")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.headers["x-request-id"], "abc-123");
    let r = app.get("/healthz").await;
    let id = r.headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn a_database_failure_is_500_with_a_correlation_id_and_503_on_readyz() {
    let app = app().await;
    app.engine.store().close().await;

    let r = app.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.content_type(), "application/problem+json");

    let r = app.get("/api/definitions").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.content_type(), "application/problem+json");
    let p = r.json();
    let request_id = r.headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(p["correlationId"], request_id, "{p}");
    // The cause stays in the log.
    assert!(!p["detail"].as_str().unwrap_or("").contains("pool"), "{p}");

    let r = app.get("/processer").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let html = r.text();
    let request_id = r.headers["x-request-id"].to_str().expect("ascii");
    assert!(html.contains(request_id), "{html}");
    assert!(html.contains("Något gick fel"));
}
