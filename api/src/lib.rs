//! The Terminvergabe HTTP API (docs/API.md): actix-web handlers, the
//! OpenAPI spec generated from them (utoipa), and the server's assembly.
//!
//! Modules, from the leaves up: `clock`, `address` (the key a limit per
//! address counts by), `blocking` (store calls off the async threads),
//! `settings`, `auth` (tokens, passwords, throttle), `challenge` (the proof
//! of work), `metrics`, `state`; `usecases` (one function per operation, the caches, the
//! background tasks); `http` (everything HTTP: the routes, DTOs, errors,
//! extractors and middleware); `startup` (the assembly).

pub mod address;
pub mod auth;
pub mod blocking;
pub mod challenge;
pub mod clock;
pub mod http;
pub mod metrics;
pub mod settings;
pub mod startup;
pub mod state;
pub mod usecases;

pub use startup::{Application, MAX_BODY_BYTES, StartError, TOKEN_LIFETIME, openapi, openapi_yaml};
