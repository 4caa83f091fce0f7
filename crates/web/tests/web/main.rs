//! Integration tests of flode-web: the router driven with `oneshot`, over a temporary
//! SQLite store.

mod api;
mod attachments;
mod auth;
mod cases_api;
mod csrf;
mod english;
mod eservice;
mod helpers;
mod oidc;
mod openapi;
mod ops;
mod pages;
mod problems;
mod robots;
mod staff_english;
