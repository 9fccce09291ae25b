//! The office prepares a vote: projects with their candidate materials (created and edited here,
//! budget typed in 万元), and the vote's draft (title, method, seats, candidates, threshold base,
//! secrecy). The domain decides what is allowed; these pages only carry the form and its refusal.

use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use chrono::NaiveDate;
use minsheng_domain::{
    entities::projects as project_rows,
    projects::{self, ProjectChange, ProjectInput, Status},
    sessions,
    votes::{
        rules::{Method, ThresholdBase},
        service::{self as vote_service, VoteChange, VoteDraft, VoteStatus},
    },
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    field,
    office::{refusal, require_admin},
};
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::Msg,
    render::{Chrome, html, wan_yuan},
    session::PageUser,
};

fn fail(user: &PageUser) -> impl Fn(minsheng_domain::Error) -> PageError + '_ {
    move |e| PageError::from_domain(e, user.prefs)
}

pub fn project_status_word(t: &Msg, status: Status) -> &'static str {
    match status {
        Status::Proposed => t.p_proposed,
        Status::Candidate => t.p_candidate,
        Status::Adopted => t.p_adopted,
        Status::Reserve => t.p_reserve,
        Status::InProgress => t.p_in_progress,
        Status::Completed => t.p_completed,
    }
}

/// 万元 as typed (`120`, `1,234.5`, `0.0001`) → whole yuan. At most four decimals (one yuan);
/// `None` for anything else, negative numbers included.
pub fn parse_wan_yuan(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，' && *c != ' ')
        .collect();
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 4
        || whole.len() > 12
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<4}").parse().ok()?;
    whole.checked_mul(10_000)?.checked_add(frac)
}

/// Whole yuan → 万元 as the form shows it back, exactly (no grouping, no rounding).
pub fn wan_yuan_field(yuan: i64) -> String {
    let (whole, frac) = (yuan / 10_000, (yuan % 10_000).abs());
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:04}").trim_end_matches('0'))
    }
}

// ---------------------------------------------------------------------------------------------
// Projects

struct ProjectLine {
    id: Uuid,
    title: String,
    year: i32,
    department: String,
    budget: String,
    completion: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "admin_projects.html")]
struct ProjectsPage {
    c: Chrome,
    projects: Vec<ProjectLine>,
    total: u64,
}

/// `GET /admin/projects`: every project, newest year first.
pub async fn list(State(state): State<WebState>, user: PageUser) -> PageResult {
    require_admin(&user)?;
    let t = user.prefs.lang.msg();
    let page = projects::list(&state.db, Some(&user.actor), None, None, 500, 0)
        .await
        .map_err(fail(&user))?;
    Ok(html(&ProjectsPage {
        c: Chrome::for_user(&user, "/admin/projects"),
        total: page.total,
        projects: page
            .items
            .into_iter()
            .map(|p| ProjectLine {
                id: p.id,
                status: project_status_word(t, p.status),
                budget: wan_yuan(p.budget_yuan),
                completion: p
                    .planned_completion
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                title: p.title,
                year: p.year,
                department: p.department,
            })
            .collect(),
    }))
}

/// The project form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    budget_wan: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    planned_completion: String,
}

