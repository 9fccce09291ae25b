//! Follow-up of adopted projects: milestones, progress, inspections, problems, escalations, the
//! follow-up summary with its status colour, and the timeline. Reads are public once a project is
//! adopted; writes follow the permission matrix in `minsheng_domain::followup::access`.

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use minsheng_domain::{
    Actor,
    attachments::{self, AttachmentMeta},
    entities::{escalations, inspections, milestones, progress_reports},
    followup::{
        access,
        problems::{self, NewEscalation, NewInspection, NewProblem, ProblemAction, ProblemView},
        progress::{self, MilestoneChange, NewMilestone, NewProgress},
        view,
    },
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::exports::{Export, Format, Table};
use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath, whole_number},
    routes::Page,
    routes::attachments::{AttachmentDto, take},
    routes::projects::ProjectDto,
    state::AppState,
};
use axum::response::{IntoResponse, Response};

async fn readable(state: &AppState, actor: &Option<Actor>, id: Uuid) -> ApiResult<()> {
    access::readable_project(&state.db, actor.as_ref(), id).await?;
    Ok(())
}

/// A project's files by record, to put on the DTOs of its records.
async fn files_of(state: &AppState, project_id: Uuid) -> ApiResult<Files> {
    Ok(attachments::of_project(&state.db, project_id).await?)
}

type Files = HashMap<Uuid, Vec<AttachmentMeta>>;

impl ProblemDto {
    fn with_files(mut self, files: &mut Files) -> Self {
        for e in &mut self.events {
            e.attachments = take(files, e.id);
        }
        self
    }
}

#[derive(Serialize, ToSchema)]
pub struct MilestoneDto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

