//! The change feed (`minsheng_domain::feed`): every public change with a cursor, as a page
//! (`GET /api/v1/events?after=`) or as Server-Sent Events (`GET /api/v1/events/stream`). Public
//! without a token; the office reads its own events (drafts, proposals) too.

use std::{convert::Infallible, time::Duration};

use axum::{
    Json,
    extract::State,
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use minsheng_domain::{
    Actor,
    entities::feed_events,
    feed::{self, FeedQuery},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::MaybeAuth,
    error::{ApiError, ApiResult},
    extract::ApiQuery,
    state::AppState,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Events after this cursor; 0 (the default) from the first.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Only these types, comma-separated: `vote.published,problem.raised`. The types:
    /// vote.drafted, vote.opened, vote.closed, vote.published, evaluation.drafted,
    /// evaluation.opened, evaluation.closed, evaluation.published, project.proposed,
    /// project.adopted, project.completed, project.colour_changed, progress.reported,
    /// milestone.reached, inspection.recorded, problem.raised, problem.rectified, problem.reopened,
    /// problem.closed, escalation.recorded (the drafted and proposed ones for the office only).
    #[param(pattern = "event-types")]
    pub types: Option<String>,
    /// Only events about this project.
    pub project_id: Option<Uuid>,
    /// At most this many (1 to 500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

fn query(p: &FeedParams) -> ApiResult<FeedQuery> {
    let types = match p.types.as_deref() {
        Some(t) if t.trim().is_empty() => {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                minsheng_domain::error::ErrorCode::InvalidQuery,
                "types in the query: name at least one event type, or leave types out for all",
            )
            .with_field("types", "at least one event type"));
        }
        Some(t) => feed::parse_types("types", t).map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                minsheng_domain::error::ErrorCode::InvalidQuery,
                e.to_string(),
            )
        })?,
        None => Vec::new(),
    };
    let after = p.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            minsheng_domain::error::ErrorCode::InvalidQuery,
            "after is a cursor from an earlier answer, 0 or more",
        ));
    }
    let limit = p.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            minsheng_domain::error::ErrorCode::InvalidQuery,
            "limit is 1 to 500",
        ));
    }
    Ok(FeedQuery {
        after,
        types,
        project_id: p.project_id,
        limit,
    })
}

