//! The suggestion pages (代表建议): a deputy submits, co-signs, sends on and rates the answer
//! (`/d/suggestions`); a handling unit answers what was assigned to it (`/dept/suggestions`); the
//! office assigns or returns what it received and publishes answers (`/admin/suggestions`). One
//! list per audience, each item with its state, its deadline and days left, and the one action
//! that is the caller's next. The rules are `minsheng_domain::suggestions`.

use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use minsheng_domain::{
    Error,
    suggestions::{self, NewAnswer, NewSuggestion, Status, View},
    vocabulary::Role,
};
use uuid::Uuid;

use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::followup::FollowMsg,
    render::{Chrome, html},
    session::PageUser,
};

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// One suggestion as a list shows it, with what the visitor may do next.
struct Item {
    id: String,
    number: i64,
    title: String,
    content: String,
    kind_word: &'static str,
    status_word: &'static str,
    /// 交办 or answer deadline with days left, in words; `overdue` marks it red.
    clock: Option<String>,
    overdue: bool,
    signers: String,
    units: String,
    answers: Vec<(String, String)>,
    return_reason: Option<String>,
    can_confirm: bool,
    can_send: bool,
    can_feedback: bool,
    can_answer: bool,
    can_assign: bool,
    can_publish: bool,
}

fn kind_word(f: &FollowMsg, k: &str) -> &'static str {
    match k {
        "criticism" => f.sg_criticism,
        "opinion" => f.sg_opinion,
        _ => f.sg_suggestion,
    }
}

fn status_word(f: &FollowMsg, s: Status) -> &'static str {
    match s {
        Status::Cosigning => f.sg_cosigning,
        Status::Submitted => f.sg_submitted,
        Status::Returned => f.sg_returned,
        Status::Assigned => f.sg_assigned,
        Status::Answered => f.sg_answered,
        Status::Reopened => f.sg_reopened,
        Status::Closed => f.sg_closed,
    }
}

/// The lead unit, and the co-units in brackets.
fn units_line(f: &FollowMsg, s: &minsheng_domain::entities::suggestions::Model) -> String {
    let mut units = s.lead_unit.clone().unwrap_or_default();
    let co = suggestions::units(s);
    if !co.is_empty() {
        units.push_str(&format!("（{}：{}）", f.sg_co_units, co.join("、")));
    }
    units
}

fn item(f: &FollowMsg, user: &PageUser, v: View) -> Item {
    let me = user.actor.deputy_id;
    let mine = v.signers.iter().find(|s| Some(s.deputy_id) == me);
    let round = v.answers.len() as i32;
    let rated = v
        .feedback
        .iter()
        .any(|x| Some(x.deputy_id) == me && x.round == round);
    let lead_unit = user.actor.role == Role::Department
        && v.s.lead_unit.as_deref() == user.actor.department.as_deref();
    let (clock, overdue) = match (v.assign_days_left, v.answer_days_left) {
        (Some(d), _) => (
            Some(
                f.sg_assign_clock
                    .replace(
                        "{date}",
                        &v.s.assign_by.map(|d| d.to_string()).unwrap_or_default(),
                    )
                    .replace("{n}", &d.to_string()),
            ),
            d < 0,
        ),
        (None, Some(d)) => {
            let due = if v.status == Status::Reopened {
                v.s.second_answer_due
            } else {
                v.s.answer_due
            };
            (
                Some(
                    f.sg_answer_clock
                        .replace("{date}", &due.map(|d| d.to_string()).unwrap_or_default())
                        .replace("{n}", &d.to_string()),
                ),
                d < 0,
            )
        }
        _ => (None, false),
    };
    let units = units_line(f, &v.s);
    Item {
        id: v.s.id.to_string(),
        number: v.s.number,
        title: v.s.title.clone(),
        content: v.s.content.clone(),
        kind_word: kind_word(f, &v.s.kind),
        status_word: status_word(f, v.status),
        clock,
        overdue,
        signers: v
            .signers
            .iter()
            .map(|s| {
                if s.confirmed {
                    format!("{} {}", s.name, s.deputy_code)
                } else {
                    format!("{} {}（{}）", s.name, s.deputy_code, f.sg_not_confirmed)
                }
            })
            .collect::<Vec<_>>()
            .join("、"),
        units,
        answers: v
            .answers
            .iter()
            .map(|a| {
                (
                    format!("{} {} · {}", a.result_class, a.answered_on, a.official),
                    a.content.clone(),
                )
            })
            .collect(),
        return_reason: v.s.return_reason.clone(),
        can_confirm: v.status == Status::Cosigning && mine.is_some_and(|m| !m.confirmed),
        can_send: v.status == Status::Cosigning && v.s.lead_deputy_id == me.unwrap_or_default(),
        can_feedback: v.status == Status::Answered && mine.is_some_and(|m| m.confirmed) && !rated,
        can_answer: lead_unit && matches!(v.status, Status::Assigned | Status::Reopened),
        can_assign: user.actor.role == Role::Admin && v.status == Status::Submitted,
        can_publish: user.actor.role == Role::Admin
            && !v.s.published
            && matches!(
                v.status,
                Status::Answered | Status::Reopened | Status::Closed
            ),
    }
}

