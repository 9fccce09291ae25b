//! Livelihood projects (民生实事项目): their materials, and the office's hand-made status moves.
//! The status itself and the moves votes, follow-up and ratings make live in [`status`].

use crate::error::ErrorCode;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

pub mod status;

use crate::{
    Actor,
    entities::projects,
    error::{Error, Result},
    text::{Page, parse_text},
};

pub use status::{SOURCES, Status};

#[derive(Debug, Clone)]
pub struct ProjectInput {
    pub title: String,
    pub summary: String,
    pub category: String,
    pub department: String,
    pub budget_yuan: i64,
    pub year: i32,
    pub source: String,
    pub planned_completion: Option<NaiveDate>,
}

fn check(input: &ProjectInput) -> Result<ProjectInput> {
    crate::bounds::parse_yuan("budget_yuan", ErrorCode::InvalidBudget, input.budget_yuan)?;
    if !(2000..=2100).contains(&input.year) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidYear,
            "year",
            "the year must be between 2000 and 2100",
        ));
    }
    if !SOURCES.contains(&input.source.as_str()) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidSource,
            "source",
            "source is deputy, public or department",
        ));
    }
    let summary = crate::text::parse_long_text("summary", &input.summary, 5000, false)?;
    Ok(ProjectInput {
        title: parse_text("title", &input.title, 200)?,
        summary,
        category: parse_text("category", &input.category, 50)?,
        department: parse_text("department", &input.department, 100)?,
        ..input.clone()
    })
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: ProjectInput,
) -> Result<projects::Model> {
    actor.require_admin()?;
    let p = check(&input)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let created = projects::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(p.title),
        summary: Set(p.summary),
        category: Set(p.category),
        department: Set(p.department),
        budget_yuan: Set(p.budget_yuan),
        year: Set(p.year),
        source: Set(status::source_of(&p.source)?),
        planned_completion: Set(p.planned_completion),
        status: Set(Status::Proposed),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("project.create", "project", created.id).with(serde_json::json!({
            "title": created.title, "department": created.department,
            "budget_yuan": created.budget_yuan, "year": created.year,
            "source": created.source.as_str(),
        })),
    )
    .await?;
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(
            crate::vocabulary::EventType::ProjectProposed,
            "project",
            created.id,
        )
        .project(created.id)
        .with(serde_json::json!({"title": created.title, "year": created.year})),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Logged-in users read every project; the public reads adopted projects and later only.
fn may_read(actor: Option<&Actor>, p: &projects::Model) -> Result<bool> {
    Ok(actor.is_some() || status::of(p)?.is_public())
}

pub async fn get(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<projects::Model> {
    let p = projects::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("project"))?;
    if !may_read(actor, &p)? {
        return Err(Error::not_found("project"));
    }
    Ok(p)
}

pub async fn list(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    year: Option<i32>,
    status: Option<Status>,
    limit: u64,
    offset: u64,
) -> Result<Page<projects::Model>> {
    let mut q = projects::Entity::find();
    if let Some(y) = year {
        q = q.filter(projects::Column::Year.eq(y));
    }
    if let Some(s) = status {
        q = q.filter(projects::Column::Status.eq(s.as_str()));
    }
    if actor.is_none() {
        let public: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| s.is_public())
            .map(|s| s.as_str())
            .collect();
        q = q.filter(projects::Column::Status.is_in(public));
    }
    let total = q.clone().count(db).await?;
    let items = q
        .order_by_desc(projects::Column::Year)
        .order_by_asc(projects::Column::CreatedAt)
        .order_by_asc(projects::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok(Page { items, total })
}

#[derive(Debug, Default)]
pub struct ProjectChange {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub category: Option<String>,
    pub department: Option<String>,
    pub budget_yuan: Option<i64>,
    pub year: Option<i32>,
    pub source: Option<String>,
    pub planned_completion: Option<NaiveDate>,
    pub status: Option<Status>,
}

/// Edits materials while the project is proposed, a candidate or in the reserve (after adoption the
/// budget, department and dates are the baseline), and makes the hand-made status moves.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    change: ProjectChange,
) -> Result<projects::Model> {
    actor.require_admin()?;
    // Locked, so a completion cannot slip past a problem being raised at the same moment.
    let txn = crate::db::begin_write(db).await?;
    let current = crate::db::find_locked::<projects::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("project"))?;
    let status = status::of(&current)?;
    let edits_materials = change.title.is_some()
        || change.summary.is_some()
        || change.category.is_some()
        || change.department.is_some()
        || change.budget_yuan.is_some()
        || change.year.is_some()
        || change.source.is_some()
        || change.planned_completion.is_some();
    if edits_materials && !status.may_stand() {
        return Err(Error::conflict(
            ErrorCode::ProjectFrozen,
            "an adopted project's materials are its baseline and cannot change",
        ));
    }
    if edits_materials && crate::votes::service::in_active_vote(&txn, id).await? {
        return Err(Error::conflict(
            ErrorCode::ProjectInVote,
            "the project is a candidate of a vote that has opened",
        ));
    }
    let merged = check(&ProjectInput {
        title: change.title.unwrap_or(current.title.clone()),
        summary: change.summary.unwrap_or(current.summary.clone()),
        category: change.category.unwrap_or(current.category.clone()),
        department: change.department.unwrap_or(current.department.clone()),
        budget_yuan: change.budget_yuan.unwrap_or(current.budget_yuan),
        year: change.year.unwrap_or(current.year),
        source: change.source.unwrap_or(current.source.as_str().to_owned()),
        planned_completion: change.planned_completion.or(current.planned_completion),
    })?;
    let mut row: projects::ActiveModel = current.into();
    if let Some(to) = change.status
        && to != status
    {
        if !status.may_move_to(to) {
            return Err(Error::conflict(
                ErrorCode::InvalidStatusChange,
                format!(
                    "a project cannot move from {} to {} by hand",
                    status.as_str(),
                    to.as_str()
                ),
            ));
        }
        if to == Status::Completed {
            crate::followup::view::check_completion(&txn, id).await?;
        }
        row.status = Set(to);
    }
    row.title = Set(merged.title);
    row.summary = Set(merged.summary);
    row.category = Set(merged.category);
    row.department = Set(merged.department);
    row.budget_yuan = Set(merged.budget_yuan);
    row.year = Set(merged.year);
    row.source = Set(status::source_of(&merged.source)?);
    row.planned_completion = Set(merged.planned_completion);
    row.updated_at = Set(Utc::now());
    let updated = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("project.update", "project", id).with(serde_json::json!({
            "status": updated.status.as_str(), "title": updated.title,
            "department": updated.department, "budget_yuan": updated.budget_yuan,
        })),
    )
    .await?;
    if updated.status == Status::Completed && status != Status::Completed {
        crate::feed::emit(
            &txn,
            crate::feed::Change::new(
                crate::vocabulary::EventType::ProjectCompleted,
                "project",
                id,
            )
            .project(id)
            .with(serde_json::json!({"title": updated.title, "department": updated.department})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(updated)
}

/// That a project with this id exists, for a record that names one (a suggestion or a station's
/// opinion it became). Errors: 422 `unknown_project`, naming `project_id`.
pub async fn require_exists(db: &impl ConnectionTrait, id: Uuid) -> Result<()> {
    match projects::Entity::find_by_id(id).one(db).await? {
        Some(_) => Ok(()),
        None => Err(Error::invalid_field(
            ErrorCode::UnknownProject,
            "project_id",
            "no project has this id",
        )),
    }
}
