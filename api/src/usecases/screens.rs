//! A waiting-room screen of an office (R28): whether the office has one,
//! and the stream of its calls, within the caps of issue #23 (per address
//! and in all). The feeds themselves are [`super::display`]'s.

use crate::state::AppState;
use crate::usecases::display::{STREAMS_PER_ADDRESS, StreamPermit, StreamRefused, Subscription};
pub use crate::usecases::errors::ScreenError;
use domain::OfficeId;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// What a screen asks for.
#[derive(Debug, Clone, Copy)]
pub enum Watch {
    /// Only whether the office exists (a `HEAD`): nothing is held.
    Look,
    /// The calls, for a screen at `address` that showed the call `resume`
    /// last (if it reconnects).
    Stream {
        address: IpAddr,
        resume: Option<i64>,
    },
}

/// A screen's open stream: the calls it shows first and then the new ones,
/// its place among the open streams (given back when dropped), and how
/// often to show it is still there.
pub struct Screen {
    pub subscription: Subscription,
    pub permit: StreamPermit,
    pub heartbeat: Duration,
}

/// The office's screen as asked: `None` for [`Watch::Look`] once the
/// office is known to exist, else its open stream.
pub async fn watch(
    state: &Arc<AppState>,
    office: OfficeId,
    watch: Watch,
) -> Result<Option<Screen>, ScreenError> {
    let id = office.clone();
    state.call(move |store, _| store.office(&id)).await?;
    let Watch::Stream { address, resume } = watch else {
        return Ok(None);
    };
    // Issue #23: each open stream holds a file descriptor; capped per
    // address and in all before anything is held for it.
    let permit = state
        .display
        .admit(address)
        .map_err(|refused| match refused {
            StreamRefused::Address => ScreenError::AddressFull {
                per_address: STREAMS_PER_ADDRESS,
            },
            StreamRefused::Server => ScreenError::ServerFull,
        })?;
    let subscription = state.display.subscribe(office, resume).await?;
    Ok(Some(Screen {
        subscription,
        permit,
        heartbeat: state.display.heartbeat,
    }))
}
