//! The project lifecycle (proposed → candidate → adopted or reserve → in progress → completed):
//! the status, which moves are allowed, and the writes that make the moves other areas own (a vote
//! draws candidates and settles them at publication). Votes, follow-up and ratings call here; this
//! module calls none of them.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::{
    entities::projects,
    error::{Error, Result},
};

pub use crate::vocabulary::{ProjectStatus as Status, Source};

impl Status {
    /// Adopted projects and later: what the public may read.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Status::Adopted | Status::InProgress | Status::Completed
        )
    }

    /// Proposed, a candidate or in the reserve: the project may stand in a vote, and its materials
    /// (budget, department, dates) may still change. After adoption they are the baseline.
    pub fn may_stand(self) -> bool {
        matches!(self, Status::Proposed | Status::Candidate | Status::Reserve)
    }

    /// Transitions an admin may make by hand; adoption and the reserve are set by publishing a vote.
    pub fn may_move_to(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Proposed, Candidate)
                | (Candidate, Proposed)
                | (Reserve, Candidate)
                | (Reserve, Proposed)
                | (Adopted, InProgress)
        ) || (self, to) == (InProgress, Completed)
    }
}

/// Where a proposal came from (征集): the stored words of [`Source`].
pub const SOURCES: [&str; 3] = ["deputy", "public", "department"];

/// The status of a stored project. An unknown stored word is an internal error: the schema's
/// CHECK constraint should have refused it, so the database and the code disagree.
/// The project's status. Typed in the entity, so an unknown stored word is already refused when
/// the row is read; kept as a function so callers read one way.
pub fn of(p: &projects::Model) -> Result<Status> {
    Ok(p.status)
}

/// The typed source of a checked source word (`invalid_source` otherwise).
pub fn source_of(word: &str) -> Result<Source> {
    Source::parse_str(word).ok_or_else(|| {
        Error::invalid_field(
            crate::error::ErrorCode::InvalidSource,
            "source",
            "source is deputy, public or department",
        )
    })
}

/// A draft vote drew these projects as candidates (候选项目).
pub async fn mark_candidates(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<()> {
    projects::Entity::update_many()
        .col_expr(
            projects::Column::Status,
            Expr::value(Status::Candidate.as_str()),
        )
        .col_expr(projects::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(projects::Column::Id.is_in(ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

/// A draft vote dropped these candidates: they go back to being proposals.
pub async fn withdraw_candidates(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<()> {
    projects::Entity::update_many()
        .col_expr(
            projects::Column::Status,
            Expr::value(Status::Proposed.as_str()),
        )
        .filter(projects::Column::Id.is_in(ids.to_vec()))
        .filter(projects::Column::Status.eq(Status::Candidate.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// A published vote settles its candidates: the adopted become 正式项目, the others return to the
/// reserve (储备库). Candidates waiting for a runoff are in neither list and stay candidates.
pub async fn settle(
    db: &impl ConnectionTrait,
    adopted: &[Uuid],
    reserve: &[Uuid],
    now: DateTime<Utc>,
) -> Result<()> {
    for (ids, status) in [(adopted, Status::Adopted), (reserve, Status::Reserve)] {
        projects::Entity::update_many()
            .col_expr(projects::Column::Status, Expr::value(status.as_str()))
            .col_expr(projects::Column::UpdatedAt, Expr::value(now))
            .filter(projects::Column::Id.is_in(ids.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}
