//! `/mina-sidor/ansokan/{id}/bilagor`: files attached to the application (optional; reached
//! from check your answers). Upload is a plain multipart form, so it works without
//! JavaScript; the rules (types by content, size, count) are the case service's.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use flode_casework::{ATTACHMENT_FIELD, Citizen, Error, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS};

use super::{CitizenLayout, SignedIn, field_errors, render};
use crate::i18n::{Lang, Language, Tr};
use crate::pages::error::PageError;
use crate::pages::form::{FieldError, NoticeQuery, PageQuery, error_for};
use crate::state::AppState;

struct FileRow {
    id: String,
    filename: String,
    kind: String,
    size: String,
}

#[derive(Template)]
#[template(path = "eservice/attachments.html")]
struct AttachmentsPage {
    layout: CitizenLayout,
    id: String,
    files: Vec<FileRow>,
    error: Option<String>,
    max_files: i64,
    max_mb: usize,
}

fn kind_label(tr: Tr, media_type: &str) -> String {
    tr.t(match media_type {
        "application/pdf" => "attachments-kind-pdf",
        "image/jpeg" => "attachments-kind-jpeg",
        "image/png" => "attachments-kind-png",
        _ => "attachments-kind-other",
    })
}

/// `1,2 MB` (`1.2 MB` in English) or `340 kB`.
fn size_label(lang: Lang, bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        let point = match lang {
            Lang::Sv => ',',
            Lang::En => '.',
        };
        format!("{}{point}{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

async fn page(
    state: &AppState,
    language: &Language,
    citizen: &Citizen,
    id: &str,
    notice: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let files = state
        .casework
        .attachments(citizen, id)
        .await?
        .into_iter()
        .map(|a| FileRow {
            id: a.id,
            filename: a.filename,
            kind: kind_label(language.tr, &a.media_type),
            size: size_label(language.tr.lang(), a.size),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &AttachmentsPage {
            error: error_for(&errors, ATTACHMENT_FIELD),
            layout: CitizenLayout::in_language(
                state,
                language,
                language.tr.t("attachments-title"),
                Some(citizen),
            )
            .notice(notice)
            .errors(errors),
            id: id.to_owned(),
            files,
            max_files: MAX_ATTACHMENTS,
            max_mb: MAX_ATTACHMENT_BYTES / (1024 * 1024),
        },
    )
}

/// `GET /mina-sidor/ansokan/{id}/bilagor`.
pub(crate) async fn show(
    State(state): State<AppState>,
    language: Language,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    page(
        &state,
        &language,
        &citizen,
        &id,
        q.meddelande.as_deref(),
        Vec::new(),
    )
    .await
}

/// Largest upload request: one file at the limit plus the form's framing.
pub(crate) const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// `POST /mina-sidor/ansokan/{id}/bilagor` (multipart, field `bilaga`).
pub(crate) async fn upload(
    State(state): State<AppState>,
    language: Language,
    SignedIn(citizen): SignedIn,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let too_large = || {
        vec![FieldError::new(
            ATTACHMENT_FIELD,
            language.tr.with(
                "attachments-too-large",
                "mb",
                MAX_ATTACHMENT_BYTES / (1024 * 1024),
            ),
        )]
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // Over the route's body limit: the person gets the size rule, not an error page.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return page(&state, &language, &citizen, &id, None, too_large()).await;
            }
            Err(e) => {
                return Err(PageError::BadRequest(format!(
                    "the upload could not be read: {e}"
                )));
            }
        };
        if field.name() != Some(ATTACHMENT_FIELD) {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return page(&state, &language, &citizen, &id, None, too_large()).await;
            }
            Err(e) => {
                return Err(PageError::BadRequest(format!(
                    "the upload could not be read: {e}"
                )));
            }
        };
        file = Some((name, bytes.to_vec()));
    }
    let (name, content) = file.unwrap_or_default();
    match state
        .casework
        .add_attachment(&citizen, &id, &name, &content)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/mina-sidor/ansokan/{id}/bilagor?meddelande=bilaga-sparad"
        ))
        .into_response()),
        Err(Error::Invalid(problems)) => {
            let errors = field_errors(problems, language.tr);
            page(&state, &language, &citizen, &id, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /mina-sidor/ansokan/{id}/bilagor/{file}/ta-bort`.
pub(crate) async fn remove(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    state
        .casework
        .remove_attachment(&citizen, &id, &file)
        .await?;
    Ok(Redirect::to(&format!(
        "/mina-sidor/ansokan/{id}/bilagor?meddelande=bilaga-borttagen"
    ))
    .into_response())
}

/// `GET /mina-sidor/bilagor/{file}`: the citizen's own file, as a download.
pub(crate) async fn download(
    State(state): State<AppState>,
    SignedIn(citizen): SignedIn,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let (record, content) = state.casework.citizen_attachment(&citizen, &file).await?;
    Ok(file_response(&record.filename, &record.media_type, content))
}

/// An uploaded file as a download: never rendered inline, never sniffed into something
/// else by the browser, never cached.
pub(crate) fn file_response(filename: &str, media_type: &str, content: Vec<u8>) -> Response {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        content,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    #[test]
    fn sizes_for_people() {
        assert_eq!(super::size_label(Lang::Sv, 340 * 1024), "340 kB");
        assert_eq!(super::size_label(Lang::Sv, 1), "1 kB");
        assert_eq!(super::size_label(Lang::Sv, 1_258_291), "1,2 MB");
        assert_eq!(super::size_label(Lang::En, 1_258_291), "1.2 MB");
    }
}
