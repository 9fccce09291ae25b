//! Who may do what on a project's follow-up. One place for the permission matrix:
//!
//! | action | admin | department of the project | member of the project's group | other deputy | public |
//! |---|---|---|---|---|---|
//! | milestones | yes | yes | no | no | no |
//! | progress report, rectification | no | yes | no | no | no |
//! | inspection, raise / verify / send back a problem | no | no | yes | no | no |
//! | escalation | yes | no | no | no | no |
//! | read follow-up and timeline | yes | yes | yes | yes | adopted projects only (a reserve project: 409, why) |
//!
//! Every write on a completed project is refused (`project_completed`, [`writable_project`]).

use crate::error::ErrorCode;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use crate::{
    Actor, Role, db,
    entities::{
        project_baselines, projects, supervision_group_members, supervision_group_projects,
    },
    error::{Error, Result},
    projects::status::{self as project_status, Status},
};

/// The project, if it is under follow-up (adopted, in progress or completed).
pub async fn followed_project(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<projects::Model> {
    let p = projects::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("project"))?;
    let status = project_status::of(&p)?;
    if !status.is_public() {
        return Err(Error::conflict(
            ErrorCode::ProjectNotAdopted,
            not_followed_because(status),
        ));
    }
    Ok(p)
}

/// Why a project that is not adopted has no follow-up, in the words of its status.
fn not_followed_because(status: Status) -> String {
    match status {
        Status::Reserve => "the vote did not adopt this project: it went back to the reserve \
                            (储备库), and only adopted projects are followed up"
            .into(),
        s => format!(
            "the project is {}; its follow-up starts when a published vote adopts it",
            s.as_str()
        ),
    }
}

/// The project, locked for the rest of the transaction, if its follow-up may still be written.
/// One rule for every follow-up write — milestones, progress reports, inspections, problems and
/// their steps, escalations: a completed project's record is closed, and a write is refused with
/// 409 `project_completed` (nothing reopens it: completion is final). The lock orders the write
/// against a completion running at the same moment, which locks the same row.
pub async fn writable_project(
    txn: &DatabaseTransaction,
    project_id: Uuid,
) -> Result<projects::Model> {
    db::find_locked::<projects::Entity>(txn, project_id).await?;
    let p = followed_project(txn, project_id).await?;
    if project_status::of(&p)? == Status::Completed {
        return Err(Error::conflict(
            ErrorCode::ProjectCompleted,
            "the project is completed; its follow-up record is closed",
        ));
    }
    // Every follow-up write passes here: one counter tells kept copies of the board they are
    // stale (it rolls back with the write when the write fails).
    txn.execute_unprepared("UPDATE follow_up_version SET version = version + 1 WHERE id = 1")
        .await?;
    Ok(p)
}

/// A project's follow-up, for reading: logged-in callers learn that a project is not adopted yet
/// (409 `project_not_adopted`, saying why). The public learns it of a project in the reserve — a
/// published vote's results already name it — and of no other: a proposal or a candidate does not
/// exist for it (404).
pub async fn readable_project(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    project_id: Uuid,
) -> Result<projects::Model> {
    match followed_project(db, project_id).await {
        Err(Error::Conflict { code, .. })
            if actor.is_none() && code == ErrorCode::ProjectNotAdopted.as_str() =>
        {
            let p = projects::Entity::find_by_id(project_id)
                .one(db)
                .await?
                .ok_or_else(|| Error::not_found("project"))?;
            Err(match project_status::of(&p)? {
                Status::Reserve => Error::conflict(
                    ErrorCode::ProjectNotAdopted,
                    not_followed_because(Status::Reserve),
                ),
                _ => Error::not_found("project"),
            })
        }
        other => other,
    }
}

/// The responsible department: the baseline's once frozen, else the project's.
pub async fn responsible_department(
    db: &impl ConnectionTrait,
    project: &projects::Model,
) -> Result<String> {
    Ok(project_baselines::Entity::find_by_id(project.id)
        .one(db)
        .await?
        .map(|b| b.department)
        .unwrap_or_else(|| project.department.clone()))
}

pub fn is_department(actor: &Actor, department: &str) -> bool {
    actor.role == Role::Department && actor.department.as_deref() == Some(department)
}

pub async fn require_department(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project: &projects::Model,
) -> Result<()> {
    let dept = responsible_department(db, project).await?;
    if is_department(actor, &dept) {
        Ok(())
    } else {
        Err(Error::forbidden(
            ErrorCode::NotResponsibleDepartment,
            format!("only {dept} reports on this project"),
        ))
    }
}

pub async fn require_admin_or_department(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project: &projects::Model,
) -> Result<()> {
    if actor.role == Role::Admin {
        return Ok(());
    }
    require_department(db, actor, project).await
}

/// Whether the deputy belongs to a supervision group that follows the project.
pub async fn is_group_member(
    db: &impl ConnectionTrait,
    deputy_id: Uuid,
    project_id: Uuid,
) -> Result<bool> {
    let groups: Vec<Uuid> = supervision_group_projects::Entity::find()
        .filter(supervision_group_projects::Column::ProjectId.eq(project_id))
        .select_only()
        .column(supervision_group_projects::Column::GroupId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(supervision_group_members::Entity::find()
        .filter(supervision_group_members::Column::GroupId.is_in(groups))
        .filter(supervision_group_members::Column::DeputyId.eq(deputy_id))
        .count(db)
        .await?
        > 0)
}

pub async fn require_group_member(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: Uuid,
) -> Result<()> {
    let member = match actor.deputy_id {
        Some(d) => is_group_member(db, d, project_id).await?,
        None => false,
    };
    if member {
        Ok(())
    } else {
        Err(Error::forbidden(
            ErrorCode::NotGroupMember,
            "only members of a supervision group following this project may do this",
        ))
    }
}
