//! Minsheng's web pages, served by the `minsheng` binary beside the JSON API: deputies vote on
//! their phones, the congress office runs the session at a desk, the hall's projector shows
//! turnout and results live, and the public reads published results and the bulletin.
//!
//! Every page is plain HTML forms that work with JavaScript off; one small script adds the live
//! counter, the one-press lock and live updates. Page handlers call `domain` services directly and
//! hold no rule of their own. Pages authenticate by an `HttpOnly` cookie (see [`session`]); the
//! JSON API never reads it.

use std::sync::Arc;

use axum::{
    Router,
    http::{HeaderValue, header},
    routing::{get, post},
};
use minsheng_domain::{
    auth::ThrottlePolicy, followup::colour::ColourRule, passwords::PasswordHasher,
};
use sea_orm::DatabaseConnection;

mod assets;
pub mod client;
mod error;
pub mod exports;
mod i18n;
mod live;
mod pages;
mod render;
mod session;
pub mod uploads;

/// What every page handler shares.
#[derive(Clone)]
pub struct WebState {
    pub db: DatabaseConnection,
    pub hasher: PasswordHasher,
    pub throttle: ThrottlePolicy,
    /// How long a page session lives without use; each use renews it.
    pub session_ttl: chrono::Duration,
    /// Mark cookies `Secure` (the service is reached over TLS).
    pub secure_cookies: bool,
    pub hub: Arc<live::Hub>,
    /// The thresholds of the follow-up status colour.
    pub colour_rule: ColourRule,
    /// Most deputy rows one CSV import may hold.
    pub import_max_rows: usize,
    /// Most bytes one uploaded photo or PDF may have.
    pub attachment_max_bytes: usize,
}

impl WebState {
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        throttle: ThrottlePolicy,
        session_ttl: chrono::Duration,
        secure_cookies: bool,
    ) -> Self {
        Self {
            hub: Arc::new(live::Hub::new(db.clone())),
            db,
            hasher,
            throttle,
            session_ttl,
            secure_cookies,
            colour_rule: ColourRule::default(),
            import_max_rows: 5000,
            attachment_max_bytes: 10 * 1024 * 1024,
        }
    }

    /// The colour rule the service is configured with (the same as the API's).
    pub fn with_colour_rule(mut self, rule: ColourRule) -> Self {
        self.colour_rule = rule;
        self
    }

    /// The CSV import's row cap the service is configured with (the same as the API's).
    pub fn with_import_max_rows(mut self, rows: usize) -> Self {
        self.import_max_rows = rows;
        self
    }

    /// The size limit of one attachment the service is configured with (the same as the API's).
    pub fn with_attachment_max_bytes(mut self, bytes: usize) -> Self {
        self.attachment_max_bytes = bytes;
        self
    }
}

/// A form that carries photos or PDFs: read part by part under the attachment limit
/// ([`uploads::read_form`]) instead of the general body limit, which is sized for text.
fn with_files<S: Clone + Send + Sync + 'static>(
    route: axum::routing::MethodRouter<S>,
) -> axum::routing::MethodRouter<S> {
    route.layer(axum::extract::DefaultBodyLimit::disable())
}

