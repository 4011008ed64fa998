//! What the server logs about requests, and how it keeps personal data and
//! secrets out of its log: no password, token, e-mail address, phone number
//! or booking code appears in any line at any level. The access log names
//! the route pattern (`/api/v1/staff/bookings/by-code/{code}`), never the
//! path or query as sent; a username from a failed login (which may be a
//! password typed into the wrong field) is logged only as [`user_hash`].

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use sha2::{Digest, Sha256};
use std::time::Instant;

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

#[cfg(test)]
mod tests {
    use super::*;

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
