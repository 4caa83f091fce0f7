//! Citizens' sessions, applications and the cases they become, with the case's journal,
//! read log, documents and messages (migration `0005_casework.sql`).
//!
//! Submitting an application is one transaction that also starts the case's process
//! instance: the steps that must happen together are on [`Tx`] (`mark_submitted`,
//! `next_case_number`, `insert_case`); reads and single-row writes are on [`Store`].

use std::sync::LazyLock;

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::reads::Read as _;
use crate::tx::{json_text, parse_json};
use crate::{Error, Store, Tx};

/// A citizen's sign-in to the e-service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSessionRecord {
    /// Hex SHA-256 of the session id.
    pub id_hash: String,
    /// The verified personnummer.
    pub subject: String,
    /// The person's name, from the identity provider.
    pub name: String,
    /// `test` or the OIDC issuer.
    pub idp: String,
    /// The identity provider's reference for this authentication.
    pub auth_ref: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub expires_at: i64,
    /// Set when the citizen signed out.
    pub ended_at: Option<i64>,
}

/// An application, draft or submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationRecord {
    /// Stable id (also the idempotency key of its submission).
    pub id: String,
    /// The case type, e.g. `forsorjningsstod`.
    pub kind: String,
    /// Personnummer of the applicant.
    pub applicant: String,
    /// The month applied for, `YYYY-MM`.
    pub month: String,
    /// `draft` or `submitted`.
    pub state: String,
    /// The answers so far (a JSON object; its shape belongs to `flode-casework`).
    pub answers: Value,
    /// The sign-in it was submitted under.
    pub auth_ref: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
    /// Unix ms.
    pub submitted_at: Option<i64>,
}

/// A case: a submitted application and the process instance that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// Stable id.
    pub id: String,
    /// Diarienummer shown to everyone, e.g. `EB-2026-000042`.
    pub case_number: String,
    /// The case type.
    pub kind: String,
    /// Personnummer of the applicant.
    pub applicant: String,
    /// The applicant's name at submission.
    pub applicant_name: String,
    /// The application it came from.
    pub application_id: String,
    /// Its process instance.
    pub instance_id: String,
    /// The month applied for.
    pub month: String,
    /// Registration time (Unix ms).
    pub received_at: i64,
    /// When a decision is due (Unix ms).
    pub due_at: i64,
}

/// A journal note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNoteRecord {
    /// Stable id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Who wrote it.
    pub author: String,
    /// The note.
    pub body: String,
    /// Unix ms.
    pub created_at: i64,
}

/// One logged read of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReadRecord {
    /// Stable id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Who read it.
    pub reader: String,
    /// What was read, e.g. `case_view` or `document`.
    pub what: String,
    /// Unix ms.
    pub read_at: i64,
}

/// A document of a case, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDocumentRecord {
    /// Stable id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// e.g. `beslutsbrev`.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// e.g. `application/pdf`.
    pub media_type: String,
    /// The same content as plain text.
    pub text: String,
    /// Makes a retried write idempotent.
    pub dedup_key: String,
    /// Unix ms.
    pub created_at: i64,
}

/// A message in a case's conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMessageRecord {
    /// Stable id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// `citizen`, `staff` or `system`.
    pub sender: String,
    /// Name of who wrote it.
    pub author: String,
    /// The message.
    pub body: String,
    /// Makes a retried write idempotent (system messages).
    pub dedup_key: Option<String>,
    /// Unix ms.
    pub created_at: i64,
}

const APPLICATION_COLUMNS: &str =
    "id, kind, applicant, month, state, answers, auth_ref, created_at, updated_at, submitted_at";
const CASE_COLUMNS: &str = "id, case_number, kind, applicant, applicant_name, application_id, instance_id, month, received_at, due_at";
const DOCUMENT_COLUMNS: &str = "id, case_id, kind, title, media_type, text, dedup_key, created_at";
const MESSAGE_COLUMNS: &str = "id, case_id, sender, author, body, dedup_key, created_at";

/// A result row read by position, from sqlx or from rusqlite ([`crate::inline`]), so that
/// one decoder serves both.
trait Columns {
    fn text(&self, i: usize) -> Result<String, Error>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, Error>;
    fn int(&self, i: usize) -> Result<i64, Error>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Error>;
}

