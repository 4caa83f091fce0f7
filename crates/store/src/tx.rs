//! Write transactions: definitions, instance state, and the records a run creates.

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::batch::{Arg, Batch};
use crate::jobs::{INSERT_JOB, job_args};
use crate::records::*;
use crate::sql::{CHUNK, multi_insert, placeholders, select_rows};
use crate::{Backend, Error};

/// A write transaction. Dropping it without [`Tx::commit`] rolls back.
pub struct Tx {
    pub(crate) inner: Transaction<'static, Any>,
    pub(crate) backend: Backend,
    /// What this transaction made for workers and the timer service, reported by
    /// [`Tx::commit`].
    pub(crate) committed: Committed,
    /// This store's id in notifications, so that a node can skip its own.
    origin: std::sync::Arc<str>,
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
        origin: std::sync::Arc<str>,
    ) -> Self {
        Self {
            inner,
            backend,
            committed: Committed::default(),
            origin,
            pool,
        }
    }

    /// Commits, then tells the other nodes what it made ready and whether it deployed
    /// something (see [`announce`]); returns the same for this node.
    pub async fn commit(self) -> Result<Committed, Error> {
        self.inner.commit().await?;
        if self.backend == Backend::Postgres {
            announce(&self.pool, &self.origin, &self.committed);
        }
        Ok(self.committed)
    }

    /// The backend this transaction runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    // ---- definitions ------------------------------------------------------------------

    /// Stores a new definition version (announced to other nodes at commit).
    pub async fn insert_definition(&mut self, d: &DefinitionRecord) -> Result<(), Error> {
        self.committed.deployed = true;
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

    /// Loads an instance with its tokens, variables and subscriptions, locking it against
    /// concurrent writers (PostgreSQL `FOR UPDATE`; SQLite has one writer already).
    pub async fn load_instance(&mut self, id: &str) -> Result<InstanceSnapshot, Error> {
        self.load_instances(&[id])
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "instance",
                id: id.to_owned(),
            })
    }

    /// Loads and locks instances, in id order (so that concurrent batches lock in the same
    /// order), in one statement: the rows of the other tables come as JSON arrays. Ids
    /// that do not exist are left out.
    pub async fn load_instances(&mut self, ids: &[&str]) -> Result<Vec<InstanceSnapshot>, Error> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let list = placeholders(0, chunk.len());
            let sql = match self.backend {
                // The sub-selects read the statement's snapshot. If another transaction held
                // a lock and committed meanwhile, the locked row is newer than that
                // snapshot: `seen_revision` (read in the snapshot) then differs from
                // `revision` (the locked row) and the rows are read again, under the lock.
                Backend::Postgres => format!(
                    "SELECT {INSTANCE_COLUMNS_I}, \
                     (SELECT s.revision FROM instances s WHERE s.id = i.id) AS seen_revision, \
                     (SELECT json_agg(json_build_array(t.key, t.parent, t.node_id, t.state, t.data))::text FROM tokens t WHERE t.instance_id = i.id) AS tokens, \
                     (SELECT json_agg(json_build_array(v.scope, v.name, v.value))::text FROM variables v WHERE v.instance_id = i.id) AS vars, \
                     (SELECT json_agg(json_build_array(s.id, s.token, s.node_id, s.kind, s.name, s.correlation_key, s.created_at))::text FROM subscriptions s WHERE s.instance_id = i.id) AS subs \
                     FROM instances i WHERE i.id IN ({list}) ORDER BY i.id FOR UPDATE OF i"
                ),
                Backend::Sqlite => format!(
                    "SELECT {INSTANCE_COLUMNS_I}, i.revision AS seen_revision, \
                     (SELECT json_group_array(json_array(t.key, t.parent, t.node_id, t.state, t.data)) FROM tokens t WHERE t.instance_id = i.id) AS tokens, \
                     (SELECT json_group_array(json_array(v.scope, v.name, v.value)) FROM variables v WHERE v.instance_id = i.id) AS vars, \
                     (SELECT json_group_array(json_array(s.id, s.token, s.node_id, s.kind, s.name, s.correlation_key, s.created_at)) FROM subscriptions s WHERE s.instance_id = i.id) AS subs \
                     FROM instances i WHERE i.id IN ({list}) ORDER BY i.id"
                ),
            };
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&mut *self.inner).await? {
                let instance = decode_instance(&row)?;
                out.push(self.snapshot(instance, &row).await?);
            }
        }
        Ok(out)
    }

    /// Completes active jobs (see [`Tx::complete_jobs`]) and loads and locks their
    /// instances (see [`Tx::load_instances`]); on PostgreSQL in one statement.
    pub async fn complete_jobs_loading(
        &mut self,
        jobs: &[(&str, Option<&str>)],
    ) -> Result<(Vec<JobRecord>, Vec<InstanceSnapshot>), Error> {
        if self.backend == Backend::Sqlite || jobs.len() > CHUNK {
            let done = self.complete_jobs(jobs).await?;
            let mut ids: Vec<&str> = done
                .iter()
                .filter_map(|j| j.instance_id.as_deref())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let snapshots = self.load_instances(&ids).await?;
            return Ok((done, snapshots));
        }
        let mut q = sqlx::query(AssertSqlSafe(jobs_loading_sql(jobs.len(), true)));
        for (id, owner) in jobs {
            q = q.bind(*id).bind(owner.unwrap_or(""));
        }
        let rows = q.fetch_all(&mut *self.inner).await?;
        let mut done = Vec::with_capacity(rows.len());
        let mut snapshots: Vec<InstanceSnapshot> = Vec::new();
        for row in rows {
            done.push(crate::jobs::completed(&row)?);
            let Some(instance) = loaded_instance(&row)? else {
                continue;
            };
            if snapshots.iter().any(|s| s.instance.id == instance.id) {
                continue;
            }
            snapshots.push(self.snapshot(instance, &row).await?);
        }
        snapshots.sort_by(|a, b| a.instance.id.cmp(&b.instance.id));
        Ok((done, snapshots))
    }

    /// An instance's snapshot from the JSON columns of a loading statement, or read again
    /// under the lock when they are older than the locked row.
    async fn snapshot(
        &mut self,
        instance: InstanceRecord,
        row: &AnyRow,
    ) -> Result<InstanceSnapshot, Error> {
        match decode_snapshot(instance, row)? {
            Ok(snapshot) => Ok(snapshot),
            Err(instance) => self.load_rows(instance).await,
        }
    }

    /// The rest of a locked instance's state, one table at a time.
    async fn load_rows(&mut self, instance: InstanceRecord) -> Result<InstanceSnapshot, Error> {
        let id = instance.id.clone();
        let tokens = sqlx::query(
            "SELECT key, parent, node_id, state, data FROM tokens WHERE instance_id = $1 ORDER BY key",
        )
        .bind(&id)
        .fetch_all(&mut *self.inner)
        .await?
        .iter()
        .map(decode_token)
        .collect::<Result<Vec<_>, Error>>()?;
        let variables = load_variables(&mut *self.inner, &id).await?;
        let subscriptions = sqlx::query(
            "SELECT id, instance_id, token, node_id, kind, name, correlation_key, created_at FROM subscriptions WHERE instance_id = $1 ORDER BY created_at, id",
        )
        .bind(&id)
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
    /// previous revision) and every change in `write`, in one round trip on PostgreSQL.
    pub async fn apply(
        &mut self,
        instance: &InstanceRecord,
        is_new: bool,
        write: &InstanceWrite,
    ) -> Result<(), Error> {
        if is_new {
            return self.insert_new(&[(instance, write)]).await;
        }
        self.apply_many(&[(instance, write)]).await
    }

    /// Persists runs of stored instances (see [`Tx::apply`]) together: one statement per
    /// table for all of them.
    pub async fn apply_many(
        &mut self,
        runs: &[(&InstanceRecord, &InstanceWrite)],
    ) -> Result<(), Error> {
        let (first, batch) = write_runs(&mut self.committed, runs);
        first.run(self).await?;
        batch.run(self).await
    }

    /// Writes brand-new instances with what their first runs created, using one multi-row
    /// INSERT per table for the whole batch (group commit of concurrent starts), all in
    /// one round trip on PostgreSQL.
    pub async fn insert_new(
        &mut self,
        new: &[(&InstanceRecord, &InstanceWrite)],
    ) -> Result<(), Error> {
        let mut batch = Batch::default();
        insert_rows(
            &mut batch,
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
            "",
            new,
            |(i, _)| {
                vec![
                    (&i.id).into(),
                    (&i.definition_id).into(),
                    (&i.process_key).into(),
                    (&i.business_key).into(),
                    i.state.as_str().into(),
                    (&i.parent_instance_id).into(),
                    i.parent_token.into(),
                    i.next_token.into(),
                    i.revision.into(),
                    i.started_at.into(),
                    i.ended_at.into(),
                ]
            },
        );
        let variables: Vec<(&str, &VariableRecord)> = new
            .iter()
            .flat_map(|(i, w)| w.variables_upsert.iter().map(move |v| (i.id.as_str(), v)))
            .collect();
        upsert_variables(&mut batch, &variables);
        let history: Vec<(&str, &HistoryRecord)> = new
            .iter()
            .flat_map(|(i, w)| w.history_insert.iter().map(move |h| (i.id.as_str(), h)))
            .collect();
        insert_history(&mut batch, &history);
        // Nothing of a new instance was stored before: no deletes, no history ends.
        let tokens: Vec<(&str, &TokenRecord)> = new
            .iter()
            .flat_map(|(i, w)| w.tokens_upsert.iter().map(move |t| (i.id.as_str(), t)))
            .collect();
        upsert_tokens(&mut batch, &tokens);
        for (i, w) in new {
            tasks_and_jobs(&mut self.committed, &mut batch, &i.id, w);
        }
        batch.run(self).await
    }

    /// Raises an incident.
    pub async fn insert_incident(&mut self, i: &IncidentRecord) -> Result<(), Error> {
        let mut batch = Batch::default();
        batch.push(INSERT_INCIDENT, incident_args(i));
        batch.run(self).await
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

    /// Resolves the open incidents of a job (the one a failed job raised); how many.
    pub async fn resolve_job_incidents(&mut self, job_id: &str, now: i64) -> Result<u64, Error> {
        let done = sqlx::query(
            "UPDATE incidents SET state = 'resolved', resolved_at = $1 WHERE job_id = $2 AND state = 'open'",
        )
        .bind(now)
        .bind(job_id)
        .execute(&mut *self.inner)
        .await?;
        Ok(done.rows_affected())
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

/// Tells the other nodes (PostgreSQL NOTIFY) what a commit made ready and whether it
/// deployed something. The notifications go out after the caller has its answer: a missed
/// one only delays a worker until its next poll.
pub(crate) fn announce(pool: &sqlx::AnyPool, origin: &str, committed: &Committed) {
    if !committed.announces() {
        return;
    }
    let mut notes: Vec<(&'static str, String)> = committed
        .jobs
        .iter()
        .map(|(job_type, n)| (crate::JOBS_CHANNEL, format!("{origin} {n} {job_type}")))
        .collect();
    if committed.deployed {
        notes.push((crate::DEPLOYMENTS_CHANNEL, origin.to_owned()));
    }
    let pool = pool.clone();
    tokio::spawn(async move {
        for (channel, payload) in notes {
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, channel, "notification failed");
            }
        }
    });
}

/// The statement behind [`Tx::complete_jobs_loading`] (`complete`: the jobs are completed
/// and their instances locked) and [`crate::Store::read_jobs_loading`] (neither): `jobs`
/// `(id, owner)` pairs are bound. PostgreSQL only.
pub(crate) fn jobs_loading_sql(jobs: usize, complete: bool) -> String {
    let returning = crate::jobs::qualified_job_columns();
    let (done, lock) = if complete {
        (
            format!(
                "{} RETURNING {returning}",
                crate::jobs::complete_jobs_sql(Backend::Postgres, jobs, 0)
            ),
            "FOR UPDATE OF i",
        )
    } else {
        let pairs = select_rows(&["job_id", "job_owner"], jobs, 0);
        (
            format!(
                "SELECT {returning} FROM jobs JOIN ({pairs}) AS c ON {}",
                crate::jobs::ACTIVE_FOR_OWNER
            ),
            "",
        )
    };
    // Two jobs of one instance lock it twice, which is harmless.
    format!(
        "WITH done AS ({done}) SELECT done.*, s.* FROM done {}",
        instance_lateral("done", lock)
    )
}

/// Joins each row of `jobs` (a relation with an `instance_id` column) to its instance's
/// snapshot, read in a LATERAL sub-select: the columns [`loaded_instance`] and
/// [`decode_snapshot`] decode. `seen_revision` works as in `Tx::load_instances`.
/// PostgreSQL only.
pub(crate) fn instance_lateral(jobs: &str, lock: &str) -> String {
    format!(
        "LEFT JOIN LATERAL ( \
           SELECT json_build_array({INSTANCE_COLUMNS_I})::text AS instance_row, \
             (SELECT r.revision FROM instances r WHERE r.id = i.id) AS seen_revision, \
             (SELECT json_agg(json_build_array(t.key, t.parent, t.node_id, t.state, t.data))::text FROM tokens t WHERE t.instance_id = i.id) AS tokens, \
             (SELECT json_agg(json_build_array(v.scope, v.name, v.value))::text FROM variables v WHERE v.instance_id = i.id) AS vars, \
             (SELECT json_agg(json_build_array(b.id, b.token, b.node_id, b.kind, b.name, b.correlation_key, b.created_at))::text FROM subscriptions b WHERE b.instance_id = i.id) AS subs \
           FROM instances i WHERE i.id = {jobs}.instance_id {lock}) AS s ON true"
    )
}

/// The instance row of a loading statement's answer, if the job has one.
pub(crate) fn loaded_instance(row: &AnyRow) -> Result<Option<InstanceRecord>, Error> {
    row.try_get::<Option<String>, _>("instance_row")?
        .map(|text| decode_instance_array(&text))
        .transpose()
}

/// An instance's snapshot from the JSON columns of a loading statement; the instance back
/// when they were read in an older snapshot than the row (see `Tx::load_instances`).
pub(crate) fn decode_snapshot(
    instance: InstanceRecord,
    row: &AnyRow,
) -> Result<Result<InstanceSnapshot, InstanceRecord>, Error> {
    if row.try_get::<Option<i64>, _>("seen_revision")? != Some(instance.revision) {
        return Ok(Err(instance));
    }
    let tokens: Option<String> = row.try_get("tokens")?;
    let vars: Option<String> = row.try_get("vars")?;
    let subs: Option<String> = row.try_get("subs")?;
    let mut tokens = decode_token_array(tokens.as_deref())?;
    tokens.sort_by_key(|t| t.key);
    let mut subscriptions = decode_subscription_array(&instance.id, subs.as_deref())?;
    subscriptions.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(Ok(InstanceSnapshot {
        instance,
        tokens,
        variables: decode_variable_array(vars.as_deref())?,
        subscriptions,
    }))
}

/// Rows aggregated as a JSON array of arrays; `None` (SQL NULL) is no rows. Text columns
/// holding JSON arrive as JSON strings.
fn json_rows<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: Option<&str>,
) -> Result<Vec<T>, Error> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(text).map_err(|source| Error::Corrupt { what, source }),
    }
}

