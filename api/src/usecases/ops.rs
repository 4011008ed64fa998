//! What the orchestrator asks of the database: whether it is reachable, and
//! the shared figures a metrics scrape reports.

use crate::metrics::{DatabaseFigures, Shared};
use crate::state::AppState;
use domain::{Channel, day_ticket_date};
use persistence::StoreError;
use std::time::Instant;

/// Whether the database answers.
pub async fn ready(state: &AppState) -> Result<(), StoreError> {
    state.call(|store, _| store.ping()).await
}

/// The figures of shared state a scrape reports: messages by status (R23),
/// Tagestickets left today per office with a contingent, and the pool's
/// connections. Issue #23: one scrape's database figures serve every scrape
/// of the next few seconds ([`crate::metrics::Metrics::database`]), so a
/// flood of scrapes does not reach the database; a write this process
/// answered since reads them again.
pub async fn scrape(state: &AppState) -> Result<Shared, StoreError> {
    let metrics = &state.metrics;
    let mut cached = metrics.database.lock().await;
    let writes = metrics.writes();
    let (outbox, day_tickets_left) = match &*cached {
        Some((at, seen, figures)) if at.elapsed() < metrics.keep && *seen == writes => {
            figures.clone()
        }
        _ => {
            let figures = read_figures(state).await?;
            *cached = Some((Instant::now(), writes, figures.clone()));
            figures
        }
    };
    drop(cached);
    Ok(Shared {
        outbox,
        day_tickets_left,
        pool: state.store.pool_state(),
    })
}

/// The database figures, read now.
async fn read_figures(state: &AppState) -> Result<DatabaseFigures, StoreError> {
    state
        .call(|store, now| {
            let mut day_tickets_left = Vec::new();
            let today = day_ticket_date(now);
            for office in store.offices()? {
                if office.day_ticket_on(today).is_some() {
                    let offer = store.day_tickets(&office.id, &[], Channel::Online, now)?;
                    day_tickets_left.push((office.id.as_str().to_owned(), offer.remaining));
                }
            }
            Ok((store.message_counts()?, day_tickets_left))
        })
        .await
}
