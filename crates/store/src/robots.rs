//! The robots' records (migration `0009_robots.sql`): legacy systems and their licence
//! seats, robots and heartbeats, runs, the business exceptions a person reviews, redacted
//! evidence, and the credential vault (ciphertext only: `flode-robots` encrypts).

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::reads::Read as _;
use crate::{CaseRecord, Error, JobRecord, Store, Tx};

/// A legacy system robots work in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotTargetRecord {
    pub name: String,
    pub url: String,
    /// The UI version, which picks the script set.
    pub ui: String,
    /// Robots working in it at once, at most (its licences).
    pub seats: i64,
    /// No new work while set.
    pub maintenance: bool,
    /// Robots run only this version of the scripts, if set.
    pub script_version: Option<i64>,
    pub updated_at: i64,
}

/// A robot as its last heartbeat left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotRecord {
    /// `{node}/robot-{n}`.
    pub id: String,
    pub node: String,
    pub pool: String,
    /// Comma-separated.
    pub tags: String,
    /// `idle`, `working`, `restarting` or `stopped`.
    pub state: String,
    pub job_id: Option<String>,
    pub target: Option<String>,
    pub heartbeat_at: i64,
    pub started_at: i64,
}

/// One attempt at one work item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotRunRecord {
    pub id: String,
    pub job_id: String,
    pub job_type: String,
    pub robot: String,
    pub target: String,
    /// `{name}@{version}/{ui}`.
    pub script: String,
    pub started_at: i64,
    pub ended_at: i64,
    /// `done`, `already_done`, `business` or `system`.
    pub outcome: String,
    pub step: Option<String>,
    /// Never personal data: the scripts' messages and WebDriver's.
    pub message: Option<String>,
    /// Times the run signed in to the legacy system (0 when it began signed in).
    pub sign_ins: i64,
    /// Of those, sign-ins after the session was lost mid-run.
    pub relogins: i64,
}

/// One robot's runs over a period ([`Store::robot_activity`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotActivity {
    pub robot: String,
    pub busy_ms: i64,
    pub sign_ins: i64,
    pub relogins: i64,
}

/// A work item a business exception stopped, for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotReviewRecord {
    pub job_id: String,
    pub instance_id: Option<String>,
    pub job_type: String,
    pub target: String,
    pub step: String,
    pub message: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
    /// `done_by_hand` or `retry`.
    pub resolution: Option<String>,
}

/// A kept screenshot (and HTML), without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotEvidenceRecord {
    pub id: String,
    pub job_id: String,
    pub run_id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// An encrypted robot account password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotCredentialRecord {
    pub id: String,
    pub target: String,
    pub username: String,
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub secret: Vec<u8>,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

const TARGET_COLUMNS: &str = "name, url, ui, seats, maintenance, script_version, updated_at";
const ROBOT_COLUMNS: &str = "id, node, pool, tags, state, job_id, target, heartbeat_at, started_at";
const RUN_COLUMNS: &str = "id, job_id, job_type, robot, target, script, started_at, ended_at, outcome, step, message, sign_ins, relogins";
const REVIEW_COLUMNS: &str = "job_id, instance_id, job_type, target, step, message, created_at, resolved_at, resolved_by, resolution";
const CREDENTIAL_COLUMNS: &str =
    "id, target, username, key_id, nonce, secret, created_at, retired_at";

