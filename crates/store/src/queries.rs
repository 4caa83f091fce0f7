//! Read models for the admin pages and the JSON API. Outside write transactions: on SQLite
//! they read from WAL snapshots beside the writer.

use sqlx::{AssertSqlSafe, Row};

use crate::jobs::{JOB_COLUMNS, decode_job};
use crate::reads::Read as _;
use crate::records::*;
use crate::tx::{
    INCIDENT_COLUMNS, INSTANCE_COLUMNS, USER_TASK_COLUMNS, decode_definition, decode_history,
    decode_incident, decode_instance, decode_token, decode_user_task, load_variables,
};
use crate::{Error, Store};

/// Paging: newest first.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// Rows to return.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            limit: 50,
            offset: 0,
        }
    }
}

/// Which instances to list.
#[derive(Debug, Clone, Default)]
pub struct InstanceFilter {
    /// Only this process key.
    pub process_key: Option<String>,
    /// Only this state.
    pub state: Option<InstanceState>,
    /// Only this business key.
    pub business_key: Option<String>,
}

/// An instance row for lists.
pub type InstanceSummary = InstanceRecord;
/// A job row for lists.
pub type JobSummary = JobRecord;

/// Counts for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Deployed definition versions.
    pub definitions: i64,
    /// Active instances.
    pub active_instances: i64,
    /// Ended instances.
    pub ended_instances: i64,
    /// Open user tasks.
    pub open_user_tasks: i64,
    /// Jobs ready or leased.
    pub pending_jobs: i64,
    /// Open incidents.
    pub open_incidents: i64,
}

