//! Promises tracked until kept (承诺事项跟踪): an answer's dated promises stay on the 督办 list
//! ([`super::supervision`]) until the lead unit, or the office, marks each kept with the date and
//! what was done.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::{Status, View, is_unit, lock, promises, view};
use crate::{
    Actor, db,
    entities::{suggestion_answers, suggestion_promises_kept},
    error::{Error, ErrorCode, Result},
    text::parse_long_text,
    vocabulary::Role,
};

/// Marks the promise at position `idx` (from 0) of an answer kept on `kept_on`, with what was
/// done. Roles: the lead unit's department account, or admin. Errors: 404 (not the caller's);
/// 403 `not_lead_unit`; 409 `promise_kept`; 422 `unknown_promise` (no such answer or position on
/// this suggestion), `invalid_date` (after today, or before the answer), `invalid_text`.
pub async fn keep(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    answer_id: Uuid,
    idx: i32,
    kept_on: NaiveDate,
    note: &str,
) -> Result<View> {
    if actor.role != Role::Admin {
        actor.require(Role::Department)?;
    }
    let note = parse_long_text("note", note, 500, true)?;
    if kept_on > crate::clock::today() {
        return Err(Error::invalid_field(
            ErrorCode::InvalidDate,
            "kept_on",
            "a promise is marked kept on or after the day it was kept",
        ));
    }
    let txn = db::begin_write(db).await?;
    let s = lock(&txn, id).await?;
    let status = Status::parse(&s.status)?;
    if actor.role == Role::Department {
        if !(status.handled() && is_unit(actor, &s)) {
            return Err(Error::not_found("suggestion"));
        }
        if s.lead_unit.as_deref() != actor.department.as_deref() {
            return Err(Error::forbidden(
                ErrorCode::NotLeadUnit,
                "the lead unit reports its promises kept",
            ));
        }
    }
    let answer = suggestion_answers::Entity::find_by_id(answer_id)
        .one(&txn)
        .await?
        .filter(|a| a.suggestion_id == id);
    let what = answer
        .as_ref()
        .and_then(|a| promises(a).into_iter().nth(usize::try_from(idx).ok()?))
        .ok_or_else(|| {
            Error::invalid_field(
                ErrorCode::UnknownPromise,
                "idx",
                "this suggestion's answer has no promise at this position",
            )
        })?;
    if answer.as_ref().is_some_and(|a| kept_on < a.answered_on) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidDate,
            "kept_on",
            "a promise is kept on or after the day it was made",
        ));
    }
    if suggestion_promises_kept::Entity::find_by_id((answer_id, idx))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(Error::conflict(
            ErrorCode::PromiseKept,
            "this promise is marked kept",
        ));
    }
    suggestion_promises_kept::ActiveModel {
        answer_id: Set(answer_id),
        idx: Set(idx),
        kept_on: Set(kept_on),
        note: Set(note),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.promise_kept", "suggestion", id).with(
            json!({"answer_id": answer_id, "idx": idx, "what": what.what, "kept_on": kept_on}),
        ),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}
