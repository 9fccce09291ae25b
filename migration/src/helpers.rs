//! Helpers shared by migrations. DDL only; nothing here reads the domain's entities.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DatabaseBackend},
};

/// Creates a table keyed by a random value. On SQLite it is declared WITHOUT ROWID, so rows are
/// stored in key order and carry no hidden sequence number that follows the order of insertion.
pub async fn create_unordered(
    m: &SchemaManager<'_>,
    stmt: TableCreateStatement,
) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    let mut sql = backend.build(&stmt).to_string();
    if backend == DatabaseBackend::Sqlite {
        sql.push_str(" WITHOUT ROWID");
    }
    db.execute_unprepared(&sql).await.map(|_| ())
}
