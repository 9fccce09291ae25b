//! Deputies' suggestions (代表建议办理), from submission to a satisfied deputy, on the clock.
//!
//! - **Submit**: a deputy alone, or as the lead (领衔) of a joint suggestion whose co-signers (附议)
//!   each confirm on their own account; it is received when the last signer has confirmed.
//! - **Return** (退回): the office returns what is not a suggestion (outside the congress's powers,
//!   a personal matter, a court case, no real content, several matters), with the reason; a
//!   returned one can be handled as a letter.
//! - **Assign** (交办): to one lead unit (主办) and any co-units (会办), due within 7 working days of
//!   receipt (the office's rule, counted on [`crate::calendar`]); the answer is due 3 months after
//!   assignment, 6 for a broad or hard matter (代表法 第五十一条; 地方组织法 第四十二条). One
//!   extension of at most 3 months, with a reason.
//! - **Answer** (答复): by the lead unit, with its class A 已解决或基本解决 / B 正在解决或列入计划 / C
//!   因条件限制以后解决 / D 留作参考, the text, the responsible official and dated promises.
//! - **Feedback** (反馈): every signer rates 办理态度 and 办理结果 (满意 / 基本满意 / 不满意). An
//!   unsatisfied result sends it back for a second answer within 1 month; otherwise it is closed.
//! - **Public**: the office publishes answered suggestions (text, units, class, answer; the signers
//!   who confirmed, by name). Before that a unit reads only what was assigned to it.
//!
//! The steps around these live in the submodules: a unit's [`requests`] to send a suggestion back
//! or extend its deadline, co-units' [`opinions`], [`promises`] kept, [`withdrawal`] by the
//! signers, the [`supervision`] (督办) lists and the yearly [`report`].

pub mod opinions;
pub mod promises;
pub mod report;
pub mod requests;
pub mod supervision;
pub mod withdrawal;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Actor, calendar, db,
    entities::{
        deputies, suggestion_answers, suggestion_feedback, suggestion_opinions,
        suggestion_promises_kept, suggestion_requests, suggestion_signers, suggestions,
    },
    error::{Error, ErrorCode, Result},
    feed::Change,
    text::{parse_long_text, parse_text},
    vocabulary::{EventType, Role},
};

/// Working days the office has to assign a suggestion after receiving it.
pub const ASSIGN_WITHIN_WORKING_DAYS: u32 = 7;
/// Months to answer; for a broad or hard matter; for a second answer; the longest extension.
pub const ANSWER_MONTHS: u32 = 3;
pub const BROAD_ANSWER_MONTHS: u32 = 6;
pub const SECOND_ANSWER_MONTHS: u32 = 1;
pub const MAX_EXTENSION_MONTHS: u32 = 3;
/// Months a co-unit has to send its opinion to the lead unit after assignment.
pub const OPINION_MONTHS: u32 = 1;

/// Where a suggestion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Joint, waiting for co-signers to confirm.
    Cosigning,
    /// Received by the office, to be assigned or returned.
    Submitted,
    Returned,
    Assigned,
    Answered,
    /// An unsatisfied result: the lead unit answers again.
    Reopened,
    Closed,
    /// Withdrawn by its signers (every one of them, for a joint suggestion).
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Cosigning => "cosigning",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Assigned => "assigned",
            Status::Answered => "answered",
            Status::Reopened => "reopened",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Status> {
        Ok(match s {
            "cosigning" => Status::Cosigning,
            "submitted" => Status::Submitted,
            "returned" => Status::Returned,
            "assigned" => Status::Assigned,
            "answered" => Status::Answered,
            "reopened" => Status::Reopened,
            "closed" => Status::Closed,
            "withdrawn" => Status::Withdrawn,
            other => {
                return Err(Error::Internal(format!(
                    "unknown suggestion status {other}"
                )));
            }
        })
    }

    /// Assigned and after: what a handling unit works on.
    fn handled(self) -> bool {
        matches!(
            self,
            Status::Assigned | Status::Answered | Status::Reopened | Status::Closed
        )
    }
}

fn conflict(code: ErrorCode, message: impl Into<String>) -> Error {
    Error::conflict(code, message)
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<String> {
    if allowed.contains(&value) {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid_field(
            ErrorCode::InvalidKind,
            field,
            format!("{field} is one of {}", allowed.join(", ")),
        ))
    }
}

const KINDS: [&str; 3] = ["suggestion", "criticism", "opinion"];
const RETURN_REASONS: [&str; 6] = [
    "outside_powers",
    "personal_matter",
    "court_case",
    "no_content",
    "several_matters",
    "other",
];
const CLASSES: [&str; 4] = ["A", "B", "C", "D"];
const RATINGS: [&str; 3] = ["satisfied", "basically_satisfied", "unsatisfied"];

/// A suggestion as submitted.
pub struct NewSuggestion {
    pub kind: String,
    pub title: String,
    pub content: String,
    /// The co-signers (附议); empty for a suggestion by one deputy.
    pub cosigner_ids: Vec<Uuid>,
}

