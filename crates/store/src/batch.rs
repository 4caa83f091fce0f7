//! The writes of one transaction step, sent in as few round trips as the backend allows.
//!
//! On PostgreSQL the statements of a batch become one statement of data-modifying CTEs
//! (`WITH w0 AS (… RETURNING 1), w1 AS (…) SELECT …`): one round trip instead of one per
//! table. The CTEs run on one snapshot and cannot see each other's rows, so a batch may only
//! hold statements whose rows do not overlap (callers guarantee it, see [`crate::Tx::apply`]).
//! Row-count expectations are checked inside that statement, which fails as a whole when one
//! is not met: a batch is atomic even outside a transaction ([`Batch::run_alone`]).
//! On SQLite, in process, the statements simply run in order.

use sqlx::AnyConnection;
use sqlx::AssertSqlSafe;

use crate::{Backend, Error, Tx};

/// A bound value.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&Option<String>> for Arg {
    fn from(v: &Option<String>) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

/// One INSERT, UPDATE or DELETE with placeholders `$1…` numbered from 1.
#[derive(Debug)]
struct Statement {
    sql: String,
    args: Vec<Arg>,
    /// Rows it must affect, or the batch fails with this conflict message.
    expect: Option<(u64, String)>,
}

/// Bound parameters per combined statement, well under PostgreSQL's 65 535.
const MAX_ARGS: usize = 30_000;

/// Writes to send together.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    statements: Vec<Statement>,
}

impl Batch {
    /// Adds a statement.
    pub(crate) fn push(&mut self, sql: impl Into<String>, args: Vec<Arg>) {
        self.statements.push(Statement {
            sql: sql.into(),
            args,
            expect: None,
        });
    }

    /// Adds a statement that must affect exactly `rows` rows, else the batch is a
    /// `Conflict` with `message` (the transaction must then be rolled back).
    pub(crate) fn push_expecting(
        &mut self,
        sql: impl Into<String>,
        args: Vec<Arg>,
        rows: u64,
        message: String,
    ) {
        self.statements.push(Statement {
            sql: sql.into(),
            args,
            expect: Some((rows, message)),
        });
    }

    /// Whether it holds nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs the batch on PostgreSQL as one autocommit statement: all of it or, on a failed
    /// expectation (`Conflict`) or any other error, none of it.
    pub(crate) async fn run_alone(self, conn: &mut AnyConnection) -> Result<(), Error> {
        let args: usize = self.statements.iter().map(|s| s.args.len()).sum();
        if args > MAX_ARGS {
            return Err(Error::Conflict("too many writes for one statement".into()));
        }
        run_combined(conn, self.statements).await
    }

    /// Runs the batch in `tx`.
    pub(crate) async fn run(self, tx: &mut Tx) -> Result<(), Error> {
        if self.statements.is_empty() {
            return Ok(());
        }
        if tx.backend == Backend::Sqlite || self.statements.len() == 1 {
            for s in self.statements {
                let done = bind(sqlx::query(AssertSqlSafe(s.sql)), s.args)
                    .execute(&mut *tx.inner)
                    .await?;
                check(s.expect, done.rows_affected())?;
            }
            return Ok(());
        }
        let mut group: Vec<Statement> = Vec::new();
        let mut args = 0;
        for s in self.statements {
            if !group.is_empty() && args + s.args.len() > MAX_ARGS {
                run_combined(&mut tx.inner, std::mem::take(&mut group)).await?;
                args = 0;
            }
            args += s.args.len();
            group.push(s);
        }
        if !group.is_empty() {
            run_combined(&mut tx.inner, group).await?;
        }
        Ok(())
    }
}

fn bind<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for a in args {
        q = match a {
            Arg::Text(v) => q.bind(v),
            Arg::Int(v) => q.bind(v),
        };
    }
    q
}

