//! Webhook endpoints for the office (`minsheng_domain::webhooks`): register a receiver, see what
//! was sent and how each attempt ended, send again, enable a disabled one after mending it.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use minsheng_domain::{
    entities::{webhook_attempts, webhook_deliveries, webhook_endpoints},
    feed::parse_types,
    webhooks::{self, EndpointChange, NewEndpoint},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::Auth,
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery},
    routes::Page,
    state::AppState,
};

/// A receiver of the public feed.
#[derive(Serialize, ToSchema)]
pub struct WebhookDto {
    pub id: Uuid,
    pub url: String,
    /// The event types sent; empty: every public type.
    pub event_types: Vec<String>,
    pub description: String,
    pub enabled: bool,
    /// Why the service disabled it (a delivery failed for a day); null while enabled.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<webhook_endpoints::Model> for WebhookDto {
    fn from(e: webhook_endpoints::Model) -> Self {
        Self {
            event_types: webhooks::types_of(&e),
            id: e.id,
            url: e.url,
            description: e.description,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            created_at: e.created_at,
        }
    }
}

/// A receiver just registered, with its secret.
#[derive(Serialize, ToSchema)]
pub struct WebhookCreatedDto {
    pub webhook: WebhookDto,
    /// `whsec_…`: shown this once. The receiver checks each delivery's `webhook-signature` with
    /// it (Standard Webhooks; README: webhooks).
    pub secret: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateWebhookRequest {
    /// `https://…` or `http://…`, at most 2000 characters.
    #[schema(
        min_length = 8,
        max_length = 2000,
        pattern = "^https?://[^\\s/?#@:][^\\s@]*$"
    )]
    pub url: String,
    /// The event types to send (public ones); empty or absent: all.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// What it is for (an open-data portal, a newspaper's page).
    #[serde(default)]
    #[schema(max_length = 200, pattern = "long-text")]
    pub description: String,
}

fn types(list: &[String]) -> ApiResult<Vec<minsheng_domain::vocabulary::EventType>> {
    if list.iter().any(|t| t.trim().is_empty()) {
        return Err(minsheng_domain::Error::invalid_field(
            minsheng_domain::error::ErrorCode::InvalidEventType,
            "event_types",
            "an event type is empty; leave the list empty for every public type",
        )
        .into());
    }
    Ok(parse_types("event_types", &list.join(","))?)
}

/// Register a receiver for the public change feed: every event of the types named is POSTed to
/// it, signed (Standard Webhooks), retried with backoff for about a day. The secret is in this
/// answer only. Roles: admin.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "integrations", security(("bearer" = [])), request_body = CreateWebhookRequest, responses(
    (status = 201, body = WebhookCreatedDto),
    (status = 422, description = "`invalid_url`, `invalid_event_type` (unknown, or the office's own), `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_webhook(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(r): ApiJson<CreateWebhookRequest>,
) -> ApiResult<Response> {
    let event_types = types(&r.event_types)?;
    let created = webhooks::create(
        &state.db,
        &actor,
        NewEndpoint {
            url: r.url,
            event_types,
            description: r.description,
        },
    )
    .await?;
    let secret = created.secret.clone();
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreatedDto {
            webhook: created.into(),
            secret,
        }),
    )
        .into_response())
}

