//! The office's audit log page (`/admin/audit`): the chain's state, checked on every visit, and
//! the events newest first, filtered by object. The log and its check are
//! `minsheng_domain::audit`.

use askama::Template;
use axum::extract::{Query, State};
use chrono::{DateTime, FixedOffset, Utc};
use minsheng_domain::audit;
use serde::Deserialize;

use super::office::require_admin;
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::followup::FollowMsg,
    render::{Chrome, html},
    session::PageUser,
};

/// Events per page.
const PER_PAGE: u64 = 100;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    object_id: String,
    #[serde(default)]
    offset: String,
}

struct Row {
    seq: i64,
    at: String,
    who: String,
    action: String,
    object: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    c: Chrome,
    f: &'static FollowMsg,
    holds: bool,
    chain: String,
    object_id: String,
    rows: Vec<Row>,
    older: Option<String>,
}

/// Beijing time, to the second.
fn china_time(at: &str) -> String {
    let beijing = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.parse::<DateTime<Utc>>()
        .map(|t| {
            t.with_timezone(&beijing)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// `GET /admin/audit?object_id=&offset=`.
pub async fn log(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    require_admin(&user)?;
    let fail = |e| PageError::from_domain(e, user.prefs);
    let f = user.prefs.lang.follow();
    let v = audit::verify(&state.db).await.map_err(fail)?;
    let (holds, chain) = match &v.broken {
        None => (true, f.audit_holds.replace("{n}", &v.events.to_string())),
        Some((seq, why)) => (
            false,
            f.audit_broken
                .replace("{seq}", &seq.to_string())
                .replace("{why}", why),
        ),
    };
    let object_id = q.object_id.trim().to_owned();
    let offset: u64 = q.offset.trim().parse().unwrap_or(0).min(1_000_000_000);
    let filter = audit::Filter {
        object_id: (!object_id.is_empty()).then(|| object_id.clone()),
        ..Default::default()
    };
    let (events, total) = audit::list(&state.db, &user.actor, &filter, PER_PAGE, offset)
        .await
        .map_err(fail)?;
    let names = audit::usernames(&state.db, &events).await.map_err(fail)?;
    let name_of = |id: &uuid::Uuid| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let rows = events
        .into_iter()
        .map(|e| Row {
            seq: e.seq,
            at: china_time(&e.at),
            who: match (e.account_id, e.role) {
                (Some(a), Some(r)) => format!("{} ({r})", name_of(&a)),
                (Some(a), None) => name_of(&a),
                _ => "—".into(),
            },
            object: match &e.object_id {
                Some(o) if e.object_kind == "account" => match o.parse() {
                    Ok(id) => format!("account {}", name_of(&id)),
                    Err(_) => format!("account {o}"),
                },
                Some(o) => format!("{} {o}", e.object_kind),
                None => e.object_kind.clone(),
            },
            action: e.action,
            detail: e.detail,
        })
        .collect();
    let older = (offset + PER_PAGE < total).then(|| {
        format!(
            "/admin/audit?object_id={}&offset={}",
            object_id,
            offset + PER_PAGE
        )
    });
    Ok(html(&AuditPage {
        c: Chrome::for_user(&user, "/admin/audit"),
        f,
        holds,
        chain,
        object_id,
        rows,
        older,
    }))
}
