//! Write transactions: definitions, instance state, and the records a run creates.

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::records::*;
use crate::sql::{CHUNK, multi_insert, placeholders};
use crate::{Backend, Error};

/// A write transaction. Dropping it without [`Tx::commit`] rolls back.
pub struct Tx {
    pub(crate) inner: Transaction<'static, Any>,
    pub(crate) backend: Backend,
    /// Job types to announce (PostgreSQL NOTIFY) once committed.
    pub(crate) notify: std::collections::BTreeSet<String>,
    /// Where to send them: outside the transaction, so that commits do not queue on the
    /// notification lock.
    pub(crate) pool: sqlx::AnyPool,
}

pub(crate) fn json_text(value: &Value) -> String {
    // Serialising a serde_json::Value cannot fail.
    value.to_string()
}

pub(crate) fn parse_json(what: &'static str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|source| Error::Corrupt { what, source })
}

impl Tx {
    pub(crate) fn new(
        inner: Transaction<'static, Any>,
        backend: Backend,
        pool: sqlx::AnyPool,
    ) -> Self {
        Self {
            inner,
            backend,
            notify: std::collections::BTreeSet::new(),
            pool,
        }
    }

    /// Commits, then wakes workers on every node for the job types it created.
    pub async fn commit(self) -> Result<(), Error> {
        self.inner.commit().await?;
        for job_type in &self.notify {
            // Best effort: a missed wake-up only delays a worker until its next poll.
            if let Err(e) = sqlx::query("SELECT pg_notify('flode_jobs', $1)")
                .bind(job_type)
                .execute(&self.pool)
                .await
            {
                tracing::warn!(error = %e, "job notification failed");
            }
        }
        Ok(())
    }

    /// The backend this transaction runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    // ---- definitions ------------------------------------------------------------------

