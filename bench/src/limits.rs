//! The machine's own limits, measured in the same run: what the service's figures are compared
//! with.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, DatabaseConnection};

/// Single-row durable commits per second, one after another, in the service's own settings (the
/// same connection options: WAL and `synchronous=FULL` on SQLite; `BEGIN IMMEDIATE`).
pub async fn commits_per_sec(db: &DatabaseConnection, secs: f64) -> anyhow::Result<f64> {
    db.execute_unprepared("CREATE TABLE bench_commits (id INTEGER PRIMARY KEY, payload TEXT)")
        .await?;
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let started = Instant::now();
    let mut n = 0u64;
    while Instant::now() < deadline {
        let txn = minsheng_domain::db::begin_write(db).await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO bench_commits (id, payload) VALUES ({n}, 'a ballot-sized row of text')"
        ))
        .await?;
        txn.commit().await?;
        n += 1;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    db.execute_unprepared("DROP TABLE bench_commits").await?;
    Ok(rate)
}

/// argon2id hashes per second at the service's parameters, on every core at once.
pub fn hashes_per_sec(secs: f64) -> f64 {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let (stop, count) = (stop.clone(), count.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    minsheng_domain::passwords::hash_now("a deputy's password 1")
                        .expect("hashing works");
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}
