//! Inspections by supervision groups, the three lists 问题 → 责任 → 整改 (a problem, the department
//! responsible, its rectification, verified or sent back), and escalations. Every step of a problem
//! is kept with who took it and when.

use crate::error::ErrorCode;
use crate::vocabulary::EventType;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::access::{
    is_department, require_group_member, responsible_department, writable_project,
};
use crate::{
    Actor, db,
    entities::{escalations, inspections, problem_events, problems},
    error::{Error, Result},
    text::parse_text,
};

fn long_text(field: &str, raw: &str, max: usize) -> Result<String> {
    crate::text::parse_long_text(field, raw, max, true)
}

/// A word of the vocabulary `T`, or the `invalid_kind` error naming the words allowed.
fn one_of<T>(field: &str, value: &str) -> Result<T>
where
    T: Copy + sea_orm::Iterable + sea_orm::ActiveEnum<Value = String>,
{
    T::iter().find(|v| v.to_value() == value).ok_or_else(|| {
        let words: Vec<String> = T::iter().map(|v| v.to_value()).collect();
        Error::invalid_field(
            ErrorCode::InvalidKind,
            field,
            format!("{field} is one of {}", words.join(", ")),
        )
    })
}

pub struct NewInspection {
    pub kind: String,
    pub held_on: NaiveDate,
    pub location: String,
    pub participants: String,
    pub findings: String,
    /// Photos or PDFs, stored with the inspection in one transaction ([`crate::attachments`]).
    pub attachments: Vec<crate::attachments::PreparedFile>,
}

pub async fn record_inspection(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    i: NewInspection,
) -> Result<inspections::Model> {
    let txn = db::begin_write(db).await?;
    writable_project(&txn, project_id).await?;
    require_group_member(&txn, actor, project_id).await?;
    let created = inspections::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        kind: Set(one_of("kind", &i.kind)?),
        held_on: Set(i.held_on),
        location: Set(parse_text("location", &i.location, 200)?),
        participants: Set(long_text("participants", &i.participants, 2000)?),
        findings: Set(long_text("findings", &i.findings, 5000)?),
        recorded_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::attachments::store(
        &txn,
        actor,
        project_id,
        AttachmentRecord::Inspection,
        created.id,
        i.attachments,
    )
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("inspection.record", "project", project_id).with(json!({
            "inspection_id": created.id, "kind": created.kind.as_str(), "held_on": created.held_on,
        })),
    )
    .await?;
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(EventType::InspectionRecorded, "inspection", created.id)
            .project(project_id)
            .with(json!({"kind": created.kind.as_str(), "held_on": created.held_on})),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn inspections_of(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Vec<inspections::Model>> {
    Ok(inspections::Entity::find()
        .filter(inspections::Column::ProjectId.eq(project_id))
        .order_by_asc(inspections::Column::HeldOn)
        .order_by_asc(inspections::Column::CreatedAt)
        .all(db)
        .await?)
}

pub use crate::vocabulary::ProblemStatus;
use crate::vocabulary::{AttachmentRecord, ProblemEventKind};

/// A step on a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemAction {
    /// The responsible department reports its rectification (整改).
    Rectify,
    /// A group member confirms the rectification; the problem closes.
    Verify,
    /// A group member finds the rectification insufficient; the problem reopens.
    SendBack,
}

pub struct NewProblem {
    pub description: String,
    pub severity: String,
    /// Defaults to the project's responsible department.
    pub responsible_department: Option<String>,
    pub deadline: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct ProblemView {
    pub problem: problems::Model,
    pub events: Vec<problem_events::Model>,
}

async fn event(
    db: &impl ConnectionTrait,
    problem_id: Uuid,
    kind: ProblemEventKind,
    note: &str,
    actor: &Actor,
) -> Result<Uuid> {
    let id = Uuid::new_v4();
    problem_events::ActiveModel {
        id: Set(id),
        problem_id: Set(problem_id),
        kind: Set(kind),
        note: Set(note.trim().to_owned()),
        actor_id: Set(actor.account_id),
        actor_role: Set(actor.role),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(id)
}

async fn problem_view(db: &impl ConnectionTrait, problem: problems::Model) -> Result<ProblemView> {
    let events = problem_events::Entity::find()
        .filter(problem_events::Column::ProblemId.eq(problem.id))
        .order_by_asc(problem_events::Column::CreatedAt)
        .order_by_asc(problem_events::Column::Id)
        .all(db)
        .await?;
    Ok(ProblemView { problem, events })
}

pub async fn raise_problem(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    p: NewProblem,
) -> Result<ProblemView> {
    let description = long_text("description", &p.description, 5000)?;
    let txn = db::begin_write(db).await?;
    // Locked like a completion is, so the two cannot cross.
    let project = writable_project(&txn, project_id).await?;
    require_group_member(&txn, actor, project_id).await?;
    let department = match p.responsible_department.as_deref() {
        Some(d) => parse_text("responsible_department", d, 100)?,
        None => responsible_department(&txn, &project).await?,
    };
    let problem = problems::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        description: Set(description.clone()),
        severity: Set(one_of("severity", &p.severity)?),
        responsible_department: Set(department),
        deadline: Set(p.deadline),
        status: Set(ProblemStatus::Open),
        raised_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
        closed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    event(
        &txn,
        problem.id,
        ProblemEventKind::Raised,
        &description,
        actor,
    )
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("problem.raise", "problem", problem.id).with(json!({
            "project_id": project_id, "severity": problem.severity.as_str(),
            "responsible_department": problem.responsible_department,
            "deadline": problem.deadline,
        })),
    )
    .await?;
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(EventType::ProblemRaised, "problem", problem.id)
            .project(project_id)
            .with(json!({
                "severity": problem.severity.as_str(),
                "responsible_department": problem.responsible_department,
                "deadline": problem.deadline, "status": problem.status.as_str(),
            })),
    )
    .await?;
    txn.commit().await?;
    problem_view(db, problem).await
}

