//! The deputy's pages, phone first: the start page with check-in (报到), the candidate materials
//! with the ballot, the review step (您的选票尚未投出), and the receipt.

use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use minsheng_domain::{
    Error,
    deputy_desk::{self, Desk},
    entities::projects,
    sessions,
    votes::{
        rules::{Choice, Method, RawBallot},
        service::{self as vote_service, VoteStatus, VoteView},
    },
};
use uuid::Uuid;

use super::{TokenOnly, casting, field};
use crate::{
    WebState,
    error::{PageError, PageResult},
    render::{Chrome, html, wan_yuan},
    session::PageUser,
};

#[derive(Template)]
#[template(path = "deputy_home.html")]
struct HomePage {
    c: Chrome,
    desk: Option<Desk>,
}

impl HomePage {
    fn status_word(&self, s: &VoteStatus) -> &'static str {
        status_word(&self.c, *s)
    }
}

fn status_word(c: &Chrome, s: VoteStatus) -> &'static str {
    match s {
        VoteStatus::Draft => c.t.status_draft,
        VoteStatus::Open => c.t.status_open,
        VoteStatus::Closed => c.t.status_closed,
        VoteStatus::Published => c.t.status_published,
    }
}

/// `GET /d`.
pub async fn home(State(state): State<WebState>, user: PageUser) -> PageResult {
    let desk = deputy_desk::desk(&state.db, &user.actor)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    Ok(html(&HomePage {
        c: Chrome::for_user(&user, "/d"),
        desk,
    }))
}

/// `POST /d/sessions/{id}/check-in`.
pub async fn check_in(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(f): Form<TokenOnly>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    sessions::check_in(&state.db, &user.actor, id)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    Ok(Redirect::to("/d").into_response())
}

/// A deputy's marks as the form carries them, kept across the review step and any refusal.
#[derive(Debug, Clone, Default)]
struct Marks {
    selections: Vec<Uuid>,
    choices: Vec<(Uuid, Choice)>,
    /// A value that is not a candidate id or a choice: the ballot is refused as invalid.
    malformed: bool,
}

impl Marks {
    fn from_form(pairs: &[(String, String)]) -> Marks {
        let mut m = Marks::default();
        for (k, v) in pairs {
            if k == "selections" {
                match v.parse() {
                    Ok(id) => m.selections.push(id),
                    Err(_) => m.malformed = true,
                }
            } else if let Some(id) = k.strip_prefix("choices[").and_then(|r| r.strip_suffix(']')) {
                let choice = match v.as_str() {
                    "yes" => Choice::Yes,
                    "no" => Choice::No,
                    "abstain" => Choice::Abstain,
                    _ => {
                        m.malformed = true;
                        continue;
                    }
                };
                match id.parse() {
                    Ok(id) => m.choices.push((id, choice)),
                    Err(_) => m.malformed = true,
                }
            }
        }
        m
    }

    fn raw(&self, method: Method) -> RawBallot {
        match method {
            Method::ChooseUpToN => RawBallot::Selections(self.selections.clone()),
            Method::YesNoAbstain => RawBallot::Choices(self.choices.clone()),
        }
    }

    fn choice_of(&self, id: Uuid) -> Option<Choice> {
        self.choices.iter().find(|(c, _)| *c == id).map(|(_, v)| *v)
    }
}

/// One candidate as the ballot and the review list show it.
struct CandidateRow {
    id: String,
    title: String,
    summary: String,
    department: String,
    budget: String,
    planned: String,
    checked: bool,
    /// `yes`, `no`, `abstain` or empty.
    choice: &'static str,
    /// The word for the choice, on the review step.
    choice_word: &'static str,
}

fn choice_str(c: Option<Choice>) -> &'static str {
    match c {
        Some(Choice::Yes) => "yes",
        Some(Choice::No) => "no",
        Some(Choice::Abstain) => "abstain",
        None => "",
    }
}

