//! A case's documents (decision letters) and its secure messages between the citizen and
//! the social services. A citizen reaches only their own cases: another person's case or
//! document is "not found", never "forbidden", so that its existence is not revealed.

use flode_engine::new_id;
use flode_store::{CaseDocumentRecord, CaseMessageRecord, CaseReadRecord, CaseRecord};

use crate::Error;
use crate::answers::FieldProblem;
use crate::service::{Casework, Citizen};

/// Longest message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;

impl Casework {
    // ---- documents ----------------------------------------------------------------------

    /// A case's documents, oldest first (staff).
    pub async fn documents(&self, case_id: &str) -> Result<Vec<CaseDocumentRecord>, Error> {
        let case = self.staff_case(case_id).await?;
        Ok(self.engine().store().case_documents(&case.id).await?)
    }

    /// The documents of one of the citizen's own cases, oldest first.
    pub async fn citizen_documents(
        &self,
        citizen: &Citizen,
        case_id: &str,
    ) -> Result<Vec<CaseDocumentRecord>, Error> {
        let case = self.own_case(citizen, case_id).await?;
        Ok(self.engine().store().case_documents(&case.id).await?)
    }

    /// One of the citizen's own documents with its content (the PDF).
    pub async fn citizen_document_content(
        &self,
        citizen: &Citizen,
        document_id: &str,
    ) -> Result<(CaseDocumentRecord, Vec<u8>), Error> {
        let (document, content) = self
            .engine()
            .store()
            .case_document(document_id)
            .await?
            .ok_or(Error::NotFound("dokument"))?;
        // Another person's document is as absent as one that does not exist.
        match self.own_case(citizen, &document.case_id).await {
            Ok(_) => Ok((document, content)),
            Err(Error::NotFound(_)) => Err(Error::NotFound("dokument")),
            Err(e) => Err(e),
        }
    }

    /// A document with its content (the PDF) as a social worker opens it; the read is
    /// logged first.
    pub async fn staff_document_content(
        &self,
        document_id: &str,
        reader: &str,
    ) -> Result<(CaseDocumentRecord, Vec<u8>), Error> {
        let store = self.engine().store();
        let (document, content) = store
            .case_document(document_id)
            .await?
            .ok_or(Error::NotFound("dokument"))?;
        store
            .log_case_read(&CaseReadRecord {
                id: new_id(),
                case_id: document.case_id.clone(),
                reader: reader.to_owned(),
                what: "dokument".into(),
                read_at: self.engine().now(),
            })
            .await?;
        Ok((document, content))
    }

    // ---- messages -----------------------------------------------------------------------

    /// A case's messages, oldest first (staff).
    pub async fn messages(&self, case_id: &str) -> Result<Vec<CaseMessageRecord>, Error> {
        let case = self.staff_case(case_id).await?;
        Ok(self.engine().store().case_messages(&case.id).await?)
    }

    /// The messages of one of the citizen's own cases, oldest first.
    pub async fn citizen_messages(
        &self,
        citizen: &Citizen,
        case_id: &str,
    ) -> Result<Vec<CaseMessageRecord>, Error> {
        let case = self.own_case(citizen, case_id).await?;
        Ok(self.engine().store().case_messages(&case.id).await?)
    }

    /// The citizen writes to the social services about one of their own cases.
    pub async fn send_citizen_message(
        &self,
        citizen: &Citizen,
        case_id: &str,
        body: &str,
    ) -> Result<(), Error> {
        let body = message_body(body)?;
        let case = self.own_case(citizen, case_id).await?;
        self.add_message(&case, "citizen", &citizen.name, body)
            .await
    }

    /// A social worker writes to the citizen of a case.
    pub async fn send_staff_message(
        &self,
        case_id: &str,
        author: &str,
        body: &str,
    ) -> Result<(), Error> {
        let body = message_body(body)?;
        let case = self.staff_case(case_id).await?;
        self.add_message(&case, "staff", author, body).await
    }

    async fn add_message(
        &self,
        case: &CaseRecord,
        sender: &str,
        author: &str,
        body: &str,
    ) -> Result<(), Error> {
        self.engine()
            .store()
            .add_case_message(&CaseMessageRecord {
                id: new_id(),
                case_id: case.id.clone(),
                sender: sender.to_owned(),
                author: author.to_owned(),
                body: body.to_owned(),
                // People's messages are not retried by a worker; two sends are two messages.
                dedup_key: None,
                created_at: self.engine().now(),
            })
            .await?;
        Ok(())
    }

    async fn staff_case(&self, case_id: &str) -> Result<CaseRecord, Error> {
        self.engine()
            .store()
            .case(case_id)
            .await?
            .ok_or(Error::NotFound("ärende"))
    }

    async fn own_case(&self, citizen: &Citizen, case_id: &str) -> Result<CaseRecord, Error> {
        Ok(self.citizen_case(citizen, case_id).await?.case)
    }
}

/// The trimmed message, or why it cannot be sent (a problem with the field `meddelande`).
pub fn message_body(body: &str) -> Result<&str, Error> {
    let body = body.trim();
    let problem = |p: FieldProblem| Error::Invalid(vec![p]);
    if body.is_empty() {
        return Err(problem(FieldProblem::new(
            "meddelande",
            "problem-missing-message",
            "Skriv ett meddelande",
        )));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(problem(
            FieldProblem::new(
                "meddelande",
                "problem-message-too-long",
                format!(
                    "Meddelandet får vara högst {MAX_MESSAGE_CHARS} tecken; korta det eller dela upp det i flera meddelanden"
                ),
            )
            .arg("max", MAX_MESSAGE_CHARS),
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_text_and_a_limit() {
        assert!(matches!(
            message_body(" \n\t "),
            Err(Error::Invalid(p)) if p[0].field == "meddelande" && p[0].message == "Skriv ett meddelande"
        ));
        assert_eq!(message_body("  Hej!  ").expect("ok"), "Hej!");
        let long = "å".repeat(MAX_MESSAGE_CHARS);
        assert!(message_body(&long).is_ok(), "the limit counts characters");
        assert!(matches!(
            message_body(&format!("{long}a")),
            Err(Error::Invalid(p)) if p[0].message.contains("4000")
        ));
    }
}
