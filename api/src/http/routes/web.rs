//! The reference booking page for citizens (issue #15): plain HTML, CSS and
//! JavaScript modules under `api/web/`, embedded in the binary at build time
//! and served per municipality (R39) at `/{municipality}/` (Kaarst's at
//! `/kaarst/`; `/` leads to the only one or the page lists them); the
//! manage link of a confirmation, `/termine/{id}`, serves the same page,
//! which finds the municipality from the booking's office. The assets are
//! under `/web/`; the waiting-room screen of an office (R28) at
//! `/display/{office}`. The pages call only the public API of the same
//! origin. These routes are not API and are not in the OpenAPI spec; the
//! citizens' rate limits (R25) do not count them (`protocol::is_citizen_path`
//! names `/api/v1/` only).

use crate::http::error::ApiError;
use crate::http::protocol;
use crate::state::AppState;
use crate::usecases::municipalities::{self, PathName};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use sha2::{Digest, Sha256};

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

/// The page itself.
const INDEX: Asset = Asset {
    name: "index.html",
    content_type: "text/html; charset=utf-8",
    body: include_bytes!("../../../web/index.html"),
};

/// The waiting-room screen (R28); it finds its office in the path itself,
/// so an unknown office gets the page, which says so.
const DISPLAY: Asset = Asset {
    name: "display.html",
    content_type: "text/html; charset=utf-8",
    body: include_bytes!("../../../web/display.html"),
};

/// What a person sees at an address that names no municipality (R39;
/// status 404): a short page in German and English with the way to the
/// overview. No script.
const NOT_FOUND: Asset = Asset {
    name: "notfound.html",
    content_type: "text/html; charset=utf-8",
    body: include_bytes!("../../../web/notfound.html"),
};

/// The files under `/web/`.
pub const ASSETS: [Asset; 23] = [
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/app.js"),
    },
    Asset {
        name: "api.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/api.js"),
    },
    Asset {
        name: "i18n.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/i18n.js"),
    },
    Asset {
        name: "errors.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/errors.js"),
    },
    Asset {
        name: "dom.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/dom.js"),
    },
    Asset {
        name: "lang.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/lang.js"),
    },
    Asset {
        name: "page.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/page.js"),
    },
    Asset {
        name: "place.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/place.js"),
    },
    Asset {
        name: "choice.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/choice.js"),
    },
    Asset {
        name: "form.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/form.js"),
    },
    Asset {
        name: "parts.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/parts.js"),
    },
    Asset {
        name: "offer.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/offer.js"),
    },
    Asset {
        name: "search.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/search.js"),
    },
    Asset {
        name: "hold.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/hold.js"),
    },
    Asset {
        name: "manage.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/manage.js"),
    },
    Asset {
        name: "draw.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/draw.js"),
    },
    Asset {
        name: "contact.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/contact.js"),
    },
    Asset {
        name: "mine.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/mine.js"),
    },
    Asset {
        name: "display.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/display.js"),
    },
    Asset {
        name: "altcha.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../web/altcha.js"),
    },
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../../web/style.css"),
    },
    Asset {
        name: "display.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../../web/display.css"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../../web/favicon.svg"),
    },
];

/// Only this origin: no inline script or style, no third-party request, no
/// framing, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The paths of the pages (for `protocol::Routes`: `HEAD`, and 405 with
/// `Allow` for other methods). A municipality's paths match any first
/// segment: they are registered last (`register_municipalities`), and the
/// server's own first segments are `domain::RESERVED_SLUGS`.
pub const PATHS: [&str; 6] = [
    "/",
    "/termine/{id}",
    "/display/{office}",
    "/web/{file}",
    "/{municipality}/",
    "/{municipality}",
];

/// Registers the pages' routes with a fixed first segment (plain actix
/// routes, outside the spec).
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(root))
        .route("/termine/{id}", web::get().to(page))
        .route("/display/{office}", web::get().to(display))
        .route("/web/{file}", web::get().to(asset));
}

