//! Deputies' duty record and points (履职档案 / 积分, `minsheng_domain::duty`): the year's point
//! rules, each deputy's record line by line, the office's own entries (activities, leave),
//! correction requests, and quarterly snapshots (季度亮分).

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use minsheng_domain::duty::{
    ActivityKind, corrections,
    office::{self, NewActivity},
    record::{self, Line, Record},
    rules, snapshots,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery},
    routes::Page,
    state::AppState,
};

/// An activity kind: `session_attended`, `session_leave` (per half day), `session_absent`,
/// `vote`, `rating`, `inspection`, `suggestion_led`, `suggestion_cosigned`, `reception_day`,
/// `training`, `group_activity`, `voter_report`, `other`.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKindDto {
    SessionAttended,
    SessionLeave,
    SessionAbsent,
    Vote,
    Rating,
    Inspection,
    SuggestionLed,
    SuggestionCosigned,
    ReceptionDay,
    Training,
    GroupActivity,
    VoterReport,
    Other,
}

impl ActivityKindDto {
    fn word(self) -> &'static str {
        match self {
            Self::SessionAttended => "session_attended",
            Self::SessionLeave => "session_leave",
            Self::SessionAbsent => "session_absent",
            Self::Vote => "vote",
            Self::Rating => "rating",
            Self::Inspection => "inspection",
            Self::SuggestionLed => "suggestion_led",
            Self::SuggestionCosigned => "suggestion_cosigned",
            Self::ReceptionDay => "reception_day",
            Self::Training => "training",
            Self::GroupActivity => "group_activity",
            Self::VoterReport => "voter_report",
            Self::Other => "other",
        }
    }
}

