//! Attachments of applications (migration `0006_attachments.sql`). Limits are checked in
//! the same statement that inserts, so two uploads at once cannot pass them together.

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::reads::Read as _;
use crate::{Error, Store};

/// A stored attachment, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    /// Stable id.
    pub id: String,
    /// The application it belongs to.
    pub application_id: String,
    /// The file's name as uploaded (cleaned by the caller).
    pub filename: String,
    /// Sniffed media type, e.g. `application/pdf`.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// Unix ms.
    pub created_at: i64,
}

const COLUMNS: &str = "id, application_id, filename, media_type, size, created_at";

fn decode(r: &AnyRow) -> Result<AttachmentRecord, Error> {
    Ok(AttachmentRecord {
        id: r.try_get("id")?,
        application_id: r.try_get("application_id")?,
        filename: r.try_get("filename")?,
        media_type: r.try_get("media_type")?,
        size: r.try_get("size")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Stores an attachment if its application is still a draft with fewer than
    /// `max_files` attachments; `false` when it is not (nothing is stored).
    pub async fn insert_attachment(
        &self,
        a: &AttachmentRecord,
        content: &[u8],
        max_files: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "INSERT INTO application_attachments (id, application_id, filename, media_type, size, content, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7 \
             WHERE EXISTS (SELECT 1 FROM applications WHERE id = $2 AND state = 'draft') \
             AND (SELECT COUNT(*) FROM application_attachments WHERE application_id = $2) < $8",
        )
        .bind(a.id.clone())
        .bind(a.application_id.clone())
        .bind(a.filename.clone())
        .bind(a.media_type.clone())
        .bind(a.size)
        .bind(content.to_vec())
        .bind(a.created_at)
        .bind(max_files)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// An application's attachments, oldest first.
    pub async fn attachments_of(
        &self,
        application_id: &str,
    ) -> Result<Vec<AttachmentRecord>, Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM application_attachments WHERE application_id = $1 ORDER BY created_at, id"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(application_id.to_owned())
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// An attachment with its content.
    pub async fn attachment(&self, id: &str) -> Result<Option<(AttachmentRecord, Vec<u8>)>, Error> {
        let sql = format!("SELECT {COLUMNS}, content FROM application_attachments WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_owned())
            .read_optional(self.reads())
            .await?;
        row.map(|r| Ok((decode(&r)?, r.try_get::<Vec<u8>, _>("content")?)))
            .transpose()
    }

    /// Removes an attachment of a draft; `false` if there was none or the application is
    /// no longer a draft (a submitted application's files stay with the case).
    pub async fn delete_attachment(&self, id: &str, application_id: &str) -> Result<bool, Error> {
        let done = sqlx::query(
            "DELETE FROM application_attachments WHERE id = $1 AND application_id = $2 \
             AND EXISTS (SELECT 1 FROM applications WHERE id = $2 AND state = 'draft')",
        )
        .bind(id.to_owned())
        .bind(application_id.to_owned())
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
