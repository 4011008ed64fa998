//! Browser frontends on other origins (CORS, with `actix-cors`): the origins
//! of `TERMIN_CORS_ORIGINS`, and what each area of the API lets them send.
//!
//! Without origins nothing changes: no CORS header is ever sent, and a
//! preflight is an `OPTIONS` like any other (405). With origins, a listed
//! origin may call the citizens' paths with the headers citizens send
//! (`Content-Type`, `X-Booking-Token`, `X-Hold-Token`, `X-Altcha`,
//! `Idempotency-Key`), and the staff and admin paths and the login also with
//! `Authorization`; `Retry-After`, `Location` and `ETag` are readable by the
//! page. An origin not listed gets no `Access-Control-Allow-Origin`, so the
//! browser keeps the answer from the page; a refused preflight is 400
//! `cors_refused`. Preflights are answered here, before the citizens' rate
//! limit and the routing (no 405). No credentials (cookies) are allowed:
//! staff tokens travel in `Authorization`, booking tokens in their header.

use crate::http::error::{ApiError, ErrorCode};
use crate::http::protocol::is_staff_path;
use actix_cors::{Cors, CorsMiddleware};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::{Method, header};
use std::future::{Future, ready};
use std::net::Ipv6Addr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The headers a citizens' page sends (R17, R19, R26, retries).
pub const CITIZEN_HEADERS: [&str; 7] = [
    "Content-Type",
    "X-Booking-Token",
    "X-Hold-Token",
    "X-Request-Token",
    "X-Altcha",
    "Idempotency-Key",
    "If-None-Match",
];
/// The response headers a page may read.
pub const EXPOSED_HEADERS: [&str; 3] = ["Retry-After", "Location", "ETag"];
/// How long a browser may keep a preflight's answer (seconds).
const MAX_AGE: usize = 3600;

/// Origins browsers may call from, as browsers send them in `Origin`:
/// `scheme://host[:port]`, lower case, without the scheme's default port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsOrigins(Vec<String>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an origin: write scheme://host[:port] with http or https and nothing after \
     the host and port (no path, not even `/`), e.g. https://termine.kaarst.de"
)]
pub struct InvalidOrigin(String);

impl CorsOrigins {
    /// A comma-separated list; empty entries are skipped, repeats kept once.
    pub fn parse(list: &str) -> Result<Self, InvalidOrigin> {
        let mut origins = Vec::new();
        for raw in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let origin = origin(raw)?;
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        Ok(Self(origins))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One origin, normalised (see [`CorsOrigins`]).
fn origin(raw: &str) -> Result<String, InvalidOrigin> {
    let invalid = || InvalidOrigin(raw.chars().filter(|c| !c.is_control()).take(100).collect());
    let (scheme, rest) = raw.split_once("://").ok_or_else(invalid)?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return Err(invalid()),
    };
    let (host, port) = match rest.strip_prefix('[') {
        // An IPv6 literal: `[::1]` or `[::1]:8080`.
        Some(v6) => {
            let (addr, after) = v6.split_once(']').ok_or_else(invalid)?;
            addr.parse::<Ipv6Addr>().map_err(|_| invalid())?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(invalid)?),
            };
            (format!("[{}]", addr.to_ascii_lowercase()), port)
        }
        None => {
            let (host, port) = match rest.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            };
            let label = |l: &str| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            };
            if host.len() > 253 || !host.split('.').all(label) {
                return Err(invalid());
            }
            (host.to_ascii_lowercase(), port)
        }
    };
    let port = port
        .map(|p| {
            p.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| p.parse::<u16>().ok())
                .flatten()
                .filter(|p| *p > 0)
                .ok_or_else(invalid)
        })
        .transpose()?;
    Ok(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// The policy of one area: the listed origins; the citizens' headers, and
/// on staff paths also `Authorization` (and `PUT`, which admin paths use).
fn policy(origins: &CorsOrigins, staff: bool) -> Cors {
    let mut methods = vec![Method::GET, Method::POST, Method::PATCH, Method::DELETE];
    let mut headers: Vec<&str> = CITIZEN_HEADERS.to_vec();
    if staff {
        methods.push(Method::PUT);
        headers.push("Authorization");
    }
    let mut cors = Cors::default()
        .allowed_methods(methods)
        .allowed_headers(headers)
        .expose_headers(EXPOSED_HEADERS)
        .max_age(MAX_AGE);
    for origin in origins.as_slice() {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// The middleware: `actix-cors` with one policy per area.
#[derive(Debug, Clone)]
pub struct BrowserOrigins {
    origins: CorsOrigins,
}

impl BrowserOrigins {
    pub fn new(origins: CorsOrigins) -> Self {
        Self { origins }
    }
}

/// The wrapped service, shared by the two policies.
pub struct Shared<S>(Rc<S>);

impl<S> Clone for Shared<S> {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0))
    }
}

impl<S: Service<ServiceRequest>> Service<ServiceRequest> for Shared<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&self, req: ServiceRequest) -> S::Future {
        self.0.call(req)
    }
}

type Answer<B> = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

