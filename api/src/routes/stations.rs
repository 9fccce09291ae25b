//! Liaison stations (代表联络站, `minsheng_domain::stations`): stations and their deputies,
//! reception days, citizens' opinions and their handling, and the citizen's lookup by code.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use minsheng_domain::{
    entities::station_opinions,
    stations::{self, Handling, NewOpinion, NewStation, PublicOpinion, StationView},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath},
    routes::Page,
    state::AppState,
};

/// A deputy as a station lists them.
#[derive(Serialize, ToSchema)]
pub struct StationDeputyDto {
    pub id: Uuid,
    pub deputy_code: String,
    pub name: String,
}

/// A reception day with the deputies on duty.
#[derive(Serialize, ToSchema)]
pub struct ReceptionDayDto {
    pub id: Uuid,
    pub day: NaiveDate,
    pub note: String,
    pub on_duty: Vec<StationDeputyDto>,
}

/// A station.
#[derive(Serialize, ToSchema)]
pub struct StationDto {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    /// `normal` (普通) or `model` (示范).
    pub kind: String,
    pub deputies: Vec<StationDeputyDto>,
    /// Oldest first.
    pub reception_days: Vec<ReceptionDayDto>,
}

fn deputy(d: minsheng_domain::entities::deputies::Model) -> StationDeputyDto {
    StationDeputyDto {
        id: d.id,
        deputy_code: d.deputy_code,
        name: d.name,
    }
}

impl From<StationView> for StationDto {
    fn from(v: StationView) -> Self {
        Self {
            id: v.station.id,
            name: v.station.name,
            address: v.station.address,
            kind: v.station.kind,
            deputies: v.deputies.into_iter().map(deputy).collect(),
            reception_days: v
                .days
                .into_iter()
                .map(|(d, who)| ReceptionDayDto {
                    id: d.id,
                    day: d.day,
                    note: d.note,
                    on_duty: who.into_iter().map(deputy).collect(),
                })
                .collect(),
        }
    }
}

/// `normal` (普通) or `model` (示范).
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum StationKindDto {
    Normal,
    Model,
}

#[derive(Deserialize, ToSchema)]
pub struct StationRequest {
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub name: String,
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub address: String,
    pub kind: StationKindDto,
    /// The deputies attached.
    #[serde(default)]
    pub deputy_ids: Vec<Uuid>,
}

