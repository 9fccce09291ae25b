//! The congress office's follow-up pages (人大常委会办公室), at a desk: supervision groups (leader,
//! members, projects), escalations on a project (询问 / 约见 / 质询 / 特定问题调查), satisfaction
//! rating rounds (draft, open, close, publish, results with grades) and the print-ready year
//! report. Every rule is the domain's; a refusal comes back as the same form with the office's
//! input kept and one sentence saying what to fix.

use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use minsheng_domain::{
    Error, accounts,
    evaluations::service::{self as rating_service, EvaluationDraft, EvaluationResults},
    followup::{
        board::{self, BoardFilter},
        groups::{self, GroupChange, GroupInput},
        problems::{self, NewEscalation},
        report,
    },
    projects::{self, Status},
    sessions,
    vocabulary::{EscalationKind, ThresholdBase, VoteStatus},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    admin::{base_word, status_word},
    field,
    followup::{RowView, colour_word, escalation_word, grade_word, row_view},
    office::{require_admin, sentence},
};
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::followup::FollowMsg,
    render::{Chrome, html, wan_yuan},
    session::PageUser,
};

fn fail(user: &PageUser) -> impl Fn(Error) -> PageError + '_ {
    move |e| PageError::from_domain(e, user.prefs)
}

/// A refusal the office can fix on the form: (status, sentence). Anything else is an error page.
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
        "invalid_text" if field.as_deref() == Some("note") || message.starts_with("note") => {
            f.r_note.to_owned()
        }
        "invalid_text" => f.r_name.to_owned(),
        "invalid_year" => f.r_year.to_owned(),
        "unknown_deputy" => f.r_members.to_owned(),
        "unknown_project" | "invalid_projects" => f.r_projects.to_owned(),
        "project_not_adopted" => f.r_not_adopted.to_owned(),
        "invalid_threshold_base" => f.r_base.to_owned(),
        "invalid_kind" => f.r_choose.to_owned(),
        "project_completed" => f.r_completed.to_owned(),
        other => sentence(t, other, &message, field.as_deref(), &[]),
    };
    Ok((status, s))
}

fn with_status(mut resp: axum::response::Response, refused: Option<StatusCode>) -> PageResult {
    if let Some(code) = refused {
        *resp.status_mut() = code;
    }
    Ok(resp)
}

/// One choice on a form: a checkbox, a radio or an option.
struct Pick {
    id: String,
    label: String,
    checked: bool,
}

fn ids(pairs: &[(String, String)], name: &str) -> Vec<Uuid> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| v.parse().ok())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Supervision groups

/// The group form as typed.
#[derive(Default)]
struct GroupForm {
    name: String,
    year: String,
    leader: Option<Uuid>,
    members: Vec<Uuid>,
    projects: Vec<Uuid>,
}

fn read_group_form(pairs: &[(String, String)]) -> GroupForm {
    GroupForm {
        name: field(pairs, "name").unwrap_or("").to_owned(),
        year: field(pairs, "year").unwrap_or("").to_owned(),
        leader: field(pairs, "leader_id").and_then(|v| v.parse().ok()),
        members: ids(pairs, "member_ids"),
        projects: ids(pairs, "project_ids"),
    }
}

/// The form as the page shows it: the choices with the office's ticks.
struct GroupFormView {
    action: String,
    name: String,
    year: String,
    /// Set when editing: the year cannot change.
    year_fixed: bool,
    leaders: Vec<Pick>,
    members: Vec<Pick>,
    projects: Vec<Pick>,
}

