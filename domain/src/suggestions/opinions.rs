//! A co-unit's opinion (会办意见) to the lead unit, due 1 month after assignment
//! ([`super::OPINION_MONTHS`]). The lead unit reads it before answering; a later opinion replaces
//! the co-unit's earlier one until the answer is given.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::{Status, View, is_unit, lock, view};
use crate::{
    Actor, db,
    entities::suggestion_opinions,
    error::{Error, ErrorCode, Result},
    text::parse_long_text,
    vocabulary::Role,
};

/// A co-unit sends (or replaces) its opinion. Roles: a co-unit's department account. Errors:
/// 404 (not the caller's); 403 `not_co_unit` (the lead unit answers instead); 409
/// `suggestion_not_awaiting_answer`; 422 `invalid_text`.
pub async fn give(db: &DatabaseConnection, actor: &Actor, id: Uuid, content: &str) -> Result<View> {
    actor.require(Role::Department)?;
    let content = parse_long_text("content", content, 10_000, true)?;
    let unit = actor.department.clone().unwrap_or_default();
    let txn = db::begin_write(db).await?;
    let s = lock(&txn, id).await?;
    let status = Status::parse(&s.status)?;
    if !(status.handled() && is_unit(actor, &s)) {
        return Err(Error::not_found("suggestion"));
    }
    if s.lead_unit.as_deref() == Some(unit.as_str()) {
        return Err(Error::forbidden(
            ErrorCode::NotCoUnit,
            "co-units send opinions; the lead unit answers",
        ));
    }
    if !matches!(status, Status::Assigned | Status::Reopened) {
        return Err(Error::conflict(
            ErrorCode::SuggestionNotAwaitingAnswer,
            "opinions go to the lead unit before it answers",
        ));
    }
    let row = suggestion_opinions::ActiveModel {
        suggestion_id: Set(id),
        unit: Set(unit.clone()),
        content: Set(content),
        given_on: Set(crate::clock::today()),
        created_at: Set(Utc::now()),
    };
    if suggestion_opinions::Entity::find_by_id((id, unit.clone()))
        .one(&txn)
        .await?
        .is_some()
    {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.opinion", "suggestion", id)
            .with(json!({"unit": unit})),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}
