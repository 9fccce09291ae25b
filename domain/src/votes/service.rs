//! Running a vote: draft → open → closed → published, casting ballots, and reading results.
//!
//! Who voted (`vote_participation`) and what was voted (`ballots`) are written in the same
//! transaction but kept apart: for a secret vote a ballot row holds only the vote, a random receipt
//! and the content. Both tables are keyed so that storage order does not follow casting order, and
//! closing a vote rewrites both in key order, which also drops any trace (row versions, page
//! order) of the order of casting.

use crate::error::ErrorCode;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    commitments,
    oversight::{self, Oversight},
    rules::{Ballot, Method, RawBallot, ThresholdBase, ballots_public},
    tally::{Outcome, Tally, TallyInput, tally},
};
use crate::{
    Actor,
    ballot_box::{self, BallotBox},
    db,
    entities::{
        ballots, congress_sessions, deputies, projects, session_roster, vote_candidates,
        vote_participation, votes,
    },
    error::{Error, Result},
    projects::status as project_status,
    sessions,
    text::parse_text,
    with_retry,
};

pub use crate::vocabulary::VoteStatus;

/// A vote's definition as the admin drafts it.
#[derive(Debug, Clone)]
pub struct VoteDraft {
    pub title: String,
    pub method: Method,
    pub seats: u32,
    pub candidate_ids: Vec<Uuid>,
    pub threshold_base: ThresholdBase,
    pub secret: bool,
    /// Publish a secret vote's full ballots with the receipts (default false: receipts and totals
    /// only, the full ballots to the scrutineers).
    pub publish_ballots: bool,
}

/// Changes to a draft; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct VoteChange {
    pub title: Option<String>,
    pub method: Option<Method>,
    pub seats: Option<u32>,
    pub candidate_ids: Option<Vec<Uuid>>,
    pub threshold_base: Option<ThresholdBase>,
    pub secret: Option<bool>,
    pub publish_ballots: Option<bool>,
}

/// A vote with its candidates and live turnout (never a partial tally).
#[derive(Debug, Clone)]
pub struct VoteView {
    pub vote: votes::Model,
    pub status: VoteStatus,
    pub method: Method,
    pub threshold_base: ThresholdBase,
    pub candidates: Vec<projects::Model>,
    /// 应到: the roster (frozen at opening).
    pub entitled: u32,
    pub present: u32,
    pub ballots_cast: u32,
}

/// The tally with the titles a reader needs.
#[derive(Debug, Clone)]
pub struct Results {
    pub view: VoteView,
    pub tally: Tally,
    /// Password resets, disables and attendance marks the office made while the vote was open.
    pub oversight: Oversight,
}

/// One receipt of a published vote, with its ballot where the ballots are public.
#[derive(Debug, Clone)]
pub struct BulletinEntry {
    pub receipt: String,
    /// A named vote's ballot, or a secret vote's set to publish its ballots; `None` otherwise.
    pub ballot: Option<Ballot>,
    /// Named (记名) votes only.
    pub deputy: Option<deputies::Model>,
}

/// The public bulletin of a published vote: every receipt, the per-candidate totals, and the full
/// ballots only where they are public ([`ballots_public`]).
#[derive(Debug, Clone)]
pub struct Bulletin {
    pub view: VoteView,
    pub tally: Tally,
    pub ballots_public: bool,
    pub entries: Vec<BulletinEntry>,
}

/// Votes in the shared ballot box: `votes`, `vote_participation`, `ballots`.
pub(crate) struct VoteBox;

