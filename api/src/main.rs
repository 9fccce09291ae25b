//! The `minsheng` binary: `serve` (default), `migrate`.

use minsheng_api::{config::Config, startup};

/// mimalloc, not the system allocator: measured by `minsheng-bench`, glibc's malloc held on to the
/// 19 MiB argon2id buffer of every thread that had hashed (4.6 GB resident after 3,000 logins);
/// mimalloc reuses and returns them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: minsheng [serve | migrate | demo | reset-admin-password [USERNAME] | audit verify | backup FILE | restore FILE | version | help]\n\
  serve     start the service (default); migrations run first\n\
  migrate   apply pending migrations and exit\n\
  reset-admin-password [USERNAME]\n\
            give the admin account USERNAME (default: admin) a new one-time password, printed\n\
            once, and end its sessions; run it on the machine that holds the database\n\
  audit verify\n\
            recompute the audit log's hash chain; names the first broken event and exits 2\n\
  backup FILE\n\
            write a consistent copy of the SQLite database to FILE while the service runs, and\n\
            check the copy (pages and audit chain); PostgreSQL: pg_dump, see README.md\n\
  restore FILE\n\
            put the backup FILE in place of the SQLite database, after checking it; refused while\n\
            the service runs; the replaced database is kept beside it\n\
  version   print the version (also --version)\n\
  demo      seed a demonstration congress (327 deputies, 15 projects, a draft vote, and last\n\
            year's published vote with its follow-up and rating) into minsheng-demo.db unless\n\
            MINSHENG_DATABASE_URL says otherwise, then serve; delete minsheng-demo.db* to start afresh\n\
configuration: MINSHENG_* environment variables, see README.md";

const DEMO_ADMIN_PASSWORD: &str = "minsheng-demo-admin";

fn print_demo(
    config: &Config,
    admin_password: &str,
    info: &minsheng_domain::demo::DemoInfo,
    screen_key: Option<&str>,
) {
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let base = format!("{scheme}://{}", config.bind);
    use minsheng_domain::vocabulary::VoteStatus;
    let screen = match screen_key {
        Some(key) => format!("{base}/screen/sessions/{}?key={key}", info.session_id),
        None => format!("make one on {base}/admin/sessions/{}", info.session_id),
    };
    // What to do with this year's vote depends on how an earlier run left it.
    let vote = info.vote_id;
    let (found, next) = match info.vote_status {
        VoteStatus::Draft => (
            "a draft vote for 10 seats",
            "open it, watch, close, publish",
        ),
        VoteStatus::Open => (
            "a vote for 10 seats, OPEN since an earlier run",
            "deputies vote now; then close it and publish",
        ),
        VoteStatus::Closed => (
            "a vote for 10 seats, CLOSED in an earlier run",
            "read the results and publish them",
        ),
        VoteStatus::Published => (
            "a vote for 10 seats, PUBLISHED in an earlier run",
            "read the results and the 公告; nothing is left to press",
        ),
    };
    if !info.created {
        println!(
            "\nThis demo database was used before: the data set is as the last run left it.\n\
             To start afresh, stop the demo and delete minsheng-demo.db* (in the folder it was started from).",
        );
    }
    let previous = match &info.previous {
        Some(p) => format!(
            "\n\
             Last year (2026), already decided and followed up, to try the year after a vote:\n\
             \x20 Results:      {base}/votes/{}/results   (5 of 7 projects adopted, 2 in the reserve)\n\
             \x20 The board:    {base}/projects   every adopted project's colour, progress and money\n\
             \x20 A project:    {base}/projects/{}   its progress, its group's problem, its grade\n\
             \x20 Its group:    dep001 (leader) to dep005 inspect and raise problems at {base}/d/groups\n\
             \x20 Departments:  dept-zjj (县住房和城乡建设局), dept-slj (县水利局), ... report progress\n\
             \x20               and rectify problems at {base}/login (same password)\n\
             \x20 The rating:   {base}/api/v1/evaluations/{}/results   (published at this year's session)\n",
            p.vote_id, p.project_id, p.rating_id,
        ),
        None => "\nThis demo database predates last year's congress in the demo; delete \
                 minsheng-demo.db* and start again to have it.\n"
            .to_owned(),
    };
    println!(
        "\nMinsheng demo: 327 deputies (300 checked in), 15 candidate projects, {found}.\n\
         \n\
         Pages (a phone for deputies, a desk for the office, the projector for the hall):\n\
         \x20 Deputies:     {base}/login   {} / {}   (dep001 to dep327 share the password;\n\
         \x20               {} has not checked in yet)\n\
         \x20 Office:       {base}/admin   admin / {admin_password}   (only if this database was new)\n\
         \x20 The vote:     {base}/admin/votes/{vote}   {next}\n\
         \x20 Big screen:   {screen}\n\
         \x20 Public:       {base}/votes/{vote}/results and /bulletin once published\n\
         \n\
         API: Swagger UI at {base}/docs (Authorize with the access_token from /api/v1/auth/login).\n\
         {previous}",
        info.sample_deputies.join(", "),
        minsheng_domain::demo::DEPUTY_PASSWORD,
        info.absent_deputy,
    );
}