/// A suggestion with its signers, answers and feedback.
#[derive(Debug, Clone)]
pub struct View {
    pub s: suggestions::Model,
    pub status: Status,
    pub signers: Vec<Signer>,
    pub answers: Vec<suggestion_answers::Model>,
    pub feedback: Vec<suggestion_feedback::Model>,
    /// Working days left to assign (negative: overdue), while waiting to be assigned.
    pub assign_days_left: Option<i64>,
    /// Calendar days left to answer (negative: overdue), while an answer is due.
    pub answer_days_left: Option<i64>,
    /// The co-units' opinions are due to the lead unit 1 month after assignment.
    pub opinion_due: Option<NaiveDate>,
    /// Units' requests (send back, extend) and the office's decisions: for the office and units.
    pub requests: Vec<suggestion_requests::Model>,
    /// Co-units' opinions to the lead unit: for the office and units.
    pub opinions: Vec<suggestion_opinions::Model>,
    /// Promises marked kept, by answer and position.
    pub kept: Vec<suggestion_promises_kept::Model>,
}

#[derive(Debug, Clone)]
pub struct Signer {
    pub deputy_id: Uuid,
    pub deputy_code: String,
    pub name: String,
    pub lead: bool,
    pub confirmed: bool,
    /// Has agreed to withdraw it.
    pub withdraw_agreed: bool,
}

async fn view(db: &impl ConnectionTrait, s: suggestions::Model) -> Result<View> {
    let status = Status::parse(&s.status)?;
    let rows = suggestion_signers::Entity::find()
        .filter(suggestion_signers::Column::SuggestionId.eq(s.id))
        .all(db)
        .await?;
    let people = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(rows.iter().map(|r| r.deputy_id)))
        .all(db)
        .await?;
    let mut signers: Vec<Signer> = rows
        .iter()
        .filter_map(|r| {
            people.iter().find(|d| d.id == r.deputy_id).map(|d| Signer {
                deputy_id: d.id,
                deputy_code: d.deputy_code.clone(),
                name: d.name.clone(),
                lead: r.lead,
                confirmed: r.confirmed_at.is_some(),
                withdraw_agreed: r.withdraw_agreed,
            })
        })
        .collect();
    signers.sort_by(|a, b| b.lead.cmp(&a.lead).then(a.deputy_code.cmp(&b.deputy_code)));
    let answers = suggestion_answers::Entity::find()
        .filter(suggestion_answers::Column::SuggestionId.eq(s.id))
        .order_by_asc(suggestion_answers::Column::Round)
        .all(db)
        .await?;
    let feedback = suggestion_feedback::Entity::find()
        .filter(suggestion_feedback::Column::SuggestionId.eq(s.id))
        .order_by_asc(suggestion_feedback::Column::Round)
        .order_by_asc(suggestion_feedback::Column::CreatedAt)
        .all(db)
        .await?;
    let today = crate::clock::today();
    let assign_days_left = match (status, s.assign_by) {
        (Status::Submitted, Some(by)) => Some(
            calendar::around(db, today)
                .await?
                .working_days_left(today, by),
        ),
        _ => None,
    };
    let due = match status {
        Status::Assigned => s.answer_due,
        Status::Reopened => s.second_answer_due,
        _ => None,
    };
    let answer_days_left = due.map(|d| (d - today).num_days());
    let requests = suggestion_requests::Entity::find()
        .filter(suggestion_requests::Column::SuggestionId.eq(s.id))
        .order_by_asc(suggestion_requests::Column::CreatedAt)
        .all(db)
        .await?;
    let opinions = suggestion_opinions::Entity::find()
        .filter(suggestion_opinions::Column::SuggestionId.eq(s.id))
        .order_by_asc(suggestion_opinions::Column::Unit)
        .all(db)
        .await?;
    let kept = suggestion_promises_kept::Entity::find()
        .filter(suggestion_promises_kept::Column::AnswerId.is_in(answers.iter().map(|a| a.id)))
        .all(db)
        .await?;
    let opinion_due = s
        .assigned_on
        .filter(|_| !units(&s).is_empty())
        .map(|d| calendar::add_months(d, OPINION_MONTHS));
    Ok(View {
        s,
        status,
        signers,
        answers,
        feedback,
        assign_days_left,
        answer_days_left,
        opinion_due,
        requests,
        opinions,
        kept,
    })
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<suggestions::Model> {
    suggestions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))
}

/// The suggestion, its row locked for the caller's write transaction. Errors: 404.
async fn lock(txn: &sea_orm::DatabaseTransaction, id: Uuid) -> Result<suggestions::Model> {
    db::find_locked::<suggestions::Entity>(txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))
}

async fn signer_row(
    db: &impl ConnectionTrait,
    id: Uuid,
    deputy: Uuid,
) -> Result<Option<suggestion_signers::Model>> {
    Ok(suggestion_signers::Entity::find_by_id((id, deputy))
        .one(db)
        .await?)
}

