//! What the server logs about requests, and how it keeps personal data and
//! secrets out of its log: no password, token, e-mail address, phone number
//! or booking code appears in any line at any level. The access log names
//! the route pattern (`/api/v1/staff/bookings/by-code/{code}`), never the
//! path or query as sent; a username from a failed login (which may be a
//! password typed into the wrong field) is logged only as [`user_hash`].
//!
//! Every request has an id ([`request_id`]): each line logged while it is
//! served carries it (the span `request{id=…}`), and the answer names it in
//! `X-Request-Id`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use sha2::{Digest, Sha256};
use std::time::Instant;
use tracing::Instrument;

/// The first 8 hex digits of the SHA-256 of a typed username (trimmed, in
/// lower case): enough to see repeated attempts on one name in the log, and
/// to check a suspected name (`printf %s anna | sha256sum | cut -c1-8`),
/// without writing down what was typed.
pub fn user_hash(typed: &str) -> String {
    let digest = Sha256::digest(typed.trim().to_lowercase().as_bytes());
    hex::encode(digest).chars().take(8).collect()
}

/// One line per request at info (target `access`): method, route pattern
/// (`-` when no route matched), status and duration.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let res = next.call(req).await?;
    let route = res.request().match_pattern();
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        target: "access",
        %method,
        route = %route.as_deref().unwrap_or("-"),
        status = res.status().as_u16(),
        ms = %format_args!("{:.1}", seconds * 1000.0),
    );
    if let Some(state) = res
        .request()
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
    {
        // Unmatched paths share one label: a scan cannot grow the metrics.
        let route = route.as_deref().unwrap_or("unmatched");
        state
            .metrics
            .request(method.as_str(), route, res.status().as_u16(), seconds);
    }
    Ok(res)
}

/// The header that names a request's id, in the request (from a trusted
/// proxy) and in every answer.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a proxy (a UUID has 36 characters).
pub const MAX_REQUEST_ID: usize = 128;

/// Whether a proxy's `X-Request-Id` may stand in the log and the answer:
/// 1 to [`MAX_REQUEST_ID`] visible ASCII characters (no space, no control
/// character, so it can neither break a log line nor a header).
pub fn valid_request_id(id: &str) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// The id of `req`: the `X-Request-Id` a trusted proxy (`TERMIN_TRUSTED_PROXIES`)
/// sent, if [`valid_request_id`]; otherwise a new UUID v7 (time-ordered,
/// so ids sort as the requests came). Anyone else's header is replaced:
/// a client must not choose what the log says about it.
fn id_of(req: &ServiceRequest) -> String {
    let trusted = match (
        req.app_data::<actix_web::web::Data<crate::state::AppState>>(),
        req.peer_addr(),
    ) {
        (Some(state), Some(peer)) => state.proxies.contains(peer.ip().to_canonical()),
        _ => false,
    };
    trusted
        .then(|| req.headers().get(&REQUEST_ID))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .filter(|id| valid_request_id(id))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// Serves the request inside the span `request{id=…}` and names the id in
/// the answer's `X-Request-Id`, error answers of inner middleware (the 429
/// of R25) included.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = id_of(&req);
    let span = tracing::info_span!("request", id = %id);
    let value = HeaderValue::from_str(&id).ok();
    match next.call(req).instrument(span).await {
        Ok(mut res) => {
            if let Some(value) = value {
                res.headers_mut().insert(REQUEST_ID, value);
            }
            Ok(res)
        }
        // Made into an answer further out (by the HTTP layer), as before,
        // with the id added.
        Err(error) => Err(match value {
            Some(id) => Identified { error, id }.into(),
            None => error,
        }),
    }
}

/// An error an inner middleware returned, whose answer names the request id.
struct Identified {
    error: actix_web::Error,
    id: HeaderValue,
}

impl std::fmt::Debug for Identified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.error, f)
    }
}

impl std::fmt::Display for Identified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.error, f)
    }
}

impl actix_web::ResponseError for Identified {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> actix_web::HttpResponse<BoxBody> {
        let mut res = self.error.error_response();
        res.headers_mut().insert(REQUEST_ID, self.id.clone());
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_a_proxy_are_checked() {
        for good in [
            "0191c7a4-5b6e-7c1d-9e2f-3a4b5c6d7e8f",
            "a",
            &"x".repeat(128),
        ] {
            assert!(valid_request_id(good), "{good}");
        }
        for bad in [
            "",
            &"x".repeat(129),
            "two words",
            "line\nbreak",
            "tab\t",
            "nul\0",
            "ümlaut",
            "del\u{7f}",
        ] {
            assert!(!valid_request_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn usernames_are_logged_as_a_short_hash() {
        let hash = user_hash(" Anna ");
        assert_eq!(hash, user_hash("anna"));
        assert_eq!(hash.len(), 8);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        // printf %s anna | sha256sum: 55579b55…
        assert_eq!(hash, "55579b55");
        assert_ne!(user_hash("anna"), user_hash("anne"));
    }
}