    /// Stores a new definition version.
    pub async fn insert_definition(&mut self, d: &DefinitionRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO definitions (id, kind, key, version, name, resource_name, source, hash, deployed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&d.id)
        .bind(d.kind.as_str())
        .bind(&d.key)
        .bind(d.version)
        .bind(&d.name)
        .bind(&d.resource_name)
        .bind(&d.source)
        .bind(&d.hash)
        .bind(d.deployed_at)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// How many definition versions exist: definitions are never changed or deleted, so a
    /// changed count means another node deployed something.
    pub async fn definition_count(&mut self) -> Result<i64, Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM definitions")
            .fetch_one(&mut *self.inner)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The newest version of a key, if any.
    pub async fn latest_definition(
        &mut self,
        kind: DefinitionKind,
        key: &str,
    ) -> Result<Option<DefinitionRecord>, Error> {
        let row = sqlx::query(
            "SELECT id, kind, key, version, name, resource_name, source, hash, deployed_at \
             FROM definitions WHERE kind = $1 AND key = $2 ORDER BY version DESC LIMIT 1",
        )
        .bind(kind.as_str())
        .bind(key)
        .fetch_optional(&mut *self.inner)
        .await?;
        row.as_ref().map(decode_definition).transpose()
    }

    // ---- instances --------------------------------------------------------------------

    /// Loads an instance with its tokens and variables, locking it against concurrent
    /// writers (PostgreSQL `FOR UPDATE`; SQLite has one writer already).
    pub async fn load_instance(&mut self, id: &str) -> Result<InstanceSnapshot, Error> {
        let sql = match self.backend {
            Backend::Postgres => {
                "SELECT id, definition_id, process_key, business_key, state, parent_instance_id, parent_token, next_token, revision, started_at, ended_at FROM instances WHERE id = $1 FOR UPDATE"
            }
            Backend::Sqlite => {
                "SELECT id, definition_id, process_key, business_key, state, parent_instance_id, parent_token, next_token, revision, started_at, ended_at FROM instances WHERE id = $1"
            }
        };
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(&mut *self.inner)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "instance",
                id: id.to_owned(),
            })?;
        let instance = decode_instance(&row)?;
        let tokens = sqlx::query(
            "SELECT key, parent, node_id, state, data FROM tokens WHERE instance_id = $1 ORDER BY key",
        )
        .bind(id)
        .fetch_all(&mut *self.inner)
        .await?
        .iter()
        .map(decode_token)
        .collect::<Result<Vec<_>, Error>>()?;
        let variables = load_variables(&mut *self.inner, id).await?;
        let subscriptions = sqlx::query(
            "SELECT id, instance_id, token, node_id, kind, name, correlation_key, created_at FROM subscriptions WHERE instance_id = $1 ORDER BY created_at, id",
        )
        .bind(id)
        .fetch_all(&mut *self.inner)
        .await?
        .iter()
        .map(decode_subscription)
        .collect::<Result<Vec<_>, Error>>()?;
        Ok(InstanceSnapshot {
            instance,
            tokens,
            variables,
            subscriptions,
        })
    }

    /// Persists a run: the instance row (inserted when `is_new`, else updated under its
    /// previous revision) and every change in `write`.
    pub async fn apply(
        &mut self,
        instance: &InstanceRecord,
        is_new: bool,
        write: &InstanceWrite,
    ) -> Result<(), Error> {
        if is_new {
            return self.insert_new(&[(instance, write)]).await;
        }
        let i = instance;
        let done = sqlx::query(
            "UPDATE instances SET state = $1, next_token = $2, revision = $3, ended_at = $4 WHERE id = $5 AND revision = $6",
        )
        .bind(i.state.as_str())
        .bind(i.next_token)
        .bind(i.revision)
        .bind(i.ended_at)
        .bind(&i.id)
        .bind(i.revision - 1)
        .execute(&mut *self.inner)
        .await?;
        if done.rows_affected() != 1 {
            return Err(Error::Conflict(format!(
                "instance {} changed concurrently",
                i.id
            )));
        }
        self.apply_tokens(&i.id, write).await?;
        self.apply_variables(&i.id, write).await?;
        self.apply_history(&i.id, write).await?;
        self.apply_tasks_and_jobs(&i.id, write).await?;
        Ok(())
    }

    /// Writes brand-new instances with what their first runs created, using one multi-row
    /// INSERT per table for the whole batch (group commit of concurrent starts).
    pub async fn insert_new(
        &mut self,
        batch: &[(&InstanceRecord, &InstanceWrite)],
    ) -> Result<(), Error> {
        for chunk in batch.chunks(CHUNK) {
            let sql = multi_insert(
                "instances",
                &[
                    "id",
                    "definition_id",
                    "process_key",
                    "business_key",
                    "state",
                    "parent_instance_id",
                    "parent_token",
                    "next_token",
                    "revision",
                    "started_at",
                    "ended_at",
                ],
                chunk.len(),
                "",
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (i, _) in chunk {
                q = q
                    .bind(&i.id)
                    .bind(&i.definition_id)
                    .bind(&i.process_key)
                    .bind(&i.business_key)
                    .bind(i.state.as_str())
                    .bind(&i.parent_instance_id)
                    .bind(i.parent_token)
                    .bind(i.next_token)
                    .bind(i.revision)
                    .bind(i.started_at)
                    .bind(i.ended_at);
            }
            q.execute(&mut *self.inner).await?;
        }
        let variables: Vec<(&str, &VariableRecord)> = batch
            .iter()
            .flat_map(|(i, w)| w.variables_upsert.iter().map(move |v| (i.id.as_str(), v)))
            .collect();
        self.upsert_variables(&variables).await?;
        let history: Vec<(&str, &HistoryRecord)> = batch
            .iter()
            .flat_map(|(i, w)| w.history_insert.iter().map(move |h| (i.id.as_str(), h)))
            .collect();
        self.insert_history(&history).await?;
        for (i, w) in batch {
            // Nothing of a new instance was stored before: no deletes, no history ends.
            self.apply_tokens(&i.id, w).await?;
            self.apply_tasks_and_jobs(&i.id, w).await?;
        }
        Ok(())
    }

    async fn apply_tokens(&mut self, instance_id: &str, w: &InstanceWrite) -> Result<(), Error> {
        for chunk in w.tokens_delete.chunks(CHUNK) {
            let sql = format!(
                "DELETE FROM tokens WHERE instance_id = $1 AND key IN ({})",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(instance_id);
            for key in chunk {
                q = q.bind(*key);
            }
            q.execute(&mut *self.inner).await?;
        }
        for chunk in w.tokens_upsert.chunks(CHUNK) {
            let sql = multi_insert(
                "tokens",
                &["instance_id", "key", "parent", "node_id", "state", "data"],
                chunk.len(),
                "ON CONFLICT (instance_id, key) DO UPDATE SET parent = excluded.parent, node_id = excluded.node_id, state = excluded.state, data = excluded.data",
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for t in chunk {
                q = q
                    .bind(instance_id)
                    .bind(t.key)
                    .bind(t.parent)
                    .bind(&t.node_id)
                    .bind(&t.state)
                    .bind(json_text(&t.data));
            }
            q.execute(&mut *self.inner).await?;
        }
        Ok(())
    }

    async fn apply_variables(&mut self, instance_id: &str, w: &InstanceWrite) -> Result<(), Error> {
        for chunk in w.scopes_delete.chunks(CHUNK) {
            let sql = format!(
                "DELETE FROM variables WHERE instance_id = $1 AND scope IN ({})",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(instance_id);
            for scope in chunk {
                q = q.bind(*scope);
            }
            q.execute(&mut *self.inner).await?;
        }
        let rows: Vec<(&str, &VariableRecord)> = w
            .variables_upsert
            .iter()
            .map(|v| (instance_id, v))
            .collect();
        self.upsert_variables(&rows).await
    }

    async fn upsert_variables(&mut self, rows: &[(&str, &VariableRecord)]) -> Result<(), Error> {
        for chunk in rows.chunks(CHUNK) {
            let sql = multi_insert(
                "variables",
                &["instance_id", "scope", "name", "value"],
                chunk.len(),
                "ON CONFLICT (instance_id, scope, name) DO UPDATE SET value = excluded.value",
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (instance_id, v) in chunk {
                q = q
                    .bind(*instance_id)
                    .bind(v.scope)
                    .bind(&v.name)
                    .bind(json_text(&v.value));
            }
            q.execute(&mut *self.inner).await?;
        }
        Ok(())
    }

    async fn apply_history(&mut self, instance_id: &str, w: &InstanceWrite) -> Result<(), Error> {
        let rows: Vec<(&str, &HistoryRecord)> =
            w.history_insert.iter().map(|h| (instance_id, h)).collect();
        self.insert_history(&rows).await?;
        for h in &w.history_end {
            sqlx::query(
                "UPDATE history SET state = $1, ended_at = $2, end_seq = $3 WHERE instance_id = $4 AND token = $5",
            )
            .bind(&h.state)
            .bind(h.ended_at)
            .bind(h.end_seq)
            .bind(instance_id)
            .bind(h.token)
            .execute(&mut *self.inner)
            .await?;
        }
        Ok(())
    }

    async fn insert_history(&mut self, rows: &[(&str, &HistoryRecord)]) -> Result<(), Error> {
        for chunk in rows.chunks(CHUNK) {
            let sql = multi_insert(
                "history",
                &[
                    "instance_id",
                    "token",
                    "node_id",
                    "node_type",
                    "state",
                    "started_at",
                    "ended_at",
                    "end_seq",
                ],
                chunk.len(),
                "",
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (instance_id, h) in chunk {
                q = q
                    .bind(*instance_id)
                    .bind(h.token)
                    .bind(&h.node_id)
                    .bind(&h.node_type)
                    .bind(&h.state)
                    .bind(h.started_at)
                    .bind(h.ended_at)
                    .bind(h.end_seq);
            }
            q.execute(&mut *self.inner).await?;
        }
        Ok(())
    }

    async fn apply_tasks_and_jobs(
        &mut self,
        instance_id: &str,
        w: &InstanceWrite,
    ) -> Result<(), Error> {
        for t in &w.user_tasks_insert {
            sqlx::query(
                "INSERT INTO user_tasks (id, instance_id, token, node_id, name, assignee, candidate_groups, form_key, due_at, state, created_at, ended_at, completed_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(&t.id)
            .bind(&t.instance_id)
            .bind(t.token)
            .bind(&t.node_id)
            .bind(&t.name)
            .bind(&t.assignee)
            .bind(&t.candidate_groups)
            .bind(&t.form_key)
            .bind(t.due_at)
            .bind(&t.state)
            .bind(t.created_at)
            .bind(t.ended_at)
            .bind(&t.completed_by)
            .execute(&mut *self.inner)
            .await?;
        }
        let now = w
            .history_end
            .iter()
            .chain(&w.history_insert)
            .filter_map(|h| h.ended_at)
            .max()
            .unwrap_or_default();
        for (token, state, by) in &w.user_tasks_end {
            sqlx::query(
                "UPDATE user_tasks SET state = $1, completed_by = $2, ended_at = $3 WHERE instance_id = $4 AND token = $5 AND state = 'created'",
            )
            .bind(state)
            .bind(by)
            .bind(now)
            .bind(instance_id)
            .bind(*token)
            .execute(&mut *self.inner)
            .await?;
        }
        for token in &w.jobs_cancel {
            sqlx::query(
                "UPDATE jobs SET state = 'canceled', lease_owner = NULL, lease_until = NULL, updated_at = $1 \
                 WHERE instance_id = $2 AND token = $3 AND state IN ('ready', 'active', 'failed')",
            )
            .bind(now)
            .bind(instance_id)
            .bind(*token)
            .execute(&mut *self.inner)
            .await?;
        }
        for j in &w.jobs_insert {
            self.insert_job(j).await?;
        }
        for token in &w.subscriptions_delete {
            sqlx::query("DELETE FROM subscriptions WHERE instance_id = $1 AND token = $2")
                .bind(instance_id)
                .bind(*token)
                .execute(&mut *self.inner)
                .await?;
        }
        for s in &w.subscriptions_insert {
            sqlx::query(
                "INSERT INTO subscriptions (id, instance_id, token, node_id, kind, name, correlation_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&s.id)
            .bind(&s.instance_id)
            .bind(s.token)
            .bind(&s.node_id)
            .bind(&s.kind)
            .bind(&s.name)
            .bind(&s.correlation_key)
            .bind(s.created_at)
            .execute(&mut *self.inner)
            .await?;
        }
        for token in &w.incidents_resolve {
            sqlx::query(
                "UPDATE incidents SET state = 'resolved', resolved_at = $1 WHERE instance_id = $2 AND token = $3 AND state = 'open'",
            )
            .bind(now)
            .bind(instance_id)
            .bind(*token)
            .execute(&mut *self.inner)
            .await?;
        }
        for incident in &w.incidents_insert {
            self.insert_incident(incident).await?;
        }
        Ok(())
    }

    /// Raises an incident.
    pub async fn insert_incident(&mut self, i: &IncidentRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO incidents (id, instance_id, token, node_id, job_id, kind, message, state, created_at, resolved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&i.id)
        .bind(&i.instance_id)
        .bind(i.token)
        .bind(&i.node_id)
        .bind(&i.job_id)
        .bind(&i.kind)
        .bind(&i.message)
        .bind(&i.state)
        .bind(i.created_at)
        .bind(i.resolved_at)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Marks an incident resolved; returns it.
    pub async fn resolve_incident(&mut self, id: &str, now: i64) -> Result<IncidentRecord, Error> {
        let row = sqlx::query(
            "UPDATE incidents SET state = 'resolved', resolved_at = $1 WHERE id = $2 AND state = 'open' \
             RETURNING id, instance_id, token, node_id, job_id, kind, message, state, created_at, resolved_at",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *self.inner)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "open incident",
            id: id.to_owned(),
        })?;
        decode_incident(&row)
    }

    /// Active instances called by `parent`'s token `token` (call activities).
    pub async fn child_instances(
        &mut self,
        parent: &str,
        token: i64,
    ) -> Result<Vec<String>, Error> {
        let rows = sqlx::query(
            "SELECT id FROM instances WHERE parent_instance_id = $1 AND parent_token = $2 AND state = 'active'",
        )
        .bind(parent)
        .bind(token)
        .fetch_all(&mut *self.inner)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// A user task by id.
    pub async fn user_task(&mut self, id: &str) -> Result<UserTaskRecord, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_TASK_COLUMNS} FROM user_tasks WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *self.inner)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "user task",
            id: id.to_owned(),
        })?;
        decode_user_task(&row)
    }

    /// Subscriptions a message (`kind` "message": same name and the same correlation key,
    /// `None` matching only subscriptions without a key) or a signal (`kind` "signal": same
    /// name, the key is ignored) reaches, oldest first.
    pub async fn find_subscriptions(
        &mut self,
        kind: &str,
        name: &str,
        correlation_key: Option<&str>,
    ) -> Result<Vec<SubscriptionRecord>, Error> {
        let sql = match (kind, correlation_key) {
            ("message", Some(_)) => {
                "SELECT id, instance_id, token, node_id, kind, name, correlation_key, created_at FROM subscriptions \
                 WHERE kind = $1 AND name = $2 AND correlation_key = $3 ORDER BY created_at, id"
            }
            ("message", None) => {
                "SELECT id, instance_id, token, node_id, kind, name, correlation_key, created_at FROM subscriptions \
                 WHERE kind = $1 AND name = $2 AND correlation_key IS NULL AND $3 = '' ORDER BY created_at, id"
            }
            _ => {
                "SELECT id, instance_id, token, node_id, kind, name, correlation_key, created_at FROM subscriptions \
                 WHERE kind = $1 AND name = $2 AND $3 = $3 ORDER BY created_at, id"
            }
        };
        let rows = sqlx::query(sql)
            .bind(kind)
            .bind(name)
            .bind(correlation_key.unwrap_or(""))
            .fetch_all(&mut *self.inner)
            .await?;
        rows.iter().map(decode_subscription).collect()
    }
}

pub(crate) async fn load_variables<'e, E>(
    executor: E,
    instance_id: &str,
) -> Result<Vec<VariableRecord>, Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query(
        "SELECT scope, name, value FROM variables WHERE instance_id = $1 ORDER BY scope, name",
    )
    .bind(instance_id)
    .fetch_all(executor)
    .await?
    .iter()
    .map(|r| {
        Ok(VariableRecord {
            scope: r.try_get("scope")?,
            name: r.try_get("name")?,
            value: parse_json("variables.value", &r.try_get::<String, _>("value")?)?,
        })
    })
    .collect()
}

