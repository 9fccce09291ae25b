//! Live counts for screens and the office console. One task per node reads each watched session's
//! snapshot from the database about once a second and hands it to every listener of that session,
//! so 3,000 open screens cost one read a second, not 3,000. It reads the shared database, so it
//! works the same with several nodes on one PostgreSQL.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex, Once},
    time::Duration,
};

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use minsheng_domain::display;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use uuid::Uuid;

type Feed = watch::Sender<Option<Arc<String>>>;

pub struct Hub {
    db: DatabaseConnection,
    feeds: Mutex<HashMap<Uuid, Feed>>,
    started: Once,
}

impl Hub {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            feeds: Mutex::new(HashMap::new()),
            started: Once::new(),
        }
    }

    /// A receiver of the session's snapshots as JSON; the first arrives within about a second.
    fn subscribe(self: &Arc<Self>, session_id: Uuid) -> watch::Receiver<Option<Arc<String>>> {
        let hub = self.clone();
        self.started.call_once(move || {
            tokio::spawn(async move { hub.run().await });
        });
        let mut feeds = self.feeds.lock().expect("feeds lock");
        feeds
            .entry(session_id)
            .or_insert_with(|| watch::channel(None).0)
            .subscribe()
    }

    async fn run(self: Arc<Self>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let watched: Vec<(Uuid, Feed)> = {
                let mut feeds = self.feeds.lock().expect("feeds lock");
                feeds.retain(|_, tx| tx.receiver_count() > 0);
                feeds.iter().map(|(k, v)| (*k, v.clone())).collect()
            };
            for (session_id, tx) in watched {
                match display::snapshot(&self.db, session_id).await {
                    Ok(snap) => {
                        let json = serde_json::to_string(&snap).expect("a snapshot serializes");
                        tx.send_if_modified(|cur| {
                            if cur.as_deref() == Some(&json) {
                                false
                            } else {
                                *cur = Some(Arc::new(json));
                                true
                            }
                        });
                    }
                    Err(e) => {
                        tracing::warn!(session.id = %session_id, error = %e, "live snapshot failed")
                    }
                }
            }
        }
    }

    /// The session's snapshots as Server-Sent Events (`event: snapshot`, data: the JSON).
    pub fn events(
        self: &Arc<Self>,
        session_id: Uuid,
    ) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let mut rx = self.subscribe(session_id);
        // A screen that reconnects gets the current snapshot at once, not at the next change.
        rx.mark_changed();
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            loop {
                rx.changed().await.ok()?;
                let current = rx.borrow_and_update().clone();
                if let Some(json) = current {
                    let event = Event::default().event("snapshot").data(json.as_str());
                    return Some((Ok(event), rx));
                }
            }
        });
        Sse::new(stream).keep_alive(KeepAlive::default())
    }
}
