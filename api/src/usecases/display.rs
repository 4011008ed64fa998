//! The public display of an office (R28): the calls as Server-Sent Events.
//!
//! It follows the database, not this process, so a call made through any
//! server process reaches every screen. One poller per office reads the
//! calls after the last one it saw (an indexed read of the newest rows,
//! about once a second, sooner when this process made a call) and hands
//! them to every subscriber of that office; it stops when the last
//! subscriber has gone.

use crate::address::address_key;
use crate::blocking::block_in_span;
use crate::clock::Clock;
use domain::OfficeId;
use persistence::{Call, Store};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};

/// How many calls a new screen shows at once.
pub const RECENT_CALLS: u32 = 5;
/// The most calls one poll reads (more than any office makes in a second).
const BATCH: u32 = 100;

/// Open streams one client address may hold (issue #23: 991 streams from
/// 10 addresses used up the process's file descriptors). A waiting room has
/// a few screens; 20 leaves room for a town hall behind one address.
pub const STREAMS_PER_ADDRESS: u32 = 20;

/// The default of `TERMIN_DISPLAY_STREAMS`: open streams in all.
pub const DEFAULT_STREAMS: u32 = 1000;

/// The pollers, one per office with at least one screen.
pub struct Display {
    store: Arc<Store>,
    clock: Clock,
    pub poll: Duration,
    pub heartbeat: Duration,
    feeds: Mutex<HashMap<OfficeId, Weak<Feed>>>,
    wake: Arc<Notify>,
    streams: Arc<Streams>,
}

/// The open streams, per client address (R25's address key) and in all.
pub struct Streams {
    per_address: u32,
    total: u32,
    open: Mutex<(u32, HashMap<IpAddr, u32>)>,
}

/// Why a stream is not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamRefused {
    /// This address holds [`STREAMS_PER_ADDRESS`] already (429).
    Address,
    /// The server holds all it may (503).
    Server,
}

/// An open stream's place; given back when dropped (the stream ends or
/// the screen goes away).
pub struct StreamPermit {
    streams: Arc<Streams>,
    key: IpAddr,
}

impl Streams {
    pub fn new(per_address: u32, total: u32) -> Self {
        Self {
            per_address,
            total,
            open: Mutex::new((0, HashMap::new())),
        }
    }

    /// A place for a stream of `addr`, if the caps allow one.
    pub fn admit(self: &Arc<Self>, addr: IpAddr) -> Result<StreamPermit, StreamRefused> {
        let key = address_key(addr);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per) = &mut *open;
        let mine = per.get(&key).copied().unwrap_or(0);
        if mine >= self.per_address {
            return Err(StreamRefused::Address);
        }
        if *total >= self.total {
            return Err(StreamRefused::Server);
        }
        *total += 1;
        per.insert(key, mine + 1);
        Ok(StreamPermit {
            streams: Arc::clone(self),
            key,
        })
    }

    /// Streams open now.
    pub fn open(&self) -> u32 {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).0
    }
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per) = &mut *open;
        *total = total.saturating_sub(1);
        if let Some(n) = per.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                per.remove(&self.key);
            }
        }
    }
}

/// The calls of one office, as its poller hands them out.
pub struct Feed {
    tx: broadcast::Sender<Call>,
}

/// A screen's subscription: the calls it shows first, then the new ones,
/// each with its number `seq` (the event id a screen resumes from). Holding
/// it keeps the office's poller alive.
pub struct Subscription {
    pub recent: Vec<Call>,
    last: i64,
    rx: broadcast::Receiver<Call>,
    _feed: Arc<Feed>,
}

