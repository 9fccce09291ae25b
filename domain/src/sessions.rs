//! Congress sessions (会议): the roster of deputies in office, attendance by check-in, and quorum.

use crate::error::ErrorCode;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set, sea_query::Expr,
};
use uuid::Uuid;

use serde_json::json;

use crate::{
    Actor, Role,
    audit::{self, Event},
    db,
    entities::{accounts, congress_sessions, deputies, evaluations, session_roster, votes},
    error::{Error, Result},
    text::{Page, parse_text},
    votes::rules::quorum_needed,
};

#[derive(Debug, Clone)]
pub struct SessionSummary {
    pub session: congress_sessions::Model,
    pub roster_size: u32,
    pub present: u32,
    pub quorum_needed: u32,
    pub quorum_met: bool,
    /// The roster is fixed once the session's first vote or rating round has opened.
    pub roster_locked: bool,
}

fn may_read(actor: &Actor) -> Result<()> {
    if actor.role == Role::Department {
        return Err(Error::forbidden(
            ErrorCode::Forbidden,
            "sessions are read by admins and deputies",
        ));
    }
    Ok(())
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<congress_sessions::Model> {
    congress_sessions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("session"))
}

/// Roster size and present count of a session, counted now.
pub async fn counts(db: &impl ConnectionTrait, session_id: Uuid) -> Result<(u32, u32)> {
    let roster = session_roster::Entity::find()
        .filter(session_roster::Column::SessionId.eq(session_id))
        .count(db)
        .await?;
    let present = session_roster::Entity::find()
        .filter(session_roster::Column::SessionId.eq(session_id))
        .filter(session_roster::Column::Present.eq(true))
        .count(db)
        .await?;
    Ok((roster as u32, present as u32))
}

/// The deputies of a session marked present now.
pub async fn present_deputies(db: &impl ConnectionTrait, session_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(session_roster::Entity::find()
        .filter(session_roster::Column::SessionId.eq(session_id))
        .filter(session_roster::Column::Present.eq(true))
        .select_only()
        .column(session_roster::Column::DeputyId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Whether a vote or a rating round of the session has opened: from then on the roster is fixed,
/// so no ballot can come from a deputy who was not counted in 应到.
async fn roster_locked(db: &impl ConnectionTrait, session_id: Uuid) -> Result<bool> {
    let votes = votes::Entity::find()
        .filter(votes::Column::SessionId.eq(session_id))
        .filter(votes::Column::OpenedAt.is_not_null())
        .count(db)
        .await?;
    let ratings = evaluations::Entity::find()
        .filter(evaluations::Column::SessionId.eq(session_id))
        .filter(evaluations::Column::OpenedAt.is_not_null())
        .count(db)
        .await?;
    Ok(votes + ratings > 0)
}

pub async fn summary(
    db: &impl ConnectionTrait,
    session: congress_sessions::Model,
) -> Result<SessionSummary> {
    let (roster_size, present) = counts(db, session.id).await?;
    let quorum_needed = quorum_needed(roster_size);
    Ok(SessionSummary {
        roster_locked: roster_locked(db, session.id).await?,
        quorum_met: roster_size > 0 && present >= quorum_needed,
        roster_size,
        present,
        quorum_needed,
        session,
    })
}

async fn insert_roster(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    deputy_ids: &[Uuid],
) -> Result<()> {
    for chunk in deputy_ids.chunks(500) {
        let rows = chunk.iter().map(|&deputy_id| session_roster::ActiveModel {
            session_id: Set(session_id),
            deputy_id: Set(deputy_id),
            present: Set(false),
        });
        session_roster::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Creates a session whose roster is every deputy with an enabled account.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    name: &str,
    year: i32,
) -> Result<SessionSummary> {
    actor.require_admin()?;
    let name = parse_text("name", name, 200)?;
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidYear,
            "year",
            "the year must be between 2000 and 2100",
        ));
    }
    let txn = db::begin_write(db).await?;
    let session = congress_sessions::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name),
        year: Set(year),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let active: Vec<Uuid> = deputies::Entity::find()
        .join(JoinType::InnerJoin, deputies::Relation::Account.def())
        .filter(accounts::Column::Disabled.eq(false))
        .select_only()
        .column(deputies::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    insert_roster(&txn, session.id, &active).await?;
    audit::record(
        &txn,
        Some(actor),
        Event::new("session.create", "session", session.id).with(json!({
            "name": session.name, "year": session.year, "roster": active.len(),
        })),
    )
    .await?;
    txn.commit().await?;
    summary(db, session).await
}

pub async fn get(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<SessionSummary> {
    may_read(actor)?;
    summary(db, find(db, id).await?).await
}

pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    limit: u64,
    offset: u64,
) -> Result<Page<SessionSummary>> {
    may_read(actor)?;
    let q = congress_sessions::Entity::find();
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(congress_sessions::Column::CreatedAt)
        .order_by_asc(congress_sessions::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for s in rows {
        items.push(summary(db, s).await?);
    }
    Ok(Page { items, total })
}

/// One line of the roster.
#[derive(Debug, Clone)]
pub struct RosterEntry {
    pub deputy: deputies::Model,
    pub present: bool,
}

pub async fn roster(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<Vec<RosterEntry>> {
    may_read(actor)?;
    find(db, id).await?;
    let rows = session_roster::Entity::find()
        .filter(session_roster::Column::SessionId.eq(id))
        .find_also_related(deputies::Entity)
        .order_by_asc(session_roster::Column::DeputyId)
        .all(db)
        .await?;
    let mut out: Vec<RosterEntry> = rows
        .into_iter()
        .filter_map(|(r, d)| {
            d.map(|deputy| RosterEntry {
                deputy,
                present: r.present,
            })
        })
        .collect();
    out.sort_by(|a, b| a.deputy.deputy_code.cmp(&b.deputy.deputy_code));
    Ok(out)
}

/// Replaces the roster, keeping the attendance of deputies who stay. Only before the first vote or
/// rating round of the session opens.
pub async fn set_roster(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    deputy_ids: &[Uuid],
) -> Result<SessionSummary> {
    actor.require_admin()?;
    let mut wanted: Vec<Uuid> = deputy_ids.to_vec();
    wanted.sort();
    wanted.dedup();
    let txn = db::begin_write(db).await?;
    // Locked: opening a vote locks the session too, so the roster cannot change under it.
    let session = db::find_locked::<congress_sessions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    if roster_locked(&txn, id).await? {
        return Err(Error::conflict(
            ErrorCode::RosterLocked,
            "the roster is fixed once a vote or rating round of the session has opened",
        ));
    }
    let known = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(wanted.clone()))
        .count(&txn)
        .await?;
    if known as usize != wanted.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "deputy_ids",
            "some ids are not deputies",
        ));
    }
    session_roster::Entity::delete_many()
        .filter(session_roster::Column::SessionId.eq(id))
        .filter(session_roster::Column::DeputyId.is_not_in(wanted.clone()))
        .exec(&txn)
        .await?;
    let existing: Vec<Uuid> = session_roster::Entity::find()
        .filter(session_roster::Column::SessionId.eq(id))
        .select_only()
        .column(session_roster::Column::DeputyId)
        .into_tuple()
        .all(&txn)
        .await?;
    let new: Vec<Uuid> = wanted
        .into_iter()
        .filter(|d| !existing.contains(d))
        .collect();
    insert_roster(&txn, id, &new).await?;
    audit::record(
        &txn,
        Some(actor),
        Event::new("session.roster", "session", id).with(json!({"added": new})),
    )
    .await?;
    txn.commit().await?;
    summary(db, session).await
}

