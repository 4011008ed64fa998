//! The harness of the end-to-end tests: a server on a random port per test,
//! a fresh database, a frozen clock the test moves, and assertion helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod smtp;

use api::Application;
use api::clock::Clock;
use api::settings::{JwtSecret, Settings};
use api::usecases::mail::PublicUrl;
use api::usecases::mail::smtp::Smtp;
use api::usecases::passes::Passes;
use persistence::test_support::TestDb;
use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{Value, json};
use std::sync::Arc;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use persistence::on_both_backends;
pub use persistence::test_support::fixtures::MONDAY_10;

/// The admin every test server starts with (TERMIN_BOOTSTRAP_ADMIN).
pub const ADMIN: (&str, &str) = ("chefin", "Verwaltung-2026!");
/// The base of manage links and the host of calendar UIDs in tests (R23).
pub const PUBLIC_URL: &str = "https://termine.test";
/// The sender of messages in tests.
pub const MAIL_FROM: &str = "Bürgerbüro Test <buergerbuero@termine.test>";
/// The key staff tokens are signed with in tests.
pub const JWT_SECRET: &str = "a test secret that is long enough";

pub struct TestApp {
    pub base: String,
    pub clock: Clock,
    pub client: Client,
    pub store: Arc<persistence::Store>,
    /// The passes of its outbox sender and of its retention run.
    pub sender: Arc<Passes>,
    pub retention: Arc<Passes>,
    store_url: String,
    server: Option<(
        actix_web::dev::ServerHandle,
        std::thread::JoinHandle<std::io::Result<()>>,
    )>,
    /// The test's database; `None` for a second server on another's.
    _db: Option<TestDb>,
}

impl Drop for TestApp {
    /// Stops the server and waits for it, so its connections are closed
    /// before the database is removed.
    fn drop(&mut self) {
        if let Some((handle, thread)) = self.server.take() {
            actix_web::rt::System::new().block_on(handle.stop(false));
            let _ = thread.join();
        }
    }
}

impl TestApp {
    /// A server whose Bürgerbüro takes online bookings without the challenge
    /// (R26), from any postcode (R32) and without limits per contact (R24),
    /// so each test proves its own rules; `spawn_kaarst` keeps the shipped
    /// configuration whole.
    pub fn spawn(db: TestDb) -> Self {
        Self::spawn_kaarst(db).relaxed()
    }

    /// Like `spawn`, behind a trusted proxy at 127.0.0.1: each request can
    /// name its client address in `X-Forwarded-For` (R25).
    pub fn spawn_behind_proxy(db: TestDb) -> Self {
        Self::spawn_with(db, |s| {
            s.trusted_proxies = api::http::client::TrustedProxies::parse("127.0.0.1").unwrap();
        })
        .relaxed()
    }

    /// The Bürgerbüro without the fair-use rules of the shipped configuration.
    pub fn relaxed(self) -> Self {
        self.with_buergerbuero(persistence::test_support::fixtures::without_fair_use())
    }

    /// The Bürgerbüro with `edit` applied, as its admin.
    fn with_buergerbuero(self, edit: domain::OfficeEdit) -> Self {
        let office = persistence::test_support::fixtures::office_id("buergerbuero");
        let admin = domain::Username::parse(ADMIN.0).unwrap();
        self.store
            .update_office(&office, &edit, false, &admin, MONDAY_10)
            .unwrap();
        self
    }

    /// The Bürgerbüro without R33's verified contact, for tests of the
    /// shipped configuration's other rules (R33 has its own).
    pub fn without_verification(self) -> Self {
        self.with_buergerbuero(domain::OfficeEdit::Settings(domain::SettingsChange {
            verify_contact: Some(domain::VerifyContact::Off),
            ..domain::SettingsChange::default()
        }))
    }

    /// The shipped Kaarst configuration but R33 (see `without_verification`).
    pub fn spawn_kaarst_unverified(db: TestDb) -> Self {
        Self::spawn_kaarst(db).without_verification()
    }

    /// A server with the shipped Kaarst configuration.
    pub fn spawn_kaarst(db: TestDb) -> Self {
        Self::spawn_with(db, |_| {})
    }

    /// A server whose settings `tweak` changes first. The citizens' rate
    /// limits (R25) are off unless a test turns them on.
    pub fn spawn_with(db: TestDb, tweak: impl FnOnce(&mut Settings)) -> Self {
        let mut app = Self::spawn_on(db.url(), tweak);
        app._db = Some(db);
        app
    }

    /// A server with an SMTP server for its messages (R23), whose manage
    /// links start with `https://termine.test`.
    pub fn spawn_with_smtp(db: TestDb, smtp_url: &str) -> Self {
        Self::spawn_with(db, |s| mail_via(s, smtp_url)).relaxed()
    }

    /// A second server process on this one's database, with the same
    /// settings `tweak` makes (e.g. the same SMTP server).
    pub fn second(&self, tweak: impl FnOnce(&mut Settings)) -> Self {
        let url = self.store_url.clone();
        let app = Self::spawn_on(&url, tweak);
        app.at(self.clock.now());
        app
    }