impl ProjectForm {
    fn from_row(p: &project_rows::Model) -> Self {
        ProjectForm {
            csrf: String::new(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            category: p.category.clone(),
            department: p.department.clone(),
            budget_wan: wan_yuan_field(p.budget_yuan),
            year: p.year.to_string(),
            source: p.source.as_str().to_owned(),
            planned_completion: p
                .planned_completion
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }

    /// The typed numbers and date, or the sentence saying which one to fix.
    fn parse(&self, t: &Msg) -> Result<(i64, i32, Option<NaiveDate>), String> {
        let budget = parse_wan_yuan(&self.budget_wan).ok_or_else(|| t.r_budget.to_owned())?;
        let year = self
            .year
            .trim()
            .parse::<i32>()
            .map_err(|_| t.r_year.to_owned())?;
        let date = match self.planned_completion.trim() {
            "" => None,
            d => Some(minsheng_domain::bounds::parse_date(d).ok_or_else(|| t.r_date.to_owned())?),
        };
        Ok((budget, year, date))
    }
}

#[derive(Template)]
#[template(path = "admin_project_form.html")]
struct ProjectFormPage {
    c: Chrome,
    /// `None` for a new project.
    id: Option<Uuid>,
    status: &'static str,
    f: ProjectForm,
    error: Option<String>,
}

fn project_form(
    user: &PageUser,
    id: Option<Uuid>,
    status: &'static str,
    f: ProjectForm,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let here = match id {
        Some(id) => format!("/admin/projects/{id}"),
        None => "/admin/projects/new".to_owned(),
    };
    let code = refused.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    let mut resp = html(&ProjectFormPage {
        c: Chrome::for_user(user, &here),
        id,
        status,
        f: ProjectForm {
            csrf: String::new(),
            ..f
        },
        error: refused.map(|(_, s)| s),
    });
    *resp.status_mut() = code;
    Ok(resp)
}

/// `GET /admin/projects/new`.
pub async fn new_form(user: PageUser) -> PageResult {
    require_admin(&user)?;
    let f = ProjectForm {
        year: minsheng_domain::clock::today().format("%Y").to_string(),
        source: "public".to_owned(),
        ..Default::default()
    };
    project_form(&user, None, "", f, None)
}

/// `POST /admin/projects`: creates a proposed project; back to the list.
pub async fn create(
    State(state): State<WebState>,
    user: PageUser,
    Form(f): Form<ProjectForm>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    let t = user.prefs.lang.msg();
    let (budget_yuan, year, planned_completion) = match f.parse(t) {
        Ok(parsed) => parsed,
        Err(s) => {
            return project_form(
                &user,
                None,
                "",
                f,
                Some((StatusCode::UNPROCESSABLE_ENTITY, s)),
            );
        }
    };
    let input = ProjectInput {
        title: f.title.clone(),
        summary: f.summary.clone(),
        category: f.category.clone(),
        department: f.department.clone(),
        budget_yuan,
        year,
        source: f.source.clone(),
        planned_completion,
    };
    match projects::create(&state.db, &user.actor, input).await {
        Ok(_) => Ok(Redirect::to("/admin/projects").into_response()),
        Err(e) => {
            let refused = refusal(&user, e, &[])?;
            project_form(&user, None, "", f, Some(refused))
        }
    }
}

/// `GET /admin/projects/{id}`: the materials, ready to edit.
pub async fn edit_form(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    let p = projects::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(&user))?;
    let status = project_status_word(user.prefs.lang.msg(), p.status);
    project_form(&user, Some(id), status, ProjectForm::from_row(&p), None)
}

/// `POST /admin/projects/{id}`: saves the materials (refused once adopted or in an opened vote).
pub async fn update(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ProjectForm>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    let t = user.prefs.lang.msg();
    let current = projects::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(&user))?;
    let status = project_status_word(t, current.status);
    let (budget_yuan, year, planned_completion) = match f.parse(t) {
        Ok(parsed) => parsed,
        Err(s) => {
            return project_form(
                &user,
                Some(id),
                status,
                f,
                Some((StatusCode::UNPROCESSABLE_ENTITY, s)),
            );
        }
    };
    let change = ProjectChange {
        title: Some(f.title.clone()),
        summary: Some(f.summary.clone()),
        category: Some(f.category.clone()),
        department: Some(f.department.clone()),
        budget_yuan: Some(budget_yuan),
        year: Some(year),
        source: Some(f.source.clone()),
        planned_completion,
        status: None,
    };
    match projects::update(&state.db, &user.actor, id, change).await {
        Ok(_) => Ok(Redirect::to("/admin/projects").into_response()),
        Err(e) => {
            let refused = refusal(&user, e, &[])?;
            project_form(&user, Some(id), status, f, Some(refused))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Vote drafts

struct CandidateOption {
    id: Uuid,
    title: String,
    year: i32,
    department: String,
    budget: String,
    status: &'static str,
    checked: bool,
}

/// The draft form's fields, as typed.
struct VoteForm {
    title: String,
    method: String,
    seats: String,
    base: String,
    secret: bool,
    publish_ballots: bool,
    selected: Vec<Uuid>,
}

#[derive(Template)]
#[template(path = "admin_vote_form.html")]
struct VoteFormPage {
    c: Chrome,
    session_id: Uuid,
    /// `None` for a new vote.
    vote_id: Option<Uuid>,
    f: VoteForm,
    options: Vec<CandidateOption>,
    error: Option<String>,
}

impl VoteFormPage {
    fn action(&self) -> String {
        match self.vote_id {
            Some(id) => format!("/admin/votes/{id}/edit"),
            None => format!("/admin/sessions/{}/votes", self.session_id),
        }
    }
}

/// The projects offered as candidates: the vote's own first, in their order, then every project
/// that is still a proposal, a candidate or in the reserve (the domain decides what may stand).
async fn candidate_options(
    state: &WebState,
    user: &PageUser,
    own: &[project_rows::Model],
    selected: &[Uuid],
) -> Result<Vec<CandidateOption>, PageError> {
    let t = user.prefs.lang.msg();
    let all = projects::list(&state.db, Some(&user.actor), None, None, 500, 0)
        .await
        .map_err(fail(user))?
        .items;
    let others = all.into_iter().filter(|p| {
        !own.iter().any(|o| o.id == p.id)
            && matches!(
                Status::parse(&p.status),
                Some(Status::Proposed | Status::Candidate | Status::Reserve)
            )
    });
    Ok(own
        .iter()
        .cloned()
        .chain(others)
        .map(|p| CandidateOption {
            checked: selected.contains(&p.id),
            status: project_status_word(t, p.status),
            budget: wan_yuan(p.budget_yuan),
            id: p.id,
            title: p.title,
            year: p.year,
            department: p.department,
        })
        .collect())
}

async fn vote_form(
    state: &WebState,
    user: &PageUser,
    session_id: Uuid,
    vote_id: Option<Uuid>,
    own: &[project_rows::Model],
    f: VoteForm,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let options = candidate_options(state, user, own, &f.selected).await?;
    let here = match vote_id {
        Some(id) => format!("/admin/votes/{id}/edit"),
        None => format!("/admin/sessions/{session_id}/votes/new"),
    };
    let code = refused.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    let mut resp = html(&VoteFormPage {
        c: Chrome::for_user(user, &here),
        session_id,
        vote_id,
        f,
        options,
        error: refused.map(|(_, s)| s),
    });
    *resp.status_mut() = code;
    Ok(resp)
}

fn read_vote_form(pairs: &[(String, String)]) -> VoteForm {
    VoteForm {
        title: field(pairs, "title").unwrap_or("").to_owned(),
        method: field(pairs, "method").unwrap_or("").to_owned(),
        seats: field(pairs, "seats").unwrap_or("").to_owned(),
        base: field(pairs, "threshold_base").unwrap_or("").to_owned(),
        secret: field(pairs, "secret") == Some("true"),
        publish_ballots: field(pairs, "publish_ballots") == Some("true"),
        selected: pairs
            .iter()
            .filter(|(k, _)| k == "candidate_ids")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    }
}

/// The typed method, seats and base, or the sentence saying which one to fix.
fn parse_vote_form(t: &Msg, f: &VoteForm) -> Result<(Method, u32, ThresholdBase), String> {
    let method = Method::parse(&f.method).ok_or_else(|| t.r_method.to_owned())?;
    let base = ThresholdBase::parse(&f.base).ok_or_else(|| t.r_method.to_owned())?;
    let seats = f
        .seats
        .trim()
        .parse::<u32>()
        .map_err(|_| t.r_seats.to_owned())?;
    Ok((method, seats, base))
}

/// `GET /admin/sessions/{id}/votes/new`: an empty draft (choose up to N, majority of all
/// deputies, secret: the law's defaults).
pub async fn new_vote(
    State(state): State<WebState>,
    user: PageUser,
    Path(session_id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    sessions::get(&state.db, &user.actor, session_id)
        .await
        .map_err(fail(&user))?;
    let f = VoteForm {
        title: String::new(),
        method: Method::ChooseUpToN.as_str().to_owned(),
        seats: String::new(),
        base: ThresholdBase::AllDeputies.as_str().to_owned(),
        secret: true,
        publish_ballots: false,
        selected: Vec::new(),
    };
    vote_form(&state, &user, session_id, None, &[], f, None).await
}

/// `POST /admin/sessions/{id}/votes`: stores the draft; then the vote's page.
pub async fn create_vote(
    State(state): State<WebState>,
    user: PageUser,
    Path(session_id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let t = user.prefs.lang.msg();
    let f = read_vote_form(&pairs);
    let (method, seats, threshold_base) = match parse_vote_form(t, &f) {
        Ok(parsed) => parsed,
        Err(s) => {
            let refused = Some((StatusCode::UNPROCESSABLE_ENTITY, s));
            return vote_form(&state, &user, session_id, None, &[], f, refused).await;
        }
    };
    let draft = VoteDraft {
        title: f.title.clone(),
        method,
        seats,
        candidate_ids: f.selected.clone(),
        threshold_base,
        secret: f.secret,
        publish_ballots: f.publish_ballots,
    };
    match vote_service::create(&state.db, &user.actor, session_id, draft).await {
        Ok(v) => Ok(Redirect::to(&format!("/admin/votes/{}", v.vote.id)).into_response()),
        Err(e) => {
            let refused = refusal(&user, e, &[("title", t.vote_title)])?;
            vote_form(&state, &user, session_id, None, &[], f, Some(refused)).await
        }
    }
}

/// `GET /admin/votes/{id}/edit`: the draft as stored.
pub async fn edit_vote(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    let v = vote_service::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(&user))?;
    if v.status != VoteStatus::Draft {
        return Ok(Redirect::to(&format!("/admin/votes/{id}")).into_response());
    }
    let f = VoteForm {
        title: v.vote.title.clone(),
        method: v.method.as_str().to_owned(),
        seats: v.vote.seats.to_string(),
        base: v.threshold_base.as_str().to_owned(),
        secret: v.vote.secret,
        publish_ballots: v.vote.publish_ballots,
        selected: v.candidates.iter().map(|p| p.id).collect(),
    };
    vote_form(
        &state,
        &user,
        v.vote.session_id,
        Some(id),
        &v.candidates,
        f,
        None,
    )
    .await
}

/// `POST /admin/votes/{id}/edit`: saves the draft (refused once the vote has opened).
pub async fn update_vote(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let t = user.prefs.lang.msg();
    let v = vote_service::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(&user))?;
    let f = read_vote_form(&pairs);
    let session_id = v.vote.session_id;
    let (method, seats, threshold_base) = match parse_vote_form(t, &f) {
        Ok(parsed) => parsed,
        Err(s) => {
            let refused = Some((StatusCode::UNPROCESSABLE_ENTITY, s));
            return vote_form(
                &state,
                &user,
                session_id,
                Some(id),
                &v.candidates,
                f,
                refused,
            )
            .await;
        }
    };
    let change = VoteChange {
        title: Some(f.title.clone()),
        method: Some(method),
        seats: Some(seats),
        candidate_ids: Some(f.selected.clone()),
        threshold_base: Some(threshold_base),
        secret: Some(f.secret),
        publish_ballots: Some(f.publish_ballots),
    };
    match vote_service::update(&state.db, &user.actor, id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/votes/{id}")).into_response()),
        Err(e) => {
            let refused = refusal(&user, e, &[("title", t.vote_title)])?;
            vote_form(
                &state,
                &user,
                session_id,
                Some(id),
                &v.candidates,
                f,
                Some(refused),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wan_yuan_as_typed() {
        assert_eq!(parse_wan_yuan("120"), Some(1_200_000));
        assert_eq!(parse_wan_yuan(" 1,234.5 "), Some(12_345_000));
        assert_eq!(parse_wan_yuan("0.0001"), Some(1));
        assert_eq!(parse_wan_yuan(".5"), Some(5_000));
        assert_eq!(parse_wan_yuan("0"), Some(0));
        for bad in ["", "-1", "1.00001", "abc", "1e3", ".", "1.2.3"] {
            assert_eq!(parse_wan_yuan(bad), None, "{bad}");
        }
        for yuan in [0, 1, 5_000, 1_200_000, 12_345_678] {
            assert_eq!(parse_wan_yuan(&wan_yuan_field(yuan)), Some(yuan));
        }
        assert_eq!(wan_yuan_field(12_345_000), "1234.5");
    }
}
