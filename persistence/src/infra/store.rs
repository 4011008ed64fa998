//! The store: the connection pool, migrations, the SQLite write queue, and
//! the cache of office configurations.

use crate::StoreError;
use crate::infra::connection::{Backend, DbConnection, Manager, Target};
use crate::infra::secret::Sealer;
use crate::offices;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use domain::{MunicipalityId, Office, OfficeId};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::Date;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// How often a transaction lost to a busy database or a serialization
/// failure is tried again before [`StoreError::Busy`] is returned.
const ATTEMPTS: u32 = 5;

type Pool = r2d2::Pool<Manager>;

/// The store: a connection pool and a cache of office configurations that
/// is checked against the configuration's version on every use.
pub struct Store {
    pool: Pool,
    backend: Backend,
    offices: Mutex<HashMap<String, (i64, Arc<Office>)>>,
    /// SQLite has one writer at a time. Writers of this process queue here,
    /// first come first served (a fair lock: no writer starves), and are
    /// woken as soon as the one before commits, instead of polling
    /// the database lock in SQLite's busy handler (which sleeps up to 100 ms
    /// between tries and leaves the lock idle under load). Other processes
    /// on the same file still meet at the database lock (`busy_timeout`).
    sqlite_writer: parking_lot::FairMutex<()>,
    /// Office days whose Tagesticket draw is known to be recorded (R27), so
    /// the Tagestickets after it do not ask the database again.
    drawn: Mutex<HashSet<(String, Date)>>,
    /// Seals the tokens kept for messages not yet sent (R23).
    pub(crate) sealer: Sealer,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database at `url`, runs pending migrations and, on an empty
    /// database, stores the shipped Kaarst configuration.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with_pool_size(url, 16)
    }

    pub fn open_with_pool_size(url: &str, size: u32) -> Result<Self, StoreError> {
        let target = Target::parse(url).map_err(StoreError::InvalidUrl)?;
        let backend = target.backend();
        let pool = r2d2::Pool::builder()
            .max_size(size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(Manager::new(target))
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let store = Self {
            pool,
            backend,
            offices: Mutex::new(HashMap::new()),
            sqlite_writer: parking_lot::FairMutex::new(()),
            drawn: Mutex::new(HashSet::new()),
            sealer: Sealer::random(),
        };
        store.migrate()?;
        let kaarst = domain::kaarst::offices()
            .map_err(|e| StoreError::Corrupt(format!("the shipped configuration: {e}")))?;
        store.seed(&kaarst)?;
        Ok(store)
    }

    /// R23: the tokens kept for messages not yet sent are sealed with a key
    /// derived from `secret` (the server's `TERMIN_JWT_SECRET`), so every
    /// process with the same secret opens them, also after a restart.
    /// Without one (`None`) the key is random per store: the links of
    /// messages not sent before the process ends are lost (they go out
    /// without one).
    #[must_use]
    pub fn with_message_key(mut self, secret: Option<&[u8]>) -> Self {
        if let Some(secret) = secret {
            self.sealer = Sealer::derived(secret);
        }
        self
    }

    /// The pool's connections: open, and idle among them (for `/metrics`).
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// For tests of a panic inside a transaction (feature `test-support`):
    /// takes the lock of `office`'s `day` (a write: the day's version
    /// rises), then panics, as a bug in a transaction's code would.
    #[cfg(feature = "test-support")]
    pub fn panic_inside_a_write(&self, office: &OfficeId, day: Date) {
        let _never: Result<(), StoreError> = self.write(|conn| {
            crate::infra::locks::lock_day(conn, office.as_str(), day)?;
            panic!("a bug inside a transaction");
        });
    }

    fn migrations(&self) -> EmbeddedMigrations {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        }
    }

    /// For tests of a migration's data step (feature `test-support`):
    /// reverts the applied migration whose name ends with `name` and runs it
    /// again, so the database becomes what one migrated before that
    /// migration existed becomes. This store's cache is not cleared: read
    /// the result through a new store.
    #[cfg(feature = "test-support")]
    pub fn redo_migration(&self, name: &str) -> Result<(), StoreError> {
        use diesel::migration::MigrationSource;
        type Db = <DbConnection as diesel::Connection>::Backend;
        let boxed =
            |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
        let all = MigrationSource::<Db>::migrations(&self.migrations()).map_err(boxed)?;
        let migration = all
            .iter()
            .find(|m| m.name().to_string().ends_with(name))
            .ok_or_else(|| StoreError::Migration(format!("no migration `{name}`")))?;
        let mut conn = self.conn()?;
        conn.revert_migration(migration.as_ref()).map_err(boxed)?;
        conn.run_migration(migration.as_ref()).map_err(boxed)?;
        Ok(())
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let migrations = self.migrations();
        // Two processes starting at once on PostgreSQL: the second waits for
        // the first's migration instead of racing it.
        if let DbConnection::Pg(pg) = &mut *conn {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT pg_advisory_lock(7412001)").execute(pg)?;
        }
        let result = conn
            .run_pending_migrations(migrations)
            .map(drop)
            .map_err(|e| StoreError::Migration(e.to_string()));
        if let DbConnection::Pg(pg) = &mut *conn {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT pg_advisory_unlock(7412001)").execute(pg)?;
        }
        result
    }

    /// Stores `offices` if the database has none yet, with the shipped
    /// municipality they belong to (R39: Kaarst).
    fn seed(&self, offices: &[Office]) -> Result<(), StoreError> {
        self.write(|conn| {
            crate::municipalities::insert_if_missing(conn, &domain::Municipality::kaarst())?;
            offices::seed(conn, offices)
        })
    }

    /// Is the database reachable?
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut *conn)?;
        Ok(())
    }

    /// Runs `f` in a transaction (I3: all of it is committed or nothing),
    /// again when it lost to a busy database or a serialization failure, at
    /// most [`ATTEMPTS`] times.
    pub(crate) fn write<T>(
        &self,
        mut f: impl FnMut(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        let _writer = (self.backend == Backend::Sqlite).then(|| self.sqlite_writer.lock());
        for attempt in 1..=ATTEMPTS {
            use diesel::Connection;
            match conn.transaction(|c| f(c)) {
                Err(e) if e.is_transient() => {
                    tracing::debug!(attempt, error = %e, "transaction retried");
                }
                other => return other,
            }
        }
        Err(StoreError::Busy)
    }

    /// Every office, in id order.
    pub fn offices(&self) -> Result<Vec<Arc<Office>>, StoreError> {
        self.offices_where(None)
    }

    /// R39: the offices of `municipality`, in id order (none for an
    /// unknown one).
    pub fn offices_of(
        &self,
        municipality: &MunicipalityId,
    ) -> Result<Vec<Arc<Office>>, StoreError> {
        self.offices_where(Some(municipality))
    }

    /// The offices' versions in one read, then each from the cache when
    /// current (issue #25: a version read per office made a list of 1,200
    /// offices 1,201 queries).
    fn offices_where(
        &self,
        municipality: Option<&MunicipalityId>,
    ) -> Result<Vec<Arc<Office>>, StoreError> {
        let mut conn = self.conn()?;
        let versions = offices::versions(&mut conn, municipality)?;
        versions
            .iter()
            .map(|(id, version)| self.cached_office(&mut conn, id, Some(*version)))
            .collect()
    }

    /// The office `id` as configured now.
    pub fn office(&self, id: &OfficeId) -> Result<Arc<Office>, StoreError> {
        let mut conn = self.conn()?;
        self.cached_office(&mut conn, id.as_str(), None)
    }

    /// The configuration of `id` and its version.
    pub(crate) fn office_with_version(
        &self,
        conn: &mut DbConnection,
        id: &str,
    ) -> Result<(i64, Arc<Office>), StoreError> {
        let version = offices::version(conn, id)?.ok_or(StoreError::UnknownOffice)?;
        Ok((version, self.cached_office(conn, id, Some(version))?))
    }

    /// The configuration of `id`, from the cache when its version is current.
    /// `version` is given when the caller has already read it under a lock.
    pub(crate) fn cached_office(
        &self,
        conn: &mut DbConnection,
        id: &str,
        version: Option<i64>,
    ) -> Result<Arc<Office>, StoreError> {
        let version = match version {
            Some(v) => v,
            None => offices::version(conn, id)?.ok_or(StoreError::UnknownOffice)?,
        };
        if let Some((v, office)) = self.lock_cache().get(id)
            && *v == version
        {
            return Ok(Arc::clone(office));
        }
        let (version, office) = offices::load(conn, id)?.ok_or(StoreError::UnknownOffice)?;
        let office = Arc::new(office);
        self.lock_cache()
            .insert(id.to_owned(), (version, Arc::clone(&office)));
        Ok(office)
    }

    /// R27: whether this process knows the draw of `office`'s `day` ran.
    pub(crate) fn known_drawn(&self, office: &str, day: Date) -> bool {
        self.drawn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(&(office.to_owned(), day))
    }

    pub(crate) fn remember_drawn(&self, office: &str, day: Date) {
        let mut drawn = self
            .drawn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Yesterday's days are of no use: keep the set small.
        drawn.retain(|(_, d)| *d >= day.previous_day().unwrap_or(day));
        drawn.insert((office.to_owned(), day));
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, Arc<Office>)>> {
        // A panic while holding the lock cannot leave the map inconsistent
        // (every write is a single insert), so a poisoned lock is still usable.
        self.offices
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
