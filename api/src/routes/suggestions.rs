//! Deputies' suggestions (代表建议办理, `minsheng_domain::suggestions`) and the working-day calendar
//! their deadlines are counted on (`minsheng_domain::calendar`).

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use minsheng_domain::{
    calendar,
    suggestions::{
        self, Flags, NewAnswer, NewSuggestion, Promise, View, opinions, promises, requests,
        supervision, withdrawal,
    },
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery, CsvBody},
    routes::Page,
    state::AppState,
};

/// A signer: the lead (领衔) or a co-signer (附议).
#[derive(Serialize, ToSchema)]
pub struct SignerDto {
    pub deputy_id: Uuid,
    pub deputy_code: String,
    pub name: String,
    pub lead: bool,
    /// A co-signer who has not confirmed is listed to the office and the signers only.
    pub confirmed: bool,
    /// Has agreed to withdraw it (a joint suggestion is withdrawn when every signer has).
    pub withdraw_agreed: bool,
}

/// A promise in an answer, tracked until kept.
#[derive(Serialize, ToSchema)]
pub struct PromiseDto {
    pub what: String,
    pub by: NaiveDate,
    /// The day it was kept, once the lead unit (or the office) has said so.
    pub kept_on: Option<NaiveDate>,
    /// What was done.
    pub kept_note: Option<String>,
}