/// Create a station with its deputies. Roles: admin.
#[utoipa::path(post, path = "/api/v1/stations", tag = "stations", security(("bearer" = [])), request_body = StationRequest, responses(
    (status = 201, body = StationDto),
    (status = 409, description = "`already_exists`: the name", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`unknown_deputy` (a rule on the ids named); `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_station(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<StationRequest>,
) -> ApiResult<(StatusCode, Json<StationDto>)> {
    let v = stations::create(
        &state.db,
        &actor,
        NewStation {
            name: r.name,
            address: r.address,
            kind: match r.kind {
                StationKindDto::Normal => "normal",
                StationKindDto::Model => "model",
            }
            .into(),
            deputy_ids: r.deputy_ids,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Every station, by name, with its deputies and reception days. Public.
#[utoipa::path(get, path = "/api/v1/stations", tag = "stations", security((), ("bearer" = [])), responses(
    (status = 200, body = Page<StationDto>),
))]
pub async fn list_stations(
    State(state): State<AppState>,
    MaybeAuth(_actor): MaybeAuth,
) -> ApiResult<Json<Page<StationDto>>> {
    let mut out = Vec::new();
    for s in stations::list(&state.db).await? {
        out.push(stations::get(&state.db, s.id).await?.into());
    }
    Ok(Json(Page::all(out)))
}

/// A station. Public.
#[utoipa::path(get, path = "/api/v1/stations/{id}", tag = "stations", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = StationDto),
))]
pub async fn get_station(
    State(state): State<AppState>,
    MaybeAuth(_actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<StationDto>> {
    Ok(Json(stations::get(&state.db, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ReceptionDayRequest {
    #[serde(deserialize_with = "crate::bounds::date")]
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub day: NaiveDate,
    /// Deputies of the station on duty (at least one).
    #[schema(min_items = 1)]
    pub deputy_ids: Vec<Uuid>,
    #[serde(default)]
    #[schema(max_length = 500, pattern = "long-text")]
    pub note: String,
}

/// Schedule a reception day (接待日) with the station's deputies on duty. Roles: admin.
#[utoipa::path(post, path = "/api/v1/stations/{id}/reception-days", tag = "stations", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ReceptionDayRequest, responses(
    (status = 201, body = StationDto),
    (status = 409, description = "`already_exists`: the station has that day", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`unknown_deputy`: not one of the station's deputies (a rule on the ids named); `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn add_day(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ReceptionDayRequest>,
) -> ApiResult<(StatusCode, Json<StationDto>)> {
    let v = stations::add_day(&state.db, &actor, id, r.day, &r.deputy_ids, &r.note).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// A citizen's opinion as the office and the station's deputies see it (with the contact).
#[derive(Serialize, ToSchema)]
pub struct OpinionDto {
    pub id: Uuid,
    pub station_id: Uuid,
    pub reception_day_id: Option<Uuid>,
    /// The citizen's lookup code.
    pub code: String,
    pub citizen_name: String,
    pub contact: String,
    pub content: String,
    /// `received`, `answered`, `passed_on`, `suggestion` or `project`.
    pub status: String,
    pub answer: Option<String>,
    pub passed_to: Option<String>,
    pub suggestion_id: Option<Uuid>,
    /// The project proposal it became.
    pub project_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

fn opinion_dto(o: station_opinions::Model) -> OpinionDto {
    OpinionDto {
        id: o.id,
        station_id: o.station_id,
        reception_day_id: o.reception_day_id,
        code: o.code,
        citizen_name: o.citizen_name,
        contact: o.contact,
        content: o.content,
        status: o.status,
        answer: o.answer,
        passed_to: o.passed_to,
        suggestion_id: o.suggestion_id,
        project_id: o.project_id,
        created_at: o.created_at,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct OpinionRequest {
    pub reception_day_id: Option<Uuid>,
    #[schema(min_length = 1, max_length = 50, pattern = "one-line")]
    pub citizen_name: String,
    /// Phone or address, for the reply; never public.
    #[serde(default)]
    #[schema(max_length = 100, pattern = "long-text")]
    pub contact: String,
    #[schema(min_length = 1, max_length = 5000, pattern = "long-text")]
    pub content: String,
}

/// Record a citizen's opinion; the answer carries the code the citizen looks it up with. Roles:
/// admin, or a deputy of the station.
#[utoipa::path(post, path = "/api/v1/stations/{id}/opinions", tag = "stations", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = OpinionRequest, responses(
    (status = 201, body = OpinionDto),
    (status = 422, description = "`unknown_reception_day` (a rule on the id named); `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn record_opinion(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<OpinionRequest>,
) -> ApiResult<(StatusCode, Json<OpinionDto>)> {
    let o = stations::record_opinion(
        &state.db,
        &actor,
        id,
        NewOpinion {
            reception_day_id: r.reception_day_id,
            citizen_name: r.citizen_name,
            contact: r.contact,
            content: r.content,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(opinion_dto(o))))
}

/// The opinions received at a station, with the citizens' details. Roles: admin, or a deputy of
/// the station (others: 404).
#[utoipa::path(get, path = "/api/v1/stations/{id}/opinions", tag = "stations", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = Page<OpinionDto>),
))]
pub async fn list_opinions(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Page<OpinionDto>>> {
    let rows = stations::opinions(&state.db, &actor, id).await?;
    Ok(Json(Page::all(rows.into_iter().map(opinion_dto).collect())))
}

/// What is done with an opinion.
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum HandlingKind {
    /// Answered at the station: `answer`.
    Answer,
    /// Passed on to a department: `unit` and `answer` (what the citizen is told).
    PassOn,
    /// Turned into a suggestion the calling deputy leads: `title`, `suggestion_kind`.
    Suggestion,
    /// Taken up by the office as a project proposal: `project_id`, and `answer` (what the citizen
    /// is told). Admin only.
    Project,
}

#[derive(Deserialize, ToSchema)]
pub struct HandleRequest {
    pub action: HandlingKind,
    #[serde(default)]
    #[schema(max_length = 5000, pattern = "long-text")]
    pub answer: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub unit: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: String,
    /// `suggestion`, `criticism` or `opinion` (default `suggestion`).
    #[serde(default)]
    pub suggestion_kind: Option<String>,
    /// For `project`: the proposal's id.
    pub project_id: Option<Uuid>,
}

/// Answer an opinion, pass it on to a department, turn it into a suggestion (a deputy of the
/// station leads it), or take it up as a project proposal (the office). Roles: admin, or a
/// deputy of the station.
#[utoipa::path(post, path = "/api/v1/station-opinions/{id}/handling", tag = "stations", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = HandleRequest, responses(
    (status = 200, body = OpinionDto),
    (status = 409, description = "`opinion_not_open`: handled already", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`invalid_text`: the field the action needs is empty (a rule across fields); `unknown_project` (a rule on the id named); a suggestion's `invalid_kind`; `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn handle(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<HandleRequest>,
) -> ApiResult<Json<OpinionDto>> {
    let h = match r.action {
        HandlingKind::Answer => Handling::Answer(r.answer),
        HandlingKind::PassOn => Handling::PassOn {
            unit: r.unit,
            answer: r.answer,
        },
        HandlingKind::Suggestion => Handling::Suggestion {
            kind: r.suggestion_kind.unwrap_or_else(|| "suggestion".into()),
            title: r.title,
        },
        HandlingKind::Project => Handling::Project {
            project_id: r.project_id.ok_or_else(|| {
                minsheng_domain::Error::invalid_field(
                    minsheng_domain::error::ErrorCode::UnknownProject,
                    "project_id",
                    "name the project proposal",
                )
            })?,
            answer: r.answer,
        },
    };
    Ok(Json(opinion_dto(
        stations::handle(&state.db, &actor, id, h).await?,
    )))
}

/// An opinion as the citizen and the public read it: never the citizen's name or contact.
#[derive(Serialize, ToSchema)]
pub struct PublicOpinionDto {
    pub station: String,
    pub received_on: NaiveDate,
    pub content: String,
    /// `received`, `answered`, `passed_on` or `suggestion`.
    pub status: String,
    pub answer: Option<String>,
    pub passed_to: Option<String>,
    /// The suggestion it became: its number.
    pub suggestion_number: Option<i64>,
    /// That suggestion's status.
    pub suggestion_status: Option<String>,
    /// That suggestion's answers, once the office has published it.
    pub suggestion_answers: Vec<String>,
    /// The project it became, once adopted.
    pub project_id: Option<Uuid>,
    pub project_title: Option<String>,
}

pub(crate) fn public_dto(p: PublicOpinion) -> PublicOpinionDto {
    let (number, status, answers) = match p.suggestion {
        Some((n, s, a)) => (Some(n), Some(s), a),
        None => (None, None, Vec::new()),
    };
    let (project_id, project_title) = match p.project {
        Some((id, title)) => (Some(id), Some(title)),
        None => (None, None),
    };
    PublicOpinionDto {
        project_id,
        project_title,
        station: p.station,
        received_on: p.received_on,
        content: p.content,
        status: p.status,
        answer: p.answer,
        passed_to: p.passed_to,
        suggestion_number: number,
        suggestion_status: status,
        suggestion_answers: answers,
    }
}

/// The citizen looks up their opinion by the code they were given (case, spaces and dashes do
/// not matter). Public.
#[utoipa::path(get, path = "/api/v1/station-opinions/lookup/{code}", tag = "stations", security(()), params(("code" = String, Path, max_length = 20)), responses(
    (status = 200, body = PublicOpinionDto),
))]
pub async fn lookup(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<PublicOpinionDto>> {
    Ok(Json(public_dto(stations::lookup(&state.db, &code).await?)))
}
