//! Assembling the server: settings in, database opened, routes registered,
//! listening; and the OpenAPI document of the handlers.

use crate::auth;
use crate::challenge::Challenges;
use crate::clock::Clock;
use crate::http::cors::BrowserOrigins;
use crate::http::error::{ApiError, ErrorCode, Problem};
use crate::http::limits::CitizenLimits;
use crate::http::logging;
use crate::http::protocol::{self, Routes};
use crate::http::routes;
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::state::AppState;
use crate::usecases::mail::{MailConfig, Sender};
use crate::usecases::passes::Passes;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue, HttpDate};
use actix_web::middleware::Next;
use actix_web::{App, HttpServer, middleware, web};
use persistence::Store;
use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

/// The largest request body accepted (a booking is well under 1 KiB).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// How long a staff token lasts: one working day.
pub const TOKEN_LIFETIME: time::Duration = time::Duration::hours(10);

/// Adds the bearer scheme the staff and admin routes name.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A token from POST /api/v1/auth/token"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Terminvergabe",
        description = "Appointments of a city hall (Bürgerbüro Kaarst): slot search, bookings, Tagestickets. \
            Times are RFC 3339 in Europe/Berlin; every error is application/problem+json with a stable `code`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    tags(
        (name = "citizens", description = "Finding and booking appointments; no account needed"),
        (name = "staff", description = "Telephone service, Infotheke and counters: booking for citizens, the day's list"),
        (name = "admin", description = "Staff accounts, office configuration, the audit log"),
        (name = "operations", description = "Health, readiness and metrics"),
    ),
    components(schemas(Problem, ErrorCode)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// The OpenAPI document of the handlers (what `openapi.yaml` holds).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::register)
        .split_for_parts();
    crate::http::spec::complete(&mut api);
    api
}

/// The spec as YAML, as committed in `openapi.yaml`.
///
/// Written in the JSON form of YAML (YAML 1.2 is a superset of JSON): every
/// string is quoted, so no YAML 1.1 reader takes an example like `12:00` for
/// the integer 720 or `2026-12-24` for a date.
pub fn openapi_yaml() -> Result<String, String> {
    serde_json::to_string_pretty(&openapi())
        .map(|json| json + "\n")
        .map_err(|e| e.to_string())
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_BODY_BYTES)
        .error_handler(|err, _req| {
            let api = match &err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::BodyTooLarge,
                    format!("the body may have at most {MAX_BODY_BYTES} bytes"),
                ),
                JsonPayloadError::ContentType => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::UnsupportedMediaType,
                    "send the body as application/json",
                ),
                JsonPayloadError::Deserialize(e) => ApiError::bad_request(
                    ErrorCode::InvalidBody,
                    format!("the body is not valid: {e}"),
                ),
                other => ApiError::bad_request(ErrorCode::InvalidBody, other.to_string()),
            };
            api.into()
        })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("the query is not valid: {err}"),
        )
        .into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::not_found(format!("no such resource: {err}")).into()
    })
}

/// R25: a citizen request over its address's limit is answered 429
/// `rate_limited` with `Retry-After`, before any work is done for it.
async fn limit_citizens(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // By the route the path matches as the router decodes it, never the raw
    // path (issue #23: `/%61pi/v1/bookings` skipped every limit).
    let area = protocol::matched(req.request()).area;
    let traffic = CitizenLimits::traffic(req.method(), area);
    if let (Some(traffic), Some(state)) = (traffic, req.app_data::<web::Data<AppState>>()) {
        let addr = state.proxies.of(req.request());
        if let Err(wait) = state.limits.check(traffic, addr) {
            let detail = format!("too many requests from this address; try again in {wait} s");
            let seconds = u32::try_from(wait).unwrap_or(u32::MAX);
            return Err(ApiError::too_many(ErrorCode::RateLimited, detail, seconds).into());
        }
    }
    next.call(req).await
}

/// What Swagger UI may load: its own files, its inline styles and data:
/// images; never framed (issue #23: it lacked the page's policy).
pub const SWAGGER_CSP: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Every answer says `X-Content-Type-Options: nosniff` (a browser must not
/// take API JSON for a script or page), and Swagger UI gets its CSP.
async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let swagger = req.match_info().as_str().starts_with("/swagger-ui");
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    if !headers.contains_key(header::X_CONTENT_TYPE_OPTIONS) {
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    if swagger && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SWAGGER_CSP),
        );
    }
    Ok(res)
}

