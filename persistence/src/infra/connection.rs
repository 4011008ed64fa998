//! One connection type over SQLite and PostgreSQL, chosen by the URL scheme,
//! and the r2d2 manager that opens it.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Which database a [`crate::Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Where to connect: a SQLite file or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    SqliteFile(String),
    Postgres(String),
}

impl Target {
    /// `sqlite://PATH` (`sqlite:///abs/path` for an absolute one) or
    /// `postgres://…` / `postgresql://…`. Anything else is refused, so a typo
    /// never becomes a stray SQLite file.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split(['?', '#']).next().unwrap_or_default();
            if path.is_empty() {
                return Err("a sqlite:// URL needs a file path, e.g. sqlite://termin.db".into());
            }
            if path == ":memory:" {
                return Err(
                    "an in-memory SQLite database would be lost with every connection; give a file"
                        .into(),
                );
            }
            return Ok(Target::SqliteFile(path.to_owned()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_owned()));
        }
        let scheme = url.split_once("://").map_or(url, |(s, _)| s);
        Err(format!(
            "unsupported database URL scheme `{scheme}`: use sqlite://PATH or postgres://…"
        ))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Target::SqliteFile(_) => Backend::Sqlite,
            Target::Postgres(_) => Backend::Postgres,
        }
    }
}

/// How long a SQLite connection waits for the write lock before giving up.
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Opens connections for the pool.
#[derive(Debug, Clone)]
pub struct Manager {
    target: Target,
}

impl Manager {
    pub fn new(target: Target) -> Self {
        Self { target }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.target {
            Target::SqliteFile(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                // WAL lets readers run beside the one writer; FULL makes a
                // committed booking survive a power cut too (I3); the busy
                // timeout queues writers instead of failing them at once.
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA foreign_keys = ON;"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Target::Postgres(url) => Ok(DbConnection::Pg(PgConnection::establish(url)?)),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), diesel::ConnectionError> {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(drop)
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    /// A connection given back by a panicking thread, or with a transaction
    /// still open or broken, is closed (which rolls the transaction back)
    /// rather than handed to the next caller: its next transaction would be
    /// a savepoint inside the stale one, answered as done and never
    /// committed (I3). As diesel's own r2d2 manager decides.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::connection::TransactionManager;
        type Transactions = <DbConnection as Connection>::TransactionManager;
        std::thread::panicking() || Transactions::is_broken_transaction_manager(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert_eq!(
            Target::parse("sqlite://termin.db"),
            Ok(Target::SqliteFile("termin.db".into()))
        );
        assert_eq!(
            Target::parse("sqlite:///var/lib/termin.db"),
            Ok(Target::SqliteFile("/var/lib/termin.db".into()))
        );
        assert!(Target::parse("postgres://u@h/db").is_ok());
        assert!(Target::parse("postgresql://u@h/db").is_ok());
        for bad in [
            "termin.db",
            "mysql://h/db",
            "sqlite://",
            "sqlite://:memory:",
            "",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}
