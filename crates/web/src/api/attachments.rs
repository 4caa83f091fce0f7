//! Attachments over the API: a citizen adds, lists and removes the files of their own draft
//! (`/api/me/applications/{id}/attachments`, the body is the file itself), and downloads
//! them; a social worker downloads those of a submitted application (`/api/attachments/{id}`,
//! the read logged). The rules are the case service's: PDF, JPEG or PNG by content, at most
//! 5 MiB each and 10 per application.

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use flode_security::Principal;
use flode_store::AttachmentRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::cases::with_fields;
use crate::eservice::{ApiCitizen, file_response};
use crate::problem::{Problem, ProblemBody};
use crate::state::AppState;
use crate::timefmt::rfc3339;

/// A stored attachment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AttachmentView {
    id: String,
    /// The file's name, cleaned of paths.
    #[schema(example = "hyresavi.pdf")]
    filename: String,
    /// Recognised from the content.
    #[schema(example = "application/pdf")]
    media_type: String,
    /// Bytes.
    size: i64,
    /// RFC 3339.
    created_at: String,
}

impl From<AttachmentRecord> for AttachmentView {
    fn from(a: AttachmentRecord) -> Self {
        Self {
            id: a.id,
            filename: a.filename,
            media_type: a.media_type,
            size: a.size,
            created_at: rfc3339(a.created_at),
        }
    }
}

/// `?filename=` of an upload.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct UploadQuery {
    /// The file's name, e.g. `hyresavi.pdf`.
    filename: Option<String>,
}

/// The file's bytes (the OpenAPI schema of uploads and downloads; never built).
#[derive(ToSchema)]
#[schema(format = Binary)]
pub(crate) struct FileBytes(#[expect(dead_code, reason = "only the schema is used")] String);

/// The upload's problems are about the request body.
fn file_field(field: &str) -> Option<&'static str> {
    (field == flode_casework::ATTACHMENT_FIELD).then_some("body")
}

/// The files attached to one of the citizen's own applications.
#[utoipa::path(
    get,
    path = "/api/me/applications/{id}/attachments",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Oldest first", body = [AttachmentView]),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or another person's", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path(id): Path<String>,
) -> Result<Json<Vec<AttachmentView>>, Problem> {
    let files = state.casework.attachments(&citizen, &id).await?;
    Ok(Json(files.into_iter().map(AttachmentView::from).collect()))
}

/// Attaches a file to one of the citizen's own drafts; the body is the file.
#[utoipa::path(
    post,
    path = "/api/me/applications/{id}/attachments",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("id" = String, Path, description = "Application id"), UploadQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Attached", body = AttachmentView),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or another person's", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The application is submitted", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Empty, too large, not PDF/JPEG/PNG, or ten files already (`fields`: `body`)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn upload(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<AttachmentView>), Problem> {
    let record = state
        .casework
        .add_attachment(
            &citizen,
            &id,
            q.filename.as_deref().unwrap_or_default(),
            &body,
        )
        .await
        .map_err(|e| with_fields(e, file_field))?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// Removes a file from one of the citizen's own drafts.
#[utoipa::path(
    delete,
    path = "/api/me/applications/{id}/attachments/{file}",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("id" = String, Path, description = "Application id"), ("file" = String, Path, description = "Attachment id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or another person's", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The application is submitted", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn remove(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path((id, file)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    state
        .casework
        .remove_attachment(&citizen, &id, &file)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One of the citizen's own files.
#[utoipa::path(
    get,
    path = "/api/me/attachments/{file}",
    tag = "Mina sidor",
    security(("medborgare" = [])),
    params(("file" = String, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file, as a download", body = FileBytes, content_type = "application/octet-stream"),
        (status = 401, description = "No citizen session", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or another person's", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn download(
    State(state): State<AppState>,
    ApiCitizen(citizen): ApiCitizen,
    Path(file): Path<String>,
) -> Result<Response, Problem> {
    let (record, content) = state.casework.citizen_attachment(&citizen, &file).await?;
    Ok(file_response(&record.filename, &record.media_type, content))
}

/// A file of a submitted application; the read is logged under the caller's name first.
#[utoipa::path(
    get,
    path = "/api/attachments/{file}",
    tag = "Ärenden",
    params(("file" = String, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file, as a download", body = FileBytes, content_type = "application/octet-stream"),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Not a social worker", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such file (or still a draft's)", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn staff_download(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(file): Path<String>,
) -> Result<Response, Problem> {
    let (record, content) = state.casework.staff_attachment(&file, &who.name).await?;
    Ok(file_response(&record.filename, &record.media_type, content))
}
