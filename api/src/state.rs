//! What every handler shares, and how it calls the store.

use crate::auth::{LoginThrottle, PasswordPool, Tokens};
use crate::blocking::block_in_span;
use crate::challenge::Challenges;
use crate::clock::Clock;
use crate::http::client::TrustedProxies;
use crate::http::limits::CitizenLimits;
use crate::metrics::Metrics;
use crate::usecases::mail::MailConfig;
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
