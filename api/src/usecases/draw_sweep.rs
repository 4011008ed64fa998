//! R27: the Tagesticket draw runs at the release even when no one asks:
//! a task beside the server looks every few seconds. The store's claim (the
//! draw's row, under the day lock) makes it run once however many processes
//! sweep; a request or a Tagesticket booking that comes first runs it
//! itself.

use crate::clock::Clock;
use persistence::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the sweep looks. A request after the release runs a due draw
/// at once, so this only bounds the wait of a citizen who just watches.
const EVERY: Duration = Duration::from_secs(5);

pub struct DrawSweep {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl DrawSweep {
    pub fn spawn(store: Arc<Store>, clock: Clock) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stopped.changed() => break,
                }
                let store = Arc::clone(&store);
                let now = clock.now();
                let ran = tokio::task::spawn_blocking(move || store.run_due_draws(now)).await;
                match ran {
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "the Tagesticket draws could not be run")
                    }
                    Err(e) => tracing::warn!(error = %e, "the Tagesticket draw sweep failed"),
                    Ok(Ok(_)) => {}
                }
            }
        });
        Self { stop, task }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