impl From<ActivityKind> for ActivityKindDto {
    fn from(k: ActivityKind) -> Self {
        match k {
            ActivityKind::SessionAttended => Self::SessionAttended,
            ActivityKind::SessionLeave => Self::SessionLeave,
            ActivityKind::SessionAbsent => Self::SessionAbsent,
            ActivityKind::Vote => Self::Vote,
            ActivityKind::Rating => Self::Rating,
            ActivityKind::Inspection => Self::Inspection,
            ActivityKind::SuggestionLed => Self::SuggestionLed,
            ActivityKind::SuggestionCosigned => Self::SuggestionCosigned,
            ActivityKind::ReceptionDay => Self::ReceptionDay,
            ActivityKind::Training => Self::Training,
            ActivityKind::GroupActivity => Self::GroupActivity,
            ActivityKind::VoterReport => Self::VoterReport,
            ActivityKind::Other => Self::Other,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct RuleDto {
    pub kind: ActivityKindDto,
    /// Points per occurrence (leave: per half day), -100 to 100.
    #[schema(minimum = -100, maximum = 100)]
    pub points: i32,
}

/// A year's rules, one version.
#[derive(Serialize, ToSchema)]
pub struct RulesDto {
    pub year: i32,
    /// 1, 2, …: each save makes a new version; the latest applies. 0 before the office sets any
    /// (every line then earns 0).
    pub version: i32,
    pub rules: Vec<RuleDto>,
}

fn rules_dto(r: rules::Rules) -> RulesDto {
    RulesDto {
        year: r.year,
        version: r.version,
        rules: r
            .points
            .iter()
            .map(|(k, p)| RuleDto {
                kind: (*k).into(),
                points: *p,
            })
            .collect(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (2000 to 2100; default: this year).
    #[serde(deserialize_with = "crate::bounds::year_opt", default)]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

fn year_or_now(y: Option<i32>) -> i32 {
    y.unwrap_or_else(|| minsheng_domain::clock::today().year())
}

/// The year's point rules in force (version 0 and no rules before the office sets any). Roles:
/// any logged-in.
#[utoipa::path(get, path = "/api/v1/duty/rules", tag = "duty", security(("bearer" = [])), params(YearQuery), responses(
    (status = 200, body = RulesDto),
))]
pub async fn get_rules(
    State(state): State<AppState>,
    Auth(_actor): Auth,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<RulesDto>> {
    let year = year_or_now(q.year);
    let r = rules::current(&state.db, year)
        .await?
        .unwrap_or(rules::Rules {
            year,
            version: 0,
            points: Default::default(),
        });
    Ok(Json(rules_dto(r)))
}

#[derive(Deserialize, ToSchema)]
pub struct SetRulesRequest {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Each kind at most once; a kind not named earns 0.
    pub rules: Vec<RuleDto>,
}

/// Save the year's point rules as a new version (the latest applies to the whole year). Roles:
/// admin.
#[utoipa::path(put, path = "/api/v1/duty/rules", tag = "duty", security(("bearer" = [])), request_body = SetRulesRequest, responses(
    (status = 200, body = RulesDto),
    (status = 422, description = "`invalid_kind`: a kind named twice (a rule across items); `invalid_points`, `invalid_year`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn set_rules(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<SetRulesRequest>,
) -> ApiResult<Json<RulesDto>> {
    let pairs: Vec<(String, i32)> = r
        .rules
        .iter()
        .map(|x| (x.kind.word().to_owned(), x.points))
        .collect();
    Ok(Json(rules_dto(
        rules::set(&state.db, &actor, r.year, &pairs).await?,
    )))
}

/// A line of a record.
#[derive(Serialize, ToSchema)]
pub struct LineDto {
    /// What it stands for: `session:{id}`, `vote:{id}`, `rating:{id}`, `inspection:{id}`,
    /// `suggestion:{id}`, `reception:{id}`, `activity:{id}`; a correction names a line by it.
    pub key: String,
    pub kind: ActivityKindDto,
    pub on: NaiveDate,
    pub title: String,
    /// Occurrences (half days for leave).
    pub count: i32,
    pub points: i32,
    /// Struck by an accepted correction (it then earns 0): the office's note, empty when it wrote
    /// none (never the deputy's own reason).
    pub excluded: Option<String>,
}

pub(crate) fn line_dto(l: Line) -> LineDto {
    LineDto {
        key: l.key,
        kind: l.kind.into(),
        on: l.on,
        title: l.title,
        count: l.count,
        points: l.points,
        excluded: l.excluded,
    }
}

/// A deputy's year.
#[derive(Serialize, ToSchema)]
pub struct RecordDto {
    pub deputy_id: Uuid,
    pub year: i32,
    /// The rules' version applied; null when none is set (every line then earns 0).
    pub rule_version: Option<i32>,
    pub total: i32,
    pub lines: Vec<LineDto>,
}

fn record_dto(r: Record) -> RecordDto {
    RecordDto {
        deputy_id: r.deputy_id,
        year: r.year,
        rule_version: r.rule_version,
        total: r.total,
        lines: r.lines.into_iter().map(line_dto).collect(),
    }
}

/// A deputy's duty record for a year, line by line. Roles: admin; a deputy, their own (another's
/// is 404).
#[utoipa::path(get, path = "/api/v1/deputies/{id}/duty-record", tag = "duty", security(("bearer" = [])), params(("id" = Uuid, Path), YearQuery), responses(
    (status = 200, body = RecordDto),
))]
pub async fn deputy_record(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<RecordDto>> {
    Ok(Json(record_dto(
        record::of_deputy(&state.db, &actor, id, year_or_now(q.year)).await?,
    )))
}

/// One deputy's total.
#[derive(Serialize, ToSchema)]
pub struct TotalDto {
    pub deputy_id: Uuid,
    pub deputy_code: String,
    pub name: String,
    pub total: i32,
    pub lines: usize,
}

/// Every deputy's total for a year, by deputy code. Roles: admin.
#[utoipa::path(get, path = "/api/v1/duty/records", tag = "duty", security(("bearer" = [])), params(YearQuery), responses(
    (status = 200, body = Page<TotalDto>),
))]
pub async fn totals(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Page<TotalDto>>> {
    let rows = record::totals(&state.db, &actor, year_or_now(q.year)).await?;
    Ok(Json(Page::all(
        rows.into_iter()
            .map(|(d, r)| TotalDto {
                deputy_id: d.id,
                deputy_code: d.deputy_code,
                name: d.name,
                total: r.total,
                lines: r.lines.len(),
            })
            .collect(),
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct ActivityRequest {
    /// One the office records: `inspection`, `reception_day`, `training`, `group_activity`,
    /// `voter_report`, `other`.
    pub kind: ActivityKindDto,
    #[serde(deserialize_with = "crate::bounds::date")]
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub held_on: NaiveDate,
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: String,
    /// Where the proof is (a document number, a sign-in sheet).
    #[serde(default)]
    #[schema(max_length = 1000, pattern = "long-text")]
    pub evidence: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewActivityRequest {
    pub deputy_id: Uuid,
    #[serde(flatten)]
    pub activity: ActivityRequest,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityDto {
    pub id: Uuid,
    pub deputy_id: Uuid,
    pub kind: String,
    pub held_on: NaiveDate,
    pub title: String,
    pub evidence: String,
    /// The correction it answers, if any.
    pub correction_id: Option<Uuid>,
}

fn activity(deputy_id: Uuid, a: ActivityRequest) -> NewActivity {
    NewActivity {
        deputy_id,
        kind: a.kind.word().to_owned(),
        held_on: a.held_on,
        title: a.title,
        evidence: a.evidence,
    }
}

/// Record an activity with its evidence (training, 代表小组, reporting to voters; an inspection or
/// reception day Minsheng did not see). Roles: admin.
#[utoipa::path(post, path = "/api/v1/duty/activities", tag = "duty", security(("bearer" = [])), request_body = NewActivityRequest, responses(
    (status = 201, body = ActivityDto),
    (status = 422, description = "`invalid_kind`: a kind Minsheng gathers itself (attendance, votes, ratings, suggestions); `unknown_deputy` (a rule on the id named); `invalid_date`: after today; `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn record_activity(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<NewActivityRequest>,
) -> ApiResult<(StatusCode, Json<ActivityDto>)> {
    let a = office::record_activity(&state.db, &actor, activity(r.deputy_id, r.activity)).await?;
    Ok((
        StatusCode::CREATED,
        Json(ActivityDto {
            id: a.id,
            deputy_id: a.deputy_id,
            kind: a.kind,
            held_on: a.held_on,
            title: a.title,
            evidence: a.evidence,
            correction_id: a.correction_id,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct LeaveRequest {
    pub deputy_id: Uuid,
    /// Half days of leave (0 removes it).
    #[schema(minimum = 0, maximum = 40)]
    pub half_days: i32,
    /// Why (needed with leave).
    #[serde(default)]
    #[schema(max_length = 500, pattern = "long-text")]
    pub reason: String,
}

/// Record a deputy's leave (请假) from a session, in half days; it counts while the deputy is not
/// present. Roles: admin.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/leave", tag = "duty", security(("bearer" = [])), params(("id" = Uuid, Path, description = "session id")), request_body = LeaveRequest, responses(
    (status = 204, description = "recorded"),
    (status = 422, description = "`not_on_roster` (a rule on the id named); `invalid_text`: leave without a reason (a rule across two fields); `invalid_count`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn set_leave(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<LeaveRequest>,
) -> ApiResult<StatusCode> {
    office::set_leave(&state.db, &actor, id, r.deputy_id, r.half_days, &r.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a correction asks.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKindDto {
    /// 错: the line is wrong.
    Wrong,
    /// 重: the line is a duplicate.
    Duplicate,
    /// 漏: an activity is missing.
    Missing,
}

#[derive(Deserialize, ToSchema)]
pub struct CorrectionRequest {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    pub kind: CorrectionKindDto,
    /// The line's key, for `wrong` and `duplicate`.
    #[schema(max_length = 80)]
    pub line_key: Option<String>,
    #[schema(min_length = 1, max_length = 1000, pattern = "long-text")]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct CorrectionDto {
    pub id: Uuid,
    pub deputy_id: Uuid,
    pub year: i32,
    /// `wrong`, `duplicate` or `missing`.
    pub kind: String,
    pub line_key: Option<String>,
    pub reason: String,
    /// `pending`, `accepted` or `refused`.
    pub status: String,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

fn correction_dto(c: minsheng_domain::entities::duty_corrections::Model) -> CorrectionDto {
    CorrectionDto {
        id: c.id,
        deputy_id: c.deputy_id,
        year: c.year,
        kind: c.kind,
        line_key: c.line_key,
        reason: c.reason,
        status: c.status,
        decision_note: c.decision_note,
        created_at: c.created_at,
        decided_at: c.decided_at,
    }
}

/// Ask for a correction of your record (错、重、漏) with a reason. Roles: deputy.
#[utoipa::path(post, path = "/api/v1/duty/corrections", tag = "duty", security(("bearer" = [])), request_body = CorrectionRequest, responses(
    (status = 201, body = CorrectionDto),
    (status = 409, description = "`correction_pending`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`unknown_line`: no such line in your record, or a key with `missing` (rules against the stored record); `invalid_year`: after this year (a rule against today); `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn ask_correction(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<CorrectionRequest>,
) -> ApiResult<(StatusCode, Json<CorrectionDto>)> {
    let kind = match r.kind {
        CorrectionKindDto::Wrong => "wrong",
        CorrectionKindDto::Duplicate => "duplicate",
        CorrectionKindDto::Missing => "missing",
    };
    let c = corrections::ask(
        &state.db,
        &actor,
        r.year,
        kind,
        r.line_key.as_deref(),
        &r.reason,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(correction_dto(c))))
}

/// Correction requests of a year, newest first: the office's all, a deputy's their own. Roles:
/// admin, deputy.
#[utoipa::path(get, path = "/api/v1/duty/corrections", tag = "duty", security(("bearer" = [])), params(YearQuery), responses(
    (status = 200, body = Page<CorrectionDto>),
))]
pub async fn list_corrections(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Page<CorrectionDto>>> {
    let rows = corrections::list(&state.db, &actor, year_or_now(q.year)).await?;
    Ok(Json(Page::all(
        rows.into_iter().map(correction_dto).collect(),
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct CorrectionDecisionRequest {
    pub accept: bool,
    /// Why (needed to refuse).
    #[serde(default)]
    #[schema(max_length = 500, pattern = "long-text")]
    pub note: String,
    /// The activity to record with an acceptance (needed for `missing`).
    pub activity: Option<ActivityRequest>,
}

/// Accept or refuse a correction. Roles: admin.
#[utoipa::path(post, path = "/api/v1/duty/corrections/{id}/decision", tag = "duty", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CorrectionDecisionRequest, responses(
    (status = 200, body = CorrectionDto),
    (status = 409, description = "`correction_not_pending`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`activity_required`: accepting a missing activity records it (a rule against the stored request); `invalid_text`: a refusal without a note (a rule across two fields); the activity's `invalid_kind`, `invalid_date`; `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn decide_correction(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CorrectionDecisionRequest>,
) -> ApiResult<Json<CorrectionDto>> {
    let add = r.activity.map(|a| activity(Uuid::nil(), a));
    let c = corrections::decide(&state.db, &actor, id, r.accept, &r.note, add).await?;
    Ok(Json(correction_dto(c)))
}

#[derive(Deserialize, ToSchema)]
pub struct SnapshotRequest {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: i32,
}

/// One deputy's frozen quarter.
#[derive(Serialize, ToSchema)]
pub struct SnapshotRowDto {
    pub deputy_id: Uuid,
    pub deputy_code: String,
    pub name: String,
    pub total: i32,
    pub lines: Vec<LineDto>,
}

/// A quarterly snapshot (季度亮分).
#[derive(Serialize, ToSchema)]
pub struct SnapshotDto {
    pub id: Uuid,
    pub year: i32,
    pub quarter: i32,
    /// The lines counted are dated up to this day.
    pub as_of: NaiveDate,
    pub rule_version: Option<i32>,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    /// Every deputy, by code (empty in lists).
    pub rows: Vec<SnapshotRowDto>,
}

fn snapshot_meta(m: minsheng_domain::entities::duty_snapshots::Model) -> SnapshotDto {
    SnapshotDto {
        id: m.id,
        year: m.year,
        quarter: m.quarter,
        as_of: m.as_of,
        rule_version: m.rule_version,
        published: m.published,
        created_at: m.created_at,
        rows: Vec::new(),
    }
}

fn snapshot_dto(s: snapshots::Snapshot) -> SnapshotDto {
    let mut dto = snapshot_meta(s.meta);
    dto.rows = s
        .rows
        .into_iter()
        .map(|r| SnapshotRowDto {
            deputy_id: r.deputy_id,
            deputy_code: r.deputy_code,
            name: r.name,
            total: r.total,
            lines: r.lines.into_iter().map(line_dto).collect(),
        })
        .collect();
    dto
}

/// Take a quarter's snapshot: every deputy's total and lines up to the quarter's end (or today),
/// frozen; taken again before publication, it replaces the earlier one. Roles: admin.
#[utoipa::path(post, path = "/api/v1/duty/snapshots", tag = "duty", security(("bearer" = [])), request_body = SnapshotRequest, responses(
    (status = 201, body = SnapshotDto),
    (status = 409, description = "`snapshot_exists`: the quarter's snapshot is published (an unpublished one is replaced)", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`invalid_quarter`: a quarter not yet begun (a rule against today); `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn take_snapshot(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<SnapshotRequest>,
) -> ApiResult<(StatusCode, Json<SnapshotDto>)> {
    let s = snapshots::take(&state.db, &actor, r.year, r.quarter).await?;
    Ok((StatusCode::CREATED, Json(snapshot_dto(s))))
}

/// Snapshots, newest first: all for the office, the published ones for everyone. Public.
#[utoipa::path(get, path = "/api/v1/duty/snapshots", tag = "duty", security((), ("bearer" = [])), params(YearQuery), responses(
    (status = 200, body = Page<SnapshotDto>),
))]
pub async fn list_snapshots(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Page<SnapshotDto>>> {
    let rows = snapshots::list(&state.db, actor.as_ref(), q.year).await?;
    Ok(Json(Page::all(
        rows.into_iter().map(snapshot_meta).collect(),
    )))
}

/// A snapshot with every deputy's frozen total and lines. Public once published.
#[utoipa::path(get, path = "/api/v1/duty/snapshots/{id}", tag = "duty", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SnapshotDto),
))]
pub async fn get_snapshot(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SnapshotDto>> {
    Ok(Json(snapshot_dto(
        snapshots::get(&state.db, actor.as_ref(), id).await?,
    )))
}

/// Publish a snapshot (季度亮分). Roles: admin.
#[utoipa::path(post, path = "/api/v1/duty/snapshots/{id}/publish", tag = "duty", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SnapshotDto),
))]
pub async fn publish_snapshot(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SnapshotDto>> {
    Ok(Json(snapshot_dto(
        snapshots::publish(&state.db, &actor, id).await?,
    )))
}
