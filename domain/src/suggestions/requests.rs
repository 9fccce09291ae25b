//! A handling unit's requests about a suggestion assigned to it, and the office's decisions:
//!
//! - **Send back** (退回): a unit that finds it is not its matter asks within 7 working days of
//!   assignment. Approved for the lead unit, the suggestion waits to be assigned again (due 7
//!   working days on); approved for a co-unit, that unit leaves it. Only the office reassigns.
//! - **Extension** (延期): the lead unit asks for the one extension (at most 3 months, with a
//!   reason); approved, the deadline moves as [`super::extend`] moves it.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    ASSIGN_WITHIN_WORKING_DAYS, Status, View, apply_extension, check_extension, is_unit, lock,
    units, view,
};
use crate::{
    Actor, calendar, db,
    entities::{suggestion_requests, suggestions},
    error::{Error, ErrorCode, Result},
    text::parse_long_text,
    vocabulary::Role,
};

/// What a unit asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Send it back: not this unit's matter.
    Return,
    /// Move the answer's deadline to the date asked.
    Extension(NaiveDate),
}

impl Kind {
    /// `return`, or `extension` with the date asked. Errors: `invalid_kind`; `invalid_date` (an
    /// extension without a date).
    pub fn parse(kind: &str, until: Option<NaiveDate>) -> Result<Kind> {
        match (kind, until) {
            ("return", _) => Ok(Kind::Return),
            ("extension", Some(d)) => Ok(Kind::Extension(d)),
            ("extension", None) => Err(Error::invalid_field(
                ErrorCode::InvalidDate,
                "until",
                "an extension names the deadline asked for",
            )),
            _ => Err(Error::invalid_field(
                ErrorCode::InvalidKind,
                "kind",
                "kind is one of return, extension",
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Kind::Return => "return",
            Kind::Extension(_) => "extension",
        }
    }
}

/// A unit asks (roles: a department account of one of its units; an extension, the lead unit
/// only). Errors: 404 (not the caller's); 403 `not_lead_unit` (an extension asked by a co-unit);
/// 409 `suggestion_not_assigned`, `request_pending` (the same unit's request waits),
/// `request_too_late` (a send-back more than 7 working days after assignment), `extension_used`;
/// 422 `invalid_date` (the extension's date), `invalid_text` (the reason).
pub async fn ask(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    kind: Kind,
    reason: &str,
) -> Result<View> {
    actor.require(Role::Department)?;
    let reason = parse_long_text("reason", reason, 500, true)?;
    let unit = actor.department.clone().unwrap_or_default();
    let txn = db::begin_write(db).await?;
    let s = lock(&txn, id).await?;
    let status = Status::parse(&s.status)?;
    if !(status.handled() && is_unit(actor, &s)) {
        return Err(Error::not_found("suggestion"));
    }
    if status != Status::Assigned {
        return Err(Error::conflict(
            ErrorCode::SuggestionNotAssigned,
            "requests are made while the answer is awaited",
        ));
    }
    match kind {
        Kind::Return => {
            let assigned = s
                .assigned_on
                .ok_or_else(|| Error::Internal("assigned without a date".into()))?;
            let last = calendar::around(&txn, assigned)
                .await?
                .add_working_days(assigned, ASSIGN_WITHIN_WORKING_DAYS);
            if crate::clock::today() > last {
                return Err(Error::conflict(
                    ErrorCode::RequestTooLate,
                    format!(
                        "a unit asks to send a suggestion back by {last}, 7 working days after assignment"
                    ),
                ));
            }
        }
        Kind::Extension(until) => {
            if s.lead_unit.as_deref() != Some(unit.as_str()) {
                return Err(Error::forbidden(
                    ErrorCode::NotLeadUnit,
                    "the lead unit asks for the extension",
                ));
            }
            check_extension(&s, until)?;
        }
    }
    let pending = suggestion_requests::Entity::find()
        .filter(suggestion_requests::Column::SuggestionId.eq(id))
        .filter(suggestion_requests::Column::Unit.eq(&unit))
        .filter(suggestion_requests::Column::Status.eq("pending"))
        .count(&txn)
        .await?;
    if pending > 0 {
        return Err(Error::conflict(
            ErrorCode::RequestPending,
            "your unit's request on this suggestion waits for the office",
        ));
    }
    let r = suggestion_requests::ActiveModel {
        id: Set(Uuid::new_v4()),
        suggestion_id: Set(id),
        kind: Set(kind.as_str().into()),
        unit: Set(unit.clone()),
        reason: Set(reason),
        until: Set(match kind {
            Kind::Extension(d) => Some(d),
            Kind::Return => None,
        }),
        status: Set("pending".into()),
        decision_note: Set(None),
        created_at: Set(Utc::now()),
        decided_at: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.request", "suggestion", id)
            .with(json!({"request_id": r.id, "kind": r.kind, "unit": unit, "until": r.until})),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}

/// The office approves or refuses a unit's request (a refusal gives its reason in `note`).
/// Roles: admin. Errors: 404 (no such request on this suggestion); 409 `request_not_pending`,
/// and when approving, the errors of the step it approves (`suggestion_not_assigned`,
/// `extension_used`, `invalid_date`); 422 `invalid_text` (a refusal without a reason).
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    request_id: Uuid,
    approve: bool,
    note: &str,
) -> Result<View> {
    actor.require_admin()?;
    let note = parse_long_text("note", note, 500, !approve)?;
    let txn = db::begin_write(db).await?;
    let mut s = lock(&txn, id).await?;
    let r = suggestion_requests::Entity::find_by_id(request_id)
        .one(&txn)
        .await?
        .filter(|r| r.suggestion_id == id)
        .ok_or_else(|| Error::not_found("request"))?;
    if r.status != "pending" {
        return Err(Error::conflict(
            ErrorCode::RequestNotPending,
            "this request has been decided, or lapsed when the suggestion moved on",
        ));
    }
    if approve {
        // A request speaks for a unit of the current assignment only.
        if !(s.lead_unit.as_deref() == Some(r.unit.as_str()) || units(&s).contains(&r.unit)) {
            return Err(Error::conflict(
                ErrorCode::RequestNotPending,
                "the unit that asked no longer handles this suggestion",
            ));
        }
        s = match r.until {
            Some(until) => apply_extension(&txn, actor, s, until, &r.reason).await?,
            None => send_back(&txn, s, &r.unit).await?,
        };
    }
    let kind = r.kind.clone();
    let mut row: suggestion_requests::ActiveModel = r.into();
    row.status = Set(if approve { "approved" } else { "refused" }.into());
    row.decision_note = Set((!note.is_empty()).then_some(note));
    row.decided_at = Set(Some(Utc::now()));
    row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("suggestion.decide", "suggestion", id)
            .with(json!({"request_id": request_id, "kind": kind, "approved": approve})),
    )
    .await?;
    txn.commit().await?;
    view(db, s).await
}

/// An approved send-back: the lead unit's returns the suggestion to the office's queue, a
/// co-unit's removes that unit.
async fn send_back(
    txn: &sea_orm::DatabaseTransaction,
    s: suggestions::Model,
    unit: &str,
) -> Result<suggestions::Model> {
    if Status::parse(&s.status)? != Status::Assigned {
        return Err(Error::conflict(
            ErrorCode::SuggestionNotAssigned,
            "the suggestion is no longer waiting for its answer",
        ));
    }
    let lead = s.lead_unit.as_deref() == Some(unit);
    if lead {
        // Back to the office's queue: every other unit's waiting request lapses with it.
        lapse(txn, s.id, None).await?;
    }
    let co: Vec<String> = units(&s).into_iter().filter(|u| u != unit).collect();
    let mut row: suggestions::ActiveModel = s.into();
    if lead {
        let today = crate::clock::today();
        row.status = Set(Status::Submitted.as_str().into());
        row.lead_unit = Set(None);
        row.co_units = Set("[]".into());
        row.assigned_on = Set(None);
        row.answer_due = Set(None);
        row.extension_reason = Set(None);
        row.broad = Set(false);
        row.assign_by = Set(Some(
            calendar::around(txn, today)
                .await?
                .add_working_days(today, ASSIGN_WITHIN_WORKING_DAYS),
        ));
    } else {
        row.co_units = Set(json!(co).to_string());
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(txn).await?)
}

/// Closes the waiting requests of a suggestion that moved on (answered, sent back, withdrawn, or
/// extended by the office directly): status `lapsed`, so none is approved later against another
/// assignment. `kind` limits it to one kind.
pub(super) async fn lapse(
    txn: &sea_orm::DatabaseTransaction,
    id: Uuid,
    kind: Option<&str>,
) -> Result<()> {
    let mut q = suggestion_requests::Entity::update_many()
        .col_expr(
            suggestion_requests::Column::Status,
            sea_orm::sea_query::Expr::value("lapsed"),
        )
        .col_expr(
            suggestion_requests::Column::DecidedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(suggestion_requests::Column::SuggestionId.eq(id))
        .filter(suggestion_requests::Column::Status.eq("pending"));
    if let Some(k) = kind {
        q = q.filter(suggestion_requests::Column::Kind.eq(k));
    }
    q.exec(txn).await?;
    Ok(())
}