struct GroupLine {
    id: String,
    name: String,
    year: i32,
    leader: String,
    members: String,
    projects: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin_groups.html")]
struct GroupsPage {
    c: Chrome,
    f: &'static FollowMsg,
    groups: Vec<GroupLine>,
    /// `None` on the edit page.
    editing: Option<String>,
    form: GroupFormView,
    error: Option<String>,
}

/// The deputies and the adopted projects a group may have.
struct Choices {
    deputies: Vec<(Uuid, String)>,
    projects: Vec<(Uuid, String)>,
}

async fn choices(state: &WebState, user: &PageUser) -> Result<Choices, PageError> {
    let deputies = accounts::list_deputies(&state.db, &user.actor, 10_000, 0)
        .await
        .map_err(fail(user))?
        .items
        .into_iter()
        .map(|d| {
            (
                d.id,
                format!("{} {}（{}）", d.deputy_code, d.name, d.delegation),
            )
        })
        .collect();
    let projects = projects::list(&state.db, Some(&user.actor), None, None, 1_000, 0)
        .await
        .map_err(fail(user))?
        .items
        .into_iter()
        .filter(|p| Status::parse(&p.status).is_some_and(|s| s.is_public()))
        .map(|p| (p.id, format!("{}（{}，{}）", p.title, p.year, p.department)))
        .collect();
    Ok(Choices { deputies, projects })
}

fn picks(all: &[(Uuid, String)], ticked: &[Uuid]) -> Vec<Pick> {
    all.iter()
        .map(|(id, label)| Pick {
            id: id.to_string(),
            label: label.clone(),
            checked: ticked.contains(id),
        })
        .collect()
}

async fn groups_page(
    state: &WebState,
    user: &PageUser,
    editing: Option<Uuid>,
    form: GroupForm,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let all = groups::list(&state.db, &user.actor, None)
        .await
        .map_err(fail(user))?;
    let ch = choices(state, user).await?;
    let name_of = |id: &Uuid, list: &[(Uuid, String)]| {
        list.iter()
            .find(|(i, _)| i == id)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    let short = |id: &Uuid| {
        // The deputy's name alone in the list (the form shows code and delegation too).
        name_of(id, &ch.deputies)
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.split('（').next())
            .unwrap_or("")
            .to_owned()
    };
    let lines = all
        .iter()
        .map(|g| GroupLine {
            id: g.group.id.to_string(),
            name: g.group.name.clone(),
            year: g.group.year,
            leader: short(&g.group.leader_id),
            members: g
                .member_ids
                .iter()
                .filter(|m| **m != g.group.leader_id)
                .map(&short)
                .collect::<Vec<_>>()
                .join("、"),
            projects: g
                .project_ids
                .iter()
                .map(|p| {
                    let label = name_of(p, &ch.projects);
                    let title = label.split('（').next().unwrap_or("").to_owned();
                    (p.to_string(), title)
                })
                .collect(),
        })
        .collect();
    let (action, here) = match editing {
        Some(id) => (format!("/admin/groups/{id}"), format!("/admin/groups/{id}")),
        None => ("/admin/groups".to_owned(), "/admin/groups".to_owned()),
    };
    let view = GroupFormView {
        action,
        year_fixed: editing.is_some(),
        leaders: picks(&ch.deputies, form.leader.as_slice()),
        members: picks(&ch.deputies, &form.members),
        projects: picks(&ch.projects, &form.projects),
        name: form.name,
        year: form.year,
    };
    let code = refused.as_ref().map(|(s, _)| *s);
    with_status(
        html(&GroupsPage {
            c: Chrome::for_user(user, &here),
            f: user.prefs.lang.follow(),
            groups: if editing.is_some() { Vec::new() } else { lines },
            editing: editing.map(|id| id.to_string()),
            form: view,
            error: refused.map(|(_, s)| s),
        }),
        code,
    )
}

/// `GET /admin/groups`: every supervision group and the form for a new one.
pub async fn groups_list(State(state): State<WebState>, user: PageUser) -> PageResult {
    require_admin(&user)?;
    let form = GroupForm {
        year: minsheng_domain::clock::today().format("%Y").to_string(),
        ..Default::default()
    };
    groups_page(&state, &user, None, form, None).await
}

/// `POST /admin/groups`: `name`, `year`, `leader_id`, `member_ids` and `project_ids` (repeated).
pub async fn create_group(
    State(state): State<WebState>,
    user: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let f = user.prefs.lang.follow();
    let form = read_group_form(&pairs);
    let refused = match (form.year.trim().parse::<i32>(), form.leader) {
        (Err(_), _) => (StatusCode::UNPROCESSABLE_ENTITY, f.r_year.to_owned()),
        (_, None) => (StatusCode::UNPROCESSABLE_ENTITY, f.r_members.to_owned()),
        (Ok(year), Some(leader_id)) => {
            let input = GroupInput {
                name: form.name.clone(),
                year,
                leader_id,
                member_ids: form.members.clone(),
                project_ids: form.projects.clone(),
            };
            match groups::create(&state.db, &user.actor, input).await {
                Ok(_) => return Ok(Redirect::to("/admin/groups").into_response()),
                Err(e) => refusal(&user, e)?,
            }
        }
    };
    groups_page(&state, &user, None, form, Some(refused)).await
}

/// `GET /admin/groups/{id}`: the group, ready to edit.
pub async fn edit_group(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    let g = groups::get(&state.db, &user.actor, id)
        .await
        .map_err(fail(&user))?;
    let form = GroupForm {
        name: g.group.name.clone(),
        year: g.group.year.to_string(),
        leader: Some(g.group.leader_id),
        members: g.member_ids.clone(),
        projects: g.project_ids.clone(),
    };
    groups_page(&state, &user, Some(id), form, None).await
}

/// `POST /admin/groups/{id}`: renames the group, changes its leader, replaces its members and
/// projects.
pub async fn update_group(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    require_admin(&user)?;
    let mut form = read_group_form(&pairs);
    let change = GroupChange {
        name: Some(form.name.clone()),
        leader_id: form.leader,
        member_ids: Some(form.members.clone()),
        project_ids: Some(form.projects.clone()),
    };
    match groups::update(&state.db, &user.actor, id, change).await {
        Ok(_) => Ok(Redirect::to("/admin/groups").into_response()),
        Err(e) => {
            let refused = refusal(&user, e)?;
            let g = groups::get(&state.db, &user.actor, id)
                .await
                .map_err(fail(&user))?;
            form.year = g.group.year.to_string();
            groups_page(&state, &user, Some(id), form, Some(refused)).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Follow-up overview and escalations

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "admin_followup.html")]
struct FollowupPage {
    c: Chrome,
    f: &'static FollowMsg,
    year: i32,
    years: Vec<i32>,
    rows: Vec<RowView>,
}

/// `GET /admin/followup?year=`: the year's followed projects, most urgent first, each with the
/// way to its escalations.
pub async fn followup_home(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    require_admin(&user)?;
    let b = board::board(
        &state.db,
        q.year.trim().parse().ok(),
        &BoardFilter::default(),
        &state.colour_rule,
        minsheng_domain::clock::today(),
    )
    .await
    .map_err(fail(&user))?;
    let f = user.prefs.lang.follow();
    Ok(html(&FollowupPage {
        c: Chrome::for_user(&user, &format!("/admin/followup?year={}", b.year)),
        f,
        year: b.year,
        years: b.years,
        rows: b.rows.iter().map(|r| row_view(f, r)).collect(),
    }))
}

struct EscalationLine {
    date: String,
    kind: &'static str,
    note: String,
}

/// The escalation form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct EscalationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "admin_escalations.html")]
struct EscalationsPage {
    c: Chrome,
    f: &'static FollowMsg,
    id: String,
    title: String,
    year: i32,
    colour: &'static str,
    word: &'static str,
    department: String,
    lines: Vec<EscalationLine>,
    kinds: Vec<Pick>,
    held_on: String,
    note: String,
    writable: bool,
    error: Option<String>,
}

async fn escalations_page(
    state: &WebState,
    user: &PageUser,
    id: Uuid,
    form: EscalationForm,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let today = minsheng_domain::clock::today();
    let rec = board::project_record(&state.db, Some(&user.actor), id, &state.colour_rule, today)
        .await
        .map_err(fail(user))?;
    let f = user.prefs.lang.follow();
    let fu = &rec.follow_up;
    let kinds = [
        EscalationKind::Inquiry,
        EscalationKind::Appointment,
        EscalationKind::Interpellation,
        EscalationKind::SpecialInvestigation,
    ]
    .into_iter()
    .map(|k| Pick {
        id: k.as_str().to_owned(),
        label: escalation_word(f, k).to_owned(),
        checked: form.kind == k.as_str(),
    })
    .collect();
    let code = refused.as_ref().map(|(s, _)| *s);
    with_status(
        html(&EscalationsPage {
            c: Chrome::for_user(user, &format!("/admin/projects/{id}/escalations")),
            f,
            id: id.to_string(),
            title: fu.project.title.clone(),
            year: fu.project.year,
            colour: fu.assessment.colour.as_str(),
            word: colour_word(f, fu.assessment.colour),
            department: fu.baseline.department.clone(),
            lines: rec
                .escalations
                .iter()
                .rev()
                .map(|e| EscalationLine {
                    date: e.held_on.to_string(),
                    kind: escalation_word(f, e.kind),
                    note: e.note.clone(),
                })
                .collect(),
            kinds,
            held_on: if form.held_on.is_empty() {
                today.to_string()
            } else {
                form.held_on
            },
            note: form.note,
            writable: rec.rights.writable,
            error: refused.map(|(_, s)| s),
        }),
        code,
    )
}

/// `GET /admin/projects/{id}/escalations`: the project's escalations and the form to record one.
pub async fn escalations(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    escalations_page(&state, &user, id, EscalationForm::default(), None).await
}

/// `POST /admin/projects/{id}/escalations`: `kind`, `held_on`, `note`.
pub async fn record_escalation(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(form): Form<EscalationForm>,
) -> PageResult {
    user.check_form(&form.csrf)?;
    require_admin(&user)?;
    let f = user.prefs.lang.follow();
    let refused = match minsheng_domain::bounds::parse_date(&form.held_on).ok_or(()) {
        Err(_) => (StatusCode::UNPROCESSABLE_ENTITY, f.r_date.to_owned()),
        Ok(held_on) => {
            let input = NewEscalation {
                kind: form.kind.clone(),
                held_on,
                note: form.note.clone(),
            };
            match problems::record_escalation(&state.db, &user.actor, id, input).await {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/admin/projects/{id}/escalations")).into_response()
                    );
                }
                Err(e) => refusal(&user, e)?,
            }
        }
    };
    escalations_page(&state, &user, id, form, Some(refused)).await
}

