//! Building the router (one function, shared by the server and the spec generator) and running the
//! server.

use std::net::SocketAddr;

use axum::{Router, extract::DefaultBodyLimit};
use minsheng_domain::{auth::ThrottlePolicy, db, passwords::PasswordHasher};
use minsheng_migration::{Migrator, MigratorTrait};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};
use utoipa_swagger_ui::SwaggerUi;

use crate::{auth::JwtKeys, config::Config, error, openapi::ApiDoc, routes::*, state::AppState};

/// Every documented route, with its OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(accounts::create_account, accounts::list_accounts))
        .routes(routes!(accounts::get_account, accounts::update_account))
        .routes(routes!(accounts::lift_login_throttle))
        .routes(routes!(deputies::create_deputy, deputies::list_deputies))
        .routes(routes!(deputies::import_deputies))
        .routes(routes!(projects::create_project, projects::list_projects))
        .routes(routes!(projects::get_project, projects::update_project))
        .routes(routes!(sessions::create_session, sessions::list_sessions))
        .routes(routes!(sessions::get_session))
        .routes(routes!(sessions::get_roster, sessions::set_roster))
        .routes(routes!(sessions::check_in))
        .routes(routes!(sessions::set_attendance))
        .routes(routes!(votes::create_vote, votes::list_votes))
        .routes(routes!(votes::get_vote, votes::update_vote))
        .routes(routes!(votes::open_vote))
        .routes(routes!(votes::close_vote))
        .routes(routes!(votes::publish_vote))
        .routes(routes!(votes::create_runoff))
        .routes(routes!(votes::cast_ballot))
        .routes(routes!(votes::my_ballot))
        .routes(routes!(votes::results))
        .routes(routes!(votes::bulletin))
        .routes(routes!(
            scrutiny::get_scrutineers,
            scrutiny::set_scrutineers
        ))
        .routes(routes!(scrutiny::full_ballots))
        .routes(routes!(
            followup::create_milestone,
            followup::list_milestones
        ))
        .routes(routes!(followup::update_milestone))
        .routes(routes!(followup::report_progress, followup::list_progress))
        .routes(routes!(
            followup::record_inspection,
            followup::list_inspections
        ))
        .routes(routes!(followup::raise_problem, followup::list_problems))
        .routes(routes!(followup::get_problem, followup::act_on_problem))
        .routes(routes!(
            followup::record_escalation,
            followup::list_escalations
        ))
        .routes(routes!(followup::follow_up))
        .routes(routes!(followup::timeline))
        .routes(routes!(followup::board))
        .routes(routes!(groups::create_group, groups::list_groups))
        .routes(routes!(groups::get_group, groups::update_group))
        .routes(routes!(
            evaluations::create_evaluation,
            evaluations::list_evaluations
        ))
        .routes(routes!(evaluations::get_evaluation))
        .routes(routes!(evaluations::open_evaluation))
        .routes(routes!(evaluations::close_evaluation))
        .routes(routes!(evaluations::publish_evaluation))
        .routes(routes!(suggestions::submit, suggestions::list))
        .routes(routes!(suggestions::statistics))
        .routes(routes!(suggestions::get, suggestions::set_flags))
        .routes(routes!(suggestions::confirm))
        .routes(routes!(suggestions::send))
        .routes(routes!(suggestions::return_it))
        .routes(routes!(suggestions::assign))
        .routes(routes!(suggestions::extend))
        .routes(routes!(suggestions::answer))
        .routes(routes!(suggestions::feedback))
        .routes(routes!(suggestions::withdraw))
        .routes(routes!(suggestions::ask))
        .routes(routes!(suggestions::decide))
        .routes(routes!(suggestions::opinion))
        .routes(routes!(suggestions::keep_promise))
        .routes(routes!(suggestions::supervision))
        .routes(routes!(duty::get_rules, duty::set_rules))
        .routes(routes!(duty::deputy_record))
        .routes(routes!(duty::totals))
        .routes(routes!(duty::record_activity))
        .routes(routes!(duty::set_leave))
        .routes(routes!(duty::ask_correction, duty::list_corrections))
        .routes(routes!(duty::decide_correction))
        .routes(routes!(duty::take_snapshot, duty::list_snapshots))
        .routes(routes!(duty::get_snapshot))
        .routes(routes!(duty::publish_snapshot))
        .routes(routes!(stations::create_station, stations::list_stations))
        .routes(routes!(stations::get_station))
        .routes(routes!(stations::add_day))
        .routes(routes!(stations::record_opinion, stations::list_opinions))
        .routes(routes!(stations::handle))
        .routes(routes!(stations::lookup))
        .routes(routes!(subjects::create_subject, subjects::list_subjects))
        .routes(routes!(subjects::get_subject))
        .routes(routes!(subjects::rectify))
        .routes(routes!(
            suggestions::import_calendar,
            suggestions::get_calendar
        ))
        .routes(routes!(events::list_events))
        .routes(routes!(events::stream_events))
        .routes(routes!(webhooks::create_webhook, webhooks::list_webhooks))
        .routes(routes!(
            webhooks::get_webhook,
            webhooks::update_webhook,
            webhooks::delete_webhook
        ))
        .routes(routes!(webhooks::list_deliveries))
        .routes(routes!(webhooks::resend_delivery))
        .routes(routes!(evaluations::rate))
        .routes(routes!(evaluations::evaluation_results))
        .routes(routes!(audit::list_audit))
        .routes(routes!(attachments::download))
        .routes(routes!(attachments::thumbnail))
        // Uploads are read part by part with their own limits (`minsheng_web::uploads`), not
        // under the general body limit, which is sized for JSON.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(attachments::upload))
                .layer(DefaultBodyLimit::disable()),
        )
}

