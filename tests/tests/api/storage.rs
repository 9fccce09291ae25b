//! The SQLite connection settings that make an acknowledged ballot durable.

use minsheng_tests::TestDb;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_in_wal_with_full_sync_and_foreign_keys() {
    let test_db = TestDb::create().await;
    let db = minsheng_domain::db::connect(&test_db.url).await.unwrap();
    if db.get_database_backend() != DbBackend::Sqlite {
        // On PostgreSQL durability is the server's setting: commits must wait for the WAL flush.
        let r = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SHOW synchronous_commit",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.try_get_by_index::<String>(0).unwrap(), "on");
        return;
    }
    let pragma = |name: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("PRAGMA {name}"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0)
                .map(|v| v.to_string())
                .or_else(|_| row.try_get_by_index::<String>(0))
                .unwrap()
        }
    };
    assert_eq!(pragma("journal_mode").await, "wal");
    assert_eq!(pragma("synchronous").await, "2", "FULL");
    assert_eq!(pragma("foreign_keys").await, "1");
    assert_eq!(pragma("secure_delete").await, "1");
    assert_eq!(pragma("busy_timeout").await, "15000");
}
