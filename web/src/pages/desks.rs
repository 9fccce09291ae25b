//! The year's work after the vote. Departments (`/dept`): their projects with colour and percent
//! against expected, overdue milestones, problems to answer; progress reports, milestones and
//! rectifications. Supervision group members (`/d/groups`): their groups' projects; inspections,
//! problems, verification or sending back. Who may do what is the domain's (the follow-up
//! permission matrix); a refusal comes back as the page with one sentence.

use askama::Template;
use axum::{
    Form,
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use chrono::NaiveDate;
use minsheng_domain::{
    Error,
    attachments::{self, PreparedFile, Target},
    followup::{
        board::{self, Desk, MilestoneOnProject, ProblemOnProject},
        problems::{self, NewInspection, NewProblem, ProblemAction},
        progress::{self, MilestoneChange, NewMilestone, NewProgress},
    },
    vocabulary::{InspectionKind, Severity},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    followup::{RecordView, RowView, inspection_word, record_view, row_view, severity_word},
    materials::parse_wan_yuan,
    office::sentence,
};
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::followup::FollowMsg,
    render::{Chrome, html},
    session::PageUser,
    uploads,
};

/// A refusal the visitor can fix on the form: (status, sentence). Anything else is an error page.
fn refusal(user: &PageUser, e: Error) -> Result<(StatusCode, String), PageError> {
    let (t, f) = (user.prefs.lang.msg(), user.prefs.lang.follow());
    let (status, code, message, field) = match &e {
        Error::Invalid {
            code,
            message,
            fields,
        } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            *code,
            message.clone(),
            fields.first().map(|x| x.field.clone()),
        ),
        Error::Conflict { code, message } => (StatusCode::CONFLICT, *code, message.clone(), None),
        _ => return Err(PageError::from_domain(e, user.prefs)),
    };
    let s = match code {
        "invalid_period" => f.r_period.to_owned(),
        "invalid_percent" => f.r_percent.to_owned(),
        "invalid_amount" => f.r_amount.to_owned(),
        "problem_not_open" => f.r_not_open.to_owned(),
        "problem_not_rectified" => f.r_not_rectified.to_owned(),
        "project_completed" => f.r_completed.to_owned(),
        "invalid_kind" => f.r_choose.to_owned(),
        "invalid_text" => f.r_text.to_owned(),
        "unsupported_file_type" => f.r_file_type.to_owned(),
        "unreadable_file" => f.r_file_broken.to_owned(),
        "too_many_files" => f.r_file_many.to_owned(),
        other => sentence(t, other, &message, field.as_deref(), &[]),
    };
    Ok((status, s))
}

/// A domain outcome as the page needs it: done, or a refusal to show on the form.
type Outcome = Result<(), (StatusCode, String)>;

fn settle<T>(user: &PageUser, r: minsheng_domain::Result<T>) -> Result<Outcome, PageError> {
    match r {
        Ok(_) => Ok(Ok(())),
        Err(e) => Ok(Err(refusal(user, e)?)),
    }
}

fn bad_form(sentence: &'static str) -> (StatusCode, String) {
    (StatusCode::UNPROCESSABLE_ENTITY, sentence.to_owned())
}

/// A work form sent with files (`multipart/form-data`): its fields, and its files checked and
/// cleaned — or the refusal to show, with what was typed kept (the file field comes last on the
/// forms, so a refused file leaves every text field read).
async fn read_with_files(
    state: &WebState,
    user: &PageUser,
    form: Result<Multipart, MultipartRejection>,
    target: Target,
) -> Result<(WorkForm, Result<Vec<PreparedFile>, (StatusCode, String)>), PageError> {
    let t = user.prefs.lang.msg();
    let form = form.map_err(|_| PageError::new(StatusCode::BAD_REQUEST, t.bad_form, user.prefs))?;
    let max = state.attachment_max_bytes;
    // Files are read only from a visitor whose form token is good and who may write the record.
    let (filled, fault) = uploads::read_form_keeping(form, max, |fields| {
        let csrf_ok = user.check_form(fields.get("csrf")).is_ok();
        async move {
            if !csrf_ok {
                return Err(Error::forbidden(
                    minsheng_domain::error::ErrorCode::Forbidden,
                    "the form's token does not match this session",
                ));
            }
            attachments::check_writer(&state.db, &user.actor, target).await?;
            Ok(())
        }
    })
    .await;
    let work: WorkForm = serde_json::from_value(filled.as_json()).unwrap_or_default();
    user.check_form(&work.csrf)?;
    let files = match fault {
        Some(e) => Err(e),
        None => attachments::prepare_all(filled.files, max).await,
    };
    let files = match files {
        Ok(files) => Ok(files),
        Err(Error::Invalid {
            code: "file_too_large",
            ..
        }) => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            user.prefs
                .lang
                .follow()
                .r_file_large
                .replace("{mb}", &(max / (1024 * 1024)).max(1).to_string()),
        )),
        Err(e) => Err(refusal(user, e)?),
    };
    Ok((work, files))
}

