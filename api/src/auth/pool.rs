//! Password hashing on a bounded pool. An argon2 hash takes about 19 MiB and
//! tens of milliseconds of one core; run unbounded, a flood of logins grows
//! the server by gigabytes and starves every other request. At most one hash
//! per core runs at once; a request that cannot get a turn within a short
//! wait is answered 503 `busy` with `Retry-After`, so memory stays bounded
//! under any flood.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a login waits for a turn before it is told to come back.
pub const POOL_WAIT: Duration = Duration::from_secs(2);

/// All turns are taken and stayed taken for [`POOL_WAIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many password checks at once; try again in a moment")]
pub struct PoolBusy;

#[derive(Debug, Clone)]
pub struct PasswordPool {
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl PasswordPool {
    pub fn new(size: usize, wait: Duration) -> Self {
        Self {
            turns: Arc::new(Semaphore::new(size.max(1))),
            wait,
        }
    }

    /// One turn per core of this machine.
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, POOL_WAIT)
    }

    /// Runs `work` (a hash or a verification) on the blocking threads once a
    /// turn is free, or gives up after the pool's wait.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolBusy> {
        let turn = tokio::time::timeout(self.wait, Arc::clone(&self.turns).acquire_owned())
            .await
            .map_err(|_| PoolBusy)?
            .map_err(|_| PoolBusy)?;
        actix_web::web::block(move || {
            let _turn = turn;
            work()
        })
        .await
        .map_err(|_| PoolBusy)
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
}
