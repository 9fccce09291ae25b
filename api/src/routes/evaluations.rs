//! Satisfaction rating (满意度测评) rounds.

use axum::{Json, extract::State, http::StatusCode};
use minsheng_domain::evaluations::{
    grade::Rating,
    service::{self, EvaluationDraft, EvaluationResults, EvaluationView},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath, map_entries},
    routes::{
        Page,
        projects::ProjectDto,
        votes::{ThresholdBaseDto, VoteStatusDto},
    },
    state::AppState,
};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RatingDto {
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意
    Unsatisfied,
}

impl From<RatingDto> for Rating {
    fn from(r: RatingDto) -> Self {
        match r {
            RatingDto::Satisfied => Rating::Satisfied,
            RatingDto::BasicallySatisfied => Rating::BasicallySatisfied,
            RatingDto::Unsatisfied => Rating::Unsatisfied,
        }
    }
}
impl From<Rating> for RatingDto {
    fn from(r: Rating) -> Self {
        match r {
            Rating::Satisfied => RatingDto::Satisfied,
            Rating::BasicallySatisfied => RatingDto::BasicallySatisfied,
            Rating::Unsatisfied => RatingDto::Unsatisfied,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EvaluationDto {
    pub id: Uuid,
    pub session_id: Uuid,
    pub title: String,
    pub threshold_base: ThresholdBaseDto,
    pub status: VoteStatusDto,
    pub project_ids: Vec<Uuid>,
    /// The other subjects (officials' and work reports), rated after the projects.
    pub subject_ids: Vec<Uuid>,
    /// 应到: deputies on the roster (frozen when the round opens).
    pub entitled: u32,
    /// 实到: deputies marked present plus every deputy who rated and was marked absent since;
    /// never below `ballots_cast`. Frozen when the round closes.
    pub present: u32,
    pub ballots_cast: u32,
}

impl From<EvaluationView> for EvaluationDto {
    fn from(v: EvaluationView) -> Self {
        use minsheng_domain::votes::service::VoteStatus;
        Self {
            id: v.evaluation.id,
            session_id: v.evaluation.session_id,
            title: v.evaluation.title.clone(),
            threshold_base: v.evaluation.threshold_base.into(),
            status: match v.status {
                VoteStatus::Draft => VoteStatusDto::Draft,
                VoteStatus::Open => VoteStatusDto::Open,
                VoteStatus::Closed => VoteStatusDto::Closed,
                VoteStatus::Published => VoteStatusDto::Published,
            },
            project_ids: v.projects.iter().map(|p| p.id).collect(),
            subject_ids: v.subjects.iter().map(|x| x.id).collect(),
            entitled: v.entitled,
            present: v.present,
            ballots_cast: v.ballots_cast,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateEvaluationRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: String,
    /// Adopted (or later) projects to rate.
    #[serde(default)]
    pub project_ids: Vec<Uuid>,
    /// Officials' and work reports to rate (履职评议, `/api/v1/rating-subjects`); a round names
    /// at least one project or subject.
    #[serde(default)]
    pub subject_ids: Vec<Uuid>,
    /// Base of the "more than half" in the grade rule; `none` is not allowed. Default all_deputies.
    #[serde(default)]
    pub threshold_base: ThresholdBaseDto,
}

/// A rating ballot: every project and subject of the round, once.
#[derive(Deserialize, ToSchema)]
pub struct RatingBallotRequest {
    #[serde(deserialize_with = "map_entries")]
    #[schema(value_type = std::collections::BTreeMap<Uuid, RatingDto>)]
    pub ratings: Vec<(Uuid, RatingDto)>,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectRatingDto {
    pub project: ProjectDto,
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
    /// (satisfied + basically satisfied) / ratings cast, in per mille; null with no ratings.
    pub satisfaction_permille: Option<u32>,
    /// 满意 if satisfied > half of the base; else 基本满意 if satisfied + basically satisfied > half; else 不满意.
    pub grade: RatingDto,
}

/// A subject's counts and grade.
#[derive(Serialize, ToSchema)]
pub struct SubjectRatingDto {
    pub subject: crate::routes::subjects::SubjectDto,
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
    pub satisfaction_permille: Option<u32>,
    pub grade: RatingDto,
}

#[derive(Serialize, ToSchema)]
pub struct EvaluationResultsDto {
    pub evaluation: EvaluationDto,
    /// The number "more than half" is taken of.
    pub base: u32,
    pub not_voted: u32,
    pub projects: Vec<ProjectRatingDto>,
    pub subjects: Vec<SubjectRatingDto>,
}

impl TryFrom<EvaluationResults> for EvaluationResultsDto {
    type Error = minsheng_domain::Error;
    fn try_from(r: EvaluationResults) -> Result<Self, Self::Error> {
        Ok(Self {
            base: r.base,
            not_voted: r.not_voted,
            projects: r
                .projects
                .into_iter()
                .map(|p| {
                    Ok(ProjectRatingDto {
                        satisfied: p.counts.satisfied,
                        basically_satisfied: p.counts.basically_satisfied,
                        unsatisfied: p.counts.unsatisfied,
                        satisfaction_permille: p.satisfaction_permille,
                        grade: p.grade.into(),
                        project: p.project.try_into()?,
                    })
                })
                .collect::<Result<_, Self::Error>>()?,
            subjects: r
                .subjects
                .into_iter()
                .map(|x| SubjectRatingDto {
                    satisfied: x.counts.satisfied,
                    basically_satisfied: x.counts.basically_satisfied,
                    unsatisfied: x.counts.unsatisfied,
                    satisfaction_permille: x.satisfaction_permille,
                    grade: x.grade.into(),
                    subject: x.subject.into(),
                })
                .collect(),
            evaluation: r.view.into(),
        })
    }
}

/// Draft a rating round over adopted projects. Roles: admin.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/evaluations", tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path, description = "session id")), request_body = CreateEvaluationRequest, responses(
    (status = 201, body = EvaluationDto),
    (status = 422, description = "rules on the ids named, which the schema cannot check: `unknown_project` (not a project), `unknown_subject`, `project_not_adopted` (only adopted projects are rated), `invalid_projects` (an id twice, or neither a project nor a subject); `invalid_threshold_base`, `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_evaluation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(session_id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateEvaluationRequest>,
) -> ApiResult<(StatusCode, Json<EvaluationDto>)> {
    let d = EvaluationDraft {
        title: r.title,
        project_ids: r.project_ids,
        subject_ids: r.subject_ids,
        threshold_base: r.threshold_base.into(),
    };
    Ok((
        StatusCode::CREATED,
        Json(
            service::create(&state.db, &actor, session_id, d)
                .await?
                .into(),
        ),
    ))
}

/// The rating rounds of a session, all of them (`{items, total}` like every list). Roles: admin,
/// deputy.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/evaluations", tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path, description = "session id")), responses(
    (status = 200, body = Page<EvaluationDto>),
))]
pub async fn list_evaluations(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(session_id): ApiPath<Uuid>,
) -> ApiResult<Json<Page<EvaluationDto>>> {
    let rounds = service::list_for_session(&state.db, &actor, session_id).await?;
    Ok(Json(Page::all(
        rounds.into_iter().map(Into::into).collect(),
    )))
}

/// A rating round and its turnout. Roles: any logged-in user; Public once published.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluations", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = EvaluationDto),
))]
pub async fn get_evaluation(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EvaluationDto>> {
    Ok(Json(
        service::get(&state.db, actor.as_ref(), id).await?.into(),
    ))
}

/// Open a rating round; needs quorum. Roles: admin.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/open", tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = EvaluationDto),
    (status = 409, description = "`quorum_not_met` or `vote_not_draft`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn open_evaluation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EvaluationDto>> {
    Ok(Json(service::open(&state.db, &actor, id).await?.into()))
}

/// Close a rating round. Roles: admin.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/close", tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = EvaluationDto),
    (status = 409, description = "`vote_not_open`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn close_evaluation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EvaluationDto>> {
    Ok(Json(service::close(&state.db, &actor, id).await?.into()))
}

/// Publish a closed rating round; each project's grade joins its history. Roles: admin.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/publish", tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = EvaluationResultsDto),
    (status = 409, description = "`vote_not_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn publish_evaluation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EvaluationResultsDto>> {
    Ok(Json(
        service::publish(&state.db, &actor, id).await?.try_into()?,
    ))
}

/// Rate every project of the round, secretly, once. Roles: deputy on the roster who has checked in.
///
/// Refusals store nothing: 409 `vote_not_open`, `already_voted`; 403 `not_entitled`, `not_present`,
/// `not_a_deputy`; 422 `incomplete_ballot`, `unknown_candidate`, `duplicate_mark`.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/ballots", tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = RatingBallotRequest, responses(
    (status = 201, body = RatingReceiptDto),
    (status = 409, description = "`vote_not_open` or `already_voted`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn rate(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<RatingBallotRequest>,
) -> ApiResult<(StatusCode, Json<RatingReceiptDto>)> {
    let ratings = r.ratings.into_iter().map(|(p, x)| (p, x.into())).collect();
    let receipt = service::cast(&state.db, &actor, id, ratings).await?;
    Ok((
        StatusCode::CREATED,
        Json(RatingReceiptDto {
            evaluation_id: id,
            vote_id: id,
            receipt,
        }),
    ))
}

/// Proof of a cast rating ballot, shown once (stored nowhere near the deputy).
#[derive(Serialize, ToSchema)]
pub struct RatingReceiptDto {
    /// The rating round the ballot was cast in.
    pub evaluation_id: Uuid,
    /// The same id as `evaluation_id`, under the name the first releases used; kept so existing
    /// clients keep working. Read `evaluation_id`.
    #[schema(deprecated)]
    pub vote_id: Uuid,
    /// 128 random bits, hex.
    pub receipt: String,
}

/// Per project: counts, satisfaction rate and grade. Roles: admin once closed; Public once published.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results", tag = "evaluations", security((), ("bearer" = [])), params(("id" = Uuid, Path), crate::exports::ExportParams), responses(
    (status = 200, description = "the rating's results; as CSV or XLSX one row per project", content(
        (EvaluationResultsDto = "application/json"),
        (String = "text/csv"),
        (crate::routes::attachments::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
    (status = 409, description = "`vote_not_closed` or `results_not_published`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn evaluation_results(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    crate::exports::Export(format): crate::exports::Export,
) -> ApiResult<axum::response::Response> {
    let dto: EvaluationResultsDto = service::results(&state.db, actor.as_ref(), id)
        .await?
        .try_into()?;
    if format != crate::exports::Format::Json {
        return crate::exports::file(rating_table(&dto), format);
    }
    Ok(axum::response::IntoResponse::into_response(Json(dto)))
}

/// One row per project rated, then one per subject.
fn rating_table(r: &EvaluationResultsDto) -> crate::exports::Table {
    let grade = |g: &RatingDto| match g {
        RatingDto::Satisfied => "满意",
        RatingDto::BasicallySatisfied => "基本满意",
        RatingDto::Unsatisfied => "不满意",
    };
    crate::exports::Table {
        sheet: "满意度测评结果",
        file: format!("rating-{}-results", r.evaluation.id),
        headers: vec![
            "项目或评议对象",
            "承办单位",
            "满意",
            "基本满意",
            "不满意",
            "满意率(‰)",
            "测评结果",
        ],
        rows: r
            .projects
            .iter()
            .map(|p| {
                vec![
                    p.project.title.as_str().into(),
                    p.project.department.as_str().into(),
                    p.satisfied.into(),
                    p.basically_satisfied.into(),
                    p.unsatisfied.into(),
                    p.satisfaction_permille.into(),
                    grade(&p.grade).into(),
                ]
            })
            .chain(r.subjects.iter().map(|x| {
                vec![
                    format!("{} {}", x.subject.name, x.subject.post)
                        .trim()
                        .into(),
                    x.subject.unit.as_str().into(),
                    x.satisfied.into(),
                    x.basically_satisfied.into(),
                    x.unsatisfied.into(),
                    x.satisfaction_permille.into(),
                    grade(&x.grade).into(),
                ]
            }))
            .collect(),
    }
}