/// A date typed on a form, in the years the service takes (2000 to 2100, as the API's).
fn date(raw: &str) -> Option<NaiveDate> {
    minsheng_domain::bounds::parse_date(raw)
}

// ---------------------------------------------------------------------------------------------
// Departments

struct DeptMilestone {
    project_id: String,
    project_title: String,
    title: String,
    due_on: String,
}

struct DeptProblem {
    project_id: String,
    project_title: String,
    description: String,
    severity: &'static str,
    deadline: String,
    overdue: bool,
    status_word: &'static str,
}

#[derive(Template)]
#[template(path = "fu_dept.html")]
struct DeptPage {
    c: Chrome,
    f: &'static FollowMsg,
    department: String,
    rows: Vec<RowView>,
    milestones: Vec<DeptMilestone>,
    problems: Vec<DeptProblem>,
}

/// `GET /dept`: the department's desk.
pub async fn dept_home(State(state): State<WebState>, user: PageUser) -> PageResult {
    let today = minsheng_domain::clock::today();
    let desk = board::department_desk(&state.db, &user.actor, &state.colour_rule, today)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let f = user.prefs.lang.follow();
    Ok(html(&DeptPage {
        c: Chrome::for_user(&user, "/dept"),
        f,
        department: desk.department,
        rows: desk.rows.iter().map(|r| row_view(f, r)).collect(),
        milestones: desk
            .overdue_milestones
            .into_iter()
            .map(
                |MilestoneOnProject {
                     milestone,
                     project_title,
                 }| DeptMilestone {
                    project_id: milestone.project_id.to_string(),
                    project_title,
                    title: milestone.title,
                    due_on: milestone.due_on.to_string(),
                },
            )
            .collect(),
        problems: desk
            .open_problems
            .into_iter()
            .map(
                |ProblemOnProject {
                     problem,
                     project_id,
                     project_title,
                 }| DeptProblem {
                    project_id: project_id.to_string(),
                    project_title,
                    description: problem.description,
                    severity: severity_word(f, problem.severity),
                    deadline: problem.deadline.to_string(),
                    overdue: problem.deadline < today,
                    status_word: super::followup::problem_status_word(f, problem.status),
                },
            )
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct WorkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    percent: String,
    #[serde(default)]
    spent_wan: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    deadline: String,
}

struct Choice {
    value: &'static str,
    word: &'static str,
}

#[derive(Template)]
#[template(path = "fu_work.html")]
struct WorkPage {
    c: Chrome,
    f: &'static FollowMsg,
    r: RecordView,
    /// `dept` or `group`.
    desk: &'static str,
    writable: bool,
    form: WorkForm,
    error: Option<String>,
    kinds: Vec<Choice>,
    severities: Vec<Choice>,
    /// The file field's hint, with the size limit in it.
    files_hint: String,
}

async fn work_page(
    state: &WebState,
    user: &PageUser,
    desk: Desk,
    id: Uuid,
    form: WorkForm,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let today = minsheng_domain::clock::today();
    let rec = board::work_record(&state.db, &user.actor, desk, id, &state.colour_rule, today)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let (t, f) = (user.prefs.lang.msg(), user.prefs.lang.follow());
    let (key, here) = match desk {
        Desk::Department => ("dept", format!("/dept/projects/{id}")),
        Desk::Group => ("group", format!("/d/groups/projects/{id}")),
    };
    let status = error.as_ref().map(|(s, _)| *s).unwrap_or(StatusCode::OK);
    let mut resp = html(&WorkPage {
        c: Chrome::for_user(user, &here),
        f,
        r: record_view(t, f, &rec, today),
        desk: key,
        writable: rec.rights.writable,
        form,
        error: error.map(|(_, s)| s),
        kinds: InspectionKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str(),
                word: inspection_word(f, *k),
            })
            .collect(),
        severities: Severity::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str(),
                word: severity_word(f, *s),
            })
            .collect(),
        files_hint: f.files_hint.replace(
            "{mb}",
            &(state.attachment_max_bytes / (1024 * 1024))
                .max(1)
                .to_string(),
        ),
    });
    *resp.status_mut() = status;
    Ok(resp)
}

