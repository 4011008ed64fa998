//! The edges of HTTP the handlers do not see: which methods each path
//! offers (the `Allow` header of a 405), `HEAD` answered as `GET` without
//! the body, and a problem+json body on every error response the
//! application produces, whoever produced it.

use crate::http::error::{ApiError, ErrorCode};
use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web;

/// The methods of every registered path pattern, from the OpenAPI document
/// (which is generated from the registered handlers) and the documentation
/// routes and the citizens' page, which are not in it.
#[derive(Debug, Clone)]
pub struct Routes {
    /// Each pattern with its literal start (up to the first `{`), which a
    /// path must begin with before the pattern is tried: most patterns are
    /// passed over by a string comparison, not a match (every request is
    /// classified, so this is on the hot path).
    routes: Vec<(String, ResourceDef, Area, Vec<Method>)>,
}

/// The paths that take a staff token: staff, admin, the login.
pub fn is_staff_path(path: &str) -> bool {
    ["/api/v1/staff/", "/api/v1/admin/", "/api/v1/auth/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// The citizens' paths: the API without a staff token (R25 limits them).
pub fn is_citizen_path(path: &str) -> bool {
    path.starts_with("/api/v1/") && !is_staff_path(path)
}

/// What a request is, by the route pattern it matches: never by the raw
/// path, which the router decodes first (`/%61pi/v1/bookings` is routed as
/// `/api/v1/bookings`, so it must be limited as one; issue #23).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The citizens' API without a token; R25 limits it.
    Citizens,
    /// The public display stream of an office (R28): a citizens' read that
    /// stays open, so it is also capped per address and in total.
    Display,
    /// Staff and admin paths: a staff token.
    Staff,
    /// The staff login: its own limit (R11).
    Login,
    /// Health, readiness, metrics.
    Operations,
    /// The booking page, the display page, Swagger UI and the spec.
    Pages,
}

impl Area {
    /// The area of a route pattern (as registered, e.g.
    /// `/api/v1/bookings/{id}`).
    pub fn of_pattern(pattern: &str) -> Self {
        if pattern == "/api/v1/offices/{office}/display" {
            Self::Display
        } else if pattern.starts_with("/api/v1/auth/") {
            Self::Login
        } else if is_staff_path(pattern) {
            Self::Staff
        } else if is_citizen_path(pattern) {
            Self::Citizens
        } else if ["/healthz", "/readyz", "/metrics"].contains(&pattern) {
            Self::Operations
        } else {
            Self::Pages
        }
    }

    /// Whether R25's limits count a request of this area.
    pub fn is_citizens(self) -> bool {
        matches!(self, Self::Citizens | Self::Display)
    }

    /// Whether the staff's CORS policy (Authorization allowed) applies.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Staff | Self::Login)
    }
}

/// The route a request matches: its area and the methods its path is
/// served with; found once per request (see [`matched`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matched {
    /// `None`: no route has this path (a 404).
    pub area: Option<Area>,
    pub allowed: Vec<Method>,
}

/// The route `req` matches, as the router will see it: on the path the
/// router matches (percent-escapes decoded as it decodes them), not on the
/// raw path. Cached in the request's extensions.
pub fn matched(req: &actix_web::HttpRequest) -> Matched {
    if let Some(found) = req.extensions().get::<Matched>() {
        return found.clone();
    }
    let found = req
        .app_data::<web::Data<Routes>>()
        .map(|r| r.matched(req.match_info().as_str()))
        .unwrap_or_default();
    req.extensions_mut().insert(found.clone());
    found
}

/// Methods in the order the `Allow` header lists them.
const ORDER: [Method; 6] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// The routes Swagger UI and the spec are served on (not in the spec).
const DOC_ROUTES: [&str; 3] = [
    "/swagger-ui/{_:.*}",
    "/swagger-ui",
    "/api-docs/openapi.json",
];

impl Routes {
    /// The routes of `spec`'s paths, plus the documentation routes and the
    /// `pages` outside the spec (the booking page's, served with `GET`).
    pub fn from_spec(spec: &utoipa::openapi::OpenApi, pages: &[&'static str]) -> Self {
        let mut routes = Vec::new();
        let value = serde_json::to_value(spec).unwrap_or_default();
        if let Some(paths) = value.get("paths").and_then(|p| p.as_object()) {
            for (pattern, item) in paths {
                let methods = item
                    .as_object()
                    .map(|ops| {
                        ops.keys()
                            .filter_map(|m| Method::from_bytes(m.to_uppercase().as_bytes()).ok())
                            .filter(|m| ORDER.contains(m))
                            .collect()
                    })
                    .unwrap_or_default();
                let area = Area::of_pattern(pattern);
                routes.push((
                    literal_start(pattern),
                    ResourceDef::new(pattern.as_str()),
                    area,
                    methods,
                ));
            }
        }
        for pattern in DOC_ROUTES.into_iter().chain(pages.iter().copied()) {
            let area = Area::of_pattern(pattern);
            routes.push((
                literal_start(pattern),
                ResourceDef::new(pattern),
                area,
                vec![Method::GET],
            ));
        }
        Self { routes }
    }

    /// The route of `path` (a path as the router matches it): its area and
    /// every method it is served with, `HEAD` wherever `GET` is.
    pub fn matched(&self, path: &str) -> Matched {
        let mut area = None;
        let mut found: Vec<&Method> = Vec::new();
        for (start, def, a, methods) in &self.routes {
            if path.starts_with(start.as_str()) && def.is_match(path) {
                area.get_or_insert(*a);
                found.extend(methods);
            }
        }
        if found.contains(&&Method::GET) {
            found.push(&Method::HEAD);
        }
        let allowed = ORDER.into_iter().filter(|m| found.contains(&m)).collect();
        Matched { area, allowed }
    }

    /// Every method `path` is served with, `HEAD` wherever `GET` is; empty
    /// when no route has this path.
    pub fn allowed(&self, path: &str) -> Vec<Method> {
        self.matched(path).allowed
    }

    /// Every route pattern, as registered (`/api/v1/bookings/{id}`).
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        self.routes
            .iter()
            .filter_map(|(_, def, _, _)| def.pattern())
    }
}

