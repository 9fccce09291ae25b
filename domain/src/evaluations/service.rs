//! Running a rating round: draft → open (quorum) → closed → published. Who rated
//! (`evaluation_participation`) and what was rated (`evaluation_ballots`) are stored apart, keyed so
//! that storage order does not follow the order of rating, and rewritten at close, as for votes.

use crate::error::ErrorCode;
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::grade::{Counts, Grade, Rating, grade};
use crate::{
    Actor, Role, db,
    entities::{
        congress_sessions, evaluation_ballots, evaluation_participation, evaluation_projects,
        evaluations, projects,
    },
    error::{Error, Result},
    projects::status as project_status,
    sessions,
    text::parse_text,
    tokens,
    votes::{
        rules::{ThresholdBase, present_for_round},
        service::VoteStatus,
    },
    with_retry,
};

#[derive(Debug, Clone)]
pub struct EvaluationView {
    pub evaluation: evaluations::Model,
    pub status: VoteStatus,
    pub projects: Vec<projects::Model>,
    pub entitled: u32,
    pub present: u32,
    pub ballots_cast: u32,
}

#[derive(Debug, Clone)]
pub struct ProjectRating {
    pub project: projects::Model,
    pub counts: Counts,
    pub satisfaction_permille: Option<u32>,
    pub grade: Grade,
}

#[derive(Debug, Clone)]
pub struct EvaluationResults {
    pub view: EvaluationView,
    /// The number the grade's "more than half" is taken of.
    pub base: u32,
    pub not_voted: u32,
    pub projects: Vec<ProjectRating>,
}

/// One published rating round of one project.
#[derive(Debug, Clone)]
pub struct GradeRecord {
    pub evaluation_id: Uuid,
    pub title: String,
    pub published_at: DateTime<Utc>,
    pub counts: Counts,
    pub grade: Grade,
}

impl GradeRecord {
    pub fn grade_str(&self) -> &'static str {
        match self.grade {
            Rating::Satisfied => "satisfied",
            Rating::BasicallySatisfied => "basically_satisfied",
            Rating::Unsatisfied => "unsatisfied",
        }
    }
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<evaluations::Model> {
    evaluations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("evaluation"))
}

async fn project_ids(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>> {
    Ok(evaluation_projects::Entity::find()
        .filter(evaluation_projects::Column::EvaluationId.eq(id))
        .order_by_asc(evaluation_projects::Column::Position)
        .select_only()
        .column(evaluation_projects::Column::ProjectId)
        .into_tuple()
        .all(db)
        .await?)
}

/// 实到 counted now: deputies marked present plus those who rated in this round and were marked
/// absent since (the same rule as a vote's, [`present_for_round`]).
async fn present_now(db: &impl ConnectionTrait, e: &evaluations::Model) -> Result<u32> {
    let rated: Vec<Uuid> = evaluation_participation::Entity::find()
        .filter(evaluation_participation::Column::EvaluationId.eq(e.id))
        .select_only()
        .column(evaluation_participation::Column::DeputyId)
        .into_tuple()
        .all(db)
        .await?;
    let marked = sessions::present_deputies(db, e.session_id).await?;
    Ok(present_for_round(&marked, &rated))
}

async fn view(db: &impl ConnectionTrait, e: evaluations::Model) -> Result<EvaluationView> {
    let ids = project_ids(db, e.id).await?;
    let mut ps = projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    ps.sort_by_key(|p| ids.iter().position(|i| *i == p.id));
    let ballots_cast = evaluation_participation::Entity::find()
        .filter(evaluation_participation::Column::EvaluationId.eq(e.id))
        .count(db)
        .await? as u32;
    let entitled = match e.roster_at_open {
        Some(n) => n as u32,
        None => sessions::counts(db, e.session_id).await?.0,
    };
    let present = match e.present_at_close {
        Some(n) => n as u32,
        None => present_now(db, &e).await?,
    };
    Ok(EvaluationView {
        status: e.status,
        entitled,
        present,
        ballots_cast,
        projects: ps,
        evaluation: e,
    })
}

pub struct EvaluationDraft {
    pub title: String,
    pub project_ids: Vec<Uuid>,
    pub threshold_base: ThresholdBase,
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
    d: EvaluationDraft,
) -> Result<EvaluationView> {
    actor.require_admin()?;
    let title = parse_text("title", &d.title, 200)?;
    if d.threshold_base == ThresholdBase::None {
        return Err(Error::invalid_field(
            ErrorCode::InvalidThresholdBase,
            "threshold_base",
            "a rating's grade needs a base",
        ));
    }
    let mut ids = d.project_ids.clone();
    ids.sort();
    ids.dedup();
    if ids.is_empty() || ids.len() != d.project_ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::InvalidProjects,
            "project_ids",
            "name each project to rate once",
        ));
    }
    let txn = db::begin_write(db).await?;
    congress_sessions::Entity::find_by_id(session_id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    let found = projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids.clone()))
        .all(&txn)
        .await?;
    if found.len() != ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownProject,
            "project_ids",
            "some ids are not projects",
        ));
    }
    let mut all_public = true;
    for p in &found {
        all_public &= project_status::of(p)?.is_public();
    }
    if !all_public {
        return Err(Error::invalid_field(
            ErrorCode::ProjectNotAdopted,
            "project_ids",
            "only adopted projects are rated",
        ));
    }
    let e = evaluations::ActiveModel {
        id: Set(Uuid::new_v4()),
        session_id: Set(session_id),
        title: Set(title),
        threshold_base: Set(d.threshold_base),
        status: Set(VoteStatus::Draft),
        roster_at_open: Set(None),
        present_at_close: Set(None),
        opened_at: Set(None),
        closed_at: Set(None),
        published_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let rows = d
        .project_ids
        .iter()
        .enumerate()
        .map(|(i, &p)| evaluation_projects::ActiveModel {
            evaluation_id: Set(e.id),
            project_id: Set(p),
            position: Set(i as i32),
        });
    evaluation_projects::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    view(db, e).await
}