/// A unit's request (send back, extend) and the office's decision.
#[derive(Serialize, ToSchema)]
pub struct RequestDto {
    pub id: Uuid,
    /// `return` or `extension`.
    pub kind: String,
    pub unit: String,
    pub reason: String,
    /// The deadline an extension asks for.
    pub until: Option<NaiveDate>,
    /// `pending`, `approved`, `refused`, or `lapsed` (the suggestion was answered, sent back or
    /// withdrawn while it waited).
    pub status: String,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A co-unit's opinion (会办意见) to the lead unit.
#[derive(Serialize, ToSchema)]
pub struct OpinionDto {
    pub unit: String,
    pub content: String,
    pub given_on: NaiveDate,
}

/// An answer (答复).
#[derive(Serialize, ToSchema)]
pub struct AnswerDto {
    pub id: Uuid,
    /// 1, or 2 after an unsatisfied result.
    pub round: i32,
    /// `A` 已解决或基本解决, `B` 正在解决或列入计划, `C` 因条件限制以后解决, `D` 留作参考.
    pub result_class: String,
    pub content: String,
    pub official: String,
    pub promises: Vec<PromiseDto>,
    pub answered_on: NaiveDate,
}

/// A signer's feedback (not shown to the public).
#[derive(Serialize, ToSchema)]
pub struct FeedbackDto {
    pub deputy_id: Uuid,
    pub round: i32,
    /// 办理态度: `satisfied`, `basically_satisfied`, `unsatisfied`.
    pub attitude: String,
    /// 办理结果, the same words.
    pub result: String,
    pub note: String,
}

/// A suggestion and where its handling stands.
#[derive(Serialize, ToSchema)]
pub struct SuggestionDto {
    pub id: Uuid,
    /// 第 N 号.
    pub number: i64,
    /// `suggestion`, `criticism` or `opinion` (建议 / 批评 / 意见).
    pub kind: String,
    pub title: String,
    pub content: String,
    /// `cosigning`, `submitted`, `returned`, `assigned`, `answered`, `reopened`, `closed`,
    /// `withdrawn`.
    pub status: String,
    pub signers: Vec<SignerDto>,
    /// The day it was received (the last signer confirmed).
    pub submitted_on: Option<NaiveDate>,
    /// 交办 due: 7 working days after receipt (the office's holiday calendar counted).
    pub assign_by: Option<NaiveDate>,
    /// Working days left to assign it (negative: overdue), while it waits.
    pub assign_working_days_left: Option<i64>,
    pub return_reason: Option<String>,
    pub lead_unit: Option<String>,
    pub co_units: Vec<String>,
    pub broad: bool,
    pub assigned_on: Option<NaiveDate>,
    /// The answer's deadline (3 months after assignment, 6 when broad; moved by an extension).
    pub answer_due: Option<NaiveDate>,
    pub extension_reason: Option<String>,
    /// After an unsatisfied result: the second answer's deadline.
    pub second_answer_due: Option<NaiveDate>,
    /// Days left to answer (negative: overdue), while an answer is due.
    pub answer_days_left: Option<i64>,
    /// 重点督办.
    pub key_supervision: bool,
    /// The leading official who supervises it (督办领导).
    pub supervisor: Option<String>,
    /// Co-units' opinions are due to the lead unit by this day (1 month after assignment).
    pub opinion_due: Option<NaiveDate>,
    /// Units' requests and the office's decisions (the office and the units only).
    pub requests: Vec<RequestDto>,
    /// Co-units' opinions (the office and the units only).
    pub opinions: Vec<OpinionDto>,
    pub published: bool,
    /// The project proposal it became, if any.
    pub project_id: Option<Uuid>,
    pub answers: Vec<AnswerDto>,
    pub feedback: Vec<FeedbackDto>,
    pub created_at: DateTime<Utc>,
}

impl From<View> for SuggestionDto {
    fn from(v: View) -> Self {
        let co_units = suggestions::units(&v.s);
        let kept = v.kept;
        let s = v.s;
        Self {
            id: s.id,
            number: s.number,
            kind: s.kind,
            title: s.title,
            content: s.content,
            status: v.status.as_str().to_owned(),
            signers: v
                .signers
                .into_iter()
                .map(|x| SignerDto {
                    deputy_id: x.deputy_id,
                    deputy_code: x.deputy_code,
                    name: x.name,
                    lead: x.lead,
                    confirmed: x.confirmed,
                    withdraw_agreed: x.withdraw_agreed,
                })
                .collect(),
            submitted_on: s.submitted_on,
            assign_by: s.assign_by,
            assign_working_days_left: v.assign_days_left,
            return_reason: s.return_reason,
            lead_unit: s.lead_unit,
            co_units,
            broad: s.broad,
            assigned_on: s.assigned_on,
            answer_due: s.answer_due,
            extension_reason: s.extension_reason,
            second_answer_due: s.second_answer_due,
            answer_days_left: v.answer_days_left,
            key_supervision: s.key_supervision,
            supervisor: s.supervisor,
            opinion_due: v.opinion_due,
            requests: v
                .requests
                .into_iter()
                .map(|r| RequestDto {
                    id: r.id,
                    kind: r.kind,
                    unit: r.unit,
                    reason: r.reason,
                    until: r.until,
                    status: r.status,
                    decision_note: r.decision_note,
                    created_at: r.created_at,
                    decided_at: r.decided_at,
                })
                .collect(),
            opinions: v
                .opinions
                .into_iter()
                .map(|o| OpinionDto {
                    unit: o.unit,
                    content: o.content,
                    given_on: o.given_on,
                })
                .collect(),
            published: s.published,
            project_id: s.project_id,
            answers: v
                .answers
                .into_iter()
                .map(|a| AnswerDto {
                    id: a.id,
                    round: a.round,
                    promises: suggestions::promises(&a)
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| {
                            let k = kept
                                .iter()
                                .find(|k| k.answer_id == a.id && k.idx == i as i32);
                            PromiseDto {
                                what: p.what,
                                by: p.by,
                                kept_on: k.map(|k| k.kept_on),
                                kept_note: k.map(|k| k.note.clone()),
                            }
                        })
                        .collect(),
                    result_class: a.result_class,
                    content: a.content,
                    official: a.official,
                    answered_on: a.answered_on,
                })
                .collect(),
            feedback: v
                .feedback
                .into_iter()
                .map(|f| FeedbackDto {
                    deputy_id: f.deputy_id,
                    round: f.round,
                    attitude: f.attitude,
                    result: f.result,
                    note: f.note,
                })
                .collect(),
            created_at: s.created_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SubmitRequest {
    /// `suggestion`, `criticism` or `opinion`.
    pub kind: String,
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: String,
    /// One matter per suggestion.
    #[schema(min_length = 1, max_length = 20000, pattern = "long-text")]
    pub content: String,
    /// Co-signers (附议), each of whom confirms on their own account; empty for one deputy.
    #[serde(default)]
    pub cosigner_ids: Vec<Uuid>,
}

/// Submit a suggestion, alone or as the lead of a joint one. Alone it is received at once, its
/// 交办 due 7 working days on; jointly it waits for each co-signer to confirm. Roles: deputy.
#[utoipa::path(post, path = "/api/v1/suggestions", tag = "suggestions", security(("bearer" = [])), request_body = SubmitRequest, responses(
    (status = 201, body = SuggestionDto),
    (status = 422, description = "`invalid_kind`, `invalid_text`, `unknown_deputy` (a co-signer who is not a deputy: a rule on the ids named), `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn submit(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<SubmitRequest>,
) -> ApiResult<(StatusCode, Json<SuggestionDto>)> {
    let v = suggestions::submit(
        &state.db,
        &actor,
        NewSuggestion {
            kind: r.kind,
            title: r.title,
            content: r.content,
            cosigner_ids: r.cosigner_ids,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionFilter {
    /// Only those past a deadline today (交办 or answer).
    pub overdue: Option<bool>,
}

/// The suggestions the caller may read, newest first: the office all; a deputy those they sign or
/// are asked to; a unit those assigned to it; the public the published ones. Roles: any; Public.
#[utoipa::path(get, path = "/api/v1/suggestions", tag = "suggestions", security((), ("bearer" = [])), params(SuggestionFilter), responses(
    (status = 200, body = Page<SuggestionDto>),
))]
pub async fn list(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiQuery(q): ApiQuery<SuggestionFilter>,
) -> ApiResult<Json<Page<SuggestionDto>>> {
    let rows = suggestions::list(&state.db, actor.as_ref(), q.overdue.unwrap_or(false)).await?;
    Ok(Json(Page::all(rows.into_iter().map(Into::into).collect())))
}

/// One suggestion: 404 for what the caller may not read (a unit never learns of another unit's
/// suggestions before publication). Roles: any; Public once published.
#[utoipa::path(get, path = "/api/v1/suggestions/{id}", tag = "suggestions", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SuggestionDto),
))]
pub async fn get(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        suggestions::get(&state.db, actor.as_ref(), id)
            .await?
            .into(),
    ))
}

