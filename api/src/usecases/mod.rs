//! The use cases: what a citizen or staff operation does between HTTP (the
//! routes: extract, call, map the answer) and the store (SQL, locks, rows),
//! with what lives beside them in this process: the caches of answers and
//! of the 07:00 rush, and the background tasks.
//!
//! - [`booking`]: booking online, with the rush refused in this process,
//!   the booking by its secret (look, calendar entry), and cancel and move
//!   for its holder or a staff user ([`booking::ChangeAuth`]);
//! - [`holds`], [`offers`], [`offices`], [`draws`], [`privacy`],
//!   [`challenge`], [`screens`]: the rest of the citizens' operations, one
//!   function each (the errors that say more than the store's in
//!   [`errors`]);
//! - [`offer_cache`], [`coalesce`], [`exhausted`]: the caches it and the
//!   offers use;
//! - [`display`]: the waiting-room displays' feeds (R28);
//! - [`draw_sweep`]: the Tagesticket draws at the release (R27);
//! - [`mail`]: the messages to citizens and their sender (R23);
//! - [`retention`]: the erasure of personal data past the retention time (R31);
//! - [`passes`]: the background tasks' completed passes, which tests wait on.
//!
//! - [`staff`], [`admin`], [`ops`]: the staff's, the admins' and the
//!   operations' operations, one function each.
//!
//! Every handler calls one use case (issue #24); a use case takes typed
//! input and answers the store's error or one of its own, never HTTP.

pub mod admin;
pub mod booking;
pub mod challenge;
pub mod coalesce;
pub mod display;
pub mod draw_sweep;
pub mod draws;
pub mod errors;
pub mod exhausted;
pub mod holds;
pub mod mail;
pub mod municipalities;
pub mod offer_cache;
pub mod offers;
pub mod offices;
pub mod ops;
pub mod passes;
pub mod privacy;
pub mod retention;
pub mod screens;
pub mod staff;
pub mod verifications;
