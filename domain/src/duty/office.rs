//! What the office records by hand: an activity with its evidence (training, a 代表小组 activity,
//! reporting to voters, or an inspection or reception day Minsheng did not see), and a deputy's
//! leave (请假) from a session, in half days.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::ActivityKind;
use crate::{
    Actor, db,
    entities::{deputies, duty_activities, session_leave, session_roster},
    error::{Error, ErrorCode, Result},
    text::{parse_long_text, parse_text},
};

/// An activity as the office records it.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub deputy_id: Uuid,
    /// One of the kinds the office records ([`ActivityKind::recorded_by_office`]).
    pub kind: String,
    pub held_on: NaiveDate,
    pub title: String,
    /// Where the proof is: a document number, a sign-in sheet, a photo's place.
    pub evidence: String,
}

/// Records an activity. Roles: admin. Errors: 422 `invalid_kind` (a kind Minsheng gathers
/// itself), `unknown_deputy`, `invalid_date` (after today), `invalid_text`.
pub async fn record_activity(
    db: &DatabaseConnection,
    actor: &Actor,
    a: NewActivity,
) -> Result<duty_activities::Model> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let row = insert_activity(&txn, actor, &a, None).await?;
    txn.commit().await?;
    Ok(row)
}

/// Checks and inserts an activity inside the caller's transaction (a correction adds one too).
pub(super) async fn insert_activity(
    txn: &DatabaseTransaction,
    actor: &Actor,
    a: &NewActivity,
    correction_id: Option<Uuid>,
) -> Result<duty_activities::Model> {
    let kind = ActivityKind::parse("kind", &a.kind)?;
    if !kind.recorded_by_office() {
        return Err(Error::invalid_field(
            ErrorCode::InvalidKind,
            "kind",
            "attendance, votes, ratings and suggestions are gathered, not typed in",
        ));
    }
    let title = parse_text("title", &a.title, 200)?;
    let evidence = parse_long_text("evidence", &a.evidence, 1000, false)?;
    if a.held_on > crate::clock::today() {
        return Err(Error::invalid_field(
            ErrorCode::InvalidDate,
            "held_on",
            "an activity is recorded once it has happened",
        ));
    }
    require_deputy(txn, a.deputy_id).await?;
    let row = duty_activities::ActiveModel {
        id: Set(Uuid::new_v4()),
        deputy_id: Set(a.deputy_id),
        kind: Set(kind.as_str().to_owned()),
        held_on: Set(a.held_on),
        title: Set(title),
        evidence: Set(evidence),
        correction_id: Set(correction_id),
        recorded_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    crate::audit::record(
        txn,
        Some(actor),
        crate::audit::Event::new("duty.activity", "deputy", a.deputy_id).with(json!({
            "activity_id": row.id, "kind": row.kind, "held_on": row.held_on, "title": row.title,
            "correction_id": correction_id,
        })),
    )
    .await?;
    Ok(row)
}

async fn require_deputy(db: &impl ConnectionTrait, id: Uuid) -> Result<()> {
    deputies::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|_| ())
        .ok_or_else(|| {
            Error::invalid_field(
                ErrorCode::UnknownDeputy,
                "deputy_id",
                "no deputy has this id",
            )
        })
}

/// Records (or, with 0 half days, removes) a deputy's leave from a session. Leave counts only
/// when the deputy is not marked present. Roles: admin. Errors: 404 (session); 422
/// `not_on_roster`, `invalid_count` (more than 40 half days), `invalid_text`.
pub async fn set_leave(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
    deputy_id: Uuid,
    half_days: i32,
    reason: &str,
) -> Result<()> {
    actor.require_admin()?;
    if !(0..=40).contains(&half_days) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidCount,
            "half_days",
            "leave is from 0 to 40 half days",
        ));
    }
    let reason = parse_long_text("reason", reason, 500, half_days > 0)?;
    let txn = db::begin_write(db).await?;
    crate::entities::congress_sessions::Entity::find_by_id(session_id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    if session_roster::Entity::find_by_id((session_id, deputy_id))
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(Error::invalid_field(
            ErrorCode::NotOnRoster,
            "deputy_id",
            "this deputy is not on the session's roster",
        ));
    }
    session_leave::Entity::delete_by_id((session_id, deputy_id))
        .exec(&txn)
        .await?;
    if half_days > 0 {
        session_leave::ActiveModel {
            session_id: Set(session_id),
            deputy_id: Set(deputy_id),
            half_days: Set(half_days),
            reason: Set(reason.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("session.leave", "session", session_id)
            .with(json!({"deputy_id": deputy_id, "half_days": half_days, "reason": reason})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
