//! Issue #13: identical reads that arrive together run together. At 07:00
//! a thousand citizens refresh the same Tagesticket status within a second;
//! each would read the same stamp from the database and, after every
//! booking, compute the same answer again. Here requests for one key share
//! one read, and no answer is older than its request: a request joins the
//! next read that has not started yet (or starts one), never a read already
//! running, which may have begun before the request came and so miss a
//! booking committed in between. While a read runs, every request that
//! arrives waits for the one read after it: a burst of N requests costs at
//! most two reads, not N.
//!
//! Hand-written rather than taken from a crate: the single-flight crates
//! (e.g. `async_singleflight`) join the read already running, which is the
//! staleness this avoids.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::watch;

/// Where the requests waiting for the read after the running one get its
/// result.
type Next<V> = watch::Sender<Option<V>>;

pub struct Coalesce<K, V> {
    /// The keys whose reads run, each with the requests waiting for the
    /// next read (`None` until such a request comes).
    keys: Mutex<HashMap<K, Option<Next<V>>>>,
}

impl<K, V> Default for Coalesce<K, V> {
    fn default() -> Self {
        Self {
            keys: Mutex::new(HashMap::new()),
        }
    }
}

impl<K, V> Coalesce<K, V>
where
    K: Eq + Hash + Clone + 'static,
    V: Clone + 'static,
{
    fn keys(&self) -> MutexGuard<'_, HashMap<K, Option<Next<V>>>> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The result of a `read` of `key` that started after this call: run
    /// here (on the caller's runtime, in a task of its own, so a caller
    /// that goes away stops nobody else's answer) or shared with the
    /// callers that came while the read before it ran. `None` when that
    /// read was lost (its task panicked): the caller then reads itself.
    pub async fn run<F, Fut>(self: &Arc<Self>, key: K, read: F) -> Option<V>
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = V> + 'static,
    {
        let (mut answer, lead) = {
            let mut keys = self.keys();
            match keys.get_mut(&key) {
                // A read runs: wait for the next one, started once it ends.
                Some(Some(next)) => (next.subscribe(), false),
                Some(waiting) => {
                    let (tx, rx) = watch::channel(None);
                    *waiting = Some(tx);
                    (rx, false)
                }
                // Nothing runs: this request starts the reads of its key.
                None => {
                    let (tx, rx) = watch::channel(None);
                    keys.insert(key.clone(), Some(tx));
                    (rx, true)
                }
            }
        };
        if lead {
            let this = Arc::clone(self);
            actix_web::rt::spawn(async move {
                let mut guard = Running {
                    coalesce: &this,
                    key: &key,
                    done: false,
                };
                loop {
                    // Take the waiting requests; none: the key is idle.
                    let next = {
                        let mut keys = guard.coalesce.keys();
                        let next = keys.get_mut(guard.key).and_then(Option::take);
                        if next.is_none() {
                            keys.remove(guard.key);
                        }
                        next
                    };
                    let Some(next) = next else { break };
                    next.send_replace(Some(read().await));
                }
                guard.done = true;
            });
        }
        answer
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|v| v.clone())
    }
}

/// While the reads of a key run; if their task ends without finishing (a
/// panic), the key is cleared, so its waiting requests are told (their
/// sender dropped) and the next request starts afresh.
struct Running<'a, K: Eq + Hash, V> {
    coalesce: &'a Coalesce<K, V>,
    key: &'a K,
    done: bool,
}

impl<K: Eq + Hash, V> Drop for Running<'_, K, V> {
    fn drop(&mut self) {
        if !self.done {
            self.coalesce
                .keys
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::Duration;
    use tokio::sync::Notify;

    /// A read that counts how often it ran and waits until released; it
    /// answers with its own number.
    #[derive(Default)]
    struct Gate {
        runs: Cell<u32>,
        release: Notify,
    }

    fn counted(
        gate: &Rc<Gate>,
    ) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = u32>>> + use<> {
        let gate = Rc::clone(gate);
        move || {
            let gate = Rc::clone(&gate);
            Box::pin(async move {
                gate.runs.set(gate.runs.get() + 1);
                let n = gate.runs.get();
                gate.release.notified().await;
                n
            })
        }
    }

    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[actix_web::test]
    async fn a_burst_of_identical_requests_costs_at_most_two_reads() {
        let c = Arc::new(Coalesce::<&str, u32>::default());
        let gate = Rc::new(Gate::default());
        // The first request starts read 1; 99 more arrive while it runs.
        let mut waiting = Vec::new();
        for _ in 0..100 {
            let (c, read) = (Arc::clone(&c), counted(&gate));
            waiting.push(actix_web::rt::spawn(
                async move { c.run("status", read).await },
            ));
            settle().await;
        }
        assert_eq!(gate.runs.get(), 1, "one read runs while the burst arrives");
        gate.release.notify_one();
        settle().await;
        assert_eq!(gate.runs.get(), 2, "the 99 late requests share one read");
        gate.release.notify_one();
        let mut answers = Vec::new();
        for w in waiting {
            answers.push(w.await.unwrap().unwrap());
        }
        // The first request saw read 1; the others, who came after read 1
        // had started, see read 2, never the read that began before them.
        assert_eq!(answers[0], 1);
        assert!(answers[1..].iter().all(|&a| a == 2), "{answers:?}");
        // Idle again: the next request starts read 3.
        let (c2, read) = (Arc::clone(&c), counted(&gate));
        let late = actix_web::rt::spawn(async move { c2.run("status", read).await });
        settle().await;
        gate.release.notify_one();
        assert_eq!(late.await.unwrap(), Some(3));
        assert!(c.keys().is_empty(), "an idle key keeps nothing");
    }

    #[actix_web::test]
    async fn different_keys_do_not_wait_for_each_other() {
        let c = Arc::new(Coalesce::<&str, u32>::default());
        let slow = Rc::new(Gate::default());
        let (c1, read) = (Arc::clone(&c), counted(&slow));
        let _blocked = actix_web::rt::spawn(async move { c1.run("slots", read).await });
        settle().await;
        let answer =
            tokio::time::timeout(Duration::from_secs(5), c.run("status", || async { 7 })).await;
        assert_eq!(answer.unwrap(), Some(7));
    }

    #[actix_web::test]
    async fn a_read_that_panics_leaves_its_waiters_to_read_themselves() {
        let c = Arc::new(Coalesce::<&str, u32>::default());
        let gate = Rc::new(Gate::default());
        let g = Rc::clone(&gate);
        let first = actix_web::rt::spawn({
            let c = Arc::clone(&c);
            async move {
                c.run("status", move || {
                    let g = Rc::clone(&g);
                    async move {
                        g.release.notified().await;
                        panic!("the read failed hard");
                    }
                })
                .await
            }
        });
        settle().await;
        let second = actix_web::rt::spawn({
            let c = Arc::clone(&c);
            async move { c.run("status", || async { 5 }).await }
        });
        settle().await;
        gate.release.notify_one();
        assert_eq!(first.await.unwrap(), None);
        assert_eq!(second.await.unwrap(), None);
        // Nothing is left hanging: the next request reads.
        assert_eq!(c.run("status", || async { 9 }).await, Some(9));
    }
}