/// A display link for the demo session, made as the demo's admin, so the printed screen address
/// works at once.
async fn demo_screen_key(
    db: &sea_orm::DatabaseConnection,
    info: &minsheng_domain::demo::DemoInfo,
) -> anyhow::Result<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let admin = minsheng_domain::entities::accounts::Entity::find()
        .filter(minsheng_domain::entities::accounts::Column::Username.eq("admin"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has no admin"))?;
    let actor = minsheng_domain::auth::authenticate(db, admin.id).await?;
    Ok(minsheng_domain::display::create_link(db, &actor, info.session_id).await?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        // Colour codes only on a terminal: a log file or journal gets plain text.
        .with_ansi(std::io::stdout().is_terminal())
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
            startup::serve(listener, state, &config).await
        }
        "migrate" => {
            let db = minsheng_domain::db::connect(&config.database_url).await?;
            startup::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        "demo" => {
            // The demo never touches the real database, nor its signing secret, unless told to.
            if std::env::var_os("MINSHENG_DATABASE_URL").is_none() {
                config.database_url = "sqlite://minsheng-demo.db".into();
            }
            if std::env::var_os("MINSHENG_JWT_SECRET_FILE").is_none() {
                config.jwt_secret_file = config
                    .jwt_secret_file
                    .with_file_name("minsheng-demo.jwt-secret");
            }
            let admin_password = config
                .admin_password
                .get_or_insert_with(|| DEMO_ADMIN_PASSWORD.into())
                .clone();
            let state = startup::prepare(&config).await?;
            let info = minsheng_domain::demo::seed(&state.db, &state.hasher).await?;
            let key = demo_screen_key(&state.db, &info).await.ok();
            print_demo(&config, &admin_password, &info, key.as_deref());
            let listener = tokio::net::TcpListener::bind(config.bind).await?;
            startup::serve(listener, state, &config).await
        }
        "reset-admin-password" => {
            let username = std::env::args().nth(2).unwrap_or_else(|| "admin".into());
            let db = minsheng_domain::db::connect(&config.database_url).await?;
            startup::migrate(&db).await?;
            let hasher = minsheng_domain::passwords::PasswordHasher::default();
            // A database that never served has no admin yet: create it, then reset it as usual.
            minsheng_domain::accounts::ensure_first_admin(&db, &hasher, None).await?;
            let reset =
                minsheng_domain::recovery::reset_admin_password(&db, &hasher, &username).await?;
            // On the console only, never in the log.
            println!(
                "\n  `{username}` now has the one-time password: {}\n  It must be changed at the next login; every session of `{username}` has ended.\n",
                reset.password
            );
            if reset.disabled {
                println!("  Note: `{username}` is disabled; another admin must re-enable it.\n");
            }
            Ok(())
        }
        "audit" => {
            if std::env::args().nth(2).as_deref() != Some("verify") {
                anyhow::bail!("usage: minsheng audit verify");
            }
            let db = minsheng_domain::db::connect(&config.database_url).await?;
            let v = minsheng_domain::audit::verify(&db).await?;
            match v.broken {
                None => {
                    println!("audit log: {} events, the chain holds", v.events);
                    Ok(())
                }
                Some((seq, why)) => {
                    println!(
                        "audit log: BROKEN at event {seq}: {why} ({} events before it hold)",
                        v.events
                    );
                    std::process::exit(2);
                }
            }
        }
        "backup" | "restore" => {
            let Some(file) = std::env::args().nth(2).map(std::path::PathBuf::from) else {
                anyhow::bail!("usage: minsheng {command} FILE");
            };
            use minsheng_api::database_file;
            if command == "backup" {
                let c = database_file::backup(&config.database_url, &file).await?;
                println!(
                    "backup written to {} ({} bytes); its pages check out and its audit log of {} events holds",
                    file.display(),
                    c.bytes,
                    c.audit_events
                );
            } else {
                let r = database_file::restore(&config.database_url, &file).await?;
                println!(
                    "restored {} ({} bytes; its pages check out and its audit log of {} events holds)",
                    file.display(),
                    r.checked.bytes,
                    r.checked.audit_events
                );
                if let Some(kept) = r.kept {
                    println!("the database it replaced is kept as {}", kept.display());
                }
            }
            Ok(())
        }
        "version" | "-V" | "--version" => {
            println!("minsheng {}", env!("CARGO_PKG_VERSION"));
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
