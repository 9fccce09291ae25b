//! The `minsheng` binary: `serve` (default), `migrate`.

use minsheng_api::{config::Config, startup};

const USAGE: &str = "usage: minsheng [serve | migrate | demo | help]\n\
  serve     start the service (default); migrations run first\n\
  migrate   apply pending migrations and exit\n\
  demo      seed a demonstration congress (327 deputies, 15 projects, a draft vote) into\n\
            minsheng-demo.db unless MINSHENG_DATABASE_URL says otherwise, then serve\n\
configuration: MINSHENG_* environment variables, see README.md";

const DEMO_ADMIN_PASSWORD: &str = "minsheng-demo-admin";

fn print_demo(config: &Config, admin_password: &str, info: &minsheng_domain::demo::DemoInfo) {
    let base = format!("http://{}", config.bind);
    println!(
        "\nMinsheng demo: 327 deputies (300 checked in), 15 candidate projects, a draft vote for 10 seats.\n\
         Swagger UI:   {base}/docs   (Authorize with the access_token from /api/v1/auth/login)\n\
         Admin:        admin / {admin_password}   (only if this database was new; else its existing password)\n\
         Deputies:     {} / {}   (all deputies dep001 to dep327 share the password)\n\
         Not yet in:   {} can try POST /api/v1/sessions/{}/check-in\n\
         Departments:  dept-zjj (县住房和城乡建设局), dept-jtj (县交通运输局), ... / same password:\n\
         \x20             after publication they report progress on their adopted projects\n\
         Walk a vote:  as admin POST /api/v1/votes/{vote}/open; as deputies POST /api/v1/votes/{vote}/ballots\n\
         \x20             {{\"selections\": [up to 10 project ids from GET /api/v1/votes/{vote}]}};\n\
         \x20             as admin /close, GET /results, /publish; then anyone GET /api/v1/votes/{vote}/bulletin\n",
        info.sample_deputies.join(", "),
        minsheng_domain::demo::DEPUTY_PASSWORD,
        info.absent_deputy,
        info.session_id,
        vote = info.vote_id,
    );
}

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
    let mut config = Config::from_env()?;
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
        "demo" => {
            // The demo never touches the real database unless told to.
            if std::env::var_os("MINSHENG_DATABASE_URL").is_none() {
                config.database_url = "sqlite://minsheng-demo.db".into();
            }
            let admin_password = config
                .admin_password
                .get_or_insert_with(|| DEMO_ADMIN_PASSWORD.into())
                .clone();
            let state = startup::prepare(&config).await?;
            let info = minsheng_domain::demo::seed(&state.db, &state.hasher).await?;
            print_demo(&config, &admin_password, &info);
            let listener = tokio::net::TcpListener::bind(config.bind).await?;
            startup::serve(listener, state, config.body_limit).await
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
