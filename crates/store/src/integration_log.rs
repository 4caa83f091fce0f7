//! The log of calls to external sources (SSBTEK): who asked, for which case, why, under
//! which provision, which sources, when, and how it went. Rows are only ever inserted.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::reads::Read as _;
use crate::{Error, Page, Store};

/// One logged SSBTEK call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsbtekRequestRecord {
    /// Id (UUID).
    pub id: String,
    /// When the call started (Unix ms).
    pub requested_at: i64,
    /// When it ended, answered or not (Unix ms).
    pub finished_at: i64,
    /// The handläggare account, or `system:<worker>` for automated calls.
    pub actor: String,
    /// The case (`arendeidentitet`).
    pub arende_id: String,
    /// The personidentitet asked about.
    pub person: String,
    /// Purpose (`syfte`).
    pub syfte: String,
    /// The sekretessbrytande provision (`lagtext`).
    pub lagtext: String,
    /// Sources asked, e.g. `["AF", "FK"]`.
    pub sources: Vec<String>,
    /// The korrelationsid sent.
    pub korrelationsid: String,
    /// `ok`, `partial` (some sources answered with an error) or `error`.
    pub outcome: String,
    /// What went wrong, when not `ok`.
    pub error: Option<String>,
    /// HTTP attempts made.
    pub attempts: i64,
}

const COLUMNS: &str = "id, requested_at, finished_at, actor, arende_id, person, syfte, lagtext, sources, korrelationsid, outcome, error, attempts";

impl Store {
    /// Appends one row to the SSBTEK request log.
    pub async fn insert_ssbtek_request(&self, r: &SsbtekRequestRecord) -> Result<(), Error> {
        let sources = serde_json::to_string(&r.sources).map_err(|source| Error::Corrupt {
            what: "ssbtek_requests.sources",
            source,
        })?;
        sqlx::query(
            "INSERT INTO ssbtek_requests (id, requested_at, finished_at, actor, arende_id, person, syfte, lagtext, sources, korrelationsid, outcome, error, attempts) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&r.id)
        .bind(r.requested_at)
        .bind(r.finished_at)
        .bind(&r.actor)
        .bind(&r.arende_id)
        .bind(&r.person)
        .bind(&r.syfte)
        .bind(&r.lagtext)
        .bind(sources)
        .bind(&r.korrelationsid)
        .bind(&r.outcome)
        .bind(r.error.as_deref())
        .bind(r.attempts)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Logged SSBTEK calls, newest first; only one case's when `arende_id` is given.
    pub async fn ssbtek_requests(
        &self,
        arende_id: Option<&str>,
        page: Page,
    ) -> Result<Vec<SsbtekRequestRecord>, Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM ssbtek_requests WHERE ($1 = '' OR arende_id = $1) \
             ORDER BY requested_at DESC, id DESC LIMIT $2 OFFSET $3"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(arende_id.unwrap_or_default())
            .bind(page.limit)
            .bind(page.offset)
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode)
            .collect()
    }
}

fn decode(r: &AnyRow) -> Result<SsbtekRequestRecord, Error> {
    let sources: String = r.try_get("sources")?;
    Ok(SsbtekRequestRecord {
        id: r.try_get("id")?,
        requested_at: r.try_get("requested_at")?,
        finished_at: r.try_get("finished_at")?,
        actor: r.try_get("actor")?,
        arende_id: r.try_get("arende_id")?,
        person: r.try_get("person")?,
        syfte: r.try_get("syfte")?,
        lagtext: r.try_get("lagtext")?,
        sources: serde_json::from_str(&sources).map_err(|source| Error::Corrupt {
            what: "ssbtek_requests.sources",
            source,
        })?,
        korrelationsid: r.try_get("korrelationsid")?,
        outcome: r.try_get("outcome")?,
        error: r.try_get("error")?,
        attempts: r.try_get("attempts")?,
    })
}
