//! Webhooks: the office registers endpoints (a URL, the event types wanted, a secret shown once) and
//! every public feed event of those types is delivered to each by HTTP POST, signed as the
//! Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`:
//! `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key).
//!
//! A delivery is queued in the transaction that makes the change ([`enqueue`], called by
//! [`crate::feed::emit`]), so it survives a restart and never slows the request that caused it;
//! each node's sender ([`claim_due`], [`finish_attempt`]) takes due deliveries under a lease, so
//! two nodes never send the same attempt. A failed attempt is retried on the schedule the caller
//! gives (by default for a little over a day); when a delivery has used every attempt, its endpoint
//! is disabled with the reason, and the office sees it on its webhooks page and in the audit log.

use base64::{Engine, engine::general_purpose::STANDARD as B64};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::Expr,
};
use serde_json::{Value, json};
use sha2::Sha256;
use uuid::Uuid;

use crate::{
    Actor, db,
    entities::{feed_events, webhook_attempts, webhook_deliveries, webhook_endpoints},
    error::{Error, ErrorCode, Result},
    text::parse_text,
    vocabulary::EventType,
};

/// Delivery states.
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// The waits between attempts the Standard Webhooks specification suggests: 5 s, 5 min, 30 min,
/// 2 h, 5 h, 10 h, 10 h (eight attempts over about 27 hours).
pub const DEFAULT_SCHEDULE_SECS: [u64; 7] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/// What the office sends to register an endpoint.
pub struct NewEndpoint {
    pub url: String,
    /// Empty: every public type.
    pub event_types: Vec<EventType>,
    pub description: String,
}

/// Checks a receiver's URL: `http` or `https`, a host, at most 2,000 characters (`invalid_url`).
pub fn parse_url(raw: &str) -> Result<String> {
    let url = raw.trim();
    let bad = |why: &str| {
        Error::invalid_field(
            ErrorCode::InvalidUrl,
            "url",
            format!(
                "{why}: the address of the receiver, such as https://data.example.gov.cn/minsheng/hook"
            ),
        )
    };
    if url.chars().count() > 2000 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("the URL has at most 2000 characters and no spaces"));
    }
    let lower = url.to_ascii_lowercase();
    let scheme_len = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return Err(bad("the URL starts with https:// or http://"));
    };
    let rest = &url[scheme_len..];
    // What a URI may hold as written (RFC 3986): no quotes, angle brackets, braces or non-ASCII
    // (a Chinese domain name is written in its xn-- form).
    if rest
        .chars()
        .any(|c| !c.is_ascii_graphic() || "\"<>\\^`{|}".contains(c))
    {
        return Err(bad(
            "the URL holds characters a web address cannot (write a Chinese domain name in its xn-- form)",
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.starts_with(':') || authority.contains('@') {
        return Err(bad("the URL names a host (and no user or password)"));
    }
    if let Some((_, port)) = authority.rsplit_once(':')
        && !authority.ends_with(']')
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(bad("the port is a number from 1 to 65535"));
    }
    Ok(format!("{}{}", &lower[..scheme_len], rest))
}

/// A new secret: `whsec_` and the base64 of 24 random bytes (the key).
fn new_secret() -> String {
    let mut key = [0u8; 24];
    rand::rng().fill_bytes(&mut key);
    format!("whsec_{}", B64.encode(key))
}

/// The `webhook-signature` header value for a message: `v1,` and the base64 of
/// HMAC-SHA256(key, `{msg_id}.{timestamp}.{body}`), the key being the secret's base64 part.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Result<String> {
    let key = B64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| Error::Internal("a webhook secret is not base64".into()))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", B64.encode(mac.finalize().into_bytes())))
}

/// The types as stored: each once, in the feed's order.
fn types_json(types: &[EventType]) -> String {
    let once: Vec<&str> = EventType::ALL
        .iter()
        .filter(|t| types.contains(t))
        .map(|t| t.as_str())
        .collect();
    json!(once).to_string()
}

/// The event types an endpoint wants, as stored.
pub fn types_of(e: &webhook_endpoints::Model) -> Vec<String> {
    serde_json::from_str(&e.event_types).unwrap_or_default()
}

