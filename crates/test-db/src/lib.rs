//! Throw-away databases for tests that must pass on both backends: a temp SQLite file
//! always, and a fresh PostgreSQL database when the server answers. In CI (the `CI`
//! variable) or with `FLODE_REQUIRE_PG=1` an unreachable PostgreSQL fails the test loudly
//! instead of quietly testing SQLite only. `FLODE_TEST_PG` overrides the admin URL
//! (default `postgres://postgres@127.0.0.1:5432/postgres`, trust auth).

use std::process::Command;

/// One test database; dropping it removes it.
pub struct TestDb {
    /// `sqlite` or `postgres`, for assertion messages.
    pub name: &'static str,
    /// The URL to connect to.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, db)) = self.pg_drop.take() {
            // Best effort: a leftover test database is harmless and visibly named.
            let _ = Command::new("psql")
                .args([
                    admin.as_str(),
                    "-qc",
                    &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

/// A temp SQLite database.
///
/// # Panics
/// When no temp directory can be made.
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temp directory for the test database");
    TestDb {
        name: "sqlite",
        url: format!("sqlite://{}", dir.path().join("flode.db").display()),
        _dir: Some(dir),
        pg_drop: None,
    }
}

/// A fresh PostgreSQL database named `{prefix}_{uuid}`, or why there is none.
pub fn postgres(prefix: &str) -> Result<TestDb, String> {
    let admin = admin_url();
    let db = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let out = Command::new("psql")
        .args([admin.as_str(), "-qc", &format!("CREATE DATABASE {db}")])
        .output()
        .map_err(|e| format!("psql could not be run: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    let base = admin
        .rsplit_once('/')
        .map_or_else(|| admin.clone(), |(b, _)| b.to_owned());
    Ok(TestDb {
        name: "postgres",
        url: format!("{base}/{db}"),
        _dir: None,
        pg_drop: Some((admin, db)),
    })
}

/// SQLite, plus PostgreSQL when reachable (see the crate docs for when it is required).
///
/// # Panics
/// When PostgreSQL is required and cannot be used.
pub fn databases(prefix: &str) -> Vec<TestDb> {
    let mut dbs = vec![sqlite()];
    match postgres(prefix) {
        Ok(db) => dbs.push(db),
        Err(e) if pg_required() => panic!(
            "PostgreSQL is required (CI or FLODE_REQUIRE_PG) but not usable at {}: {e}",
            admin_url()
        ),
        Err(e) => eprintln!("WARNING: PostgreSQL not usable ({e}); this test runs on SQLite only"),
    }
    dbs
}

/// Whether a missing PostgreSQL fails the tests.
pub fn pg_required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("FLODE_REQUIRE_PG").is_some()
}

fn admin_url() -> String {
    std::env::var("FLODE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}
