//! SSBTEK end to end: the connector against the simulator over loopback HTTP, the request
//! log in the store (SQLite, and PostgreSQL when reachable), and the job worker through a
//! real engine.

mod client;
mod helpers;
mod worker;
