//! R31: the retention run, a background task beside the server.

use crate::clock::Clock;
use crate::usecases::passes::Passes;
use persistence::Store;
use std::sync::Arc;

/// R31: erases the personal data of bookings past the retention time, now
/// and then every `poll`, on the injected clock; each run is one
/// transaction, so several processes may run it side by side. `passes`
/// counts the runs that went through.
pub fn spawn(
    store: Arc<Store>,
    clock: Clock,
    (days, poll): (u32, std::time::Duration),
    passes: Arc<Passes>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (store, now) = (Arc::clone(&store), clock.now());
            match tokio::task::spawn_blocking(move || store.erase_expired(days, now)).await {
                Ok(Ok(0)) => passes.completed(),
                Ok(Ok(n)) => {
                    tracing::info!(bookings = n, days, "personal data erased (R31)");
                    passes.completed();
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "the retention run failed"),
                Err(e) => tracing::warn!(error = %e, "the retention run failed"),
            }
        }
    })
}