pub async fn get(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<EvaluationView> {
    let e = find(db, id).await?;
    if actor.is_none() && e.status != VoteStatus::Published {
        return Err(Error::unauthenticated(
            ErrorCode::MissingToken,
            "log in to see a rating before it is published",
        ));
    }
    view(db, e).await
}

pub async fn list_for_session(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
) -> Result<Vec<EvaluationView>> {
    if actor.role == Role::Department {
        return Err(Error::forbidden(
            ErrorCode::Forbidden,
            "ratings are read by admins and deputies",
        ));
    }
    let rows = evaluations::Entity::find()
        .filter(evaluations::Column::SessionId.eq(session_id))
        .order_by_asc(evaluations::Column::CreatedAt)
        .order_by_asc(evaluations::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for e in rows {
        out.push(view(db, e).await?);
    }
    Ok(out)
}

pub async fn open(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<EvaluationView> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    // Locked: two admins opening at once are serialized on the row.
    let e = db::find_locked::<evaluations::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("evaluation"))?;
    if e.status != VoteStatus::Draft {
        return Err(Error::conflict(
            ErrorCode::VoteNotDraft,
            "only a draft rating can be opened",
        ));
    }
    let session = db::find_locked::<congress_sessions::Entity>(&txn, e.session_id)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    let s = sessions::summary(&txn, session).await?;
    if !s.quorum_met {
        return Err(Error::conflict(
            ErrorCode::QuorumNotMet,
            format!(
                "{} of {} deputies present; opening needs {}",
                s.present, s.roster_size, s.quorum_needed
            ),
        ));
    }
    let mut row: evaluations::ActiveModel = e.into();
    row.status = Set(VoteStatus::Open);
    row.roster_at_open = Set(Some(s.roster_size as i32));
    row.opened_at = Set(Some(Utc::now()));
    let e = row.update(&txn).await?;
    txn.commit().await?;
    view(db, e).await
}

pub async fn close(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<EvaluationView> {
    actor.require_admin()?;
    let e = with_retry!(close_once(db, id).await)?;
    db::compact_after_close(db, &["evaluation_ballots", "evaluation_participation"]).await;
    view(db, e).await
}

async fn close_once(db: &DatabaseConnection, id: Uuid) -> Result<evaluations::Model> {
    let txn = db::begin_write(db).await?;
    let closed = evaluations::Entity::update_many()
        .col_expr(
            evaluations::Column::Status,
            Expr::value(VoteStatus::Closed.as_str()),
        )
        .col_expr(evaluations::Column::ClosedAt, Expr::value(Utc::now()))
        .filter(evaluations::Column::Id.eq(id))
        .filter(evaluations::Column::Status.eq(VoteStatus::Open))
        .exec(&txn)
        .await?;
    if closed.rows_affected != 1 {
        find(&txn, id).await?;
        return Err(Error::conflict(
            ErrorCode::VoteNotOpen,
            "only an open rating can be closed",
        ));
    }
    // 实到 is fixed now, once every rating is in (see votes::service::close).
    let present = present_now(&txn, &find(&txn, id).await?).await?;
    evaluations::Entity::update_many()
        .col_expr(
            evaluations::Column::PresentAtClose,
            Expr::value(present as i32),
        )
        .filter(evaluations::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    // Rewrite both halves in key order (see votes::service::close).
    db::rewrite_in_key_order::<evaluation_ballots::Entity>(
        &txn,
        Condition::all().add(evaluation_ballots::Column::EvaluationId.eq(id)),
        evaluation_ballots::Column::Receipt,
    )
    .await?;
    db::rewrite_in_key_order::<evaluation_participation::Entity>(
        &txn,
        Condition::all().add(evaluation_participation::Column::EvaluationId.eq(id)),
        evaluation_participation::Column::DeputyId,
    )
    .await?;
    let e = find(&txn, id).await?;
    txn.commit().await?;
    Ok(e)
}

pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<EvaluationResults> {
    actor.require_admin()?;
    let updated = evaluations::Entity::update_many()
        .col_expr(
            evaluations::Column::Status,
            Expr::value(VoteStatus::Published.as_str()),
        )
        .col_expr(evaluations::Column::PublishedAt, Expr::value(Utc::now()))
        .filter(evaluations::Column::Id.eq(id))
        .filter(evaluations::Column::Status.eq(VoteStatus::Closed))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        find(db, id).await?;
        return Err(Error::conflict(
            ErrorCode::VoteNotClosed,
            "only a closed rating can be published",
        ));
    }
    results(db, Some(actor), id).await
}

/// Checks a rating ballot: every project of the round rated exactly once, nothing else.
pub fn parse_ratings(
    projects: &[Uuid],
    ratings: Vec<(Uuid, Rating)>,
) -> Result<BTreeMap<Uuid, Rating>> {
    let known: HashSet<&Uuid> = projects.iter().collect();
    let mut out = BTreeMap::new();
    for (p, r) in ratings {
        if !known.contains(&p) {
            return Err(Error::invalid_field(
                ErrorCode::UnknownCandidate,
                "ratings",
                format!("{p} is not rated in this round"),
            ));
        }
        if out.insert(p, r).is_some() {
            return Err(Error::invalid_field(
                ErrorCode::DuplicateMark,
                "ratings",
                format!("{p} is rated twice"),
            ));
        }
    }
    if out.len() != projects.len() {
        return Err(Error::invalid_field(
            ErrorCode::IncompleteBallot,
            "ratings",
            "rate every project of this round",
        ));
    }
    Ok(out)
}

pub async fn cast(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    ratings: Vec<(Uuid, Rating)>,
) -> Result<String> {
    let deputy_id = actor.require_deputy()?;
    with_retry!(cast_once(db, deputy_id, id, ratings.clone()).await)
}

async fn cast_once(
    db: &DatabaseConnection,
    deputy_id: Uuid,
    id: Uuid,
    ratings: Vec<(Uuid, Rating)>,
) -> Result<String> {
    let txn = db::begin_write(db).await?;
    let mut q = evaluations::Entity::find_by_id(id);
    if db.get_database_backend() == DbBackend::Postgres {
        q = q.lock_shared();
    }
    let e = q
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("evaluation"))?;
    if e.status != VoteStatus::Open {
        return Err(Error::conflict(
            ErrorCode::VoteNotOpen,
            format!("the rating is {}, not open", e.status),
        ));
    }
    let ballot = parse_ratings(&project_ids(&txn, id).await?, ratings)?;
    sessions::require_present(&txn, e.session_id, deputy_id).await?;
    let who = evaluation_participation::ActiveModel {
        evaluation_id: Set(id),
        deputy_id: Set(deputy_id),
    };
    if let Err(err) = evaluation_participation::Entity::insert(who)
        .exec_without_returning(&txn)
        .await
    {
        return Err(if db::is_unique_violation(&err) {
            Error::conflict(
                ErrorCode::AlreadyVoted,
                "you have already rated in this round",
            )
        } else {
            err.into()
        });
    }
    let receipt = tokens::random_hex(16);
    evaluation_ballots::ActiveModel {
        evaluation_id: Set(id),
        receipt: Set(receipt.clone()),
        content: Set(serde_json::to_string(&ballot).map_err(|e| Error::Internal(e.to_string()))?),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(receipt)
}

async fn count(
    db: &impl ConnectionTrait,
    e: &evaluations::Model,
) -> Result<(u32, BTreeMap<Uuid, Counts>)> {
    let stored = evaluation_ballots::Entity::find()
        .filter(evaluation_ballots::Column::EvaluationId.eq(e.id))
        .all(db)
        .await?;
    let mut counts: BTreeMap<Uuid, Counts> = BTreeMap::new();
    for b in &stored {
        let ballot: BTreeMap<Uuid, Rating> = serde_json::from_str(&b.content)
            .map_err(|err| Error::Internal(format!("stored rating unreadable: {err}")))?;
        for (p, r) in ballot {
            counts.entry(p).or_default().add(r);
        }
    }
    Ok((stored.len() as u32, counts))
}

fn base_of(e: &evaluations::Model, roster: u32, present: u32, cast: u32) -> u32 {
    match e.threshold_base {
        ThresholdBase::AllDeputies | ThresholdBase::None => roster,
        ThresholdBase::Present => present,
        ThresholdBase::BallotsCast => cast,
    }
}

/// Results: admins once closed, everyone once published.
pub async fn results(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<EvaluationResults> {
    let e = find(db, id).await?;
    match e.status {
        VoteStatus::Published => {}
        VoteStatus::Closed if actor.is_some_and(|a| a.role == Role::Admin) => {}
        VoteStatus::Closed => {
            return Err(Error::conflict(
                ErrorCode::ResultsNotPublished,
                "results are public once published",
            ));
        }
        _ => {
            return Err(Error::conflict(
                ErrorCode::VoteNotClosed,
                "there are no results before the rating closes",
            ));
        }
    }
    let view = view(db, e.clone()).await?;
    let (cast, counts) = count(db, &e).await?;
    let base = base_of(&e, view.entitled, view.present, cast);
    let projects = view
        .projects
        .iter()
        .map(|p| {
            let c = counts.get(&p.id).copied().unwrap_or_default();
            ProjectRating {
                project: p.clone(),
                satisfaction_permille: c.satisfaction_permille(),
                grade: grade(&c, base),
                counts: c,
            }
        })
        .collect();
    Ok(EvaluationResults {
        base,
        not_voted: view.present.saturating_sub(cast),
        projects,
        view,
    })
}

/// The published rating rounds of a project, oldest first; the last is its current grade.
pub async fn grades_of(db: &impl ConnectionTrait, project_id: Uuid) -> Result<Vec<GradeRecord>> {
    let ids: Vec<Uuid> = evaluation_projects::Entity::find()
        .filter(evaluation_projects::Column::ProjectId.eq(project_id))
        .select_only()
        .column(evaluation_projects::Column::EvaluationId)
        .into_tuple()
        .all(db)
        .await?;
    let rounds = evaluations::Entity::find()
        .filter(evaluations::Column::Id.is_in(ids))
        .filter(evaluations::Column::Status.eq(VoteStatus::Published))
        .order_by_asc(evaluations::Column::PublishedAt)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for e in rounds {
        let (cast, counts) = count(db, &e).await?;
        let (roster, present) = (
            e.roster_at_open.unwrap_or(0) as u32,
            e.present_at_close.unwrap_or(0) as u32,
        );
        let c = counts.get(&project_id).copied().unwrap_or_default();
        out.push(GradeRecord {
            evaluation_id: e.id,
            grade: grade(&c, base_of(&e, roster, present, cast)),
            title: e.title,
            published_at: e.published_at.unwrap_or(e.created_at),
            counts: c,
        });
    }
    Ok(out)
}
