//! Staff authentication and authorisation for flode, and citizens' sign-in to the
//! e-service (`citizen`).
//!
//! - `password`: argon2id hashing (PHC strings) and the password policy.
//! - `role`: the staff roles and sets of them.
//! - `secret`: random 256-bit session ids and API tokens, and the SHA-256 the store keeps.
//! - `limiter`: the in-process sliding-window limiter of failed sign-ins, per username and
//!   per client address.
//! - `session`: idle and absolute expiry of server-side sessions.
//! - `service`: [`Auth`], which ties these to the store: sign in, sign out, resolve a
//!   session or bearer token to a [`Principal`], add users and tokens, seed demo users.
//!   Every sign-in, failed sign-in, refusal and sign-out leaves an audit line.
//!
//! Architecture invariants: no secret (password, session id, token) is ever logged or
//! stored in clear; this crate does no HTTP and no SQL (the store has the SQL).

pub mod citizen;
mod error;
pub mod limiter;
pub mod password;
pub mod role;
pub mod secret;
pub mod service;
pub mod session;

pub use citizen::{CitizenAuth, CitizenIdentity, TestPerson};
pub use error::Error;
pub use limiter::{LimiterConfig, LoginLimiter};
pub use role::{Role, Roles};
pub use secret::Secret;
pub use service::{
    Auth, AuthOptions, DEMO_USERS, LoginError, NewSession, NewUser, Principal, PrincipalKind,
};
pub use session::SessionPolicy;
