//! Supervision groups (监督组).

use axum::{Json, extract::State, http::StatusCode};
use minsheng_domain::followup::groups::{self, GroupChange, GroupInput, GroupView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::Auth,
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery, whole_number},
    routes::Page,
    state::AppState,
};

#[derive(Serialize, ToSchema)]
pub struct GroupDto {
    pub id: Uuid,
    pub name: String,
    pub year: i32,
    /// The deputy leading the group; always a member.
    pub leader_id: Uuid,
    pub member_ids: Vec<Uuid>,
    /// The adopted projects the group follows.
    pub project_ids: Vec<Uuid>,
}

impl From<GroupView> for GroupDto {
    fn from(g: GroupView) -> Self {
        Self {
            id: g.group.id,
            name: g.group.name,
            year: g.group.year,
            leader_id: g.group.leader_id,
            member_ids: g.member_ids,
            project_ids: g.project_ids,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateGroupRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub name: String,
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(deserialize_with = "whole_number")]
    pub year: i32,
    pub leader_id: Uuid,
    #[serde(default)]
    pub member_ids: Vec<Uuid>,
    /// Adopted (or later) projects only.
    #[serde(default)]
    pub project_ids: Vec<Uuid>,
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateGroupRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub name: Option<String>,
    pub leader_id: Option<Uuid>,
    /// Replaces the members (the leader stays a member).
    pub member_ids: Option<Vec<Uuid>>,
    /// Replaces the projects followed.
    pub project_ids: Option<Vec<Uuid>>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupFilter {
    /// Only this year's (2000 to 2100).
    #[serde(default, deserialize_with = "crate::bounds::year_opt")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// Create a supervision group. Roles: admin.
#[utoipa::path(post, path = "/api/v1/supervision-groups", tag = "follow-up", security(("bearer" = [])), request_body = CreateGroupRequest, responses(
    (status = 201, body = GroupDto),
    (status = 422, description = "rules on the ids named, which the schema cannot check: `unknown_deputy` (a leader or member who is not a deputy), `unknown_project`; `invalid_year`, `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_group(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<CreateGroupRequest>,
) -> ApiResult<(StatusCode, Json<GroupDto>)> {
    let input = GroupInput {
        name: r.name,
        year: r.year,
        leader_id: r.leader_id,
        member_ids: r.member_ids,
        project_ids: r.project_ids,
    };
    Ok((
        StatusCode::CREATED,
        Json(groups::create(&state.db, &actor, input).await?.into()),
    ))
}

/// List supervision groups. Roles: admin, deputy.
#[utoipa::path(get, path = "/api/v1/supervision-groups", tag = "follow-up", security(("bearer" = [])), params(GroupFilter), responses(
    (status = 200, body = Page<GroupDto>),
))]
pub async fn list_groups(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(f): ApiQuery<GroupFilter>,
) -> ApiResult<Json<Page<GroupDto>>> {
    Ok(Json(Page::all(
        groups::list(&state.db, &actor, f.year)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )))
}

/// One supervision group. Roles: admin, deputy.
#[utoipa::path(get, path = "/api/v1/supervision-groups/{id}", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = GroupDto),
))]
pub async fn get_group(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<GroupDto>> {
    Ok(Json(groups::get(&state.db, &actor, id).await?.into()))
}

/// Rename a group, change its leader, members or projects. Roles: admin.
#[utoipa::path(patch, path = "/api/v1/supervision-groups/{id}", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = UpdateGroupRequest, responses(
    (status = 200, body = GroupDto),
))]
pub async fn update_group(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<UpdateGroupRequest>,
) -> ApiResult<Json<GroupDto>> {
    let change = GroupChange {
        name: r.name,
        leader_id: r.leader_id,
        member_ids: r.member_ids,
        project_ids: r.project_ids,
    };
    Ok(Json(
        groups::update(&state.db, &actor, id, change).await?.into(),
    ))
}
