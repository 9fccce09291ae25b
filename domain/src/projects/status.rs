//! The project lifecycle (proposed → candidate → adopted or reserve → in progress → completed):
//! the status, which moves are allowed, and the writes that make the moves other areas own (a vote
//! draws candidates and settles them at publication). Votes, follow-up and ratings call here; this
//! module calls none of them.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::{entities::projects, error::Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Proposed,
    Candidate,
    Adopted,
    Reserve,
    InProgress,
    Completed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Proposed,
        Status::Candidate,
        Status::Adopted,
        Status::Reserve,
        Status::InProgress,
        Status::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Candidate => "candidate",
            Status::Adopted => "adopted",
            Status::Reserve => "reserve",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

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

/// Where a proposal came from (征集).
pub const SOURCES: [&str; 3] = ["deputy", "public", "department"];

/// The status of a stored project.
pub fn of(p: &projects::Model) -> Status {
    Status::parse(&p.status).unwrap_or(Status::Proposed)
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