fn is_unit(actor: &Actor, s: &suggestions::Model) -> bool {
    let Some(dept) = actor
        .department
        .as_deref()
        .filter(|_| actor.role == Role::Department)
    else {
        return false;
    };
    s.lead_unit.as_deref() == Some(dept) || units(s).iter().any(|u| u == dept)
}

/// The co-units, as stored.
pub fn units(s: &suggestions::Model) -> Vec<String> {
    serde_json::from_str(&s.co_units).unwrap_or_default()
}

/// Who may read a suggestion: the office; its signers (a co-signer asked to confirm too); its
/// units once assigned; anyone once published.
async fn may_read(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    s: &suggestions::Model,
) -> Result<()> {
    if s.published {
        return Ok(());
    }
    let Some(actor) = actor else {
        return Err(Error::not_found("suggestion"));
    };
    let allowed = match actor.role {
        Role::Admin => true,
        Role::Deputy => match actor.deputy_id {
            Some(d) => signer_row(db, s.id, d).await?.is_some(),
            None => false,
        },
        Role::Department => Status::parse(&s.status)?.handled() && is_unit(actor, s),
    };
    if allowed {
        Ok(())
    } else {
        // Not found, not forbidden: a unit learns nothing of another unit's suggestions.
        Err(Error::not_found("suggestion"))
    }
}

/// One suggestion as the caller may see it. A co-signer who has not confirmed is listed only for
/// the office and the signers themselves. Errors: 404 for what the caller may not read.
pub async fn get(db: &DatabaseConnection, actor: Option<&Actor>, id: Uuid) -> Result<View> {
    let s = find(db, id).await?;
    may_read(db, actor, &s).await?;
    let mut v = view(db, s).await?;
    redact(actor, &mut v);
    Ok(v)
}

/// What the caller may not see of a suggestion they may read: a co-signer who has not confirmed
/// (shown to the office and the signers only), each deputy's feedback (not to the public), the
/// units' requests and opinions (between the units and the office only).
fn redact(actor: Option<&Actor>, v: &mut View) {
    let insider = actor.is_some_and(|a| {
        a.role == Role::Admin || v.signers.iter().any(|x| Some(x.deputy_id) == a.deputy_id)
    });
    if !insider {
        v.signers.retain(|x| x.confirmed);
    }
    if actor.is_none() {
        v.feedback.clear();
    }
    if !actor.is_some_and(|a| a.role == Role::Admin || is_unit(a, &v.s)) {
        v.requests.clear();
        v.opinions.clear();
    }
}

/// The deputies with these codes (代表编号, as on the login slips; case does not matter), for a
/// co-signer list typed on a page. Errors: `unknown_deputy`, naming the codes no deputy has.
pub async fn deputies_by_code(db: &impl ConnectionTrait, codes: &[String]) -> Result<Vec<Uuid>> {
    let wanted: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
    let found = deputies::Entity::find()
        .filter(deputies::Column::DeputyCode.is_in(wanted.clone()))
        .all(db)
        .await?;
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|c| !found.iter().any(|d| d.deputy_code.to_uppercase() == **c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "cosigners",
            format!("no deputy has the code {}", missing.join(", ")),
        ));
    }
    Ok(found.into_iter().map(|d| d.id).collect())
}

/// Submits a suggestion (the caller leads it). Alone, it is received at once and its 交办
/// deadline set; jointly, it waits for every co-signer to confirm. Roles: deputy. Errors:
/// `invalid_text`, `invalid_kind`, `unknown_deputy` (a co-signer who is not a deputy, or the lead
/// named as a co-signer).
pub async fn submit(db: &DatabaseConnection, actor: &Actor, n: NewSuggestion) -> Result<View> {
    let txn = db::begin_write(db).await?;
    let s = submit_in(&txn, actor, n).await?;
    txn.commit().await?;
    view(db, s).await
}

