//! What every handler shares, and how it calls the store.

use crate::auth::{LoginThrottle, PasswordPool, Tokens};
use crate::challenge::Challenges;
use crate::client::TrustedProxies;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::limits::CitizenLimits;
use crate::mail::MailConfig;
use crate::metrics::Metrics;
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
    pub offers: Arc<crate::offer_cache::OfferCache>,
    /// Identical offer lookups that arrive together, run together.
    pub lookups: Arc<
        crate::coalesce::Coalesce<
            crate::offer_cache::OfferKey,
            Result<crate::offer_cache::Answer, ApiError>,
        >,
    >,
    /// R15: today's stamp per office, read once for the Tagesticket
    /// attempts that arrive together, and the days known to be gone.
    pub stamps: Arc<
        crate::coalesce::Coalesce<(String, time::Date), Result<persistence::OfferStamp, ApiError>>,
    >,
    pub exhausted: Arc<crate::exhausted::ExhaustedDays>,
    /// R28: the pollers of the public displays.
    pub display: Arc<crate::display::Display>,
}

impl AppState {
    /// Runs one store operation off the async threads (diesel blocks), with
    /// "now" read once from the injected clock; its error becomes the
    /// problem+json answer.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store, OffsetDateTime) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = Arc::clone(&self.store);
        let now = self.clock.now();
        Ok(web::block(move || f(&store, now)).await??)
    }
}