impl BallotBox for VoteBox {
    type Round = votes::Model;
    const NOUN: &'static str = "vote";
    const KIND: &'static str = "vote";
    const EVENTS: [crate::vocabulary::EventType; 3] = [
        crate::vocabulary::EventType::VoteOpened,
        crate::vocabulary::EventType::VoteClosed,
        crate::vocabulary::EventType::VotePublished,
    ];
    const TABLES: [&'static str; 2] = ["ballots", "vote_participation"];

    fn id(r: &votes::Model) -> Uuid {
        r.id
    }
    fn session_id(r: &votes::Model) -> Uuid {
        r.session_id
    }
    fn status(r: &votes::Model) -> VoteStatus {
        r.status
    }
    fn roster_at_open(r: &votes::Model) -> Option<i32> {
        r.roster_at_open
    }
    fn present_at_close(r: &votes::Model) -> Option<i32> {
        r.present_at_close
    }
    async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<votes::Model>, DbErr> {
        votes::Entity::find_by_id(id).one(db).await
    }
    async fn find_locked(
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> Result<Option<votes::Model>, DbErr> {
        db::find_locked::<votes::Entity>(txn, id).await
    }
    async fn find_shared(
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> Result<Option<votes::Model>, DbErr> {
        let mut q = votes::Entity::find_by_id(id);
        if txn.get_database_backend() == DbBackend::Postgres {
            q = q.lock_shared();
        }
        q.one(txn).await
    }
    async fn participants(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>, DbErr> {
        vote_participation::Entity::find()
            .filter(vote_participation::Column::VoteId.eq(id))
            .select_only()
            .column(vote_participation::Column::DeputyId)
            .into_tuple()
            .all(db)
            .await
    }
    async fn insert_participation(
        txn: &DatabaseTransaction,
        id: Uuid,
        deputy_id: Uuid,
    ) -> Result<(), DbErr> {
        vote_participation::Entity::insert(vote_participation::ActiveModel {
            vote_id: Set(id),
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
            VoteStatus::Open => votes::Column::OpenedAt,
            VoteStatus::Published => votes::Column::PublishedAt,
            VoteStatus::Draft | VoteStatus::Closed => votes::Column::ClosedAt,
        };
        Ok(votes::Entity::update_many()
            .col_expr(votes::Column::Status, Expr::value(to.as_str()))
            .col_expr(stamp, Expr::value(at))
            .filter(votes::Column::Id.eq(id))
            .filter(votes::Column::Status.eq(from))
            .exec(txn)
            .await?
            .rows_affected)
    }
    async fn mark_open(
        txn: &DatabaseTransaction,
        vote: votes::Model,
        s: &sessions::SessionSummary,
        at: DateTime<Utc>,
    ) -> Result<votes::Model, DbErr> {
        // What the vote opens with, committed: the roster and the candidate list.
        let codes: Vec<String> = session_roster::Entity::find()
            .filter(session_roster::Column::SessionId.eq(vote.session_id))
            .find_also_related(deputies::Entity)
            .all(txn)
            .await?
            .into_iter()
            .filter_map(|(_, d)| d.map(|d| d.deputy_code))
            .collect();
        let candidates = candidate_ids(txn, vote.id)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        let mut row: votes::ActiveModel = vote.into();
        row.roster_sha256 = Set(Some(commitments::roster(codes)));
        row.candidates_sha256 = Set(Some(commitments::candidates(&candidates)));
        row.status = Set(VoteStatus::Open);
        row.roster_at_open = Set(Some(s.roster_size as i32));
        row.present_at_open = Set(Some(s.present as i32));
        row.opened_at = Set(Some(at));
        row.update(txn).await
    }
    async fn set_present_at_close(
        txn: &DatabaseTransaction,
        id: Uuid,
        present: u32,
    ) -> Result<(), DbErr> {
        votes::Entity::update_many()
            .col_expr(votes::Column::PresentAtClose, Expr::value(present as i32))
            .filter(votes::Column::Id.eq(id))
            .exec(txn)
            .await
            .map(|_| ())
    }
    async fn rewrite_in_key_order(txn: &DatabaseTransaction, id: Uuid) -> Result<(), DbErr> {
        db::rewrite_in_key_order::<ballots::Entity>(
            txn,
            Condition::all().add(ballots::Column::VoteId.eq(id)),
            ballots::Column::Receipt,
        )
        .await?;
        db::rewrite_in_key_order::<vote_participation::Entity>(
            txn,
            Condition::all().add(vote_participation::Column::VoteId.eq(id)),
            vote_participation::Column::DeputyId,
        )
        .await?;
        // What the vote closes with, committed in the same transaction: the receipts and the
        // full ballots.
        let stored = ballots::Entity::find()
            .filter(ballots::Column::VoteId.eq(id))
            .all(txn)
            .await?;
        let mut receipts = Vec::with_capacity(stored.len());
        let mut marked = Vec::with_capacity(stored.len());
        for b in stored {
            marked.push(Ballot::from_json(&b.content).map_err(|e| DbErr::Custom(e.to_string()))?);
            receipts.push(b.receipt);
        }
        let receipts = commitments::receipts(receipts);
        votes::Entity::update_many()
            .col_expr(votes::Column::ReceiptsSha256, Expr::value(receipts))
            .col_expr(
                votes::Column::BallotsSha256,
                Expr::value(commitments::ballots(&marked)),
            )
            .filter(votes::Column::Id.eq(id))
            .exec(txn)
            .await
            .map(|_| ())
    }
}

fn parse_stored(v: &votes::Model) -> Result<(VoteStatus, Method, ThresholdBase)> {
    Ok((v.status, v.method, v.threshold_base))
}

/// The vote, locked for the rest of the transaction, so that two admins acting at once (open,
/// publish, runoff, edit) are serialized.
async fn find_for_update(txn: &DatabaseTransaction, id: Uuid) -> Result<votes::Model> {
    ballot_box::find_locked::<VoteBox>(txn, id).await
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<votes::Model> {
    ballot_box::find::<VoteBox>(db, id).await
}

async fn candidate_ids(db: &impl ConnectionTrait, vote_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(vote_candidates::Entity::find()
        .filter(vote_candidates::Column::VoteId.eq(vote_id))
        .order_by_asc(vote_candidates::Column::Position)
        .select_only()
        .column(vote_candidates::Column::ProjectId)
        .into_tuple()
        .all(db)
        .await?)
}

async fn entitled_and_present(
    db: &impl ConnectionTrait,
    vote: &votes::Model,
) -> Result<(u32, u32)> {
    ballot_box::entitled_and_present::<VoteBox>(db, vote).await
}

async fn view(db: &impl ConnectionTrait, vote: votes::Model) -> Result<VoteView> {
    let (status, method, threshold_base) = parse_stored(&vote)?;
    let listed = vote_candidates::Entity::find()
        .filter(vote_candidates::Column::VoteId.eq(vote.id))
        .order_by_asc(vote_candidates::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = listed.iter().map(|c| c.project_id).collect();
    let mut found = projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    found.sort_by_key(|p| ids.iter().position(|i| *i == p.id));
    // A published vote shows its candidates as they stood (kept at publication).
    for (p, c) in found.iter_mut().zip(&listed) {
        if let (Some(title), Some(category), Some(department), Some(budget)) =
            (&c.title, &c.category, &c.department, c.budget_yuan)
        {
            p.title = title.clone();
            p.category = category.clone();
            p.department = department.clone();
            p.budget_yuan = budget;
        }
    }
    let (entitled, present) = entitled_and_present(db, &vote).await?;
    Ok(VoteView {
        ballots_cast: ballot_box::ballots_cast::<VoteBox>(db, vote.id).await?,
        vote,
        status,
        method,
        threshold_base,
        candidates: found,
        entitled,
        present,
    })
}

/// Checks a draft's candidates: distinct, existing, eligible, and more of them than seats (差额).
async fn check_draft(
    db: &impl ConnectionTrait,
    d: &VoteDraft,
    own_vote: Option<Uuid>,
) -> Result<()> {
    if d.seats < 1 {
        return Err(Error::invalid_field(
            ErrorCode::InvalidSeats,
            "seats",
            "a vote has at least one seat",
        ));
    }
    let mut sorted = d.candidate_ids.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != d.candidate_ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::DuplicateCandidate,
            "candidate_ids",
            "a project is listed twice",
        ));
    }
    if d.candidate_ids.len() as u32 <= d.seats {
        return Err(Error::invalid_field(
            ErrorCode::NotEnoughCandidates,
            "candidate_ids",
            "a vote needs more candidates than seats (差额)",
        ));
    }
    let found = projects::Entity::find()
        .filter(projects::Column::Id.is_in(d.candidate_ids.clone()))
        .all(db)
        .await?;
    if found.len() != d.candidate_ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownProject,
            "candidate_ids",
            "some candidate ids are not projects",
        ));
    }
    for p in &found {
        let status = project_status::of(p)?;
        if !status.may_stand() {
            return Err(Error::invalid_field(
                ErrorCode::ProjectNotEligible,
                "candidate_ids",
                format!(
                    "project {} is {} and cannot be a candidate",
                    p.id,
                    status.as_str()
                ),
            ));
        }
    }
    // A project may stand in one undecided vote at a time (a runoff takes over from its parent).
    let busy = vote_candidates::Entity::find()
        .inner_join(votes::Entity)
        .filter(vote_candidates::Column::ProjectId.is_in(d.candidate_ids.clone()))
        .filter(votes::Column::Status.is_in([VoteStatus::Draft, VoteStatus::Open]))
        .filter(votes::Column::Id.ne(own_vote.unwrap_or(Uuid::nil())))
        .count(db)
        .await?;
    if busy > 0 {
        return Err(Error::conflict(
            ErrorCode::CandidateInOtherVote,
            "a candidate already stands in another undecided vote",
        ));
    }
    Ok(())
}

async fn store_candidates(db: &impl ConnectionTrait, vote_id: Uuid, ids: &[Uuid]) -> Result<()> {
    vote_candidates::Entity::delete_many()
        .filter(vote_candidates::Column::VoteId.eq(vote_id))
        .exec(db)
        .await?;
    let rows = ids
        .iter()
        .enumerate()
        .map(|(i, &project_id)| vote_candidates::ActiveModel {
            vote_id: Set(vote_id),
            project_id: Set(project_id),
            position: Set(i as i32),
            title: Set(None),
            category: Set(None),
            department: Set(None),
            budget_yuan: Set(None),
        });
    vote_candidates::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    project_status::mark_candidates(db, ids).await
}

async fn insert_vote(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    d: &VoteDraft,
    runoff_of: Option<Uuid>,
) -> Result<votes::Model> {
    let vote = votes::ActiveModel {
        id: Set(Uuid::new_v4()),
        session_id: Set(session_id),
        title: Set(d.title.clone()),
        method: Set(d.method),
        seats: Set(d.seats as i32),
        threshold_base: Set(d.threshold_base),
        secret: Set(d.secret),
        publish_ballots: Set(d.publish_ballots),
        status: Set(VoteStatus::Draft),
        runoff_of: Set(runoff_of),
        roster_at_open: Set(None),
        present_at_open: Set(None),
        present_at_close: Set(None),
        opened_at: Set(None),
        closed_at: Set(None),
        published_at: Set(None),
        created_at: Set(Utc::now()),
        roster_sha256: Set(None),
        candidates_sha256: Set(None),
        receipts_sha256: Set(None),
        ballots_sha256: Set(None),
    }
    .insert(db)
    .await?;
    store_candidates(db, vote.id, &d.candidate_ids).await?;
    Ok(vote)
}

/// A draft's settings as an audit event records them.
fn draft_detail(d: &VoteDraft) -> serde_json::Value {
    serde_json::json!({
        "title": d.title, "method": d.method.as_str(), "seats": d.seats,
        "candidate_ids": d.candidate_ids, "threshold_base": d.threshold_base.as_str(),
        "secret": d.secret, "publish_ballots": d.publish_ballots,
    })
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
    mut d: VoteDraft,
) -> Result<VoteView> {
    actor.require_admin()?;
    d.title = parse_text("title", &d.title, 200)?;
    let txn = db::begin_write(db).await?;
    congress_sessions::Entity::find_by_id(session_id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    check_draft(&txn, &d, None).await?;
    let vote = insert_vote(&txn, session_id, &d, None).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("vote.create", "vote", vote.id).with(draft_detail(&d)),
    )
    .await?;
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(crate::vocabulary::EventType::VoteDrafted, "vote", vote.id)
            .with(serde_json::json!({"session_id": session_id, "title": vote.title})),
    )
    .await?;
    txn.commit().await?;
    view(db, vote).await
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    c: VoteChange,
) -> Result<VoteView> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let current = find_for_update(&txn, id).await?;
    let (status, method, base) = parse_stored(&current)?;
    if status != VoteStatus::Draft {
        return Err(Error::conflict(
            ErrorCode::VoteNotDraft,
            format!(
                "the vote is {}; a vote can be changed only while it is a draft",
                status.as_str()
            ),
        ));
    }
    let old_candidates = candidate_ids(&txn, id).await?;
    let d = VoteDraft {
        title: parse_text("title", c.title.as_deref().unwrap_or(&current.title), 200)?,
        method: c.method.unwrap_or(method),
        seats: c.seats.unwrap_or(current.seats as u32),
        candidate_ids: c
            .candidate_ids
            .clone()
            .unwrap_or_else(|| old_candidates.clone()),
        threshold_base: c.threshold_base.unwrap_or(base),
        secret: c.secret.unwrap_or(current.secret),
        publish_ballots: c.publish_ballots.unwrap_or(current.publish_ballots),
    };
    check_draft(&txn, &d, Some(id)).await?;
    if current.runoff_of.is_some() && c.candidate_ids.is_some() && d.candidate_ids != old_candidates
    {
        return Err(Error::conflict(
            ErrorCode::RunoffCandidatesFixed,
            "a runoff is among the tied candidates only",
        ));
    }
    let mut row: votes::ActiveModel = current.into();
    row.title = Set(d.title.clone());
    row.method = Set(d.method);
    row.seats = Set(d.seats as i32);
    row.threshold_base = Set(d.threshold_base);
    row.secret = Set(d.secret);
    row.publish_ballots = Set(d.publish_ballots);
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("vote.edit", "vote", id).with(draft_detail(&d)),
    )
    .await?;
    let vote = row.update(&txn).await?;
    if d.candidate_ids != old_candidates {
        // Dropped candidates go back to being proposals.
        let dropped: Vec<Uuid> = old_candidates
            .iter()
            .filter(|p| !d.candidate_ids.contains(p))
            .copied()
            .collect();
        project_status::withdraw_candidates(&txn, &dropped).await?;
        store_candidates(&txn, id, &d.candidate_ids).await?;
    }
    txn.commit().await?;
    view(db, vote).await
}