    /// A server on the database at `url`, which it does not own.
    pub fn spawn_on(url: &str, tweak: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = Settings::new(url);
        settings.mail_poll = std::time::Duration::from_millis(25);
        settings.rate_limit_reads = None;
        settings.rate_limit_writes = None;
        settings.bind = "127.0.0.1:0".into();
        settings.now = Some(MONDAY_10);
        settings.workers = Some(2);
        settings.pool_size = 8;
        settings.bootstrap_admin =
            Some((domain::Username::parse(ADMIN.0).unwrap(), ADMIN.1.into()));
        settings.jwt_secret = Some(JwtSecret::new(JWT_SECRET).unwrap());
        tweak(&mut settings);
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(&settings).expect("server starts");
                let passes = (app.sender_passes(), app.retention_passes());
                tx.send((app.port(), app.clock(), app.store(), app.handle(), passes))
                    .unwrap();
                app.run().await
            })
        });
        let (port, clock, store, handle, (sender, retention)) =
            rx.recv().expect("server reports its port");
        Self {
            base: format!("http://127.0.0.1:{port}"),
            clock,
            // No gzip even where another workspace member (bench/load's
            // goose) turns on reqwest's gzip feature: the tests read the
            // server's headers as a client without Accept-Encoding gets them.
            client: Client::builder().no_gzip().build().expect("http client"),
            store,
            sender,
            retention,
            store_url: url.to_owned(),
            server: Some((handle, thread)),
            _db: None,
        }
    }

    pub fn at(&self, now: OffsetDateTime) {
        assert!(self.clock.set(now));
    }

    /// Returns once the outbox's sender has completed a whole pass begun
    /// after this call: whatever was due by then (by the clock as it is
    /// now) has been sent or tried, and what was not sent is not on its way.
    pub fn sender_settled(&self) {
        settled(&self.sender, "the outbox's sender");
    }

    /// Returns once a whole retention run (R31) begun after this call has
    /// completed, with the clock as it is now.
    pub fn retention_ran(&self) {
        settled(&self.retention, "the retention run");
    }

    pub fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .unwrap()
    }

    pub fn get_with_token(&self, path: &str, token: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("X-Booking-Token", token)
            .send()
            .unwrap()
    }

    pub fn delete_with_token(&self, path: &str, token: &str) -> Response {
        self.client
            .delete(format!("{}{path}", self.base))
            .header("X-Booking-Token", token)
            .send()
            .unwrap()
    }

    pub fn book(&self, body: &Value) -> Response {
        self.client
            .post(format!("{}/api/v1/bookings", self.base))
            .json(body)
            .send()
            .unwrap()
    }

    /// A request with an optional bearer token and JSON body.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut r: RequestBuilder = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        r.send().unwrap()
    }

    /// Logs in and returns the access token.
    pub fn login(&self, username: &str, password: &str) -> String {
        let r = self.request(
            reqwest::Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"username": username, "password": password})),
        );
        let body = ok_json(r, StatusCode::OK);
        assert_eq!(body["token_type"], "Bearer");
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub fn admin_token(&self) -> String {
        self.login(ADMIN.0, ADMIN.1)
    }

    /// Creates a staff user (as the bootstrap admin) and returns its token.
    pub fn staff(&self, username: &str, role: &str) -> String {
        let password = format!("{username}-password-2026");
        let r = self.request(
            reqwest::Method::POST,
            "/api/v1/admin/users",
            Some(&self.admin_token()),
            Some(&json!({"username": username, "password": password, "role": role})),
        );
        ok_json(r, StatusCode::CREATED);
        self.login(username, &password)
    }

    pub fn bookings_on(&self, date: time::Date) -> usize {
        let office = persistence::test_support::fixtures::office_id("buergerbuero");
        self.store.day_appointments(&office, date).unwrap().len()
    }
}

/// Waits (real time, bounded) until `passes` has counted two more: the pass
/// under way now may have begun before, the one after it began after.
fn settled(passes: &Passes, what: &str) {
    let target = passes.count() + 2;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while passes.count() < target {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} completed no pass in 20 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Settings whose messages go to the SMTP server at `smtp_url`, from
/// [`MAIL_FROM`], with manage links under [`PUBLIC_URL`] (R23).
pub fn mail_via(s: &mut Settings, smtp_url: &str) {
    s.smtp = Some(Smtp::new(smtp_url).unwrap());
    s.public_url = PublicUrl::parse(PUBLIC_URL).unwrap();
    s.mail_from = MAIL_FROM.parse().unwrap();
}

pub fn ok_json(r: Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status, "{:?}", r.text());
    r.json().unwrap()
}

/// Asserts an RFC 9457 problem with this status and code.
pub fn problem(r: Response, status: StatusCode, code: &str) -> Value {
    let got = r.status();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = r.json().unwrap();
    assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{body}");
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(body["status"], status.as_u16());
    assert!(body["type"].as_str().unwrap().ends_with(code));
    assert!(!body["title"].as_str().unwrap().is_empty());
    assert!(!body["detail"].as_str().unwrap().is_empty());
    body
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

pub fn booking(services: &[&str], start: OffsetDateTime, kind: &str) -> Value {
    json!({
        "office": "buergerbuero",
        "services": services,
        "start": rfc3339(start),
        "kind": kind,
        "citizen": {"name": "Erika Mustermann", "email": "erika@example.org"}
    })
}

/// An `X-Altcha` header: a challenge of `app`, solved (R26).
pub fn solved(app: &TestApp) -> String {
    let c: api::challenge::Challenge = {
        let v: Value = ok_json(app.get("/api/v1/challenge"), StatusCode::OK);
        assert_eq!(v["algorithm"], "SHA-256");
        assert!(v["salt"].as_str().unwrap().contains("?expires="));
        api::challenge::Challenge {
            algorithm: "SHA-256",
            challenge: v["challenge"].as_str().unwrap().into(),
            maxnumber: v["maxnumber"].as_u64().unwrap(),
            salt: v["salt"].as_str().unwrap().into(),
            signature: v["signature"].as_str().unwrap().into(),
        }
    };
    api::challenge::solve(&c).expect("solvable")
}

pub fn regular(start: OffsetDateTime) -> Value {
    booking(&["anmeldung"], start, "regular")
}

pub fn day_ticket(start: OffsetDateTime) -> Value {
    booking(&["ausweis-abholung"], start, "day_ticket")
}
