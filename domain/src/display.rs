//! The hall's big screen (大屏): read-only display links the congress office hands to a projector,
//! and the one snapshot a screen shows — attendance and quorum, the turnout of an open vote (counts
//! only, never contents), and the results once published.
//!
//! A link is an unguessable token (256 bits); only its SHA-256 is stored. The office can revoke a
//! session's links at once.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    Actor, ballot_box,
    entities::{congress_sessions, display_links, evaluations, votes},
    error::{Error, Result},
    evaluations::{grade::Rating, service as rating_service},
    sessions,
    votes::{
        service::{self as vote_service, VoteStatus},
        tally::Outcome,
    },
};

/// Creates a display link for a session (admin) and returns its token, shown once.
pub async fn create_link(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
) -> Result<String> {
    actor.require_admin()?;
    congress_sessions::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    let token = crate::tokens::random_hex(32);
    display_links::ActiveModel {
        token_digest: Set(crate::tokens::digest(&token)),
        session_id: Set(session_id),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Revokes every live display link of a session (admin); returns how many were revoked.
pub async fn revoke_links(db: &DatabaseConnection, actor: &Actor, session_id: Uuid) -> Result<u64> {
    actor.require_admin()?;
    let done = display_links::Entity::update_many()
        .col_expr(display_links::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(display_links::Column::SessionId.eq(session_id))
        .filter(display_links::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Checks a display token for a session. Refused as `not_found` (revealing nothing) when the token
/// is unknown, revoked or belongs to another session.
pub async fn check_link(db: &DatabaseConnection, session_id: Uuid, token: &str) -> Result<()> {
    let refused = || Error::not_found("display link");
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refused());
    }
    let row = display_links::Entity::find_by_id(crate::tokens::digest(token))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    if row.session_id != session_id || row.revoked_at.is_some() {
        return Err(refused());
    }
    Ok(())
}

/// One candidate's line in a published result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreenCandidate {
    pub title: String,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub passed: bool,
    pub adopted: bool,
}

/// One project's line in a published rating round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreenGrade {
    pub title: String,
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
    /// (satisfied + basically satisfied) / ratings cast, per mille.
    pub satisfaction_permille: Option<u32>,
    /// `satisfied`, `basically_satisfied` or `unsatisfied`.
    pub grade: &'static str,
}

/// The vote or rating round a screen shows: the open one, else the one being counted, else the
/// last published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreenVote {
    /// `vote` or `rating` (满意度测评).
    pub kind: &'static str,
    pub title: String,
    /// `open`, `closed` or `published`.
    pub status: &'static str,
    pub ballots_cast: u32,
    pub present: u32,
    pub required_yes: Option<u32>,
    /// Published votes only.
    pub candidates: Vec<ScreenCandidate>,
    /// Published votes only: `decided`, `runoff_required` or `seats_unfilled`.
    pub outcome: Option<&'static str>,
    /// Published rating rounds only: every project's counts and grade.
    pub grades: Vec<ScreenGrade>,
}

/// What the big screen shows, as one value (it is sent whole on every change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub session_name: String,
    /// 应到.
    pub roster: u32,
    /// 实到.
    pub present: u32,
    /// 法定人数.
    pub quorum_needed: u32,
    pub quorum_met: bool,
    pub vote: Option<ScreenVote>,
}

