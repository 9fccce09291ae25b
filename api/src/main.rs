//! The `minsheng` binary: `serve` (default), `migrate`.

use minsheng_api::{config::Config, startup};

const USAGE: &str = "usage: minsheng [serve | migrate | help]\n\
  serve     start the service (default); migrations run first\n\
  migrate   apply pending migrations and exit\n\
configuration: MINSHENG_* environment variables, see README.md";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MINSHENG_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn")
            }),
        )
        .init();
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    let config = Config::from_env()?;
    match command.as_str() {
        "serve" => {
            let state = startup::prepare(&config).await?;
            let listener = tokio::net::TcpListener::bind(config.bind).await?;
            startup::serve(listener, state, config.body_limit).await
        }
        "migrate" => {
            let db = minsheng_domain::db::connect(&config.database_url).await?;
            startup::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("unknown command {other:?}\n{USAGE}");
            std::process::exit(2)
        }
    }
}