fn check(expect: Option<(u64, String)>, affected: u64) -> Result<(), Error> {
    match expect {
        Some((rows, message)) if rows != affected => Err(Error::Conflict(message)),
        _ => Ok(()),
    }
}

/// One PostgreSQL statement for the whole group (see the module docs).
async fn run_combined(conn: &mut AnyConnection, group: Vec<Statement>) -> Result<(), Error> {
    let (sql, args, expects) = combine(group);
    match bind(sqlx::query(AssertSqlSafe(sql)), args)
        .execute(conn)
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => Err(failed_expectation(&e, expects).unwrap_or(Error::Database(e))),
    }
}

/// Marks the value a failed expectation casts to an integer (see [`combine`]).
const FAILED: &str = "flode-expectation";

/// The conflict a combined statement reported by failing one of its checks.
fn failed_expectation(e: &sqlx::Error, expects: Vec<Option<(u64, String)>>) -> Option<Error> {
    let sqlx::Error::Database(db) = e else {
        return None;
    };
    let rest = &db.message()[db.message().find(FAILED)? + FAILED.len()..];
    let index: usize = rest.split_whitespace().next()?.parse().ok()?;
    let (_, message) = expects.into_iter().nth(index)??;
    Some(Error::Conflict(message))
}

type Combined = (String, Vec<Arg>, Vec<Option<(u64, String)>>);

/// The combined statement. Each expectation is a column that casts text to an integer when
/// the count is wrong, which fails the statement and with it every CTE. The text includes
/// the count so that the planner cannot fold the cast into a constant (and fail always).
fn combine(group: Vec<Statement>) -> Combined {
    let mut sql = String::from("WITH ");
    let mut args = Vec::new();
    let mut expects = Vec::new();
    let mut select = Vec::new();
    for (i, s) in group.into_iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("w{i} AS ("));
        sql.push_str(&renumber(&s.sql, args.len()));
        sql.push_str(" RETURNING 1)");
        // Every data-modifying CTE runs whether read or not.
        if let Some((rows, _)) = &s.expect {
            select.push(format!(
                "CASE WHEN (SELECT COUNT(*) FROM w{i}) = {rows} THEN 0 \
                 ELSE ('{FAILED} {i} ' || (SELECT COUNT(*) FROM w{i}))::int END AS n{i}"
            ));
        }
        args.extend(s.args);
        expects.push(s.expect);
    }
    sql.push_str(" SELECT ");
    if select.is_empty() {
        sql.push('1');
    } else {
        sql.push_str(&select.join(", "));
    }
    (sql, args, expects)
}

/// Shifts every placeholder `$n` of `sql` by `offset`. flode's SQL has no `$` in literals.
fn renumber(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
            digits.push(d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered() {
        assert_eq!(
            renumber("a = $1 AND b IN ($2,$10)", 3),
            "a = $4 AND b IN ($5,$13)"
        );
        assert_eq!(renumber("x = $1", 0), "x = $1");
    }

    #[test]
    fn statements_become_ctes_with_counts() {
        let mut b = Batch::default();
        b.push_expecting(
            "UPDATE t SET a = $1 WHERE id = $2",
            vec![1.into(), "x".into()],
            1,
            "changed".into(),
        );
        b.push("DELETE FROM u WHERE id = $1", vec!["y".into()]);
        let (sql, args, expects) = combine(b.statements);
        assert_eq!(
            sql,
            "WITH w0 AS (UPDATE t SET a = $1 WHERE id = $2 RETURNING 1), \
             w1 AS (DELETE FROM u WHERE id = $3 RETURNING 1) \
             SELECT CASE WHEN (SELECT COUNT(*) FROM w0) = 1 THEN 0 \
             ELSE ('flode-expectation 0 ' || (SELECT COUNT(*) FROM w0))::int END AS n0"
        );
        assert_eq!(args.len(), 3);
        assert!(expects[0].is_some() && expects[1].is_none());
    }
}
