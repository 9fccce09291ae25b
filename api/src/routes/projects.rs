//! Livelihood projects: candidate materials for deputies, adopted projects for everyone.

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use minsheng_domain::{
    entities::projects as entity,
    projects::{self, ProjectChange, ProjectInput, Status},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery, whole_number, whole_number_opt},
    routes::{Page, Paging},
    state::AppState,
};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatusDto {
    Proposed,
    Candidate,
    Adopted,
    Reserve,
    InProgress,
    Completed,
}

impl From<ProjectStatusDto> for Status {
    fn from(s: ProjectStatusDto) -> Self {
        match s {
            ProjectStatusDto::Proposed => Status::Proposed,
            ProjectStatusDto::Candidate => Status::Candidate,
            ProjectStatusDto::Adopted => Status::Adopted,
            ProjectStatusDto::Reserve => Status::Reserve,
            ProjectStatusDto::InProgress => Status::InProgress,
            ProjectStatusDto::Completed => Status::Completed,
        }
    }
}

impl From<Status> for ProjectStatusDto {
    fn from(s: Status) -> Self {
        match s {
            Status::Proposed => ProjectStatusDto::Proposed,
            Status::Candidate => ProjectStatusDto::Candidate,
            Status::Adopted => ProjectStatusDto::Adopted,
            Status::Reserve => ProjectStatusDto::Reserve,
            Status::InProgress => ProjectStatusDto::InProgress,
            Status::Completed => ProjectStatusDto::Completed,
        }
    }
}

/// Where a proposal came from (征集).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceDto {
    Deputy,
    Public,
    Department,
}

impl SourceDto {
    fn as_str(self) -> &'static str {
        match self {
            SourceDto::Deputy => "deputy",
            SourceDto::Public => "public",
            SourceDto::Department => "department",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "deputy" => Some(SourceDto::Deputy),
            "public" => Some(SourceDto::Public),
            "department" => Some(SourceDto::Department),
            _ => None,
        }
    }
}

/// A livelihood project (民生实事项目) and its candidate materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDto {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub category: String,
    /// Responsible department (责任单位).
    pub department: String,
    /// Budget in whole yuan.
    pub budget_yuan: i64,
    pub year: i32,
    pub source: SourceDto,
    pub planned_completion: Option<NaiveDate>,
    pub status: ProjectStatusDto,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A stored word the code does not know is an internal error, never a default.
impl TryFrom<entity::Model> for ProjectDto {
    type Error = minsheng_domain::Error;
    fn try_from(p: entity::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            status: minsheng_domain::projects::status::of(&p)?.into(),
            source: SourceDto::parse(p.source.as_str()).ok_or_else(|| {
                minsheng_domain::Error::Internal(format!(
                    "project {} has an unknown source {}",
                    p.id, p.source
                ))
            })?,
            id: p.id,
            title: p.title,
            summary: p.summary,
            category: p.category,
            department: p.department,
            budget_yuan: p.budget_yuan,
            year: p.year,
            planned_completion: p.planned_completion,
            created_at: p.created_at,
            updated_at: p.updated_at,
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateProjectRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000, pattern = "long-text")]
    pub summary: String,
    #[schema(min_length = 1, max_length = 50, pattern = "one-line")]
    pub category: String,
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub department: String,
    /// Whole yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1000000000000_i64)]
    #[serde(deserialize_with = "whole_number")]
    pub budget_yuan: i64,
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(deserialize_with = "whole_number")]
    pub year: i32,
    pub source: SourceDto,
    /// A date in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::bounds::date_opt")]
    pub planned_completion: Option<NaiveDate>,
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateProjectRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: Option<String>,
    #[schema(max_length = 5000, pattern = "long-text")]
    pub summary: Option<String>,
    #[schema(min_length = 1, max_length = 50, pattern = "one-line")]
    pub category: Option<String>,
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub department: Option<String>,
    /// Whole yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1000000000000_i64)]
    #[serde(default, deserialize_with = "whole_number_opt")]
    pub budget_yuan: Option<i64>,
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(default, deserialize_with = "whole_number_opt")]
    pub year: Option<i32>,
    pub source: Option<SourceDto>,
    /// A date in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::bounds::date_opt")]
    pub planned_completion: Option<NaiveDate>,
    /// Moves made by hand: proposed ↔ candidate, reserve → candidate/proposed, adopted → in_progress,
    /// in_progress → completed. Adoption and the reserve come from publishing a vote.
    pub status: Option<ProjectStatusDto>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    /// Only this year's (2000 to 2100).
    #[serde(default, deserialize_with = "crate::bounds::year_opt")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    pub status: Option<ProjectStatusDto>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

/// Create a project proposal. Roles: admin.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])), request_body = CreateProjectRequest, responses(
    (status = 201, body = ProjectDto),
))]
pub async fn create_project(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<CreateProjectRequest>,
) -> ApiResult<(StatusCode, Json<ProjectDto>)> {
    let input = ProjectInput {
        title: r.title,
        summary: r.summary,
        category: r.category,
        department: r.department,
        budget_yuan: r.budget_yuan,
        year: r.year,
        source: r.source.as_str().to_owned(),
        planned_completion: r.planned_completion,
    };
    Ok((
        StatusCode::CREATED,
        Json(
            projects::create(&state.db, &actor, input)
                .await?
                .try_into()?,
        ),
    ))
}

/// List projects, filtered by year and status. Roles: any logged-in user sees every project;
/// Public (no token) sees adopted, in-progress and completed projects only.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", security((), ("bearer" = [])), params(ProjectFilter), responses(
    (status = 200, body = Page<ProjectDto>),
))]
pub async fn list_projects(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiQuery(f): ApiQuery<ProjectFilter>,
) -> ApiResult<Json<Page<ProjectDto>>> {
    let (limit, offset) = Paging {
        limit: f.limit,
        offset: f.offset,
    }
    .bounds()?;
    let page = projects::list(
        &state.db,
        actor.as_ref(),
        f.year,
        f.status.map(Into::into),
        limit,
        offset,
    )
    .await?;
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(ProjectDto::try_from)
            .collect::<Result<_, _>>()?,
        total: page.total,
    }))
}

/// One project. Roles: any logged-in user; Public for adopted projects and later.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = ProjectDto),
))]
pub async fn get_project(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ProjectDto>> {
    Ok(Json(
        projects::get(&state.db, actor.as_ref(), id)
            .await?
            .try_into()?,
    ))
}

/// Edit a project's materials (until adoption) or move its status by hand. Roles: admin.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = UpdateProjectRequest, responses(
    (status = 200, body = ProjectDto),
    (status = 409, description = "materials frozen (`project_frozen`, `project_in_vote`) or a move not allowed (`invalid_status_change`)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn update_project(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<UpdateProjectRequest>,
) -> ApiResult<Json<ProjectDto>> {
    let change = ProjectChange {
        title: r.title,
        summary: r.summary,
        category: r.category,
        department: r.department,
        budget_yuan: r.budget_yuan,
        year: r.year,
        source: r.source.map(|s| s.as_str().to_owned()),
        planned_completion: r.planned_completion,
        status: r.status.map(Into::into),
    };
    Ok(Json(
        projects::update(&state.db, &actor, id, change)
            .await?
            .try_into()?,
    ))
}
