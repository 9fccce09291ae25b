//! Running a rating round: draft → open (quorum) → closed → published. The round is kept in the
//! shared [`ballot_box`](crate::ballot_box) like a vote: who rated (`evaluation_participation`) and
//! what was rated (`evaluation_ballots`) are stored apart, keyed so that storage order does not
//! follow the order of rating, and rewritten at close. What is a rating's own lives here: the
//! ballot (every project and subject of the round rated once) and the grade rule. A round rates
//! adopted projects, and the other subjects of 履职评议 ([`super::subjects`]: an official's
//! report, a department's work report, the handling of suggestions), each graded by the same
//! rule on the same base.

use crate::error::ErrorCode;
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::grade::{Counts, Grade, Rating, grade};
use crate::{
    Actor,
    ballot_box::{self, BallotBox},
    db,
    entities::{
        congress_sessions, evaluation_ballots, evaluation_participation, evaluation_projects,
        evaluation_subjects, evaluations, projects, rating_subjects,
    },
    error::{Error, Result},
    projects::status as project_status,
    sessions,
    text::parse_text,
    vocabulary::{ThresholdBase, VoteStatus},
    with_retry,
};

#[derive(Debug, Clone)]
pub struct EvaluationView {
    pub evaluation: evaluations::Model,
    pub status: VoteStatus,
    pub projects: Vec<projects::Model>,
    /// The other subjects, rated after the projects.
    pub subjects: Vec<rating_subjects::Model>,
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

/// A subject's rating in a round.
#[derive(Debug, Clone)]
pub struct SubjectRating {
    pub subject: rating_subjects::Model,
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
    pub subjects: Vec<SubjectRating>,
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

/// Rating rounds in the shared ballot box: `evaluations`, `evaluation_participation`,
/// `evaluation_ballots`.
pub(crate) struct RatingBox;

impl BallotBox for RatingBox {
    type Round = evaluations::Model;
    const NOUN: &'static str = "rating round";
    const KIND: &'static str = "evaluation";
    const EVENTS: [crate::vocabulary::EventType; 3] = [
        crate::vocabulary::EventType::EvaluationOpened,
        crate::vocabulary::EventType::EvaluationClosed,
        crate::vocabulary::EventType::EvaluationPublished,
    ];
    const TABLES: [&'static str; 2] = ["evaluation_ballots", "evaluation_participation"];

    fn id(r: &evaluations::Model) -> Uuid {
        r.id
    }
    fn session_id(r: &evaluations::Model) -> Uuid {
        r.session_id
    }
    fn status(r: &evaluations::Model) -> VoteStatus {
        r.status
    }
    fn roster_at_open(r: &evaluations::Model) -> Option<i32> {
        r.roster_at_open
    }
    fn present_at_close(r: &evaluations::Model) -> Option<i32> {
        r.present_at_close
    }
    async fn find(
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<evaluations::Model>, DbErr> {
        evaluations::Entity::find_by_id(id).one(db).await
    }
    async fn find_locked(
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> Result<Option<evaluations::Model>, DbErr> {
        db::find_locked::<evaluations::Entity>(txn, id).await
    }
    async fn find_shared(
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> Result<Option<evaluations::Model>, DbErr> {
        let mut q = evaluations::Entity::find_by_id(id);
        if txn.get_database_backend() == DbBackend::Postgres {
            q = q.lock_shared();
        }
        q.one(txn).await
    }
    async fn participants(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>, DbErr> {
        evaluation_participation::Entity::find()
            .filter(evaluation_participation::Column::EvaluationId.eq(id))
            .select_only()
            .column(evaluation_participation::Column::DeputyId)
            .into_tuple()
            .all(db)
            .await
    }
    async fn insert_participation(
        txn: &DatabaseTransaction,
        id: Uuid,
        deputy_id: Uuid,
    ) -> Result<(), DbErr> {
        evaluation_participation::Entity::insert(evaluation_participation::ActiveModel {
            evaluation_id: Set(id),
            deputy_id: Set(deputy_id),
        })
        .exec_without_returning(txn)
        .await
        .map(|_| ())
    }
    async fn move_status(
        txn: &impl ConnectionTrait,
        id: Uuid,
        from: VoteStatus,
        to: VoteStatus,
        at: DateTime<Utc>,
    ) -> Result<u64, DbErr> {
        let stamp = match to {
            VoteStatus::Open => evaluations::Column::OpenedAt,
            VoteStatus::Published => evaluations::Column::PublishedAt,
            VoteStatus::Draft | VoteStatus::Closed => evaluations::Column::ClosedAt,
        };
        Ok(evaluations::Entity::update_many()
            .col_expr(evaluations::Column::Status, Expr::value(to.as_str()))
            .col_expr(stamp, Expr::value(at))
            .filter(evaluations::Column::Id.eq(id))
            .filter(evaluations::Column::Status.eq(from))
            .exec(txn)
            .await?
            .rows_affected)
    }
    async fn mark_open(
        txn: &DatabaseTransaction,
        e: evaluations::Model,
        s: &sessions::SessionSummary,
        at: DateTime<Utc>,
    ) -> Result<evaluations::Model, DbErr> {
        let mut row: evaluations::ActiveModel = e.into();
        row.status = Set(VoteStatus::Open);
        row.roster_at_open = Set(Some(s.roster_size as i32));
        row.opened_at = Set(Some(at));
        row.update(txn).await
    }
    async fn set_present_at_close(
        txn: &DatabaseTransaction,
        id: Uuid,
        present: u32,
    ) -> Result<(), DbErr> {
        evaluations::Entity::update_many()
            .col_expr(
                evaluations::Column::PresentAtClose,
                Expr::value(present as i32),
            )
            .filter(evaluations::Column::Id.eq(id))
            .exec(txn)
            .await
            .map(|_| ())
    }
    async fn rewrite_in_key_order(txn: &DatabaseTransaction, id: Uuid) -> Result<(), DbErr> {
        db::rewrite_in_key_order::<evaluation_ballots::Entity>(
            txn,
            Condition::all().add(evaluation_ballots::Column::EvaluationId.eq(id)),
            evaluation_ballots::Column::Receipt,
        )
        .await?;
        db::rewrite_in_key_order::<evaluation_participation::Entity>(
            txn,
            Condition::all().add(evaluation_participation::Column::EvaluationId.eq(id)),
            evaluation_participation::Column::DeputyId,
        )
        .await
    }
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<evaluations::Model> {
    ballot_box::find::<RatingBox>(db, id).await
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

async fn subject_ids(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>> {
    Ok(evaluation_subjects::Entity::find()
        .filter(evaluation_subjects::Column::EvaluationId.eq(id))
        .order_by_asc(evaluation_subjects::Column::Position)
        .select_only()
        .column(evaluation_subjects::Column::SubjectId)
        .into_tuple()
        .all(db)
        .await?)
}

/// What a ballot rates: the round's projects, then its subjects.
async fn rated_ids(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>> {
    let mut ids = project_ids(db, id).await?;
    ids.extend(subject_ids(db, id).await?);
    Ok(ids)
}

async fn view(db: &impl ConnectionTrait, e: evaluations::Model) -> Result<EvaluationView> {
    let ids = project_ids(db, e.id).await?;
    let mut ps = projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    ps.sort_by_key(|p| ids.iter().position(|i| *i == p.id));
    let sids = subject_ids(db, e.id).await?;
    let mut subjects = rating_subjects::Entity::find()
        .filter(rating_subjects::Column::Id.is_in(sids.clone()))
        .all(db)
        .await?;
    subjects.sort_by_key(|x| sids.iter().position(|i| *i == x.id));
    let ballots_cast = ballot_box::ballots_cast::<RatingBox>(db, e.id).await?;
    let (entitled, present) = ballot_box::entitled_and_present::<RatingBox>(db, &e).await?;
    Ok(EvaluationView {
        status: e.status,
        entitled,
        present,
        ballots_cast,
        projects: ps,
        subjects,
        evaluation: e,
    })
}

pub struct EvaluationDraft {
    pub title: String,
    pub project_ids: Vec<Uuid>,
    /// Officials' and work reports to rate ([`super::subjects`]); a round names at least one
    /// project or subject.
    pub subject_ids: Vec<Uuid>,
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
    let mut sids = d.subject_ids.clone();
    sids.sort();
    sids.dedup();
    if (ids.is_empty() && sids.is_empty())
        || ids.len() != d.project_ids.len()
        || sids.len() != d.subject_ids.len()
    {
        return Err(Error::invalid_field(
            ErrorCode::InvalidProjects,
            "project_ids",
            "name each project or subject to rate once, at least one",
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
    let found_subjects = rating_subjects::Entity::find()
        .filter(rating_subjects::Column::Id.is_in(sids.clone()))
        .count(&txn)
        .await?;
    if found_subjects as usize != sids.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownSubject,
            "subject_ids",
            "some ids are not rating subjects",
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
    if !d.project_ids.is_empty() {
        evaluation_projects::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    for (i, &sid) in d.subject_ids.iter().enumerate() {
        evaluation_subjects::ActiveModel {
            evaluation_id: Set(e.id),
            subject_id: Set(sid),
            position: Set(i as i32),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("evaluation.create", "evaluation", e.id).with(serde_json::json!({
            "session_id": session_id, "title": e.title,
            "threshold_base": e.threshold_base.as_str(), "project_ids": d.project_ids,
            "subject_ids": d.subject_ids,
        })),
    )
    .await?;
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(
            crate::vocabulary::EventType::EvaluationDrafted,
            "evaluation",
            e.id,
        )
        .with(serde_json::json!({"session_id": session_id, "title": e.title})),
    )
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
    ballot_box::require_visible::<RatingBox>(&e, actor)?;
    view(db, e).await
}

pub async fn list_for_session(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
) -> Result<Vec<EvaluationView>> {
    ballot_box::require_reader(actor, "ratings")?;
    ballot_box::require_session(db, session_id).await?;
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

/// Opens a draft round (quorum required, roster frozen), as a vote opens.
pub async fn open(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<EvaluationView> {
    actor.require_admin()?;
    let e = ballot_box::open::<RatingBox>(db, actor, id).await?;
    view(db, e).await
}

/// Closes an open round: 实到 fixed, both halves rewritten in key order, as a vote closes.
pub async fn close(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<EvaluationView> {
    actor.require_admin()?;
    let e = ballot_box::close::<RatingBox>(db, actor, id).await?;
    view(db, e).await
}

/// Publishes a closed round; its grades then count on each project's follow-up.
pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<EvaluationResults> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    ballot_box::begin_publish::<RatingBox>(&txn, id).await?;
    ballot_box::mark_published::<RatingBox>(&txn, actor, id, Utc::now()).await?;
    txn.commit().await?;
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
            "rate every project and subject of this round",
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
    let e = ballot_box::begin_cast::<RatingBox>(&txn, id).await?;
    let ballot = parse_ratings(&rated_ids(&txn, id).await?, ratings)?;
    let receipt = ballot_box::admit::<RatingBox>(&txn, &e, deputy_id).await?;
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
    ballot_box::require_results_readable::<RatingBox>(&e, actor)?;
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
    let subjects = view
        .subjects
        .iter()
        .map(|x| {
            let c = counts.get(&x.id).copied().unwrap_or_default();
            SubjectRating {
                subject: x.clone(),
                satisfaction_permille: c.satisfaction_permille(),
                grade: grade(&c, base),
                counts: c,
            }
        })
        .collect();
    Ok(EvaluationResults {
        base,
        subjects,
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
    grades_in(db, ids, project_id).await
}

/// The published rating rounds of a subject, oldest first; the last is its current grade.
pub async fn grades_of_subject(
    db: &impl ConnectionTrait,
    subject_id: Uuid,
) -> Result<Vec<GradeRecord>> {
    let ids: Vec<Uuid> = evaluation_subjects::Entity::find()
        .filter(evaluation_subjects::Column::SubjectId.eq(subject_id))
        .select_only()
        .column(evaluation_subjects::Column::EvaluationId)
        .into_tuple()
        .all(db)
        .await?;
    grades_in(db, ids, subject_id).await
}

/// The grade of what `rated` names (a project or a subject) in each published round of `ids`.
async fn grades_in(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
    rated: Uuid,
) -> Result<Vec<GradeRecord>> {
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
        let c = counts.get(&rated).copied().unwrap_or_default();
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