/// The router and its finished OpenAPI document.
fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut spec) = api_router().split_for_parts();
    crate::openapi::finish(&mut spec);
    (
        router,
        crate::openapi::add_links(crate::openapi::text_patterns(crate::openapi::pin_formats(
            spec,
        ))),
    )
}

/// The OpenAPI document as served and as committed in `openapi/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1
}

/// The complete application: API, spec, Swagger UI, the web pages, error fallbacks and the body
/// limit.
pub fn app(state: AppState, body_limit: usize) -> Router {
    let (router, spec) = parts();
    let pages = minsheng_web::router(
        minsheng_web::WebState::new(
            state.db.clone(),
            state.hasher.clone(),
            state.throttle,
            state.refresh_ttl,
            state.cookie_secure,
        )
        .with_colour_rule(state.colour_rule)
        .with_import_max_rows(state.import_max_rows)
        .with_attachment_max_bytes(state.attachment_max_bytes),
    );
    router
        // The UI finds the spec by a relative address, so it works behind a reverse proxy that
        // serves Minsheng under a path prefix (`/minsheng/docs/` → `/minsheng/api/openapi.json`).
        .merge(
            SwaggerUi::new("/docs")
                .url("/api/openapi.json", spec)
                .config(utoipa_swagger_ui::Config::new(["../api/openapi.json"])),
        )
        .merge(pages)
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(crate::headers::etag))
        .layer(axum::middleware::from_fn(crate::headers::api_and_docs))
        .layer(axum::middleware::from_fn(cors))
        .layer(axum::middleware::from_fn(log_request))
        .with_state(state)
}

/// Lets browser clients of third parties (a citizens' dashboard, a newsroom) call the API from any
/// origin. Safe with `*` because the API authenticates by bearer token only, never by cookie.
async fn cors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, StatusCode, header};
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut resp = if preflight {
        let mut r = axum::response::Response::new(axum::body::Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        r
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    // Browsers must not guess content types, and links out must not carry our URLs (ids in paths).
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Pages set their own (same-origin); everything else sends no referrer.
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    resp
}

/// One log line per request: method, route template (not the raw URI, so no query string), status
/// and time taken. Bodies and headers, where tokens and ballots travel, are never logged.
async fn log_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let ms = started.elapsed().as_millis() as u64;
    if status >= 500 {
        tracing::error!(%method, %route, status, ms, "request");
    } else {
        tracing::info!(%method, %route, status, ms, "request");
    }
    resp
}