impl<S, B> Transform<S, ServiceRequest> for BrowserOrigins
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = ByArea<S>;
    type InitError = ();
    type Future = Pin<Box<dyn Future<Output = Result<ByArea<S>, ()>>>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let inner = Shared(Rc::new(service));
        if self.origins.is_empty() {
            return Box::pin(ready(Ok(ByArea::Off(inner))));
        }
        let citizens = policy(&self.origins, false).new_transform(inner.clone());
        let staff = policy(&self.origins, true).new_transform(inner);
        Box::pin(async move {
            Ok(ByArea::On {
                citizens: citizens.await?,
                staff: staff.await?,
            })
        })
    }
}

/// Each request to the policy of its area; nothing without origins.
pub enum ByArea<S> {
    Off(Shared<S>),
    On {
        citizens: CorsMiddleware<Shared<S>>,
        staff: CorsMiddleware<Shared<S>>,
    },
}

impl<S, B> Service<ServiceRequest> for ByArea<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Answer<B>>>>;

    fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<Result<(), actix_web::Error>> {
        match self {
            ByArea::Off(inner) => inner.poll_ready(cx),
            ByArea::On { citizens, .. } => citizens.poll_ready(cx),
        }
    }

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let (citizens, staff) = match self {
            ByArea::Off(inner) => {
                let answer = inner.call(req);
                return Box::pin(
                    async move { answer.await.map(ServiceResponse::map_into_left_body) },
                );
            }
            ByArea::On { citizens, staff } => (citizens, staff),
        };
        let preflight = req.method() == Method::OPTIONS
            && req
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        // By the route matched (percent-escapes decoded as the router
        // decodes them), not the raw path; a path no route serves by its
        // prefix.
        let for_staff = match crate::http::protocol::matched(req.request()).area {
            Some(area) => area.is_staff(),
            None => is_staff_path(req.match_info().as_str()),
        };
        let answer = if for_staff {
            staff.call(req)
        } else {
            citizens.call(req)
        };
        Box::pin(async move {
            let res = answer.await?;
            // actix-cors answers every preflight itself (the routes never
            // see one); its refusal gets a code like every other error.
            if preflight && res.status().is_client_error() {
                return Ok(refused(res));
            }
            Ok(res)
        })
    }
}

fn refused<B>(res: ServiceResponse<EitherBody<B>>) -> ServiceResponse<EitherBody<B>> {
    let error = ApiError::new(
        res.status(),
        ErrorCode::CorsRefused,
        "cross-origin request refused: the origin is not listed in TERMIN_CORS_ORIGINS, or the \
         method or a header is not allowed on this path (Authorization only on the staff, admin \
         and login paths)",
    );
    let (req, _) = res.into_parts();
    ServiceResponse::new(req, actix_web::ResponseError::error_response(&error))
        .map_into_right_body()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parsed(list: &str) -> Vec<String> {
        CorsOrigins::parse(list).unwrap().as_slice().to_vec()
    }

    #[test]
    fn origins_are_read_as_browsers_send_them() {
        assert_eq!(
            parsed(" https://termine.kaarst.de , http://localhost:5173,,"),
            ["https://termine.kaarst.de", "http://localhost:5173"]
        );
        assert_eq!(
            parsed("HTTPS://Termine.Kaarst.DE:443,https://termine.kaarst.de"),
            ["https://termine.kaarst.de"],
            "lower case, the default port left out, once"
        );
        assert_eq!(parsed("http://[::1]:8080"), ["http://[::1]:8080"]);
        assert_eq!(parsed("http://127.0.0.1:80"), ["http://127.0.0.1"]);
        assert_eq!(parsed("https://xn--kaarst-bcher-5ob.de:8443").len(), 1);
        assert!(parsed("").is_empty() && parsed(" , ").is_empty());
    }

    #[test]
    fn a_malformed_origin_is_refused_with_a_clear_message() {
        for bad in [
            "termine.kaarst.de",
            "https://termine.kaarst.de/",
            "https://termine.kaarst.de/buchen",
            "https://termine.kaarst.de?x=1",
            "https://termine.kaarst.de#top",
            "https://user@termine.kaarst.de",
            "ftp://termine.kaarst.de",
            "*",
            "null",
            "https://",
            "https://:8080",
            "https://termine.kaarst.de:0",
            "https://termine.kaarst.de:65536",
            "https://termine.kaarst.de:80a",
            "https://termine.kaarst.de:",
            "https://-kaarst.de",
            "https://kaarst..de",
            "https://kaarst de",
            "https://[::1",
            "https://[nicht-ipv6]",
            "https://bürgerbüro.de",
        ] {
            let message = CorsOrigins::parse(bad).unwrap_err().to_string();
            assert!(message.contains("scheme://host[:port]"), "{bad}: {message}");
        }
        let message = CorsOrigins::parse("https://a.de, https://b.de/")
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("`https://b.de/` is not an origin"),
            "{message}"
        );
    }

    #[test]
    fn staff_admin_and_login_paths_take_authorization() {
        assert!(is_staff_path("/api/v1/staff/bookings"));
        assert!(is_staff_path("/api/v1/admin/users"));
        assert!(is_staff_path("/api/v1/auth/token"));
        assert!(!is_staff_path("/api/v1/bookings"));
        assert!(!is_staff_path("/api/v1/offices/buergerbuero/services"));
        assert!(!is_staff_path("/api/v1/staffing"));
    }
}
