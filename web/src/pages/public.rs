//! What anyone may read without logging in, once a vote is published: the results with their legal
//! arithmetic, and the bulletin of every ballot by receipt, with a receipt finder that never sends
//! the receipt anywhere (and the browser's own find works with JavaScript off).

use askama::Template;
use axum::extract::{Path, State};
use minsheng_domain::votes::{
    rules::{Ballot, Choice},
    service::{self as vote_service, Results},
};
use uuid::Uuid;

use super::admin::{ResultLine, outcome_word, result_lines};
use crate::{
    WebState,
    error::{PageError, PageResult},
    render::{Chrome, grouped, html},
    session::Prefs,
};

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    c: Chrome,
    r: Results,
    lines: Vec<ResultLine>,
    outcome: &'static str,
}

/// `GET /votes/{id}/results`: public once published.
pub async fn results(
    State(state): State<WebState>,
    prefs: Prefs,
    Path(id): Path<Uuid>,
) -> PageResult {
    let r = vote_service::results(&state.db, None, id)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))?;
    Ok(html(&ResultsPage {
        c: Chrome::public(prefs, &format!("/votes/{id}/results")),
        lines: result_lines(&r),
        outcome: outcome_word(prefs.lang.msg(), &r.tally.outcome),
        r,
    }))
}

struct BulletinLine {
    receipt: String,
    /// The receipt as printed on the deputy's screen, in groups of four.
    receipt_grouped: String,
    /// For each candidate in ballot order: the mark (✔ / 赞成 / 反对 / 弃权 or empty).
    marks: Vec<&'static str>,
    deputy: Option<String>,
}

/// A candidate's totals, for the table above the receipts.
struct TotalLine {
    title: String,
    yes: u32,
    no: u32,
    abstain: u32,
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    c: Chrome,
    title: String,
    vote_id: String,
    /// The ballots are listed beside the receipts (a named vote, or a secret one set to publish
    /// them); otherwise receipts only, and the page says where the full ballots went.
    ballots_public: bool,
    /// A named (记名) vote: names and choices are public.
    named: bool,
    yes_no_abstain: bool,
    candidates: Vec<String>,
    totals: Vec<TotalLine>,
    lines: Vec<BulletinLine>,
}

/// `GET /votes/{id}/bulletin`: public once published.
pub async fn bulletin(
    State(state): State<WebState>,
    prefs: Prefs,
    Path(id): Path<Uuid>,
) -> PageResult {
    let b = vote_service::bulletin(&state.db, id)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))?;
    let t = prefs.lang.msg();
    // A secret ballot's marks beside its receipt would let a coercer check a deputy's vote
    // (DOMAIN.md): marks are shown only where the domain says the ballots are public.
    let view = &b.view;
    let lines = b
        .entries
        .into_iter()
        .map(|e| BulletinLine {
            receipt_grouped: grouped(&e.receipt),
            marks: match &e.ballot {
                None => Vec::new(),
                Some(ballot) => view
                    .candidates
                    .iter()
                    .map(|p| match ballot {
                        Ballot::Selections(s) => {
                            if s.contains(&p.id) {
                                "✔"
                            } else {
                                ""
                            }
                        }
                        Ballot::Choices(c) => match c.get(&p.id) {
                            Some(Choice::Yes) => t.yes,
                            Some(Choice::No) => t.no,
                            Some(Choice::Abstain) | None => t.abstain,
                        },
                    })
                    .collect(),
            },
            deputy: e.deputy.map(|d| format!("{} {}", d.deputy_code, d.name)),
            receipt: e.receipt,
        })
        .collect();
    let totals = b
        .tally
        .candidates
        .iter()
        .map(|c| TotalLine {
            title: view
                .candidates
                .iter()
                .find(|p| p.id == c.project_id)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            yes: c.yes,
            no: c.no,
            abstain: c.abstain,
        })
        .collect();
    Ok(html(&BulletinPage {
        c: Chrome::public(prefs, &format!("/votes/{id}/bulletin")),
        title: view.vote.title.clone(),
        vote_id: id.to_string(),
        ballots_public: b.ballots_public,
        named: !view.vote.secret,
        yes_no_abstain: view.method == minsheng_domain::votes::rules::Method::YesNoAbstain,
        candidates: if b.ballots_public {
            view.candidates.iter().map(|p| p.title.clone()).collect()
        } else {
            Vec::new()
        },
        totals,
        lines,
    }))
}