impl From<milestones::Model> for MilestoneDto {
    fn from(m: milestones::Model) -> Self {
        Self {
            id: m.id,
            project_id: m.project_id,
            title: m.title,
            due_on: m.due_on,
            done_on: m.done_on,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateMilestoneRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: String,
    /// A date in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(deserialize_with = "crate::bounds::date")]
    pub due_on: NaiveDate,
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateMilestoneRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: Option<String>,
    /// A date in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::bounds::date_opt")]
    pub due_on: Option<NaiveDate>,
    /// The date the milestone was reached, in the years 2000 to 2100; `null` clears it.
    #[serde(default, deserialize_with = "crate::bounds::date_present")]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub done_on: Option<Option<NaiveDate>>,
}

/// A progress report (进度).
#[derive(Serialize, ToSchema)]
pub struct ProgressDto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub period: String,
    pub reported_on: NaiveDate,
    pub percent_complete: i32,
    pub spent_yuan: i64,
    pub note: String,
    /// Photos and PDFs (add them with `POST /api/v1/attachments`).
    pub attachments: Vec<AttachmentDto>,
}

impl From<progress_reports::Model> for ProgressDto {
    fn from(r: progress_reports::Model) -> Self {
        Self {
            id: r.id,
            project_id: r.project_id,
            period: r.period,
            reported_on: r.reported_on,
            percent_complete: r.percent_complete,
            spent_yuan: r.spent_yuan,
            note: r.note,
            attachments: Vec::new(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateProgressRequest {
    /// The period reported on: a month `2027-05`, a quarter `2027-Q2`, a half year `2027-H1` or a
    /// year `2027`. The report of the latest period is the project's current state; a report for
    /// an earlier period, filed late, is history. 422 `invalid_period` otherwise.
    #[schema(pattern = "^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$")]
    pub period: String,
    #[schema(minimum = 0, maximum = 100)]
    #[serde(deserialize_with = "whole_number")]
    pub percent_complete: i32,
    /// Money spent so far, whole yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1000000000000_i64)]
    #[serde(deserialize_with = "whole_number")]
    pub spent_yuan: i64,
    #[serde(default)]
    #[schema(max_length = 5000, pattern = "long-text")]
    pub note: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 视察
    Inspection,
    /// 调研
    Research,
    /// 听取汇报
    Briefing,
    /// 专题询问
    SpecialInquiry,
}

impl InspectionKind {
    fn as_str(self) -> &'static str {
        match self {
            InspectionKind::Inspection => "inspection",
            InspectionKind::Research => "research",
            InspectionKind::Briefing => "briefing",
            InspectionKind::SpecialInquiry => "special_inquiry",
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InspectionDto {
    pub id: Uuid,
    pub project_id: Uuid,
    /// `inspection` (视察), `research` (调研), `briefing` (听取汇报), `special_inquiry` (专题询问).
    pub kind: String,
    pub held_on: NaiveDate,
    pub location: String,
    pub participants: String,
    pub findings: String,
    /// Photos and PDFs (add them with `POST /api/v1/attachments`).
    pub attachments: Vec<AttachmentDto>,
}

impl From<inspections::Model> for InspectionDto {
    fn from(i: inspections::Model) -> Self {
        Self {
            id: i.id,
            project_id: i.project_id,
            kind: i.kind.as_str().to_owned(),
            held_on: i.held_on,
            location: i.location,
            participants: i.participants,
            findings: i.findings,
            attachments: Vec::new(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateInspectionRequest {
    pub kind: InspectionKind,
    /// A date in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(deserialize_with = "crate::bounds::date")]
    pub held_on: NaiveDate,
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub location: String,
    #[schema(min_length = 1, max_length = 2000, pattern = "long-text")]
    pub participants: String,
    #[schema(min_length = 1, max_length = 5000, pattern = "long-text")]
    pub findings: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// One step on a problem: who (by role) and when.
#[derive(Serialize, ToSchema)]
pub struct ProblemEventDto {
    /// The step's id: files are added to it as `record_type=problem_step`.
    pub id: Uuid,
    /// `raised`, `rectified`, `sent_back` or `verified`.
    pub kind: String,
    pub note: String,
    /// The role that took the step: `deputy` (group member), `department`, `admin`.
    pub by_role: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Photos and PDFs of the step (a rectification's 整改 photos).
    pub attachments: Vec<AttachmentDto>,
}

/// A problem (问题) with its responsible department and its rectification history.
#[derive(Serialize, ToSchema)]
pub struct ProblemDto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub description: String,
    pub severity: String,
    pub responsible_department: String,
    pub deadline: NaiveDate,
    /// `open` (raised or sent back), `rectified` (waiting for verification), `closed` (verified).
    pub status: String,
    pub raised_at: chrono::DateTime<chrono::Utc>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub events: Vec<ProblemEventDto>,
}

impl From<ProblemView> for ProblemDto {
    fn from(v: ProblemView) -> Self {
        let p = v.problem;
        Self {
            id: p.id,
            project_id: p.project_id,
            description: p.description,
            severity: p.severity.as_str().to_owned(),
            responsible_department: p.responsible_department,
            deadline: p.deadline,
            status: p.status.as_str().to_owned(),
            raised_at: p.created_at,
            closed_at: p.closed_at,
            events: v
                .events
                .into_iter()
                .map(|e| ProblemEventDto {
                    id: e.id,
                    kind: e.kind.as_str().to_owned(),
                    note: e.note,
                    by_role: e.actor_role.as_str().to_owned(),
                    at: e.created_at,
                    attachments: Vec::new(),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateProblemRequest {
    #[schema(min_length = 1, max_length = 5000, pattern = "long-text")]
    pub description: String,
    pub severity: Severity,
    /// Defaults to the project's responsible department.
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub responsible_department: Option<String>,
    /// A date in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(deserialize_with = "crate::bounds::date")]
    pub deadline: NaiveDate,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemActionDto {
    /// The responsible department reports its rectification (整改). Roles: department responsible.
    Rectify,
    /// A group member confirms the rectification and closes the problem. Roles: group member.
    Verify,
    /// A group member sends the rectification back; the problem reopens. Roles: group member.
    SendBack,
}

#[derive(Deserialize, ToSchema)]
pub struct ProblemActionRequest {
    pub action: ProblemActionDto,
    /// What was done (rectify, required) or why it is accepted or sent back.
    #[serde(default)]
    #[schema(max_length = 5000, pattern = "long-text")]
    pub note: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EscalationKind {
    /// 询问
    Inquiry,
    /// 约见
    Appointment,
    /// 质询
    Interpellation,
    /// 特定问题调查
    SpecialInvestigation,
}

impl EscalationKind {
    fn as_str(self) -> &'static str {
        match self {
            EscalationKind::Inquiry => "inquiry",
            EscalationKind::Appointment => "appointment",
            EscalationKind::Interpellation => "interpellation",
            EscalationKind::SpecialInvestigation => "special_investigation",
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EscalationDto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub kind: String,
    pub held_on: NaiveDate,
    pub note: String,
}

impl From<escalations::Model> for EscalationDto {
    fn from(e: escalations::Model) -> Self {
        Self {
            id: e.id,
            project_id: e.project_id,
            kind: e.kind.as_str().to_owned(),
            held_on: e.held_on,
            note: e.note,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateEscalationRequest {
    pub kind: EscalationKind,
    /// A date in the years 2000 to 2100.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(deserialize_with = "crate::bounds::date")]
    pub held_on: NaiveDate,
    #[schema(min_length = 1, max_length = 5000, pattern = "long-text")]
    pub note: String,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusColour {
    OnSchedule,
    Behind,
    SeriouslyBehind,
    Completed,
}

/// A published rating round of the project.
#[derive(Serialize, ToSchema)]
pub struct GradeDto {
    pub evaluation_id: Uuid,
    pub title: String,
    pub published_at: chrono::DateTime<chrono::Utc>,
    /// `satisfied` (满意), `basically_satisfied` (基本满意) or `unsatisfied` (不满意).
    pub grade: String,
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
}

/// The baseline frozen at adoption.
#[derive(Serialize, ToSchema)]
pub struct BaselineDto {
    pub budget_yuan: i64,
    pub department: String,
    pub started_on: NaiveDate,
    pub planned_completion: NaiveDate,
}

/// Where an adopted project stands, against its baseline.
#[derive(Serialize, ToSchema)]
pub struct FollowUpDto {
    pub project: ProjectDto,
    pub baseline: BaselineDto,
    /// Computed by the documented rule, never typed in.
    pub status_colour: StatusColour,
    /// Why the colour is what it is.
    pub reasons: Vec<String>,
    pub percent_complete: u32,
    /// What the linear schedule expects today.
    pub expected_percent: u32,
    /// Expected minus actual, in percentage points (negative: ahead of schedule).
    pub schedule_slip_points: i64,
    /// Days past the planned completion (0 if not past it).
    pub days_overdue: i64,
    pub spent_yuan: i64,
    /// Spent minus the share of the budget that the reported progress has earned.
    pub budget_variance_yuan: i64,
    /// The report of the latest period (a report filed late for an earlier period is history).
    pub latest_report: Option<ProgressDto>,
    pub overdue_milestones: u32,
    pub open_problems: u32,
    /// The latest grade, if the project was rated.
    pub latest_grade: Option<GradeDto>,
    /// Every published rating round, oldest first.
    pub grades: Vec<GradeDto>,
}

#[derive(Serialize, ToSchema)]
pub struct TimelineEntryDto {
    pub date: NaiveDate,
    /// `adopted`, `milestone_due`, `milestone_done`, `progress`, `inspection`, `problem_raised`,
    /// `problem_rectified`, `problem_sent_back`, `problem_verified`, `escalation`, `rating`.
    pub kind: String,
    pub summary: String,
    /// The record the entry is about (milestone, report, inspection, problem, escalation, rating).
    pub reference: Uuid,
    /// The role that took the step, where one did.
    pub by_role: Option<String>,
}

/// Everything that happened to a project, in date order.
#[derive(Serialize, ToSchema)]
pub struct TimelineDto {
    pub project_id: Uuid,
    pub title: String,
    pub status_colour: StatusColour,
    pub entries: Vec<TimelineEntryDto>,
}

fn colour_dto(c: minsheng_domain::followup::colour::Colour) -> StatusColour {
    use minsheng_domain::followup::colour::Colour;
    match c {
        Colour::OnSchedule => StatusColour::OnSchedule,
        Colour::Behind => StatusColour::Behind,
        Colour::SeriouslyBehind => StatusColour::SeriouslyBehind,
        Colour::Completed => StatusColour::Completed,
    }
}

fn grade_dto(g: minsheng_domain::evaluations::service::GradeRecord) -> GradeDto {
    GradeDto {
        grade: g.grade_str().to_owned(),
        evaluation_id: g.evaluation_id,
        title: g.title,
        published_at: g.published_at,
        satisfied: g.counts.satisfied,
        basically_satisfied: g.counts.basically_satisfied,
        unsatisfied: g.counts.unsatisfied,
    }
}

/// Add a milestone (节点). Roles: admin, the project's responsible department.
#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CreateMilestoneRequest, responses(
    (status = 201, body = MilestoneDto),
    (status = 409, description = "`project_not_adopted`; `project_completed` (a completed project's follow-up is closed)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_milestone(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateMilestoneRequest>,
) -> ApiResult<(StatusCode, Json<MilestoneDto>)> {
    let m = progress::add_milestone(
        &state.db,
        &actor,
        id,
        NewMilestone {
            title: r.title,
            due_on: r.due_on,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// A project's milestones by due date. Roles: any; Public once adopted.
#[utoipa::path(get, path = "/api/v1/projects/{id}/milestones", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = Page<MilestoneDto>),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list_milestones(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Page<MilestoneDto>>> {
    readable(&state, &actor, id).await?;
    Ok(Json(Page::all(
        progress::milestones_of(&state.db, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )))
}

/// Change a milestone or record that it was reached. Roles: admin, the project's responsible department.
#[utoipa::path(patch, path = "/api/v1/milestones/{id}", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = UpdateMilestoneRequest, responses(
    (status = 200, body = MilestoneDto),
    (status = 409, description = "`project_completed` (a completed project's follow-up is closed)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn update_milestone(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<UpdateMilestoneRequest>,
) -> ApiResult<Json<MilestoneDto>> {
    let change = MilestoneChange {
        title: r.title,
        due_on: r.due_on,
        done_on: r.done_on,
    };
    Ok(Json(
        progress::update_milestone(&state.db, &actor, id, change)
            .await?
            .into(),
    ))
}

/// Report progress. The first report moves an adopted project to `in_progress`. Roles: the
/// project's responsible department only.
#[utoipa::path(post, path = "/api/v1/projects/{id}/progress", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CreateProgressRequest, responses(
    (status = 201, body = ProgressDto),
    (status = 409, description = "`project_not_adopted`; `project_completed` (a completed project's follow-up is closed)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn report_progress(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateProgressRequest>,
) -> ApiResult<(StatusCode, Json<ProgressDto>)> {
    let input = NewProgress {
        period: r.period,
        percent_complete: r.percent_complete,
        spent_yuan: r.spent_yuan,
        note: r.note,
        attachments: Vec::new(),
    };
    Ok((
        StatusCode::CREATED,
        Json(
            progress::report_progress(&state.db, &actor, id, input)
                .await?
                .into(),
        ),
    ))
}

/// Progress reports in period order (reports of one period in filing order); the last is the
/// current state. Roles: any; Public once adopted.
#[utoipa::path(get, path = "/api/v1/projects/{id}/progress", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path), crate::exports::ExportParams), responses(
    (status = 200, description = "the reports; as CSV or XLSX one row per report", content(
        (Page<ProgressDto> = "application/json"),
        (String = "text/csv"),
        (crate::routes::attachments::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list_progress(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    Export(format): Export,
) -> ApiResult<Response> {
    readable(&state, &actor, id).await?;
    let mut files = files_of(&state, id).await?;
    let page = Page::all(
        progress::reports_of(&state.db, id)
            .await?
            .into_iter()
            .map(|r| ProgressDto {
                attachments: take(&mut files, r.id),
                ..r.into()
            })
            .collect(),
    );
    if format == Format::Json {
        return Ok(Json(page).into_response());
    }
    crate::exports::file(
        Table {
            sheet: "进度报告",
            file: format!("project-{id}-progress"),
            headers: vec![
                "报告期",
                "报告日期",
                "完成(%)",
                "已支出(元)",
                "说明",
                "附件数",
            ],
            rows: page
                .items
                .iter()
                .map(|r| {
                    vec![
                        r.period.as_str().into(),
                        r.reported_on.to_string().into(),
                        r.percent_complete.into(),
                        r.spent_yuan.into(),
                        r.note.as_str().into(),
                        (r.attachments.len() as i64).into(),
                    ]
                })
                .collect(),
        },
        format,
    )
}

/// Record an inspection (视察 / 调研 / 听取汇报 / 专题询问). Roles: members of a supervision group following the project.
#[utoipa::path(post, path = "/api/v1/projects/{id}/inspections", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CreateInspectionRequest, responses(
    (status = 201, body = InspectionDto),
    (status = 409, description = "`project_not_adopted`; `project_completed` (a completed project's follow-up is closed)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn record_inspection(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateInspectionRequest>,
) -> ApiResult<(StatusCode, Json<InspectionDto>)> {
    let input = NewInspection {
        kind: r.kind.as_str().to_owned(),
        held_on: r.held_on,
        location: r.location,
        participants: r.participants,
        findings: r.findings,
        attachments: Vec::new(),
    };
    Ok((
        StatusCode::CREATED,
        Json(
            problems::record_inspection(&state.db, &actor, id, input)
                .await?
                .into(),
        ),
    ))
}

/// Inspections by date. Roles: any; Public once adopted.
#[utoipa::path(get, path = "/api/v1/projects/{id}/inspections", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = Page<InspectionDto>),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list_inspections(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Page<InspectionDto>>> {
    readable(&state, &actor, id).await?;
    let mut files = files_of(&state, id).await?;
    Ok(Json(Page::all(
        problems::inspections_of(&state.db, id)
            .await?
            .into_iter()
            .map(|i| InspectionDto {
                attachments: take(&mut files, i.id),
                ..i.into()
            })
            .collect(),
    )))
}

/// Raise a problem (问题) on a project. Roles: members of a supervision group following the project.
#[utoipa::path(post, path = "/api/v1/projects/{id}/problems", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CreateProblemRequest, responses(
    (status = 201, body = ProblemDto),
    (status = 409, description = "`project_not_adopted`; `project_completed` (a completed project's follow-up is closed)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn raise_problem(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateProblemRequest>,
) -> ApiResult<(StatusCode, Json<ProblemDto>)> {
    let input = NewProblem {
        description: r.description,
        severity: r.severity.as_str().to_owned(),
        responsible_department: r.responsible_department,
        deadline: r.deadline,
    };
    Ok((
        StatusCode::CREATED,
        Json(
            problems::raise_problem(&state.db, &actor, id, input)
                .await?
                .into(),
        ),
    ))
}

/// A project's problems with their history. Roles: any; Public once adopted.
#[utoipa::path(get, path = "/api/v1/projects/{id}/problems", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path), crate::exports::ExportParams), responses(
    (status = 200, description = "the problems; as CSV or XLSX one row per problem", content(
        (Page<ProblemDto> = "application/json"),
        (String = "text/csv"),
        (crate::routes::attachments::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list_problems(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    Export(format): Export,
) -> ApiResult<Response> {
    readable(&state, &actor, id).await?;
    let mut files = files_of(&state, id).await?;
    let page = Page::all(
        problems::problems_of(&state.db, id)
            .await?
            .into_iter()
            .map(|p| ProblemDto::from(p).with_files(&mut files))
            .collect(),
    );
    if format == Format::Json {
        return Ok(Json(page).into_response());
    }
    crate::exports::file(
        Table {
            sheet: "问题清单",
            file: format!("project-{id}-problems"),
            headers: vec![
                "问题",
                "严重程度",
                "责任单位",
                "整改期限",
                "状态",
                "提出时间",
                "销号时间",
            ],
            rows: page
                .items
                .iter()
                .map(|p| {
                    vec![
                        p.description.as_str().into(),
                        match p.severity.as_str() {
                            "high" => "高",
                            "medium" => "中",
                            "low" => "低",
                            other => other,
                        }
                        .into(),
                        p.responsible_department.as_str().into(),
                        p.deadline.to_string().into(),
                        match p.status.as_str() {
                            "open" => "待整改",
                            "rectified" => "已整改待验收",
                            "closed" => "已销号",
                            other => other,
                        }
                        .into(),
                        china_time(p.raised_at).into(),
                        p.closed_at.map(china_time).into(),
                    ]
                })
                .collect(),
        },
        format,
    )
}

/// A moment as the office reads it: China Standard Time, to the minute.
fn china_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// One problem with its history. Roles: any; Public once its project is adopted.
#[utoipa::path(get, path = "/api/v1/problems/{id}", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = ProblemDto),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn get_problem(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ProblemDto>> {
    let p = problems::get_problem(&state.db, actor.as_ref(), id).await?;
    let mut files = files_of(&state, p.problem.project_id).await?;
    Ok(Json(ProblemDto::from(p).with_files(&mut files)))
}

/// Rectify (the responsible department), verify or send back (a member of the project's group).
/// Roles: department responsible for the problem (rectify); supervision group member (verify, send_back).
#[utoipa::path(patch, path = "/api/v1/problems/{id}", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ProblemActionRequest, responses(
    (status = 200, body = ProblemDto),
    (status = 409, description = "`problem_not_open`, `problem_not_rectified` or `project_completed`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn act_on_problem(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ProblemActionRequest>,
) -> ApiResult<Json<ProblemDto>> {
    let action = match r.action {
        ProblemActionDto::Rectify => ProblemAction::Rectify,
        ProblemActionDto::Verify => ProblemAction::Verify,
        ProblemActionDto::SendBack => ProblemAction::SendBack,
    };
    let p = problems::act_on_problem(&state.db, &actor, id, action, &r.note, Vec::new()).await?;
    let mut files = files_of(&state, p.problem.project_id).await?;
    Ok(Json(ProblemDto::from(p).with_files(&mut files)))
}

/// Record an escalation: 询问, 约见, 质询 or 特定问题调查. Roles: admin.
#[utoipa::path(post, path = "/api/v1/projects/{id}/escalations", tag = "follow-up", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CreateEscalationRequest, responses(
    (status = 201, body = EscalationDto),
    (status = 409, description = "`project_not_adopted`; `project_completed` (a completed project's follow-up is closed)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn record_escalation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateEscalationRequest>,
) -> ApiResult<(StatusCode, Json<EscalationDto>)> {
    let input = NewEscalation {
        kind: r.kind.as_str().to_owned(),
        held_on: r.held_on,
        note: r.note,
    };
    Ok((
        StatusCode::CREATED,
        Json(
            problems::record_escalation(&state.db, &actor, id, input)
                .await?
                .into(),
        ),
    ))
}

/// Escalations by date. Roles: any; Public once adopted.
#[utoipa::path(get, path = "/api/v1/projects/{id}/escalations", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = Page<EscalationDto>),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list_escalations(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Page<EscalationDto>>> {
    readable(&state, &actor, id).await?;
    Ok(Json(Page::all(
        problems::escalations_of(&state.db, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )))
}

/// Where the project stands against its baseline, with its computed status colour and grades.
/// Roles: any; Public once adopted.
#[utoipa::path(get, path = "/api/v1/projects/{id}/follow-up", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = FollowUpDto),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn follow_up(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FollowUpDto>> {
    readable(&state, &actor, id).await?;
    let f = view::follow_up(
        &state.db,
        id,
        &state.colour_rule,
        minsheng_domain::clock::today(),
    )
    .await?;
    let grades: Vec<GradeDto> = f.grades.into_iter().map(grade_dto).collect();
    let latest_grade = grades.last().map(|g| GradeDto {
        evaluation_id: g.evaluation_id,
        title: g.title.clone(),
        published_at: g.published_at,
        grade: g.grade.clone(),
        satisfied: g.satisfied,
        basically_satisfied: g.basically_satisfied,
        unsatisfied: g.unsatisfied,
    });
    Ok(Json(FollowUpDto {
        status_colour: colour_dto(f.assessment.colour),
        reasons: f.assessment.reasons,
        percent_complete: f
            .latest_report
            .as_ref()
            .map(|r| r.percent_complete as u32)
            .unwrap_or(0),
        expected_percent: f.assessment.expected_percent,
        schedule_slip_points: f.assessment.schedule_gap,
        days_overdue: f.days_overdue,
        spent_yuan: f.latest_report.as_ref().map(|r| r.spent_yuan).unwrap_or(0),
        budget_variance_yuan: f.budget_variance_yuan,
        latest_report: f.latest_report.map(Into::into),
        overdue_milestones: f.overdue_milestones,
        open_problems: f.open_problems,
        baseline: BaselineDto {
            budget_yuan: f.baseline.budget_yuan,
            department: f.baseline.department,
            started_on: f.baseline.started_on,
            planned_completion: f.baseline.planned_completion,
        },
        project: f.project.try_into()?,
        latest_grade,
        grades,
    }))
}

/// The project's timeline: baseline, milestones, progress, inspections, problems and their
/// rectification, escalations and ratings, in date order. Roles: any; Public once adopted.
#[utoipa::path(get, path = "/api/v1/projects/{id}/timeline", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = TimelineDto),
    (status = 409, description = "`project_not_adopted` with the reason (the public gets it only for a project in the reserve, else 404)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn timeline(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<TimelineDto>> {
    readable(&state, &actor, id).await?;
    let f = view::follow_up(
        &state.db,
        id,
        &state.colour_rule,
        minsheng_domain::clock::today(),
    )
    .await?;
    let entries = view::timeline(&state.db, id)
        .await?
        .into_iter()
        .map(|e| TimelineEntryDto {
            date: e.date,
            kind: e.kind.to_owned(),
            summary: e.summary,
            reference: e.reference,
            by_role: e.by_role,
        })
        .collect();
    Ok(Json(TimelineDto {
        project_id: id,
        title: f.project.title,
        status_colour: colour_dto(f.assessment.colour),
        entries,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// The projects' year; default: the latest year with a followed project.
    #[serde(default, deserialize_with = "crate::bounds::year_opt")]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// One project on the board.
#[derive(Serialize, ToSchema)]
pub struct BoardProjectDto {
    pub id: Uuid,
    pub title: String,
    /// `adopted`, `in_progress` or `completed`.
    pub status: String,
    /// The responsible department (责任单位) of the baseline.
    pub department: String,
    pub budget_yuan: i64,
    pub planned_completion: NaiveDate,
    /// Computed by the documented rule, never typed in.
    pub status_colour: StatusColour,
    /// Whether any progress report was filed. When false, `percent_complete` is 0 by default,
    /// not a measurement (pages say 尚未报告).
    pub reported: bool,
    pub percent_complete: u32,
    /// What the linear schedule expects today.
    pub expected_percent: u32,
    /// The latest report's period, if any.
    pub latest_period: Option<String>,
    pub spent_yuan: i64,
    pub budget_variance_yuan: i64,
    pub overdue_milestones: u32,
    pub open_problems: u32,
}

/// Projects per colour. `not_reported` counts across the colours.
#[derive(Serialize, ToSchema)]
pub struct ColourCountsDto {
    pub on_schedule: u32,
    pub behind: u32,
    pub seriously_behind: u32,
    pub completed: u32,
    pub not_reported: u32,
    pub total: u32,
}

/// Every followed project of a year with its status colour.
#[derive(Serialize, ToSchema)]
pub struct BoardDto {
    pub year: i32,
    /// Every year with a followed project, newest first.
    pub years: Vec<i32>,
    pub counts: ColourCountsDto,
    /// Most urgent first: seriously behind, behind, on schedule, completed; then by title.
    pub projects: Vec<BoardProjectDto>,
}

/// The year's board (五色督办): every adopted, in-progress and completed project with its status
/// colour, percent complete against expected, budget and money spent, and counts per colour.
/// Built in a fixed number of queries. Roles: any; Public.
#[utoipa::path(get, path = "/api/v1/projects/board", tag = "follow-up", security((), ("bearer" = [])), params(BoardQuery, crate::exports::ExportParams), responses(
    (status = 200, description = "the board; as CSV or XLSX one row per project", content(
        (BoardDto = "application/json"),
        (String = "text/csv"),
        (crate::routes::attachments::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
    (status = 400, description = "`invalid_query`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn board(
    State(state): State<AppState>,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<BoardQuery>,
    Export(format): Export,
) -> ApiResult<axum::response::Response> {
    let today = minsheng_domain::clock::today();
    if format != Format::Json {
        let b = board_dto(&state, q.year, today).await?;
        return crate::exports::file(board_table(&b), format);
    }
    let version = minsheng_domain::followup::board::board_version(&state.db).await?;
    state
        .boards
        .answer((q.year, today, version), || async {
            serde_json::to_vec(&board_dto(&state, q.year, today).await?).map_err(|e| {
                minsheng_domain::Error::Internal(format!("serialising the board: {e}")).into()
            })
        })
        .await
}

async fn board_dto(state: &AppState, year: Option<i32>, today: NaiveDate) -> ApiResult<BoardDto> {
    let b = minsheng_domain::followup::board::board(
        &state.db,
        year,
        &Default::default(),
        &state.colour_rule,
        today,
    )
    .await?;
    let c = b.counts;
    Ok(BoardDto {
        year: b.year,
        years: b.years,
        counts: ColourCountsDto {
            on_schedule: c.on_schedule,
            behind: c.behind,
            seriously_behind: c.seriously_behind,
            completed: c.completed,
            not_reported: c.not_reported,
            total: c.total,
        },
        projects: b
            .rows
            .into_iter()
            .map(|r| {
                let s = r.standing;
                BoardProjectDto {
                    id: r.project.id,
                    title: r.project.title,
                    status: r.project.status.as_str().to_owned(),
                    department: r.baseline.department,
                    budget_yuan: r.baseline.budget_yuan,
                    planned_completion: r.baseline.planned_completion,
                    status_colour: colour_dto(s.assessment.colour),
                    reported: s.reported,
                    percent_complete: s.percent_complete,
                    expected_percent: s.assessment.expected_percent,
                    latest_period: s.latest_period,
                    spent_yuan: s.spent_yuan,
                    budget_variance_yuan: s.budget_variance_yuan,
                    overdue_milestones: s.overdue_milestones,
                    open_problems: s.open_problems,
                }
            })
            .collect(),
    })
}

/// One row per project, most urgent first, as the board shows them.
fn board_table(b: &BoardDto) -> Table {
    let colour = |c: &StatusColour| match c {
        StatusColour::OnSchedule => "正常推进",
        StatusColour::Behind => "进度滞后",
        StatusColour::SeriouslyBehind => "严重滞后",
        StatusColour::Completed => "已完成",
    };
    Table {
        sheet: "项目推进一览",
        file: format!("board-{}", b.year),
        headers: vec![
            "项目",
            "承办单位",
            "状态",
            "完成(%)",
            "应完成(%)",
            "最近报告期",
            "预算(元)",
            "已支出(元)",
            "逾期节点",
            "未销号问题",
            "计划完成",
        ],
        rows: b
            .projects
            .iter()
            .map(|p| {
                vec![
                    p.title.as_str().into(),
                    p.department.as_str().into(),
                    colour(&p.status_colour).into(),
                    p.percent_complete.into(),
                    p.expected_percent.into(),
                    p.latest_period.clone().into(),
                    p.budget_yuan.into(),
                    p.spent_yuan.into(),
                    p.overdue_milestones.into(),
                    p.open_problems.into(),
                    p.planned_completion.to_string().into(),
                ]
            })
            .collect(),
    }
}
