//! What the vote's ballot and the rating ballot share on a deputy's phone: why a ballot cannot be
//! filled in now, and the page after casting (the receipt once, or 已投票 on coming back).

use askama::Template;
use axum::response::Response;
use minsheng_domain::{Error, sessions, votes::service::VoteStatus};
use uuid::Uuid;

use crate::{
    WebState,
    error::PageError,
    render::{Chrome, grouped, html},
    session::PageUser,
};

#[derive(Template)]
#[template(path = "voted.html")]
struct VotedPage {
    c: Chrome,
    title: String,
    /// Shown once, right after casting; `None` when the deputy comes back later.
    receipt: Option<String>,
    message: &'static str,
}

/// The page after casting (`receipt` given, shown once, in groups of four) or on coming back to a
/// ballot already cast (已投票, no receipt).
pub fn voted_page(user: &PageUser, title: String, receipt: Option<String>) -> Response {
    let c = Chrome::for_user(user, "/d");
    let message = if receipt.is_some() {
        c.t.receipt_intro
    } else {
        c.t.already_voted_body
    };
    html(&VotedPage {
        title,
        receipt: receipt.map(|r| grouped(&r)),
        message,
        c,
    })
}

/// Why the calling deputy cannot fill in this ballot now, as the sentence to show instead of the
/// form: the vote or round is not open, or the deputy is not on the roster or not checked in (the
/// domain decides; the page only words it).
pub async fn blocked(
    state: &WebState,
    user: &PageUser,
    status: VoteStatus,
    session_id: Uuid,
) -> Result<Option<&'static str>, PageError> {
    let t = user.prefs.lang.msg();
    if status != VoteStatus::Open {
        return Ok(Some(t.vote_not_open_body));
    }
    let deputy_id = user
        .actor
        .require_deputy()
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    match sessions::require_present(&state.db, session_id, deputy_id).await {
        Ok(()) => Ok(None),
        Err(Error::Forbidden { code, .. }) => Ok(Some(t.for_code(code))),
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}