/// [`submit`] inside the caller's write transaction (a station's opinion becomes a suggestion and
/// is marked so in one transaction). The caller commits.
pub(crate) async fn submit_in(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    n: NewSuggestion,
) -> Result<suggestions::Model> {
    let lead = actor.require_deputy()?;
    let kind = one_of("kind", &n.kind, &KINDS)?;
    let title = parse_text("title", &n.title, 200)?;
    let content = parse_long_text("content", &n.content, 20_000, true)?;
    let mut cosigners = n.cosigner_ids.clone();
    cosigners.sort();
    cosigners.dedup();
    if cosigners.contains(&lead) || cosigners.len() > 100 {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "cosigner_ids",
            "name up to 100 other deputies as co-signers, not yourself",
        ));
    }
    let found = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(cosigners.clone()))
        .count(txn)
        .await?;
    if found as usize != cosigners.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "cosigner_ids",
            "some co-signers are not deputies",
        ));
    }
    let number = suggestions::Entity::find()
        .select_only()
        .column_as(suggestions::Column::Number.max(), "n")
        .into_tuple::<Option<i64>>()
        .one(txn)
        .await?
        .flatten()
        .unwrap_or(0)
        + 1;
    let now = Utc::now();
    let today = crate::clock::today();
    let alone = cosigners.is_empty();
    let assign_by = if alone {
        Some(
            calendar::around(txn, today)
                .await?
                .add_working_days(today, ASSIGN_WITHIN_WORKING_DAYS),
        )
    } else {
        None
    };
    let s = suggestions::ActiveModel {
        id: Set(Uuid::new_v4()),
        number: Set(number),
        kind: Set(kind),
        title: Set(title),
        content: Set(content),
        status: Set(if alone {
            Status::Submitted
        } else {
            Status::Cosigning
        }
        .as_str()
        .to_owned()),
        lead_deputy_id: Set(lead),
        submitted_on: Set(alone.then_some(today)),
        assign_by: Set(assign_by),
        return_reason: Set(None),
        lead_unit: Set(None),
        co_units: Set("[]".into()),
        broad: Set(false),
        assigned_on: Set(None),
        answer_due: Set(None),
        extension_reason: Set(None),
        second_answer_due: Set(None),
        key_supervision: Set(false),
        supervisor: Set(None),
        published: Set(false),
        project_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    suggestion_signers::ActiveModel {
        suggestion_id: Set(s.id),
        deputy_id: Set(lead),
        lead: Set(true),
        confirmed_at: Set(Some(now)),
        withdraw_agreed: Set(false),
    }
    .insert(txn)
    .await?;
    for c in &cosigners {
        suggestion_signers::ActiveModel {
            suggestion_id: Set(s.id),
            deputy_id: Set(*c),
            lead: Set(false),
            confirmed_at: Set(None),
            withdraw_agreed: Set(false),
        }
        .insert(txn)
        .await?;
    }
    crate::audit::record(
        txn,
        Some(actor),
        crate::audit::Event::new("suggestion.submit", "suggestion", s.id).with(json!({
            "number": s.number, "kind": s.kind, "title": s.title, "cosigners": cosigners,
        })),
    )
    .await?;
    if alone {
        announce(txn, EventType::SuggestionReceived, &s).await?;
    }
    Ok(s)
}

/// A co-signer confirms (附议). The last confirmation makes it received: its 交办 deadline is set
/// 7 working days on. Roles: a co-signer. Errors: 404 when the caller is not one; 409
/// `suggestion_not_cosigning`.
pub async fn confirm(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<View> {
    let me = actor.require_deputy()?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    let row = signer_row(&txn, id, me)
        .await?
        .filter(|r| !r.lead)
        .ok_or_else(|| Error::not_found("suggestion"))?;
    if Status::parse(&s.status)? != Status::Cosigning {
        return Err(conflict(
            ErrorCode::SuggestionNotCosigning,
            "this suggestion is not waiting for co-signers",
        ));
    }
    if row.confirmed_at.is_none() {
        let mut r: suggestion_signers::ActiveModel = row.into();
        r.confirmed_at = Set(Some(Utc::now()));
        r.update(&txn).await?;
    }
    let waiting = suggestion_signers::Entity::find()
        .filter(suggestion_signers::Column::SuggestionId.eq(id))
        .filter(suggestion_signers::Column::ConfirmedAt.is_null())
        .count(&txn)
        .await?;
    let mut row: suggestions::ActiveModel = s.into();
    if waiting == 0 {
        let today = crate::clock::today();
        row.status = Set(Status::Submitted.as_str().into());
        row.submitted_on = Set(Some(today));
        row.assign_by = Set(Some(
            calendar::around(&txn, today)
                .await?
                .add_working_days(today, ASSIGN_WITHIN_WORKING_DAYS),
        ));
    }
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.cosign", "suggestion", id)
            .with(json!({"received": waiting == 0})),
    )
    .await?;
    if waiting == 0 {
        announce(&txn, EventType::SuggestionReceived, &s).await?;
    }
    txn.commit().await?;
    view(db, s).await
}