pub(crate) const USER_TASK_COLUMNS: &str = "id, instance_id, token, node_id, name, assignee, candidate_groups, form_key, due_at, state, created_at, ended_at, completed_by";
pub(crate) const INSTANCE_COLUMNS: &str = "id, definition_id, process_key, business_key, state, parent_instance_id, parent_token, next_token, revision, started_at, ended_at";
pub(crate) const INCIDENT_COLUMNS: &str =
    "id, instance_id, token, node_id, job_id, kind, message, state, created_at, resolved_at";

pub(crate) fn decode_definition(r: &AnyRow) -> Result<DefinitionRecord, Error> {
    Ok(DefinitionRecord {
        id: r.try_get("id")?,
        kind: if r.try_get::<String, _>("kind")? == "dmn" {
            DefinitionKind::Dmn
        } else {
            DefinitionKind::Bpmn
        },
        key: r.try_get("key")?,
        version: r.try_get("version")?,
        name: r.try_get("name")?,
        resource_name: r.try_get("resource_name")?,
        source: r.try_get("source")?,
        hash: r.try_get("hash")?,
        deployed_at: r.try_get("deployed_at")?,
    })
}

pub(crate) fn decode_instance(r: &AnyRow) -> Result<InstanceRecord, Error> {
    Ok(InstanceRecord {
        id: r.try_get("id")?,
        definition_id: r.try_get("definition_id")?,
        process_key: r.try_get("process_key")?,
        business_key: r.try_get("business_key")?,
        state: InstanceState::parse(&r.try_get::<String, _>("state")?),
        parent_instance_id: r.try_get("parent_instance_id")?,
        parent_token: r.try_get("parent_token")?,
        next_token: r.try_get("next_token")?,
        revision: r.try_get("revision")?,
        started_at: r.try_get("started_at")?,
        ended_at: r.try_get("ended_at")?,
    })
}

