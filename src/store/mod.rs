//! The store: every message, envelope, finding, document, acknowledgement, job, control
//! number and change of state the gateway keeps. SQLite (one file, nothing to install) by
//! default, PostgreSQL for scale-out; one schema and one set of queries for both (diesel's
//! `MultiConnection`), migrations for both built into the binary and run on open.
//!
//! No diesel type leaves this module: callers get [`Store`], a [`Tx`] inside
//! [`Store::write`] / [`Store::read`], and plain records. Every call blocks; async callers
//! run it on their runtime's blocking pool.

mod as2;
mod audit;
mod counters;
mod envelopes;
mod jobs;
mod messages;
pub mod queries;
mod records;
mod schema;
mod tracking;

pub use as2::{As2Exchange, MdnUpdate, NewAs2Exchange};
pub use audit::AuditEntry;
pub use envelopes::{
    AckRecord, GroupRecord, InterchangeRecord, NewAck, NewGroup, NewInterchange, NewSet, SetRecord,
};
pub use jobs::{Job, JobKind, JobState};
pub use messages::{Direction, MessageFilter, MessageRecord, NewMessage};
pub use records::{DocumentRecord, FindingRecord, NewDocument, NewFinding};
pub use tracking::{GroupStatusRow, StatusCount, StatusFilter};

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub(crate) enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which database holds the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store {url}: {reason}")]
    Open { url: String, reason: String },
    #[error("the store's schema cannot be brought up to date: {0}")]
    Migration(String),
    #[error("the store: {0}")]
    Database(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Exhausted(String),
    /// A job's lease ran out while it ran and another worker took it: this worker's result
    /// is dropped.
    #[error("{0}")]
    LostClaim(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

impl From<r2d2::PoolError> for StoreError {
    fn from(e: r2d2::PoolError) -> Self {
        StoreError::Database(format!("no connection: {e}"))
    }
}

/// Opens connections of the right kind: a PostgreSQL URL is never taken for a file name.
struct Manager {
    url: String,
    backend: Backend,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        let mut conn = match self.backend {
            Backend::Postgres => AnyConnection::Postgresql(
                diesel::PgConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?,
            ),
            Backend::Sqlite => AnyConnection::Sqlite(
                diesel::SqliteConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?,
            ),
        };
        if self.backend == Backend::Sqlite {
            // WAL: readers (status, show) never block the writer. synchronous=FULL: a
            // committed message survives a power cut, not only a killed process. The busy
            // timeout lets the folder poller and the workers take turns at writing.
            conn.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; \
                 PRAGMA temp_store = MEMORY;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// The store, shared by every part of the gateway (cheap to clone).
#[derive(Clone)]
pub struct Store {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
    url: String,
    /// SQLite has one writer at a time, and a writer that finds the lock taken sleeps in
    /// steps of up to 100 ms before it looks again. The writers of this process take turns
    /// here instead, woken the moment the lock is free.
    writer: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?}, {})", self.backend, self.url)
    }
}

impl Store {
    /// Opens (creating when needed) the store at `url`: `postgres://...` or
    /// `postgresql://...` for PostgreSQL, anything else a SQLite file (`sqlite://` prefix
    /// optional). Brings the schema up to date.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        let (backend, target) =
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                (Backend::Postgres, url.to_owned())
            } else {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                if let Some(dir) = Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                        url: url.to_owned(),
                        reason: format!("cannot create the folder {}: {e}", dir.display()),
                    })?;
                }
                (Backend::Sqlite, path.to_owned())
            };
        let manager = Manager {
            url: target,
            backend,
        };
        let shown = redact(url);
        // One connection first: a wrong URL or a server that is down is said at once,
        // instead of after the pool's patience.
        manager.connect().map_err(|e| StoreError::Open {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
        let pool = r2d2::Pool::builder()
            .max_size(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 8,
            })
            // Connections are made as callers need them, on the caller's thread: none is made
            // in the background to keep a minimum idle, where a command that has finished
            // could be exiting under a thread still inside libpq (a crash at exit, seen on
            // PostgreSQL as a killed `edigate messages`).
            .min_idle(Some(0))
            // No `SELECT 1` before every use: a connection that broke is replaced when a
            // query on it fails (`has_broken`), and the job is retried.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(30))
            .build(manager)
            .map_err(|e| StoreError::Open {
                url: shown.clone(),
                reason: e.to_string(),
            })?;
        let store = Store {
            pool,
            backend,
            url: shown,
            writer: Arc::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL, without a password.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.get()?;
        let result = match &mut *conn {
            AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            AnyConnection::Postgresql(c) => {
                c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ())
            }
        };
        result.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Runs `f` in one write transaction: all of it is committed, or none. On SQLite the
    /// transaction takes the write lock at once (BEGIN IMMEDIATE), so two writers never
    /// deadlock upgrading a read.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.writer.lock().unwrap_or_else(|e| e.into_inner())),
            Backend::Postgres => None,
        };
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        conn.batch_execute(begin).map_err(StoreError::from)?;
        let mut tx = Tx {
            conn: &mut conn,
            backend: self.backend,
            audit: Vec::new(),
        };
        let result = f(&mut tx).and_then(|value| {
            tx.write_audit()?;
            Ok(value)
        });
        match result {
            Ok(value) => {
                if let Err(e) = conn.batch_execute("COMMIT") {
                    let _ = conn.batch_execute("ROLLBACK");
                    return Err(StoreError::from(e).into());
                }
                Ok(value)
            }
            Err(e) => {
                let _ = conn.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Runs `f` on a connection, outside a write transaction (each statement sees what was
    /// committed when it ran).
    pub fn read<T, E>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        let mut tx = Tx {
            conn: &mut conn,
            backend: self.backend,
            audit: Vec::new(),
        };
        let value = f(&mut tx)?;
        tx.write_audit()?;
        Ok(value)
    }
}

/// A connection inside [`Store::write`] or [`Store::read`]; the queries are its methods.
pub struct Tx<'c> {
    conn: &'c mut PooledConnection<Manager>,
    backend: Backend,
    /// Changes of state recorded and not yet written (see [`Tx::audit`]).
    audit: Vec<audit::PendingAudit>,
}