/// The lead sends a joint suggestion on without waiting for every co-signer: those who have not
/// confirmed are dropped (they are not listed), and it is received now. Roles: the lead. Errors:
/// 404 when the caller is not the lead; 409 `suggestion_not_cosigning`.
pub async fn send(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<View> {
    let me = actor.require_deputy()?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    if s.lead_deputy_id != me {
        return Err(Error::not_found("suggestion"));
    }
    if Status::parse(&s.status)? != Status::Cosigning {
        return Err(conflict(
            ErrorCode::SuggestionNotCosigning,
            "this suggestion is not waiting for co-signers",
        ));
    }
    let dropped = suggestion_signers::Entity::delete_many()
        .filter(suggestion_signers::Column::SuggestionId.eq(id))
        .filter(suggestion_signers::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    let today = crate::clock::today();
    let mut row: suggestions::ActiveModel = s.into();
    row.status = Set(Status::Submitted.as_str().into());
    row.submitted_on = Set(Some(today));
    row.assign_by = Set(Some(
        calendar::around(&txn, today)
            .await?
            .add_working_days(today, ASSIGN_WITHIN_WORKING_DAYS),
    ));
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.send", "suggestion", id)
            .with(json!({"unconfirmed_dropped": dropped})),
    )
    .await?;
    announce(&txn, EventType::SuggestionReceived, &s).await?;
    txn.commit().await?;
    view(db, s).await
}

/// Returns a received suggestion as not a suggestion (`reason`: `outside_powers`,
/// `personal_matter`, `court_case`, `no_content`, `several_matters`, `other`), with a note for the
/// deputy. Roles: admin. Errors: 409 `suggestion_not_submitted`.
pub async fn return_it(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    note: &str,
) -> Result<View> {
    actor.require_admin()?;
    let reason = one_of("reason", reason, &RETURN_REASONS)?;
    let note = parse_long_text("note", note, 400, false)?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    if Status::parse(&s.status)? != Status::Submitted {
        return Err(conflict(
            ErrorCode::SuggestionNotSubmitted,
            "only a received suggestion, not yet assigned, is returned",
        ));
    }
    let mut row: suggestions::ActiveModel = s.into();
    row.status = Set(Status::Returned.as_str().into());
    row.return_reason = Set(Some(if note.is_empty() {
        reason.clone()
    } else {
        format!("{reason}: {note}")
    }));
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.return", "suggestion", id)
            .with(json!({"reason": reason})),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}

/// 交办: to a lead unit and any co-units; the answer is due 3 months on (6 when `broad`). Roles:
/// admin. Errors: 409 `suggestion_not_submitted`; 422 `invalid_text` for a unit's name.
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    lead_unit: &str,
    co_units: &[String],
    broad: bool,
) -> Result<View> {
    actor.require_admin()?;
    let lead_unit = parse_text("lead_unit", lead_unit, 100)?;
    let mut co: Vec<String> = co_units
        .iter()
        .map(|u| parse_text("co_units", u, 100))
        .collect::<Result<_>>()?;
    co.retain(|u| *u != lead_unit);
    co.sort();
    co.dedup();
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    if Status::parse(&s.status)? != Status::Submitted {
        return Err(conflict(
            ErrorCode::SuggestionNotSubmitted,
            "only a received suggestion is assigned (once)",
        ));
    }
    let today = crate::clock::today();
    let mut row: suggestions::ActiveModel = s.into();
    row.status = Set(Status::Assigned.as_str().into());
    row.lead_unit = Set(Some(lead_unit.clone()));
    row.co_units = Set(json!(co).to_string());
    row.broad = Set(broad);
    row.assigned_on = Set(Some(today));
    row.answer_due = Set(Some(calendar::add_months(
        today,
        if broad {
            BROAD_ANSWER_MONTHS
        } else {
            ANSWER_MONTHS
        },
    )));
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.assign", "suggestion", id).with(json!({
            "lead_unit": lead_unit, "co_units": co, "broad": broad, "answer_due": s.answer_due,
        })),
    )
    .await?;
    announce(&txn, EventType::SuggestionAssigned, &s).await?;
    txn.commit().await?;
    view(db, s).await
}

/// The one extension of the answer period, at most 3 months past the deadline, with its reason.
/// Roles: admin (on the unit's request). Errors: 409 `suggestion_not_assigned`,
/// `extension_used`; 422 `invalid_date` (not after the deadline, or more than 3 months past it).
pub async fn extend(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    until: NaiveDate,
    reason: &str,
) -> Result<View> {
    actor.require_admin()?;
    let reason = parse_long_text("reason", reason, 500, true)?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    let s = apply_extension(&txn, actor, s, until, &reason).await?;
    requests::lapse(&txn, id, Some("extension")).await?;
    txn.commit().await?;
    view(db, s).await
}

/// Whether the one extension may move this suggestion's deadline to `until`. Errors as
/// [`extend`].
fn check_extension(s: &suggestions::Model, until: NaiveDate) -> Result<NaiveDate> {
    if Status::parse(&s.status)? != Status::Assigned {
        return Err(conflict(
            ErrorCode::SuggestionNotAssigned,
            "only an assigned suggestion awaiting its answer is extended",
        ));
    }
    if s.extension_reason.is_some() {
        return Err(conflict(
            ErrorCode::ExtensionUsed,
            "the one extension the rules allow has been given",
        ));
    }
    let due = s
        .answer_due
        .ok_or_else(|| Error::Internal("assigned without a due date".into()))?;
    if until <= due || until > calendar::add_months(due, MAX_EXTENSION_MONTHS) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidDate,
            "until",
            format!(
                "the new deadline is after {due} and at most {MAX_EXTENSION_MONTHS} months later"
            ),
        ));
    }
    Ok(due)
}