/// With a frozen clock (`TERMIN_NOW`) the `Date` header of the answers says
/// the frozen time, as the handlers see it, so a client that reads the time from
/// the server (the booking page's hold countdown) agrees with the rules. With
/// the real clock the HTTP layer writes `Date` as always.
async fn frozen_date(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let frozen = match req.app_data::<web::Data<AppState>>().map(|s| &s.clock) {
        Some(clock @ Clock::Frozen(_)) => Some(clock.now()),
        _ => None,
    };
    // (An error a middleware returns, such as the 429 of R25, is made into
    // a response further out and keeps the HTTP layer's `Date`.)
    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(now) = frozen {
        let date = HttpDate::from(std::time::SystemTime::from(now)).to_string();
        if let Ok(value) = HeaderValue::from_str(&date) {
            res.headers_mut().insert(header::DATE, value);
        }
    }
    Ok(res)
}

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    clock: Clock,
    store: Arc<Store>,
    mail: Arc<MailConfig>,
    /// R31: the retention days and how often the erasure runs.
    retention: (u32, std::time::Duration),
    /// The passes of the outbox's sender and of the retention run.
    sender_passes: Arc<Passes>,
    retention_passes: Arc<Passes>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] persistence::StoreError),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("TERMIN_BOOTSTRAP_ADMIN: {0}")]
    BootstrapAdmin(String),
    #[error("the signing secret cannot be used: {0}")]
    Secret(String),
}

