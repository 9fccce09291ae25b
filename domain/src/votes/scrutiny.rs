//! The scrutineers (监票人) of a vote and the full ballots they recount.
//!
//! A secret vote's public bulletin lists the receipts and the per-candidate totals only: full
//! ballots next to receipts, or a unique pattern of marks, would let a coercer check how a deputy
//! voted (DOMAIN.md). The full ballots go to the scrutineers the office names for the vote (while
//! it is a draft) and to the office, once the vote is closed. Their copy of a secret vote carries
//! no receipts and is ordered by content, so a scrutineer can recount every ballot but cannot tell
//! whose receipt goes with which; a vote set before opening to publish its ballots
//! (`publish_ballots`), and a named vote, publish them to everyone with their receipts anyway.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::{
    rules::{Ballot, ballots_public},
    service::{VoteBox, VoteView, count, turnout},
    tally::Tally,
};
use crate::{
    Actor, Role,
    ballot_box::{self, require_reader},
    db,
    entities::{ballots, deputies, vote_scrutineers},
    error::{Error, ErrorCode, Result},
    vocabulary::VoteStatus,
};

/// One ballot as the scrutineers read it.
#[derive(Debug, Clone)]
pub struct CountedBallot {
    pub ballot: Ballot,
    /// Only where the ballots are public anyway: a named vote, or one set to publish its ballots.
    pub receipt: Option<String>,
    /// Named (记名) votes only.
    pub deputy: Option<deputies::Model>,
}

/// The scrutineers' copy of a closed vote: every ballot, and the tally to check it against.
#[derive(Debug, Clone)]
pub struct ScrutinyCopy {
    pub view: VoteView,
    pub tally: Tally,
    pub ballots: Vec<CountedBallot>,
}

/// Names the scrutineers of a draft vote, replacing any named before. Roles: admin. Refused once
/// the vote has opened (`vote_not_draft`) and for an unknown deputy (`unknown_deputy`).
pub async fn set_scrutineers(
    db: &DatabaseConnection,
    actor: &Actor,
    vote_id: Uuid,
    deputy_ids: &[Uuid],
) -> Result<Vec<deputies::Model>> {
    actor.require_admin()?;
    let mut ids = deputy_ids.to_vec();
    ids.sort();
    ids.dedup();
    let txn = db::begin_write(db).await?;
    let vote = ballot_box::find_locked::<VoteBox>(&txn, vote_id).await?;
    if vote.status != VoteStatus::Draft {
        return Err(Error::conflict(
            ErrorCode::VoteNotDraft,
            format!(
                "the vote is {}; scrutineers are named while it is a draft",
                vote.status.as_str()
            ),
        ));
    }
    let found = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(ids.clone()))
        .all(&txn)
        .await?;
    if found.len() != ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "deputy_ids",
            "some ids are not deputies",
        ));
    }
    vote_scrutineers::Entity::delete_many()
        .filter(vote_scrutineers::Column::VoteId.eq(vote_id))
        .exec(&txn)
        .await?;
    if !ids.is_empty() {
        vote_scrutineers::Entity::insert_many(ids.iter().map(|&deputy_id| {
            vote_scrutineers::ActiveModel {
                vote_id: Set(vote_id),
                deputy_id: Set(deputy_id),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("vote.scrutineers", "vote", vote_id)
            .with(serde_json::json!({ "deputy_ids": ids })),
    )
    .await?;
    txn.commit().await?;
    listed(db, vote_id).await
}

/// The scrutineers of a vote, by deputy code. Roles: admin, deputy.
pub async fn scrutineers(
    db: &DatabaseConnection,
    actor: &Actor,
    vote_id: Uuid,
) -> Result<Vec<deputies::Model>> {
    require_reader(actor, "votes")?;
    ballot_box::find::<VoteBox>(db, vote_id).await?;
    listed(db, vote_id).await
}

async fn listed(db: &impl ConnectionTrait, vote_id: Uuid) -> Result<Vec<deputies::Model>> {
    let ids: Vec<Uuid> = vote_scrutineers::Entity::find()
        .filter(vote_scrutineers::Column::VoteId.eq(vote_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.deputy_id)
        .collect();
    Ok(deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(ids))
        .order_by_asc(deputies::Column::DeputyCode)
        .all(db)
        .await?)
}

/// Whether the caller may read the vote's full ballots: the office, or a scrutineer of the vote.
async fn may_scrutinize(db: &impl ConnectionTrait, actor: &Actor, vote_id: Uuid) -> Result<()> {
    if actor.role == Role::Admin {
        return Ok(());
    }
    if let Some(deputy_id) = actor.deputy_id
        && vote_scrutineers::Entity::find_by_id((vote_id, deputy_id))
            .one(db)
            .await?
            .is_some()
    {
        return Ok(());
    }
    Err(Error::forbidden(
        ErrorCode::Forbidden,
        "a vote's full ballots are read by its scrutineers (监票人) and the office",
    ))
}

/// Every ballot of a closed or published vote, for its scrutineers and the office. A secret vote
/// that does not publish its ballots gives them without receipts, ordered by content.
/// Refused before the close (`vote_not_closed`) and to anyone else (`forbidden`).
pub async fn full_ballots(
    db: &DatabaseConnection,
    actor: &Actor,
    vote_id: Uuid,
) -> Result<ScrutinyCopy> {
    let vote = ballot_box::find::<VoteBox>(db, vote_id).await?;
    may_scrutinize(db, actor, vote_id).await?;
    if !matches!(vote.status, VoteStatus::Closed | VoteStatus::Published) {
        return Err(Error::conflict(
            ErrorCode::VoteNotClosed,
            "the scrutineers read the ballots once the vote is closed",
        ));
    }
    let with_receipts = ballots_public(vote.secret, vote.publish_ballots);
    let stored = ballots::Entity::find()
        .filter(ballots::Column::VoteId.eq(vote_id))
        .order_by_asc(ballots::Column::Receipt)
        .all(db)
        .await?;
    let named: Vec<Uuid> = stored.iter().filter_map(|b| b.deputy_id).collect();
    let deps = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(named))
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(stored.len());
    for b in &stored {
        out.push((
            b.content.clone(),
            CountedBallot {
                ballot: Ballot::from_json(&b.content)?,
                receipt: with_receipts.then(|| b.receipt.clone()),
                deputy: b
                    .deputy_id
                    .and_then(|d| deps.iter().find(|x| x.id == d).cloned()),
            },
        ));
    }
    if !with_receipts {
        out.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let tally = count(db, &vote).await?;
    Ok(ScrutinyCopy {
        view: turnout(db, vote).await?,
        tally,
        ballots: out.into_iter().map(|(_, b)| b).collect(),
    })
}
