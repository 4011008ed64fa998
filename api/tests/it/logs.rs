//! What the server writes to its log: no password, token, e-mail address,
//! phone number, name or booking code, at any level. The real binary runs
//! with `RUST_LOG=trace` (its own subscriber, with the bridge that carries
//! the `log` records of actix into it), a full HTTP flow uses values that
//! occur nowhere else, and the captured output is searched for each.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use persistence::test_support::TestDb;
use reqwest::Method;
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

on_both_backends!(
    LoggedServer::spawn;
    nothing_secret_or_personal_reaches_the_log,
    each_line_of_a_request_carries_its_id,
    r25_a_forwarded_for_from_an_untrusted_peer_is_named_once,
);

on_both_backends!(
    LoggedServer::spawn_logging_mail;
    r33_with_smtp_url_log_a_trial_reads_the_code_in_the_log,
);

/// The server binary on a fresh database, its stdout and stderr captured.
struct LoggedServer {
    base: String,
    client: Client,
    child: Mutex<Child>,
    log: Arc<Mutex<String>>,
    readers: Mutex<Vec<JoinHandle<()>>>,
    /// Where its messages go (R23): they are sent, and the sending logged.
    sink: common::smtp::SmtpSink,
    _db: TestDb,
}

impl LoggedServer {
    fn spawn(db: TestDb) -> Self {
        let sink = common::smtp::SmtpSink::start();
        let url = sink.url();
        Self::spawn_with_mail(db, sink, &url)
    }

    /// With `TERMIN_SMTP_URL=log`: messages go to the log (trials).
    fn spawn_logging_mail(db: TestDb) -> Self {
        Self::spawn_with_mail(db, common::smtp::SmtpSink::start(), "log")
    }

    fn spawn_with_mail(db: TestDb, sink: common::smtp::SmtpSink, smtp_url: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_terminvergabe"))
            .env("TERMIN_SMTP_URL", smtp_url)
            .env("TERMIN_PUBLIC_URL", PUBLIC_URL)
            .env("TERMIN_MAIL_FROM", MAIL_FROM)
            .env("DATABASE_URL", db.url())
            .env("TERMIN_BIND", "127.0.0.1:0")
            .env("TERMIN_NOW", rfc3339(MONDAY_10))
            .env("TERMIN_JWT_SECRET", JWT_SECRET)
            .env("TERMIN_BOOTSTRAP_ADMIN", format!("{}:{}", ADMIN.0, ADMIN.1))
            .env("TERMIN_WORKERS", "2")
            .env("TERMIN_DB_POOL", "4")
            .env("RUST_LOG", "trace")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = mpsc::channel();
        let mut readers = Vec::new();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for stream in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let log = Arc::clone(&log);
            let port_tx = port_tx.clone();
            readers.push(std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if line.contains("listening")
                        && let Some(port) = line.split("port=").nth(1)
                    {
                        let digits: String =
                            port.chars().take_while(char::is_ascii_digit).collect();
                        let _ = port_tx.send(digits);
                    }
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            }));
        }
        let port = port_rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no port in the log:\n{}", log.lock().unwrap()));
        Self {
            base: format!("http://127.0.0.1:{port}"),
            // No gzip even where another workspace member (bench/load's
            // goose) turns on reqwest's gzip feature: the tests read the
            // server's headers as a client without Accept-Encoding gets them.
            client: Client::builder().no_gzip().build().expect("http client"),
            child: Mutex::new(child),
            log,
            readers: Mutex::new(readers),
            sink,
            _db: db,
        }
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::blocking::Response {
        let mut r = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        r.send().unwrap()
    }

    fn login(&self, username: &str, password: &str) -> reqwest::blocking::Response {
        let body = json!({"username": username, "password": password});
        self.send(Method::POST, "/api/v1/auth/token", None, Some(&body))
    }

    /// Waits (real time, bounded) until `n` lines of the log contain `text`.
    fn wait_for_lines(&self, text: &str, n: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let log = self.log.lock().unwrap();
            if log.lines().filter(|l| l.contains(text)).count() >= n {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{n} lines with `{text}`:\n{log}"
            );
            drop(log);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Stops the server and returns everything it wrote.
    fn stop(&self) -> String {
        let mut child = self.child.lock().unwrap();
        let _ = child.kill();
        let _ = child.wait();
        for reader in self.readers.lock().unwrap().drain(..) {
            let _ = reader.join();
        }
        self.log.lock().unwrap().clone()
    }
}

