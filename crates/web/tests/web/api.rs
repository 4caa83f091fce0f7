//! The JSON API, end to end: deploy, start, user task, job, completion, history.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{MODEL, app};

#[tokio::test]
async fn a_process_runs_to_completion_through_the_api() {
    let app = app().await;

    // Deploy as JSON this time (the helper uses raw XML).
    let r = app
        .json(
            Method::POST,
            "/api/deployments",
            json!({"name": "ansokan.bpmn", "xml": MODEL}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let deployed = r.json();
    assert_eq!(deployed["deployed"][0]["key"], "ansokan");
    assert_eq!(deployed["deployed"][0]["version"], 1);
    let definition_id = deployed["deployed"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let r = app.get("/api/definitions").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()[0]["id"], definition_id.as_str());
    let r = app.get(&format!("/api/definitions/{definition_id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["xml"].as_str().expect("xml").contains("demo.work"));

    let instance_id = app.start_instance("2026-0042").await;
    let r = app
        .get("/api/process-instances?processKey=ansokan&state=active&businessKey=2026-0042")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));

    // The user task is open.
    let r = app.get("/api/user-tasks?state=created").await;
    assert_eq!(r.status, StatusCode::OK);
    let tasks = r.json();
    assert_eq!(tasks[0]["instanceId"], instance_id.as_str());
    assert_eq!(tasks[0]["name"], "Granska ansökan");
    let task_id = tasks[0]["id"].as_str().expect("task id").to_owned();
    let r = app
        .json(
            Method::POST,
            &format!("/api/user-tasks/{task_id}/complete"),
            json!({"variables": {"beviljad": true}, "user": "handlaggare"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());

    // Now the service task waits for a worker.
    let r = app
        .json(
            Method::POST,
            "/api/jobs/activate",
            json!({"type": "demo.work", "worker": "w1", "maxJobs": 5, "leaseMs": 30000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let jobs = r.json()["jobs"].clone();
    assert_eq!(jobs.as_array().map(Vec::len), Some(1), "{jobs}");
    let job = &jobs[0];
    assert_eq!(job["type"], "demo.work");
    assert_eq!(job["instanceId"], instance_id.as_str());
    assert_eq!(job["nodeId"], "work");
    assert_eq!(job["variables"]["belopp"], 100);
    assert_eq!(job["variables"]["beviljad"], true);
    assert!(
        job["idempotencyKey"]
            .as_str()
            .is_some_and(|k| !k.is_empty())
    );
    assert!(job["leaseUntil"].as_str().is_some_and(|t| t.ends_with('Z')));
    let job_id = job["id"].as_str().expect("job id").to_owned();

    let r = app.get("/api/jobs?state=active").await;
    assert_eq!(r.json()[0]["id"], job_id.as_str());

    let r = app
        .json(
            Method::POST,
            &format!("/api/jobs/{job_id}/complete"),
            json!({"worker": "w1", "variables": {"diarienummer": "SN 2026/42"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());

    let r = app
        .get(&format!("/api/process-instances/{instance_id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let detail = r.json();
    assert_eq!(detail["state"], "completed");
    assert_eq!(detail["businessKey"], "2026-0042");
    assert!(detail["endedAt"].as_str().is_some());
    assert_eq!(detail["tokens"], json!([]));
    assert_eq!(detail["userTasks"][0]["completedBy"], "handlaggare");
    // The completed job has left the queue; the history has its activity.
    assert_eq!(detail["jobs"], json!([]));
    let names: Vec<&str> = detail["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    for name in ["belopp", "beviljad", "diarienummer"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }

    let r = app
        .get(&format!("/api/process-instances/{instance_id}/history"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let history = r.json();
    let nodes: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["nodeId"].as_str())
        .collect();
    assert_eq!(nodes, ["start", "review", "work", "end"]);
    for h in history.as_array().expect("history") {
        assert_eq!(h["state"], "completed", "{h}");
        assert!(
            h["startedAt"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{h}"
        );
        assert!(h["endedAtMs"].as_i64().is_some(), "{h}");
    }
    assert_eq!(history[1]["nodeType"], "userTask");
}

#[tokio::test]
async fn activation_long_polls_until_a_job_is_created() {
    let app = app().await;
    app.deploy_model().await;
    let poll = {
        let app_router = app.router.clone();
        let cookie = app.cookie.clone();
        tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/jobs/activate")
                .header("content-type", "application/json")
                .header("cookie", &cookie)
                .body(axum::body::Body::from(
                    json!({"type": "demo.work", "worker": "w1", "requestTimeoutMs": 10000})
                        .to_string(),
                ))
                .expect("request");
            let started = std::time::Instant::now();
            let response = app_router.oneshot(req).await.expect("infallible");
            let body = http_body_util::BodyExt::collect(response.into_body())
                .await
                .expect("body")
                .to_bytes();
            (
                started.elapsed(),
                serde_json::from_slice::<serde_json::Value>(&body).expect("json"),
            )
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let instance_id = app.start_instance("2026-0043").await;
    let tasks = app.get("/api/user-tasks").await.json();
    let task_id = tasks[0]["id"].as_str().expect("task").to_owned();
    let r = app
        .json(
            Method::POST,
            &format!("/api/user-tasks/{task_id}/complete"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let (waited, body) = poll.await.expect("join");
    assert_eq!(
        body["jobs"][0]["instanceId"],
        instance_id.as_str(),
        "{body}"
    );
    assert!(
        waited < std::time::Duration::from_secs(9),
        "woke up early: {waited:?}"
    );
}

#[tokio::test]
async fn activation_without_work_returns_no_jobs_after_the_timeout() {
    let app = app().await;
    let started = std::time::Instant::now();
    let r = app
        .json(
            Method::POST,
            "/api/jobs/activate",
            json!({"type": "nothing", "worker": "w1", "requestTimeoutMs": 300}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"jobs": []}));
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn a_failed_job_raises_an_incident_that_can_be_resolved() {
    let app = app().await;
    app.deploy_model().await;
    let instance_id = app.start_instance("2026-0044").await;
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

    let r = app
        .json(
            Method::POST,
            &format!("/api/jobs/{job_id}/fail"),
            json!({"worker": "w1", "retries": 0, "errorMessage": "registret svarar inte"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "failed");

    let incidents = app.get("/api/incidents?state=open").await.json();
    assert_eq!(
        incidents[0]["instanceId"],
        instance_id.as_str(),
        "{incidents}"
    );
    assert_eq!(incidents[0]["jobId"], job_id.as_str());
    let incident_id = incidents[0]["id"].as_str().expect("incident").to_owned();

    let r = app
        .json(
            Method::POST,
            &format!("/api/incidents/{incident_id}/resolve"),
            json!({"retries": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(app.get("/api/incidents").await.json(), json!([]));
    let jobs = app
        .json(
            Method::POST,
            "/api/jobs/activate",
            json!({"type": "demo.work", "worker": "w2"}),
        )
        .await
        .json();
    assert_eq!(
        jobs["jobs"][0]["id"],
        job_id.as_str(),
        "the job is back in the queue"
    );
    assert_eq!(jobs["jobs"][0]["retries"], 2);
}

#[tokio::test]
async fn cancel_messages_and_signals() {
    let app = app().await;
    app.deploy_model().await;
    let instance_id = app.start_instance("2026-0045").await;
    let r = app
        .send(
            axum::http::Request::post(format!("/api/process-instances/{instance_id}/cancel"))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "canceled");

    let r = app
        .json(
            Method::POST,
            "/api/messages",
            json!({"name": "svar", "correlationKey": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json(), json!({"correlated": 0}));
    let r = app
        .json(Method::POST, "/api/signals", json!({"name": "stopp"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
}