/// Confirm as a co-signer (附议). The last confirmation makes it received. Roles: a co-signer.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/confirm", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_cosigning`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn confirm(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        suggestions::confirm(&state.db, &actor, id).await?.into(),
    ))
}

/// The lead sends a joint suggestion on without waiting for every co-signer: those who have not
/// confirmed are dropped and not listed. Roles: the lead.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/send", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_cosigning`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn send(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(suggestions::send(&state.db, &actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ReturnRequest {
    /// `outside_powers`, `personal_matter`, `court_case`, `no_content`, `several_matters`, `other`.
    pub reason: String,
    #[serde(default)]
    #[schema(max_length = 400, pattern = "long-text")]
    pub note: String,
}

/// Return a received suggestion as not a suggestion, with the reason. Roles: admin.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/return", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ReturnRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_submitted`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn return_it(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ReturnRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        suggestions::return_it(&state.db, &actor, id, &r.reason, &r.note)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AssignRequest {
    /// 主办单位: the department that answers.
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub lead_unit: String,
    /// 会办单位.
    #[serde(default)]
    pub co_units: Vec<String>,
    /// A broad or hard matter: 6 months to answer instead of 3.
    #[serde(default)]
    pub broad: bool,
}

/// 交办 to a lead unit and co-units; the answer is due 3 months on (6 when broad). Roles: admin.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/assign", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = AssignRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_submitted`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn assign(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<AssignRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        suggestions::assign(&state.db, &actor, id, &r.lead_unit, &r.co_units, r.broad)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ExtendRequest {
    /// The new deadline: after the current one, at most 3 months later.
    #[serde(deserialize_with = "crate::bounds::date")]
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub until: NaiveDate,
    #[schema(min_length = 1, max_length = 500, pattern = "long-text")]
    pub reason: String,
}

/// The one extension of the answer period (at most 3 months, with a reason). Roles: admin.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/extend", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ExtendRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_assigned`, `extension_used`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`invalid_date`: not after the deadline, or more than 3 months past it (a rule against the stored deadline); `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn extend(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ExtendRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        suggestions::extend(&state.db, &actor, id, r.until, &r.reason)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PromiseRequest {
    #[schema(min_length = 1, max_length = 500, pattern = "one-line")]
    pub what: String,
    #[serde(deserialize_with = "crate::bounds::date")]
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub by: NaiveDate,
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// `A`, `B`, `C` or `D`.
    pub result_class: String,
    #[schema(min_length = 1, max_length = 20000, pattern = "long-text")]
    pub content: String,
    /// The responsible official (负责人) who signs it.
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub official: String,
    #[serde(default)]
    pub promises: Vec<PromiseRequest>,
}