/// Moves the deadline (the suggestion row locked by the caller's transaction), and records it.
async fn apply_extension(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    s: suggestions::Model,
    until: NaiveDate,
    reason: &str,
) -> Result<suggestions::Model> {
    let id = s.id;
    let due = check_extension(&s, until)?;
    let mut row: suggestions::ActiveModel = s.into();
    row.answer_due = Set(Some(until));
    row.extension_reason = Set(Some(reason.to_owned()));
    row.updated_at = Set(Utc::now());
    let s = row.update(txn).await?;
    crate::audit::record(
        txn,
        Some(actor),
        crate::audit::Event::new("suggestion.extend", "suggestion", id)
            .with(json!({"from": due, "until": until, "reason": reason})),
    )
    .await?;
    Ok(s)
}

/// A promise in an answer: what, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promise {
    pub what: String,
    pub by: NaiveDate,
}

/// The promises an answer made, in order (their positions are how one is marked kept).
pub fn promises(a: &suggestion_answers::Model) -> Vec<Promise> {
    serde_json::from_str::<Vec<serde_json::Value>>(&a.promises)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| {
            Some(Promise {
                what: p["what"].as_str()?.to_owned(),
                by: p["by"].as_str()?.parse().ok()?,
            })
        })
        .collect()
}

/// An answer as the lead unit gives it.
pub struct NewAnswer {
    pub result_class: String,
    pub content: String,
    pub official: String,
    pub promises: Vec<Promise>,
}

/// The lead unit answers (the first time, or again after an unsatisfied result). Roles: the lead
/// unit's department account. Errors: 404 (not the caller's); 403 `not_lead_unit` (a co-unit);
/// 409 `suggestion_not_awaiting_answer`; 422 `invalid_kind` (class), `invalid_text`.
pub async fn answer(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    a: NewAnswer,
) -> Result<View> {
    actor.require(Role::Department)?;
    let class = one_of("result_class", &a.result_class, &CLASSES)?;
    let content = parse_long_text("content", &a.content, 20_000, true)?;
    let official = parse_text("official", &a.official, 100)?;
    let mut promises = Vec::new();
    for p in &a.promises {
        promises.push(json!({"what": parse_text("promises", &p.what, 500)?, "by": p.by}));
    }
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    let status = Status::parse(&s.status)?;
    if !(status.handled() && is_unit(actor, &s)) {
        return Err(Error::not_found("suggestion"));
    }
    if s.lead_unit.as_deref() != actor.department.as_deref() {
        return Err(Error::forbidden(
            ErrorCode::NotLeadUnit,
            "the lead unit answers; a co-unit sends its opinion to the lead unit",
        ));
    }
    let round = match status {
        Status::Assigned => 1,
        Status::Reopened => 2,
        _ => {
            return Err(conflict(
                ErrorCode::SuggestionNotAwaitingAnswer,
                "this suggestion is not waiting for an answer",
            ));
        }
    };
    let today = crate::clock::today();
    suggestion_answers::ActiveModel {
        id: Set(Uuid::new_v4()),
        suggestion_id: Set(id),
        round: Set(round),
        result_class: Set(class.clone()),
        content: Set(content),
        official: Set(official),
        promises: Set(json!(promises).to_string()),
        answered_on: Set(today),
        answered_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let mut row: suggestions::ActiveModel = s.into();
    row.status = Set(Status::Answered.as_str().into());
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.answer", "suggestion", id)
            .with(json!({"round": round, "result_class": class})),
    )
    .await?;
    requests::lapse(&txn, id, None).await?;
    announce(&txn, EventType::SuggestionAnswered, &s).await?;
    txn.commit().await?;
    view(db, s).await
}

/// A signer's feedback on the latest answer. When every confirmed signer has given it: an
/// unsatisfied result after the first answer sends it back for a second answer due 1 month on;
/// otherwise it is closed. Roles: a confirmed signer. Errors: 404; 409
/// `suggestion_not_answered`, `feedback_given`; 422 `invalid_kind`.
pub async fn feedback(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    attitude: &str,
    result: &str,
    note: &str,
) -> Result<View> {
    let me = actor.require_deputy()?;
    let attitude = one_of("attitude", attitude, &RATINGS)?;
    let result = one_of("result", result, &RATINGS)?;
    let note = parse_long_text("note", note, 2000, false)?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    signer_row(&txn, id, me)
        .await?
        .filter(|r| r.confirmed_at.is_some())
        .ok_or_else(|| Error::not_found("suggestion"))?;
    if Status::parse(&s.status)? != Status::Answered {
        return Err(conflict(
            ErrorCode::SuggestionNotAnswered,
            "feedback follows an answer",
        ));
    }
    let round = suggestion_answers::Entity::find()
        .filter(suggestion_answers::Column::SuggestionId.eq(id))
        .count(&txn)
        .await? as i32;
    if suggestion_feedback::Entity::find_by_id((id, me, round))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(conflict(
            ErrorCode::FeedbackGiven,
            "you have given your feedback on this answer",
        ));
    }
    suggestion_feedback::ActiveModel {
        suggestion_id: Set(id),
        deputy_id: Set(me),
        round: Set(round),
        attitude: Set(attitude),
        result: Set(result),
        note: Set(note),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let signers = suggestion_signers::Entity::find()
        .filter(suggestion_signers::Column::SuggestionId.eq(id))
        .filter(suggestion_signers::Column::ConfirmedAt.is_not_null())
        .count(&txn)
        .await?;
    let given = suggestion_feedback::Entity::find()
        .filter(suggestion_feedback::Column::SuggestionId.eq(id))
        .filter(suggestion_feedback::Column::Round.eq(round))
        .all(&txn)
        .await?;
    let mut row: suggestions::ActiveModel = s.into();
    let mut next = None;
    if given.len() as u64 >= signers {
        let unsatisfied = given.iter().any(|f| f.result == "unsatisfied");
        if unsatisfied && round == 1 {
            row.status = Set(Status::Reopened.as_str().into());
            row.second_answer_due = Set(Some(calendar::add_months(
                crate::clock::today(),
                SECOND_ANSWER_MONTHS,
            )));
            next = Some(Status::Reopened);
        } else {
            row.status = Set(Status::Closed.as_str().into());
            next = Some(Status::Closed);
        }
    }
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.feedback", "suggestion", id)
            .with(json!({"round": round, "then": next.map(Status::as_str)})),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}