// ---------------------------------------------------------------------------------------------
// Rating rounds

struct RoundLine {
    id: String,
    title: String,
    status: &'static str,
    ballots_cast: u32,
}

struct SessionRounds {
    id: String,
    name: String,
    rounds: Vec<RoundLine>,
}

#[derive(Template)]
#[template(path = "admin_ratings.html")]
struct RatingsPage {
    c: Chrome,
    f: &'static FollowMsg,
    sessions: Vec<SessionRounds>,
}

/// `GET /admin/ratings`: the rating rounds of every session, newest session first.
pub async fn ratings(State(state): State<WebState>, user: PageUser) -> PageResult {
    require_admin(&user)?;
    let t = user.prefs.lang.msg();
    let list = sessions::list(&state.db, &user.actor, 50, 0)
        .await
        .map_err(fail(&user))?;
    let mut out = Vec::new();
    for s in list.items {
        let rounds = rating_service::list_for_session(&state.db, &user.actor, s.session.id)
            .await
            .map_err(fail(&user))?
            .into_iter()
            .map(|v| RoundLine {
                id: v.evaluation.id.to_string(),
                title: v.evaluation.title.clone(),
                status: status_word(t, v.status),
                ballots_cast: v.ballots_cast,
            })
            .collect();
        out.push(SessionRounds {
            id: s.session.id.to_string(),
            name: s.session.name.clone(),
            rounds,
        });
    }
    Ok(html(&RatingsPage {
        c: Chrome::for_user(&user, "/admin/ratings"),
        f: user.prefs.lang.follow(),
        sessions: out,
    }))
}

