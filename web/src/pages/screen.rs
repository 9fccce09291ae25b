//! The hall's big screen (`/screen/sessions/{id}?key=…`), on a projector without an account: the
//! display link's key is its only credential, and it shows counts and published results only.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
};
use minsheng_domain::display::{self, Snapshot};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    WebState,
    error::{PageError, PageResult},
    render::{Chrome, html},
    session::Prefs,
};

#[derive(Debug, Deserialize)]
pub struct KeyQuery {
    #[serde(default)]
    key: String,
}

#[derive(Template)]
#[template(path = "screen.html")]
struct ScreenPage {
    c: Chrome,
    s: Snapshot,
    events: String,
}

async fn check(state: &WebState, prefs: Prefs, id: Uuid, key: &str) -> Result<(), PageError> {
    display::check_link(&state.db, id, key)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))
}

/// `GET /screen/sessions/{id}?key=`.
pub async fn page(
    State(state): State<WebState>,
    prefs: Prefs,
    Path(id): Path<Uuid>,
    Query(q): Query<KeyQuery>,
) -> PageResult {
    check(&state, prefs, id, &q.key).await?;
    let s = display::snapshot(&state.db, id)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))?;
    Ok(html(&ScreenPage {
        c: Chrome::public(prefs, &format!("/screen/sessions/{id}?key={}", q.key)),
        s,
        events: format!("/screen/sessions/{id}/events?key={}", q.key),
    }))
}

/// `GET /screen/sessions/{id}/events?key=`: the snapshot as Server-Sent Events.
pub async fn events(
    State(state): State<WebState>,
    prefs: Prefs,
    Path(id): Path<Uuid>,
    Query(q): Query<KeyQuery>,
) -> Result<Response, PageError> {
    check(&state, prefs, id, &q.key).await?;
    Ok(state.hub.events(id).into_response())
}
