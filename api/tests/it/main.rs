//! The end-to-end tests of the API, in one test binary (one link instead of
//! one per file: the build is a fraction of the size and time). Each module
//! is the tests of one part; `common` is their harness.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod architecture;
mod contacts;
mod cors;
mod counter;
mod crash;
mod display;
mod docs;
mod draw;
mod etag;
mod fairness;
mod holds;
mod http;
mod input;
mod limits;
mod logs;
mod messages;
mod metrics;
mod municipalities;
mod offers_cache;
mod openapi;
mod privacy;
mod request_ids;
mod secrets;
mod services;
mod staff;
mod staff_offices;
mod statistics;
mod verifications;
mod web;