impl Columns for AnyRow {
    fn text(&self, i: usize) -> Result<String, Error> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, Error> {
        Ok(self.try_get(i)?)
    }
    fn int(&self, i: usize) -> Result<i64, Error> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        Ok(self.try_get(i)?)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<String, Error> {
        self.get(i).map_err(Error::Inline)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, Error> {
        self.get(i).map_err(Error::Inline)
    }
    fn int(&self, i: usize) -> Result<i64, Error> {
        self.get(i).map_err(Error::Inline)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        self.get(i).map_err(Error::Inline)
    }
}

/// A session from the first eight columns of its queries: id_hash, subject, name, idp,
/// auth_ref, created_at, expires_at, ended_at, in that order (by position, since the
/// joined read renames them).
fn decode_citizen_session(r: &impl Columns) -> Result<CitizenSessionRecord, Error> {
    Ok(CitizenSessionRecord {
        id_hash: r.text(0)?,
        subject: r.text(1)?,
        name: r.text(2)?,
        idp: r.text(3)?,
        auth_ref: r.text(4)?,
        created_at: r.int(5)?,
        expires_at: r.int(6)?,
        ended_at: r.opt_int(7)?,
    })
}

/// An application from [`APPLICATION_COLUMNS`], in their order, starting at column `first`.
fn decode_application(r: &impl Columns, first: usize) -> Result<ApplicationRecord, Error> {
    Ok(ApplicationRecord {
        id: r.text(first)?,
        kind: r.text(first + 1)?,
        applicant: r.text(first + 2)?,
        month: r.text(first + 3)?,
        state: r.text(first + 4)?,
        answers: parse_json("applications.answers", &r.text(first + 5)?)?,
        auth_ref: r.opt_text(first + 6)?,
        created_at: r.int(first + 7)?,
        updated_at: r.int(first + 8)?,
        submitted_at: r.opt_int(first + 9)?,
    })
}

/// The joined read's row: the session, then the application's columns when it is the
/// person's own (all null otherwise).
fn decode_session_with_application(
    r: &impl Columns,
) -> Result<(CitizenSessionRecord, Option<ApplicationRecord>), Error> {
    let session = decode_citizen_session(r)?;
    let application = match r.opt_text(8)? {
        Some(_) => Some(decode_application(r, 8)?),
        None => None,
    };
    Ok((session, application))
}

fn decode_case(r: &AnyRow) -> Result<CaseRecord, Error> {
    Ok(CaseRecord {
        id: r.try_get("id")?,
        case_number: r.try_get("case_number")?,
        kind: r.try_get("kind")?,
        applicant: r.try_get("applicant")?,
        applicant_name: r.try_get("applicant_name")?,
        application_id: r.try_get("application_id")?,
        instance_id: r.try_get("instance_id")?,
        month: r.try_get("month")?,
        received_at: r.try_get("received_at")?,
        due_at: r.try_get("due_at")?,
    })
}

fn decode_document(r: &AnyRow) -> Result<CaseDocumentRecord, Error> {
    Ok(CaseDocumentRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        media_type: r.try_get("media_type")?,
        text: r.try_get("text")?,
        dedup_key: r.try_get("dedup_key")?,
        created_at: r.try_get("created_at")?,
    })
}

