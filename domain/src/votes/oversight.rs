//! What the office did to deputies' accounts while a vote was open (issue 17, item 7): an admin
//! can reset a deputy's password, mark them present and then vote in their place. Each password
//! reset, disable and attendance mark made while a vote is open is recorded against that vote —
//! which account, what, when; never a ballot — in the same transaction as the change, and shown
//! with the vote's results and on the office's vote page, so the scrutineers (监票人) see it.
//!
//! A change concerns the open votes of the sessions whose roster holds the deputy; an account that
//! is no deputy's (an admin, a department) casts no ballot and is not recorded.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::{
    entities::{accounts, deputies, session_roster, vote_oversight_events as events, votes},
    error::Result,
    vocabulary::{OversightKind, VoteStatus},
};

/// One recorded change, with the account it concerns.
#[derive(Debug, Clone)]
pub struct OversightEvent {
    pub kind: OversightKind,
    pub at: DateTime<Utc>,
    pub account_id: Uuid,
    pub username: String,
    /// 代表编号 and name of the deputy whose account it is.
    pub deputy_code: String,
    pub deputy_name: String,
}

/// A vote's recorded changes, oldest first, with their counts.
#[derive(Debug, Clone, Default)]
pub struct Oversight {
    pub password_resets: u32,
    pub disables: u32,
    pub attendance_changes: u32,
    /// Distinct accounts concerned.
    pub accounts: u32,
    pub events: Vec<OversightEvent>,
}

/// Records a reset or a disable of `account_id` against every open vote of a session whose roster
/// holds the account's deputy. Call it inside the transaction that makes the change.
pub async fn record_account_change(
    txn: &impl ConnectionTrait,
    account_id: Uuid,
    kind: OversightKind,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(deputy) = deputies::Entity::find()
        .filter(deputies::Column::AccountId.eq(account_id))
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let sessions: Vec<Uuid> = session_roster::Entity::find()
        .filter(session_roster::Column::DeputyId.eq(deputy.id))
        .select_only()
        .column(session_roster::Column::SessionId)
        .into_tuple()
        .all(txn)
        .await?;
    let open = open_votes(txn, &sessions).await?;
    insert(txn, &open, &[account_id], kind, at).await
}

/// Records attendance marks of `deputy_ids` (those whose mark actually changes) against every
/// open vote of the session. Call it inside the transaction that makes the change.
pub async fn record_attendance(
    txn: &impl ConnectionTrait,
    session_id: Uuid,
    deputy_ids: &[Uuid],
    present: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    if deputy_ids.is_empty() {
        return Ok(());
    }
    let open = open_votes(txn, &[session_id]).await?;
    if open.is_empty() {
        return Ok(());
    }
    let mut account_ids = Vec::with_capacity(deputy_ids.len());
    for chunk in deputy_ids.chunks(500) {
        let found: Vec<Uuid> = deputies::Entity::find()
            .filter(deputies::Column::Id.is_in(chunk.to_vec()))
            .select_only()
            .column(deputies::Column::AccountId)
            .into_tuple()
            .all(txn)
            .await?;
        account_ids.extend(found);
    }
    let kind = if present {
        OversightKind::MarkedPresent
    } else {
        OversightKind::MarkedAbsent
    };
    insert(txn, &open, &account_ids, kind, at).await
}

async fn open_votes(db: &impl ConnectionTrait, sessions: &[Uuid]) -> Result<Vec<Uuid>> {
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    Ok(votes::Entity::find()
        .filter(votes::Column::SessionId.is_in(sessions.to_vec()))
        .filter(votes::Column::Status.eq(VoteStatus::Open))
        .select_only()
        .column(votes::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

async fn insert(
    txn: &impl ConnectionTrait,
    votes: &[Uuid],
    account_ids: &[Uuid],
    kind: OversightKind,
    at: DateTime<Utc>,
) -> Result<()> {
    let rows: Vec<events::ActiveModel> = votes
        .iter()
        .flat_map(|&vote_id| {
            account_ids
                .iter()
                .map(move |&account_id| events::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    vote_id: Set(vote_id),
                    account_id: Set(account_id),
                    kind: Set(kind),
                    at: Set(at),
                })
        })
        .collect();
    for chunk in rows.chunks(200) {
        events::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The changes recorded against a vote, oldest first.
pub async fn for_vote(db: &impl ConnectionTrait, vote_id: Uuid) -> Result<Oversight> {
    let rows = events::Entity::find()
        .filter(events::Column::VoteId.eq(vote_id))
        .order_by_asc(events::Column::At)
        .order_by_asc(events::Column::Id)
        .all(db)
        .await?;
    let mut out = Oversight::default();
    if rows.is_empty() {
        return Ok(out);
    }
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.account_id).collect();
    ids.sort();
    ids.dedup();
    out.accounts = ids.len() as u32;
    let mut accts = Vec::new();
    let mut deps = Vec::new();
    for chunk in ids.chunks(500) {
        accts.extend(
            accounts::Entity::find()
                .filter(accounts::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
        deps.extend(
            deputies::Entity::find()
                .filter(deputies::Column::AccountId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    for r in rows {
        match r.kind {
            OversightKind::PasswordReset => out.password_resets += 1,
            OversightKind::Disabled => out.disables += 1,
            OversightKind::MarkedPresent | OversightKind::MarkedAbsent => {
                out.attendance_changes += 1
            }
        }
        let deputy = deps.iter().find(|d| d.account_id == r.account_id);
        out.events.push(OversightEvent {
            kind: r.kind,
            at: r.at,
            account_id: r.account_id,
            username: accts
                .iter()
                .find(|a| a.id == r.account_id)
                .map(|a| a.username.clone())
                .unwrap_or_default(),
            deputy_code: deputy.map(|d| d.deputy_code.clone()).unwrap_or_default(),
            deputy_name: deputy.map(|d| d.name.clone()).unwrap_or_default(),
        });
    }
    Ok(out)
}
