//! The case service over a real store and engine with the shipped models, on SQLite and
//! PostgreSQL (required in CI): applications becoming cases and decided, attachments,
//! documents and messages.

mod applications;
mod correspondence;
mod support;
