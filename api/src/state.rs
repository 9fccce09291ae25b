//! What every handler shares.

use minsheng_domain::{
    auth::ThrottlePolicy, followup::colour::ColourRule, passwords::PasswordHasher,
};
use sea_orm::DatabaseConnection;

use crate::auth::JwtKeys;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub hasher: PasswordHasher,
    pub jwt: JwtKeys,
    pub throttle: ThrottlePolicy,
    pub refresh_ttl: chrono::Duration,
    pub colour_rule: ColourRule,
    /// Page cookies carry `Secure`.
    pub cookie_secure: bool,
    /// Most deputy rows one CSV import may hold.
    pub import_max_rows: usize,
    /// Most bytes one uploaded file may have (`MINSHENG_ATTACHMENT_MAX_BYTES`).
    pub attachment_max_bytes: usize,
    /// Published results and bulletins kept as sent ([`crate::published`]).
    pub published: std::sync::Arc<crate::published::PublishedAnswers>,
    /// Copies of the public board, checked against its version ([`crate::published::KeptBoards`]).
    pub boards: std::sync::Arc<crate::published::KeptBoards>,
    /// Held while the service runs, so `minsheng restore` refuses to replace a served SQLite file
    /// ([`crate::database_file`]).
    pub serving_lock: Option<std::sync::Arc<crate::database_file::ServingLock>>,
}
