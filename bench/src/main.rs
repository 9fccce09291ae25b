//! `minsheng-bench`: one run measures the machine's limits (durable single-row commits in the
//! service's database settings, argon2id hashes at the service's parameters on every core, a
//! trivial endpoint's requests per second) and the service's figures (a login storm, ballots with
//! their latencies, reads of published results, the bulletin and the board, the tally, resident
//! memory), and prints each figure beside its limit. It checks every count it drives: the results
//! must equal what it cast. It is a program that prints figures, not a test.
//!
//! ```text
//! cargo build --release -p minsheng-api -p minsheng-bench
//! ./target/release/minsheng-bench                       # SQLite in a temporary folder
//! ./target/release/minsheng-bench --database-url postgres://user:pw@host/db   # a fresh database
//!                                                       # is created beside db and dropped after
//! options: --deputies 3000  --in-flight 64  --seconds 5
//! ```

mod limits;
mod load;
mod scenario;
mod server;

use std::time::Instant;

use sea_orm::{ConnectionTrait, Database};

/// The run's settings, from the command line.
pub struct Settings {
    pub deputies: usize,
    pub in_flight: usize,
    /// How long each rate is measured, in seconds.
    pub seconds: f64,
    pub database_url: Option<String>,
}

fn settings() -> anyhow::Result<Settings> {
    let mut s = Settings {
        deputies: 3000,
        in_flight: 64,
        seconds: 5.0,
        database_url: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--deputies" => s.deputies = value.parse()?,
            "--in-flight" => s.in_flight = value.parse()?,
            "--seconds" => s.seconds = value.parse()?,
            "--database-url" => s.database_url = Some(value),
            "-h" | "--help" => {
                println!(
                    "usage: minsheng-bench [--deputies N] [--in-flight N] [--seconds S] [--database-url postgres://...]"
                );
                std::process::exit(0);
            }
            other => anyhow::bail!("unknown argument {other}; see --help"),
        }
        i += 2;
    }
    Ok(s)
}

/// One line of the table: the figure, Minsheng's value, the limit it is held against, and the
/// ratio of the two when they are comparable.
pub struct Row {
    pub figure: String,
    pub value: String,
    pub limit: String,
    pub ratio: Option<f64>,
}

impl Row {
    pub fn new(figure: &str, value: String) -> Row {
        Row {
            figure: figure.into(),
            value,
            limit: "—".into(),
            ratio: None,
        }
    }

    pub fn against(mut self, limit: String, ratio: f64) -> Row {
        self.limit = limit;
        self.ratio = Some(ratio);
        self
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let s = settings()?;
    let dir = std::env::temp_dir().join(format!("minsheng-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let started = Instant::now();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    println!(
        "minsheng-bench: {} deputies, {} in flight, {} s per rate, {cores} cores, {}",
        s.deputies,
        s.in_flight,
        s.seconds,
        if s.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    // A fresh database for the service: a SQLite file, or a new PostgreSQL database.
    let (database_url, pg_admin) = match &s.database_url {
        None => (
            format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
            None,
        ),
        Some(url) => {
            let name = format!("minsheng_bench_{}", std::process::id());
            let admin = Database::connect(url.as_str()).await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url);
            (format!("{base}/{name}"), Some((admin, name)))
        }
    };

    println!("measuring the machine's limits…");
    let limit_db = match &s.database_url {
        None => format!("sqlite://{}/limit.db?mode=rwc", dir.display()),
        Some(_) => database_url.clone(),
    };
    let commits = {
        let db = minsheng_domain::db::connect(&limit_db).await?;
        let rate = limits::commits_per_sec(&db, s.seconds).await?;
        db.close().await?;
        rate
    };
    let hashes = tokio::task::spawn_blocking({
        let secs = s.seconds;
        move || limits::hashes_per_sec(secs)
    })
    .await?;

    let server = server::Server::start(&database_url, &dir).await?;
    let result = scenario::run(&s, &server, commits, hashes).await;
    drop(server);
    if let Some((admin, name)) = pg_admin {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let rows = result?;

    println!("\n| figure | Minsheng | limit in the same run | ratio |\n|---|---|---|---|");
    for r in rows {
        let ratio = r
            .ratio
            .map(|x| format!("{x:.2}×"))
            .unwrap_or_else(|| "—".into());
        println!("| {} | {} | {} | {} |", r.figure, r.value, r.limit, ratio);
    }
    println!(
        "\nevery count checked; the run took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