fn check_types(types: &[EventType]) -> Result<()> {
    if let Some(t) = types.iter().find(|t| !t.is_public()) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidEventType,
            "event_types",
            format!("{t} is the office's own and is not sent to webhooks"),
        ));
    }
    Ok(())
}

/// Registers an endpoint. Roles: admin. Returns it with its secret, which is shown this once.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    e: NewEndpoint,
) -> Result<webhook_endpoints::Model> {
    actor.require_admin()?;
    let url = parse_url(&e.url)?;
    check_types(&e.event_types)?;
    let description = if e.description.trim().is_empty() {
        String::new()
    } else {
        parse_text("description", &e.description, 200)?
    };
    let txn = db::begin_write(db).await?;
    let created = webhook_endpoints::ActiveModel {
        id: Set(Uuid::new_v4()),
        url: Set(url),
        event_types: Set(types_json(&e.event_types)),
        secret: Set(new_secret()),
        description: Set(description),
        enabled: Set(true),
        disabled_reason: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("webhook.create", "webhook", created.id).with(json!({
            "url": created.url, "event_types": types_of(&created),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Every endpoint, oldest first. Roles: admin.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<webhook_endpoints::Model>> {
    actor.require_admin()?;
    Ok(webhook_endpoints::Entity::find()
        .order_by_asc(webhook_endpoints::Column::CreatedAt)
        .order_by_asc(webhook_endpoints::Column::Id)
        .all(db)
        .await?)
}

/// One endpoint. Roles: admin.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<webhook_endpoints::Model> {
    actor.require_admin()?;
    webhook_endpoints::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("webhook endpoint"))
}

/// What the office may change.
#[derive(Default)]
pub struct EndpointChange {
    pub url: Option<String>,
    pub event_types: Option<Vec<EventType>>,
    pub description: Option<String>,
    /// `true` enables it again (after the receiver is mended), clearing the reason it was
    /// disabled; `false` pauses it.
    pub enabled: Option<bool>,
}

/// Changes an endpoint. Roles: admin.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    c: EndpointChange,
) -> Result<webhook_endpoints::Model> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let current = db::find_locked::<webhook_endpoints::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("webhook endpoint"))?;
    let mut row: webhook_endpoints::ActiveModel = current.into();
    if let Some(u) = &c.url {
        row.url = Set(parse_url(u)?);
    }
    if let Some(t) = &c.event_types {
        check_types(t)?;
        row.event_types = Set(types_json(t));
    }
    if let Some(d) = &c.description {
        row.description = Set(if d.trim().is_empty() {
            String::new()
        } else {
            parse_text("description", d, 200)?
        });
    }
    if let Some(on) = c.enabled {
        row.enabled = Set(on);
        if on {
            row.disabled_reason = Set(None);
        }
    }
    let updated = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("webhook.update", "webhook", id).with(json!({
            "url": updated.url, "event_types": types_of(&updated), "enabled": updated.enabled,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Removes an endpoint and its deliveries. Roles: admin.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<()> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let gone = get(&txn, actor, id).await?;
    webhook_endpoints::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("webhook.delete", "webhook", id)
            .with(json!({"url": gone.url, "event_types": types_of(&gone)})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Queues a public feed event for every enabled endpoint that wants its type, inside the feed's
/// transaction.
pub async fn enqueue(txn: &DatabaseTransaction, seq: i64, t: EventType) -> Result<()> {
    let now = Utc::now();
    for e in webhook_endpoints::Entity::find()
        .filter(webhook_endpoints::Column::Enabled.eq(true))
        .all(txn)
        .await?
    {
        let wanted = types_of(&e);
        if !wanted.is_empty() && !wanted.iter().any(|w| w == t.as_str()) {
            continue;
        }
        webhook_deliveries::ActiveModel {
            id: Set(Uuid::new_v4()),
            endpoint_id: Set(e.id),
            event_seq: Set(seq),
            status: Set(PENDING.into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            locked_until: Set(None),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// A delivery taken by one node for one attempt: where, the body and the signature headers.
pub struct Claimed {
    pub delivery_id: Uuid,
    pub url: String,
    /// `webhook-id`: the same on every attempt of this delivery.
    pub msg_id: String,
    pub timestamp: i64,
    pub signature: String,
    /// `{"type": …, "timestamp": …, "data": {cursor, object, …}}`, JSON.
    pub body: Vec<u8>,
}

/// The message body of a feed event, as the Standard Webhooks specification shapes it.
pub fn payload(e: &feed_events::Model) -> Value {
    json!({
        "type": e.event_type,
        "timestamp": e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": {
            "cursor": e.seq,
            "object_kind": e.object_kind,
            "object_id": e.object_id,
            "project_id": e.project_id,
            "fields": serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null),
        },
    })
}

/// Not held by a node's lease (none, or one that has run out).
fn unlocked(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(webhook_deliveries::Column::LockedUntil.is_null())
        .add(webhook_deliveries::Column::LockedUntil.lt(now))
}

/// Takes up to `max` due deliveries of enabled endpoints for `lease` (another node leaves them
/// alone until then), oldest first.
pub async fn claim_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease: Duration,
    max: u64,
) -> Result<Vec<Claimed>> {
    let due = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::Status.eq(PENDING))
        .filter(webhook_deliveries::Column::NextAttemptAt.lte(now))
        .filter(unlocked(now))
        .order_by_asc(webhook_deliveries::Column::NextAttemptAt)
        .limit(max)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for d in due {
        let Some(endpoint) = webhook_endpoints::Entity::find_by_id(d.endpoint_id)
            .one(db)
            .await?
            .filter(|e| e.enabled)
        else {
            continue;
        };
        // Taken only if no other node took it meanwhile: the conditional update says.
        let taken = webhook_deliveries::Entity::update_many()
            .col_expr(
                webhook_deliveries::Column::LockedUntil,
                Expr::value(now + lease),
            )
            .filter(webhook_deliveries::Column::Id.eq(d.id))
            .filter(webhook_deliveries::Column::Status.eq(PENDING))
            .filter(unlocked(now))
            .exec(db)
            .await?;
        if taken.rows_affected != 1 {
            continue;
        }
        let Some(event) = feed_events::Entity::find_by_id(d.event_seq).one(db).await? else {
            continue;
        };
        let body = payload(&event).to_string().into_bytes();
        let msg_id = format!("msg_{}", d.id.simple());
        let timestamp = now.timestamp();
        out.push(Claimed {
            delivery_id: d.id,
            url: endpoint.url,
            signature: sign(&endpoint.secret, &msg_id, timestamp, &body)?,
            msg_id,
            timestamp,
            body,
        });
    }
    Ok(out)
}

/// How one attempt ended.
pub struct Outcome {
    /// The receiver's status code, when it answered.
    pub status_code: Option<u16>,
    /// Why it failed without an answer (refused, timed out), in words.
    pub error: Option<String>,
    pub duration_ms: u32,
}

impl Outcome {
    /// A 2xx answer delivers; anything else is a failure to retry.
    pub fn delivered(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Records an attempt and what follows: delivered; or the next attempt after `schedule[n - 1]`
/// for the n-th failure; or, with the schedule used up, the delivery failed and its endpoint
/// disabled, with the reason, in the audit log.
pub async fn finish_attempt(
    db: &DatabaseConnection,
    delivery_id: Uuid,
    outcome: &Outcome,
    schedule: &[std::time::Duration],
) -> Result<()> {
    let txn = db::begin_write(db).await?;
    let Some(d) = db::find_locked::<webhook_deliveries::Entity>(&txn, delivery_id).await? else {
        return Ok(());
    };
    let now = Utc::now();
    let error = outcome
        .error
        .as_deref()
        .map(|e| e.chars().take(500).collect::<String>());
    webhook_attempts::ActiveModel {
        id: Set(Uuid::new_v4()),
        delivery_id: Set(delivery_id),
        at: Set(now),
        status_code: Set(outcome.status_code.map(i32::from)),
        error: Set(error.clone()),
        duration_ms: Set(outcome.duration_ms.min(i32::MAX as u32) as i32),
    }
    .insert(&txn)
    .await?;
    let attempts = d.attempts + 1;
    let endpoint_id = d.endpoint_id;
    let mut row: webhook_deliveries::ActiveModel = d.into();
    row.attempts = Set(attempts);
    row.locked_until = Set(None);
    row.last_status_code = Set(outcome.status_code.map(i32::from));
    row.last_error = Set(error);
    row.updated_at = Set(now);
    let mut give_up = false;
    if outcome.delivered() {
        row.status = Set(DELIVERED.into());
    } else if let Some(wait) = schedule.get(attempts as usize - 1) {
        row.next_attempt_at =
            Set(now + Duration::from_std(*wait).unwrap_or_else(|_| Duration::days(1)));
    } else {
        row.status = Set(FAILED.into());
        give_up = true;
    }
    row.update(&txn).await?;
    if give_up
        && let Some(e) = webhook_endpoints::Entity::find_by_id(endpoint_id)
            .one(&txn)
            .await?
            .filter(|e| e.enabled)
    {
        let reason = format!(
            "disabled at {}: a delivery failed {attempts} times in a row (last: {})",
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            match (outcome.status_code, &outcome.error) {
                (Some(s), _) => format!("HTTP {s}"),
                (None, Some(err)) => err.clone(),
                (None, None) => "no answer".into(),
            }
        );
        let mut er: webhook_endpoints::ActiveModel = e.into();
        er.enabled = Set(false);
        er.disabled_reason = Set(Some(reason.clone()));
        er.update(&txn).await?;
        crate::audit::record(
            &txn,
            None,
            crate::audit::Event::new("webhook.disabled", "webhook", endpoint_id)
                .with(json!({ "reason": reason })),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An endpoint's latest deliveries, newest first, with their attempts, and how many it has in
/// all. Roles: admin.
#[allow(clippy::type_complexity)]
pub async fn deliveries(
    db: &DatabaseConnection,
    actor: &Actor,
    endpoint_id: Uuid,
    limit: u64,
) -> Result<(
    Vec<(webhook_deliveries::Model, Vec<webhook_attempts::Model>)>,
    u64,
)> {
    get(db, actor, endpoint_id).await?;
    let all = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.eq(endpoint_id));
    let total = all.clone().count(db).await?;
    let rows = all
        .order_by_desc(webhook_deliveries::Column::CreatedAt)
        .order_by_desc(webhook_deliveries::Column::EventSeq)
        .limit(limit.clamp(1, 500))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|d| d.id).collect();
    let attempts = webhook_attempts::Entity::find()
        .filter(webhook_attempts::Column::DeliveryId.is_in(ids))
        .order_by_asc(webhook_attempts::Column::At)
        .all(db)
        .await?;
    let rows = rows
        .into_iter()
        .map(|d| {
            let mine = attempts
                .iter()
                .filter(|a| a.delivery_id == d.id)
                .cloned()
                .collect();
            (d, mine)
        })
        .collect();
    Ok((rows, total))
}

/// Sends a delivery again (delivered, failed or still pending): due now, its attempts counted
/// afresh. Refused while its endpoint is disabled (`webhook_disabled`). Roles: admin.
pub async fn resend(
    db: &DatabaseConnection,
    actor: &Actor,
    endpoint_id: Uuid,
    delivery_id: Uuid,
) -> Result<webhook_deliveries::Model> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let endpoint = get(&txn, actor, endpoint_id).await?;
    let d = db::find_locked::<webhook_deliveries::Entity>(&txn, delivery_id)
        .await?
        .filter(|d| d.endpoint_id == endpoint_id)
        .ok_or_else(|| Error::not_found("delivery"))?;
    if !endpoint.enabled {
        return Err(Error::conflict(
            ErrorCode::WebhookDisabled,
            "the endpoint is disabled; enable it first (after mending the receiver)",
        ));
    }
    let mut row: webhook_deliveries::ActiveModel = d.into();
    row.status = Set(PENDING.into());
    row.attempts = Set(0);
    row.next_attempt_at = Set(Utc::now());
    row.locked_until = Set(None);
    row.updated_at = Set(Utc::now());
    let d = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("webhook.resend", "webhook", endpoint_id)
            .with(json!({ "delivery_id": delivery_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signature of the Standard Webhooks specification's own example.
    #[test]
    fn signs_as_the_specification_does() {
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn receiver_urls() {
        assert!(parse_url("https://data.example.gov.cn/hook").is_ok());
        assert!(parse_url("http://10.0.0.5:8080/x").is_ok());
        for bad in [
            "ftp://x/y",
            "https://",
            "https://u:p@host/",
            "https://a b/",
            "x",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}
