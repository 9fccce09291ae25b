//! Withdrawing a suggestion (撤回): a deputy withdraws their own before it is answered; a joint
//! one is withdrawn when every signer who confirmed has agreed, each on their own account (until
//! then it goes on being handled, and the signers see who has agreed).

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::{Status, View, lock, signer_row, view};
use crate::{
    Actor, db,
    entities::{suggestion_signers, suggestions},
    error::{Error, ErrorCode, Result},
};

/// The caller agrees to withdraw; the last agreement withdraws it. Returns the suggestion, its
/// status `withdrawn` when it was the last. Roles: a signer who confirmed. Errors: 404 (not a
/// signer); 403 `not_entitled` (a co-signer who has not confirmed); 409
/// `suggestion_not_withdrawable` (answered, closed, returned or withdrawn).
pub async fn agree(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<View> {
    let me = actor.require_deputy()?;
    let txn = db::begin_write(db).await?;
    let s = lock(&txn, id).await?;
    let mine = signer_row(&txn, id, me)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    if mine.confirmed_at.is_none() {
        return Err(Error::forbidden(
            ErrorCode::NotEntitled,
            "a co-signer who has not confirmed has nothing to withdraw; leave it unconfirmed",
        ));
    }
    if !matches!(
        Status::parse(&s.status)?,
        Status::Cosigning | Status::Submitted | Status::Assigned
    ) {
        return Err(Error::conflict(
            ErrorCode::SuggestionNotWithdrawable,
            "a suggestion is withdrawn before it is answered",
        ));
    }
    let mut r: suggestion_signers::ActiveModel = mine.into();
    r.withdraw_agreed = Set(true);
    r.update(&txn).await?;
    let confirmed = suggestion_signers::Entity::find()
        .filter(suggestion_signers::Column::SuggestionId.eq(id))
        .filter(suggestion_signers::Column::ConfirmedAt.is_not_null())
        .all(&txn)
        .await?;
    let all = confirmed.iter().all(|r| r.withdraw_agreed);
    if all {
        super::requests::lapse(&txn, id, None).await?;
    }
    let s = if all {
        let mut row: suggestions::ActiveModel = s.into();
        row.status = Set(Status::Withdrawn.as_str().into());
        row.updated_at = Set(chrono::Utc::now());
        row.update(&txn).await?
    } else {
        s
    };
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.withdraw", "suggestion", id)
            .with(json!({"withdrawn": all})),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}