#[derive(Template)]
#[template(path = "admin_rating_form.html")]
struct RatingFormPage {
    c: Chrome,
    f: &'static FollowMsg,
    session_id: String,
    session_name: String,
    title: String,
    bases: Vec<Pick>,
    projects: Vec<Pick>,
    /// 履职评议 subjects of this year and the last.
    subjects: Vec<Pick>,
    error: Option<String>,
}

async fn rating_form(
    state: &WebState,
    user: &PageUser,
    session_id: Uuid,
    title: String,
    base: String,
    ticked: Vec<Uuid>,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let year = chrono::Datelike::year(&minsheng_domain::clock::today());
    let subjects: Vec<(Uuid, String)> =
        minsheng_domain::evaluations::subjects::list(&state.db, None)
            .await
            .map_err(fail(user))?
            .into_iter()
            .filter(|x| x.year >= year - 1)
            .map(|x| {
                let label = format!("{} {} · {}（{}）", x.name, x.post, x.unit, x.year);
                (x.id, label)
            })
            .collect();
    let s = sessions::get(&state.db, &user.actor, session_id)
        .await
        .map_err(fail(user))?;
    let ch = choices(state, user).await?;
    let (t, f) = (user.prefs.lang.msg(), user.prefs.lang.follow());
    let bases = [
        ThresholdBase::AllDeputies,
        ThresholdBase::Present,
        ThresholdBase::BallotsCast,
    ]
    .into_iter()
    .map(|b| Pick {
        id: b.as_str().to_owned(),
        label: base_word(t, b).to_owned(),
        checked: base == b.as_str(),
    })
    .collect();
    let code = refused.as_ref().map(|(s, _)| *s);
    with_status(
        html(&RatingFormPage {
            c: Chrome::for_user(user, &format!("/admin/sessions/{session_id}/ratings/new")),
            f,
            session_id: session_id.to_string(),
            session_name: s.session.name.clone(),
            title,
            bases,
            projects: picks(&ch.projects, &ticked),
            subjects: picks(&subjects, &ticked),
            error: refused.map(|(_, s)| s),
        }),
        code,
    )
}