/// The lead unit's answer, first or second. Roles: the lead unit's department account.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/answer", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = AnswerRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 403, description = "`not_lead_unit`: a co-unit sends its opinion to the lead unit", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "`suggestion_not_awaiting_answer`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn answer(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<AnswerRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        suggestions::answer(
            &state.db,
            &actor,
            id,
            NewAnswer {
                result_class: r.result_class,
                content: r.content,
                official: r.official,
                promises: r
                    .promises
                    .into_iter()
                    .map(|p| Promise {
                        what: p.what,
                        by: p.by,
                    })
                    .collect(),
            },
        )
        .await?
        .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct FeedbackRequest {
    /// 办理态度: `satisfied`, `basically_satisfied` or `unsatisfied`.
    pub attitude: String,
    /// 办理结果: the same words.
    pub result: String,
    #[serde(default)]
    #[schema(max_length = 2000, pattern = "long-text")]
    pub note: String,
}

/// A signer's feedback on the latest answer. Once every confirmed signer has given it, an
/// unsatisfied result sends the suggestion back for a second answer within 1 month; otherwise it
/// is closed. Roles: a confirmed signer.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/feedback", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = FeedbackRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_answered`, `feedback_given`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn feedback(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<FeedbackRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        suggestions::feedback(&state.db, &actor, id, &r.attitude, &r.result, &r.note)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct FlagsRequest {
    /// Publish an answered suggestion (or withdraw the publication).
    pub published: Option<bool>,
    /// 重点督办.
    pub key_supervision: Option<bool>,
    /// The leading official who supervises it (督办领导); an empty string clears it.
    #[schema(max_length = 100, pattern = "long-text")]
    pub supervisor: Option<String>,
    /// The project proposal it became (a project's id); the project's page then names it.
    pub project_id: Option<Uuid>,
}

/// Publish a suggestion with its answer, mark it 重点督办 with its leading official, or record the
/// project proposal it became. Roles: admin.
#[utoipa::path(patch, path = "/api/v1/suggestions/{id}", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = FlagsRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_answered`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`unknown_project`: a project id that names no project (a rule on the id named); `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn set_flags(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<FlagsRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    if let Some(p) = r.project_id {
        suggestions::link_project(&state.db, &actor, id, p).await?;
    }
    Ok(Json(
        suggestions::set_flags(
            &state.db,
            &actor,
            id,
            Flags {
                published: r.published,
                key_supervision: r.key_supervision,
                supervisor: r.supervisor,
            },
        )
        .await?
        .into(),
    ))
}

