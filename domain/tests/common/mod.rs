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

/// A congress office, its deputies and a session, made through the services as the office would.
pub struct Office {
    pub admin: minsheng_domain::Actor,
    /// Deputies on the session's roster, all checked in.
    pub deputies: Vec<minsheng_domain::Actor>,
    pub session_id: uuid::Uuid,
}

impl FreshDb {
    /// The first admin, `n` deputies (one shared password hash, so this takes a second) and a
    /// session with every deputy present.
    pub async fn office(&self, n: usize) -> Office {
        use minsheng_domain::{
            Role,
            accounts::{self, Credentials, DeputyInput},
            auth, entities,
            passwords::PasswordHasher,
            sessions,
        };
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let hasher = PasswordHasher::new(1);
        accounts::ensure_first_admin(&self.db, &hasher, Some("office-password-for-tests"))
            .await
            .expect("first admin");
        let admin_row = entities::accounts::Entity::find()
            .filter(entities::accounts::Column::Role.eq(Role::Admin))
            .one(&self.db)
            .await
            .unwrap()
            .expect("an admin");
        let admin = auth::authenticate(&self.db, admin_row.id).await.unwrap();
        let rows = (1..=n)
            .map(|i| {
                let input = DeputyInput::parse(
                    &format!("T{i:03}"),
                    &format!("代表{i}"),
                    "城关镇代表团",
                    Some(&format!("t{i:03}")),
                )
                .unwrap();
                (None, input)
            })
            .collect();
        let hash = hasher.hash("deputy-password-for-tests").await.unwrap();
        let created = accounts::create_deputies(
            &self.db,
            None,
            Credentials::Shared {
                password: "deputy-password-for-tests".into(),
                hash,
            },
            rows,
        )
        .await
        .expect("deputies");
        let mut deputies = Vec::new();
        for c in &created {
            deputies.push(
                auth::authenticate(&self.db, c.deputy.account_id)
                    .await
                    .unwrap(),
            );
        }
        let session = sessions::create(&self.db, &admin, "县第十八届人大第五次会议", 2027)
            .await
            .expect("session");
        let ids: Vec<uuid::Uuid> = created.iter().map(|c| c.deputy.id).collect();
        sessions::set_attendance(&self.db, &admin, session.session.id, &ids, true)
            .await
            .expect("all present");
        Office {
            admin,
            deputies,
            session_id: session.session.id,
        }
    }

    /// A proposed project with real-looking materials.
    pub async fn project(&self, admin: &minsheng_domain::Actor, title: &str) -> uuid::Uuid {
        minsheng_domain::projects::create(
            &self.db,
            admin,
            minsheng_domain::projects::ProjectInput {
                title: title.into(),
                summary: "改善群众生活".into(),
                category: "民生".into(),
                department: "县住建局".into(),
                budget_yuan: 1_200_000,
                year: 2027,
                source: "public".into(),
                planned_completion: chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
            },
        )
        .await
        .expect("project")
        .id
    }
}
