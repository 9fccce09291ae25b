//! Supervision groups (监督组): name, year, leader, deputy members, and the adopted projects they follow.

use crate::error::ErrorCode;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Actor, Role, db,
    entities::{
        deputies, projects, supervision_group_members, supervision_group_projects,
        supervision_groups,
    },
    error::{Error, Result},
    projects::status as project_status,
    text::parse_text,
};

#[derive(Debug, Clone)]
pub struct GroupView {
    pub group: supervision_groups::Model,
    pub member_ids: Vec<Uuid>,
    pub project_ids: Vec<Uuid>,
}

pub struct GroupInput {
    pub name: String,
    pub year: i32,
    pub leader_id: Uuid,
    pub member_ids: Vec<Uuid>,
    pub project_ids: Vec<Uuid>,
}

#[derive(Default)]
pub struct GroupChange {
    pub name: Option<String>,
    pub leader_id: Option<Uuid>,
    pub member_ids: Option<Vec<Uuid>>,
    pub project_ids: Option<Vec<Uuid>>,
}

fn dedup(mut v: Vec<Uuid>) -> Vec<Uuid> {
    v.sort();
    v.dedup();
    v
}

async fn check_members(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<()> {
    let found = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(ids.to_vec()))
        .count(db)
        .await?;
    if found as usize != ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "member_ids",
            "some member ids are not deputies",
        ));
    }
    Ok(())
}

async fn check_projects(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<()> {
    let found = projects::Entity::find()
        .filter(projects::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownProject,
            "project_ids",
            "some project ids are not projects",
        ));
    }
    for p in &found {
        if project_status::of(p)?.is_public() {
            continue;
        }
        return Err(Error::invalid_field(
            ErrorCode::ProjectNotAdopted,
            "project_ids",
            format!("project {} is not adopted", p.id),
        ));
    }
    Ok(())
}

async fn replace_members(db: &impl ConnectionTrait, group_id: Uuid, ids: &[Uuid]) -> Result<()> {
    supervision_group_members::Entity::delete_many()
        .filter(supervision_group_members::Column::GroupId.eq(group_id))
        .exec(db)
        .await?;
    if !ids.is_empty() {
        let rows = ids.iter().map(|&d| supervision_group_members::ActiveModel {
            group_id: Set(group_id),
            deputy_id: Set(d),
        });
        supervision_group_members::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

async fn replace_projects(db: &impl ConnectionTrait, group_id: Uuid, ids: &[Uuid]) -> Result<()> {
    supervision_group_projects::Entity::delete_many()
        .filter(supervision_group_projects::Column::GroupId.eq(group_id))
        .exec(db)
        .await?;
    if !ids.is_empty() {
        let rows = ids
            .iter()
            .map(|&p| supervision_group_projects::ActiveModel {
                group_id: Set(group_id),
                project_id: Set(p),
            });
        supervision_group_projects::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

async fn view(db: &impl ConnectionTrait, group: supervision_groups::Model) -> Result<GroupView> {
    let member_ids = supervision_group_members::Entity::find()
        .filter(supervision_group_members::Column::GroupId.eq(group.id))
        .order_by_asc(supervision_group_members::Column::DeputyId)
        .select_only()
        .column(supervision_group_members::Column::DeputyId)
        .into_tuple()
        .all(db)
        .await?;
    let project_ids = supervision_group_projects::Entity::find()
        .filter(supervision_group_projects::Column::GroupId.eq(group.id))
        .order_by_asc(supervision_group_projects::Column::ProjectId)
        .select_only()
        .column(supervision_group_projects::Column::ProjectId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(GroupView {
        group,
        member_ids,
        project_ids,
    })
}

/// Creates a group. The leader is always a member.
pub async fn create(db: &DatabaseConnection, actor: &Actor, g: GroupInput) -> Result<GroupView> {
    actor.require_admin()?;
    let name = parse_text("name", &g.name, 200)?;
    if !(2000..=2100).contains(&g.year) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidYear,
            "year",
            "the year must be between 2000 and 2100",
        ));
    }
    let mut members = g.member_ids.clone();
    members.push(g.leader_id);
    let members = dedup(members);
    let project_ids = dedup(g.project_ids);
    let txn = db::begin_write(db).await?;
    check_members(&txn, &members).await?;
    check_projects(&txn, &project_ids).await?;
    let group = supervision_groups::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name),
        year: Set(g.year),
        leader_id: Set(g.leader_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    replace_members(&txn, group.id, &members).await?;
    replace_projects(&txn, group.id, &project_ids).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("group.create", "supervision_group", group.id).with(json!({
            "name": group.name, "year": group.year, "leader_id": group.leader_id,
            "member_ids": members, "project_ids": project_ids,
        })),
    )
    .await?;
    txn.commit().await?;
    view(db, group).await
}

/// Renames a group, changes its leader, or replaces its members or projects.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    c: GroupChange,
) -> Result<GroupView> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let current = supervision_groups::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("supervision group"))?;
    let existing = view(&txn, current.clone()).await?;
    let leader = c.leader_id.unwrap_or(current.leader_id);
    let mut members = c.member_ids.clone().unwrap_or(existing.member_ids);
    members.push(leader);
    let members = dedup(members);
    check_members(&txn, &members).await?;
    replace_members(&txn, id, &members).await?;
    let projects_replaced = c.project_ids.is_some();
    if let Some(p) = c.project_ids {
        let p = dedup(p);
        check_projects(&txn, &p).await?;
        replace_projects(&txn, id, &p).await?;
    }
    let mut row: supervision_groups::ActiveModel = current.into();
    if let Some(n) = &c.name {
        row.name = Set(parse_text("name", n, 200)?);
    }
    row.leader_id = Set(leader);
    let group = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("group.update", "supervision_group", id).with(json!({
            "name": group.name, "leader_id": group.leader_id, "member_ids": members,
            "projects_replaced": projects_replaced,
        })),
    )
    .await?;
    txn.commit().await?;
    view(db, group).await
}

fn may_read(actor: &Actor) -> Result<()> {
    match actor.role {
        Role::Admin | Role::Deputy => Ok(()),
        Role::Department => Err(Error::forbidden(
            ErrorCode::Forbidden,
            "supervision groups are read by admins and deputies",
        )),
    }
}

pub async fn get(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<GroupView> {
    may_read(actor)?;
    let g = supervision_groups::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("supervision group"))?;
    view(db, g).await
}

pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    year: Option<i32>,
) -> Result<Vec<GroupView>> {
    may_read(actor)?;
    let mut q = supervision_groups::Entity::find();
    if let Some(y) = year {
        q = q.filter(supervision_groups::Column::Year.eq(y));
    }
    let mut out = Vec::new();
    for g in q
        .order_by_asc(supervision_groups::Column::CreatedAt)
        .order_by_asc(supervision_groups::Column::Id)
        .all(db)
        .await?
    {
        out.push(view(db, g).await?);
    }
    Ok(out)
}