/// Writes a suggestion's step to the change feed: its number, title, status and lead unit (the
/// office's events; `suggestion.published` is public, and then the suggestion is).
async fn announce(
    txn: &sea_orm::DatabaseTransaction,
    t: EventType,
    s: &suggestions::Model,
) -> Result<()> {
    crate::feed::emit(
        txn,
        Change::new(t, "suggestion", s.id).with(json!({
            "number": s.number, "title": s.title, "status": s.status, "lead_unit": s.lead_unit,
        })),
    )
    .await?;
    Ok(())
}

/// Records the project proposal a suggestion became (a project with source `deputy`), so the
/// project shows where it came from. Roles: admin. Errors: 422 `unknown_project`.
pub async fn link_project(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    project_id: Uuid,
) -> Result<View> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    crate::projects::require_exists(&txn, project_id).await?;
    let mut row: suggestions::ActiveModel = s.into();
    row.project_id = Set(Some(project_id));
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.project", "suggestion", id)
            .with(json!({"project_id": project_id})),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}

/// The published suggestions a project came from: number and title, for its public page.
pub async fn of_project(db: &impl ConnectionTrait, project_id: Uuid) -> Result<Vec<(i64, String)>> {
    Ok(suggestions::Entity::find()
        .filter(suggestions::Column::ProjectId.eq(project_id))
        .filter(suggestions::Column::Published.eq(true))
        .order_by_asc(suggestions::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.number, s.title))
        .collect())
}

/// What the office changes on a suggestion; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct Flags {
    pub published: Option<bool>,
    /// 重点督办.
    pub key_supervision: Option<bool>,
    /// The leading official who supervises it (督办领导); empty clears it.
    pub supervisor: Option<String>,
}

/// Publishes an answered or closed suggestion, marks it 重点督办 and names the official who leads
/// its supervision. Roles: admin. Errors: 409 `suggestion_not_answered` (publishing before an
/// answer); 422 `invalid_text` (the official's name).
pub async fn set_flags(db: &DatabaseConnection, actor: &Actor, id: Uuid, f: Flags) -> Result<View> {
    actor.require_admin()?;
    let Flags {
        published,
        key_supervision,
        supervisor,
    } = f;
    let supervisor = supervisor
        .map(|x| parse_long_text("supervisor", &x, 100, false))
        .transpose()?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<suggestions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("suggestion"))?;
    let status = Status::parse(&s.status)?;
    let newly_published = published == Some(true) && !s.published;
    let was_published = s.published;
    if published == Some(true)
        && !matches!(status, Status::Answered | Status::Closed | Status::Reopened)
    {
        return Err(conflict(
            ErrorCode::SuggestionNotAnswered,
            "a suggestion is published with its answer",
        ));
    }
    let mut row: suggestions::ActiveModel = s.into();
    if let Some(p) = published {
        row.published = Set(p);
    }
    if let Some(k) = key_supervision {
        row.key_supervision = Set(k);
    }
    if let Some(name) = supervisor {
        row.supervisor = Set((!name.is_empty()).then_some(name));
    }
    row.updated_at = Set(Utc::now());
    let s = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.flags", "suggestion", id).with(json!({
            "published": s.published, "key_supervision": s.key_supervision,
            "supervisor": s.supervisor,
        })),
    )
    .await?;
    if newly_published {
        announce(&txn, EventType::SuggestionPublished, &s).await?;
    } else if was_published && !s.published {
        // The public feed said it was published; it says so no longer.
        announce(&txn, EventType::SuggestionUnpublished, &s).await?;
    }
    txn.commit().await?;
    view(db, s).await
}

/// The suggestions the caller may list, newest first: the office all; a deputy those they sign
/// (or are asked to); a unit those assigned to it; the public the published ones. `overdue_only`
/// keeps those past a deadline (交办 or answer) today.
pub async fn list(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    overdue_only: bool,
) -> Result<Vec<View>> {
    search(db, actor, overdue_only, "").await
}

