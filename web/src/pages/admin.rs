//! The congress office's console (大会秘书处), at a desk: sessions with 应到 / 实到 / 法定人数, the
//! attendance list, running a vote (open, close, publish, runoff) with live turnout, the results
//! with their legal arithmetic, the printable announcement, and display links for the projector.

use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use minsheng_domain::{
    Error, display,
    sessions::{self, RosterEntry, SessionSummary},
    vocabulary::OversightKind,
    votes::{
        rules::{Method, ThresholdBase},
        service::{self as vote_service, Results, VoteStatus, VoteView},
        tally::Outcome,
    },
};
use serde::Deserialize;
use uuid::Uuid;

use super::{TokenOnly, field};
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::Msg,
    render::{Chrome, html},
    session::PageUser,
};

fn fail(user: &PageUser) -> impl Fn(Error) -> PageError + '_ {
    move |e| PageError::from_domain(e, user.prefs)
}

fn require_admin(user: &PageUser) -> Result<(), PageError> {
    user.actor.require_admin().map_err(fail(user))
}

pub fn status_word(t: &Msg, s: VoteStatus) -> &'static str {
    match s {
        VoteStatus::Draft => t.status_draft,
        VoteStatus::Open => t.status_open,
        VoteStatus::Closed => t.status_closed,
        VoteStatus::Published => t.status_published,
    }
}

pub fn base_word(t: &Msg, b: ThresholdBase) -> &'static str {
    match b {
        ThresholdBase::AllDeputies => t.base_all,
        ThresholdBase::Present => t.base_present,
        ThresholdBase::BallotsCast => t.base_cast,
        ThresholdBase::None => t.base_none,
    }
}

pub fn outcome_word(t: &Msg, o: &Outcome) -> &'static str {
    match o {
        Outcome::Decided => t.outcome_decided,
        Outcome::RunoffRequired { .. } => t.outcome_runoff,
        Outcome::SeatsUnfilled { .. } => t.outcome_unfilled,
    }
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    c: Chrome,
    sessions: Vec<SessionSummary>,
    /// The new-session form, kept as typed after a refusal.
    new_name: String,
    new_year: String,
    error: Option<String>,
    /// Data-push receivers the service stopped (every attempt failed for a day).
    stopped_receivers: usize,
}

/// `GET /admin`: the sessions, newest first, each with its attendance and quorum.
pub async fn home(State(state): State<WebState>, user: PageUser) -> PageResult {
    require_admin(&user)?;
    let year = minsheng_domain::clock::today().format("%Y").to_string();
    home_page(&state, &user, String::new(), year, None).await
}

