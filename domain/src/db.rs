//! Connecting to the database and running write transactions the same way on SQLite and PostgreSQL.

use std::{str::FromStr, time::Duration};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

/// Opens the pool. A SQLite file is created when missing and runs in WAL mode with
/// `synchronous=FULL` (an acknowledged ballot must survive a power cut), foreign keys on and a busy
/// timeout, with several pooled connections so reads run beside the single writer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // Validate the URL now: the mapping closure below cannot report errors.
        SqliteConnectOptions::from_str(url).map_err(|e| DbErr::Custom(e.to_string()))?;
        opts.max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(15))
                    .foreign_keys(true)
                    // Deleted rows are overwritten, so a rewritten ballot table leaves no old order behind.
                    .pragma("secure_delete", "ON")
            });
    } else {
        opts.max_connections(16).min_connections(1);
    }
    // Switching a SQLite file to WAL needs a moment of exclusive access, which another process
    // opening the same file can hold; that refusal does not wait on the busy timeout, so retry.
    let mut attempt = 0;
    loop {
        match Database::connect(opts.clone()).await {
            Err(e) if attempt < 20 && is_retryable(&e) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            other => return other,
        }
    }
}

/// Opens a SQLite file read-only and as immutable, for checking a backup: nothing is written
/// beside it (no journal, no WAL), and a missing file is an error rather than a new database.
pub async fn open_sqlite_read_only(path: &std::path::Path) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new("sqlite::memory:".to_owned());
    let path = path.to_owned();
    opts.sqlx_logging(false)
        .max_connections(1)
        .map_sqlx_sqlite_opts(move |_| {
            SqliteConnectOptions::new()
                .filename(&path)
                .read_only(true)
                .immutable(true)
        });
    Database::connect(opts).await
}

/// A write transaction from [`begin_write`]. Reads and writes go through it as through the
/// transaction it derefs to; it implements `ConnectionTrait` so generic queries take it too.
pub struct WriteTxn {
    txn: DatabaseTransaction,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}

/// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`, so the write lock is
/// taken up front and waits on the busy timeout instead of failing halfway when two writers meet.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let mode = match db.get_database_backend() {
        DbBackend::Sqlite => Some(SqliteTransactionMode::Immediate),
        _ => None,
    };
    // Writers meet in SQLite's busy handler, which gives up after the busy timeout. (An
    // in-process queue for the turn, with no deadline of its own, hung two browser flows in CI.)
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: mode,
            ..Default::default()
        })
        .await?;
    Ok(WriteTxn { txn })
}

/// A serialization failure or deadlock (PostgreSQL) or a busy/locked database (SQLite): the
/// transaction was rolled back and the same request may simply be run again.
pub fn is_retryable(err: &DbErr) -> bool {
    let text = err.to_string();
    [
        "40001",
        "40P01",
        "could not serialize",
        "deadlock detected",
        "database is locked",
        "database is busy",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// True when the error is a unique or primary-key violation.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Runs a write use case again when it failed for a reason a retry can cure (see [`is_retryable`]),
/// so a deputy never sees a 500 for a conflict between two transactions.
#[macro_export]
macro_rules! with_retry {
    ($attempt:expr) => {{
        let mut tries = 0u32;
        loop {
            match $attempt {
                Err(e) if e.is_retryable() && tries < 8 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(tries)))
                        .await;
                }
                other => break other,
            }
        }
    }};
}

/// After a vote or rating closes, physically drop the old row versions of its rewritten tables: on
/// PostgreSQL `VACUUM FULL` rewrites them; on SQLite (with `secure_delete`) a WAL checkpoint folds
/// the log into the file and truncates it. Failure here loses no data and is only logged.
pub async fn compact_after_close(db: &DatabaseConnection, tables: &[&str]) {
    use sea_orm::ConnectionTrait;
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!("VACUUM FULL {}", tables.join(", ")),
        _ => "PRAGMA wal_checkpoint(TRUNCATE)".to_owned(),
    };
    if let Err(e) = db.execute_unprepared(&sql).await {
        tracing::warn!(error = %e, "could not compact storage after close");
    }
}

/// Deletes the rows `filter` selects and inserts them again sorted by `key`, inside the caller's
/// transaction. Used when a vote or rating closes, so that neither physical order nor row versions
/// (PostgreSQL's xmin) keep the order in which ballots were cast.
pub async fn rewrite_in_key_order<E>(
    txn: &DatabaseTransaction,
    filter: sea_orm::Condition,
    key: E::Column,
) -> Result<(), DbErr>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel> + Clone,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    use sea_orm::{IntoActiveModel, QueryFilter, QueryOrder};
    let rows = E::find()
        .filter(filter.clone())
        .order_by_asc(key)
        .all(txn)
        .await?;
    E::delete_many().filter(filter).exec(txn).await?;
    for chunk in rows.chunks(500) {
        E::insert_many(
            chunk
                .iter()
                .cloned()
                .map(IntoActiveModel::into_active_model),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Reads one row for update. On PostgreSQL this is `SELECT … FOR UPDATE`, so two transactions that
/// check a row's state and then change it run one after the other; on SQLite the IMMEDIATE write
/// transaction already holds the database's single write lock.
pub async fn find_locked<E>(
    txn: &DatabaseTransaction,
    id: <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType,
) -> Result<Option<E::Model>, DbErr>
where
    E: sea_orm::EntityTrait,
{
    use sea_orm::{ConnectionTrait, QuerySelect};
    let mut q = E::find_by_id(id);
    if txn.get_database_backend() == DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(txn).await
}