/// As [`list`], keeping those whose title, text or units contain `words` (each of them, anywhere).
pub async fn search(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    overdue_only: bool,
    words: &str,
) -> Result<Vec<View>> {
    let mut find = suggestions::Entity::find().order_by_desc(suggestions::Column::Number);
    for w in words.split_whitespace().take(5) {
        let w: String = w.chars().take(50).collect();
        // `%` and `_` typed by a visitor are letters, not LIKE wildcards.
        let pattern = format!(
            "%{}%",
            w.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let like = |c: suggestions::Column| {
            sea_orm::sea_query::ExprTrait::like(
                sea_orm::sea_query::Expr::col(c),
                sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'),
            )
        };
        find = find.filter(
            sea_orm::Condition::any()
                .add(like(suggestions::Column::Title))
                .add(like(suggestions::Column::Content))
                .add(like(suggestions::Column::LeadUnit)),
        );
    }
    match actor.map(|a| (a.role, a)) {
        Some((Role::Admin, _)) => {}
        Some((Role::Deputy, a)) => {
            let mine: Vec<Uuid> = suggestion_signers::Entity::find()
                .filter(suggestion_signers::Column::DeputyId.eq(a.deputy_id.unwrap_or_default()))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.suggestion_id)
                .collect();
            find = find.filter(suggestions::Column::Id.is_in(mine));
        }
        Some((Role::Department, _)) => {
            find = find.filter(suggestions::Column::LeadUnit.is_not_null());
        }
        None => find = find.filter(suggestions::Column::Published.eq(true)),
    }
    let mut out = Vec::new();
    for s in find.all(db).await? {
        if let Some(a) = actor
            && a.role == Role::Department
            && !(is_unit(a, &s) && Status::parse(&s.status)?.handled())
        {
            continue;
        }
        let mut v = view(db, s).await?;
        redact(actor, &mut v);
        let overdue =
            v.assign_days_left.is_some_and(|d| d < 0) || v.answer_days_left.is_some_and(|d| d < 0);
        if !overdue_only || overdue {
            out.push(v);
        }
    }
    Ok(out)
}

/// One handling unit's year (as its lead unit): for the office's statistics and yearly report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitStats {
    pub unit: String,
    pub assigned: u32,
    /// Answered at least once.
    pub answered: u32,
    /// First answer on or before its deadline (as extended).
    pub on_time: u32,
    /// Not yet answered and past the deadline today.
    pub overdue: u32,
    /// First answers of class A, B, C, D.
    pub classes: [u32; 4],
    /// Signers' 办理结果 on the latest answer: satisfied, basically satisfied, unsatisfied.
    pub results: [u32; 3],
}

/// Per lead unit, the suggestions received in `year` (China Standard Time), units in name order.
/// Roles: admin.
pub async fn statistics(
    db: &DatabaseConnection,
    actor: &Actor,
    year: i32,
) -> Result<Vec<UnitStats>> {
    actor.require_admin()?;
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| Error::not_found("year"))?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::not_found("year"))?,
    );
    let rows = suggestions::Entity::find()
        .filter(suggestions::Column::SubmittedOn.between(from, to))
        .filter(suggestions::Column::LeadUnit.is_not_null())
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let answers = suggestion_answers::Entity::find()
        .filter(suggestion_answers::Column::SuggestionId.is_in(ids.clone()))
        .all(db)
        .await?;
    let feedback = suggestion_feedback::Entity::find()
        .filter(suggestion_feedback::Column::SuggestionId.is_in(ids))
        .all(db)
        .await?;
    let today = crate::clock::today();
    let mut by_unit: std::collections::BTreeMap<String, UnitStats> = Default::default();
    for s in rows {
        let unit = s.lead_unit.clone().unwrap_or_default();
        let st = by_unit.entry(unit.clone()).or_insert_with(|| UnitStats {
            unit,
            ..Default::default()
        });
        st.assigned += 1;
        let mine: Vec<&suggestion_answers::Model> =
            answers.iter().filter(|a| a.suggestion_id == s.id).collect();
        match mine.iter().find(|a| a.round == 1) {
            Some(first) => {
                st.answered += 1;
                if s.answer_due.is_some_and(|due| first.answered_on <= due) {
                    st.on_time += 1;
                }
                if let Some(i) = CLASSES.iter().position(|c| *c == first.result_class) {
                    st.classes[i] += 1;
                }
            }
            None => {
                if s.answer_due.is_some_and(|due| due < today) {
                    st.overdue += 1;
                }
            }
        }
        let latest = mine.iter().map(|a| a.round).max().unwrap_or(0);
        for f in feedback
            .iter()
            .filter(|f| f.suggestion_id == s.id && f.round == latest)
        {
            if let Some(i) = RATINGS.iter().position(|r| *r == f.result) {
                st.results[i] += 1;
            }
        }
    }
    Ok(by_unit.into_values().collect())
}