/// The console's start page, with the new-session form and its refusal, if any.
pub async fn home_page(
    state: &WebState,
    user: &PageUser,
    new_name: String,
    new_year: String,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let page = sessions::list(&state.db, &user.actor, 50, 0)
        .await
        .map_err(fail(user))?;
    let stopped_receivers = minsheng_domain::webhooks::list(&state.db, &user.actor)
        .await
        .map_err(fail(user))?
        .iter()
        .filter(|e| e.disabled_reason.is_some())
        .count();
    let status = refused.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    let mut resp = html(&HomePage {
        c: Chrome::for_user(user, "/admin"),
        sessions: page.items,
        new_name,
        new_year,
        error: refused.map(|(_, s)| s),
        stopped_receivers,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

struct VoteLine {
    id: String,
    title: String,
    status: &'static str,
    ballots_cast: u32,
}

#[derive(Template)]
#[template(path = "admin_session.html")]
struct SessionPage {
    c: Chrome,
    s: SessionSummary,
    votes: Vec<VoteLine>,
    roster: Vec<RosterEntry>,
    q: String,
    /// A display link just created, shown once.
    new_link: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SessionQuery {
    #[serde(default)]
    q: String,
}

async fn session_page(
    state: &WebState,
    user: &PageUser,
    id: Uuid,
    q: String,
    new_link: Option<String>,
) -> PageResult {
    let s = sessions::get(&state.db, &user.actor, id)
        .await
        .map_err(fail(user))?;
    let t = user.prefs.lang.msg();
    let votes = vote_service::list_for_session(&state.db, &user.actor, id)
        .await
        .map_err(fail(user))?
        .into_iter()
        .map(|v| VoteLine {
            id: v.vote.id.to_string(),
            title: v.vote.title.clone(),
            status: status_word(t, v.status),
            ballots_cast: v.ballots_cast,
        })
        .collect();
    let needle = q.trim().to_lowercase();
    let roster = sessions::roster(&state.db, &user.actor, id)
        .await
        .map_err(fail(user))?
        .into_iter()
        .filter(|r| {
            needle.is_empty()
                || r.deputy.deputy_code.to_lowercase().contains(&needle)
                || r.deputy.name.contains(needle.as_str())
                || r.deputy.delegation.contains(needle.as_str())
        })
        .collect();
    Ok(html(&SessionPage {
        c: Chrome::for_user(user, &format!("/admin/sessions/{id}")),
        s,
        votes,
        roster,
        q,
        new_link,
    }))
}

/// `GET /admin/sessions/{id}?q=`: attendance (searchable by code, name, 代表团) and the votes.
pub async fn session(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Query(q): Query<SessionQuery>,
) -> PageResult {
    require_admin(&user)?;
    session_page(&state, &user, id, q.q, None).await
}

/// `POST /admin/sessions/{id}/attendance`: `deputy_id`, `present` = `true` | `false`.
pub async fn attendance(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let t = user.prefs.lang.msg();
    let deputy: Uuid = field(&pairs, "deputy_id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, t.bad_form, user.prefs))?;
    let present = field(&pairs, "present") == Some("true");
    sessions::set_attendance(&state.db, &user.actor, id, &[deputy], present)
        .await
        .map_err(fail(&user))?;
    let q = field(&pairs, "q").unwrap_or("");
    let back = if q.is_empty() {
        format!("/admin/sessions/{id}")
    } else {
        format!("/admin/sessions/{id}?q={}", urlencode(q))
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: String,
}

/// `GET /admin/sessions/{id}/attendance.export?format=xlsx|csv`: the roster with attendance as a
/// spreadsheet (出席情况表): present or not, never how anyone voted. The same table as the API's
/// `GET /api/v1/sessions/{id}/roster?format=`.
pub async fn attendance_export(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    axum::extract::Query(q): axum::extract::Query<ExportQuery>,
) -> PageResult {
    require_admin(&user)?;
    let t = user.prefs.lang.msg();
    let kind = match q.format.as_str() {
        "csv" => crate::exports::FileKind::Csv,
        "xlsx" | "" => crate::exports::FileKind::Xlsx,
        _ => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                t.bad_form,
                user.prefs,
            ));
        }
    };
    let roster = sessions::roster(&state.db, &user.actor, id)
        .await
        .map_err(fail(&user))?;
    let table = crate::exports::attendance(id, &roster);
    crate::exports::file(&table, kind).map_err(|e| {
        tracing::error!(error = %e, "attendance export failed");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, t.bad_form, user.prefs)
    })
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `POST /admin/sessions/{id}/display-links`: shows the new link once.
pub async fn new_display_link(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(f): Form<TokenOnly>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    let token = display::create_link(&state.db, &user.actor, id)
        .await
        .map_err(fail(&user))?;
    session_page(
        &state,
        &user,
        id,
        String::new(),
        Some(format!("/screen/sessions/{id}?key={token}")),
    )
    .await
}

/// `POST /admin/sessions/{id}/display-links/revoke`.
pub async fn revoke_display_links(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(f): Form<TokenOnly>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    display::revoke_links(&state.db, &user.actor, id)
        .await
        .map_err(fail(&user))?;
    Ok(Redirect::to(&format!("/admin/sessions/{id}")).into_response())
}

/// `GET /admin/sessions/{id}/events`: the session's live snapshot for the console.
pub async fn events(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    sessions::get(&state.db, &user.actor, id)
        .await
        .map_err(fail(&user))?;
    Ok(state.hub.events(id).into_response())
}

/// One candidate's line of the results, with its title.
pub struct ResultLine {
    pub title: String,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub rank: u32,
    pub passed: bool,
    pub adopted: bool,
}

pub fn result_lines(r: &Results) -> Vec<ResultLine> {
    r.tally
        .candidates
        .iter()
        .map(|c| ResultLine {
            title: r
                .view
                .candidates
                .iter()
                .find(|p| p.id == c.project_id)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            yes: c.yes,
            no: c.no,
            abstain: c.abstain,
            rank: c.rank,
            passed: c.passed,
            adopted: c.adopted,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin_vote.html")]
struct VotePage {
    c: Chrome,
    v: VoteView,
    status: &'static str,
    method: &'static str,
    base: &'static str,
    results: Option<Results>,
    lines: Vec<ResultLine>,
    outcome: &'static str,
    runoff_needed: bool,
    /// Account changes the office made while the vote was open (from opening on), for the
    /// scrutineers: (kind, time in CST, deputy code and name, username).
    oversight: Option<Vec<OversightLine>>,
    oversight_counts: String,
    error: Option<String>,
    /// `close` or `publish` awaiting the office's confirmation, with the question to ask.
    confirming: Option<(String, String)>,
}

struct OversightLine {
    kind: &'static str,
    at: String,
    deputy: String,
    username: String,
}

async fn vote_page(
    state: &WebState,
    user: &PageUser,
    id: Uuid,
    error: Option<String>,
    confirming: Option<String>,
) -> PageResult {
    let v = vote_service::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(user))?;
    let t = user.prefs.lang.msg();
    let results = if matches!(v.status, VoteStatus::Closed | VoteStatus::Published) {
        Some(
            vote_service::results(&state.db, Some(&user.actor), id)
                .await
                .map_err(fail(user))?,
        )
    } else {
        None
    };
    let lines = results.as_ref().map(result_lines).unwrap_or_default();
    let outcome = results
        .as_ref()
        .map(|r| outcome_word(t, &r.tally.outcome))
        .unwrap_or("");
    let runoff_needed = results
        .as_ref()
        .is_some_and(|r| matches!(r.tally.outcome, Outcome::RunoffRequired { .. }));
    let oversight = if v.status == VoteStatus::Draft {
        None
    } else {
        Some(
            minsheng_domain::votes::oversight::for_vote(&state.db, id)
                .await
                .map_err(fail(user))?,
        )
    };
    let oversight_counts = oversight
        .as_ref()
        .map(|o| {
            format!(
                "{} / {} / {} / {}",
                o.password_resets, o.disables, o.attendance_changes, o.accounts
            )
        })
        .unwrap_or_default();
    let oversight = oversight.map(|o| {
        o.events
            .into_iter()
            .map(|e| OversightLine {
                kind: match e.kind {
                    OversightKind::PasswordReset => t.oversight_password_reset,
                    OversightKind::Disabled => t.oversight_disabled,
                    OversightKind::MarkedPresent => t.oversight_marked_present,
                    OversightKind::MarkedAbsent => t.oversight_marked_absent,
                },
                at: (e.at + chrono::Duration::hours(8))
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                deputy: format!("{} {}", e.deputy_code, e.deputy_name),
                username: e.username,
            })
            .collect()
    });
    let refused = error.is_some();
    let mut resp = html(&VotePage {
        oversight,
        oversight_counts,
        c: Chrome::for_user(user, &format!("/admin/votes/{id}")),
        status: status_word(t, v.status),
        method: match v.method {
            Method::ChooseUpToN => t.method_choose,
            Method::YesNoAbstain => t.method_yna,
        },
        base: base_word(t, v.threshold_base),
        results,
        lines,
        outcome,
        runoff_needed,
        error,
        confirming: confirming.map(|action| {
            let question = if action == "close" {
                t.confirm_close
                    .replace("{cast}", &v.ballots_cast.to_string())
                    .replace("{present}", &v.present.to_string())
            } else {
                t.confirm_publish.to_owned()
            };
            (action, question)
        }),
        v,
    });
    if refused {
        *resp.status_mut() = StatusCode::CONFLICT;
    }
    Ok(resp)
}

/// `GET /admin/votes/{id}`.
pub async fn vote(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    vote_page(&state, &user, id, None, None).await
}

/// `POST /admin/votes/{id}/{open|close|publish|runoff}`. A refusal (no quorum, wrong state) is
/// shown on the vote's page in a sentence with the numbers, and changes nothing.
pub async fn vote_action(
    State(state): State<WebState>,
    user: PageUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    require_admin(&user)?;
    let t = user.prefs.lang.msg();
    // Closing and publishing cannot be undone: the first press asks, the second acts.
    if matches!(action.as_str(), "close" | "publish") && field(&pairs, "confirm") != Some("yes") {
        return vote_page(&state, &user, id, None, Some(action)).await;
    }
    let done = match action.as_str() {
        "open" => vote_service::open(&state.db, &user.actor, id)
            .await
            .map(|_| id),
        "close" => vote_service::close(&state.db, &user.actor, id)
            .await
            .map(|_| id),
        "publish" => vote_service::publish(&state.db, &user.actor, id)
            .await
            .map(|_| id),
        "runoff" => vote_service::runoff(&state.db, &user.actor, id)
            .await
            .map(|v| v.vote.id),
        _ => return Err(PageError::not_found(user.prefs)),
    };
    match done {
        Ok(next) => Ok(Redirect::to(&format!("/admin/votes/{next}")).into_response()),
        Err(Error::Conflict { code, .. }) => {
            let sentence = if code == "quorum_not_met" {
                let v = vote_service::get(&state.db, Some(&user.actor), id)
                    .await
                    .map_err(fail(&user))?;
                let s = sessions::get(&state.db, &user.actor, v.vote.session_id)
                    .await
                    .map_err(fail(&user))?;
                t.quorum_numbers
                    .replace("{present}", &s.present.to_string())
                    .replace("{roster}", &s.roster_size.to_string())
                    .replace("{needed}", &s.quorum_needed.to_string())
            } else if code == "vote_not_closed"
                && action == "publish"
                && published(&state, &user, id).await?
            {
                // Pressed twice: say what happened, not what the rule is.
                t.already_published.to_owned()
            } else {
                t.for_code(code).to_owned()
            };
            vote_page(&state, &user, id, Some(sentence), None).await
        }
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}

async fn published(state: &WebState, user: &PageUser, id: Uuid) -> Result<bool, PageError> {
    Ok(vote_service::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(user))?
        .status
        == VoteStatus::Published)
}

#[derive(Template)]
#[template(path = "announcement.html")]
struct AnnouncementPage {
    c: Chrome,
    r: Results,
    lines: Vec<ResultLine>,
    number: String,
    date: String,
    session_name: String,
}

/// `GET /admin/votes/{id}/announcement`: the print-ready 公告 of a published vote.
pub async fn announcement(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    let r = vote_service::results(&state.db, Some(&user.actor), id)
        .await
        .map_err(fail(&user))?;
    if r.view.status != VoteStatus::Published {
        return Err(PageError::from_domain(
            Error::conflict("results_not_published", "publish first"),
            user.prefs,
        ));
    }
    let s = sessions::get(&state.db, &user.actor, r.view.vote.session_id)
        .await
        .map_err(fail(&user))?;
    let published = r.view.vote.published_at.unwrap_or_default();
    let date = minsheng_domain::clock::china_date(published);
    // Numbered within the session in order of publication, as a congress numbers its notices.
    let number = vote_service::list_for_session(&state.db, &user.actor, s.session.id)
        .await
        .map_err(fail(&user))?
        .iter()
        .filter(|v| v.vote.published_at.is_some_and(|p| p <= published))
        .count();
    Ok(html(&AnnouncementPage {
        c: Chrome::for_user(&user, &format!("/admin/votes/{id}/announcement")),
        lines: result_lines(&r),
        number: format!("第{number}号"),
        date: date.format("%Y年%-m月%-d日").to_string(),
        session_name: s.session.name.clone(),
        r,
    }))
}
