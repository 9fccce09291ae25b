//! What a deputy's phone shows in the hall (代表端首页): the session they sit in, whether they have
//! checked in (报到), and the session's votes and rating rounds with whether they have taken part.
//! Participation only: nothing here reads what a deputy voted.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    Actor,
    entities::{
        congress_sessions, evaluation_participation, evaluations, session_roster,
        vote_participation, votes,
    },
    error::Result,
    sessions::{self, SessionSummary},
    votes::service::VoteStatus,
};

/// One vote or rating round as a deputy's list shows it.
#[derive(Debug, Clone)]
pub struct DeskItem {
    pub id: Uuid,
    pub title: String,
    pub status: VoteStatus,
    /// True for a satisfaction rating round (满意度测评), false for a vote (票决).
    pub is_rating: bool,
    /// 已投票: this deputy's ballot is recorded.
    pub voted: bool,
}

#[derive(Debug, Clone)]
pub struct Desk {
    pub session: SessionSummary,
    /// 已报到.
    pub checked_in: bool,
    /// Drafts are left out: deputies see a vote once it opens.
    pub items: Vec<DeskItem>,
}

/// The deputy's current session: the most recently created one whose roster names them. `None` when
/// they sit in no session. Refused for any role but deputy (`not_a_deputy`).
pub async fn desk(db: &DatabaseConnection, actor: &Actor) -> Result<Option<Desk>> {
    let deputy_id = actor.require_deputy()?;
    let entries = session_roster::Entity::find()
        .filter(session_roster::Column::DeputyId.eq(deputy_id))
        .all(db)
        .await?;
    let Some(session) = congress_sessions::Entity::find()
        .filter(congress_sessions::Column::Id.is_in(entries.iter().map(|e| e.session_id)))
        .order_by_desc(congress_sessions::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let checked_in = entries
        .iter()
        .any(|e| e.session_id == session.id && e.present);
    let mut items = Vec::new();
    let vote_rows = votes::Entity::find()
        .filter(votes::Column::SessionId.eq(session.id))
        .filter(votes::Column::Status.ne(VoteStatus::Draft))
        .order_by_asc(votes::Column::CreatedAt)
        .all(db)
        .await?;
    let voted: Vec<Uuid> = vote_participation::Entity::find()
        .filter(vote_participation::Column::DeputyId.eq(deputy_id))
        .filter(vote_participation::Column::VoteId.is_in(vote_rows.iter().map(|v| v.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.vote_id)
        .collect();
    for v in vote_rows {
        items.push(DeskItem {
            status: v.status,
            voted: voted.contains(&v.id),
            is_rating: false,
            id: v.id,
            title: v.title,
        });
    }
    let rounds = evaluations::Entity::find()
        .filter(evaluations::Column::SessionId.eq(session.id))
        .filter(evaluations::Column::Status.ne(VoteStatus::Draft))
        .order_by_asc(evaluations::Column::CreatedAt)
        .all(db)
        .await?;
    let rated: Vec<Uuid> = evaluation_participation::Entity::find()
        .filter(evaluation_participation::Column::DeputyId.eq(deputy_id))
        .filter(evaluation_participation::Column::EvaluationId.is_in(rounds.iter().map(|e| e.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.evaluation_id)
        .collect();
    for e in rounds {
        items.push(DeskItem {
            status: e.status,
            voted: rated.contains(&e.id),
            is_rating: true,
            id: e.id,
            title: e.title,
        });
    }
    Ok(Some(Desk {
        checked_in,
        session: sessions::summary(db, session).await?,
        items,
    }))
}

/// Whether the calling deputy has rated in a satisfaction rating round (participation only).
/// Refused for any role but deputy (`not_a_deputy`).
pub async fn has_rated(
    db: &DatabaseConnection,
    actor: &Actor,
    evaluation_id: Uuid,
) -> Result<bool> {
    let deputy_id = actor.require_deputy()?;
    Ok(
        evaluation_participation::Entity::find_by_id((evaluation_id, deputy_id))
            .one(db)
            .await?
            .is_some(),
    )
}
