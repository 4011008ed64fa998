//! Password hashing on a bounded pool. An argon2 hash takes about 19 MiB and
//! tens of milliseconds of one core; run unbounded, a flood of logins grows
//! the server by gigabytes and starves every other request. The hashes run
//! on a few threads of their own, one per core (on the shared blocking
//! threads every thread that ever hashed would keep its 19 MiB in its
//! allocator arena); a request that cannot get a turn within a short wait is
//! answered 503 `busy` with `Retry-After`, so memory stays bounded under any
//! flood.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

type Job = Box<dyn FnOnce() + Send>;

/// How long a login waits for a turn before it is told to come back.
pub const POOL_WAIT: Duration = Duration::from_secs(2);

/// All turns are taken and stayed taken for [`POOL_WAIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many password checks at once; try again in a moment")]
pub struct PoolBusy;

#[derive(Clone)]
pub struct PasswordPool {
    turns: Arc<Semaphore>,
    wait: Duration,
    jobs: Sender<Job>,
}

impl std::fmt::Debug for PasswordPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordPool")
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

fn worker(jobs: Arc<Mutex<Receiver<Job>>>) {
    loop {
        let job = match jobs.lock() {
            Ok(queue) => queue.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        match job {
            // A job that panics (a bug) loses its answer, not the thread:
            // otherwise each such panic would shrink the pool, and once all
            // its threads were gone every login would be answered `busy`.
            Ok(job) => {
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
                    tracing::error!("a password check panicked; its thread goes on");
                }
            }
            // The pool was dropped: the thread ends.
            Err(_) => return,
        }
    }
}

impl PasswordPool {
    /// `size` threads that hash, one turn each; a turn is waited for at most `wait`.
    pub fn new(size: usize, wait: Duration) -> Self {
        let size = size.max(1);
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..size {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || worker(queue));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a password thread could not start");
            }
        }
        Self {
            turns: Arc::new(Semaphore::new(size)),
            wait,
            jobs,
        }
    }

    /// One turn per core of this machine.
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, POOL_WAIT)
    }

    /// Runs `work` (a hash or a verification) on the pool's threads once a
    /// turn is free, or gives up after the pool's wait.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolBusy> {
        let turn = tokio::time::timeout(self.wait, Arc::clone(&self.turns).acquire_owned())
            .await
            .map_err(|_| PoolBusy)?
            .map_err(|_| PoolBusy)?;
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _turn = turn;
                let _ = done.send(work());
            }))
            .map_err(|_| PoolBusy)?;
        result.await.map_err(|_| PoolBusy)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[actix_web::test]
    async fn a_full_pool_answers_busy_instead_of_growing() {
        let pool = PasswordPool::new(1, Duration::from_millis(50));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let busy = pool.clone();
        let first = actix_web::rt::spawn(async move {
            busy.run(move || {
                let _ = started.send(());
                hold.recv().ok()
            })
            .await
        });
        // The first holds the only turn until released: the second gives up.
        running.await.unwrap();
        assert_eq!(pool.run(|| 1).await, Err(PoolBusy));
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(Some(())));
        assert_eq!(pool.run(|| 2).await, Ok(2));
    }

    #[actix_web::test]
    async fn a_check_that_panics_leaves_the_pool_its_thread() {
        let pool = PasswordPool::new(1, Duration::from_millis(500));
        let lost: Result<(), PoolBusy> = pool.run(|| panic!("a bug in a password check")).await;
        assert_eq!(lost, Err(PoolBusy));
        // The one thread still takes work.
        assert_eq!(pool.run(|| 3).await, Ok(3));
    }
}
