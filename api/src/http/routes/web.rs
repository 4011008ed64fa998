//! The reference booking page for citizens (issue #15): plain HTML, CSS and
//! JavaScript modules under `api/web/`, embedded in the binary at build time
//! and served at `/` (the manage link of a confirmation, `/termine/{id}`,
//! serves the same page) with the assets under `/web/`; the waiting-room
//! screen of an office (R28) at `/display/{office}`. The pages call only
//! the public API of the same origin. These routes are not API and are not in
//! the OpenAPI spec; the citizens' rate limits (R25) do not count them
//! (`protocol::is_citizen_path` names `/api/v1/` only).

use crate::http::error::ApiError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
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

/// The files under `/web/`.
pub const ASSETS: [Asset; 19] = [
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

/// The paths of the page (for `protocol::Routes`: `HEAD`, and 405 with
/// `Allow` for other methods).
pub const PATHS: [&str; 4] = ["/", "/termine/{id}", "/display/{office}", "/web/{file}"];

/// Registers the page's routes (plain actix routes, outside the spec).
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(page))
        .route("/termine/{id}", web::get().to(page))
        .route("/display/{office}", web::get().to(display))
        .route("/web/{file}", web::get().to(asset));
}

async fn page(req: HttpRequest) -> HttpResponse {
    serve(&req, &INDEX)
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

/// The file with its type, a strong `ETag` of its bytes, `Cache-Control:
/// no-cache` (browsers revalidate, so a new binary's page is seen at once;
/// an unchanged file costs a 304) and the security headers.
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
    res.insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if fresh {
        return res.finish();
    }
    res.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    ))
    .body(asset.body)
}
