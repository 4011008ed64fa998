//! `terminvergabe`: the server. `terminvergabe openapi` prints the spec;
//! `terminvergabe solve` reads the answer of `GET /api/v1/challenge` on
//! standard input and prints the `X-Altcha` header that solves it (R26).

use api::settings::Settings;
use api::{Application, openapi_yaml};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// mimalloc returns the 19 MiB of each argon2 hash to the system; glibc's
/// allocator kept them after a few hashes (its mmap threshold adapts
/// upwards), so 40 logins grew the server from 35 to 460 MiB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        return match openapi_yaml() {
            Ok(yaml) => {
                print!("{yaml}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot render the spec: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("solve") {
        let mut json = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut json);
        return match api::challenge::solve_json(&json) {
            Ok(header) => {
                println!("{header}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot solve: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // `init` also installs the bridge (tracing-log) that carries the records
    // of crates logging through `log` (actix-web among them) into this
    // subscriber, under the same filter.
    // Colours only on a terminal: a log file or a collector gets plain text.
    tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let result = actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings).map_err(|e| e.to_string())?;
        app.run().await.map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}