/// Registers a municipality's page (R39), `/{municipality}/`, and its
/// address without the slash; after every other route, as they match any
/// first segment.
pub fn register_municipalities(cfg: &mut web::ServiceConfig) {
    cfg.route("/{municipality}/", web::get().to(municipality_page))
        .route("/{municipality}", web::get().to(municipality_bare));
}

/// `/`: the page of the only municipality (303 there), or the page, which
/// lists them all.
async fn root(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let all = municipalities::municipalities(&state).await?;
    Ok(match all.as_slice() {
        [only] => redirect(&req, StatusCode::SEE_OTHER, only.id.as_str()),
        _ => serve(&req, &INDEX),
    })
}

async fn page(req: HttpRequest) -> HttpResponse {
    serve(&req, &INDEX)
}

/// `/{municipality}/`: the page of a municipality of this deployment; one
/// spelt otherwise (`/Kaarst/`) is sent to its id. The server's own first
/// segments (`/web/`, `/api/`) are 404 `no_route` as before; any other
/// address is the 404 page.
async fn municipality_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    segment: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    match municipalities::named_by(&state, &segment).await? {
        PathName::Municipality(_) => Ok(serve(&req, &INDEX)),
        PathName::Respelt(id) => Ok(redirect(&req, StatusCode::MOVED_PERMANENTLY, id.as_str())),
        PathName::Reserved => Err(protocol::no_such_path()),
        PathName::Unknown => Ok(not_found()),
    }
}

/// `/{municipality}`: its page is at `/{municipality}/`.
async fn municipality_bare(
    req: HttpRequest,
    state: web::Data<AppState>,
    segment: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    match municipalities::named_by(&state, &segment).await? {
        PathName::Municipality(id) | PathName::Respelt(id) => {
            Ok(redirect(&req, StatusCode::MOVED_PERMANENTLY, id.as_str()))
        }
        PathName::Reserved => Err(protocol::no_such_path()),
        PathName::Unknown => Ok(not_found()),
    }
}

async fn display(req: HttpRequest) -> HttpResponse {
    serve(&req, &DISPLAY)
}

async fn asset(req: HttpRequest, file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    ASSETS
        .iter()
        .find(|a| a.name == file.as_str())
        .map(|a| serve(&req, a))
        .ok_or_else(|| ApiError::not_found("the page has no such file"))
}

/// To the page of the municipality `id`, with the query kept (`?lang=en`);
/// revalidated like the pages, as what `/` leads to changes with the
/// municipalities.
fn redirect(req: &HttpRequest, status: StatusCode, id: &str) -> HttpResponse {
    let mut to = format!("/{id}/");
    if !req.query_string().is_empty() {
        to = format!("{to}?{}", req.query_string());
    }
    let mut res = HttpResponseBuilder::new(status);
    secured(&mut res);
    match HeaderValue::from_str(&to) {
        Ok(location) => res.insert_header((header::LOCATION, location)),
        Err(_) => res.insert_header((header::LOCATION, format!("/{id}/"))),
    };
    res.finish()
}

/// The 404 page (R39: `/gibtsnicht/`).
fn not_found() -> HttpResponse {
    let mut res = HttpResponse::NotFound();
    secured(&mut res);
    res.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(NOT_FOUND.content_type),
    ))
    .body(NOT_FOUND.body)
}

/// `Cache-Control: no-cache` (browsers revalidate, so a new binary's page
/// is seen at once) and the security headers.
fn secured(res: &mut HttpResponseBuilder) {
    res.insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
}

/// The file with its type, a strong `ETag` of its bytes (an unchanged file
/// costs a 304), revalidated and with the security headers (`secured`).
fn serve(req: &HttpRequest, asset: &Asset) -> HttpResponse {
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(asset.body))[..32]);
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    secured(&mut res);
    res.insert_header((header::ETAG, etag));
    if fresh {
        return res.finish();
    }
    res.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    ))
    .body(asset.body)
}
