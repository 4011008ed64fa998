//! Conditional GET for the answers that refreshing pages poll, above all at
//! 07:00 (slot search, Tagesticket status): a strong `ETag` from the body's
//! SHA-256, `304 Not Modified` when `If-None-Match` names it, and
//! `Cache-Control: no-cache` (a cache may keep the answer but must ask
//! again each time). It saves the transfer and the client's work; the
//! server's is saved by the offers cache (`usecases::offer_cache`), which
//! computes each answer's tag once and keeps the answer with it.

use actix_web::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse};

/// JSON `body` with its ETag `tag`, or 304 if the client has it already.
pub fn conditional(
    req: &HttpRequest,
    body: impl Into<actix_web::web::Bytes>,
    tag: String,
) -> HttpResponse {
    // RFC 9110 §13.1.2: a weak comparison; `*` matches any current answer.
    let known = req
        .headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag);
    let mut response = if known {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((ETAG, tag))
        .insert_header((CACHE_CONTROL, "no-cache"));
    if known {
        response.finish()
    } else {
        response.content_type("application/json").body(body.into())
    }
}