fn decode_message(r: &AnyRow) -> Result<CaseMessageRecord, Error> {
    Ok(CaseMessageRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        sender: r.try_get("sender")?,
        author: r.try_get("author")?,
        body: r.try_get("body")?,
        dedup_key: r.try_get("dedup_key")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Tx {
    /// Marks a draft submitted; [`Error::Conflict`] if it is not a draft any more (a
    /// second submission), [`Error::NotFound`] if there is no such application.
    pub async fn mark_submitted(
        &mut self,
        application_id: &str,
        auth_ref: &str,
        now: i64,
    ) -> Result<ApplicationRecord, Error> {
        let done = sqlx::query(
            "UPDATE applications SET state = 'submitted', submitted_at = $1, updated_at = $1, auth_ref = $2 WHERE id = $3 AND state = 'draft'",
        )
        .bind(now)
        .bind(auth_ref.to_owned())
        .bind(application_id.to_owned())
        .execute(&mut *self.inner)
        .await;
        let done = match done {
            Ok(done) => done,
            Err(e) if crate::auth::is_unique_violation(&e) => {
                return Err(Error::Conflict(
                    "an application for this month has already been submitted".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(application_id.to_owned())
            .fetch_optional(&mut *self.inner)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "application",
                id: application_id.to_owned(),
            })?;
        if done.rows_affected() != 1 {
            return Err(Error::Conflict(format!(
                "application {application_id} is already submitted"
            )));
        }
        decode_application(&row, 0)
    }

    /// The next number in the series `prefix`/`year` (1, 2, …), taken in this transaction.
    pub async fn next_case_number(&mut self, prefix: &str, year: i32) -> Result<i64, Error> {
        let row = sqlx::query(
            "INSERT INTO case_numbers (prefix, year, last) VALUES ($1, $2, 1) \
             ON CONFLICT (prefix, year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last",
        )
        .bind(prefix.to_owned())
        .bind(i64::from(year))
        .fetch_one(&mut *self.inner)
        .await?;
        Ok(row.try_get("last")?)
    }

    /// Stores a new case.
    pub async fn insert_case(&mut self, c: &CaseRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO cases (id, case_number, kind, applicant, applicant_name, application_id, instance_id, month, received_at, due_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(c.id.clone())
        .bind(c.case_number.clone())
        .bind(c.kind.clone())
        .bind(c.applicant.clone())
        .bind(c.applicant_name.clone())
        .bind(c.application_id.clone())
        .bind(c.instance_id.clone())
        .bind(c.month.clone())
        .bind(c.received_at)
        .bind(c.due_at)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }
}

impl Store {
    // ---- citizen sessions ---------------------------------------------------------------

    /// Stores a new citizen session.
    pub async fn create_citizen_session(&self, s: &CitizenSessionRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO citizen_sessions (id_hash, subject, name, idp, auth_ref, created_at, expires_at, ended_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(s.id_hash.clone())
        .bind(s.subject.clone())
        .bind(s.name.clone())
        .bind(s.idp.clone())
        .bind(s.auth_ref.clone())
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.ended_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The live session with this id hash at `now`, if any.
    pub async fn citizen_session(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<CitizenSessionRecord>, Error> {
        let row = sqlx::query(
            "SELECT id_hash, subject, name, idp, auth_ref, created_at, expires_at, ended_at FROM citizen_sessions \
             WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > $2",
        )
        .bind(id_hash.to_owned())
        .bind(now)
        .read_optional(self.reads())
        .await?;
        row.map(|r| decode_citizen_session(&r)).transpose()
    }

    /// As [`Store::citizen_session`], with the application `application_id` read in the
    /// same statement if it is the session's person's own (`None` if it is not, or there is
    /// none): a signed-in page about one application costs one round trip, and on a SQLite
    /// file none at all (read on the calling thread, [`crate::inline`]).
    pub async fn citizen_session_with_application(
        &self,
        id_hash: &str,
        now: i64,
        application_id: &str,
    ) -> Result<Option<(CitizenSessionRecord, Option<ApplicationRecord>)>, Error> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let application: Vec<String> = APPLICATION_COLUMNS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect();
            format!(
                "SELECT s.id_hash AS s_id_hash, s.subject AS s_subject, s.name AS s_name, s.idp AS s_idp, \
                 s.auth_ref AS s_auth_ref, s.created_at AS s_created_at, s.expires_at AS s_expires_at, \
                 s.ended_at AS s_ended_at, {} \
                 FROM citizen_sessions s LEFT JOIN applications a ON a.id = $3 AND a.applicant = s.subject \
                 WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2",
                application.join(", ")
            )
        });
        if let Some(inline) = self.inline() {
            return inline
                .read(|c| {
                    let mut statement = c.prepare_cached(&SQL)?;
                    let mut rows = statement.query(rusqlite::named_params! {
                        "$1": id_hash, "$2": now, "$3": application_id,
                    })?;
                    Ok(rows.next()?.map(decode_session_with_application))
                })?
                .transpose();
        }
        let Some(r) = sqlx::query(AssertSqlSafe(SQL.as_str()))
            .bind(id_hash.to_owned())
            .bind(now)
            .bind(application_id.to_owned())
            .read_optional(self.reads())
            .await?
        else {
            return Ok(None);
        };
        decode_session_with_application(&r).map(Some)
    }

    /// Moves a live citizen session's end to `expires_at` (activity); an ended one stays
    /// ended.
    pub async fn extend_citizen_session(
        &self,
        id_hash: &str,
        expires_at: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "UPDATE citizen_sessions SET expires_at = $1 WHERE id_hash = $2 AND ended_at IS NULL AND expires_at < $1",
        )
        .bind(expires_at)
        .bind(id_hash.to_owned())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Ends a citizen session (sign-out).
    pub async fn end_citizen_session(&self, id_hash: &str, now: i64) -> Result<(), Error> {
        sqlx::query(
            "UPDATE citizen_sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(id_hash.to_owned())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Deletes citizen sessions that ended or expired before `before`; returns how many.
    /// An ended session is of no use, and its row holds a personnummer.
    pub async fn delete_old_citizen_sessions(&self, before: i64) -> Result<u64, Error> {
        Ok(
            sqlx::query("DELETE FROM citizen_sessions WHERE expires_at < $1 OR ended_at < $1")
                .bind(before)
                .execute(&self.writer)
                .await?
                .rows_affected(),
        )
    }

    // ---- applications -------------------------------------------------------------------

    /// Creates a draft.
    pub async fn insert_application(&self, a: &ApplicationRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO applications (id, kind, applicant, month, state, answers, auth_ref, created_at, updated_at, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id.clone())
        .bind(a.kind.clone())
        .bind(a.applicant.clone())
        .bind(a.month.clone())
        .bind(a.state.clone())
        .bind(json_text(&a.answers))
        .bind(a.auth_ref.clone())
        .bind(a.created_at)
        .bind(a.updated_at)
        .bind(a.submitted_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Saves a draft's month and answers, if it is still a draft and unchanged since it was read
    /// with `read_at` as its `updated_at`; `Conflict` otherwise (submitted, or saved by
    /// another request meanwhile: read it again). `updated_at` only grows, even for two
    /// saves in one millisecond, so it serves as the draft's version.
    pub async fn save_draft(
        &self,
        id: &str,
        month: &str,
        answers: &Value,
        now: i64,
        read_at: i64,
    ) -> Result<(), Error> {
        let done = sqlx::query(
            "UPDATE applications SET month = $1, answers = $2, \
             updated_at = CASE WHEN $3 > updated_at THEN $3 ELSE updated_at + 1 END \
             WHERE id = $4 AND state = 'draft' AND updated_at = $5",
        )
        .bind(month.to_owned())
        .bind(json_text(answers))
        .bind(now)
        .bind(id.to_owned())
        .bind(read_at)
        .execute(&self.writer)
        .await?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(Error::Conflict(format!(
                "application {id} is not a draft, or changed since it was read"
            )))
        }
    }

    /// The application with this id.
    pub async fn application(&self, id: &str) -> Result<Option<ApplicationRecord>, Error> {
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_owned())
            .read_optional(self.reads())
            .await?
            .as_ref()
            .map(|r| decode_application(r, 0))
            .transpose()
    }

    /// A person's applications, newest first.
    pub async fn applications_of(&self, applicant: &str) -> Result<Vec<ApplicationRecord>, Error> {
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE applicant = $1 ORDER BY created_at DESC, id DESC"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(applicant.to_owned())
            .read_all(self.reads())
            .await?
            .iter()
            .map(|r| decode_application(r, 0))
            .collect()
    }

    // ---- cases --------------------------------------------------------------------------

    /// The case with this id.
    pub async fn case(&self, id: &str) -> Result<Option<CaseRecord>, Error> {
        self.case_where("id", id).await
    }

    /// The case an application became.
    pub async fn case_of_application(
        &self,
        application_id: &str,
    ) -> Result<Option<CaseRecord>, Error> {
        self.case_where("application_id", application_id).await
    }

    /// The case carried by a process instance.
    pub async fn case_of_instance(&self, instance_id: &str) -> Result<Option<CaseRecord>, Error> {
        self.case_where("instance_id", instance_id).await
    }

    async fn case_where(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<CaseRecord>, Error> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE {column} = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(value.to_owned())
            .read_optional(self.reads())
            .await?
            .as_ref()
            .map(decode_case)
            .transpose()
    }

    /// A person's cases, newest first.
    pub async fn cases_of(&self, applicant: &str) -> Result<Vec<CaseRecord>, Error> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE applicant = $1 ORDER BY received_at DESC, id DESC"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(applicant.to_owned())
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_case)
            .collect()
    }

    /// Cases whose process instance is still active, earliest due first (the inbox).
    pub async fn open_cases(&self, limit: i64) -> Result<Vec<CaseRecord>, Error> {
        let columns = CASE_COLUMNS
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM cases c JOIN instances i ON i.id = c.instance_id \
             WHERE i.state = 'active' ORDER BY c.due_at, c.id LIMIT $1"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(limit)
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_case)
            .collect()
    }

    // ---- journal, read log --------------------------------------------------------------

    /// Adds a journal note.
    pub async fn add_case_note(&self, n: &CaseNoteRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO case_notes (id, case_id, author, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(n.id.clone())
        .bind(n.case_id.clone())
        .bind(n.author.clone())
        .bind(n.body.clone())
        .bind(n.created_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A case's journal, oldest first.
    pub async fn case_notes(&self, case_id: &str) -> Result<Vec<CaseNoteRecord>, Error> {
        sqlx::query(
            "SELECT id, case_id, author, body, created_at FROM case_notes WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case_id.to_owned())
        .read_all(self.reads())
        .await?
        .iter()
        .map(|r| {
            Ok(CaseNoteRecord {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                author: r.try_get("author")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
    }

    /// Logs a read of a case.
    pub async fn log_case_read(&self, r: &CaseReadRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO case_reads (id, case_id, reader, what, read_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.id.clone())
        .bind(r.case_id.clone())
        .bind(r.reader.clone())
        .bind(r.what.clone())
        .bind(r.read_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Who read a case, newest first.
    pub async fn case_reads(&self, case_id: &str) -> Result<Vec<CaseReadRecord>, Error> {
        sqlx::query(
            "SELECT id, case_id, reader, what, read_at FROM case_reads WHERE case_id = $1 ORDER BY read_at DESC, id DESC",
        )
        .bind(case_id.to_owned())
        .read_all(self.reads())
        .await?
        .iter()
        .map(|r| {
            Ok(CaseReadRecord {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                reader: r.try_get("reader")?,
                what: r.try_get("what")?,
                read_at: r.try_get("read_at")?,
            })
        })
        .collect()
    }

    // ---- documents ----------------------------------------------------------------------

    /// Stores a document unless one with the same `dedup_key` exists (a retried worker);
    /// returns the stored one either way.
    pub async fn insert_case_document(
        &self,
        d: &CaseDocumentRecord,
        content: &[u8],
    ) -> Result<CaseDocumentRecord, Error> {
        sqlx::query(
            "INSERT INTO case_documents (id, case_id, kind, title, media_type, content, text, dedup_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedup_key) DO NOTHING",
        )
        .bind(d.id.clone())
        .bind(d.case_id.clone())
        .bind(d.kind.clone())
        .bind(d.title.clone())
        .bind(d.media_type.clone())
        .bind(content.to_vec())
        .bind(d.text.clone())
        .bind(d.dedup_key.clone())
        .bind(d.created_at)
        .execute(&self.writer)
        .await?;
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM case_documents WHERE dedup_key = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(d.dedup_key.clone())
            .fetch_one(&self.writer)
            .await?;
        decode_document(&row)
    }

    /// A case's documents, oldest first.
    pub async fn case_documents(&self, case_id: &str) -> Result<Vec<CaseDocumentRecord>, Error> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM case_documents WHERE case_id = $1 ORDER BY created_at, id"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(case_id.to_owned())
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_document)
            .collect()
    }

    /// A document with its content.
    pub async fn case_document(
        &self,
        id: &str,
    ) -> Result<Option<(CaseDocumentRecord, Vec<u8>)>, Error> {
        let sql = format!("SELECT {DOCUMENT_COLUMNS}, content FROM case_documents WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_owned())
            .read_optional(self.reads())
            .await?;
        row.map(|r| Ok((decode_document(&r)?, r.try_get::<Vec<u8>, _>("content")?)))
            .transpose()
    }

    // ---- messages -----------------------------------------------------------------------

    /// Adds a message unless one with the same `dedup_key` exists.
    pub async fn add_case_message(&self, m: &CaseMessageRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO case_messages (id, case_id, sender, author, body, dedup_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedup_key) DO NOTHING",
        )
        .bind(m.id.clone())
        .bind(m.case_id.clone())
        .bind(m.sender.clone())
        .bind(m.author.clone())
        .bind(m.body.clone())
        .bind(m.dedup_key.clone())
        .bind(m.created_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A case's messages, oldest first.
    pub async fn case_messages(&self, case_id: &str) -> Result<Vec<CaseMessageRecord>, Error> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM case_messages WHERE case_id = $1 ORDER BY created_at, id"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(case_id.to_owned())
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_message)
            .collect()
    }
}
