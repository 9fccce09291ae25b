//! 履职评议 pages: the office enters the subjects a rating round rates besides projects (officials'
//! reports, work reports, the handling of suggestions) and records the rectification of one graded
//! 不满意 (`/admin/subjects`); anyone reads a subject with its reports and grades
//! (`/subjects/{id}`). Rounds are drafted and run on the rating pages
//! ([`super::oversight`], [`super::rating`]). The rules are
//! `minsheng_domain::evaluations::subjects`.

use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use chrono::Datelike;
use minsheng_domain::{
    Error,
    evaluations::{
        grade::Rating,
        subjects::{self, NewSubject, SubjectView},
    },
};
use uuid::Uuid;

use super::typed as field;
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::{Msg, duty::DutyMsg},
    render::{Chrome, html},
    session::{PageUser, Prefs},
};

/// A subject's kind in words.
pub fn kind_word(d: &DutyMsg, kind: &str) -> &'static str {
    match kind {
        "work_report" => d.sj_work_report,
        "suggestion_handling" => d.sj_suggestion_handling,
        _ => d.sj_official_report,
    }
}

fn grade_word(t: &Msg, g: Rating) -> &'static str {
    match g {
        Rating::Satisfied => t.satisfied,
        Rating::BasicallySatisfied => t.basically_satisfied,
        Rating::Unsatisfied => t.unsatisfied,
    }
}

/// A subject as the pages show it.
struct SubjectCard {
    id: String,
    kind: &'static str,
    title: String,
    unit: String,
    year: i32,
    oral_on: String,
    written: String,
    /// (round title, published day, counts, grade word, unsatisfied?).
    grades: Vec<(String, String, String, &'static str, bool)>,
    rectification: Option<String>,
    /// The latest grade is 不满意.
    unsatisfied: bool,
}

fn card(t: &Msg, d: &DutyMsg, v: SubjectView) -> SubjectCard {
    let s = v.subject;
    SubjectCard {
        id: s.id.to_string(),
        kind: kind_word(d, &s.kind),
        title: format!("{} {}", s.name, s.post).trim().to_owned(),
        unit: s.unit,
        year: s.year,
        oral_on: s.oral_on.map(|x| x.to_string()).unwrap_or_default(),
        written: s.written_report,
        unsatisfied: v
            .grades
            .last()
            .is_some_and(|g| g.grade == Rating::Unsatisfied),
        grades: v
            .grades
            .iter()
            .map(|g| {
                (
                    g.title.clone(),
                    minsheng_domain::clock::china_date(g.published_at).to_string(),
                    format!(
                        "{} {} · {} {} · {} {}",
                        t.satisfied,
                        g.counts.satisfied,
                        t.basically_satisfied,
                        g.counts.basically_satisfied,
                        t.unsatisfied,
                        g.counts.unsatisfied
                    ),
                    grade_word(t, g.grade),
                    g.grade == Rating::Unsatisfied,
                )
            })
            .collect(),
        rectification: s.rectification.map(|r| {
            format!(
                "{}（{}）",
                r,
                s.rectified_on.map(|x| x.to_string()).unwrap_or_default()
            )
        }),
    }
}

#[derive(Template)]
#[template(path = "subjects.html")]
struct SubjectsPage {
    c: Chrome,
    d: &'static DutyMsg,
    /// The office's page (with forms), or one subject's public page.
    office: bool,
    subjects: Vec<SubjectCard>,
    year: i32,
    error: Option<&'static str>,
    kept: Vec<(String, String)>,
}

impl SubjectsPage {
    fn v(&self, name: &str) -> &str {
        field(&self.kept, name)
    }
}

async fn office_page(
    state: &WebState,
    user: &PageUser,
    error: Option<&'static str>,
    kept: Vec<(String, String)>,
) -> PageResult {
    let fail = |e| PageError::from_domain(e, user.prefs);
    user.actor.require_admin().map_err(fail)?;
    let (t, d) = (user.prefs.lang.msg(), user.prefs.lang.duty());
    let mut cards = Vec::new();
    for s in subjects::list(&state.db, None).await.map_err(fail)? {
        cards.push(card(
            t,
            d,
            subjects::get(&state.db, s.id).await.map_err(fail)?,
        ));
    }
    let mut resp = html(&SubjectsPage {
        c: Chrome::for_user(user, "/admin/subjects"),
        d,
        office: true,
        subjects: cards,
        year: minsheng_domain::clock::today().year(),
        error,
        kept,
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /admin/subjects`: every subject, with the forms to enter one and to record a
/// rectification.
pub async fn office(State(state): State<WebState>, user: PageUser) -> PageResult {
    office_page(&state, &user, None, Vec::new()).await
}

/// `POST /admin/subjects/{action}`: `create` (`kind`, `name`, `post`, `unit`, `year`, `oral_on`,
/// `written_report`), `rectify` (`id`, `rectification`).
pub async fn act(
    State(state): State<WebState>,
    user: PageUser,
    Path(action): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let d = user.prefs.lang.duty();
    let done: Result<(), Error> = match action.as_str() {
        "create" => {
            let oral = field(&pairs, "oral_on").trim();
            let oral_on = if oral.is_empty() {
                Ok(None)
            } else {
                oral.parse().map(Some)
            };
            match (oral_on, field(&pairs, "year").trim().parse::<i32>()) {
                (Ok(oral_on), Ok(year)) => subjects::create(
                    &state.db,
                    &user.actor,
                    NewSubject {
                        kind: field(&pairs, "kind").to_owned(),
                        name: field(&pairs, "name").to_owned(),
                        post: field(&pairs, "post").to_owned(),
                        unit: field(&pairs, "unit").to_owned(),
                        year,
                        oral_on,
                        written_report: field(&pairs, "written_report").to_owned(),
                    },
                )
                .await
                .map(|_| ()),
                _ => Err(Error::invalid_field(
                    minsheng_domain::error::ErrorCode::InvalidDate,
                    "oral_on",
                    "a date and a year",
                )),
            }
        }
        "rectify" => {
            let Ok(id) = field(&pairs, "id").parse::<Uuid>() else {
                return Err(PageError::not_found(user.prefs));
            };
            subjects::rectify(&state.db, &user.actor, id, field(&pairs, "rectification"))
                .await
                .map(|_| ())
        }
        _ => return Err(PageError::not_found(user.prefs)),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/admin/subjects").into_response()),
        Err(Error::Invalid { code, .. }) => {
            let s = match code {
                "invalid_date" | "invalid_year" => d.dt_bad_date,
                _ => d.dt_bad_text,
            };
            office_page(&state, &user, Some(s), pairs.clone()).await
        }
        Err(Error::Conflict { .. }) => {
            office_page(&state, &user, Some(d.dt_not_now), pairs.clone()).await
        }
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}

/// `GET /subjects/{id}`: a subject's reports, grades and rectification. Public.
pub async fn public(
    State(state): State<WebState>,
    prefs: Prefs,
    Path(id): Path<Uuid>,
) -> PageResult {
    let (t, d) = (prefs.lang.msg(), prefs.lang.duty());
    let v = subjects::get(&state.db, id)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))?;
    Ok(html(&SubjectsPage {
        c: Chrome::public(prefs, &format!("/subjects/{id}")),
        d,
        office: false,
        subjects: vec![card(t, d, v)],
        year: minsheng_domain::clock::today().year(),
        error: None,
        kept: Vec::new(),
    }))
}
