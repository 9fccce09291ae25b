//! The audit log, for the congress office: every state change with who, when and what, newest
//! first. The chain behind it and its check are `minsheng_domain::audit`; `minsheng audit verify`
//! recomputes it on the machine that holds the database.

use axum::{Json, extract::State};
use chrono::{DateTime, SecondsFormat, Utc};
use minsheng_domain::{audit, entities::audit_events};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::Auth,
    error::ApiResult,
    extract::ApiQuery,
    routes::{Page, Paging},
    state::AppState,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Events about this object (a vote's, session's, account's, project's id).
    pub object_id: Option<String>,
    /// Events by this account.
    pub account_id: Option<Uuid>,
    /// From this time (RFC 3339), inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Up to this time (RFC 3339), inclusive.
    pub to: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

/// One event of the audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditEventDto {
    /// Its place in the chain: 1, 2, 3, … with no gap.
    pub seq: i64,
    /// RFC 3339, UTC, microseconds.
    pub at: String,
    /// Who (null for a login, whose object is the account).
    pub account_id: Option<Uuid>,
    pub role: Option<String>,
    /// `vote.open`, `session.attendance`, `account.update`, `login.failure`, ….
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<String>,
    /// The changed fields.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// SHA-256 of the previous event (64 zeros before the first) and of this one.
    pub prev_sha256: String,
    pub sha256: String,
}

impl From<audit_events::Model> for AuditEventDto {
    fn from(e: audit_events::Model) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            account_id: e.account_id,
            role: e.role,
            action: e.action,
            object_kind: e.object_kind,
            object_id: e.object_id,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            prev_sha256: e.prev_sha256,
            sha256: e.sha256,
        }
    }
}

/// The audit log, newest first: accounts, sessions (roster, attendance, check-ins), votes and
/// rating rounds (draft, edit, open, close, publish, runoff), projects, logins and failed logins.
/// Never a ballot's content, a receipt, or who cast which ballot. Roles: admin.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditFilter), responses(
    (status = 200, body = Page<AuditEventDto>),
))]
pub async fn list_audit(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<AuditFilter>,
) -> ApiResult<Json<Page<AuditEventDto>>> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
    let filter = audit::Filter {
        object_id: q.object_id,
        account_id: q.account_id,
        from: q.from.map(stamp),
        to: q.to.map(stamp),
    };
    let (items, total) = audit::list(&state.db, &actor, &filter, limit, offset).await?;
    Ok(Json(Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
    }))
}