/// Every page route. The caller merges it beside the API.
pub fn router<S: Clone + Send + Sync + 'static>(state: WebState) -> Router<S> {
    use pages::{admin, deputy, login, materials, office, public, screen};
    Router::new()
        .route("/", get(login::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/password",
            get(login::password_form).post(login::password_submit),
        )
        .route("/prefs", get(login::prefs))
        .route("/d", get(deputy::home))
        .route("/d/sessions/{id}/check-in", post(deputy::check_in))
        .route("/d/votes/{id}", get(deputy::ballot).post(deputy::review))
        .route("/d/votes/{id}/cast", post(deputy::cast))
        .route(
            "/d/ratings/{id}",
            get(pages::rating::form).post(pages::rating::review),
        )
        .route("/d/ratings/{id}/cast", post(pages::rating::cast))
        .route("/d/groups", get(pages::desks::groups_home))
        .route("/d/groups/projects/{id}", get(pages::desks::group_project))
        .route(
            "/d/groups/projects/{id}/inspections",
            with_files(post(pages::desks::group_inspection)),
        )
        .route(
            "/d/groups/projects/{id}/problems",
            post(pages::desks::group_problem),
        )
        .route(
            "/d/groups/problems/{id}/verify",
            with_files(post(pages::desks::group_verify)),
        )
        .route(
            "/d/groups/problems/{id}/send-back",
            with_files(post(pages::desks::group_send_back)),
        )
        .route("/dept", get(pages::desks::dept_home))
        .route("/dept/projects/{id}", get(pages::desks::dept_project))
        .route(
            "/dept/projects/{id}/progress",
            with_files(post(pages::desks::dept_progress)),
        )
        .route(
            "/dept/projects/{id}/milestones",
            post(pages::desks::dept_milestone),
        )
        .route(
            "/dept/milestones/{id}/reached",
            post(pages::desks::dept_reached),
        )
        .route(
            "/dept/problems/{id}/rectify",
            with_files(post(pages::desks::dept_rectify)),
        )
        .route("/admin", get(admin::home))
        .route("/admin/sessions", post(office::create_session))
        .route(
            "/admin/sessions/{id}/roster",
            get(office::roster).post(office::set_roster),
        )
        .route(
            "/admin/deputies",
            get(office::deputies).post(office::add_deputy),
        )
        .route("/admin/deputies/import", post(office::import_deputies))
        .route(
            "/admin/projects",
            get(materials::list).post(materials::create),
        )
        .route("/admin/projects/new", get(materials::new_form))
        .route(
            "/admin/projects/{id}",
            get(materials::edit_form).post(materials::update),
        )
        .route("/admin/sessions/{id}/votes/new", get(materials::new_vote))
        .route("/admin/sessions/{id}/votes", post(materials::create_vote))
        .route(
            "/admin/votes/{id}/edit",
            get(materials::edit_vote).post(materials::update_vote),
        )
        .route("/admin/sessions/{id}", get(admin::session))
        .route("/admin/sessions/{id}/attendance", post(admin::attendance))
        .route(
            "/admin/sessions/{id}/attendance.export",
            get(admin::attendance_export),
        )
        .route(
            "/admin/sessions/{id}/display-links",
            post(admin::new_display_link),
        )
        .route(
            "/admin/sessions/{id}/display-links/revoke",
            post(admin::revoke_display_links),
        )
        .route("/admin/sessions/{id}/events", get(admin::events))
        .route("/admin/votes/{id}", get(admin::vote))
        .route("/admin/votes/{id}/{action}", post(admin::vote_action))
        .route("/admin/votes/{id}/announcement", get(admin::announcement))
        .route(
            "/admin/groups",
            get(pages::oversight::groups_list).post(pages::oversight::create_group),
        )
        .route(
            "/admin/groups/{id}",
            get(pages::oversight::edit_group).post(pages::oversight::update_group),
        )
        .route("/admin/followup", get(pages::oversight::followup_home))
        .route(
            "/admin/projects/{id}/escalations",
            get(pages::oversight::escalations).post(pages::oversight::record_escalation),
        )
        .route("/admin/ratings", get(pages::oversight::ratings))
        .route(
            "/admin/sessions/{id}/ratings/new",
            get(pages::oversight::new_rating),
        )
        .route(
            "/admin/sessions/{id}/ratings",
            post(pages::oversight::create_rating),
        )
        .route("/admin/ratings/{id}", get(pages::oversight::rating))
        .route(
            "/admin/ratings/{id}/{action}",
            post(pages::oversight::rating_action),
        )
        .route("/admin/report", get(pages::oversight::year_report))
        .route("/admin/audit", get(pages::audit::log))
        .route(
            "/d/suggestions",
            get(pages::suggestions::list).post(pages::suggestions::submit),
        )
        .route("/dept/suggestions", get(pages::suggestions::list))
        .route("/suggestions", get(pages::suggestions::public))
        .route("/admin/suggestions", get(pages::suggestions::list))
        .route(
            "/admin/suggestions/supervision",
            get(pages::suggestion_board::board),
        )
        .route(
            "/dept/suggestions/supervision",
            get(pages::suggestion_board::board),
        )
        .route(
            "/admin/suggestions/report",
            get(pages::suggestion_board::year_report),
        )
        .route(
            "/{audience}/suggestions/{id}/{action}",
            post(pages::suggestions::act_any),
        )
        .route("/admin/subjects", get(pages::subjects::office))
        .route("/admin/subjects/{action}", post(pages::subjects::act))
        .route("/subjects/{id}", get(pages::subjects::public))
        .route("/d/duty", get(pages::duty::mine))
        .route("/d/duty/corrections", post(pages::duty::ask))
        .route("/admin/duty", get(pages::duty::office))
        .route("/admin/duty/deputies/{id}", get(pages::duty::of_deputy))
        .route("/admin/duty/{action}", post(pages::duty::act))
        .route("/duty", get(pages::duty::public))
        .route("/duty/snapshots/{id}", get(pages::duty::public_snapshot))
        .route("/stations", get(pages::stations::list))
        .route("/stations/lookup", get(pages::stations::lookup))
        .route("/stations/{id}", get(pages::stations::page))
        .route("/d/stations", get(pages::stations::work))
        .route("/admin/stations", get(pages::stations::work))
        .route(
            "/{audience}/stations/{id}/{action}",
            post(pages::stations::act),
        )
        .route(
            "/{audience}/station-opinions/{id}/{action}",
            post(pages::stations::act),
        )
        .route(
            "/admin/webhooks",
            get(pages::webhooks::list).post(pages::webhooks::create),
        )
        .route("/admin/webhooks/{id}/{action}", post(pages::webhooks::act))
        .route(
            "/admin/webhooks/{id}/deliveries/{delivery}/resend",
            post(pages::webhooks::resend),
        )
        .route("/screen/sessions/{id}", get(screen::page))
        .route("/screen/sessions/{id}/events", get(screen::events))
        .route("/projects", get(pages::followup::board_page))
        .route("/projects/{id}", get(pages::followup::project_page))
        .route("/votes/{id}/results", get(public::results))
        .route("/votes/{id}/bulletin", get(public::bulletin))
        .route("/assets/{file}", get(assets::serve))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(page_headers))
        .with_state(state)
}

/// The security headers of every page (UI.md): a strict CSP with no inline script or style, no
/// framing, and `no-store` unless the response is a public, cacheable asset.
async fn page_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        );
    }
    // Same-origin referrers let the browser name our own origin on form posts; nothing leaves.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
