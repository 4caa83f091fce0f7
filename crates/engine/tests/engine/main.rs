//! Engine stories, each run on SQLite and on PostgreSQL.

mod backends;
mod more;
mod stories;
mod workers;
