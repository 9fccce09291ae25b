//! The ballot box that votes (票决) and rating rounds (满意度测评) share: the round lifecycle
//! draft → open → closed → published, the quorum check at opening, the roster and presence checks
//! at casting, one participation per deputy (a database constraint), who-voted stored apart from
//! what-was-voted with a random receipt and no link between them, the rewrite of both halves in key
//! order at close, 应到/实到 frozen at open and close, and who may read results when.
//!
//! What differs is passed in through [`BallotBox`]: which tables hold the round, its participation
//! and its ballots; the caller keeps what is its own — a vote's ballot rules, tally and project
//! settlement, a rating's grade rule. A use case is written as the machine's steps around its own:
//! `cast` is [`begin_cast`], the kind's ballot check, [`admit`], the kind's ballot row, commit.
//!
//! Rating rounds answer with the same codes as votes (`vote_not_open`, `vote_not_draft`,
//! `vote_not_closed`, `already_voted`, `results_not_published`): clients switch on them for both.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait};
use uuid::Uuid;

use crate::{
    Actor, Role, db,
    entities::congress_sessions,
    error::{Error, ErrorCode, Result},
    sessions::{self, SessionSummary},
    tokens,
    vocabulary::VoteStatus,
    votes::rules::present_for_round,
};