/// Anyone logged in reads a vote's definition and turnout; the public reads published votes.
pub async fn get(db: &DatabaseConnection, actor: Option<&Actor>, id: Uuid) -> Result<VoteView> {
    let vote = find(db, id).await?;
    ballot_box::require_visible::<VoteBox>(&vote, actor)?;
    view(db, vote).await
}

pub async fn list_for_session(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
) -> Result<Vec<VoteView>> {
    ballot_box::require_reader(actor, "votes")?;
    ballot_box::require_session(db, session_id).await?;
    let rows = votes::Entity::find()
        .filter(votes::Column::SessionId.eq(session_id))
        .order_by_asc(votes::Column::CreatedAt)
        .order_by_asc(votes::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for v in rows {
        out.push(view(db, v).await?);
    }
    Ok(out)
}

/// Opens a draft. Refused without quorum (`quorum_not_met`). Freezes the roster size.
pub async fn open(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<VoteView> {
    actor.require_admin()?;
    let vote = ballot_box::open::<VoteBox>(db, actor, id).await?;
    view(db, vote).await
}

/// Closes an open vote: from the moment this commits no ballot is accepted. Rewrites the vote's
/// participation and ballot rows in key order so nothing stored follows the order of casting.
pub async fn close(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<VoteView> {
    actor.require_admin()?;
    let vote = ballot_box::close::<VoteBox>(db, actor, id).await?;
    view(db, vote).await
}

/// Publishes a closed vote: adopted projects become `adopted`, other candidates go to the reserve,
/// except those tied for a runoff.
pub async fn publish(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<Results> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let vote = ballot_box::begin_publish::<VoteBox>(&txn, id).await?;
    let t = count(&txn, &vote).await?;
    let waiting: Vec<Uuid> = match &t.outcome {
        Outcome::RunoffRequired { tied, .. } => tied.clone(),
        _ => Vec::new(),
    };
    let adopted: Vec<Uuid> = t
        .candidates
        .iter()
        .filter(|c| c.adopted)
        .map(|c| c.project_id)
        .collect();
    let reserve: Vec<Uuid> = t
        .candidates
        .iter()
        .filter(|c| !c.adopted && !waiting.contains(&c.project_id))
        .map(|c| c.project_id)
        .collect();
    let now = Utc::now();
    keep_candidates_as_published(&txn, id).await?;
    project_status::settle(&txn, &adopted, &reserve, now).await?;
    crate::followup::progress::freeze_baselines(&txn, &adopted, crate::clock::china_date(now))
        .await?;
    ballot_box::mark_published::<VoteBox>(&txn, actor, id, now).await?;
    for p in projects::Entity::find()
        .filter(projects::Column::Id.is_in(adopted.clone()))
        .all(&txn)
        .await?
    {
        crate::feed::emit(
            &txn,
            crate::feed::Change::new(
                crate::vocabulary::EventType::ProjectAdopted,
                "project",
                p.id,
            )
            .project(p.id)
            .with(serde_json::json!({
                "vote_id": id, "title": p.title, "department": p.department,
                "budget_yuan": p.budget_yuan, "year": p.year,
            })),
        )
        .await?;
    }
    txn.commit().await?;
    results(db, Some(actor), id).await
}

/// Keeps each candidate's materials on the vote as they stand at publication (they cannot change
/// while the vote is open or closed, so this is what the deputies voted on): the published results
/// show these ever after, whatever later edits a project in the reserve receives.
async fn keep_candidates_as_published(db: &impl ConnectionTrait, vote_id: Uuid) -> Result<()> {
    let ids = candidate_ids(db, vote_id).await?;
    for p in projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids))
        .all(db)
        .await?
    {
        vote_candidates::Entity::update_many()
            .col_expr(vote_candidates::Column::Title, Expr::value(p.title))
            .col_expr(vote_candidates::Column::Category, Expr::value(p.category))
            .col_expr(
                vote_candidates::Column::Department,
                Expr::value(p.department),
            )
            .col_expr(
                vote_candidates::Column::BudgetYuan,
                Expr::value(p.budget_yuan),
            )
            .filter(vote_candidates::Column::VoteId.eq(vote_id))
            .filter(vote_candidates::Column::ProjectId.eq(p.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

pub(crate) async fn count(db: &impl ConnectionTrait, vote: &votes::Model) -> Result<Tally> {
    let (_, _, base) = parse_stored(vote)?;
    let ids = candidate_ids(db, vote.id).await?;
    let stored = ballots::Entity::find()
        .filter(ballots::Column::VoteId.eq(vote.id))
        .all(db)
        .await?;
    let parsed: Vec<Ballot> = stored
        .iter()
        .map(|b| Ballot::from_json(&b.content))
        .collect::<Result<_>>()?;
    let (roster, present) = entitled_and_present(db, vote).await?;
    Ok(tally(&TallyInput {
        seats: vote.seats as u32,
        base,
        roster,
        present,
        candidates: &ids,
        ballots: &parsed,
    }))
}

/// Results: for admins once closed, for everyone once published. Never while open.
pub async fn results(db: &DatabaseConnection, actor: Option<&Actor>, id: Uuid) -> Result<Results> {
    let vote = find(db, id).await?;
    ballot_box::require_results_readable::<VoteBox>(&vote, actor)?;
    let tally = count(db, &vote).await?;
    Ok(Results {
        oversight: oversight::for_vote(db, id).await?,
        view: view(db, vote).await?,
        tally,
    })
}

/// The public bulletin of a published vote: every receipt, ordered by receipt, so each deputy can
/// check theirs was counted, and the per-candidate totals. The full ballots are listed beside
/// their receipts only for a named vote or a secret vote set before opening to publish them; a
/// secret vote's ballots otherwise go to its scrutineers ([`super::scrutiny::full_ballots`]).
pub async fn bulletin(db: &DatabaseConnection, id: Uuid) -> Result<Bulletin> {
    let vote = find(db, id).await?;
    if vote.status != VoteStatus::Published {
        return Err(Error::conflict(
            ErrorCode::ResultsNotPublished,
            "the bulletin is public once the vote is published",
        ));
    }
    let public = ballots_public(vote.secret, vote.publish_ballots);
    let stored = ballots::Entity::find()
        .filter(ballots::Column::VoteId.eq(id))
        .order_by_asc(ballots::Column::Receipt)
        .all(db)
        .await?;
    let named: Vec<Uuid> = stored.iter().filter_map(|b| b.deputy_id).collect();
    let deps = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(named))
        .all(db)
        .await?;
    let mut entries = Vec::with_capacity(stored.len());
    for b in stored {
        entries.push(BulletinEntry {
            ballot: if public {
                Some(Ballot::from_json(&b.content)?)
            } else {
                None
            },
            deputy: b
                .deputy_id
                .and_then(|d| deps.iter().find(|x| x.id == d).cloned()),
            receipt: b.receipt,
        });
    }
    let tally = count(db, &vote).await?;
    Ok(Bulletin {
        view: view(db, vote).await?,
        tally,
        ballots_public: public,
        entries,
    })
}

/// Casts the caller's ballot and returns its receipt. Retries transparently on a serialization
/// failure; everything else is refused with a stable code and stores nothing.
pub async fn cast(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    raw: RawBallot,
) -> Result<String> {
    let deputy_id = actor.require_deputy()?;
    with_retry!(cast_once(db, deputy_id, id, raw.clone()).await)
}

async fn cast_once(
    db: &DatabaseConnection,
    deputy_id: Uuid,
    id: Uuid,
    raw: RawBallot,
) -> Result<String> {
    let txn = db::begin_write(db).await?;
    let vote = ballot_box::begin_cast::<VoteBox>(&txn, id).await?;
    let ballot = Ballot::parse(
        vote.method,
        vote.seats as u32,
        &candidate_ids(&txn, id).await?,
        raw,
    )?;
    let receipt = ballot_box::admit::<VoteBox>(&txn, &vote, deputy_id).await?;
    ballots::Entity::insert(ballots::ActiveModel {
        vote_id: Set(id),
        receipt: Set(receipt.clone()),
        deputy_id: Set((!vote.secret).then_some(deputy_id)),
        content: Set(ballot.to_json()),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(receipt)
}

/// Whether the caller voted; the receipt is kept only for a named vote (a secret ballot's receipt is
/// shown once, when it is cast, and is stored nowhere near the deputy).
pub async fn my_ballot(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<(bool, Option<String>)> {
    let deputy_id = actor.require_deputy()?;
    let vote = find(db, id).await?;
    let voted = vote_participation::Entity::find_by_id((id, deputy_id))
        .one(db)
        .await?
        .is_some();
    let receipt = if voted && !vote.secret {
        ballots::Entity::find()
            .filter(ballots::Column::VoteId.eq(id))
            .filter(ballots::Column::DeputyId.eq(deputy_id))
            .one(db)
            .await?
            .map(|b| b.receipt)
    } else {
        None
    };
    Ok((voted, receipt))
}

/// Creates the runoff (再次投票) of a closed or published vote whose outcome is a tie at the cut-off:
/// a draft among the tied candidates only, for the seats left, with the same rules.
pub async fn runoff(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<VoteView> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let vote = find_for_update(&txn, id).await?;
    let (status, method, base) = parse_stored(&vote)?;
    if !matches!(status, VoteStatus::Closed | VoteStatus::Published) {
        return Err(Error::conflict(
            ErrorCode::VoteNotClosed,
            "a runoff follows a closed vote",
        ));
    }
    let Outcome::RunoffRequired { tied, seats_left } = count(&txn, &vote).await?.outcome else {
        return Err(Error::conflict(
            ErrorCode::NoRunoffNeeded,
            "this vote's result has no tie at the cut-off",
        ));
    };
    let existing = votes::Entity::find()
        .filter(votes::Column::RunoffOf.eq(id))
        .count(&txn)
        .await?;
    if existing > 0 {
        return Err(Error::conflict(
            ErrorCode::RunoffExists,
            "this vote already has a runoff",
        ));
    }
    let draft = VoteDraft {
        title: format!("{}（再次投票）", vote.title)
            .chars()
            .take(200)
            .collect(),
        method,
        seats: seats_left,
        candidate_ids: tied,
        threshold_base: base,
        secret: vote.secret,
        publish_ballots: vote.publish_ballots,
    };
    check_draft(&txn, &draft, None).await?;
    let created = insert_vote(&txn, vote.session_id, &draft, Some(id)).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("vote.runoff", "vote", created.id)
            .with(serde_json::json!({"runoff_of": id, "draft": draft_detail(&draft)})),
    )
    .await?;
    txn.commit().await?;
    view(db, created).await
}

/// Whether the project stands in a vote that has opened and is not yet published.
pub async fn in_active_vote(db: &impl ConnectionTrait, project_id: Uuid) -> Result<bool> {
    Ok(vote_candidates::Entity::find()
        .inner_join(votes::Entity)
        .filter(vote_candidates::Column::ProjectId.eq(project_id))
        .filter(votes::Column::Status.is_in([VoteStatus::Open, VoteStatus::Closed]))
        .count(db)
        .await?
        > 0)
}

/// A vote's definition and live turnout (counts only, never contents) with no caller check: for
/// the read-only views that hold their own permission, such as the hall's screen.
pub async fn turnout(db: &impl ConnectionTrait, vote: votes::Model) -> Result<VoteView> {
    view(db, vote).await
}
