//! The baseline frozen at adoption, milestones (节点) and progress reports.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::access::{followed_project, require_admin_or_department, require_department};
use crate::{
    Actor,
    accounts::parse_text,
    db,
    entities::{milestones, progress_reports, project_baselines, projects},
    error::{Error, Result},
    projects::Status,
};

/// Freezes budget, department and planned completion of newly adopted projects, as of `today`.
/// Called inside the transaction that publishes the vote.
pub async fn freeze_baselines(
    db: &impl ConnectionTrait,
    project_ids: &[Uuid],
    today: NaiveDate,
) -> Result<()> {
    for p in projects::Entity::find()
        .filter(projects::Column::Id.is_in(project_ids.to_vec()))
        .all(db)
        .await?
    {
        if project_baselines::Entity::find_by_id(p.id)
            .one(db)
            .await?
            .is_some()
        {
            continue;
        }
        let planned = p
            .planned_completion
            .or_else(|| NaiveDate::from_ymd_opt(p.year, 12, 31))
            .unwrap_or(today);
        project_baselines::ActiveModel {
            project_id: Set(p.id),
            budget_yuan: Set(p.budget_yuan),
            department: Set(p.department),
            started_on: Set(today.min(planned)),
            planned_completion: Set(planned),
            frozen_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub struct NewMilestone {
    pub title: String,
    pub due_on: NaiveDate,
}

pub async fn add_milestone(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    m: NewMilestone,
) -> Result<milestones::Model> {
    let project = followed_project(db, project_id).await?;
    require_admin_or_department(db, actor, &project).await?;
    Ok(milestones::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        title: Set(parse_text("title", &m.title, 200)?),
        due_on: Set(m.due_on),
        done_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

#[derive(Default)]
pub struct MilestoneChange {
    pub title: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// `Some(None)` clears the done date.
    pub done_on: Option<Option<NaiveDate>>,
}

pub async fn update_milestone(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    c: MilestoneChange,
) -> Result<milestones::Model> {
    let m = milestones::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("milestone"))?;
    let project = followed_project(db, m.project_id).await?;
    require_admin_or_department(db, actor, &project).await?;
    let mut row: milestones::ActiveModel = m.into();
    if let Some(t) = &c.title {
        row.title = Set(parse_text("title", t, 200)?);
    }
    if let Some(d) = c.due_on {
        row.due_on = Set(d);
    }
    if let Some(done) = c.done_on {
        row.done_on = Set(done);
    }
    Ok(row.update(db).await?)
}

pub async fn milestones_of(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Vec<milestones::Model>> {
    Ok(milestones::Entity::find()
        .filter(milestones::Column::ProjectId.eq(project_id))
        .order_by_asc(milestones::Column::DueOn)
        .order_by_asc(milestones::Column::CreatedAt)
        .all(db)
        .await?)
}

pub struct NewProgress {
    /// The period reported on, e.g. `2027-05` or `2027-Q2`.
    pub period: String,
    pub percent_complete: i32,
    pub spent_yuan: i64,
    pub note: String,
}

/// A progress report by the project's responsible department. The first one moves an adopted
/// project to `in_progress`.
pub async fn report_progress(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    r: NewProgress,
) -> Result<progress_reports::Model> {
    let project = followed_project(db, project_id).await?;
    require_department(db, actor, &project).await?;
    if !(0..=100).contains(&r.percent_complete) {
        return Err(Error::invalid_field(
            "invalid_percent",
            "percent_complete",
            "percent complete is 0 to 100",
        ));
    }
    if r.spent_yuan < 0 {
        return Err(Error::invalid_field(
            "invalid_amount",
            "spent_yuan",
            "money spent is a whole number of yuan, not negative",
        ));
    }
    if r.note.chars().count() > 5000 {
        return Err(Error::invalid_field(
            "invalid_text",
            "note",
            "the note has at most 5000 characters",
        ));
    }
    let period = parse_text("period", &r.period, 20)?;
    let today = crate::clock::today();
    let txn = db::begin_write(db).await?;
    let report = progress_reports::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        period: Set(period),
        reported_on: Set(today),
        percent_complete: Set(r.percent_complete),
        spent_yuan: Set(r.spent_yuan),
        note: Set(r.note.trim().to_owned()),
        reported_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    if project.status == Status::Adopted.as_str() {
        let mut row: projects::ActiveModel = project.into();
        row.status = Set(Status::InProgress.as_str().to_owned());
        row.updated_at = Set(Utc::now());
        row.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(report)
}

pub async fn reports_of(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Vec<progress_reports::Model>> {
    Ok(progress_reports::Entity::find()
        .filter(progress_reports::Column::ProjectId.eq(project_id))
        .order_by_asc(progress_reports::Column::CreatedAt)
        .order_by_asc(progress_reports::Column::Id)
        .all(db)
        .await?)
}

/// The most recent report, if any.
pub async fn latest_report(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Option<progress_reports::Model>> {
    Ok(reports_of(db, project_id).await?.pop())
}