pub(crate) fn decode_subscription(r: &AnyRow) -> Result<SubscriptionRecord, Error> {
    Ok(SubscriptionRecord {
        id: r.try_get("id")?,
        instance_id: r.try_get("instance_id")?,
        token: r.try_get("token")?,
        node_id: r.try_get("node_id")?,
        kind: r.try_get("kind")?,
        name: r.try_get("name")?,
        correlation_key: r.try_get("correlation_key")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(crate) fn decode_token(r: &AnyRow) -> Result<TokenRecord, Error> {
    Ok(TokenRecord {
        key: r.try_get("key")?,
        parent: r.try_get("parent")?,
        node_id: r.try_get("node_id")?,
        state: r.try_get("state")?,
        data: parse_json("tokens.data", &r.try_get::<String, _>("data")?)?,
    })
}

pub(crate) fn decode_user_task(r: &AnyRow) -> Result<UserTaskRecord, Error> {
    Ok(UserTaskRecord {
        id: r.try_get("id")?,
        instance_id: r.try_get("instance_id")?,
        token: r.try_get("token")?,
        node_id: r.try_get("node_id")?,
        name: r.try_get("name")?,
        assignee: r.try_get("assignee")?,
        candidate_groups: r.try_get("candidate_groups")?,
        form_key: r.try_get("form_key")?,
        due_at: r.try_get("due_at")?,
        state: r.try_get("state")?,
        created_at: r.try_get("created_at")?,
        ended_at: r.try_get("ended_at")?,
        completed_by: r.try_get("completed_by")?,
    })
}

pub(crate) fn decode_incident(r: &AnyRow) -> Result<IncidentRecord, Error> {
    Ok(IncidentRecord {
        id: r.try_get("id")?,
        instance_id: r.try_get("instance_id")?,
        token: r.try_get("token")?,
        node_id: r.try_get("node_id")?,
        job_id: r.try_get("job_id")?,
        kind: r.try_get("kind")?,
        message: r.try_get("message")?,
        state: r.try_get("state")?,
        created_at: r.try_get("created_at")?,
        resolved_at: r.try_get("resolved_at")?,
    })
}

pub(crate) fn decode_history(r: &AnyRow) -> Result<HistoryRecord, Error> {
    Ok(HistoryRecord {
        token: r.try_get("token")?,
        node_id: r.try_get("node_id")?,
        node_type: r.try_get("node_type")?,
        state: r.try_get("state")?,
        started_at: r.try_get("started_at")?,
        ended_at: r.try_get("ended_at")?,
        end_seq: r.try_get("end_seq")?,
    })
}