fn target(r: &AnyRow) -> Result<RobotTargetRecord, Error> {
    Ok(RobotTargetRecord {
        name: r.try_get("name")?,
        url: r.try_get("url")?,
        ui: r.try_get("ui")?,
        seats: r.try_get("seats")?,
        maintenance: r.try_get::<i64, _>("maintenance")? != 0,
        script_version: r.try_get("script_version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn robot(r: &AnyRow) -> Result<RobotRecord, Error> {
    Ok(RobotRecord {
        id: r.try_get("id")?,
        node: r.try_get("node")?,
        pool: r.try_get("pool")?,
        tags: r.try_get("tags")?,
        state: r.try_get("state")?,
        job_id: r.try_get("job_id")?,
        target: r.try_get("target")?,
        heartbeat_at: r.try_get("heartbeat_at")?,
        started_at: r.try_get("started_at")?,
    })
}

fn run(r: &AnyRow) -> Result<RobotRunRecord, Error> {
    Ok(RobotRunRecord {
        id: r.try_get("id")?,
        job_id: r.try_get("job_id")?,
        job_type: r.try_get("job_type")?,
        robot: r.try_get("robot")?,
        target: r.try_get("target")?,
        script: r.try_get("script")?,
        started_at: r.try_get("started_at")?,
        ended_at: r.try_get("ended_at")?,
        outcome: r.try_get("outcome")?,
        step: r.try_get("step")?,
        message: r.try_get("message")?,
        sign_ins: r.try_get("sign_ins")?,
        relogins: r.try_get("relogins")?,
    })
}

fn review(r: &AnyRow) -> Result<RobotReviewRecord, Error> {
    Ok(RobotReviewRecord {
        job_id: r.try_get("job_id")?,
        instance_id: r.try_get("instance_id")?,
        job_type: r.try_get("job_type")?,
        target: r.try_get("target")?,
        step: r.try_get("step")?,
        message: r.try_get("message")?,
        created_at: r.try_get("created_at")?,
        resolved_at: r.try_get("resolved_at")?,
        resolved_by: r.try_get("resolved_by")?,
        resolution: r.try_get("resolution")?,
    })
}

fn credential(r: &AnyRow) -> Result<RobotCredentialRecord, Error> {
    Ok(RobotCredentialRecord {
        id: r.try_get("id")?,
        target: r.try_get("target")?,
        username: r.try_get("username")?,
        key_id: r.try_get("key_id")?,
        nonce: r.try_get("nonce")?,
        secret: r.try_get("secret")?,
        created_at: r.try_get("created_at")?,
        retired_at: r.try_get("retired_at")?,
    })
}

impl Store {
    // ---- targets and seats -------------------------------------------------------------

    /// Adds a legacy system or changes one.
    pub async fn upsert_robot_target(&self, t: &RobotTargetRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO robot_targets (name, url, ui, seats, maintenance, script_version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET \
             url = excluded.url, ui = excluded.ui, seats = excluded.seats, \
             maintenance = excluded.maintenance, script_version = excluded.script_version, \
             updated_at = excluded.updated_at",
        )
        .bind(t.name.clone())
        .bind(t.url.clone())
        .bind(t.ui.clone())
        .bind(t.seats)
        .bind(i64::from(t.maintenance))
        .bind(t.script_version)
        .bind(t.updated_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A legacy system as the node's settings declare it: where it is, its UI version and its
    /// seats; its maintenance mode and pinned script version, which people set while it
    /// runs, are kept.
    pub async fn declare_robot_target(&self, t: &RobotTargetRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO robot_targets (name, url, ui, seats, maintenance, script_version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET \
             url = excluded.url, ui = excluded.ui, seats = excluded.seats, updated_at = excluded.updated_at",
        )
        .bind(t.name.clone())
        .bind(t.url.clone())
        .bind(t.ui.clone())
        .bind(t.seats)
        .bind(i64::from(t.maintenance))
        .bind(t.script_version)
        .bind(t.updated_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Pins the script version robots may run in a target (`None`: any); `false` if there
    /// is no such target.
    pub async fn set_robot_target_script_version(
        &self,
        name: &str,
        version: Option<i64>,
        now: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE robot_targets SET script_version = $1, updated_at = $2 WHERE name = $3",
        )
        .bind(version)
        .bind(now)
        .bind(name.to_owned())
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn robot_targets(&self) -> Result<Vec<RobotTargetRecord>, Error> {
        let sql = format!("SELECT {TARGET_COLUMNS} FROM robot_targets ORDER BY name");
        sqlx::query(AssertSqlSafe(sql))
            .read_all(self.reads())
            .await?
            .iter()
            .map(target)
            .collect()
    }

    pub async fn robot_target(&self, name: &str) -> Result<Option<RobotTargetRecord>, Error> {
        let sql = format!("SELECT {TARGET_COLUMNS} FROM robot_targets WHERE name = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(name.to_owned())
            .read_optional(self.reads())
            .await?
            .as_ref()
            .map(target)
            .transpose()
    }

    /// Switches a target's maintenance mode; `false` if there is no such target.
    pub async fn set_robot_target_maintenance(
        &self,
        name: &str,
        on: bool,
        now: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE robot_targets SET maintenance = $1, updated_at = $2 WHERE name = $3",
        )
        .bind(i64::from(on))
        .bind(now)
        .bind(name.to_owned())
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Leases one of `seats` seats of `target` to `robot` until `until`: the one it holds
    /// (renewed), or a free or expired one. `None` when all are taken. Each seat is one
    /// row, taken by one statement, so robots on different nodes cannot share a seat.
    pub async fn lease_robot_seat(
        &self,
        target: &str,
        robot: &str,
        seats: i64,
        until: i64,
        now: i64,
    ) -> Result<Option<i64>, Error> {
        let held: Option<i64> = sqlx::query(
            "SELECT seat FROM robot_seats WHERE target = $1 AND robot = $2 AND seat < $3 \
             AND leased_until >= $4 ORDER BY seat LIMIT 1",
        )
        .bind(target.to_owned())
        .bind(robot.to_owned())
        .bind(seats)
        .bind(now)
        .read_optional(self.reads())
        .await?
        .map(|r| r.try_get("seat"))
        .transpose()?;
        let candidates: Vec<i64> = match held {
            Some(seat) => vec![seat],
            None => (0..seats).collect(),
        };
        for seat in candidates {
            let taken = sqlx::query(
                "INSERT INTO robot_seats (target, seat, robot, leased_until) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (target, seat) DO UPDATE SET robot = excluded.robot, \
                 leased_until = excluded.leased_until \
                 WHERE robot_seats.leased_until < $5 OR robot_seats.robot = excluded.robot",
            )
            .bind(target.to_owned())
            .bind(seat)
            .bind(robot.to_owned())
            .bind(until)
            .bind(now)
            .execute(&self.writer)
            .await?;
            if taken.rows_affected() == 1 {
                return Ok(Some(seat));
            }
        }
        Ok(None)
    }

    /// Gives a seat back.
    pub async fn release_robot_seat(&self, target: &str, robot: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM robot_seats WHERE target = $1 AND robot = $2")
            .bind(target.to_owned())
            .bind(robot.to_owned())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Seats in use per target now (leases not expired).
    pub async fn robot_seats_in_use(&self, now: i64) -> Result<Vec<(String, i64)>, Error> {
        let rows = sqlx::query(
            "SELECT target, COUNT(*) AS n FROM robot_seats WHERE leased_until >= $1 GROUP BY target ORDER BY target",
        )
        .bind(now)
        .read_all(self.reads())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("target")?, r.try_get("n")?)))
            .collect()
    }

    // ---- robots --------------------------------------------------------------------------

    /// Records a robot's heartbeat with its state; its seat leases move to `seat_until`.
    pub async fn robot_heartbeat(&self, r: &RobotRecord, seat_until: i64) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO robots (id, node, pool, tags, state, job_id, target, heartbeat_at, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE SET \
             node = excluded.node, pool = excluded.pool, tags = excluded.tags, state = excluded.state, \
             job_id = excluded.job_id, target = excluded.target, heartbeat_at = excluded.heartbeat_at, \
             started_at = excluded.started_at",
        )
        .bind(r.id.clone())
        .bind(r.node.clone())
        .bind(r.pool.clone())
        .bind(r.tags.clone())
        .bind(r.state.clone())
        .bind(r.job_id.clone())
        .bind(r.target.clone())
        .bind(r.heartbeat_at)
        .bind(r.started_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE robot_seats SET leased_until = $1 WHERE robot = $2")
            .bind(seat_until)
            .bind(r.id.clone())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks the robots that stopped beating before `stale_before` (and did not say they
    /// stopped) as `dead`, gives their jobs back to the queue and frees their seats, in one
    /// transaction; returns their ids. Any node may do this: a second one finds nothing.
    pub async fn reap_dead_robots(
        &self,
        stale_before: i64,
        now: i64,
    ) -> Result<Vec<String>, Error> {
        let mut tx = self.begin_write().await?;
        let dead: Vec<String> = sqlx::query_scalar(
            "UPDATE robots SET state = 'dead', job_id = NULL WHERE heartbeat_at < $1 \
             AND state NOT IN ('stopped', 'dead') RETURNING id",
        )
        .bind(stale_before)
        .fetch_all(&mut *tx)
        .await?;
        for id in &dead {
            sqlx::query(
                "UPDATE jobs SET state = 'ready', lease_owner = NULL, lease_until = NULL, due_at = $1, updated_at = $1 \
                 WHERE state = 'active' AND lease_owner = $2",
            )
            .bind(now)
            .bind(id.clone())
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM robot_seats WHERE robot = $1")
                .bind(id.clone())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(dead)
    }

    pub async fn robots(&self) -> Result<Vec<RobotRecord>, Error> {
        let sql = format!("SELECT {ROBOT_COLUMNS} FROM robots ORDER BY id");
        sqlx::query(AssertSqlSafe(sql))
            .read_all(self.reads())
            .await?
            .iter()
            .map(robot)
            .collect()
    }

    // ---- runs ----------------------------------------------------------------------------

    pub async fn insert_robot_run(&self, r: &RobotRunRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO robot_runs (id, job_id, job_type, robot, target, script, started_at, ended_at, outcome, step, message, sign_ins, relogins) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(r.id.clone())
        .bind(r.job_id.clone())
        .bind(r.job_type.clone())
        .bind(r.robot.clone())
        .bind(r.target.clone())
        .bind(r.script.clone())
        .bind(r.started_at)
        .bind(r.ended_at)
        .bind(r.outcome.clone())
        .bind(r.step.clone())
        .bind(r.message.clone())
        .bind(r.sign_ins)
        .bind(r.relogins)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Runs that ended at or after `since`, newest first.
    pub async fn robot_runs_since(&self, since: i64) -> Result<Vec<RobotRunRecord>, Error> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM robot_runs WHERE ended_at >= $1 ORDER BY ended_at DESC, id"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(since)
            .read_all(self.reads())
            .await?
            .iter()
            .map(run)
            .collect()
    }

    /// A work item's runs, oldest first.
    pub async fn robot_runs_of_job(&self, job_id: &str) -> Result<Vec<RobotRunRecord>, Error> {
        let sql =
            format!("SELECT {RUN_COLUMNS} FROM robot_runs WHERE job_id = $1 ORDER BY ended_at, id");
        sqlx::query(AssertSqlSafe(sql))
            .bind(job_id.to_owned())
            .read_all(self.reads())
            .await?
            .iter()
            .map(run)
            .collect()
    }

    // ---- reviews -------------------------------------------------------------------------

    /// Unresolved review items, oldest first.
    pub async fn open_robot_reviews(&self) -> Result<Vec<RobotReviewRecord>, Error> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM robot_reviews WHERE resolved_at IS NULL ORDER BY created_at, job_id"
        );
        sqlx::query(AssertSqlSafe(sql))
            .read_all(self.reads())
            .await?
            .iter()
            .map(review)
            .collect()
    }

    pub async fn robot_review(&self, job_id: &str) -> Result<Option<RobotReviewRecord>, Error> {
        let sql = format!("SELECT {REVIEW_COLUMNS} FROM robot_reviews WHERE job_id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(job_id.to_owned())
            .read_optional(self.reads())
            .await?
            .as_ref()
            .map(review)
            .transpose()
    }

    // ---- evidence ------------------------------------------------------------------------

    pub async fn insert_robot_evidence(
        &self,
        e: &RobotEvidenceRecord,
        png: &[u8],
        html: Option<&str>,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO robot_evidence (id, job_id, run_id, name, png, html, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id.clone())
        .bind(e.job_id.clone())
        .bind(e.run_id.clone())
        .bind(e.name.clone())
        .bind(png.to_vec())
        .bind(html.map(str::to_owned))
        .bind(e.created_at)
        .bind(e.expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A work item's evidence, newest first, without content.
    pub async fn robot_evidence_of_job(
        &self,
        job_id: &str,
    ) -> Result<Vec<RobotEvidenceRecord>, Error> {
        let rows = sqlx::query(
            "SELECT id, job_id, run_id, name, created_at, expires_at FROM robot_evidence \
             WHERE job_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(job_id.to_owned())
        .read_all(self.reads())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RobotEvidenceRecord {
                    id: r.try_get("id")?,
                    job_id: r.try_get("job_id")?,
                    run_id: r.try_get("run_id")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .collect()
    }

    /// One piece of evidence's screenshot and HTML.
    pub async fn robot_evidence_content(
        &self,
        id: &str,
    ) -> Result<Option<(Vec<u8>, Option<String>)>, Error> {
        let row = sqlx::query("SELECT png, html FROM robot_evidence WHERE id = $1")
            .bind(id.to_owned())
            .read_optional(self.reads())
            .await?;
        row.map(|r| Ok((r.try_get("png")?, r.try_get("html")?)))
            .transpose()
    }

    /// Deletes evidence kept past its time; returns how many.
    pub async fn delete_expired_robot_evidence(&self, now: i64) -> Result<u64, Error> {
        let done = sqlx::query("DELETE FROM robot_evidence WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    // ---- vault ---------------------------------------------------------------------------

    /// Stores a new password for an account, retiring the one it had, in one transaction.
    pub async fn replace_robot_credential(&self, c: &RobotCredentialRecord) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE robot_credentials SET retired_at = $1 \
             WHERE target = $2 AND username = $3 AND retired_at IS NULL",
        )
        .bind(c.created_at)
        .bind(c.target.clone())
        .bind(c.username.clone())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO robot_credentials (id, target, username, key_id, nonce, secret, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.id.clone())
        .bind(c.target.clone())
        .bind(c.username.clone())
        .bind(c.key_id.clone())
        .bind(c.nonce.clone())
        .bind(c.secret.clone())
        .bind(c.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A target's accounts in use, by username.
    pub async fn active_robot_credentials(
        &self,
        target: &str,
    ) -> Result<Vec<RobotCredentialRecord>, Error> {
        let sql = format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM robot_credentials \
             WHERE target = $1 AND retired_at IS NULL ORDER BY username"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(target.to_owned())
            .read_all(self.reads())
            .await?
            .iter()
            .map(credential)
            .collect()
    }

    /// Every account in use, of every target (for re-encrypting under a new key).
    pub async fn all_active_robot_credentials(&self) -> Result<Vec<RobotCredentialRecord>, Error> {
        let sql = format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM robot_credentials WHERE retired_at IS NULL ORDER BY target, username"
        );
        sqlx::query(AssertSqlSafe(sql))
            .read_all(self.reads())
            .await?
            .iter()
            .map(credential)
            .collect()
    }

    /// Replaces one credential's ciphertext (same password, new key).
    pub async fn rekey_robot_credential(
        &self,
        id: &str,
        key_id: &str,
        nonce: &[u8],
        secret: &[u8],
    ) -> Result<(), Error> {
        sqlx::query(
            "UPDATE robot_credentials SET key_id = $1, nonce = $2, secret = $3 WHERE id = $4",
        )
        .bind(key_id.to_owned())
        .bind(nonce.to_vec())
        .bind(secret.to_vec())
        .bind(id.to_owned())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Audits one use of a credential.
    pub async fn insert_robot_credential_use(
        &self,
        id: &str,
        target: &str,
        username: &str,
        robot: &str,
        job_id: Option<&str>,
        at: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO robot_credential_uses (id, target, username, robot, job_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_owned())
        .bind(target.to_owned())
        .bind(username.to_owned())
        .bind(robot.to_owned())
        .bind(job_id.map(str::to_owned))
        .bind(at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Uses of a target's credentials, newest first, at most `limit`.
    pub async fn robot_credential_uses(
        &self,
        target: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, Option<String>, i64)>, Error> {
        let rows = sqlx::query(
            "SELECT username, robot, job_id, at FROM robot_credential_uses WHERE target = $1 \
             ORDER BY at DESC, id LIMIT $2",
        )
        .bind(target.to_owned())
        .bind(limit)
        .read_all(self.reads())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("username")?,
                    r.try_get("robot")?,
                    r.try_get("job_id")?,
                    r.try_get("at")?,
                ))
            })
            .collect()
    }
}

/// The review queue's writes, in the transaction that fails or completes the work item's
/// job, so that the queue and the job never disagree.
impl Tx {
    /// Puts a work item in the review queue (again, if a retry stopped the same way).
    pub async fn upsert_robot_review(&mut self, r: &RobotReviewRecord) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO robot_reviews (job_id, instance_id, job_type, target, step, message, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (job_id) DO UPDATE SET \
             step = excluded.step, message = excluded.message, created_at = excluded.created_at, \
             resolved_at = NULL, resolved_by = NULL, resolution = NULL",
        )
        .bind(r.job_id.clone())
        .bind(r.instance_id.clone())
        .bind(r.job_type.clone())
        .bind(r.target.clone())
        .bind(r.step.clone())
        .bind(r.message.clone())
        .bind(r.created_at)
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Marks an open review item resolved; `false` if it was not open (resolved by someone
    /// else a moment ago).
    pub async fn resolve_robot_review(
        &mut self,
        job_id: &str,
        by: &str,
        resolution: &str,
        now: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE robot_reviews SET resolved_at = $1, resolved_by = $2, resolution = $3 \
             WHERE job_id = $4 AND resolved_at IS NULL",
        )
        .bind(now)
        .bind(by.to_owned())
        .bind(resolution.to_owned())
        .bind(job_id.to_owned())
        .execute(&mut *self.inner)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// The monitoring reads behind the robots' dashboard and `/metrics`: counts per queue,
/// runs grouped, busy time and the work items at risk of their case's deadline.
impl Store {
    /// Per job type starting with `prefix` (e.g. `legacy.`), ordered by type: jobs ready,
    /// active (with a robot) and failed (in review or out of retries), and the creation
    /// time of the oldest ready or active one (`None` when none waits).
    pub async fn robot_queues(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, i64, i64, i64, Option<i64>)>, Error> {
        let rows = sqlx::query(
            "SELECT job_type, \
               CAST(SUM(CASE WHEN state = 'ready' THEN 1 ELSE 0 END) AS BIGINT) AS ready, \
               CAST(SUM(CASE WHEN state = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS active, \
               CAST(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS BIGINT) AS failed, \
               MIN(CASE WHEN state IN ('ready', 'active') THEN created_at END) AS oldest \
             FROM jobs WHERE kind = $1 AND job_type LIKE $2 GROUP BY job_type ORDER BY job_type",
        )
        .bind(crate::job_kind::TASK)
        .bind(format!("{prefix}%"))
        .read_all(self.reads())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("job_type")?,
                    r.try_get("ready")?,
                    r.try_get("active")?,
                    r.try_get("failed")?,
                    r.try_get("oldest")?,
                ))
            })
            .collect()
    }

    /// Runs that ended at or after `since`, counted per job type and outcome.
    pub async fn robot_run_counts(&self, since: i64) -> Result<Vec<(String, String, i64)>, Error> {
        let rows = sqlx::query(
            "SELECT job_type, outcome, COUNT(*) AS n FROM robot_runs WHERE ended_at >= $1 \
             GROUP BY job_type, outcome ORDER BY job_type, outcome",
        )
        .bind(since)
        .read_all(self.reads())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("job_type")?,
                    r.try_get("outcome")?,
                    r.try_get("n")?,
                ))
            })
            .collect()
    }

    /// Business and system exceptions of runs that ended at or after `since`, grouped by
    /// outcome, step and message, most frequent first: `(outcome, step, message, count)`.
    pub async fn robot_failure_causes(
        &self,
        since: i64,
    ) -> Result<Vec<(String, String, String, i64)>, Error> {
        let rows = sqlx::query(
            "SELECT outcome, COALESCE(step, '') AS step, COALESCE(message, '') AS message, \
             COUNT(*) AS n FROM robot_runs \
             WHERE ended_at >= $1 AND outcome IN ('business', 'system') \
             GROUP BY outcome, COALESCE(step, ''), COALESCE(message, '') \
             ORDER BY n DESC, outcome, step, message",
        )
        .bind(since)
        .read_all(self.reads())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("outcome")?,
                    r.try_get("step")?,
                    r.try_get("message")?,
                    r.try_get("n")?,
                ))
            })
            .collect()
    }

    /// Per robot, what its runs that ended at or after `since` did: the milliseconds they
    /// spent working from `since` on (a run that began earlier counts from `since`), for
    /// its utilisation, and their sign-ins and relogins.
    pub async fn robot_activity(&self, since: i64) -> Result<Vec<RobotActivity>, Error> {
        let rows = sqlx::query(
            "SELECT robot, CAST(SUM(ended_at - CASE WHEN started_at < $1 THEN $1 ELSE started_at END) AS BIGINT) AS busy, \
             CAST(SUM(sign_ins) AS BIGINT) AS sign_ins, CAST(SUM(relogins) AS BIGINT) AS relogins \
             FROM robot_runs WHERE ended_at >= $1 GROUP BY robot ORDER BY robot",
        )
        .bind(since)
        .read_all(self.reads())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RobotActivity {
                    robot: r.try_get("robot")?,
                    busy_ms: r.try_get("busy")?,
                    sign_ins: r.try_get("sign_ins")?,
                    relogins: r.try_get("relogins")?,
                })
            })
            .collect()
    }

    /// Jobs of types starting with `prefix` not done yet (ready, active or failed) whose
    /// case must be decided by `due_before`, or that were created before `created_before`:
    /// the work items at risk, the nearest deadline first, then the oldest. Each comes with
    /// its case when its instance is one. At most `limit`.
    pub async fn robot_jobs_at_risk(
        &self,
        prefix: &str,
        due_before: i64,
        created_before: i64,
        limit: i64,
    ) -> Result<Vec<(JobRecord, Option<CaseRecord>)>, Error> {
        let sql = format!(
            "SELECT {}, c.id AS case_id, c.case_number AS case_number, c.kind AS case_kind, \
               c.applicant AS case_applicant, c.applicant_name AS case_applicant_name, \
               c.application_id AS case_application_id, c.month AS case_month, \
               c.received_at AS case_received_at, c.due_at AS case_due_at \
             FROM jobs LEFT JOIN cases c ON c.instance_id = jobs.instance_id \
             WHERE jobs.kind = $1 AND jobs.job_type LIKE $2 \
               AND jobs.state IN ('ready', 'active', 'failed') \
               AND (c.due_at <= $3 OR jobs.created_at <= $4) \
             ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, jobs.created_at, jobs.id \
             LIMIT $5",
            crate::jobs::qualified_job_columns()
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(crate::job_kind::TASK)
            .bind(format!("{prefix}%"))
            .bind(due_before)
            .bind(created_before)
            .bind(limit)
            .read_all(self.reads())
            .await?;
        rows.iter()
            .map(|r| {
                let job = crate::jobs::decode_job(r)?;
                let case = match r.try_get::<Option<String>, _>("case_id")? {
                    Some(id) => Some(CaseRecord {
                        id,
                        case_number: r.try_get("case_number")?,
                        kind: r.try_get("case_kind")?,
                        applicant: r.try_get("case_applicant")?,
                        applicant_name: r.try_get("case_applicant_name")?,
                        application_id: r.try_get("case_application_id")?,
                        instance_id: job.instance_id.clone().unwrap_or_default(),
                        month: r.try_get("case_month")?,
                        received_at: r.try_get("case_received_at")?,
                        due_at: r.try_get("case_due_at")?,
                    }),
                    None => None,
                };
                Ok((job, case))
            })
            .collect()
    }
}
