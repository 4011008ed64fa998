//! `GET /metrics`: the Prometheus registry (OpenMetrics text). Gauges read
//! at scrape time from the database, so every server process reports the
//! same numbers for shared state; more metrics register here.

use domain::MessageStatus;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: &'static str,
}

/// The registry and the metrics it holds.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// R23: messages in the outbox by status (`pending`, `failed`, …).
    outbox: Family<StatusLabel, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("terminvergabe");
        let outbox = Family::<StatusLabel, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Messages in the outbox by status (R23): pending waits or is retried, failed was given up",
            outbox.clone(),
        );
        Self { registry, outbox }
    }

    /// The text of a scrape, with the outbox counts given.
    pub fn render(&self, outbox: &[(MessageStatus, u64)]) -> Result<String, std::fmt::Error> {
        for (status, n) in outbox {
            self.outbox
                .get_or_create(&StatusLabel {
                    status: status.as_str(),
                })
                .set(i64::try_from(*n).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}
