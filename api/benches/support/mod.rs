//! What the HTTP benchmarks share: the real server binary on its own port and
//! database, frozen on Monday 30 November 2026, 10:00, stopped when dropped.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts the release server on `port` with the database `url` and
    /// `settings` (environment variables), and waits until it is ready.
    pub fn start(port: u16, url: &str, settings: &[(&str, &str)]) -> Self {
        Self::start_timed(port, url, settings).0
    }

    /// [`Server::start`], and how long the process took from its spawn
    /// until `/readyz` first answered 200 (asked every 2 ms).
    pub fn start_timed(port: u16, url: &str, settings: &[(&str, &str)]) -> (Self, Duration) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_terminvergabe"));
        command
            .env("DATABASE_URL", url)
            .env("TERMIN_BIND", format!("127.0.0.1:{port}"))
            .env("TERMIN_NOW", "2026-11-30T10:00:00+01:00")
            .env("TERMIN_JWT_SECRET", "a bench secret of at least 32 bytes!")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (name, value) in settings {
            command.env(name, value);
        }
        let spawned = Instant::now();
        let server = Self {
            child: command.spawn().expect("the server binary starts"),
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::blocking::Client::new();
        let deadline = spawned + Duration::from_secs(10);
        loop {
            let ready = client
                .get(format!("{}/readyz", server.base))
                .send()
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return (server, spawned.elapsed());
            }
            assert!(Instant::now() < deadline, "the server did not become ready");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A number from the environment, or `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
