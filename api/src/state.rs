//! What every handler shares, and how it calls the store.

use crate::auth::{LoginThrottle, PasswordPool, Tokens};
use crate::challenge::Challenges;
use crate::clock::Clock;
use crate::http::client::TrustedProxies;
use crate::http::limits::CitizenLimits;
use crate::metrics::Metrics;
use crate::usecases::mail::MailConfig;
use actix_web::web;
use persistence::{Store, StoreError};
use std::sync::Arc;
use time::OffsetDateTime;

pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Clock,
    pub tokens: Tokens,
    pub throttle: LoginThrottle,
    /// Where password hashes run: one at a time per core.
    pub passwords: PasswordPool,
    pub proxies: TrustedProxies,
    pub limits: CitizenLimits,
    /// Proof-of-work challenges (R26).
    pub challenges: Challenges,
    /// The sender, the public URL, the mail server (R23).
    pub mail: Arc<MailConfig>,
    /// `GET /metrics`.
    pub metrics: Metrics,
    /// Slot searches and Tagesticket statuses computed (issue #13).
    pub offers: Arc<crate::usecases::offer_cache::OfferCache>,
    /// Identical offer lookups that arrive together, run together.
    pub lookups: Arc<
        crate::usecases::coalesce::Coalesce<
            crate::usecases::offer_cache::OfferKey,
            Result<crate::usecases::offer_cache::Answer, crate::usecases::errors::OfferError>,
        >,
    >,
    /// R15: today's stamp per office, read once for the Tagesticket
    /// attempts that arrive together, and the days known to be gone.
    pub stamps: Arc<
        crate::usecases::coalesce::Coalesce<(String, time::Date), Option<persistence::OfferStamp>>,
    >,
    pub exhausted: Arc<crate::usecases::exhausted::ExhaustedDays>,
    /// R28: the pollers of the public displays.
    pub display: Arc<crate::usecases::display::Display>,
}

impl AppState {
    /// Runs one store operation off the async threads (diesel blocks), in
    /// the request's span, with "now" read once from the injected clock; the
    /// store's own error, not yet an HTTP answer (a lost blocking thread is
    /// the store unavailable).
    pub async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store, OffsetDateTime) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(&self.store);
        let now = self.clock.now();
        block_in_span(move || f(&store, now))
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }
}

/// `web::block` inside the caller's span: what `f` logs on the blocking
/// thread carries the request's id like the rest of the request.
pub async fn block_in_span<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, actix_web::error::BlockingError> {
    let span = tracing::Span::current();
    web::block(move || span.in_scope(f)).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::Write;
    use std::sync::{Mutex, OnceLock};
    use tracing::Instrument;

    /// What the process's subscriber wrote (one for all of this crate's
    /// tests, which may log beside this one).
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn blocking_work_logs_inside_the_request_span() {
        let log = LOG.get_or_init(|| {
            let log = Arc::new(Mutex::new(Vec::new()));
            let writer = Arc::clone(&log);
            let subscriber = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(move || Capture(Arc::clone(&writer)))
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            log
        });
        let span = tracing::info_span!("request", id = %"req-4711");
        let answer = actix_web::rt::System::new()
            .block_on(
                async {
                    block_in_span(|| {
                        tracing::info!("on the blocking thread 4711");
                        std::thread::current().id()
                    })
                    .await
                }
                .instrument(span),
            )
            .unwrap();
        assert_ne!(answer, std::thread::current().id(), "not run in place");
        let text = String::from_utf8(log.lock().unwrap().clone()).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("on the blocking thread 4711"))
            .expect("logged");
        assert!(line.contains("request{id=req-4711}"), "{line}");
    }
}
