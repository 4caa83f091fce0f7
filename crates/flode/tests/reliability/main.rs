//! Process-level reliability: real `flode serve` processes, killed with SIGKILL, restarted,
//! and run side by side on one PostgreSQL database, driven through the JSON API.

mod server;
mod stories;
