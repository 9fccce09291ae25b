//! The change feed (变更推送): every public change — a vote or rating round opened, closed,
//! published; a project adopted, reported on, completed, its colour changed; a problem raised,
//! rectified, closed; a milestone reached — is an event with a cursor, written in the transaction
//! that makes the change. Integrators read it with `GET /api/v1/events?after=`, as Server-Sent
//! Events, or by webhook ([`crate::webhooks`], queued here in the same transaction).
//!
//! The cursor is taken from the audit chain's head row, which the appending transaction holds
//! locked until it commits: cursors are therefore given out in commit order, on every node of one
//! PostgreSQL, and a reader that has seen cursor `n` will never later find an event below `n`.
//! Events the public may not read (drafts, proposals) are marked so and shown to the office only.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    Actor, db,
    entities::{audit_head, feed_events},
    error::{Error, ErrorCode, Result},
    vocabulary::{EventType, Role},
};

impl EventType {
    /// Whether the public reads events of this type (drafts and proposals are the office's).
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            EventType::VoteDrafted
                | EventType::EvaluationDrafted
                | EventType::ProjectProposed
                // Before publication a suggestion is the signers', the units' and the office's.
                | EventType::SuggestionReceived
                | EventType::SuggestionAssigned
                | EventType::SuggestionAnswered
        )
    }
}

/// One change, as a use case describes it.
pub struct Change {
    pub event_type: EventType,
    pub object_kind: &'static str,
    pub object_id: Uuid,
    pub project_id: Option<Uuid>,
    /// The event's fields: what a reader needs without another request (a title, a status, a
    /// percent), never anything the public may not read.
    pub data: Value,
}

impl Change {
    pub fn new(event_type: EventType, object_kind: &'static str, object_id: Uuid) -> Self {
        Change {
            event_type,
            object_kind,
            object_id,
            project_id: None,
            data: Value::Object(Default::default()),
        }
    }

    pub fn project(mut self, id: Uuid) -> Self {
        self.project_id = Some(id);
        self
    }

    pub fn with(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// Appends the change inside the caller's write transaction, and queues it for every webhook
/// endpoint that asked for its type: all commit or roll back with the change. Returns its cursor.
pub async fn emit(txn: &DatabaseTransaction, c: Change) -> Result<i64> {
    let head = db::find_locked::<audit_head::Entity>(txn, 1)
        .await?
        .ok_or_else(|| Error::Internal("the audit chain's head is missing".into()))?;
    let seq = head.feed_seq + 1;
    let mut row: audit_head::ActiveModel = head.into();
    row.feed_seq = Set(seq);
    row.update(txn).await?;
    let public = c.event_type.is_public();
    feed_events::ActiveModel {
        seq: Set(seq),
        at: Set(Utc::now()),
        event_type: Set(c.event_type.as_str().to_owned()),
        object_kind: Set(c.object_kind.to_owned()),
        object_id: Set(c.object_id),
        project_id: Set(c.project_id),
        public: Set(public),
        data: Set(c.data.to_string()),
    }
    .insert(txn)
    .await?;
    if public {
        crate::webhooks::enqueue(txn, seq, c.event_type).await?;
    }
    Ok(seq)
}

/// Which events a reader wants.
#[derive(Debug, Default, Clone)]
pub struct FeedQuery {
    /// Events after this cursor (0: from the start).
    pub after: i64,
    /// Only these types; empty: all.
    pub types: Vec<EventType>,
    /// Only this project's.
    pub project_id: Option<Uuid>,
    /// At most this many (1 to 500).
    pub limit: u64,
}

/// Parses a comma-separated list of event types (`vote.published,problem.raised`); an unknown one
/// is `invalid_event_type`, naming the types there are.
pub fn parse_types(field: &str, list: &str) -> Result<Vec<EventType>> {
    if list.trim().is_empty() {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(str::trim)
        .map(|t| {
            EventType::parse_str(t).ok_or_else(|| {
                let shown: String = t.chars().take(40).collect();
                Error::invalid_field(
                    ErrorCode::InvalidEventType,
                    field,
                    format!(
                        "{shown:?} is not an event type; the types are {}",
                        EventType::words().join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// A page of the feed, oldest first, and the cursor to ask from next time.
pub struct FeedPage {
    pub items: Vec<feed_events::Model>,
    /// Events matching the query after its cursor, this page included.
    pub total: u64,
    /// The last cursor of this page, or the query's when the page is empty.
    pub next_after: i64,
}

/// The events after `q.after` the caller may read: the public ones without a token, and for a
/// deputy or a department; every event for the office.
pub async fn read(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    q: &FeedQuery,
) -> Result<FeedPage> {
    let mut find = feed_events::Entity::find().filter(feed_events::Column::Seq.gt(q.after));
    if !actor.is_some_and(|a| a.role == Role::Admin) {
        find = find.filter(feed_events::Column::Public.eq(true));
    }
    if !q.types.is_empty() {
        find =
            find.filter(feed_events::Column::EventType.is_in(q.types.iter().map(|t| t.as_str())));
    }
    if let Some(p) = q.project_id {
        find = find.filter(feed_events::Column::ProjectId.eq(p));
    }
    let total = find.clone().count(db).await?;
    let items = find
        .order_by_asc(feed_events::Column::Seq)
        .limit(q.limit.clamp(1, 500))
        .all(db)
        .await?;
    let next_after = items.last().map_or(q.after, |e| e.seq);
    Ok(FeedPage {
        items,
        total,
        next_after,
    })
}

/// The latest cursor given out (0 before the first event): where a new reader starts to follow
/// only what happens from now on.
pub async fn latest(db: &impl ConnectionTrait) -> Result<i64> {
    Ok(audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .map_or(0, |h| h.feed_seq))
}
