//! Attachments to an application (hyresavi, kontoutdrag, läkarintyg …): PDF, JPEG or PNG,
//! recognised by their content (never by the name or the browser's claim), at most
//! [`MAX_ATTACHMENT_BYTES`] each and [`MAX_ATTACHMENTS`] per application. They can be added
//! and removed while the application is a draft, then follow it into the case. Only the
//! applicant and social workers get them back; another person's is "not found".

use flode_engine::new_id;
use flode_store::{AttachmentRecord, CaseReadRecord};

use crate::Error;
use crate::answers::FieldProblem;
use crate::service::{Casework, Citizen};

/// Largest file accepted, in bytes (5 MiB: a scanned page or a phone photo).
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// Most files per application.
pub const MAX_ATTACHMENTS: i64 = 10;
/// The form field the problems name.
pub const ATTACHMENT_FIELD: &str = "bilaga";

/// The media type of a file by its first bytes, if it is one we accept.
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// The file name to keep: the last path segment, printable characters only, at most 100
/// characters; "bilaga" when nothing is left.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "bilaga".into()
    } else {
        cleaned
    }
}

fn problem(code: &'static str, message: impl Into<String>) -> FieldProblem {
    FieldProblem::new(ATTACHMENT_FIELD, code, message)
}

/// The media type of a file to attach, or why it is refused (empty, too large, not a PDF,
/// JPEG or PNG): a problem with the field [`ATTACHMENT_FIELD`].
pub fn check_attachment(content: &[u8]) -> Result<&'static str, Error> {
    let refused = |p: FieldProblem| Error::Invalid(vec![p]);
    if content.is_empty() {
        return Err(refused(problem(
            "problem-missing-file",
            "Välj en fil att ladda upp",
        )));
    }
    if content.len() > MAX_ATTACHMENT_BYTES {
        let mb = MAX_ATTACHMENT_BYTES / (1024 * 1024);
        return Err(refused(
            problem(
                "problem-file-too-large",
                format!("Filen är för stor: den får vara högst {mb} MB"),
            )
            .arg("max", mb),
        ));
    }
    sniff(content).ok_or_else(|| {
        refused(problem(
            "problem-file-type",
            "Filen måste vara en PDF, JPG eller PNG",
        ))
    })
}

impl Casework {
    /// Attaches a file to the citizen's own draft.
    pub async fn add_attachment(
        &self,
        citizen: &Citizen,
        application_id: &str,
        filename: &str,
        content: &[u8],
    ) -> Result<AttachmentRecord, Error> {
        let (application, _) = self.application(citizen, application_id).await?;
        if application.state != "draft" {
            return Err(Error::AlreadySubmitted);
        }
        let media_type = check_attachment(content)?;
        let record = AttachmentRecord {
            id: new_id(),
            application_id: application.id.clone(),
            filename: clean_name(filename),
            media_type: media_type.into(),
            size: i64::try_from(content.len()).unwrap_or(i64::MAX),
            created_at: self.engine().now(),
        };
        let store = self.engine().store();
        if store
            .insert_attachment(&record, content, MAX_ATTACHMENTS)
            .await?
        {
            Ok(record)
        } else if store
            .application(&application.id)
            .await?
            .is_some_and(|a| a.state != "draft")
        {
            Err(Error::AlreadySubmitted)
        } else {
            Err(Error::Invalid(vec![
                problem(
                    "problem-too-many-attachments",
                    format!(
                        "Du kan bifoga högst {MAX_ATTACHMENTS} filer. Ta bort en fil för att lägga till en ny"
                    ),
                )
                .arg("max", MAX_ATTACHMENTS),
            ]))
        }
    }

    /// The attachments of the citizen's own application.
    pub async fn attachments(
        &self,
        citizen: &Citizen,
        application_id: &str,
    ) -> Result<Vec<AttachmentRecord>, Error> {
        let (application, _) = self.application(citizen, application_id).await?;
        Ok(self
            .engine()
            .store()
            .attachments_of(&application.id)
            .await?)
    }

    /// Removes an attachment from the citizen's own draft.
    pub async fn remove_attachment(
        &self,
        citizen: &Citizen,
        application_id: &str,
        attachment_id: &str,
    ) -> Result<(), Error> {
        let (application, _) = self.application(citizen, application_id).await?;
        if application.state != "draft" {
            return Err(Error::AlreadySubmitted);
        }
        if self
            .engine()
            .store()
            .delete_attachment(attachment_id, &application.id)
            .await?
        {
            Ok(())
        } else {
            Err(Error::NotFound("bilaga"))
        }
    }

    /// One of the citizen's own attachments with its content.
    pub async fn citizen_attachment(
        &self,
        citizen: &Citizen,
        attachment_id: &str,
    ) -> Result<(AttachmentRecord, Vec<u8>), Error> {
        let (record, content) = self
            .engine()
            .store()
            .attachment(attachment_id)
            .await?
            .ok_or(Error::NotFound("bilaga"))?;
        match self.application(citizen, &record.application_id).await {
            Ok(_) => Ok((record, content)),
            Err(Error::NotFound(_)) => Err(Error::NotFound("bilaga")),
            Err(e) => Err(e),
        }
    }

    /// The attachments of a case's application (staff).
    pub async fn case_attachments(&self, case_id: &str) -> Result<Vec<AttachmentRecord>, Error> {
        let store = self.engine().store();
        let case = store
            .case(case_id)
            .await?
            .ok_or(Error::NotFound("ärende"))?;
        Ok(store.attachments_of(&case.application_id).await?)
    }

    /// An attachment of a submitted application as a social worker opens it; the read is
    /// logged on the case first. A draft's attachments are the citizen's alone.
    pub async fn staff_attachment(
        &self,
        attachment_id: &str,
        reader: &str,
    ) -> Result<(AttachmentRecord, Vec<u8>), Error> {
        let store = self.engine().store();
        let (record, content) = store
            .attachment(attachment_id)
            .await?
            .ok_or(Error::NotFound("bilaga"))?;
        let case = store
            .case_of_application(&record.application_id)
            .await?
            .ok_or(Error::NotFound("bilaga"))?;
        store
            .log_case_read(&CaseReadRecord {
                id: new_id(),
                case_id: case.id,
                reader: reader.to_owned(),
                what: "bilaga".into(),
                read_at: self.engine().now(),
            })
            .await?;
        Ok((record, content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"MZ\x90\x00"), None, "an .exe renamed to .pdf");
        assert_eq!(sniff(b"<html>"), None);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\hyresavi.pdf"), "hyresavi.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\nc.pdf"), "abc.pdf");
        assert_eq!(clean_name("  "), "bilaga");
        assert_eq!(clean_name(&"x".repeat(300)).len(), 100);
    }
}