pub(crate) fn decode_variable_array(text: Option<&str>) -> Result<Vec<VariableRecord>, Error> {
    let mut out = json_rows::<(i64, String, String)>("variables", text)?
        .into_iter()
        .map(|(scope, name, value)| {
            Ok(VariableRecord {
                scope,
                name,
                value: parse_json("variables.value", &value)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    out.sort_by(|a, b| (a.scope, &a.name).cmp(&(b.scope, &b.name)));
    Ok(out)
}

fn decode_token_array(text: Option<&str>) -> Result<Vec<TokenRecord>, Error> {
    json_rows::<(i64, Option<i64>, String, String, String)>("tokens", text)?
        .into_iter()
        .map(|(key, parent, node_id, state, data)| {
            Ok(TokenRecord {
                key,
                parent,
                node_id,
                state,
                data: parse_json("tokens.data", &data)?,
            })
        })
        .collect()
}

type SubscriptionRow = (String, i64, String, String, String, Option<String>, i64);

fn decode_subscription_array(
    instance_id: &str,
    text: Option<&str>,
) -> Result<Vec<SubscriptionRecord>, Error> {
    Ok(json_rows::<SubscriptionRow>("subscriptions", text)?
        .into_iter()
        .map(
            |(id, token, node_id, kind, name, correlation_key, created_at)| SubscriptionRecord {
                id,
                instance_id: instance_id.to_owned(),
                token,
                node_id,
                kind,
                name,
                correlation_key,
                created_at,
            },
        )
        .collect())
}

pub(crate) const USER_TASK_COLUMNS: &str = "id, instance_id, token, node_id, name, assignee, candidate_groups, form_key, due_at, state, created_at, ended_at, completed_by";
const INSTANCE_COLUMNS_I: &str = "i.id, i.definition_id, i.process_key, i.business_key, i.state, i.parent_instance_id, i.parent_token, i.next_token, i.revision, i.started_at, i.ended_at";
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

type InstanceRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
    i64,
    i64,
    i64,
    Option<i64>,
);

/// An instance row aggregated as a JSON array in [`INSTANCE_COLUMNS`] order.
fn decode_instance_array(text: &str) -> Result<InstanceRecord, Error> {
    let (
        id,
        definition_id,
        process_key,
        business_key,
        state,
        parent_instance_id,
        parent_token,
        next_token,
        revision,
        started_at,
        ended_at,
    ): InstanceRow = serde_json::from_str(text).map_err(|source| Error::Corrupt {
        what: "instances",
        source,
    })?;
    Ok(InstanceRecord {
        id,
        definition_id,
        process_key,
        business_key,
        state: InstanceState::parse(&state),
        parent_instance_id,
        parent_token,
        next_token,
        revision,
        started_at,
        ended_at,
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

const INSERT_INCIDENT: &str = "INSERT INTO incidents (id, instance_id, token, node_id, job_id, kind, message, state, created_at, resolved_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

fn incident_args(i: &IncidentRecord) -> Vec<Arg> {
    vec![
        (&i.id).into(),
        (&i.instance_id).into(),
        i.token.into(),
        (&i.node_id).into(),
        (&i.job_id).into(),
        (&i.kind).into(),
        (&i.message).into(),
        (&i.state).into(),
        i.created_at.into(),
        i.resolved_at.into(),
    ]
}

/// The statements that persist runs of stored instances (see [`Tx::apply`]): those that
/// must land before the rest (often none), and the rest, one statement per table. The
/// instances' revision checks come first.
pub(crate) fn write_runs(
    committed: &mut Committed,
    runs: &[(&InstanceRecord, &InstanceWrite)],
) -> (Batch, Batch) {
    let mut batch = Batch::default();
    let mut first = Batch::default();
    for chunk in runs.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() * 5);
        for (i, _) in chunk {
            args.extend([
                (&i.id).into(),
                i.state.as_str().into(),
                i.next_token.into(),
                i.revision.into(),
                i.ended_at.into(),
            ]);
        }
        let rows = select_rows(
            &["u_id", "u_state", "u_next", "u_rev", "u_ended"],
            chunk.len(),
            0,
        );
        batch.push_expecting(
                format!(
                    "UPDATE instances SET state = c.u_state, next_token = c.u_next, revision = c.u_rev, ended_at = c.u_ended \
                     FROM ({rows}) AS c WHERE instances.id = c.u_id AND instances.revision = c.u_rev - 1"
                ),
                args,
                chunk.len() as u64,
                "an instance changed concurrently".into(),
            );
    }
    let mut tokens_delete: Vec<(&str, &[i64])> = Vec::new();
    let (mut tokens, mut vars, mut history, mut ended) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, write) in runs {
        let id = i.id.as_str();
        if !write.scopes_delete.is_empty() && !write.variables_upsert.is_empty() {
            // A scope's variables may be deleted and written again in one run: the
            // delete must land first, so it cannot share a statement with the upsert.
            delete_scopes(&mut first, id, &write.scopes_delete);
        } else {
            delete_scopes(&mut batch, id, &write.scopes_delete);
        }
        if !write.tokens_delete.is_empty() {
            tokens_delete.push((id, &write.tokens_delete));
        }
        tokens.extend(write.tokens_upsert.iter().map(|t| (id, t)));
        vars.extend(write.variables_upsert.iter().map(|v| (id, v)));
        history.extend(write.history_insert.iter().map(|h| (id, h)));
        ended.extend(write.history_end.iter().map(|h| (id, h)));
    }
    // Rows deleted or ended here existed before these runs; rows inserted are new: no
    // two statements touch the same row.
    delete_tokens(&mut batch, &tokens_delete);
    upsert_tokens(&mut batch, &tokens);
    upsert_variables(&mut batch, &vars);
    insert_history(&mut batch, &history);
    end_history(&mut batch, &ended);
    for (i, write) in runs {
        tasks_and_jobs(committed, &mut batch, &i.id, write);
    }
    (first, batch)
}

/// The user tasks, jobs, subscriptions and incidents a run created or ended.
fn tasks_and_jobs(
    committed: &mut Committed,
    batch: &mut Batch,
    instance_id: &str,
    w: &InstanceWrite,
) {
    for t in &w.user_tasks_insert {
        batch.push(
            "INSERT INTO user_tasks (id, instance_id, token, node_id, name, assignee, candidate_groups, form_key, due_at, state, created_at, ended_at, completed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            vec![
                (&t.id).into(),
                (&t.instance_id).into(),
                t.token.into(),
                (&t.node_id).into(),
                (&t.name).into(),
                (&t.assignee).into(),
                (&t.candidate_groups).into(),
                (&t.form_key).into(),
                t.due_at.into(),
                (&t.state).into(),
                t.created_at.into(),
                t.ended_at.into(),
                (&t.completed_by).into(),
            ],
        );
    }
    let now = w
        .history_end
        .iter()
        .chain(&w.history_insert)
        .filter_map(|h| h.ended_at)
        .max()
        .unwrap_or_default();
    for (token, state, by) in &w.user_tasks_end {
        batch.push(
            "UPDATE user_tasks SET state = $1, completed_by = $2, ended_at = $3 WHERE instance_id = $4 AND token = $5 AND state = 'created'",
            vec![state.into(), by.into(), now.into(), instance_id.into(), (*token).into()],
        );
    }
    for token in &w.jobs_cancel {
        batch.push(
            "UPDATE jobs SET state = 'canceled', lease_owner = NULL, lease_until = NULL, updated_at = $1 \
             WHERE instance_id = $2 AND token = $3 AND state IN ('ready', 'active', 'failed')",
            vec![now.into(), instance_id.into(), (*token).into()],
        );
    }
    for j in &w.jobs_insert {
        committed.made_ready(j);
        batch.push(INSERT_JOB, job_args(j));
    }
    for token in &w.subscriptions_delete {
        batch.push(
            "DELETE FROM subscriptions WHERE instance_id = $1 AND token = $2",
            vec![instance_id.into(), (*token).into()],
        );
    }
    for s in &w.subscriptions_insert {
        batch.push(
            "INSERT INTO subscriptions (id, instance_id, token, node_id, kind, name, correlation_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                (&s.id).into(),
                (&s.instance_id).into(),
                s.token.into(),
                (&s.node_id).into(),
                (&s.kind).into(),
                (&s.name).into(),
                (&s.correlation_key).into(),
                s.created_at.into(),
            ],
        );
    }
    for token in &w.incidents_resolve {
        batch.push(
            "UPDATE incidents SET state = 'resolved', resolved_at = $1 WHERE instance_id = $2 AND token = $3 AND state = 'open'",
            vec![now.into(), instance_id.into(), (*token).into()],
        );
    }
    for i in &w.incidents_insert {
        batch.push(INSERT_INCIDENT, incident_args(i));
    }
}

fn delete_scopes(batch: &mut Batch, instance_id: &str, scopes: &[i64]) {
    for chunk in scopes.chunks(CHUNK) {
        let mut args: Vec<Arg> = vec![instance_id.into()];
        args.extend(chunk.iter().map(|s| Arg::from(*s)));
        batch.push(
            format!(
                "DELETE FROM variables WHERE instance_id = $1 AND scope IN ({})",
                placeholders(1, chunk.len())
            ),
            args,
        );
    }
}

/// Deletes tokens by `(instance, keys)`: one statement, one condition per instance.
fn delete_tokens(batch: &mut Batch, keys: &[(&str, &[i64])]) {
    let mut sql = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    for (instance_id, chunk) in keys
        .iter()
        .flat_map(|(i, ks)| ks.chunks(CHUNK).map(move |c| (*i, c)))
    {
        if !sql.is_empty() && args.len() + chunk.len() + 1 > CHUNK * 4 {
            batch.push(
                format!("DELETE FROM tokens WHERE {}", sql.join(" OR ")),
                args,
            );
            (sql, args) = (Vec::new(), Vec::new());
        }
        sql.push(format!(
            "(instance_id = ${} AND key IN ({}))",
            args.len() + 1,
            placeholders(args.len() + 1, chunk.len())
        ));
        args.push(instance_id.into());
        args.extend(chunk.iter().map(|k| Arg::from(*k)));
    }
    if !sql.is_empty() {
        batch.push(
            format!("DELETE FROM tokens WHERE {}", sql.join(" OR ")),
            args,
        );
    }
}

fn upsert_tokens(batch: &mut Batch, rows: &[(&str, &TokenRecord)]) {
    insert_rows(
        batch,
        "tokens",
        &["instance_id", "key", "parent", "node_id", "state", "data"],
        "ON CONFLICT (instance_id, key) DO UPDATE SET parent = excluded.parent, node_id = excluded.node_id, state = excluded.state, data = excluded.data",
        rows,
        |(instance_id, t)| {
            vec![
                (*instance_id).into(),
                t.key.into(),
                t.parent.into(),
                (&t.node_id).into(),
                (&t.state).into(),
                json_text(&t.data).into(),
            ]
        },
    );
}

fn upsert_variables(batch: &mut Batch, rows: &[(&str, &VariableRecord)]) {
    insert_rows(
        batch,
        "variables",
        &["instance_id", "scope", "name", "value"],
        "ON CONFLICT (instance_id, scope, name) DO UPDATE SET value = excluded.value",
        rows,
        |(instance_id, v)| {
            vec![
                (*instance_id).into(),
                v.scope.into(),
                (&v.name).into(),
                json_text(&v.value).into(),
            ]
        },
    );
}

fn insert_history(batch: &mut Batch, rows: &[(&str, &HistoryRecord)]) {
    insert_rows(
        batch,
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
        "",
        rows,
        |(instance_id, h)| {
            vec![
                (*instance_id).into(),
                h.token.into(),
                (&h.node_id).into(),
                (&h.node_type).into(),
                (&h.state).into(),
                h.started_at.into(),
                h.ended_at.into(),
                h.end_seq.into(),
            ]
        },
    );
}

/// One multi-row INSERT per chunk of `rows` (with `suffix`, e.g. an `ON CONFLICT` clause),
/// each row's values in `columns` order from `values`.
fn insert_rows<T>(
    batch: &mut Batch,
    table: &str,
    columns: &[&str],
    suffix: &str,
    rows: &[T],
    values: impl Fn(&T) -> Vec<Arg>,
) {
    for chunk in rows.chunks(CHUNK) {
        let args = chunk.iter().flat_map(&values).collect();
        batch.push(multi_insert(table, columns, chunk.len(), suffix), args);
    }
}

/// Ends activity instances started earlier: `(instance, record)` rows, one statement.
fn end_history(batch: &mut Batch, rows: &[(&str, &HistoryRecord)]) {
    for chunk in rows.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() * 5);
        for (instance_id, h) in chunk {
            args.extend([
                (*instance_id).into(),
                h.token.into(),
                (&h.state).into(),
                h.ended_at.into(),
                h.end_seq.into(),
            ]);
        }
        let rows = select_rows(
            &["h_instance", "h_token", "h_state", "h_ended", "h_seq"],
            chunk.len(),
            0,
        );
        batch.push(
            format!(
                "UPDATE history SET state = c.h_state, ended_at = c.h_ended, end_seq = c.h_seq \
                 FROM ({rows}) AS c WHERE history.instance_id = c.h_instance AND history.token = c.h_token"
            ),
            args,
        );
    }
}
