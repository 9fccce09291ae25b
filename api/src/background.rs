//! What each node does besides answering requests: send due webhook deliveries
//! ([`minsheng_domain::webhooks`]) and announce status-colour changes on the change feed
//! ([`minsheng_domain::followup::announce`]). Both read and write the shared database only, so any
//! number of nodes may run them; neither holds up a request.

use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use minsheng_domain::{followup::colour::ColourRule, webhooks};
use sea_orm::DatabaseConnection;

/// How often and how hard the sender works (README: webhooks).
#[derive(Clone, Debug)]
pub struct WebhookPolicy {
    /// Waits between attempts of one delivery (`MINSHENG_WEBHOOK_RETRY_SECS`).
    pub schedule: Vec<Duration>,
    /// How often due deliveries are looked for.
    pub poll: Duration,
    /// How long a receiver has to answer.
    pub timeout: Duration,
}

impl Default for WebhookPolicy {
    fn default() -> Self {
        Self {
            schedule: webhooks::DEFAULT_SCHEDULE_SECS
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
            poll: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
        }
    }
}

type HttpsClient = Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<Bytes>,
>;

fn client() -> std::io::Result<HttpsClient> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(std::sync::Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// One attempt: POST the body with the Standard Webhooks headers, within the timeout.
async fn send(client: &HttpsClient, c: &webhooks::Claimed, timeout: Duration) -> webhooks::Outcome {
    let started = Instant::now();
    let request = hyper::Request::post(&c.url)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("minsheng/", env!("CARGO_PKG_VERSION")),
        )
        .header("webhook-id", &c.msg_id)
        .header("webhook-timestamp", c.timestamp.to_string())
        .header("webhook-signature", &c.signature)
        .body(Full::new(Bytes::from(c.body.clone())));
    let (status_code, error) = match request {
        Err(e) => (None, Some(format!("not a usable address: {e}"))),
        Ok(req) => match tokio::time::timeout(timeout, client.request(req)).await {
            Err(_) => (
                None,
                Some(format!("no answer within {} s", timeout.as_secs())),
            ),
            Ok(Err(e)) => (
                None,
                Some(format!("could not reach the receiver: {}", causes(&e))),
            ),
            // Only the status matters; the body is not read (a receiver could send without end).
            Ok(Ok(resp)) => (Some(resp.status().as_u16()), None),
        },
    };
    webhooks::Outcome {
        status_code,
        error,
        duration_ms: started.elapsed().as_millis().min(u32::MAX as u128) as u32,
    }
}

/// An error with its causes (`client error (Connect): tcp connect error: Connection refused`):
/// the outermost alone rarely says what the office has to mend.
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

/// Sends due deliveries for as long as the process runs.
pub fn spawn_webhook_sender(db: DatabaseConnection, policy: WebhookPolicy) {
    tokio::spawn(async move {
        let client = match client() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "webhooks: no client (the machine's trusted roots could not be read); nothing will be sent");
                return;
            }
        };
        let lease =
            chrono::Duration::from_std(policy.timeout * 3).unwrap_or(chrono::Duration::minutes(1));
        // Each delivery is sent in its own task, so a receiver that hangs holds up only itself;
        // at most this many at once per node.
        let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(32));
        loop {
            let free = in_flight.available_permits() as u64;
            if free > 0 {
                match webhooks::claim_due(&db, chrono::Utc::now(), lease, free).await {
                    Ok(claimed) => {
                        for c in claimed {
                            let Ok(permit) = in_flight.clone().acquire_owned().await else {
                                break;
                            };
                            let (db, client, policy) = (db.clone(), client.clone(), policy.clone());
                            tokio::spawn(async move {
                                let outcome = send(&client, &c, policy.timeout).await;
                                if let Err(e) = webhooks::finish_attempt(
                                    &db,
                                    c.delivery_id,
                                    &outcome,
                                    &policy.schedule,
                                )
                                .await
                                {
                                    tracing::warn!(error = %e, "webhooks: recording an attempt failed; it will be sent again");
                                }
                                drop(permit);
                            });
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "webhooks: looking for due deliveries failed")
                    }
                }
            }
            tokio::time::sleep(policy.poll).await;
        }
    });
}

/// Compares the board's colours with those announced, every `every`.
pub fn spawn_colour_watch(db: DatabaseConnection, rule: ColourRule, every: Duration) {
    tokio::spawn(async move {
        loop {
            let today = minsheng_domain::clock::today();
            match minsheng_domain::followup::announce::announce_changes(&db, &rule, today).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(changes = n, "status colours announced on the feed"),
                Err(e) => tracing::warn!(error = %e, "announcing status colours failed"),
            }
            tokio::time::sleep(every).await;
        }
    });
}