/// Rectify (the responsible department), verify or send back (a member of the project's group).
/// `files` (photos of the 整改, of the re-inspection) are stored on the step in the same
/// transaction.
pub async fn act_on_problem(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    action: ProblemAction,
    note: &str,
    files: Vec<crate::attachments::PreparedFile>,
) -> Result<ProblemView> {
    // The text rule of every note (no control characters but line breaks and tabs), empty allowed
    // except for a rectification, checked below.
    let note = &crate::text::parse_long_text("note", note, 5000, false)?;
    let txn = db::begin_write(db).await?;
    // Locked: two members verifying at once, or a verify racing a send-back, take turns.
    let problem = db::find_locked::<problems::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("problem"))?;
    writable_project(&txn, problem.project_id).await?;
    let status = problem.status;
    let (next, kind) = match action {
        ProblemAction::Rectify => {
            if !is_department(actor, &problem.responsible_department) {
                return Err(Error::forbidden(
                    ErrorCode::NotResponsibleDepartment,
                    format!(
                        "only {} rectifies this problem",
                        problem.responsible_department
                    ),
                ));
            }
            if note.trim().is_empty() {
                return Err(Error::invalid_field(
                    ErrorCode::InvalidText,
                    "note",
                    "describe the rectification",
                ));
            }
            if status != ProblemStatus::Open {
                return Err(Error::conflict(
                    ErrorCode::ProblemNotOpen,
                    "only an open problem can be rectified",
                ));
            }
            (ProblemStatus::Rectified, ProblemEventKind::Rectified)
        }
        ProblemAction::Verify | ProblemAction::SendBack => {
            require_group_member(&txn, actor, problem.project_id).await?;
            if status != ProblemStatus::Rectified {
                return Err(Error::conflict(
                    ErrorCode::ProblemNotRectified,
                    "verify or send back a problem after its rectification",
                ));
            }
            if action == ProblemAction::Verify {
                (ProblemStatus::Closed, ProblemEventKind::Verified)
            } else {
                (ProblemStatus::Open, ProblemEventKind::SentBack)
            }
        }
    };
    let mut row: problems::ActiveModel = problem.into();
    row.status = Set(next);
    row.closed_at = Set((next == ProblemStatus::Closed).then(Utc::now));
    let problem = row.update(&txn).await?;
    let step = event(&txn, id, kind, note, actor).await?;
    crate::attachments::store(
        &txn,
        actor,
        problem.project_id,
        AttachmentRecord::ProblemStep,
        step,
        files,
    )
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("problem.step", "problem", id).with(json!({
            "step": kind.as_str(), "status": {"from": status.as_str(), "to": next.as_str()},
        })),
    )
    .await?;
    let event_type = match kind {
        ProblemEventKind::Rectified => EventType::ProblemRectified,
        ProblemEventKind::SentBack => EventType::ProblemReopened,
        _ => EventType::ProblemClosed,
    };
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(event_type, "problem", id)
            .project(problem.project_id)
            .with(json!({"status": next.as_str(), "step": kind.as_str()})),
    )
    .await?;
    txn.commit().await?;
    problem_view(db, problem).await
}

/// One problem with its history, readable as its project's follow-up is.
pub async fn get_problem(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<ProblemView> {
    let p = problems::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("problem"))?;
    super::access::readable_project(db, actor, p.project_id).await?;
    problem_view(db, p).await
}

pub async fn problems_of(db: &impl ConnectionTrait, project_id: Uuid) -> Result<Vec<ProblemView>> {
    let rows = problems::Entity::find()
        .filter(problems::Column::ProjectId.eq(project_id))
        .order_by_asc(problems::Column::CreatedAt)
        .order_by_asc(problems::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        out.push(problem_view(db, p).await?);
    }
    Ok(out)
}

pub struct NewEscalation {
    pub kind: String,
    pub held_on: NaiveDate,
    pub note: String,
}

/// The congress office records 询问 / 约见 / 质询 / 特定问题调查 on a stalled project.
pub async fn record_escalation(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    e: NewEscalation,
) -> Result<escalations::Model> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    writable_project(&txn, project_id).await?;
    let created = escalations::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        kind: Set(one_of("kind", &e.kind)?),
        held_on: Set(e.held_on),
        note: Set(long_text("note", &e.note, 5000)?),
        recorded_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("escalation.record", "project", project_id).with(json!({
            "escalation_id": created.id, "kind": created.kind.as_str(), "held_on": created.held_on,
        })),
    )
    .await?;
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(EventType::EscalationRecorded, "escalation", created.id)
            .project(project_id)
            .with(json!({"kind": created.kind.as_str(), "held_on": created.held_on})),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn escalations_of(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Vec<escalations::Model>> {
    Ok(escalations::Entity::find()
        .filter(escalations::Column::ProjectId.eq(project_id))
        .order_by_asc(escalations::Column::HeldOn)
        .order_by_asc(escalations::Column::CreatedAt)
        .all(db)
        .await?)
}
