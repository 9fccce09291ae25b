//! Driving load: a fixed number of jobs, or one request repeated for a while, with a given number
//! in flight; and what came of it (count, wall time, each latency).

use std::{
    future::Future,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

/// What a run measured.
pub struct Stats {
    pub count: usize,
    pub wall: Duration,
    latencies: Vec<Duration>,
}

impl Stats {
    /// Completed jobs per second.
    pub fn rate(&self) -> f64 {
        self.count as f64 / self.wall.as_secs_f64()
    }

    /// The `q` quantile of the latencies (0.5 the median), in milliseconds.
    pub fn ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[i].as_secs_f64() * 1000.0
    }

    /// "p50 x ms, p99 y ms, max z ms".
    pub fn latency_line(&self) -> String {
        format!(
            "p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            self.ms(0.5),
            self.ms(0.99),
            self.ms(1.0)
        )
    }

    fn finish(count: usize, started: Instant, latencies: Vec<Duration>) -> Stats {
        let mut latencies = latencies;
        latencies.sort();
        Stats {
            count,
            wall: started.elapsed(),
            latencies,
        }
    }
}

/// Runs jobs `0..n`, `in_flight` at a time. A failed job fails the run: every count the benchmark
/// drives must be what it says.
pub async fn jobs<F, Fut>(n: usize, in_flight: usize, job: F) -> anyhow::Result<Stats>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..in_flight.min(n).max(1) {
        let (job, next, latencies) = (job.clone(), next.clone(), latencies.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return anyhow::Ok(());
                }
                let t = Instant::now();
                job(i).await?;
                latencies.lock().unwrap().push(t.elapsed());
            }
        }));
    }
    for w in workers {
        w.await??;
    }
    let latencies = std::mem::take(&mut *latencies.lock().unwrap());
    Ok(Stats::finish(n, started, latencies))
}

/// Repeats `request` for `secs` seconds, `in_flight` at a time.
pub async fn repeat<F, Fut>(secs: f64, in_flight: usize, request: F) -> anyhow::Result<Stats>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let request = Arc::new(request);
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..in_flight.max(1) {
        let (request, latencies) = (request.clone(), latencies.clone());
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                request().await?;
                mine.push(t.elapsed());
            }
            latencies.lock().unwrap().extend(mine);
            anyhow::Ok(())
        }));
    }
    for w in workers {
        w.await??;
    }
    let latencies = std::mem::take(&mut *latencies.lock().unwrap());
    Ok(Stats::finish(latencies.len(), started, latencies))
}