/// A date the holiday schedule changes.
#[derive(Serialize, ToSchema)]
pub struct CalendarDayDto {
    pub day: NaiveDate,
    /// `holiday` (a weekday off) or `workday` (a weekend day worked, 调休).
    pub kind: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarImported {
    pub imported: usize,
}

/// Enter the year's holiday schedule: a CSV of `日期,类型,名称` rows (`2025-10-01,休,国庆节`,
/// `2025-09-28,班,国庆节调休上班`), only the dates that differ from Monday-to-Friday. A date
/// entered again replaces what it was. Roles: admin.
#[utoipa::path(post, path = "/api/v1/calendar", tag = "suggestions", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "rows `date,kind,name`: kind 休 (holiday) or 班 (workday); an optional header 日期,类型,名称"),
    responses(
        (status = 201, body = CalendarImported),
        (status = 422, description = "`invalid_csv`, naming the row: not a date, a kind other than 休/班, a date twice, a holiday on a weekend or a workday on a weekday", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_calendar(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CsvBody(text): CsvBody,
) -> ApiResult<(StatusCode, Json<CalendarImported>)> {
    actor.require_admin()?;
    let entries = calendar::parse_csv(&text)?;
    let imported = calendar::import(&state.db, &actor, entries).await?;
    Ok((StatusCode::CREATED, Json(CalendarImported { imported })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// The year (2000 to 2100).
    #[serde(deserialize_with = "crate::bounds::year_opt", default)]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// The dates the office entered for a year (default: this year). Roles: any logged-in.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "suggestions", security(("bearer" = [])), params(CalendarQuery), responses(
    (status = 200, body = Page<CalendarDayDto>),
))]
pub async fn get_calendar(
    State(state): State<AppState>,
    Auth(_actor): Auth,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ApiResult<Json<Page<CalendarDayDto>>> {
    use chrono::Datelike;
    let year = q
        .year
        .unwrap_or_else(|| minsheng_domain::clock::today().year());
    Ok(Json(Page::all(
        calendar::year(&state.db, year)
            .await?
            .into_iter()
            .map(|e| CalendarDayDto {
                day: e.day,
                kind: e.kind.as_str().to_owned(),
                name: e.name,
            })
            .collect(),
    )))
}

/// One lead unit's year.
#[derive(Serialize, ToSchema)]
pub struct UnitStatsDto {
    pub unit: String,
    pub assigned: u32,
    pub answered: u32,
    /// First answers given on or before the deadline (as extended).
    pub answered_on_time: u32,
    /// Not answered and past the deadline today.
    pub overdue: u32,
    /// First answers by class.
    pub class_a: u32,
    pub class_b: u32,
    pub class_c: u32,
    pub class_d: u32,
    /// Signers' 办理结果 on the latest answers.
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// The year the suggestions were received (default: this year).
    #[serde(deserialize_with = "crate::bounds::year_opt", default)]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// Per lead unit, the year's suggestions: assigned, answered, on time, overdue, the classes of
/// the first answers and the signers' satisfaction. Roles: admin.
#[utoipa::path(get, path = "/api/v1/suggestions/statistics", tag = "suggestions", security(("bearer" = [])), params(StatsQuery), responses(
    (status = 200, body = Page<UnitStatsDto>),
))]
pub async fn statistics(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<Page<UnitStatsDto>>> {
    use chrono::Datelike;
    let year = q
        .year
        .unwrap_or_else(|| minsheng_domain::clock::today().year());
    Ok(Json(Page::all(
        suggestions::statistics(&state.db, &actor, year)
            .await?
            .into_iter()
            .map(|u| UnitStatsDto {
                unit: u.unit,
                assigned: u.assigned,
                answered: u.answered,
                answered_on_time: u.on_time,
                overdue: u.overdue,
                class_a: u.classes[0],
                class_b: u.classes[1],
                class_c: u.classes[2],
                class_d: u.classes[3],
                satisfied: u.results[0],
                basically_satisfied: u.results[1],
                unsatisfied: u.results[2],
            })
            .collect(),
    )))
}

/// Agree to withdraw (撤回): the suggestion is withdrawn when every signer who confirmed has agreed
/// (at once for a suggestion by one deputy). Before it is answered. Roles: a confirmed signer.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/withdraw", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`suggestion_not_withdrawable`: answered, closed, returned or withdrawn", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn withdraw(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(withdrawal::agree(&state.db, &actor, id).await?.into()))
}

/// What a unit asks for: `return` (send it back: not this unit's matter; within 7 working days
/// of assignment) or `extension` (the lead unit; `until` is the deadline asked for).
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum AskKind {
    Return,
    Extension,
}

#[derive(Deserialize, ToSchema)]
pub struct AskRequest {
    pub kind: AskKind,
    #[serde(default, deserialize_with = "crate::bounds::date_opt")]
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub until: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 500, pattern = "long-text")]
    pub reason: String,
}

/// A handling unit asks the office to send a suggestion back or to extend its deadline; the
/// office decides. Roles: one of its units' department accounts (an extension: the lead unit).
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/requests", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = AskRequest, responses(
    (status = 201, body = SuggestionDto),
    (status = 403, description = "`not_lead_unit`: an extension asked by a co-unit", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "`suggestion_not_assigned`, `request_pending`, `request_too_late`, `extension_used`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`invalid_date`: an extension without a date (a rule across two fields), or not after the deadline or more than 3 months past it (a rule against the stored deadline); `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn ask(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<AskRequest>,
) -> ApiResult<(StatusCode, Json<SuggestionDto>)> {
    let kind = match r.kind {
        AskKind::Return => "return",
        AskKind::Extension => "extension",
    };
    let kind = requests::Kind::parse(kind, r.until)?;
    let v = requests::ask(&state.db, &actor, id, kind, &r.reason).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionRequest {
    pub approve: bool,
    /// Why not (needed to refuse).
    #[serde(default)]
    #[schema(max_length = 500, pattern = "long-text")]
    pub note: String,
}

/// The office approves or refuses a unit's request. Approving a send-back by the lead unit puts
/// the suggestion back to be assigned (due 7 working days on); by a co-unit, removes that unit.
/// Approving an extension moves the deadline. Roles: admin.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/requests/{request_id}/decision", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path), ("request_id" = Uuid, Path)), request_body = DecisionRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 409, description = "`request_not_pending`, `suggestion_not_assigned`, `extension_used`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`invalid_text`: a refusal without a reason; `invalid_date`: the date asked is no longer allowed (a rule against the stored deadline); `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn decide(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((id, request_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(r): ApiJson<DecisionRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        requests::decide(&state.db, &actor, id, request_id, r.approve, &r.note)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct OpinionRequest {
    #[schema(min_length = 1, max_length = 10000, pattern = "long-text")]
    pub content: String,
}

