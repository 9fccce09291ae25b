//! Congress sessions, their roster and attendance.

use axum::{Json, extract::State, http::StatusCode};
use minsheng_domain::sessions::{self, RosterEntry, SessionSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Auth,
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery, whole_number},
    routes::{Page, Paging, accounts::DeputyDto},
    state::AppState,
};

/// A congress session (会议) with its attendance and quorum.
#[derive(Serialize, ToSchema)]
pub struct SessionDto {
    pub id: Uuid,
    pub name: String,
    pub year: i32,
    /// 应到: deputies on the roster.
    pub roster_size: u32,
    /// 实到: deputies checked in.
    pub present_count: u32,
    /// Two-thirds of the roster, rounded up.
    pub quorum_needed: u32,
    pub quorum_met: bool,
    /// True once a vote or rating round of the session has opened: the roster no longer changes.
    pub roster_locked: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<SessionSummary> for SessionDto {
    fn from(s: SessionSummary) -> Self {
        Self {
            id: s.session.id,
            name: s.session.name,
            year: s.session.year,
            roster_size: s.roster_size,
            present_count: s.present,
            quorum_needed: s.quorum_needed,
            quorum_met: s.quorum_met,
            roster_locked: s.roster_locked,
            created_at: s.session.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RosterEntryDto {
    pub deputy: DeputyDto,
    pub present: bool,
}

impl From<RosterEntry> for RosterEntryDto {
    fn from(e: RosterEntry) -> Self {
        Self {
            deputy: e.deputy.into(),
            present: e.present,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateSessionRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub name: String,
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(deserialize_with = "whole_number")]
    pub year: i32,
}

#[derive(Deserialize, ToSchema)]
pub struct RosterRequest {
    pub deputy_ids: Vec<Uuid>,
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceRequest {
    pub deputy_ids: Vec<Uuid>,
    pub present: bool,
}

/// Create a session; its roster is every deputy whose account is enabled. Roles: admin.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])), request_body = CreateSessionRequest, responses(
    (status = 201, body = SessionDto),
))]
pub async fn create_session(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<CreateSessionRequest>,
) -> ApiResult<(StatusCode, Json<SessionDto>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            sessions::create(&state.db, &actor, &r.name, r.year)
                .await?
                .into(),
        ),
    ))
}

/// List sessions, newest first. Roles: admin, deputy.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])), params(Paging), responses(
    (status = 200, body = Page<SessionDto>),
))]
pub async fn list_sessions(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<Page<SessionDto>>> {
    let (limit, offset) = p.bounds()?;
    let page = sessions::list(&state.db, &actor, limit, offset).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
    }))
}

/// One session with roster size, present count and quorum. Roles: admin, deputy.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SessionDto),
))]
pub async fn get_session(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SessionDto>> {
    Ok(Json(sessions::get(&state.db, &actor, id).await?.into()))
}

/// The roster with attendance, by deputy code. Roles: admin, deputy.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/roster", tag = "sessions", security(("bearer" = [])), params(("id" = Uuid, Path), crate::exports::ExportParams), responses(
    (status = 200, description = "the roster with attendance (present or not; never how anyone voted); as CSV or XLSX one row per deputy", content(
        (Page<RosterEntryDto> = "application/json"),
        (String = "text/csv"),
        (crate::routes::attachments::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
))]
pub async fn get_roster(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    crate::exports::Export(format): crate::exports::Export,
) -> ApiResult<axum::response::Response> {
    let roster = sessions::roster(&state.db, &actor, id).await?;
    if format != crate::exports::Format::Json {
        return crate::exports::file(minsheng_web::exports::attendance(id, &roster), format);
    }
    let page: Page<RosterEntryDto> = Page::all(roster.into_iter().map(Into::into).collect());
    Ok(axum::response::IntoResponse::into_response(Json(page)))
}

/// Replace the roster (until the session's first vote opens). Roles: admin.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/roster", tag = "sessions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = RosterRequest, responses(
    (status = 200, body = SessionDto),
    (status = 409, description = "a vote or rating round has opened (`roster_locked`)", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`unknown_deputy`: an id that is not a deputy (a rule on the ids named, which the schema cannot check); `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn set_roster(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<RosterRequest>,
) -> ApiResult<Json<SessionDto>> {
    Ok(Json(
        sessions::set_roster(&state.db, &actor, id, &r.deputy_ids)
            .await?
            .into(),
    ))
}

/// Check the calling deputy in (报到). Roles: deputy on the roster.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/check-in", tag = "sessions", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SessionDto),
))]
pub async fn check_in(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SessionDto>> {
    Ok(Json(
        sessions::check_in(&state.db, &actor, id).await?.into(),
    ))
}

/// Mark deputies present or absent. Roles: admin.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/attendance", tag = "sessions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = AttendanceRequest, responses(
    (status = 200, body = SessionDto),
    (status = 422, description = "`not_on_roster`: a deputy not on this session's roster (a rule on the ids named, which the schema cannot check); `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn set_attendance(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<AttendanceRequest>,
) -> ApiResult<Json<SessionDto>> {
    Ok(Json(
        sessions::set_attendance(&state.db, &actor, id, &r.deputy_ids, r.present)
            .await?
            .into(),
    ))
}
