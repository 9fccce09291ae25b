//! The audit log (审计日志): every state change writes one event in the same transaction — when,
//! who (account and role), what, the object, and the changed fields; never a ballot's content, a
//! receipt, or which deputy cast which ballot.
//!
//! Events are hash-chained: event `n` carries the SHA-256 of event `n − 1` and its own, computed
//! over its canonical form (a JSON array of its fields, the previous hash last), so deleting,
//! editing, inserting or reordering any event breaks the chain from there on, and [`verify`]
//! names the first broken event. The chain's head (`audit_head`, one row) is locked by every
//! append, so several nodes on one PostgreSQL append to one chain without forking it.

use chrono::{SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    Actor, db,
    entities::{audit_events, audit_head},
    error::{Error, Result},
};

/// The hash before the first event.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One state change, as a use case describes it.
pub struct Event<'a> {
    /// What happened, as `area.verb`: `vote.open`, `session.roster`, `account.disable`, ….
    pub action: &'a str,
    /// The kind of object: `vote`, `evaluation`, `session`, `account`, ….
    pub object_kind: &'a str,
    pub object_id: Option<String>,
    /// The changed fields (never secrets, ballots or receipts).
    pub detail: Value,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, object_kind: &'a str, object_id: impl ToString) -> Self {
        Event {
            action,
            object_kind,
            object_id: Some(object_id.to_string()),
            detail: json!({}),
        }
    }

    pub fn with(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

/// The canonical form an event's hash covers.
fn canonical(e: &audit_events::Model) -> String {
    json!([
        e.seq,
        e.at,
        e.account_id.map(|a| a.to_string()),
        e.role,
        e.action,
        e.object_kind,
        e.object_id,
        e.detail,
        e.prev_sha256
    ])
    .to_string()
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Appends an event inside the caller's write transaction: it commits or rolls back with the
/// change it records.
pub async fn record(txn: &DatabaseTransaction, actor: Option<&Actor>, e: Event<'_>) -> Result<()> {
    let head = db::find_locked::<audit_head::Entity>(txn, 1)
        .await?
        .ok_or_else(|| Error::Internal("the audit chain's head is missing".into()))?;
    let mut event = audit_events::Model {
        seq: head.seq + 1,
        at: Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
        account_id: actor.map(|a| a.account_id),
        role: actor.map(|a| a.role.as_str().to_owned()),
        action: e.action.to_owned(),
        object_kind: e.object_kind.to_owned(),
        object_id: e.object_id,
        detail: e.detail.to_string(),
        prev_sha256: head.sha256.clone(),
        sha256: String::new(),
    };
    event.sha256 = sha256_hex(&canonical(&event));
    let (seq, sha) = (event.seq, event.sha256.clone());
    audit_events::ActiveModel::from(event).insert(txn).await?;
    let mut head: audit_head::ActiveModel = head.into();
    head.seq = Set(seq);
    head.sha256 = Set(sha);
    head.update(txn).await?;
    Ok(())
}

/// Appends an event in a transaction of its own (for changes that are a single write, such as a
/// login).
pub async fn record_now(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    e: Event<'_>,
) -> Result<()> {
    let txn = db::begin_write(db).await?;
    record(&txn, actor, e).await?;
    txn.commit().await?;
    Ok(())
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Events checked.
    pub events: i64,
    /// The first event that does not hold, and why; `None` when the whole chain holds.
    pub broken: Option<(i64, String)>,
}

/// Recomputes the whole chain from the first event and names the first that does not hold: a
/// missing or reordered event (its place is not the next one), an edited one (its hash is not
/// that of its content), an inserted or replaced one (it does not carry its predecessor's hash),
/// or a cut tail (the head names a later event than the last).
pub async fn verify(db: &impl ConnectionTrait) -> Result<Verification> {
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_owned();
    let mut checked = 0i64;
    loop {
        let page = audit_events::Entity::find()
            .filter(audit_events::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_events::Column::Seq)
            .limit(1000)
            .all(db)
            .await?;
        if page.is_empty() {
            break;
        }
        for e in page {
            let broken = if e.seq != expected_seq {
                Some(format!(
                    "event {expected_seq} is missing (the next is {})",
                    e.seq
                ))
            } else if e.prev_sha256 != prev {
                Some("it does not carry the previous event's hash".to_owned())
            } else if sha256_hex(&canonical(&e)) != e.sha256 {
                Some("its content does not match its hash (edited)".to_owned())
            } else {
                None
            };
            if let Some(why) = broken {
                return Ok(Verification {
                    events: checked,
                    broken: Some((expected_seq, why)),
                });
            }
            prev = e.sha256;
            expected_seq += 1;
            checked += 1;
        }
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the audit chain's head is missing".into()))?;
    if head.seq != checked || head.sha256 != prev {
        return Ok(Verification {
            events: checked,
            broken: Some((
                checked + 1,
                format!(
                    "the chain ends at event {checked} but its head names event {}",
                    head.seq
                ),
            )),
        });
    }
    Ok(Verification {
        events: checked,
        broken: None,
    })
}

/// What the office may filter the log by.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub object_id: Option<String>,
    pub account_id: Option<Uuid>,
    /// RFC 3339 times, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A page of the log, newest first, and how many events match. Admin only.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    f: &Filter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<audit_events::Model>, u64)> {
    actor.require_admin()?;
    let mut q = audit_events::Entity::find();
    if let Some(o) = &f.object_id {
        q = q.filter(audit_events::Column::ObjectId.eq(o.clone()));
    }
    if let Some(a) = f.account_id {
        q = q.filter(audit_events::Column::AccountId.eq(a));
    }
    if let Some(t) = &f.from {
        q = q.filter(audit_events::Column::At.gte(t.clone()));
    }
    if let Some(t) = &f.to {
        q = q.filter(audit_events::Column::At.lte(t.clone()));
    }
    let total = q.clone().count(db).await?;
    let items = q
        .order_by_desc(audit_events::Column::Seq)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((items, total))
}

/// The usernames of the accounts that appear in a page of the log, to show who acted.
pub async fn usernames(
    db: &impl ConnectionTrait,
    events: &[audit_events::Model],
) -> Result<std::collections::HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = events
        .iter()
        .flat_map(|e| {
            let object = (e.object_kind == "account")
                .then(|| e.object_id.as_deref().and_then(|o| o.parse().ok()))
                .flatten();
            e.account_id.into_iter().chain(object)
        })
        .collect();
    Ok(crate::entities::accounts::Entity::find()
        .filter(crate::entities::accounts::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.username))
        .collect())
}