impl Tx<'_> {
    fn c(&mut self) -> &mut AnyConnection {
        self.conn
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `f` inside the transaction so that its writes are undone when it fails, and
    /// only its own: the rest of the transaction goes on (one bad message in a batch
    /// does not undo the others).
    pub fn savepoint<T, E>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.c()
            .batch_execute("SAVEPOINT step")
            .map_err(StoreError::from)?;
        let recorded = self.audit.len();
        match f(self) {
            Ok(value) => {
                self.c()
                    .batch_execute("RELEASE SAVEPOINT step")
                    .map_err(StoreError::from)?;
                Ok(value)
            }
            Err(e) => {
                self.audit.truncate(recorded);
                self.c()
                    .batch_execute("ROLLBACK TO SAVEPOINT step; RELEASE SAVEPOINT step")
                    .map_err(StoreError::from)?;
                Err(e)
            }
        }
    }
}

/// A URL as it may be shown: the password replaced.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// Times are kept to the microsecond: what both databases hold exactly.
pub fn trunc(at: NaiveDateTime) -> NaiveDateTime {
    use chrono::{SubsecRound, Timelike};
    at.with_nanosecond(at.nanosecond() / 1000 * 1000)
        .unwrap_or_else(|| at.trunc_subsecs(6))
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            super::redact("postgres://edigate:secret@db:5432/edi"),
            "postgres://edigate:***@db:5432/edi"
        );
        assert_eq!(
            super::redact("edigate-data/edigate.db"),
            "edigate-data/edigate.db"
        );
    }
}
