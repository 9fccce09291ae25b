//! A fresh database for one domain test, migrated by the migration crate: a SQLite file in a
//! temporary directory, or, when `MINSHENG_TEST_DATABASE_URL` names a PostgreSQL server, a new
//! database on it (the same rule as the HTTP tests' `TestDb`).

#![allow(dead_code)]

use std::path::PathBuf;

use minsheng_migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

pub struct FreshDb {
    pub db: DatabaseConnection,
    pub url: String,
    dir: Option<PathBuf>,
    pg: Option<(String, String)>,
}

impl FreshDb {
    /// An empty database with no migration applied.
    pub async fn empty() -> FreshDb {
        let base = std::env::var("MINSHENG_TEST_DATABASE_URL").unwrap_or_default();
        let name = format!("ms_domain_{}", uuid::Uuid::new_v4().simple());
        let (url, dir, pg) = if base.starts_with("postgres://") || base.starts_with("postgresql://")
        {
            let admin = Database::connect(&base)
                .await
                .expect("connect to PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let (prefix, _) = base.rsplit_once('/').expect("a URL ending in /<database>");
            (format!("{prefix}/{name}"), None, Some((base, name)))
        } else {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}", dir.join("minsheng.db").display());
            (url, Some(dir), None)
        };
        let db = minsheng_domain::db::connect(&url).await.expect("connect");
        FreshDb { db, url, dir, pg }
    }

    /// A database with every migration applied, as the server starts it.
    pub async fn migrated() -> FreshDb {
        let f = FreshDb::empty().await;
        Migrator::up(&f.db, None).await.expect("migrations run");
        f
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// Closes the connection and removes the database.
    pub async fn drop_db(self) {
        self.db.close().await.ok();
        if let Some(dir) = self.dir {
            std::fs::remove_dir_all(dir).ok();
        }
        if let Some((base, name)) = self.pg
            && let Ok(admin) = Database::connect(&base).await
        {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .ok();
            admin.close().await.ok();
        }
    }
}
