//! The SQLite database file as an operator handles it: which file a URL names, the lock that tells
//! a restore the file is being served, a consistent backup taken while it serves, and a restore.
//!
//! The lock is `<database>.lock`, an advisory `flock` beside the database: every serving process
//! holds it shared (several nodes on one file may serve together), a restore needs it exclusive.
//! The kernel drops it when a process ends, however it ends, so a crash leaves nothing stale.
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`; see the README).

use std::{
    fs::{File, OpenOptions},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// The file a `sqlite:` URL names; `None` for PostgreSQL and for an in-memory database.
pub fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn lock_file(db: &Path) -> anyhow::Result<File> {
    let path = with_suffix(db, ".lock");
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))
}

/// The serving process's share of the lock, held for as long as the value lives.
#[derive(Debug)]
pub struct ServingLock(#[allow(dead_code)] File);

/// Takes the serving lock of the SQLite file `database_url` names (nothing for PostgreSQL).
/// Refused while `minsheng restore` replaces the file.
pub fn hold_serving_lock(database_url: &str) -> anyhow::Result<Option<ServingLock>> {
    let Some(db) = sqlite_path(database_url) else {
        return Ok(None);
    };
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    }
    let file = lock_file(&db)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(ServingLock(file))),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "{} is being restored (minsheng restore holds its lock); start the service when the restore has finished",
            db.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", db.display()))
        }
    }
}

/// What a backup or a restore checked in the copy.
#[derive(Debug)]
pub struct Checked {
    pub bytes: u64,
    /// Audit events in the copy; its chain holds.
    pub audit_events: i64,
}

/// SQLite's own check of every page and index, then the audit chain.
async fn check_copy(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await?
        .context("integrity_check returned nothing")?;
    let verdict: String = row.try_get_by_index(0)?;
    if verdict != "ok" {
        bail!("the copy is damaged: SQLite's integrity check says {verdict}");
    }
    let v = minsheng_domain::audit::verify(db).await?;
    if let Some((seq, why)) = v.broken {
        bail!("the copy's audit log is BROKEN at event {seq}: {why}");
    }
    Ok(v.events)
}

fn quoted(path: &Path) -> anyhow::Result<String> {
    let s = path
        .to_str()
        .context("the file name must be valid UTF-8")?
        .replace('\'', "''");
    Ok(format!("'{s}'"))
}

/// Writes a consistent copy of the live database to `dest` (`VACUUM INTO`: one read transaction,
/// so the copy is the database as of one moment, while the service goes on writing), then opens
/// the copy read-only and checks its pages and its audit chain. Refuses PostgreSQL and an
/// existing `dest`.
pub async fn backup(database_url: &str, dest: &Path) -> anyhow::Result<Checked> {
    let Some(_) = sqlite_path(database_url) else {
        bail!(
            "minsheng backup copies a SQLite file; for PostgreSQL use pg_dump (see the README: Backup and restore)"
        );
    };
    if dest.exists() {
        bail!("{} exists; name a new file", dest.display());
    }
    let db = minsheng_domain::db::connect(database_url).await?;
    db.execute_unprepared(&format!("VACUUM INTO {}", quoted(dest)?))
        .await
        .with_context(|| format!("cannot write {}", dest.display()))?;
    db.close().await?;
    let copy = minsheng_domain::db::open_sqlite_read_only(dest).await?;
    let audit_events = check_copy(&copy).await;
    copy.close().await?;
    Ok(Checked {
        bytes: std::fs::metadata(dest)?.len(),
        audit_events: audit_events?,
    })
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub checked: Checked,
    /// Where the database that was replaced now is (`None` when there was none).
    pub kept: Option<PathBuf>,
}

/// Puts the backup `src` in place of the database `database_url` names. Refused while any
/// process serves that database (its lock is held) and when the backup fails SQLite's integrity
/// check or its audit chain does not hold. The database it replaces is first copied, whole, to
/// `<database>.before-restore-<time>`; nothing is deleted.
pub async fn restore(database_url: &str, src: &Path) -> anyhow::Result<Restored> {
    let Some(db_path) = sqlite_path(database_url) else {
        bail!(
            "minsheng restore replaces a SQLite file; for PostgreSQL use pg_restore (see the README: Backup and restore)"
        );
    };
    if !src.is_file() {
        bail!("{} is not a file", src.display());
    }
    let lock = lock_file(&db_path)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "{} is in use: a minsheng process serves it; stop the service first, then restore",
            db_path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
    }

    // Check the backup as it will be put in place: copied beside the database, then opened.
    let incoming = with_suffix(&db_path, ".restoring");
    std::fs::copy(src, &incoming)
        .with_context(|| format!("cannot copy {} beside the database", src.display()))?;
    let checked = async {
        let copy = minsheng_domain::db::open_sqlite_read_only(&incoming).await?;
        let events = check_copy(&copy).await;
        copy.close().await?;
        anyhow::Ok(Checked {
            bytes: std::fs::metadata(&incoming)?.len(),
            audit_events: events?,
        })
    }
    .await;
    let checked = match checked {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&incoming);
            return Err(e.context(format!("{} was not restored", src.display())));
        }
    };
    File::open(&incoming)?.sync_all()?;

    // Keep what is replaced, WAL included, as one ordinary file.
    let kept = if db_path.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let kept = with_suffix(&db_path, &format!(".before-restore-{stamp}"));
        let old = minsheng_domain::db::connect(database_url).await?;
        old.execute_unprepared(&format!("VACUUM INTO {}", quoted(&kept)?))
            .await
            .with_context(|| format!("cannot keep the current database as {}", kept.display()))?;
        old.close().await?;
        Some(kept)
    } else {
        None
    };
    for stale in ["-wal", "-shm"] {
        match std::fs::remove_file(with_suffix(&db_path, stale)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&incoming, &db_path)?;
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    drop(lock);
    Ok(Restored { checked, kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_a_url_names() {
        assert_eq!(
            sqlite_path("sqlite://data/minsheng.db?mode=rwc"),
            Some(PathBuf::from("data/minsheng.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:minsheng.db"),
            Some(PathBuf::from("minsheng.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u:p@h/db"), None);
    }
}
