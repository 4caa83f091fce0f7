//! Staff authentication and authorisation for flode, and citizens' sign-in to the
//! e-service (`citizen`), both also through OpenID Connect (`oidc`).
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
//! - `citizen`: citizens' sessions, from the test identity provider or an ID token.
//! - `oidc`: the OpenID Connect relying party (authorization code flow with PKCE, ID token
//!   validation against the provider's JWKS) and the sign-in in progress between the
//!   redirect and the callback.
//!
//! Architecture invariants: no secret (password, session id, token, client secret) is ever
//! logged or stored in clear; this crate serves no HTTP and has no SQL (the store has the
//! SQL). Its one HTTP client is `oidc`'s, which must fetch the provider's discovery
//! document, keys and tokens.

pub mod citizen;
mod error;
pub mod limiter;
pub mod oidc;
pub mod password;
pub mod role;
pub mod secret;
pub mod service;
pub mod session;

pub use citizen::{CitizenAuth, CitizenIdentity, CitizenSignInError, TestPerson};
pub use error::Error;
pub use limiter::{LimiterConfig, LoginLimiter};
pub use oidc::{
    Callback, IdToken, OidcClient, OidcConfig, OidcError, OidcFlow, OidcSignIn, StartedSignIn,
};
pub use role::{Role, Roles};
pub use secret::Secret;
pub use service::{
    Auth, AuthOptions, DEMO_USERS, LoginError, NewSession, NewUser, Principal, PrincipalKind,
};
pub use session::SessionPolicy;