impl Application {
    /// Opens (and migrates, and on first start seeds) the database and binds.
    pub fn build(settings: &Settings) -> Result<Self, StartError> {
        // R23: the tokens kept for unsent messages are sealed with a key
        // derived from TERMIN_JWT_SECRET (random per start without one).
        let database_url = settings.database_url.expose_secret();
        let store = Arc::new(
            Store::open_with_pool_size(database_url, settings.pool_size)?
                .with_message_key(settings.jwt_secret.as_ref().map(|s| s.expose())),
        );
        let clock = settings.now.map_or(Clock::System, Clock::frozen);
        if let Some(at) = settings.now {
            tracing::warn!(%at, "the clock is frozen (TERMIN_NOW)");
        }
        if let Some((username, password)) = &settings.bootstrap_admin {
            let hash = auth::hash_password(password.expose_secret())
                .map_err(|e| StartError::BootstrapAdmin(e.to_string()))?;
            if store.bootstrap_admin(username, &hash, clock.now())? {
                tracing::info!(%username, "created the first admin (TERMIN_BOOTSTRAP_ADMIN)");
            }
        }
        let secret = match &settings.jwt_secret {
            Some(s) => s.expose().to_vec(),
            None => {
                tracing::warn!(
                    "TERMIN_JWT_SECRET is not set: staff tokens are signed with a random key \
                     and become invalid when the server restarts; messages unsent at a \
                     restart go out without their manage link"
                );
                use rand::Rng;
                rand::rng().random::<[u8; 32]>().to_vec()
            }
        };
        let mail = Arc::new(MailConfig {
            smtp: settings.smtp.clone(),
            from: settings.mail_from.clone(),
            public_url: settings.public_url.clone(),
            poll: settings.mail_poll,
        });
        match &mail.smtp {
            None => tracing::warn!(
                "TERMIN_SMTP_URL is not set: messages to citizens stay in the outbox, unsent \
                 (GET /api/v1/admin/messages lists them)"
            ),
            Some(smtp) if smtp.is_log() => tracing::warn!(
                "TERMIN_SMTP_URL=log: messages to citizens, with their addresses and codes, are \
                 written to this log instead of being sent; for trials only, never in production"
            ),
            Some(_) => {}
        }
        let challenges = Challenges::new(&secret, settings.challenge_maxnumber)
            .map_err(|e| StartError::Secret(e.to_string()))?;
        let display_streams = streams_within_open_files(settings.display_streams);
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| StartError::Bind(settings.bind.clone(), e))?;
        let port = listener
            .local_addr()
            .map_err(|e| StartError::Bind(settings.bind.clone(), e))?
            .port();
        let state = web::Data::new(AppState {
            store: Arc::clone(&store),
            clock: clock.clone(),
            tokens: auth::Tokens::new(&secret, TOKEN_LIFETIME),
            throttle: auth::LoginThrottle::new(&clock),
            passwords: auth::PasswordPool::per_core(),
            challenges,
            proxies: settings.trusted_proxies.clone(),
            limits: CitizenLimits::new(
                settings.rate_limit_reads,
                settings.rate_limit_writes,
                &clock,
            ),
            mail: Arc::clone(&mail),
            metrics: Metrics::with_token(settings.metrics_token.clone(), settings.metrics_keep),
            offers: Arc::default(),
            lookups: Arc::default(),
            stamps: Arc::default(),
            exhausted: Arc::default(),
            display: Arc::new(crate::usecases::display::Display::new(
                Arc::clone(&store),
                clock.clone(),
                (settings.display_poll, settings.display_heartbeat),
                display_streams,
            )),
        });
        if settings.trusted_proxies == crate::http::client::TrustedProxies::default() {
            tracing::info!(
                "TERMIN_TRUSTED_PROXIES is empty: X-Forwarded-For is ignored and each peer is \
                 one client (R25); behind a reverse proxy, list it there"
            );
        }
        let spec = openapi();
        let routes = web::Data::new(Routes::from_spec(&spec, &routes::web::PATHS));
        let origins = settings.cors_origins.clone();
        if !origins.is_empty() {
            tracing::info!(origins = ?origins.as_slice(), "browser frontends may call from these origins (CORS)");
        }
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(routes.clone())
                .app_data(json_config())
                .app_data(path_config())
                .app_data(query_config())
                .configure(routes::register)
                .split_for_parts();
            // The citizens' booking page (issue #15), outside the spec.
            app.configure(routes::web::register)
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}")
                        .url("/api-docs/openapi.json", spec.clone()),
                )
                // A municipality's page (R39), `/{municipality}/`: last, as
                // it matches any first segment.
                .configure(routes::web::register_municipalities)
                .default_service(web::to(protocol::no_route))
                // Inner to outer: the citizens' limits (R25); CORS, which
                // answers preflights before they count or reach the routes, and
                // marks every answer, 429 included; problem+json on every error
                // answer; HEAD served as GET; compression; the frozen clock's
                // `Date`; nosniff and Swagger UI's CSP; the access log; the
                // request's id and its span.
                .wrap(middleware::from_fn(limit_citizens))
                .wrap(BrowserOrigins::new(origins.clone()))
                .wrap(middleware::from_fn(protocol::problem_bodies))
                .wrap(middleware::from_fn(protocol::head_as_get))
                .wrap(middleware::Compress::default())
                .wrap(middleware::from_fn(frozen_date))
                .wrap(middleware::from_fn(security_headers))
                // Sees the method as sent (HEAD) and the final status.
                .wrap(middleware::from_fn(logging::access_log))
                // Outermost: every line logged for the request, the access
                // log's included, carries its id.
                .wrap(middleware::from_fn(logging::request_id))
        })
        .shutdown_timeout(20);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        // Store calls run on each worker's blocking threads, and all of
        // them wait for one of `pool_size` connections: more threads than
        // connections only hold memory (the 07:00 rush grew actix's default
        // of 512 threads to 550-630 MB, docs/PERFORMANCE.md). Calls beyond
        // wait in the queue, as they would for a connection.
        server = server.worker_max_blocking_threads(settings.pool_size.max(2) as usize);
        let server = server
            .listen(listener)
            .map_err(|e| StartError::Bind(settings.bind.clone(), e))?
            .run();
        tracing::info!(port, backend = store.backend().as_str(), "listening");
        Ok(Self {
            server,
            port,
            clock,
            store,
            mail,
            retention: (settings.retention_days, settings.retention_poll),
            sender_passes: Arc::default(),
            retention_passes: Arc::default(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The clock the handlers use; tests move a frozen one.
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    pub fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store)
    }

    /// The passes the outbox's sender has completed (R23), once running;
    /// tests wait on them instead of sleeping.
    pub fn sender_passes(&self) -> Arc<Passes> {
        Arc::clone(&self.sender_passes)
    }

    /// The retention runs completed (R31), once running.
    pub fn retention_passes(&self) -> Arc<Passes> {
        Arc::clone(&self.retention_passes)
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGTERM or SIGINT: in-flight requests finish),
    /// with the outbox's sender beside it (R23) and the sweep of the
    /// Tagesticket draws (R27); the sender stops with the server, after the
    /// message in hand.
    pub async fn run(self) -> std::io::Result<()> {
        let sweep = crate::usecases::draw_sweep::DrawSweep::spawn(
            Arc::clone(&self.store),
            self.clock.clone(),
        );
        let retention = crate::usecases::retention::spawn(
            Arc::clone(&self.store),
            self.clock.clone(),
            self.retention,
            self.retention_passes,
        );
        let sender = Sender::spawn(self.store, self.clock, self.mail, self.sender_passes);
        let result = self.server.await;
        sender.stop().await;
        sweep.stop().await;
        retention.abort();
        result
    }
}

/// Raises the process's limit of open files to its hard limit (issue #23:
/// display streams used up the default 1024 and the database could no
/// longer be opened), and caps the display streams to what then fits,
/// keeping room for connections, the database and the pool.
fn streams_within_open_files(wanted: u32) -> u32 {
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the limit of open files");
            return wanted;
        }
    };
    // Half for the streams, the rest for requests, the database and logs.
    let fits = u32::try_from(limit / 2).unwrap_or(u32::MAX);
    if wanted > fits {
        tracing::warn!(
            open_files = limit,
            streams = fits,
            "TERMIN_DISPLAY_STREAMS is more than the limit of open files allows; capped"
        );
        return fits.max(1);
    }
    wanted
}