/// `GET /admin/sessions/{id}/ratings/new`: a draft round (majority of all deputies, the law's
/// default base).
pub async fn new_rating(
    State(state): State<WebState>,
    user: PageUser,
    Path(session_id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    rating_form(
        &state,
        &user,
        session_id,
        String::new(),
        ThresholdBase::AllDeputies.as_str().to_owned(),
        Vec::new(),
        None,
    )
    .await
}

/// `POST /admin/sessions/{id}/ratings`: `title`, `threshold_base`, `project_ids` (repeated, in
/// ballot order).
pub async fn create_rating(
    State(state): State<WebState>,
    user: PageUser,
    Path(session_id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let f = user.prefs.lang.follow();
    let title = field(&pairs, "title").unwrap_or("").to_owned();
    let base = field(&pairs, "threshold_base").unwrap_or("").to_owned();
    let ticked = ids(&pairs, "project_ids");
    let ticked_subjects = ids(&pairs, "subject_ids");
    let refused = match ThresholdBase::parse(&base) {
        None => (StatusCode::UNPROCESSABLE_ENTITY, f.r_base.to_owned()),
        Some(threshold_base) => {
            let draft = EvaluationDraft {
                title: title.clone(),
                project_ids: ticked.clone(),
                subject_ids: ticked_subjects.clone(),
                threshold_base,
            };
            match rating_service::create(&state.db, &user.actor, session_id, draft).await {
                Ok(v) => {
                    return Ok(Redirect::to(&format!("/admin/ratings/{}", v.evaluation.id))
                        .into_response());
                }
                Err(e) => refusal(&user, e)?,
            }
        }
    };
    rating_form(
        &state,
        &user,
        session_id,
        title,
        base,
        ticked.into_iter().chain(ticked_subjects).collect(),
        Some(refused),
    )
    .await
}

struct GradeLine {
    /// The project's or subject's page.
    href: String,
    title: String,
    satisfied: u32,
    basically: u32,
    unsatisfied: u32,
    rate: String,
    grade: &'static str,
    word: &'static str,
}

fn grade_lines(t: &crate::i18n::Msg, r: &EvaluationResults) -> Vec<GradeLine> {
    use minsheng_domain::evaluations::grade::{Counts, Grade, Rating};
    let line = |href: String, title: String, c: &Counts, rate, g: Grade| GradeLine {
        href,
        title,
        satisfied: c.satisfied,
        basically: c.basically_satisfied,
        unsatisfied: c.unsatisfied,
        rate: permille(rate),
        grade: match g {
            Rating::Satisfied => "satisfied",
            Rating::BasicallySatisfied => "basically_satisfied",
            Rating::Unsatisfied => "unsatisfied",
        },
        word: grade_word(t, g),
    };
    let projects = r.projects.iter().map(|p| {
        let href = format!("/projects/{}", p.project.id);
        line(
            href,
            p.project.title.clone(),
            &p.counts,
            p.satisfaction_permille,
            p.grade,
        )
    });
    let subjects = r.subjects.iter().map(|x| {
        let href = format!("/subjects/{}", x.subject.id);
        let title = format!("{} {}", x.subject.name, x.subject.post)
            .trim()
            .to_owned();
        line(href, title, &x.counts, x.satisfaction_permille, x.grade)
    });
    projects.chain(subjects).collect()
}

fn permille(p: Option<u32>) -> String {
    p.map(|p| format!("{}.{}%", p / 10, p % 10))
        .unwrap_or_else(|| "—".to_owned())
}

#[derive(Template)]
#[template(path = "admin_rating.html")]
struct RatingPage {
    c: Chrome,
    f: &'static FollowMsg,
    id: String,
    session_id: String,
    title: String,
    state: &'static str,
    status: &'static str,
    base: &'static str,
    entitled: u32,
    present: u32,
    ballots_cast: u32,
    projects: Vec<(String, String)>,
    /// Closed or published: the base, 未投 and each project's grade.
    results: Option<(u32, u32, Vec<GradeLine>)>,
    error: Option<String>,
    /// `close` or `publish` awaiting the office's confirmation, with the question to ask.
    confirming: Option<(String, String)>,
}

async fn rating_page(
    state: &WebState,
    user: &PageUser,
    id: Uuid,
    error: Option<String>,
    confirming: Option<String>,
) -> PageResult {
    let v = rating_service::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(user))?;
    let (t, f) = (user.prefs.lang.msg(), user.prefs.lang.follow());
    let results = if matches!(v.status, VoteStatus::Closed | VoteStatus::Published) {
        let r = rating_service::results(&state.db, Some(&user.actor), id)
            .await
            .map_err(fail(user))?;
        Some((r.base, r.not_voted, grade_lines(t, &r)))
    } else {
        None
    };
    let refused = error.is_some();
    let resp = html(&RatingPage {
        c: Chrome::for_user(user, &format!("/admin/ratings/{id}")),
        f,
        id: id.to_string(),
        session_id: v.evaluation.session_id.to_string(),
        title: v.evaluation.title.clone(),
        state: v.status.as_str(),
        status: status_word(t, v.status),
        base: base_word(t, v.evaluation.threshold_base),
        entitled: v.entitled,
        present: v.present,
        ballots_cast: v.ballots_cast,
        projects: v
            .projects
            .iter()
            .map(|p| (format!("/projects/{}", p.id), p.title.clone()))
            .chain(v.subjects.iter().map(|x| {
                let title = format!("{} {}", x.name, x.post).trim().to_owned();
                (format!("/subjects/{}", x.id), title)
            }))
            .collect(),
        results,
        error,
        confirming: confirming.map(|action| {
            let question = if action == "close" {
                f.confirm_close_round
                    .replace("{cast}", &v.ballots_cast.to_string())
                    .replace("{present}", &v.present.to_string())
            } else {
                f.confirm_publish_round.to_owned()
            };
            (action, question)
        }),
    });
    with_status(resp, refused.then_some(StatusCode::CONFLICT))
}

/// `GET /admin/ratings/{id}`.
pub async fn rating(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    rating_page(&state, &user, id, None, None).await
}

/// `POST /admin/ratings/{id}/{open|close|publish}`. Closing and publishing ask first; a refusal
/// (no quorum, wrong state) is a sentence with the numbers on the round's page, and changes
/// nothing.
pub async fn rating_action(
    State(state): State<WebState>,
    user: PageUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    require_admin(&user)?;
    let (t, f) = (user.prefs.lang.msg(), user.prefs.lang.follow());
    if matches!(action.as_str(), "close" | "publish") && field(&pairs, "confirm") != Some("yes") {
        return rating_page(&state, &user, id, None, Some(action)).await;
    }
    let done = match action.as_str() {
        "open" => rating_service::open(&state.db, &user.actor, id)
            .await
            .map(|_| ()),
        "close" => rating_service::close(&state.db, &user.actor, id)
            .await
            .map(|_| ()),
        "publish" => rating_service::publish(&state.db, &user.actor, id)
            .await
            .map(|_| ()),
        _ => return Err(PageError::not_found(user.prefs)),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/admin/ratings/{id}")).into_response()),
        Err(Error::Conflict { code, .. }) => {
            let v = rating_service::get(&state.db, Some(&user.actor), id)
                .await
                .map_err(fail(&user))?;
            let sentence = if code == "quorum_not_met" {
                let s = sessions::get(&state.db, &user.actor, v.evaluation.session_id)
                    .await
                    .map_err(fail(&user))?;
                t.quorum_numbers
                    .replace("{present}", &s.present.to_string())
                    .replace("{roster}", &s.roster_size.to_string())
                    .replace("{needed}", &s.quorum_needed.to_string())
            } else if action == "publish" && v.status == VoteStatus::Published {
                f.round_published.to_owned()
            } else {
                t.for_code(code).to_owned()
            };
            rating_page(&state, &user, id, Some(sentence), None).await
        }
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}

// ---------------------------------------------------------------------------------------------
// The year report

struct ReportLineView {
    id: String,
    title: String,
    department: String,
    budget: String,
    started_on: String,
    planned: String,
    colour: &'static str,
    word: &'static str,
    reported: bool,
    percent: u32,
    spent: String,
    raised: u32,
    closed: u32,
    /// `round: word (rate)`, oldest first.
    grades: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_report.html")]
struct ReportPage {
    c: Chrome,
    f: &'static FollowMsg,
    year: i32,
    years: Vec<i32>,
    date: String,
    summary: String,
    lines: Vec<ReportLineView>,
}

/// `GET /admin/report?year=`: the print-ready year report.
pub async fn year_report(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    require_admin(&user)?;
    let today = minsheng_domain::clock::today();
    let r = report::year_report(
        &state.db,
        &user.actor,
        q.year.trim().parse().ok(),
        &state.colour_rule,
        today,
    )
    .await
    .map_err(fail(&user))?;
    let (t, f) = (user.prefs.lang.msg(), user.prefs.lang.follow());
    let k = r.totals;
    let summary = f
        .report_summary
        .replace("{n}", &k.projects.to_string())
        .replace("{done}", &k.completed.to_string())
        .replace("{budget}", &wan_yuan(k.budget_yuan))
        .replace("{spent}", &wan_yuan(k.spent_yuan))
        .replace("{raised}", &k.problems_raised.to_string())
        .replace("{closed}", &k.problems_closed.to_string());
    let lines = r
        .lines
        .iter()
        .map(|l| {
            let (p, b, s) = (&l.row.project, &l.row.baseline, &l.row.standing);
            ReportLineView {
                id: p.id.to_string(),
                title: p.title.clone(),
                department: b.department.clone(),
                budget: wan_yuan(b.budget_yuan),
                started_on: b.started_on.to_string(),
                planned: b.planned_completion.to_string(),
                colour: s.assessment.colour.as_str(),
                word: colour_word(f, s.assessment.colour),
                reported: s.reported,
                percent: s.percent_complete,
                spent: wan_yuan(s.spent_yuan),
                raised: l.problems_raised,
                closed: l.problems_closed,
                grades: l
                    .grades
                    .iter()
                    .map(|g| {
                        format!(
                            "{}：{}（{}）",
                            g.title,
                            grade_word(t, g.grade),
                            permille(g.satisfaction_permille)
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(html(&ReportPage {
        c: Chrome::for_user(&user, &format!("/admin/report?year={}", r.year)),
        f,
        year: r.year,
        years: r.years,
        date: today.format("%Y-%m-%d").to_string(),
        summary,
        lines,
    }))
}
