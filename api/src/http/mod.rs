//! Everything HTTP: the handlers by resource (`routes`: extract, call one
//! use case, map the answer), the JSON shapes (`dto`), problem+json and
//! every code (`error`), what handlers take from a request (`extract`), and
//! the middleware: which route a request is and the edges of HTTP
//! (`protocol`), the citizens' limits (`limits`, with the client address of
//! `client`), CORS (`cors`), conditional answers (`etag`), the access log
//! and request ids (`logging`); and the completion of the OpenAPI document
//! (`spec`).

pub mod client;
pub mod cors;
pub mod dto;
pub mod error;
pub mod etag;
pub mod extract;
pub mod limits;
pub mod logging;
pub mod protocol;
pub mod routes;
pub mod secrets;
pub(crate) mod spec;