/// One change.
#[derive(Serialize, ToSchema)]
pub struct FeedEventDto {
    /// Its cursor: ask `after` this to read on from here.
    pub cursor: i64,
    pub at: DateTime<Utc>,
    /// `vote.published`, `problem.raised`, ….
    #[serde(rename = "type")]
    pub event_type: String,
    /// `vote`, `evaluation`, `project`, `progress_report`, `milestone`, `inspection`, `problem`,
    /// `escalation`.
    pub object_kind: String,
    pub object_id: Uuid,
    /// The project it is about, when there is one.
    pub project_id: Option<Uuid>,
    /// The type's own fields (a title, a status, a percent, `from` and `to` of a colour).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<feed_events::Model> for FeedEventDto {
    fn from(e: feed_events::Model) -> Self {
        Self {
            cursor: e.seq,
            at: e.at,
            event_type: e.event_type,
            object_kind: e.object_kind,
            object_id: e.object_id,
            project_id: e.project_id,
            data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A page of the feed, oldest first.
#[derive(Serialize, ToSchema)]
pub struct FeedPageDto {
    pub items: Vec<FeedEventDto>,
    /// Events after `after` that match, this page included.
    pub total: u64,
    /// Pass as `after` next time (the last cursor of this page, or `after` when it is empty).
    pub next_after: i64,
}

/// The change feed, oldest first from `after`: votes and rating rounds opened, closed, published;
/// projects adopted, reported on, completed, their status colour changed; milestones reached;
/// inspections, problems (raised, rectified, reopened, closed) and escalations. Cursors follow
/// the order the changes committed, on every node, so reading on from `next_after` misses
/// nothing. Roles: any; Public (the office also reads drafts and proposals).
#[utoipa::path(get, path = "/api/v1/events", tag = "integrations", security((), ("bearer" = [])), params(FeedParams), responses(
    (status = 200, body = FeedPageDto),
    (status = 400, description = "`invalid_query`: an unknown event type, a negative cursor, a limit out of 1 to 500", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list_events(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiQuery(p): ApiQuery<FeedParams>,
) -> ApiResult<Json<FeedPageDto>> {
    let q = query(&p)?;
    let page = feed::read(&state.db, actor.as_ref(), &q).await?;
    Ok(Json(FeedPageDto {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        next_after: page.next_after,
    }))
}

/// One Server-Sent Event of the stream, as its fields arrive.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct SseEvent {
    /// The event's cursor (`Last-Event-ID` on a reconnect).
    pub id: String,
    /// Its type: `vote.published`, `problem.raised`, ….
    pub event: String,
    /// The JSON of a `FeedEventDto`.
    pub data: String,
}

/// The cursor to start a stream from: `Last-Event-ID` (a reconnecting browser sends it), else
/// `after`.
fn resume_from(headers: &HeaderMap, after: i64) -> i64 {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .unwrap_or(after)
}

/// The change feed as Server-Sent Events: each event's `id` is its cursor, its `event` its type,
/// its `data` the JSON of a feed item. Starts after `after` (or `Last-Event-ID` on a reconnect),
/// then waits for new events, checking about once a second; a comment every 15 s keeps proxies
/// from closing an idle stream. Roles: any; Public (as `/api/v1/events`).
#[utoipa::path(get, path = "/api/v1/events/stream", tag = "integrations", security((), ("bearer" = [])), params(FeedParams), responses(
    (status = 200, description = "a stream of `text/event-stream` events, each an `SseEvent`", content_type = "text/event-stream", body = SseEvent),
    (status = 400, description = "`invalid_query`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn stream_events(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<FeedParams>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let mut q = query(&p)?;
    q.after = resume_from(&headers, q.after);
    // Kept to check again while the stream lasts: an office stream ends when its token expires,
    // its session is logged out or its account disabled, as any request would be refused then.
    let token = actor.as_ref().and(
        headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_owned())),
    );
    Ok(Sse::new(follow(state, actor, token, q))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Whether the token a stream was opened with would still be accepted.
async fn still_valid(state: &AppState, token: &str) -> bool {
    match state.jwt.verify(token) {
        Ok((account, session)) => {
            minsheng_domain::auth::authenticate_session(&state.db, account, session)
                .await
                .is_ok()
        }
        Err(_) => false,
    }
}

fn follow(
    state: AppState,
    actor: Option<Actor>,
    token: Option<String>,
    q: FeedQuery,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(
        (
            state,
            actor,
            token,
            q,
            std::collections::VecDeque::<feed_events::Model>::new(),
        ),
        |(state, actor, token, mut q, mut buffered)| async move {
            loop {
                if let Some(e) = buffered.pop_front() {
                    let event = Event::default()
                        .id(e.seq.to_string())
                        .event(e.event_type.clone())
                        .data(serde_json::to_string(&FeedEventDto::from(e)).unwrap_or_default());
                    return Some((Ok(event), (state, actor, token, q, buffered)));
                }
                // Checked before each read of the feed (about once a second when idle).
                if let Some(t) = &token
                    && !still_valid(&state, t).await
                {
                    return None;
                }
                match feed::read(&state.db, actor.as_ref(), &q).await {
                    Ok(page) if !page.items.is_empty() => {
                        // Checked again after the read: what was read is sent only if the
                        // token still holds now (a logout between the first check and the read
                        // must not let the office's events through).
                        if let Some(t) = &token
                            && !still_valid(&state, t).await
                        {
                            return None;
                        }
                        q.after = page.next_after;
                        buffered.extend(page.items);
                    }
                    Ok(_) => tokio::time::sleep(Duration::from_secs(1)).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "event stream: reading the feed failed");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    }
                }
            }
        },
    )
}
