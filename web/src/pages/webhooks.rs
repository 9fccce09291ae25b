//! The office's data-push page (`/admin/webhooks`, 数据推送): the receivers of the public change
//! feed, whether each is working, why one was stopped, what was sent and how each attempt ended;
//! register a receiver (its secret shown once), pause, enable again, remove, send again. The rules
//! are `minsheng_domain::webhooks`.

use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use chrono::{DateTime, FixedOffset, Utc};
use minsheng_domain::{
    feed::parse_types,
    vocabulary::EventType,
    webhooks::{self, EndpointChange, NewEndpoint},
};
use uuid::Uuid;

use super::office::require_admin;
use super::typed as field;
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::followup::FollowMsg,
    render::{Chrome, html},
    session::PageUser,
};

struct Attempt {
    at: String,
    outcome: String,
    ok: bool,
}

struct Delivery {
    id: String,
    /// Attempts since it was last queued or sent again.
    tries: i32,
    cursor: i64,
    status: &'static str,
    status_word: &'static str,
    attempts: Vec<Attempt>,
}

struct Endpoint {
    id: String,
    url: String,
    description: String,
    types: String,
    enabled: bool,
    disabled_reason: Option<String>,
    deliveries: Vec<Delivery>,
}

struct TypeChoice {
    word: &'static str,
    label: &'static str,
    checked: bool,
}

/// A public event type in words, for the form (the code is shown beside it for the technician).
fn label(lang: crate::i18n::Lang, t: EventType) -> &'static str {
    let (zh, en) = match t {
        EventType::VoteOpened => ("票决开始", "Vote opened"),
        EventType::VoteClosed => ("票决结束", "Vote closed"),
        EventType::VotePublished => ("票决结果公布", "Vote results published"),
        EventType::EvaluationOpened => ("满意度测评开始", "Rating opened"),
        EventType::EvaluationClosed => ("满意度测评结束", "Rating closed"),
        EventType::EvaluationPublished => ("测评结果公布", "Rating results published"),
        EventType::ProjectAdopted => ("项目入选", "Project adopted"),
        EventType::ProjectCompleted => ("项目完成", "Project completed"),
        EventType::ProjectColourChanged => ("项目推进状态变化", "Project status colour changed"),
        EventType::ProgressReported => ("进度报告", "Progress reported"),
        EventType::MilestoneReached => ("节点完成", "Milestone reached"),
        EventType::InspectionRecorded => ("视察记录", "Inspection recorded"),
        EventType::ProblemRaised => ("发现问题", "Problem raised"),
        EventType::ProblemRectified => ("问题整改", "Problem rectified"),
        EventType::ProblemReopened => ("问题退回整改", "Problem sent back"),
        EventType::ProblemClosed => ("问题销号", "Problem closed"),
        EventType::EscalationRecorded => ("询问、质询等监督措施", "Escalation recorded"),
        EventType::SuggestionPublished => ("代表建议答复公开", "Suggestion published"),
        EventType::SuggestionUnpublished => ("代表建议撤销公开", "Suggestion unpublished"),
        EventType::VoteDrafted
        | EventType::EvaluationDrafted
        | EventType::ProjectProposed
        | EventType::SuggestionReceived
        | EventType::SuggestionAssigned
        | EventType::SuggestionAnswered => ("（不推送）", "(not sent)"),
    };
    if lang == crate::i18n::Lang::En {
        en
    } else {
        zh
    }
}

#[derive(Template)]
#[template(path = "admin_webhooks.html")]
struct WebhooksPage {
    c: Chrome,
    f: &'static FollowMsg,
    endpoints: Vec<Endpoint>,
    types: Vec<TypeChoice>,
    /// The form as typed, kept after a refusal.
    url: String,
    description: String,
    error: Option<String>,
    /// A receiver just registered: its address and secret, shown this once.
    created: Option<(String, String)>,
}

/// An attempt's error as the office reads it: what happened in words, the technical detail after.
fn in_words(f: &FollowMsg, error: &str) -> String {
    if let Some(detail) = error.strip_prefix("could not reach the receiver: ") {
        let detail = detail.rsplit(": ").next().unwrap_or(detail);
        format!("{}（{detail}）", f.wh_unreachable)
    } else if error.starts_with("no answer within") {
        f.wh_timeout.to_owned()
    } else {
        error.to_owned()
    }
}

fn china_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .format("%m-%d %H:%M:%S")
        .to_string()
}

