//! The stored vocabulary becomes part of the schema: every status, method, threshold base, kind and
//! source column accepts only its known words, so a typo in code or a hand-edited row is refused at
//! write time instead of being read back as a default. (`accounts.role` has had its CHECK since
//! m0001.)
//!
//! PostgreSQL gets named CHECK constraints. SQLite cannot add a CHECK to an existing table with
//! ALTER TABLE, and rebuilding the tables would mean recreating their foreign keys, indexes and
//! WITHOUT ROWID layout; instead each column gets a pair of triggers (before insert, before update
//! of the column) that `RAISE(ABORT)` on an unknown word, which refuses the same writes. Existing
//! rows are checked first on both backends, so the migration fails loudly on bad data rather than
//! leave it behind a constraint that would not see it.
//!
//! The lists are this migration's own, written out: a migration never imports the domain, so it
//! keeps meaning what it meant when it shipped. A later word needs a later migration.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DatabaseBackend},
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_vocabulary"
    }
}

/// (table, column, words)
const VOCABULARY: &[(&str, &str, &[&str])] = &[
    (
        "projects",
        "status",
        &[
            "proposed",
            "candidate",
            "adopted",
            "reserve",
            "in_progress",
            "completed",
        ],
    ),
    ("projects", "source", &["deputy", "public", "department"]),
    ("votes", "method", &["choose_up_to_n", "yes_no_abstain"]),
    (
        "votes",
        "threshold_base",
        &["all_deputies", "present", "ballots_cast", "none"],
    ),
    ("votes", "status", &["draft", "open", "closed", "published"]),
    (
        "evaluations",
        "threshold_base",
        &["all_deputies", "present", "ballots_cast", "none"],
    ),
    (
        "evaluations",
        "status",
        &["draft", "open", "closed", "published"],
    ),
    ("problems", "status", &["open", "rectified", "closed"]),
    ("problems", "severity", &["low", "medium", "high"]),
    (
        "problem_events",
        "kind",
        &["raised", "rectified", "verified", "sent_back"],
    ),
    (
        "problem_events",
        "actor_role",
        &["admin", "deputy", "department"],
    ),
    (
        "inspections",
        "kind",
        &["inspection", "research", "briefing", "special_inquiry"],
    ),
    (
        "escalations",
        "kind",
        &[
            "inquiry",
            "appointment",
            "interpellation",
            "special_investigation",
        ],
    ),
];

fn word_list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn name(table: &str, column: &str) -> String {
    format!("vocab_{table}_{column}")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        for (table, column, words) in VOCABULARY {
            let list = word_list(words);
            let bad = db
                .query_one_raw(sea_orm_migration::sea_orm::Statement::from_string(
                    backend,
                    format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} NOT IN ({list})"),
                ))
                .await?
                .map(|row| row.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0);
            if bad > 0 {
                return Err(DbErr::Migration(format!(
                    "{bad} row(s) of {table}.{column} hold a word outside ({list}); fix them first"
                )));
            }
            let name = name(table, column);
            match backend {
                DatabaseBackend::Sqlite => {
                    for (when, event) in [
                        ("insert", "INSERT"),
                        ("update", &*format!("UPDATE OF {column}")),
                    ] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {name}_{when} BEFORE {event} ON {table} FOR EACH ROW \
                             WHEN NEW.{column} NOT IN ({list}) \
                             BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
                        ))
                        .await?;
                    }
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({list}))"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        for (table, column, _) in VOCABULARY.iter().rev() {
            let name = name(table, column);
            match backend {
                DatabaseBackend::Sqlite => {
                    for when in ["insert", "update"] {
                        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}_{when}"))
                            .await?;
                    }
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
