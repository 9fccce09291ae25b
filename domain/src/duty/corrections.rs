//! Corrections to a record (纠错): a deputy asks, with a reason, that a line be struck as wrong
//! (错) or a duplicate (重), or that a missing activity (漏) be added; the office accepts or refuses
//! with a reason. An accepted wrong or duplicate line stays listed, marked excluded and earning
//! nothing; an accepted missing activity is recorded by the office with the decision (the office
//! may also record the right activity when it strikes a wrong one). Both requests and decisions
//! are kept.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    office::{NewActivity, insert_activity},
    record,
};
use crate::{
    Actor, db,
    entities::duty_corrections,
    error::{Error, ErrorCode, Result},
    text::parse_long_text,
    vocabulary::Role,
};

const KINDS: [&str; 3] = ["wrong", "duplicate", "missing"];

/// A deputy asks for a correction of their own record for `year`: `kind` `wrong` or `duplicate`
/// naming the line's key, or `missing` (no key). Roles: deputy. Errors: 409
/// `correction_pending` (the same line already waits); 422 `invalid_kind`, `unknown_line` (no such
/// line in the record, or a key with `missing`), `invalid_year` (after this year),
/// `invalid_text`.
pub async fn ask(
    db: &DatabaseConnection,
    actor: &Actor,
    year: i32,
    kind: &str,
    line_key: Option<&str>,
    reason: &str,
) -> Result<duty_corrections::Model> {
    let me = actor.require_deputy()?;
    if !KINDS.contains(&kind) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidKind,
            "kind",
            "kind is one of wrong, duplicate, missing",
        ));
    }
    let reason = parse_long_text("reason", reason, 1000, true)?;
    if !(2000..=chrono::Datelike::year(&crate::clock::today())).contains(&year) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidYear,
            "year",
            "a year from 2000 to this year",
        ));
    }
    let line_key = line_key.map(str::trim).filter(|k| !k.is_empty());
    let txn = db::begin_write(db).await?;
    match (kind, line_key) {
        ("missing", None) => {}
        ("missing", Some(_)) | (_, None) => {
            return Err(Error::invalid_field(
                ErrorCode::UnknownLine,
                "line_key",
                "a wrong or duplicate line is named by its key; a missing one has none",
            ));
        }
        (_, Some(key)) => {
            let rec = record::gather(&txn, year, None, Some(me)).await?;
            let has = rec
                .get(&me)
                .is_some_and(|r| r.lines.iter().any(|l| l.key == key && l.excluded.is_none()));
            if !has {
                return Err(Error::invalid_field(
                    ErrorCode::UnknownLine,
                    "line_key",
                    "your record for this year has no such line",
                ));
            }
            let waiting = duty_corrections::Entity::find()
                .filter(duty_corrections::Column::DeputyId.eq(me))
                .filter(duty_corrections::Column::LineKey.eq(key))
                .filter(duty_corrections::Column::Status.eq("pending"))
                .count(&txn)
                .await?;
            if waiting > 0 {
                return Err(Error::conflict(
                    ErrorCode::CorrectionPending,
                    "your request about this line waits for the office",
                ));
            }
        }
    }
    let row = duty_corrections::ActiveModel {
        id: Set(Uuid::new_v4()),
        deputy_id: Set(me),
        year: Set(year),
        kind: Set(kind.to_owned()),
        line_key: Set(line_key.map(str::to_owned)),
        reason: Set(reason),
        status: Set("pending".into()),
        decision_note: Set(None),
        created_at: Set(Utc::now()),
        decided_at: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("duty.correction", "deputy", me).with(json!({
            "correction_id": row.id, "year": year, "kind": kind, "line_key": row.line_key,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The office's decision. Accepting a `missing` request needs the activity to record (`add`, for
/// the deputy who asked); refusing needs a note. Roles: admin. Errors: 404; 409
/// `correction_not_pending`; 422 `activity_required`, `invalid_text`, and the activity's errors.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    accept: bool,
    note: &str,
    add: Option<NewActivity>,
) -> Result<duty_corrections::Model> {
    actor.require_admin()?;
    let note = parse_long_text("note", note, 500, !accept)?;
    let txn = db::begin_write(db).await?;
    let c = db::find_locked::<duty_corrections::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("correction"))?;
    if c.status != "pending" {
        return Err(Error::conflict(
            ErrorCode::CorrectionNotPending,
            "this request has been decided",
        ));
    }
    if accept {
        match (c.kind.as_str(), add) {
            ("missing", None) => {
                return Err(Error::invalid_field(
                    ErrorCode::ActivityRequired,
                    "activity",
                    "accepting a missing activity records it: give its kind, date and title",
                ));
            }
            (_, Some(mut a)) => {
                if chrono::Datelike::year(&a.held_on) != c.year {
                    return Err(Error::invalid_field(
                        ErrorCode::InvalidDate,
                        "held_on",
                        "the activity falls in the year the deputy asked about",
                    ));
                }
                a.deputy_id = c.deputy_id;
                insert_activity(&txn, actor, &a, Some(c.id)).await?;
            }
            (_, None) => {}
        }
    }
    let deputy_id = c.deputy_id;
    let mut row: duty_corrections::ActiveModel = c.into();
    row.status = Set(if accept { "accepted" } else { "refused" }.into());
    row.decision_note = Set((!note.is_empty()).then_some(note));
    row.decided_at = Set(Some(Utc::now()));
    let row = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("duty.correction_decided", "deputy", deputy_id)
            .with(json!({"correction_id": id, "accepted": accept})),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Correction requests for `year`, newest first: the office's all, a deputy's their own. Roles:
/// admin, deputy.
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    year: i32,
) -> Result<Vec<duty_corrections::Model>> {
    let mut q = duty_corrections::Entity::find()
        .filter(duty_corrections::Column::Year.eq(year))
        .order_by_desc(duty_corrections::Column::CreatedAt);
    if actor.role != Role::Admin {
        q = q.filter(duty_corrections::Column::DeputyId.eq(actor.require_deputy()?));
    }
    Ok(q.all(db).await?)
}