fn rows(c: &Chrome, candidates: &[projects::Model], marks: &Marks) -> Vec<CandidateRow> {
    candidates
        .iter()
        .map(|p| {
            let choice = marks.choice_of(p.id);
            CandidateRow {
                id: p.id.to_string(),
                title: p.title.clone(),
                summary: p.summary.clone(),
                department: p.department.clone(),
                budget: wan_yuan(p.budget_yuan),
                planned: p
                    .planned_completion
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                checked: marks.selections.contains(&p.id),
                choice: choice_str(choice),
                choice_word: match choice {
                    Some(Choice::Yes) => c.t.yes,
                    Some(Choice::No) => c.t.no,
                    Some(Choice::Abstain) | None => c.t.abstain,
                },
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "ballot.html")]
struct BallotPage {
    c: Chrome,
    vote_id: String,
    title: String,
    seats: u32,
    choose: bool,
    candidates: Vec<CandidateRow>,
    marked: usize,
    /// Why the ballot cannot be filled in now (not checked in, closed), instead of the form.
    blocked: Option<&'static str>,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    c: Chrome,
    vote_id: String,
    title: String,
    choose: bool,
    candidates: Vec<CandidateRow>,
    marked: usize,
}

fn marked_count(view: &VoteView, marks: &Marks) -> usize {
    match view.method {
        Method::ChooseUpToN => marks.selections.len(),
        Method::YesNoAbstain => marks
            .choices
            .iter()
            .filter(|(_, c)| *c == Choice::Yes)
            .count(),
    }
}

async fn load(state: &WebState, user: &PageUser, id: Uuid) -> Result<VoteView, PageError> {
    vote_service::get(&state.db, Some(&user.actor), id)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))
}

fn voted_page(user: &PageUser, view: &VoteView, receipt: Option<String>) -> Response {
    casting::voted_page(user, view.vote.title.clone(), receipt)
}

/// The ballot form, or why it cannot be filled in. A deputy who has voted sees 已投票.
async fn ballot_page(
    state: &WebState,
    user: &PageUser,
    view: VoteView,
    marks: &Marks,
    error: Option<&'static str>,
) -> PageResult {
    let (voted, _receipt) = vote_service::my_ballot(&state.db, &user.actor, view.vote.id)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    if voted {
        // The receipt is shown once, when cast; coming back shows only that the ballot counted.
        return Ok(voted_page(user, &view, None));
    }
    let blocked = casting::blocked(state, user, view.status, view.vote.session_id).await?;
    let c = Chrome::for_user(user, &format!("/d/votes/{}", view.vote.id));
    let mut resp = html(&BallotPage {
        vote_id: view.vote.id.to_string(),
        title: view.vote.title.clone(),
        seats: view.vote.seats as u32,
        choose: view.method == Method::ChooseUpToN,
        candidates: rows(&c, &view.candidates, marks),
        marked: marked_count(&view, marks),
        blocked,
        error,
        c,
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /d/votes/{id}`: the materials and the ballot.
pub async fn ballot(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    let view = load(&state, &user, id).await?;
    ballot_page(&state, &user, view, &Marks::default(), None).await
}

/// `POST /d/votes/{id}`: `action=review` checks the marks and shows the review step;
/// `action=edit` (返回修改) shows the ballot again with the marks kept. Nothing is cast here.
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
        return ballot_page(&state, &user, view, &marks, None).await;
    }
    let candidate_ids: Vec<Uuid> = view.candidates.iter().map(|p| p.id).collect();
    // The same check the cast will make, so a ballot that would be refused never reaches review.
    if marks.malformed {
        return ballot_page(&state, &user, view, &marks, Some(t.invalid_ballot)).await;
    }
    if let Err(Error::Invalid { code, .. }) = minsheng_domain::votes::rules::Ballot::parse(
        view.method,
        view.vote.seats as u32,
        &candidate_ids,
        marks.raw(view.method),
    ) {
        return ballot_page(&state, &user, view, &marks, Some(t.for_code(code))).await;
    }
    let c = Chrome::for_user(&user, &format!("/d/votes/{id}"));
    Ok(html(&ReviewPage {
        vote_id: id.to_string(),
        title: view.vote.title.clone(),
        choose: view.method == Method::ChooseUpToN,
        candidates: rows(&c, &view.candidates, &marks),
        marked: marked_count(&view, &marks),
        c,
    }))
}

/// `POST /d/votes/{id}/cast` (确认投票): casts once. A second press or a retry after a dropped
/// connection shows 已投票, never an error page; any other refusal shows the ballot again with the
/// marks kept and the reason in a sentence.
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
        return ballot_page(&state, &user, view, &marks, Some(t.invalid_ballot)).await;
    }
    match vote_service::cast(&state.db, &user.actor, id, marks.raw(view.method)).await {
        Ok(receipt) => {
            tracing::info!(vote.id = %id, "ballot cast from a page");
            Ok(voted_page(&user, &view, Some(receipt)))
        }
        Err(Error::Conflict {
            code: "already_voted",
            ..
        }) => Ok(voted_page(&user, &view, None)),
        Err(
            Error::Conflict { code, .. }
            | Error::Invalid { code, .. }
            | Error::Forbidden { code, .. },
        ) => ballot_page(&state, &user, view, &marks, Some(t.for_code(code))).await,
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}