#[derive(Template)]
#[template(path = "suggestions.html")]
struct SuggestionsPage {
    c: Chrome,
    f: &'static FollowMsg,
    /// `d`, `dept` or `admin`: where the forms post.
    base: &'static str,
    items: Vec<Item>,
    /// The deputy's new-suggestion form, kept after a refusal: kind, title, content, co-signers.
    form: (String, String, String, String),
    error: Option<String>,
    /// For the office: this year's figures per lead unit.
    stats: Vec<suggestions::UnitStats>,
    year: i32,
}

async fn page(
    state: &WebState,
    user: &PageUser,
    form: (String, String, String, String),
    error: Option<String>,
) -> PageResult {
    let f = user.prefs.lang.follow();
    let (base, here) = match user.actor.role {
        Role::Deputy => ("d", "/d/suggestions"),
        Role::Department => ("dept", "/dept/suggestions"),
        Role::Admin => ("admin", "/admin/suggestions"),
    };
    let views = suggestions::list(&state.db, Some(&user.actor), false)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let year = chrono::Datelike::year(&minsheng_domain::clock::today());
    let stats = if user.actor.role == Role::Admin {
        suggestions::statistics(&state.db, &user.actor, year)
            .await
            .map_err(|e| PageError::from_domain(e, user.prefs))?
    } else {
        Vec::new()
    };
    let mut resp = html(&SuggestionsPage {
        c: Chrome::for_user(user, here),
        f,
        base,
        items: views.into_iter().map(|v| item(f, user, v)).collect(),
        form,
        error: error.clone(),
        stats,
        year,
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /d/suggestions`, `/dept/suggestions`, `/admin/suggestions`: each audience's own list.
pub async fn list(State(state): State<WebState>, user: PageUser) -> PageResult {
    page(&state, &user, Default::default(), None).await
}

/// A refusal in a sentence for the form, or the error page for anything else.
fn sentence(f: &FollowMsg, e: &Error) -> Option<&'static str> {
    match e {
        Error::Invalid { code, .. } => Some(match *code {
            "unknown_deputy" => f.sg_bad_cosigners,
            "invalid_kind" => f.r_choose,
            "invalid_date" => f.r_date,
            _ => f.r_text,
        }),
        Error::Conflict { .. } => Some(f.sg_not_now),
        _ => None,
    }
}

/// `POST /d/suggestions`: `kind`, `title`, `content`, `cosigners` (deputy codes, separated by
/// spaces, commas or 、).
pub async fn submit(
    State(state): State<WebState>,
    user: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let f = user.prefs.lang.follow();
    let kept = (
        field(&pairs, "kind").to_owned(),
        field(&pairs, "title").to_owned(),
        field(&pairs, "content").to_owned(),
        field(&pairs, "cosigners").to_owned(),
    );
    let codes: Vec<String> = kept
        .3
        .split([' ', ',', '，', '、', '\n', '\r', '\t'])
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    let result = async {
        let cosigner_ids = suggestions::deputies_by_code(&state.db, &codes).await?;
        suggestions::submit(
            &state.db,
            &user.actor,
            NewSuggestion {
                kind: kept.0.clone(),
                title: kept.1.clone(),
                content: kept.2.clone(),
                cosigner_ids,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/d/suggestions").into_response()),
        Err(e) => match sentence(f, &e) {
            Some(s) => page(&state, &user, kept, Some(s.into())).await,
            None => Err(PageError::from_domain(e, user.prefs)),
        },
    }
}

/// `POST /{audience}/suggestions/{id}/{action}`: the audience in the address (`d`, `dept`,
/// `admin`) is only where the form was; who may act is the domain's rule.
pub async fn act_any(
    state: State<WebState>,
    user: PageUser,
    Path((_audience, id, action)): Path<(String, Uuid, String)>,
    form: Form<Vec<(String, String)>>,
) -> PageResult {
    act(state, user, Path((id, action)), form).await
}

/// `POST /{d,dept,admin}/suggestions/{id}/{action}`: `confirm` and `send` (signers), `feedback`
/// (`attitude`, `result`, `note`), `answer` (`result_class`, `content`, `official`), `assign`
/// (`lead_unit`, `co_units`, `broad`), `return` (`reason`, `note`), `publish`.
pub async fn act(
    State(state): State<WebState>,
    user: PageUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let f = user.prefs.lang.follow();
    let (db, a) = (&state.db, &user.actor);
    let done = match action.as_str() {
        "confirm" => suggestions::confirm(db, a, id).await,
        "send" => suggestions::send(db, a, id).await,
        "feedback" => {
            suggestions::feedback(
                db,
                a,
                id,
                field(&pairs, "attitude"),
                field(&pairs, "result"),
                field(&pairs, "note"),
            )
            .await
        }
        "answer" => {
            suggestions::answer(
                db,
                a,
                id,
                NewAnswer {
                    result_class: field(&pairs, "result_class").to_owned(),
                    content: field(&pairs, "content").to_owned(),
                    official: field(&pairs, "official").to_owned(),
                    promises: Vec::new(),
                },
            )
            .await
        }
        "assign" => {
            let co: Vec<String> = field(&pairs, "co_units")
                .split([',', '，', '、', ' '])
                .filter(|u| !u.trim().is_empty())
                .map(|u| u.trim().to_owned())
                .collect();
            suggestions::assign(
                db,
                a,
                id,
                field(&pairs, "lead_unit"),
                &co,
                field(&pairs, "broad") == "1",
            )
            .await
        }
        "return" => {
            suggestions::return_it(db, a, id, field(&pairs, "reason"), field(&pairs, "note")).await
        }
        "publish" => suggestions::set_flags(db, a, id, Some(true), None).await,
        _ => return Err(PageError::not_found(user.prefs)),
    };
    match done {
        Ok(_) => {
            let back = match a.role {
                Role::Deputy => "/d/suggestions",
                Role::Department => "/dept/suggestions",
                Role::Admin => "/admin/suggestions",
            };
            Ok(Redirect::to(back).into_response())
        }
        Err(e) => match sentence(f, &e) {
            Some(s) => page(&state, &user, Default::default(), Some(s.into())).await,
            None => Err(PageError::from_domain(e, user.prefs)),
        },
    }
}

#[derive(Template)]
#[template(path = "suggestions_public.html")]
struct PublicPage {
    c: Chrome,
    f: &'static FollowMsg,
    q: String,
    items: Vec<Item>,
}

#[derive(serde::Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /suggestions?q=`: the published suggestions with their answers, searched by words in the
/// title, the text or the handling unit. Public.
pub async fn public(
    State(state): State<WebState>,
    prefs: crate::session::Prefs,
    axum::extract::Query(query): axum::extract::Query<SearchQuery>,
) -> PageResult {
    let f = prefs.lang.follow();
    let q: String = query.q.trim().chars().take(100).collect();
    let views = suggestions::search(&state.db, None, false, &q)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))?;
    Ok(html(&PublicPage {
        c: Chrome::public(prefs, "/suggestions"),
        f,
        items: views.into_iter().map(|v| public_item(f, v)).collect(),
        q,
    }))
}

fn public_item(f: &FollowMsg, v: View) -> Item {
    let units = units_line(f, &v.s);
    Item {
        id: v.s.id.to_string(),
        number: v.s.number,
        title: v.s.title.clone(),
        content: v.s.content.clone(),
        kind_word: kind_word(f, &v.s.kind),
        status_word: status_word(f, v.status),
        clock: None,
        overdue: false,
        signers: v
            .signers
            .iter()
            .filter(|s| s.confirmed)
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
            .join("、"),
        units,
        answers: v
            .answers
            .iter()
            .map(|a| {
                (
                    format!("{} {}", a.result_class, a.answered_on),
                    a.content.clone(),
                )
            })
            .collect(),
        return_reason: None,
        can_confirm: false,
        can_send: false,
        can_feedback: false,
        can_answer: false,
        can_assign: false,
        can_publish: false,
    }
}