/// One kind of round kept in the ballot box: the tables and the words that differ.
pub trait BallotBox {
    /// A stored round (a vote, a rating round).
    type Round: Clone + Send + Sync;
    /// The noun in messages and logs: "vote", "rating round".
    const NOUN: &'static str;
    /// The object kind its audit events name: `vote` or `evaluation`.
    const KIND: &'static str;
    /// The tables rewritten at close, for [`db::compact_after_close`].
    const TABLES: [&'static str; 2];
    /// The change feed's events for opening, closing and publishing.
    const EVENTS: [crate::vocabulary::EventType; 3];

    fn id(r: &Self::Round) -> Uuid;
    fn session_id(r: &Self::Round) -> Uuid;
    fn status(r: &Self::Round) -> VoteStatus;
    /// 应到 frozen at opening.
    fn roster_at_open(r: &Self::Round) -> Option<i32>;
    /// 实到 frozen at closing.
    fn present_at_close(r: &Self::Round) -> Option<i32>;

    fn find(
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<Self::Round>, DbErr>> + Send;
    /// The round locked for the rest of the transaction (`FOR UPDATE` on PostgreSQL).
    fn find_locked(
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<Self::Round>, DbErr>> + Send;
    /// The round with a share lock on PostgreSQL, so a ballot is ordered against a close.
    fn find_shared(
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<Self::Round>, DbErr>> + Send;
    /// The deputies who took part (never what they chose).
    fn participants(
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> impl Future<Output = Result<Vec<Uuid>, DbErr>> + Send;
    /// Records that the deputy took part; the primary key refuses a second time.
    fn insert_participation(
        txn: &DatabaseTransaction,
        id: Uuid,
        deputy_id: Uuid,
    ) -> impl Future<Output = Result<(), DbErr>> + Send;
    /// Moves the round from `from` to `to` if it is in `from` now, stamping the moment; the number
    /// of rows moved (0 or 1).
    fn move_status(
        txn: &impl ConnectionTrait,
        id: Uuid,
        from: VoteStatus,
        to: VoteStatus,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, DbErr>> + Send;
    /// Marks an opened round: the status and the counts frozen at opening.
    fn mark_open(
        txn: &DatabaseTransaction,
        round: Self::Round,
        s: &SessionSummary,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Self::Round, DbErr>> + Send;
    fn set_present_at_close(
        txn: &DatabaseTransaction,
        id: Uuid,
        present: u32,
    ) -> impl Future<Output = Result<(), DbErr>> + Send;
    /// Rewrites the participation and ballot rows of the round in key order.
    fn rewrite_in_key_order(
        txn: &DatabaseTransaction,
        id: Uuid,
    ) -> impl Future<Output = Result<(), DbErr>> + Send;
}

/// The round, or `not_found`.
pub async fn find<B: BallotBox>(db: &impl ConnectionTrait, id: Uuid) -> Result<B::Round> {
    B::find(db, id)
        .await?
        .ok_or_else(|| Error::not_found(B::NOUN))
}

/// The round locked for the transaction, or `not_found`.
pub async fn find_locked<B: BallotBox>(txn: &DatabaseTransaction, id: Uuid) -> Result<B::Round> {
    B::find_locked(txn, id)
        .await?
        .ok_or_else(|| Error::not_found(B::NOUN))
}

/// The session exists (listing the rounds of an unknown session is `not_found`, not `[]`).
pub async fn require_session(db: &impl ConnectionTrait, session_id: Uuid) -> Result<()> {
    congress_sessions::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    Ok(())
}

/// Rounds are read by admins and deputies; a department account reads none.
pub fn require_reader(actor: &Actor, what: &str) -> Result<()> {
    if actor.role == Role::Department {
        return Err(Error::forbidden(
            ErrorCode::Forbidden,
            format!("{what} are read by admins and deputies"),
        ));
    }
    Ok(())
}

/// Before publication a round is read by logged-in users only.
pub fn require_visible<B: BallotBox>(r: &B::Round, actor: Option<&Actor>) -> Result<()> {
    if actor.is_none() && B::status(r) != VoteStatus::Published {
        return Err(Error::unauthenticated(
            ErrorCode::MissingToken,
            format!("log in to see a {} before it is published", B::NOUN),
        ));
    }
    Ok(())
}

/// Who may read results when: admins once closed, everyone once published, nobody before close.
pub fn require_results_readable<B: BallotBox>(r: &B::Round, actor: Option<&Actor>) -> Result<()> {
    match B::status(r) {
        VoteStatus::Published => Ok(()),
        VoteStatus::Closed if actor.is_some_and(|a| a.role == Role::Admin) => Ok(()),
        VoteStatus::Closed => Err(Error::conflict(
            ErrorCode::ResultsNotPublished,
            format!("results are public once the {} is published", B::NOUN),
        )),
        VoteStatus::Draft | VoteStatus::Open => Err(Error::conflict(
            ErrorCode::VoteNotClosed,
            format!("there are no results before the {} closes", B::NOUN),
        )),
    }
}

/// 实到 counted now: deputies marked present plus those who took part in this round and were
/// marked absent since ([`present_for_round`]).
pub async fn present_now<B: BallotBox>(db: &impl ConnectionTrait, r: &B::Round) -> Result<u32> {
    let took_part = B::participants(db, B::id(r)).await?;
    let marked = sessions::present_deputies(db, B::session_id(r)).await?;
    Ok(present_for_round(&marked, &took_part))
}

/// 应到 and 实到 as the round uses them: the roster size frozen at opening and the present count
/// frozen at closing; before those moments, the live counts by the same rules.
pub async fn entitled_and_present<B: BallotBox>(
    db: &impl ConnectionTrait,
    r: &B::Round,
) -> Result<(u32, u32)> {
    let entitled = match B::roster_at_open(r) {
        Some(n) => n as u32,
        None => sessions::counts(db, B::session_id(r)).await?.0,
    };
    let present = match B::present_at_close(r) {
        Some(n) => n as u32,
        None => present_now::<B>(db, r).await?,
    };
    Ok((entitled, present))
}

/// Ballots cast so far: the participation rows.
pub async fn ballots_cast<B: BallotBox>(db: &impl ConnectionTrait, id: Uuid) -> Result<u32> {
    Ok(B::participants(db, id).await?.len() as u32)
}

/// A step of the lifecycle an admin asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Open,
    Close,
    Publish,
}

/// The refusal of `step` on a round that is `status`: the code clients switch on (`vote_not_draft`
/// for opening, `vote_not_open` for closing, `vote_not_closed` for publishing, whatever the state)
/// and a message saying what state the round is in and what, if anything, comes next — so a button
/// pressed twice reads "already published", not "only a closed vote can be published".
pub fn refused<B: BallotBox>(step: Step, status: VoteStatus) -> Error {
    let noun = B::NOUN;
    let code = match step {
        Step::Open => ErrorCode::VoteNotDraft,
        Step::Close => ErrorCode::VoteNotOpen,
        Step::Publish => ErrorCode::VoteNotClosed,
    };
    let message = match (step, status) {
        (Step::Open, VoteStatus::Open) => format!("the {noun} is already open"),
        (Step::Open, VoteStatus::Closed) => {
            format!("the {noun} is already closed; a closed {noun} cannot be opened again")
        }
        (Step::Open, VoteStatus::Published) => {
            format!("the {noun} is already published; a published {noun} cannot be opened again")
        }
        (Step::Close, VoteStatus::Draft) => {
            format!("the {noun} is still a draft: open it before closing it")
        }
        (Step::Close, VoteStatus::Closed) => format!("the {noun} is already closed"),
        (Step::Close, VoteStatus::Published) => {
            format!("the {noun} is already closed and published")
        }
        (Step::Publish, VoteStatus::Draft) => {
            format!("the {noun} is still a draft: open it, then close it, before publishing")
        }
        (Step::Publish, VoteStatus::Open) => {
            format!("the {noun} is still open: close it before publishing")
        }
        (Step::Publish, VoteStatus::Published) => format!("the {noun} is already published"),
        // The step is allowed in this state; a caller asking for a refusal here raced a change.
        (_, s) => format!("the {noun} is {}; try again", s.as_str()),
    };
    Error::conflict(code, message)
}

/// Opens a draft round. Refused unless it is a draft (`vote_not_draft`) and without quorum
/// (`quorum_not_met`, 地方组织法 第十四条); freezes the roster size. The round and the session are
/// locked, so two admins opening at once, or a roster change racing the opening, take turns.
pub async fn open<B: BallotBox>(
    db: &DatabaseConnection,
    actor: &crate::Actor,
    id: Uuid,
) -> Result<B::Round> {
    let txn = db::begin_write(db).await?;
    let r = find_locked::<B>(&txn, id).await?;
    if B::status(&r) != VoteStatus::Draft {
        return Err(refused::<B>(Step::Open, B::status(&r)));
    }
    let session = db::find_locked::<congress_sessions::Entity>(&txn, B::session_id(&r))
        .await?
        .ok_or_else(|| Error::not_found("session"))?;
    let s = sessions::summary(&txn, session).await?;
    if !s.quorum_met {
        return Err(Error::conflict(
            ErrorCode::QuorumNotMet,
            format!(
                "{} of {} deputies present; opening needs {} (two-thirds of the deputies in office)",
                s.present, s.roster_size, s.quorum_needed
            ),
        ));
    }
    let r = B::mark_open(&txn, r, &s, Utc::now()).await?;
    let action = format!("{}.open", B::KIND);
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new(&action, B::KIND, id).with(serde_json::json!({
            "status": "open", "roster": s.roster_size, "present": s.present,
        })),
    )
    .await?;
    announce::<B>(&txn, 0, &r).await?;
    txn.commit().await?;
    tracing::info!(round.kind = B::NOUN, round.id = %id, "round opened");
    Ok(r)
}

/// Closes an open round: from the moment this commits no ballot is accepted. 实到 is fixed now,
/// counted once every ballot is in, and both halves are rewritten in key order so nothing stored
/// follows the order of casting; then the old row versions are compacted away.
pub async fn close<B: BallotBox>(
    db: &DatabaseConnection,
    actor: &crate::Actor,
    id: Uuid,
) -> Result<B::Round> {
    let r = crate::with_retry!(close_once::<B>(db, actor, id).await)?;
    db::compact_after_close(db, &B::TABLES).await;
    tracing::info!(round.kind = B::NOUN, round.id = %id, "round closed");
    Ok(r)
}

async fn close_once<B: BallotBox>(
    db: &DatabaseConnection,
    actor: &crate::Actor,
    id: Uuid,
) -> Result<B::Round> {
    let txn = db::begin_write(db).await?;
    // The conditional update waits for ballots in flight (they hold a share lock on the round's
    // row) and makes every later ballot see the round closed.
    let moved = B::move_status(&txn, id, VoteStatus::Open, VoteStatus::Closed, Utc::now()).await?;
    if moved != 1 {
        let r = find::<B>(&txn, id).await?;
        return Err(refused::<B>(Step::Close, B::status(&r)));
    }
    let present = present_now::<B>(&txn, &find::<B>(&txn, id).await?).await?;
    B::set_present_at_close(&txn, id, present).await?;
    B::rewrite_in_key_order(&txn, id).await?;
    let action = format!("{}.close", B::KIND);
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new(&action, B::KIND, id)
            .with(serde_json::json!({"status": "closed", "present": present})),
    )
    .await?;
    let r = find::<B>(&txn, id).await?;
    announce::<B>(&txn, 1, &r).await?;
    txn.commit().await?;
    Ok(r)
}

/// The feed event of a lifecycle step (0 open, 1 close, 2 publish): which round, of which
/// session, now in which status; never a count before publication.
async fn announce<B: BallotBox>(
    txn: &DatabaseTransaction,
    step: usize,
    r: &B::Round,
) -> Result<()> {
    crate::feed::emit(
        txn,
        crate::feed::Change::new(B::EVENTS[step], B::KIND, B::id(r)).with(serde_json::json!({
            "session_id": B::session_id(r), "status": B::status(r).as_str(),
        })),
    )
    .await?;
    Ok(())
}

/// Checks that a closed round may be published, inside the caller's transaction, with the round
/// locked; the caller settles what publication means for its kind and then calls [`mark_published`].
pub async fn begin_publish<B: BallotBox>(txn: &DatabaseTransaction, id: Uuid) -> Result<B::Round> {
    let r = find_locked::<B>(txn, id).await?;
    if B::status(&r) != VoteStatus::Closed {
        return Err(refused::<B>(Step::Publish, B::status(&r)));
    }
    Ok(r)
}

/// Marks a closed round published (the caller checked it with [`begin_publish`]).
pub async fn mark_published<B: BallotBox>(
    txn: &DatabaseTransaction,
    actor: &crate::Actor,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let moved = B::move_status(txn, id, VoteStatus::Closed, VoteStatus::Published, at).await?;
    if moved != 1 {
        let r = find::<B>(txn, id).await?;
        return Err(refused::<B>(Step::Publish, B::status(&r)));
    }
    let action = format!("{}.publish", B::KIND);
    crate::audit::record(
        txn,
        Some(actor),
        crate::audit::Event::new(&action, B::KIND, id)
            .with(serde_json::json!({"status": "published"})),
    )
    .await?;
    announce::<B>(txn, 2, &find::<B>(txn, id).await?).await?;
    tracing::info!(round.kind = B::NOUN, round.id = %id, "round published");
    Ok(())
}

/// The first step of casting: the round, share-locked, and open (`vote_not_open` otherwise).
pub async fn begin_cast<B: BallotBox>(txn: &DatabaseTransaction, id: Uuid) -> Result<B::Round> {
    let r = B::find_shared(txn, id)
        .await?
        .ok_or_else(|| Error::not_found(B::NOUN))?;
    let status = B::status(&r);
    if status != VoteStatus::Open {
        return Err(Error::conflict(
            ErrorCode::VoteNotOpen,
            format!("the {} is {}, not open", B::NOUN, status.as_str()),
        ));
    }
    Ok(r)
}

/// The second step of casting, once the kind has checked the ballot: the deputy is on the roster
/// and present (`not_entitled`, `not_present`), takes part once (`already_voted`, held by the
/// database), and gets a fresh random receipt to store with the ballot. Nothing here links the
/// receipt to the deputy.
pub async fn admit<B: BallotBox>(
    txn: &DatabaseTransaction,
    r: &B::Round,
    deputy_id: Uuid,
) -> Result<String> {
    sessions::require_present(txn, B::session_id(r), deputy_id).await?;
    if let Err(e) = B::insert_participation(txn, B::id(r), deputy_id).await {
        return Err(if db::is_unique_violation(&e) {
            Error::conflict(
                ErrorCode::AlreadyVoted,
                format!("you have already voted in this {}", B::NOUN),
            )
        } else {
            e.into()
        });
    }
    Ok(tokens::random_hex(16))
}