impl Store {
    /// All definition versions, newest first.
    pub async fn definitions(&self) -> Result<Vec<DefinitionRecord>, Error> {
        sqlx::query(
            "SELECT id, kind, key, version, name, resource_name, source, hash, deployed_at FROM definitions ORDER BY key, version DESC",
        )
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_definition)
        .collect()
    }

    /// A definition version by id.
    pub async fn definition(&self, id: &str) -> Result<DefinitionRecord, Error> {
        let row = sqlx::query(
            "SELECT id, kind, key, version, name, resource_name, source, hash, deployed_at FROM definitions WHERE id = $1",
        )
        .bind(id)
        .read_optional(self.reads())
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "definition",
            id: id.to_owned(),
        })?;
        decode_definition(&row)
    }

    /// Instances, newest first.
    pub async fn instances(
        &self,
        filter: &InstanceFilter,
        page: Page,
    ) -> Result<Vec<InstanceSummary>, Error> {
        // Empty strings switch a condition off, keeping one static statement per backend.
        let sql = format!(
            "SELECT {INSTANCE_COLUMNS} FROM instances \
             WHERE ($1 = '' OR process_key = $1) AND ($2 = '' OR state = $2) AND ($3 = '' OR business_key = $3) \
             ORDER BY started_at DESC, id DESC LIMIT $4 OFFSET $5"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(filter.process_key.clone().unwrap_or_default())
            .bind(filter.state.map(|s| s.as_str()).unwrap_or_default())
            .bind(filter.business_key.clone().unwrap_or_default())
            .bind(page.limit)
            .bind(page.offset)
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_instance)
            .collect()
    }

    /// One instance.
    pub async fn instance(&self, id: &str) -> Result<InstanceRecord, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = $1"
        )))
        .bind(id)
        .read_optional(self.reads())
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "instance",
            id: id.to_owned(),
        })?;
        decode_instance(&row)
    }

    /// An instance's activity history, in start order.
    pub async fn history(&self, instance_id: &str) -> Result<Vec<HistoryRecord>, Error> {
        sqlx::query(
            "SELECT token, node_id, node_type, state, started_at, ended_at, end_seq FROM history WHERE instance_id = $1 ORDER BY token",
        )
        .bind(instance_id)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_history)
        .collect()
    }

    /// An instance's live tokens.
    pub async fn tokens(&self, instance_id: &str) -> Result<Vec<TokenRecord>, Error> {
        sqlx::query("SELECT key, parent, node_id, state, data FROM tokens WHERE instance_id = $1 ORDER BY key")
            .bind(instance_id)
            .read_all(self.reads())
            .await?
            .iter()
            .map(decode_token)
            .collect()
    }

    /// An instance's variables, every scope.
    pub async fn variables(&self, instance_id: &str) -> Result<Vec<VariableRecord>, Error> {
        let mut lent = self.reads().lend().await?;
        let variables = load_variables(lent.connection(), instance_id).await?;
        lent.give_back();
        Ok(variables)
    }

    /// User tasks in a state (`created` = open), by due date then age.
    pub async fn user_tasks(&self, state: &str, page: Page) -> Result<Vec<UserTaskRecord>, Error> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_TASK_COLUMNS} FROM user_tasks WHERE state = $1 \
             ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, created_at LIMIT $2 OFFSET $3"
        )))
        .bind(state)
        .bind(page.limit)
        .bind(page.offset)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_user_task)
        .collect()
    }

    /// User tasks of one instance.
    pub async fn user_tasks_of(&self, instance_id: &str) -> Result<Vec<UserTaskRecord>, Error> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_TASK_COLUMNS} FROM user_tasks WHERE instance_id = $1 ORDER BY created_at"
        )))
        .bind(instance_id)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_user_task)
        .collect()
    }

    /// Jobs in a state (empty = any), oldest due first.
    pub async fn jobs(&self, state: &str, page: Page) -> Result<Vec<JobSummary>, Error> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE ($1 = '' OR state = $1) ORDER BY due_at, id LIMIT $2 OFFSET $3"
        )))
        .bind(state)
        .bind(page.limit)
        .bind(page.offset)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_job)
        .collect()
    }

    /// Jobs of one instance.
    pub async fn jobs_of(&self, instance_id: &str) -> Result<Vec<JobSummary>, Error> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE instance_id = $1 ORDER BY created_at, id"
        )))
        .bind(instance_id)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_job)
        .collect()
    }

    /// One job.
    pub async fn job(&self, id: &str) -> Result<JobRecord, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"
        )))
        .bind(id)
        .read_optional(self.reads())
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "job",
            id: id.to_owned(),
        })?;
        decode_job(&row)
    }

    /// Incidents in a state (`open`/`resolved`, empty = any), newest first.
    pub async fn incidents(&self, state: &str, page: Page) -> Result<Vec<IncidentRecord>, Error> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE ($1 = '' OR state = $1) ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
        )))
        .bind(state)
        .bind(page.limit)
        .bind(page.offset)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_incident)
        .collect()
    }

    /// Incidents of one instance.
    pub async fn incidents_of(&self, instance_id: &str) -> Result<Vec<IncidentRecord>, Error> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE instance_id = $1 ORDER BY created_at"
        )))
        .bind(instance_id)
        .read_all(self.reads())
        .await?
        .iter()
        .map(decode_incident)
        .collect()
    }

    /// Activity counts per node and state for one definition version: the heat overlay.
    pub async fn activity_counts(
        &self,
        definition_id: &str,
    ) -> Result<Vec<(String, String, i64)>, Error> {
        sqlx::query(
            "SELECT h.node_id, h.state, COUNT(*) AS n FROM history h JOIN instances i ON i.id = h.instance_id \
             WHERE i.definition_id = $1 GROUP BY h.node_id, h.state ORDER BY h.node_id, h.state",
        )
        .bind(definition_id)
        .read_all(self.reads())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("node_id")?, r.try_get("state")?, r.try_get("n")?)))
        .collect()
    }

    /// Dashboard counts.
    pub async fn stats(&self) -> Result<Stats, Error> {
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM definitions) AS definitions, \
               (SELECT COUNT(*) FROM instances WHERE state = 'active') AS active_instances, \
               (SELECT COUNT(*) FROM instances WHERE state <> 'active') AS ended_instances, \
               (SELECT COUNT(*) FROM user_tasks WHERE state = 'created') AS open_user_tasks, \
               (SELECT COUNT(*) FROM jobs WHERE state IN ('ready', 'active')) AS pending_jobs, \
               (SELECT COUNT(*) FROM incidents WHERE state = 'open') AS open_incidents",
        )
        .read_one(self.reads())
        .await?;
        Ok(Stats {
            definitions: row.try_get("definitions")?,
            active_instances: row.try_get("active_instances")?,
            ended_instances: row.try_get("ended_instances")?,
            open_user_tasks: row.try_get("open_user_tasks")?,
            pending_jobs: row.try_get("pending_jobs")?,
            open_incidents: row.try_get("open_incidents")?,
        })
    }

    /// How many definition versions exist: definitions are never changed or deleted, so a
    /// changed count means another node deployed something.
    pub async fn definition_count(&self) -> Result<i64, Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM definitions")
            .read_one(self.reads())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Is the database answering?
    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").read_execute(self.reads()).await?;
        Ok(())
    }
}
