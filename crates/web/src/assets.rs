//! Static assets, compiled into the binary: no CDN, nothing to deploy beside it.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../static/flode.css");

/// `GET /static/flode.css`.
pub(crate) async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}