/// Connects, migrates, makes sure an admin exists, and builds the shared state.
pub async fn prepare(config: &Config) -> anyhow::Result<AppState> {
    // Before the first connection: a restore in progress must finish before anything opens the file.
    let serving_lock = crate::database_file::hold_serving_lock(&config.database_url)?;
    let db = db::connect(&config.database_url).await?;
    migrate(&db).await?;
    let hasher = PasswordHasher::default();
    if let Some(password) = minsheng_domain::accounts::ensure_first_admin(
        &db,
        &hasher,
        config.admin_password.as_deref(),
    )
    .await?
    {
        // Printed once, on the console only, never to the log.
        println!(
            "\n  First start: created account `admin` with password: {password}\n  Log in and keep it safe; it will not be shown again.\n  Missed it? On this machine, `minsheng reset-admin-password` prints a new one-time password.\n"
        );
    }
    let secret = config.load_jwt_secret()?;
    Ok(AppState {
        db,
        hasher,
        jwt: JwtKeys::new(&secret, config.access_ttl_secs),
        throttle: ThrottlePolicy::default(),
        colour_rule: config.colour_rule,
        cookie_secure: config.cookie_secure,
        import_max_rows: config.import_max_rows,
        attachment_max_bytes: config.attachment_max_bytes,
        published: Default::default(),
        boards: Default::default(),
        serving_lock: serving_lock.map(std::sync::Arc::new),
        refresh_ttl: chrono::Duration::seconds(config.refresh_ttl_secs as i64),
    })
}

/// Applies pending migrations. Several nodes starting at once on one database race to apply the
/// same migration; the loser fails on the winner's work and finds nothing pending on the next try.
pub async fn migrate(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    let mut attempt = 0;
    loop {
        match Migrator::up(db, None).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 5 => {
                attempt += 1;
                tracing::warn!(error = %e, attempt, "migration failed; retrying");
                tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Serves until ctrl-c or SIGTERM; in-flight requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    config: &Config,
) -> anyhow::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    let tls = config.tls.as_ref().map(crate::tls::acceptor).transpose()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(
        %addr,
        scheme,
        "minsheng listening: pages at /login, API docs at /docs; a lost admin password is reset with `minsheng reset-admin-password`"
    );
    if tls.is_none() && !addr.ip().is_loopback() {
        tracing::warn!(
            %addr,
            "serving plain HTTP beyond this machine: passwords and ballots cross the network readable by anyone on it (a hall's Wi-Fi); set MINSHENG_TLS_CERT and MINSHENG_TLS_KEY, or put a TLS proxy in front (README: HTTPS)"
        );
    }
    let client_ip_header = minsheng_web::client::ClientIpHeader(
        config
            .client_ip_header
            .as_deref()
            .and_then(|h| axum::http::HeaderName::try_from(h).ok()),
    );
    let state_db = state.db.clone();
    let mut app = app(state, config.body_limit)
        .layer(axum::Extension(client_ip_header))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            std::time::Duration::from_secs(config.body_timeout_secs),
        ));
    let limits = crate::server::Limits {
        header_timeout: std::time::Duration::from_secs(config.header_timeout_secs),
        max_connections: config.max_connections as usize,
        shutdown_grace: std::time::Duration::from_secs(10),
    };
    if tls.is_some() {
        app = app.layer(axum::middleware::map_response(crate::headers::hsts));
    }
    crate::background::spawn_webhook_sender(state_db.clone(), config.webhooks.clone());
    crate::background::spawn_colour_watch(
        state_db,
        config.colour_rule,
        std::time::Duration::from_secs(config.colour_watch_secs),
    );
    crate::server::run(listener, app, limits, tls, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
