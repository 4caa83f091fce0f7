//! The OpenAPI document covers every route the router serves.

use axum::http::StatusCode;

use crate::helpers::app;

#[tokio::test]
async fn every_route_is_in_the_openapi_document() {
    let app = app().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");

    let routes = flode_web::api_routes();
    assert!(routes.len() >= 20, "{routes:?}");
    for (method, path) in &routes {
        let op = &paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is missing from the OpenAPI document"))
            [method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{method} {path} is missing from the OpenAPI document"
        );
        assert!(
            op["responses"].is_object(),
            "{method} {path} documents no responses"
        );
    }
    // And nothing is documented that is not served.
    let documented: usize = paths
        .values()
        .map(|p| p.as_object().map_or(0, |o| o.len()))
        .sum();
    assert_eq!(documented, routes.len(), "documented operations vs routes");

    // A deployment takes JSON or raw XML.
    let content = paths["/api/deployments"]["post"]["requestBody"]["content"]
        .as_object()
        .expect("content");
    for media in ["application/json", "application/xml", "text/xml"] {
        assert!(content.contains_key(media), "{media}: {content:?}");
    }
    let problem = &paths["/api/process-instances/{id}"]["get"]["responses"]["404"]["content"];
    assert!(problem["application/problem+json"].is_object(), "{problem}");

    // The problem schema is there for clients to generate from.
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert_eq!(flode_web::openapi().paths.paths.len(), paths.len());
}