/// Who may cast a ballot or a rating in a session: a deputy on its roster who has checked in.
pub async fn require_present(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    deputy_id: Uuid,
) -> Result<()> {
    match session_roster::Entity::find_by_id((session_id, deputy_id))
        .one(db)
        .await?
    {
        None => Err(Error::forbidden(
            ErrorCode::NotEntitled,
            "you are not on this session's roster",
        )),
        Some(entry) if !entry.present => Err(Error::forbidden(
            ErrorCode::NotPresent,
            "check in to the session before voting",
        )),
        Some(_) => Ok(()),
    }
}

/// A deputy on the roster checks themself in (报到).
pub async fn check_in(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<SessionSummary> {
    let deputy_id = actor.require_deputy()?;
    let session = find(db, id).await?;
    let txn = db::begin_write(db).await?;
    let updated = session_roster::Entity::update_many()
        .col_expr(session_roster::Column::Present, Expr::value(true))
        .filter(session_roster::Column::SessionId.eq(id))
        .filter(session_roster::Column::DeputyId.eq(deputy_id))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(Error::forbidden(
            ErrorCode::NotEntitled,
            "you are not on this session's roster",
        ));
    }
    audit::record(
        &txn,
        Some(actor),
        Event::new("session.check_in", "session", id).with(json!({"deputy_id": deputy_id})),
    )
    .await?;
    txn.commit().await?;
    summary(db, session).await
}

/// The congress office marks deputies present or absent.
pub async fn set_attendance(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    deputy_ids: &[Uuid],
    present: bool,
) -> Result<SessionSummary> {
    actor.require_admin()?;
    let mut ids = deputy_ids.to_vec();
    ids.sort();
    ids.dedup();
    let txn = db::begin_write(db).await?;
    let session = find(&txn, id).await?;
    // The marks that change something, recorded against the session's open votes (an office that
    // marks a deputy present can vote in their place; the scrutineers see it with the results).
    let mut changed = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<Uuid> = session_roster::Entity::find()
            .filter(session_roster::Column::SessionId.eq(id))
            .filter(session_roster::Column::DeputyId.is_in(chunk.to_vec()))
            .filter(session_roster::Column::Present.ne(present))
            .select_only()
            .column(session_roster::Column::DeputyId)
            .into_tuple()
            .all(&txn)
            .await?;
        changed.extend(rows);
    }
    for chunk in ids.chunks(500) {
        let updated = session_roster::Entity::update_many()
            .col_expr(session_roster::Column::Present, Expr::value(present))
            .filter(session_roster::Column::SessionId.eq(id))
            .filter(session_roster::Column::DeputyId.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
        if updated.rows_affected as usize != chunk.len() {
            return Err(Error::invalid_field(
                ErrorCode::NotOnRoster,
                "deputy_ids",
                "some deputies are not on this session's roster",
            ));
        }
    }
    crate::votes::oversight::record_attendance(&txn, id, &changed, present, Utc::now()).await?;
    audit::record(
        &txn,
        Some(actor),
        Event::new("session.attendance", "session", id)
            .with(json!({"present": present, "changed": changed})),
    )
    .await?;
    txn.commit().await?;
    summary(db, session).await
}
