//! The typed vocabulary on a real database: every word the code knows is one the schema accepts,
//! the schema refuses any other (CHECK constraints on PostgreSQL, triggers on SQLite), migration
//! m0005 goes down and up again, and a word the code does not know, if one is ever stored, is an
//! internal error when read, never a default.

mod common;

use chrono::Utc;
use common::FreshDb;
use minsheng_domain::{
    Actor, Error, Role,
    vocabulary::{ProjectStatus, Source},
};
use minsheng_migration::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

fn admin() -> Actor {
    Actor {
        account_id: Uuid::new_v4(),
        username: "office".into(),
        role: Role::Admin,
        deputy_id: None,
        department: None,
        must_change_password: false,
    }
}

/// Inserts a project with any status word, as raw SQL would: the typed entity could not even
/// express an unknown word, the schema must refuse it.
async fn insert_project(db: &impl ConnectionTrait, status: &str) -> Result<Uuid, sea_orm::DbErr> {
    let id = Uuid::new_v4();
    let now = Utc::now();
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "INSERT INTO projects (id, title, summary, category, department, budget_yuan, year, \
             source, planned_completion, status, created_at, updated_at) \
             VALUES ($1, $2, '', $3, $4, $5, $6, $7, NULL, $8, $9, $9)"
        }
        _ => {
            "INSERT INTO projects (id, title, summary, category, department, budget_yuan, year, \
             source, planned_completion, status, created_at, updated_at) \
             VALUES (?, ?, '', ?, ?, ?, ?, ?, NULL, ?, ?, ?)"
        }
    };
    let mut values: Vec<sea_orm::Value> = vec![
        id.into(),
        "道路硬化".into(),
        "交通".into(),
        "交通局".into(),
        1_000_000i64.into(),
        2027i32.into(),
        Source::Public.as_str().into(),
        status.into(),
        now.into(),
    ];
    if backend != sea_orm::DatabaseBackend::Postgres {
        values.push(now.into());
    }
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .await?;
    Ok(id)
}

async fn set_status(
    db: &impl ConnectionTrait,
    id: Uuid,
    status: &str,
) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE projects SET status = $1 WHERE id = $2",
        _ => "UPDATE projects SET status = ? WHERE id = ?",
    };
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [status.into(), id.into()],
    ))
    .await
    .map(|_| ())
}

#[tokio::test]
async fn the_schema_holds_the_vocabulary_and_reading_an_unknown_word_is_an_error() {
    let f = FreshDb::migrated().await;
    let db = &f.db;

    // Every word the code knows is stored and read back.
    for s in ProjectStatus::ALL {
        let id = insert_project(db, s.as_str())
            .await
            .expect("a known status is stored");
        let p = minsheng_domain::projects::get(db, Some(&admin()), id)
            .await
            .unwrap();
        assert_eq!(minsheng_domain::projects::status::of(&p).unwrap(), *s);
    }

    // Any other word is refused on insert and on update.
    let err = insert_project(db, "approved")
        .await
        .expect_err("unknown status refused");
    assert!(err.to_string().contains("vocab_projects_status"), "{err}");
    let id = insert_project(db, "proposed").await.unwrap();
    let err = set_status(db, id, "done")
        .await
        .expect_err("unknown status refused on update");
    assert!(err.to_string().contains("vocab_projects_status"), "{err}");

    // Down past m0005 (and whatever came after it): the constraint is gone, and a bad word can be
    // stored, as it could before...
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == "m0005_vocabulary")
        .expect("m0005 listed");
    let steps = (names.len() - at) as u32;
    Migrator::down(db, Some(steps))
        .await
        .expect("m0005 goes down");
    set_status(db, id, "done")
        .await
        .expect("no constraint after down");
    // ...and reading it is an error (the typed entity cannot load the row), never a silent
    // `proposed`; a client sees 500 internal_error.
    let err = minsheng_domain::projects::get(db, Some(&admin()), id)
        .await
        .expect_err("an unknown stored status is an error");
    assert!(matches!(err, Error::Db(_) | Error::Internal(_)), "{err:?}");
    // The public read meets the same.
    let err = minsheng_domain::projects::get(db, None, id)
        .await
        .expect_err("an error");
    assert!(matches!(err, Error::Db(_) | Error::Internal(_)), "{err:?}");

    // Up again refuses to hide the bad row behind a new constraint, and names it.
    let err = Migrator::up(db, None)
        .await
        .expect_err("bad rows stop the migration");
    assert!(err.to_string().contains("projects.status"), "{err}");
    set_status(db, id, "proposed").await.unwrap();
    Migrator::up(db, None).await.expect("m0005 goes up again");
    set_status(db, id, "done")
        .await
        .expect_err("constraint back after up");

    f.drop_db().await;
}