/// What every path of `pattern` begins with: the pattern up to its first
/// dynamic segment.
fn literal_start(pattern: &str) -> String {
    pattern.split('{').next().unwrap_or_default().to_owned()
}

/// The `Allow` header's value for `methods`.
pub fn allow_header(methods: &[Method]) -> String {
    methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The default service: 405 with `Allow` when the path is served with other
/// methods, else 404.
pub async fn no_route(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    let allowed = matched(&req).allowed;
    if allowed.is_empty() {
        return Err(no_such_path());
    }
    Err(ApiError::method_not_allowed(
        req.method(),
        allow_header(&allowed),
    ))
}

/// 404 `no_route`: no route serves this path.
pub fn no_such_path() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NoRoute,
        "there is no such path in this API",
    )
}

/// Marks a request that came as `HEAD` and runs as `GET`: a handler whose
/// body never ends (the display's stream, R28) answers it with the headers
/// alone.
#[derive(Debug, Clone, Copy)]
pub struct HeadRequest;

/// `HEAD` on a path served with `GET` runs the `GET` handler (RFC 9110,
/// 9.3.2); the server sends its headers without the body (actix leaves out
/// the body of every answer to a `HEAD` request).
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        let has_get = matched(req.request()).allowed.contains(&Method::GET);
        if has_get {
            req.head_mut().method = Method::GET;
            req.extensions_mut().insert(HeadRequest);
        }
    }
    next.call(req).await
}

/// The code of an error response that was made without one (not by an
/// [`ApiError`]): by its status.
fn fallback_code(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::NOT_FOUND => ErrorCode::NoRoute,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::BodyTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        s if s.is_server_error() => ErrorCode::InternalError,
        _ => ErrorCode::MalformedRequest,
    }
}

fn is_problem(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"))
}

/// An answer for people: the 404 page of an address that names no
/// municipality (`routes::web`; R39), the only error page the server makes.
fn is_page(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

/// Gives every error response (4xx, 5xx) the application makes a
/// problem+json body: those of the handlers already have one; this adds it
/// to the ones made elsewhere (an empty 404 of Swagger UI, an error of a
/// middleware), keeping their status and headers. The one page the server
/// answers an error with (an unknown municipality's address) stays a page.
pub async fn problem_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The routes and their extractors turn every error into a response;
    // only a middleware inside this one could fail here, and none does.
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_problem(&res) || is_page(&res)
    {
        return Ok(res);
    }
    let detail = format!(
        "the request was refused: {}",
        status.canonical_reason().unwrap_or("error")
    );
    let problem = ApiError::new(status, fallback_code(status), detail).problem();
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    Ok(res.map_body(|head, _| {
        head.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        BoxBody::new(body)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_methods_come_from_the_spec_and_head_follows_get() {
        let routes = Routes::from_spec(&crate::openapi(), &[]);
        let names = |path: &str| allow_header(&routes.allowed(path));
        assert_eq!(names("/api/v1/bookings"), "POST");
        assert_eq!(
            names("/api/v1/bookings/0192b5a4-8a7e-7c3e-9f00-000000000000"),
            "GET, HEAD, PATCH, DELETE"
        );
        assert_eq!(names("/healthz"), "GET, HEAD");
        assert_eq!(
            names("/api/v1/admin/users/anna"),
            "PATCH",
            "only PATCH is registered on one user"
        );
        assert_eq!(names("/swagger-ui/index.html"), "GET, HEAD");
        assert_eq!(names("/api/v1/nothing"), "");
    }

    #[test]
    fn error_responses_without_a_code_get_one_by_status() {
        assert_eq!(fallback_code(StatusCode::NOT_FOUND), ErrorCode::NoRoute);
        assert_eq!(
            fallback_code(StatusCode::BAD_REQUEST),
            ErrorCode::MalformedRequest
        );
        assert_eq!(
            fallback_code(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
            ErrorCode::MalformedRequest
        );
        assert_eq!(
            fallback_code(StatusCode::BAD_GATEWAY),
            ErrorCode::InternalError
        );
    }
}
