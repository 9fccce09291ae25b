//! 履职评议 subjects (`minsheng_domain::evaluations::subjects`): officials' performance reports,
//! departments' work reports and the handling of suggestions, rated in rating rounds beside
//! projects; their grades and rectifications.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use minsheng_domain::{
    entities::rating_subjects,
    evaluations::subjects::{self, NewSubject, SubjectView},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery},
    routes::{Page, evaluations::RatingDto},
    state::AppState,
};

/// What is rated: `official_report` (an official's performance report), `work_report` (a
/// department's special work report), `suggestion_handling` (the handling of suggestions).
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKindDto {
    OfficialReport,
    WorkReport,
    SuggestionHandling,
}

impl SubjectKindDto {
    fn word(self) -> &'static str {
        match self {
            Self::OfficialReport => "official_report",
            Self::WorkReport => "work_report",
            Self::SuggestionHandling => "suggestion_handling",
        }
    }
}

/// A subject rated besides projects.
#[derive(Serialize, ToSchema)]
pub struct SubjectDto {
    pub id: Uuid,
    /// `official_report`, `work_report` or `suggestion_handling`.
    pub kind: String,
    /// The official's name, or the report's title.
    pub name: String,
    /// The official's post (职务); empty for a report.
    pub post: String,
    pub unit: String,
    pub year: i32,
    /// The day of the oral report.
    pub oral_on: Option<NaiveDate>,
    pub written_report: String,
    /// After a 不满意 grade: what was done.
    pub rectification: Option<String>,
    pub rectified_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl From<rating_subjects::Model> for SubjectDto {
    fn from(s: rating_subjects::Model) -> Self {
        Self {
            id: s.id,
            kind: s.kind,
            name: s.name,
            post: s.post,
            unit: s.unit,
            year: s.year,
            oral_on: s.oral_on,
            written_report: s.written_report,
            rectification: s.rectification,
            rectified_on: s.rectified_on,
            created_at: s.created_at,
        }
    }
}

/// A published round's grade of the subject.
#[derive(Serialize, ToSchema)]
pub struct SubjectGradeDto {
    pub evaluation_id: Uuid,
    pub title: String,
    pub published_at: DateTime<Utc>,
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
    pub grade: RatingDto,
}

/// A subject with its grades, oldest first (the last is the current one).
#[derive(Serialize, ToSchema)]
pub struct SubjectRecordDto {
    pub subject: SubjectDto,
    pub grades: Vec<SubjectGradeDto>,
}

fn record(v: SubjectView) -> SubjectRecordDto {
    SubjectRecordDto {
        subject: v.subject.into(),
        grades: v
            .grades
            .into_iter()
            .map(|g| SubjectGradeDto {
                evaluation_id: g.evaluation_id,
                title: g.title,
                published_at: g.published_at,
                satisfied: g.counts.satisfied,
                basically_satisfied: g.counts.basically_satisfied,
                unsatisfied: g.counts.unsatisfied,
                grade: g.grade.into(),
            })
            .collect(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SubjectRequest {
    pub kind: SubjectKindDto,
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 100, pattern = "long-text")]
    pub post: String,
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub unit: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[serde(default, deserialize_with = "crate::bounds::date_opt")]
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub oral_on: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 50000, pattern = "long-text")]
    pub written_report: String,
}

/// Enter a subject for rating (an official's report, a work report, the handling of suggestions).
/// Roles: admin.
#[utoipa::path(post, path = "/api/v1/rating-subjects", tag = "evaluations", security(("bearer" = [])), request_body = SubjectRequest, responses(
    (status = 201, body = SubjectDto),
))]
pub async fn create_subject(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<SubjectRequest>,
) -> ApiResult<(StatusCode, Json<SubjectDto>)> {
    let s = subjects::create(
        &state.db,
        &actor,
        NewSubject {
            kind: r.kind.word().to_owned(),
            name: r.name,
            post: r.post,
            unit: r.unit,
            year: r.year,
            oral_on: r.oral_on,
            written_report: r.written_report,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectQuery {
    /// Only this year's (2000 to 2100).
    #[serde(deserialize_with = "crate::bounds::year_opt", default)]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// The subjects, newest year first. Public.
#[utoipa::path(get, path = "/api/v1/rating-subjects", tag = "evaluations", security((), ("bearer" = [])), params(SubjectQuery), responses(
    (status = 200, body = Page<SubjectDto>),
))]
pub async fn list_subjects(
    State(state): State<AppState>,
    MaybeAuth(_actor): MaybeAuth,
    ApiQuery(q): ApiQuery<SubjectQuery>,
) -> ApiResult<Json<Page<SubjectDto>>> {
    let rows = subjects::list(&state.db, q.year).await?;
    Ok(Json(Page::all(rows.into_iter().map(Into::into).collect())))
}

/// A subject with the grades of the published rounds that rated it. Public.
#[utoipa::path(get, path = "/api/v1/rating-subjects/{id}", tag = "evaluations", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SubjectRecordDto),
))]
pub async fn get_subject(
    State(state): State<AppState>,
    MaybeAuth(_actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SubjectRecordDto>> {
    Ok(Json(record(subjects::get(&state.db, id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct RectificationRequest {
    #[schema(min_length = 1, max_length = 20000, pattern = "long-text")]
    pub rectification: String,
}

/// Record the rectification (整改) of a subject graded 不满意 in its latest published round; a
/// later round rates it again. Roles: admin.
#[utoipa::path(post, path = "/api/v1/rating-subjects/{id}/rectification", tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = RectificationRequest, responses(
    (status = 200, body = SubjectRecordDto),
    (status = 409, description = "`subject_not_unsatisfied`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn rectify(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<RectificationRequest>,
) -> ApiResult<Json<SubjectRecordDto>> {
    Ok(Json(record(
        subjects::rectify(&state.db, &actor, id, &r.rectification).await?,
    )))
}