impl Subscription {
    /// The next call not shown yet; `None` when the poller has stopped.
    pub async fn next(&mut self) -> Option<Call> {
        loop {
            match self.rx.recv().await {
                Ok(call) if call.seq > self.last => {
                    self.last = call.seq;
                    return Some(call);
                }
                Ok(_) => {}
                // A screen too slow for a burst skips to the newest calls.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

impl Display {
    pub fn new(
        store: Arc<Store>,
        clock: Clock,
        (poll, heartbeat): (Duration, Duration),
        streams: u32,
    ) -> Self {
        Self {
            store,
            clock,
            poll,
            heartbeat,
            feeds: Mutex::new(HashMap::new()),
            wake: Arc::new(Notify::new()),
            streams: Arc::new(Streams::new(STREAMS_PER_ADDRESS, streams)),
        }
    }

    /// A place for one more stream of `addr` (see [`Streams::admit`]).
    pub fn admit(&self, addr: IpAddr) -> Result<StreamPermit, StreamRefused> {
        self.streams.admit(addr)
    }

    /// Polls at once: this process has just made a call.
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    /// Subscribes a screen to `office`, starting its poller if it has none;
    /// must run on the server's runtime. Blocking store reads run off the
    /// async threads. A new screen first gets today's last few calls; a
    /// screen that reconnects with the number of the last call it showed
    /// (`resume`, the SSE `Last-Event-ID`) gets the calls of today after it
    /// instead (the newest 100 at most, more than a screen shows), so a
    /// dropped connection loses none it would show.
    pub async fn subscribe(
        self: &Arc<Self>,
        office: OfficeId,
        resume: Option<i64>,
    ) -> Result<Subscription, persistence::StoreError> {
        let feed = self.feed(&office);
        // Subscribed before reading the recent calls, so none falls between
        // them; what both carry is skipped by its number.
        let rx = feed.tx.subscribe();
        let (store, now) = (Arc::clone(&self.store), self.clock.now());
        let id = office.clone();
        let limit = if resume.is_some() {
            BATCH
        } else {
            RECENT_CALLS
        };
        // In the request's span, as every store call of a request.
        let (recent, last) = block_in_span(move || {
            let recent = store.calls(&id, resume, limit, now)?;
            let last = match (recent.last(), resume) {
                (Some(call), _) => call.seq,
                // Nothing new since the screen's last call: go on after it,
                // but never after the newest call there is (an id from
                // before a restore of the database must not mute a screen).
                (None, Some(seq)) => seq.min(store.last_call()?),
                (None, None) => 0,
            };
            Ok::<_, persistence::StoreError>((recent, last))
        })
        .await
        .map_err(|e| persistence::StoreError::Unavailable(e.to_string()))??;
        Ok(Subscription {
            last,
            recent,
            rx,
            _feed: feed,
        })
    }

    fn feed(self: &Arc<Self>, office: &OfficeId) -> Arc<Feed> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(feed) = feeds.get(office).and_then(Weak::upgrade) {
            return feed;
        }
        let (tx, _) = broadcast::channel(BATCH as usize);
        let feed = Arc::new(Feed { tx });
        feeds.insert(office.clone(), Arc::downgrade(&feed));
        actix_web::rt::spawn(Arc::clone(self).poll_office(office.clone(), Arc::downgrade(&feed)));
        feed
    }

    /// The office's poller: runs while a screen holds its feed.
    async fn poll_office(self: Arc<Self>, office: OfficeId, feed: Weak<Feed>) {
        // The first read hands out today's newest calls too: each screen
        // skips those it has shown, so no call can fall between a screen's
        // own first read and the poller's.
        let mut after: Option<i64> = None;
        loop {
            let Some(live) = feed.upgrade() else { break };
            let (store, now, id) = (Arc::clone(&self.store), self.clock.now(), office.clone());
            let read = actix_web::web::block(move || store.calls(&id, after, BATCH, now)).await;
            match read {
                Ok(Ok(calls)) => {
                    if let Some(last) = calls.last() {
                        after = Some(last.seq);
                    }
                    for call in calls {
                        let _ = live.tx.send(call);
                    }
                }
                Ok(Err(e)) => tracing::warn!(office = %office, error = %e, "display poll failed"),
                Err(e) => tracing::warn!(office = %office, error = %e, "display poll failed"),
            }
            drop(live);
            let wake = Arc::clone(&self.wake);
            tokio::select! {
                () = tokio::time::sleep(self.poll) => {}
                () = wake.notified() => {}
            }
        }
        let mut feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        if feeds.get(&office).is_some_and(|w| w.strong_count() == 0) {
            feeds.remove(&office);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn r28_streams_are_capped_per_address_and_in_all_and_given_back() {
        let streams = Arc::new(Streams::new(2, 3));
        let a = streams.admit(ip("203.0.113.7")).unwrap();
        let _b = streams.admit(ip("203.0.113.7")).unwrap();
        assert_eq!(
            streams.admit(ip("203.0.113.7")).err(),
            Some(StreamRefused::Address)
        );
        // One IPv6 subscriber is one address (its /64).
        let _c = streams.admit(ip("2001:db8::1")).unwrap();
        assert_eq!(
            streams.admit(ip("2001:db8::2")).err(),
            Some(StreamRefused::Server)
        );
        drop(a);
        assert_eq!(streams.open(), 2);
        assert!(streams.admit(ip("203.0.113.7")).is_ok());
    }
}
