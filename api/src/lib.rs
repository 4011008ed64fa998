//! The Terminvergabe HTTP API (docs/API.md): actix-web handlers, the
//! OpenAPI spec generated from them (utoipa), and the server's assembly.
//!
//! Modules, from the leaves up: `clock`, `settings`, `auth` (tokens,
//! passwords, throttle), `dto` (JSON shapes), `error` (problem+json and
//! every code), `state`, `extract` (what handlers take from a request),
//! `protocol` (405 with `Allow`, `HEAD`, problem+json on every error),
//! `logging` (the access log; what is never logged),
//! `routes` (the handlers, by resource), `startup`.

pub mod auth;
pub mod challenge;
pub mod client;
pub mod clock;
pub mod cors;
pub mod dto;
pub mod error;
pub mod etag;
pub mod extract;
pub mod limits;
pub mod logging;
pub mod metrics;
pub mod protocol;
pub mod routes;
pub mod settings;
mod spec;
pub mod startup;
pub mod state;
pub mod usecases;

pub use startup::{Application, MAX_BODY_BYTES, StartError, TOKEN_LIFETIME, openapi, openapi_yaml};
