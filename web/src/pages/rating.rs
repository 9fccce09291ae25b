//! The deputy's satisfaction rating (满意度测评) on a phone: every project of the round rated 满意 /
//! 基本满意 / 不满意, a review step that says nothing is cast yet, then the receipt. The same
//! one-press and refusal rules as the vote's ballot.

use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use minsheng_domain::{
    Error, deputy_desk,
    evaluations::{
        grade::Rating,
        service::{self as rating_service, EvaluationView},
    },
};
use uuid::Uuid;

use super::{casting, field};
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::Msg,
    render::{Chrome, html, wan_yuan},
    session::PageUser,
};

fn rating_str(r: Rating) -> &'static str {
    match r {
        Rating::Satisfied => "satisfied",
        Rating::BasicallySatisfied => "basically_satisfied",
        Rating::Unsatisfied => "unsatisfied",
    }
}

fn rating_word(t: &Msg, r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Satisfied) => t.satisfied,
        Some(Rating::BasicallySatisfied) => t.basically_satisfied,
        Some(Rating::Unsatisfied) => t.unsatisfied,
        None => "—",
    }
}

/// The marks as the form carries them: `ratings[<project id>]` = a rating word.
#[derive(Debug, Default)]
struct Marks {
    ratings: Vec<(Uuid, Rating)>,
    malformed: bool,
}

impl Marks {
    fn from_form(pairs: &[(String, String)]) -> Marks {
        let mut m = Marks::default();
        for (k, v) in pairs {
            let Some(id) = k.strip_prefix("ratings[").and_then(|r| r.strip_suffix(']')) else {
                continue;
            };
            let rating = match v.as_str() {
                "satisfied" => Rating::Satisfied,
                "basically_satisfied" => Rating::BasicallySatisfied,
                "unsatisfied" => Rating::Unsatisfied,
                _ => {
                    m.malformed = true;
                    continue;
                }
            };
            match id.parse() {
                Ok(id) => m.ratings.push((id, rating)),
                Err(_) => m.malformed = true,
            }
        }
        m
    }

    fn of(&self, id: Uuid) -> Option<Rating> {
        self.ratings.iter().find(|(p, _)| *p == id).map(|(_, r)| *r)
    }
}

struct ProjectRow {
    id: String,
    title: String,
    /// The department and budget of a project; the kind, post and unit of another subject.
    detail: String,
    /// `satisfied`, `basically_satisfied`, `unsatisfied` or empty.
    rating: &'static str,
    rating_word: &'static str,
}

fn rows(t: &Msg, view: &EvaluationView, marks: &Marks) -> Vec<ProjectRow> {
    let row = |id: Uuid, title: String, detail: String| {
        let r = marks.of(id);
        ProjectRow {
            id: id.to_string(),
            title,
            detail,
            rating: r.map(rating_str).unwrap_or(""),
            rating_word: rating_word(t, r),
        }
    };
    let projects = view.projects.iter().map(|p| {
        let detail = format!(
            "{} · {} {}",
            p.department,
            wan_yuan(p.budget_yuan),
            t.wan_yuan
        );
        row(p.id, p.title.clone(), detail)
    });
    let subjects = view.subjects.iter().map(|x| {
        let d = t.duty();
        let kind = super::subjects::kind_word(d, &x.kind);
        let title = format!("{} {}", x.name, x.post).trim().to_owned();
        row(x.id, title, format!("{kind} · {}", x.unit))
    });
    projects.chain(subjects).collect()
}

#[derive(Template)]
#[template(path = "rating.html")]
struct RatingPage {
    c: Chrome,
    id: String,
    title: String,
    projects: Vec<ProjectRow>,
    blocked: Option<&'static str>,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "rating_review.html")]
struct ReviewPage {
    c: Chrome,
    id: String,
    title: String,
    projects: Vec<ProjectRow>,
}

async fn load(state: &WebState, user: &PageUser, id: Uuid) -> Result<EvaluationView, PageError> {
    rating_service::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))
}

fn done(user: &PageUser, view: &EvaluationView, receipt: Option<String>) -> Response {
    casting::voted_page(user, view.evaluation.title.clone(), receipt)
}

async fn form_page(
    state: &WebState,
    user: &PageUser,
    view: EvaluationView,
    marks: &Marks,
    error: Option<&'static str>,
) -> PageResult {
    if deputy_desk::has_rated(&state.db, &user.actor, view.evaluation.id)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?
    {
        return Ok(done(user, &view, None));
    }
    let blocked = casting::blocked(state, user, view.status, view.evaluation.session_id).await?;
    let c = Chrome::for_user(user, &format!("/d/ratings/{}", view.evaluation.id));
    let mut resp = html(&RatingPage {
        id: view.evaluation.id.to_string(),
        title: view.evaluation.title.clone(),
        projects: rows(c.t, &view, marks),
        blocked,
        error,
        c,
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /d/ratings/{id}`.
pub async fn form(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    let view = load(&state, &user, id).await?;
    form_page(&state, &user, view, &Marks::default(), None).await
}

/// `POST /d/ratings/{id}`: `action=review` shows the review step once every project is rated;
/// `action=edit` goes back to the form with the marks kept.
pub async fn review(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let view = load(&state, &user, id).await?;
    let marks = Marks::from_form(&pairs);
    let t = user.prefs.lang.msg();
    if field(&pairs, "action") == Some("edit") {
        return form_page(&state, &user, view, &marks, None).await;
    }
    if marks.malformed {
        return form_page(&state, &user, view, &marks, Some(t.invalid_ballot)).await;
    }
    let ids: Vec<Uuid> = view
        .projects
        .iter()
        .map(|p| p.id)
        .chain(view.subjects.iter().map(|x| x.id))
        .collect();
    if let Err(Error::Invalid { code, .. }) =
        rating_service::parse_ratings(&ids, marks.ratings.clone())
    {
        return form_page(&state, &user, view, &marks, Some(t.for_code(code))).await;
    }
    let c = Chrome::for_user(&user, &format!("/d/ratings/{id}"));
    Ok(html(&ReviewPage {
        id: id.to_string(),
        title: view.evaluation.title.clone(),
        projects: rows(c.t, &view, &marks),
        c,
    }))
}

/// `POST /d/ratings/{id}/cast`: rates once; a second press shows 已投票.
pub async fn cast(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let view = load(&state, &user, id).await?;
    let marks = Marks::from_form(&pairs);
    let t = user.prefs.lang.msg();
    if marks.malformed {
        return form_page(&state, &user, view, &marks, Some(t.invalid_ballot)).await;
    }
    match rating_service::cast(&state.db, &user.actor, id, marks.ratings.clone()).await {
        Ok(receipt) => Ok(done(&user, &view, Some(receipt))),
        Err(Error::Conflict {
            code: "already_voted",
            ..
        }) => Ok(done(&user, &view, None)),
        Err(
            Error::Conflict { code, .. }
            | Error::Invalid { code, .. }
            | Error::Forbidden { code, .. },
        ) => form_page(&state, &user, view, &marks, Some(t.for_code(code))).await,
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}