/// Every receiver, oldest first, with whether it is enabled and why not. Roles: admin.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "integrations", security(("bearer" = [])), responses(
    (status = 200, body = Page<WebhookDto>),
))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Page<WebhookDto>>> {
    Ok(Json(Page::all(
        webhooks::list(&state.db, &actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )))
}

/// One receiver. Roles: admin.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "integrations", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = WebhookDto),
))]
pub async fn get_webhook(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<WebhookDto>> {
    Ok(Json(webhooks::get(&state.db, &actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateWebhookRequest {
    #[schema(
        min_length = 8,
        max_length = 2000,
        pattern = "^https?://[^\\s/?#@:][^\\s@]*$"
    )]
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    #[schema(max_length = 200, pattern = "long-text")]
    pub description: Option<String>,
    /// `true` enables it again after the receiver is mended (the reason it was disabled is
    /// cleared); `false` pauses it (nothing is queued for it meanwhile).
    pub enabled: Option<bool>,
}

/// Change a receiver: its address, its types, enable or pause it. Roles: admin.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "integrations", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = UpdateWebhookRequest, responses(
    (status = 200, body = WebhookDto),
    (status = 422, description = "`invalid_url`, `invalid_event_type`, `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn update_webhook(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<UpdateWebhookRequest>,
) -> ApiResult<Json<WebhookDto>> {
    let event_types = match &r.event_types {
        Some(t) => Some(types(t)?),
        None => None,
    };
    let updated = webhooks::update(
        &state.db,
        &actor,
        id,
        EndpointChange {
            url: r.url,
            event_types,
            description: r.description,
            enabled: r.enabled,
        },
    )
    .await?;
    Ok(Json(updated.into()))
}

/// Remove a receiver and what was queued for it. Roles: admin.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "integrations", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 204, description = "removed"),
))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    webhooks::delete(&state.db, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One attempt to send a delivery.
#[derive(Serialize, ToSchema)]
pub struct AttemptDto {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; null when it did not answer.
    pub status_code: Option<i32>,
    /// Why there was no answer (refused, timed out).
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl From<webhook_attempts::Model> for AttemptDto {
    fn from(a: webhook_attempts::Model) -> Self {
        Self {
            at: a.at,
            status_code: a.status_code,
            error: a.error,
            duration_ms: a.duration_ms,
        }
    }
}

/// One feed event to one receiver.
#[derive(Serialize, ToSchema)]
pub struct DeliveryDto {
    pub id: Uuid,
    /// The feed event's cursor.
    pub event_cursor: i64,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i32,
    /// When the next attempt is due (while pending).
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<AttemptDto>,
}

fn delivery_dto(
    d: webhook_deliveries::Model,
    attempts: Vec<webhook_attempts::Model>,
) -> DeliveryDto {
    DeliveryDto {
        id: d.id,
        event_cursor: d.event_seq,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.next_attempt_at,
        last_status_code: d.last_status_code,
        last_error: d.last_error,
        created_at: d.created_at,
        attempt_log: attempts.into_iter().map(Into::into).collect(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// The latest this many (1 to 500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// A receiver's latest deliveries, newest first, each with every attempt (time, status, error,
/// duration). Roles: admin.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "integrations", security(("bearer" = [])), params(("id" = Uuid, Path), DeliveryParams), responses(
    (status = 200, body = Page<DeliveryDto>),
))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(p): ApiQuery<DeliveryParams>,
) -> ApiResult<Json<Page<DeliveryDto>>> {
    let limit = p.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(crate::error::ApiError::new(
            StatusCode::BAD_REQUEST,
            minsheng_domain::error::ErrorCode::InvalidQuery,
            "limit in the query: 1 to 500",
        )
        .with_field("limit", "1 to 500"));
    }
    let (rows, total) = webhooks::deliveries(&state.db, &actor, id, limit).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(|(d, a)| delivery_dto(d, a)).collect(),
        total,
    }))
}

/// Send a delivery again now (delivered, failed or pending), its attempts counted afresh.
/// Roles: admin.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/resend", tag = "integrations", security(("bearer" = [])), params(("id" = Uuid, Path), ("delivery_id" = Uuid, Path)), responses(
    (status = 200, body = DeliveryDto),
    (status = 409, description = "`webhook_disabled`: enable the receiver first", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn resend_delivery(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((id, delivery_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<DeliveryDto>> {
    let d = webhooks::resend(&state.db, &actor, id, delivery_id).await?;
    Ok(Json(delivery_dto(d, Vec::new())))
}