/// The snapshot of a session now: a handful of queries, whatever the number of screens.
pub async fn snapshot(db: &DatabaseConnection, session_id: Uuid) -> Result<Snapshot> {
    let session = congress_sessions::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    let summary = sessions::summary(db, session).await?;
    let rows = votes::Entity::find()
        .filter(votes::Column::SessionId.eq(session_id))
        .filter(votes::Column::Status.ne(VoteStatus::Draft))
        .order_by_desc(votes::Column::OpenedAt)
        .all(db)
        .await?;
    let focus = rows
        .iter()
        .find(|v| v.status == VoteStatus::Open)
        .or_else(|| rows.iter().find(|v| v.status == VoteStatus::Closed))
        .or_else(|| {
            rows.iter()
                .filter(|v| v.status == VoteStatus::Published)
                .max_by_key(|v| v.published_at)
        });
    let ratings = evaluations::Entity::find()
        .filter(evaluations::Column::SessionId.eq(session_id))
        .filter(evaluations::Column::Status.ne(VoteStatus::Draft))
        .order_by_desc(evaluations::Column::OpenedAt)
        .all(db)
        .await?;
    // An open round of either kind comes first, then one being counted, then the one published
    // last; a vote before a rating round at the same stage.
    let rating_focus = ratings
        .iter()
        .find(|e| e.status == VoteStatus::Open)
        .or_else(|| ratings.iter().find(|e| e.status == VoteStatus::Closed))
        .or_else(|| {
            ratings
                .iter()
                .filter(|e| e.status == VoteStatus::Published)
                .max_by_key(|e| e.published_at)
        });
    let stage = |s: VoteStatus| match s {
        VoteStatus::Open => 0,
        VoteStatus::Closed => 1,
        _ => 2,
    };
    let rating_first = match (focus, rating_focus) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(v), Some(e)) => {
            stage(e.status) < stage(v.status)
                || (stage(e.status) == 2 && stage(v.status) == 2 && e.published_at > v.published_at)
        }
    };
    let vote = match focus {
        _ if rating_first => match rating_focus {
            Some(e) => Some(rating_on_screen(db, e).await?),
            None => None,
        },
        None => None,
        Some(v) if v.status == VoteStatus::Published => {
            let r = vote_service::results(db, None, v.id).await?;
            let candidates = r
                .tally
                .candidates
                .iter()
                .map(|c| ScreenCandidate {
                    title: r
                        .view
                        .candidates
                        .iter()
                        .find(|p| p.id == c.project_id)
                        .map(|p| p.title.clone())
                        .unwrap_or_default(),
                    yes: c.yes,
                    no: c.no,
                    abstain: c.abstain,
                    passed: c.passed,
                    adopted: c.adopted,
                })
                .collect();
            Some(ScreenVote {
                kind: "vote",
                title: v.title.clone(),
                status: "published",
                ballots_cast: r.tally.ballots_cast,
                present: r.tally.present,
                required_yes: Some(r.tally.required_yes),
                candidates,
                outcome: Some(match r.tally.outcome {
                    Outcome::Decided => "decided",
                    Outcome::RunoffRequired { .. } => "runoff_required",
                    Outcome::SeatsUnfilled { .. } => "seats_unfilled",
                }),
                grades: Vec::new(),
            })
        }
        Some(v) => {
            let view = vote_service::turnout(db, v.clone()).await?;
            Some(ScreenVote {
                kind: "vote",
                title: v.title.clone(),
                status: if v.status == VoteStatus::Open {
                    "open"
                } else {
                    "closed"
                },
                ballots_cast: view.ballots_cast,
                present: view.present,
                required_yes: None,
                candidates: Vec::new(),
                outcome: None,
                grades: Vec::new(),
            })
        }
    };
    Ok(Snapshot {
        session_name: summary.session.name.clone(),
        roster: summary.roster_size,
        present: summary.present,
        quorum_needed: summary.quorum_needed,
        quorum_met: summary.quorum_met,
        vote,
    })
}

/// A rating round on the screen: while open, 已投票 x / 实到 y as for a vote; once published, each
/// project's counts and grade. Counts only, never a ballot.
async fn rating_on_screen(db: &DatabaseConnection, e: &evaluations::Model) -> Result<ScreenVote> {
    if e.status == VoteStatus::Published {
        let r = rating_service::results(db, None, e.id).await?;
        let grades = r
            .projects
            .iter()
            .map(|p| ScreenGrade {
                title: p.project.title.clone(),
                satisfied: p.counts.satisfied,
                basically_satisfied: p.counts.basically_satisfied,
                unsatisfied: p.counts.unsatisfied,
                satisfaction_permille: p.satisfaction_permille,
                grade: match p.grade {
                    Rating::Satisfied => "satisfied",
                    Rating::BasicallySatisfied => "basically_satisfied",
                    Rating::Unsatisfied => "unsatisfied",
                },
            })
            .collect();
        return Ok(ScreenVote {
            kind: "rating",
            title: e.title.clone(),
            status: "published",
            ballots_cast: r.view.ballots_cast,
            present: r.view.present,
            required_yes: None,
            candidates: Vec::new(),
            outcome: None,
            grades,
        });
    }
    let cast = ballot_box::ballots_cast::<rating_service::RatingBox>(db, e.id).await?;
    let (_, present) = ballot_box::entitled_and_present::<rating_service::RatingBox>(db, e).await?;
    Ok(ScreenVote {
        kind: "rating",
        title: e.title.clone(),
        status: if e.status == VoteStatus::Open {
            "open"
        } else {
            "closed"
        },
        ballots_cast: cast,
        present,
        required_yes: None,
        candidates: Vec::new(),
        outcome: None,
        grades: Vec::new(),
    })
}