async fn page(
    state: &WebState,
    user: &PageUser,
    form: (String, String, Vec<String>),
    error: Option<String>,
    created: Option<(String, String)>,
) -> PageResult {
    let f = user.prefs.lang.follow();
    let fail = |e| PageError::from_domain(e, user.prefs);
    let mut endpoints = Vec::new();
    for e in webhooks::list(&state.db, &user.actor).await.map_err(fail)? {
        let deliveries: Vec<Delivery> = webhooks::deliveries(&state.db, &user.actor, e.id, 10)
            .await
            .map_err(fail)?
            .0
            .into_iter()
            .map(|(d, attempts)| Delivery {
                id: d.id.to_string(),
                tries: d.attempts,
                cursor: d.event_seq,
                status_word: match d.status.as_str() {
                    webhooks::DELIVERED => f.wh_delivered,
                    webhooks::FAILED => f.wh_failed,
                    _ => f.wh_pending,
                },
                status: match d.status.as_str() {
                    webhooks::DELIVERED => "ok",
                    webhooks::FAILED => "bad",
                    _ => "muted",
                },
                attempts: attempts
                    .into_iter()
                    .map(|a| Attempt {
                        at: china_time(a.at),
                        ok: a.status_code.is_some_and(|s| (200..300).contains(&s)),
                        outcome: match (a.status_code, a.error) {
                            (Some(s), _) => format!("HTTP {s} · {} ms", a.duration_ms),
                            (None, Some(err)) => in_words(f, &err),
                            (None, None) => "—".into(),
                        },
                    })
                    .collect(),
            })
            .collect();
        // Why it was stopped, in the visitor's language: the failed delivery's attempts say it.
        let stopped = e.disabled_reason.as_ref().map(|reason| {
            deliveries
                .iter()
                .find(|d| d.status == "bad")
                .and_then(|d| d.attempts.last().map(|a| (d.tries, a)))
                .map_or_else(
                    || reason.clone(),
                    |(n, last)| {
                        f.wh_stopped_because
                            .replace("{n}", &n.to_string())
                            .replace("{at}", &last.at)
                            .replace("{last}", &last.outcome)
                    },
                )
        });
        let types = webhooks::types_of(&e);
        endpoints.push(Endpoint {
            id: e.id.to_string(),
            types: if types.is_empty() {
                f.wh_all_types.to_owned()
            } else {
                types.join(", ")
            },
            url: e.url,
            description: e.description,
            enabled: e.enabled,
            disabled_reason: stopped,
            deliveries,
        });
    }
    let (url, description, chosen) = form;
    let types = EventType::ALL
        .iter()
        .filter(|t| t.is_public())
        .map(|t| TypeChoice {
            word: t.as_str(),
            label: label(user.prefs.lang, *t),
            checked: chosen.iter().any(|c| c == t.as_str()),
        })
        .collect();
    Ok(html(&WebhooksPage {
        c: Chrome::for_user(user, "/admin/webhooks"),
        f,
        endpoints,
        types,
        url,
        description,
        error,
        created,
    }))
}

/// `GET /admin/webhooks`.
pub async fn list(State(state): State<WebState>, user: PageUser) -> PageResult {
    require_admin(&user)?;
    page(&state, &user, Default::default(), None, None).await
}

/// `POST /admin/webhooks`: `url`, `description`, `types` (repeated; none: all public types).
pub async fn create(
    State(state): State<WebState>,
    user: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    require_admin(&user)?;
    user.check_form(field(&pairs, "csrf"))?;
    let f = user.prefs.lang.follow();
    let url = field(&pairs, "url").to_owned();
    let description = field(&pairs, "description").to_owned();
    let chosen: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "types")
        .map(|(_, v)| v.clone())
        .collect();
    let kept = (url.clone(), description.clone(), chosen.clone());
    let event_types = match parse_types("event_types", &chosen.join(",")) {
        Ok(t) => t,
        Err(_) => return page(&state, &user, kept, Some(f.wh_bad_types.into()), None).await,
    };
    match webhooks::create(
        &state.db,
        &user.actor,
        NewEndpoint {
            url,
            event_types,
            description,
        },
    )
    .await
    {
        Ok(e) => {
            page(
                &state,
                &user,
                Default::default(),
                None,
                Some((e.url, e.secret)),
            )
            .await
        }
        Err(minsheng_domain::Error::Invalid { code, .. }) => {
            let why = match code {
                "invalid_url" => f.wh_bad_url,
                "invalid_event_type" => f.wh_bad_types,
                _ => f.wh_bad_description,
            };
            page(&state, &user, kept, Some(why.into()), None).await
        }
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}

/// `POST /admin/webhooks/{id}/{action}`: `enable`, `pause` or `delete`.
pub async fn act(
    State(state): State<WebState>,
    user: PageUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    require_admin(&user)?;
    user.check_form(field(&pairs, "csrf"))?;
    let fail = |e| PageError::from_domain(e, user.prefs);
    match action.as_str() {
        "enable" | "pause" => {
            webhooks::update(
                &state.db,
                &user.actor,
                id,
                EndpointChange {
                    enabled: Some(action == "enable"),
                    ..Default::default()
                },
            )
            .await
            .map_err(fail)?;
        }
        "delete" => webhooks::delete(&state.db, &user.actor, id)
            .await
            .map_err(fail)?,
        _ => {
            return Err(PageError::new(
                StatusCode::NOT_FOUND,
                user.prefs.lang.msg().not_found,
                user.prefs,
            ));
        }
    }
    Ok(Redirect::to("/admin/webhooks").into_response())
}

/// `POST /admin/webhooks/{id}/deliveries/{delivery}/resend`.
pub async fn resend(
    State(state): State<WebState>,
    user: PageUser,
    Path((id, delivery)): Path<(Uuid, Uuid)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    require_admin(&user)?;
    user.check_form(field(&pairs, "csrf"))?;
    match webhooks::resend(&state.db, &user.actor, id, delivery).await {
        Ok(_) => Ok(Redirect::to("/admin/webhooks").into_response()),
        // Stopped meanwhile (a page left open): say what to do rather than fail.
        Err(minsheng_domain::Error::Conflict { .. }) => {
            let f = user.prefs.lang.follow();
            page(
                &state,
                &user,
                Default::default(),
                Some(f.wh_enable_first.into()),
                None,
            )
            .await
        }
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}