impl Drop for LoggedServer {
    fn drop(&mut self) {
        if let Ok(mut child) = self.child.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn token_of(r: reqwest::blocking::Response) -> String {
    ok_json(r, StatusCode::OK)["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn nothing_secret_or_personal_reaches_the_log(server: &LoggedServer) {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let tag = &unique[..12];
    let digits = format!("{:07}", uuid::Uuid::new_v4().as_u128() % 10_000_000);
    let wrong_password = format!("Falsch-{tag}");
    let password_as_username = format!("geheim-{tag}");
    let dora_password = format!("Passwort-{tag}");
    let new_password = format!("Neu-Passwort-{tag}");
    let name = format!("Erika Log{tag}");
    let email = format!("log-{tag}@example.org");
    let phone = format!("0171 {digits}");
    let bad_email = format!("kaputt-{tag}@@example.org");
    let bad_phone = format!("ruf-{tag}");
    let forged = format!("Forged{tag}");
    let wrong_booking_token = format!("falscher-token-{tag}");
    let query_key = format!("q{tag}");

    // Logins: a wrong password, a password typed as the username, right ones.
    let wrong = server.login(ADMIN.0, &wrong_password);
    problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials");
    let misplaced = server.login(&password_as_username, "x");
    problem(misplaced, StatusCode::UNAUTHORIZED, "invalid_credentials");
    let admin = token_of(server.login(ADMIN.0, ADMIN.1));
    let created = server.send(
        Method::POST,
        "/api/v1/admin/users",
        Some(&admin),
        Some(&json!({"username": "dora", "password": dora_password, "role": "desk"})),
    );
    ok_json(created, StatusCode::CREATED);
    let dora = token_of(server.login("dora", &dora_password));
    let reset = server.send(
        Method::PUT,
        "/api/v1/admin/users/dora/password",
        Some(&admin),
        Some(&json!({"password": new_password})),
    );
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let day_list = "/api/v1/staff/offices/buergerbuero/appointments";
    problem(
        server.send(Method::GET, day_list, Some(&dora), None),
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
    let dora = token_of(server.login("dora", &new_password));
    problem(
        server.send(Method::GET, "/api/v1/admin/users", Some(&forged), None),
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );

    // A booking with an e-mail address and a phone number; refused ones.
    let mut body = regular(time::macros::datetime!(2026-12-01 08:30 +01:00));
    body["citizen"] = json!({"name": name, "email": email, "phone": phone});
    let made = ok_json(
        server.send(Method::POST, "/api/v1/bookings", None, Some(&body)),
        StatusCode::CREATED,
    );
    let booking_token = made["token"].as_str().unwrap().to_owned();
    let code = made["code"].as_str().unwrap().to_owned();
    let id = made["id"].as_str().unwrap().to_owned();
    for (citizen, problem_code) in [
        (
            json!({"name": "Erika", "email": bad_email}),
            "invalid_email",
        ),
        (
            json!({"name": "Erika", "phone": bad_phone}),
            "invalid_phone",
        ),
    ] {
        body["citizen"] = citizen;
        let r = server.send(Method::POST, "/api/v1/bookings", None, Some(&body));
        problem(r, StatusCode::UNPROCESSABLE_ENTITY, problem_code);
    }

    // The citizen fetches it with the token; staff find it by the code.
    let fetch = |token: &str| {
        server
            .client
            .get(format!("{}/api/v1/bookings/{id}", server.base))
            .header("X-Booking-Token", token)
            .send()
            .unwrap()
    };
    ok_json(fetch(&booking_token), StatusCode::OK);
    problem(
        fetch(&wrong_booking_token),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    for as_typed in [code.as_str(), typed.as_str()] {
        let path = format!("/api/v1/staff/bookings/by-code/{as_typed}");
        let found = ok_json(
            server.send(Method::GET, &path, Some(&dora), None),
            StatusCode::OK,
        );
        assert_eq!(found["citizen"]["email"], email.as_str());
    }
    // A query the server refuses, and a body that is no JSON (actix logs
    // that through the `log` crate, at debug).
    let path = format!("/api/v1/offices/buergerbuero/slots?service=anmeldung&{query_key}=1");
    problem(
        server.send(Method::GET, &path, None, None),
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    let broken = server
        .client
        .post(format!("{}/api/v1/bookings", server.base))
        .header("content-type", "application/json")
        .body(format!("{{\"citizen\": {{\"email\": \"{email}\""))
        .send()
        .unwrap();
    problem(broken, StatusCode::BAD_REQUEST, "invalid_body");
    // The confirmation went out (R23), with the token in its link.
    let mail = server.sink.wait_for(1).remove(0);
    assert_eq!(mail.to, [email.as_str()]);
    assert!(mail.text().contains(&booking_token));
    // A cancellation by staff: its message too.
    let cancelled = server.send(
        Method::DELETE,
        &format!("/api/v1/staff/bookings/{id}"),
        Some(&dora),
        None,
    );
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);
    server.sink.wait_for(2);
    // R33: a code by mail, and the contact token it gives, used.
    let verified_email = "verena.pruefung@example.org";
    let asked = server.send(
        Method::POST,
        "/api/v1/verifications",
        None,
        Some(&json!({"email": verified_email})),
    );
    let asked: Value = ok_json(asked, StatusCode::ACCEPTED);
    let code_mail = server.sink.wait_for(3).remove(2);
    let verification_code = code_mail.subject().rsplit(' ').next().unwrap().to_owned();
    let confirmed = server.send(
        Method::POST,
        &format!(
            "/api/v1/verifications/{}/confirm",
            asked["id"].as_str().unwrap()
        ),
        None,
        Some(&json!({"code": verification_code})),
    );
    let confirmed: Value = ok_json(confirmed, StatusCode::OK);
    let contact_token = confirmed["contact_token"].as_str().unwrap().to_owned();
    let mine = server
        .client
        .get(format!("{}/api/v1/contacts/bookings", server.base))
        .header("X-Contact-Token", &contact_token)
        .send()
        .unwrap();
    assert_eq!(mine.status(), StatusCode::OK);
    // Both sendings logged (after their messages were marked sent), and the
    // code's: what the flow logs is all written.
    server.wait_for_lines("message sent", 2);
    server.wait_for_lines("verification code sent", 1);

    let log = server.stop();
    assert!(log.contains("message sent"), "{log}");

    // The log was captured, at every level, from tracing and from `log`.
    assert!(log.contains("TRACE"), "no trace lines:\n{log}");
    assert!(
        log.contains("Failed to deserialize Json"),
        "no `log` records:\n{log}"
    );
    assert!(
        log.contains("route=/api/v1/staff/bookings/by-code/{code}"),
        "{log}"
    );
    assert!(log.contains("route=/api/v1/bookings/{id}"), "{log}");
    let hashed = api::http::logging::user_hash(&password_as_username);
    assert!(
        log.lines()
            .any(|l| l.contains("login refused") && l.contains(&hashed)),
        "{log}"
    );
    // … and holds none of these.
    let typed_upper = typed.to_uppercase();
    let secrets = [
        ("a wrong password", wrong_password.as_str()),
        (
            "a password typed as username",
            password_as_username.as_str(),
        ),
        ("a new user's password", dora_password.as_str()),
        ("a reset password", new_password.as_str()),
        ("the admin's password", ADMIN.1),
        ("a staff token", admin.as_str()),
        ("another staff token", dora.as_str()),
        ("a forged token", forged.as_str()),
        ("the booking token", booking_token.as_str()),
        ("a wrong booking token", wrong_booking_token.as_str()),
        ("the booking code", code.as_str()),
        ("the code as typed", typed.as_str()),
        ("the code as typed, upper case", typed_upper.as_str()),
        ("the citizen's name", name.as_str()),
        ("the e-mail address", email.as_str()),
        (
            "the e-mail's local part",
            &email[..email.len() - "@example.org".len()],
        ),
        ("the phone number", phone.as_str()),
        ("the phone's digits", digits.as_str()),
        ("a refused e-mail address", bad_email.as_str()),
        ("a refused phone number", bad_phone.as_str()),
        ("a query key", query_key.as_str()),
        ("a verified address", verified_email),
        ("a contact token", contact_token.as_str()),
    ];
    // The 6-digit code, as a word of its own (a longer number may hold it).
    let words = |l: &str| {
        l.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == verification_code)
    };
    assert!(
        !log.lines().any(words),
        "the verification code `{verification_code}` is logged"
    );
    for (what, value) in secrets {
        let hits: Vec<&str> = log.lines().filter(|l| l.contains(value)).collect();
        assert!(
            hits.is_empty(),
            "{what} `{value}` is logged:\n{}",
            hits.join("\n")
        );
    }
}

/// The `X-Request-Id` of an answer.
fn request_id(r: &reqwest::blocking::Response) -> String {
    r.headers()["x-request-id"].to_str().unwrap().to_owned()
}

fn each_line_of_a_request_carries_its_id(server: &LoggedServer) {
    // A refused login logs from its handler, after the password check on
    // a thread of its own; then the access line.
    let refused = server.login(ADMIN.0, "not the password");
    let refused_id = request_id(&refused);
    problem(refused, StatusCode::UNAUTHORIZED, "invalid_credentials");
    // A booking: its handler calls the store on a blocking thread.
    let body = regular(time::macros::datetime!(2026-12-01 08:30 +01:00));
    let booked = server.send(Method::POST, "/api/v1/bookings", None, Some(&body));
    let booked_id = request_id(&booked);
    ok_json(booked, StatusCode::CREATED);
    assert_ne!(refused_id, booked_id);
    // The access lines were written before the answers; the sender's
    // line about the confirmation is waited for.
    server.sink.wait_for(1);
    server.wait_for_lines("message sent", 1);
    let log = server.stop();

    let span = |id: &str| format!("request{{id={id}}}");
    let lines_of = |id: &str| -> Vec<&str> { log.lines().filter(|l| l.contains(id)).collect() };
    let refused_lines = lines_of(&refused_id);
    assert!(
        refused_lines
            .iter()
            .any(|l| l.contains("login refused") && l.contains(&span(&refused_id))),
        "{log}"
    );
    assert!(
        refused_lines
            .iter()
            .any(|l| l.contains("route=/api/v1/auth/token")
                && l.contains("status=401")
                && l.contains(&span(&refused_id))),
        "{log}"
    );
    assert!(
        lines_of(&booked_id)
            .iter()
            .any(|l| l.contains("route=/api/v1/bookings ")
                && l.contains("status=201")
                && l.contains(&span(&booked_id))),
        "{log}"
    );
    // Each line with an id is in its request's span, and the two
    // requests' lines are apart.
    for l in refused_lines {
        assert!(
            l.contains(&span(&refused_id)) && !l.contains(&booked_id),
            "{l}"
        );
    }
    // The sender's lines belong to no request.
    let sent = log.lines().find(|l| l.contains("message sent")).unwrap();
    assert!(!sent.contains("request{"), "{sent}");
}

/// Issue #23: behind a proxy that is not listed in TERMIN_TRUSTED_PROXIES,
/// every citizen counts as the proxy and shares its limits; the start-up
/// log says that no proxy is trusted, and the first request that forwards
/// an address from an untrusted peer is named once.
fn r25_a_forwarded_for_from_an_untrusted_peer_is_named_once(server: &LoggedServer) {
    let warning = "X-Forwarded-For from a peer not in TERMIN_TRUSTED_PROXIES";
    for i in 0..3 {
        let r = server
            .client
            .get(format!("{}/api/v1/offices", server.base))
            .header("X-Forwarded-For", format!("198.51.100.{i}"))
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    // The warning is written before the first answer; the access lines of
    // all three tell that the log has caught up.
    server.wait_for_lines("route=/api/v1/offices", 3);
    let log = server.stop();
    assert!(
        log.contains("TERMIN_TRUSTED_PROXIES is empty"),
        "the start says no proxy is trusted:\n{log}"
    );
    let named = log.lines().filter(|l| l.contains(warning)).count();
    assert_eq!(named, 1, "once, not per request:\n{log}");
}

/// R33 without a mail server (`TERMIN_SMTP_URL=log`, for trials): the start
/// warns that messages go to the log, the code message is written there
/// with its recipient and text, and the code read from it gives a contact
/// token; nothing reaches the SMTP server.
fn r33_with_smtp_url_log_a_trial_reads_the_code_in_the_log(server: &LoggedServer) {
    server.wait_for_lines("TERMIN_SMTP_URL=log: messages to citizens", 1);
    let made = server.send(
        Method::POST,
        "/api/v1/verifications",
        None,
        Some(&json!({"email": "probe.versuch@example.org"})),
    );
    let made: Value = ok_json(made, StatusCode::ACCEPTED);
    server.wait_for_lines("Subject: Ihr Bestätigungscode", 1);
    let log = server.log.lock().unwrap().clone();
    let lines: Vec<&str> = log.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Subject: Ihr Bestätigungscode"))
        .unwrap_or_else(|| panic!("{log}"));
    assert_eq!(lines[at - 1], "To: probe.versuch@example.org", "{log}");
    let line = lines[at];
    let code = line.rsplit(' ').next().unwrap().to_owned();
    assert!(
        log.contains(&format!("\n    {code}\n")),
        "the text too: {log}"
    );
    assert_eq!(code.len(), 6, "{line}");
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{line}");
    let id = made["id"].as_str().unwrap();
    let confirmed = server.send(
        Method::POST,
        &format!("/api/v1/verifications/{id}/confirm"),
        None,
        Some(&json!({"code": code})),
    );
    let token: Value = ok_json(confirmed, StatusCode::OK);
    assert_eq!(token["email"], "probe.versuch@example.org");
    assert!(
        server.sink.received().is_empty(),
        "nothing went to a server"
    );
}