/// `GET /dept/projects/{id}`: the responsible department's work on one project.
pub async fn dept_project(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    work_page(
        &state,
        &user,
        Desk::Department,
        id,
        WorkForm::default(),
        None,
    )
    .await
}

/// After a write: back to the page it came from, or the page again with the refusal.
async fn after(
    state: &WebState,
    user: &PageUser,
    desk: Desk,
    project_id: Uuid,
    form: WorkForm,
    outcome: Outcome,
) -> PageResult {
    match outcome {
        Ok(()) => {
            let to = match desk {
                Desk::Department => format!("/dept/projects/{project_id}"),
                Desk::Group => format!("/d/groups/projects/{project_id}"),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => work_page(state, user, desk, project_id, form, Some(e)).await,
    }
}

/// `POST /dept/projects/{id}/progress` (multipart): period, percent, money spent in 万元, text,
/// photos or PDFs.
pub async fn dept_progress(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let (form, files) = read_with_files(&state, &user, form, Target::NewProgress(id)).await?;
    let f = user.prefs.lang.follow();
    let outcome = match (
        form.percent.trim().parse::<i32>(),
        parse_wan_yuan(&form.spent_wan),
        files,
    ) {
        (Err(_), _, _) => Err(bad_form(f.r_percent)),
        (_, None, _) => Err(bad_form(f.r_amount)),
        (_, _, Err(refused)) => Err(refused),
        (Ok(percent), Some(spent), Ok(files)) => settle(
            &user,
            progress::report_progress(
                &state.db,
                &user.actor,
                id,
                NewProgress {
                    period: form.period.trim().to_owned(),
                    percent_complete: percent,
                    spent_yuan: spent,
                    note: form.note.clone(),
                    attachments: files,
                },
            )
            .await,
        )?,
    };
    after(&state, &user, Desk::Department, id, form, outcome).await
}

/// `POST /dept/projects/{id}/milestones`: a milestone with its due date.
pub async fn dept_milestone(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(form): Form<WorkForm>,
) -> PageResult {
    user.check_form(&form.csrf)?;
    let f = user.prefs.lang.follow();
    let outcome = match date(&form.due_on) {
        None => Err(bad_form(f.r_date)),
        Some(due_on) => settle(
            &user,
            progress::add_milestone(
                &state.db,
                &user.actor,
                id,
                NewMilestone {
                    title: form.title.clone(),
                    due_on,
                },
            )
            .await,
        )?,
    };
    after(&state, &user, Desk::Department, id, form, outcome).await
}

/// `POST /dept/milestones/{id}/reached`: marks the milestone reached today.
pub async fn dept_reached(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(form): Form<super::TokenOnly>,
) -> PageResult {
    user.check_form(&form.csrf)?;
    let m = progress::update_milestone(
        &state.db,
        &user.actor,
        id,
        MilestoneChange {
            done_on: Some(Some(minsheng_domain::clock::today())),
            ..MilestoneChange::default()
        },
    )
    .await
    .map_err(|e| PageError::from_domain(e, user.prefs))?;
    Ok(Redirect::to(&format!("/dept/projects/{}", m.project_id)).into_response())
}

/// `POST /dept/problems/{id}/rectify` (multipart): the department's rectification (整改说明) with
/// its photos.
pub async fn dept_rectify(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    problem_step(
        state,
        user,
        id,
        form,
        ProblemAction::Rectify,
        Desk::Department,
    )
    .await
}

async fn problem_step(
    state: WebState,
    user: PageUser,
    id: Uuid,
    form: Result<Multipart, MultipartRejection>,
    action: ProblemAction,
    desk: Desk,
) -> PageResult {
    let (form, files) = read_with_files(
        &state,
        &user,
        form,
        Target::NewStep {
            problem: id,
            rectification: action == ProblemAction::Rectify,
        },
    )
    .await?;
    let refused = match files {
        Ok(files) => {
            match problems::act_on_problem(&state.db, &user.actor, id, action, &form.note, files)
                .await
            {
                Ok(p) => {
                    return after(&state, &user, desk, p.problem.project_id, form, Ok(())).await;
                }
                Err(e) => refusal(&user, e)?,
            }
        }
        Err(refused) => refused,
    };
    let p = problems::get_problem(&state.db, Some(&user.actor), id)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    after(
        &state,
        &user,
        desk,
        p.problem.project_id,
        form,
        Err(refused),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Supervision group members

struct GroupView {
    name: String,
    year: i32,
    rows: Vec<RowView>,
}

#[derive(Template)]
#[template(path = "fu_groups.html")]
struct GroupsPage {
    c: Chrome,
    f: &'static FollowMsg,
    groups: Vec<GroupView>,
}

/// `GET /d/groups`: the deputy's supervision groups and their projects.
pub async fn groups_home(State(state): State<WebState>, user: PageUser) -> PageResult {
    let groups = board::member_desk(
        &state.db,
        &user.actor,
        &state.colour_rule,
        minsheng_domain::clock::today(),
    )
    .await
    .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let f = user.prefs.lang.follow();
    Ok(html(&GroupsPage {
        c: Chrome::for_user(&user, "/d/groups"),
        f,
        groups: groups
            .into_iter()
            .map(|g| GroupView {
                name: g.group.name,
                year: g.group.year,
                rows: g.rows.iter().map(|r| row_view(f, r)).collect(),
            })
            .collect(),
    }))
}

/// `GET /d/groups/projects/{id}`: a member's work on one project.
pub async fn group_project(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    work_page(&state, &user, Desk::Group, id, WorkForm::default(), None).await
}

/// `POST /d/groups/projects/{id}/inspections` (multipart): 视察 / 调研 / 听取汇报 / 专题询问, with
/// photos or PDFs.
pub async fn group_inspection(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let (form, files) = read_with_files(&state, &user, form, Target::NewInspection(id)).await?;
    let f = user.prefs.lang.follow();
    let outcome = match (date(&form.held_on), files) {
        (None, _) => Err(bad_form(f.r_date)),
        (_, Err(refused)) => Err(refused),
        (Some(held_on), Ok(files)) => settle(
            &user,
            problems::record_inspection(
                &state.db,
                &user.actor,
                id,
                NewInspection {
                    kind: form.kind.clone(),
                    held_on,
                    location: form.location.clone(),
                    participants: form.participants.clone(),
                    findings: form.findings.clone(),
                    attachments: files,
                },
            )
            .await,
        )?,
    };
    after(&state, &user, Desk::Group, id, form, outcome).await
}

/// `POST /d/groups/projects/{id}/problems`: a problem with its severity and deadline.
pub async fn group_problem(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(form): Form<WorkForm>,
) -> PageResult {
    user.check_form(&form.csrf)?;
    let f = user.prefs.lang.follow();
    let outcome = match date(&form.deadline) {
        None => Err(bad_form(f.r_date)),
        Some(deadline) => settle(
            &user,
            problems::raise_problem(
                &state.db,
                &user.actor,
                id,
                NewProblem {
                    description: form.description.clone(),
                    severity: form.severity.clone(),
                    responsible_department: None,
                    deadline,
                },
            )
            .await,
        )?,
    };
    after(&state, &user, Desk::Group, id, form, outcome).await
}

/// `POST /d/groups/problems/{id}/verify`: 验收通过.
pub async fn group_verify(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    problem_step(state, user, id, form, ProblemAction::Verify, Desk::Group).await
}

/// `POST /d/groups/problems/{id}/send-back`: 退回整改.
pub async fn group_send_back(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    problem_step(state, user, id, form, ProblemAction::SendBack, Desk::Group).await
}