/// A co-unit's opinion (会办意见) to the lead unit, due 1 month after assignment; sent again, it
/// replaces the unit's earlier one. Roles: a co-unit's department account.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/opinion", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = OpinionRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 403, description = "`not_co_unit`: the lead unit answers instead", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "`suggestion_not_awaiting_answer`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn opinion(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<OpinionRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        opinions::give(&state.db, &actor, id, &r.content)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct KeptRequest {
    /// The answer that made the promise.
    pub answer_id: Uuid,
    /// The promise's position in that answer's list (from 0).
    #[schema(minimum = 0, maximum = 1000)]
    pub idx: i32,
    /// When it was kept (today or before).
    #[serde(deserialize_with = "crate::bounds::date")]
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    pub kept_on: NaiveDate,
    /// What was done.
    #[schema(min_length = 1, max_length = 500, pattern = "long-text")]
    pub note: String,
}

/// Mark a promise of an answer kept. Roles: the lead unit's department account, or admin.
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/kept-promises", tag = "suggestions", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = KeptRequest, responses(
    (status = 200, body = SuggestionDto),
    (status = 403, description = "`not_lead_unit`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "`promise_kept`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`unknown_promise`: no such answer or position on this suggestion (a rule on the ids named); `invalid_date`: a day after today; `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn keep_promise(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<KeptRequest>,
) -> ApiResult<Json<SuggestionDto>> {
    Ok(Json(
        promises::keep(
            &state.db,
            &actor,
            id,
            r.answer_id,
            r.idx,
            r.kept_on,
            &r.note,
        )
        .await?
        .into(),
    ))
}

/// A promise not yet kept, on the 督办 list.
#[derive(Serialize, ToSchema)]
pub struct OpenPromiseDto {
    pub suggestion_id: Uuid,
    pub number: i64,
    pub title: String,
    pub lead_unit: Option<String>,
    pub answer_id: Uuid,
    pub idx: i32,
    pub what: String,
    pub by: NaiveDate,
    /// Days left (negative: late).
    pub days_left: i64,
}

/// The 督办 lists, each in deadline order.
#[derive(Serialize, ToSchema)]
pub struct SupervisionDto {
    /// Past a deadline (交办 or answer).
    pub overdue: Vec<SuggestionDto>,
    /// An answer due within 15 days, or an assignment within 2 working days.
    pub due_soon: Vec<SuggestionDto>,
    /// 重点督办, still being handled.
    pub key_supervision: Vec<SuggestionDto>,
    pub open_promises: Vec<OpenPromiseDto>,
}

/// What to chase today: the office's lists cover every suggestion, a unit's those assigned to it.
/// Roles: admin, department.
#[utoipa::path(get, path = "/api/v1/suggestions/supervision", tag = "suggestions", security(("bearer" = [])), responses(
    (status = 200, body = SupervisionDto),
))]
pub async fn supervision(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<SupervisionDto>> {
    let b = supervision::board(&state.db, &actor).await?;
    let dtos = |vs: Vec<View>| vs.into_iter().map(Into::into).collect();
    Ok(Json(SupervisionDto {
        overdue: dtos(b.overdue),
        due_soon: dtos(b.due_soon),
        key_supervision: dtos(b.key),
        open_promises: b
            .promises
            .into_iter()
            .map(|p| OpenPromiseDto {
                suggestion_id: p.suggestion_id,
                number: p.number,
                title: p.title,
                lead_unit: p.lead_unit,
                answer_id: p.answer_id,
                idx: p.idx,
                what: p.what,
                by: p.by,
                days_left: p.days_left,
            })
            .collect(),
    }))
}
