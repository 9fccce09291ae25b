//! Published results and bulletins, kept as the bytes sent. After publication a vote's answers
//! are final except for the candidates' materials, so each kept answer carries the vote's
//! [`published_version`] and is sent again only while that is unchanged — checked on every
//! request (two small queries instead of reading and counting every ballot), so every node answers
//! what the database holds, right after any change.
//!
//! [`published_version`]: minsheng_domain::votes::service::published_version

use std::{collections::HashMap, future::Future, sync::Mutex};

use axum::{
    body::Bytes,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use minsheng_domain::votes::service::published_version;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::error::ApiResult;

/// Which public answer of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    Results,
    Bulletin,
}

/// The most answers kept; past it the store starts again (a congress publishes a few votes a year).
const MAX_KEPT: usize = 256;

#[derive(Default)]
pub struct PublishedAnswers {
    kept: Mutex<HashMap<(Answer, Uuid), (String, Bytes)>>,
}

impl PublishedAnswers {
    /// The answer for vote `id`: the kept bytes while the vote's published version is unchanged,
    /// else `make`'s, kept when the vote is published (a named vote's bulletin, which carries
    /// deputies' names, never is).
    pub async fn answer<F, Fut>(
        &self,
        db: &DatabaseConnection,
        answer: Answer,
        id: Uuid,
        make: F,
    ) -> ApiResult<Response>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ApiResult<Vec<u8>>>,
    {
        let version = published_version(db, id)
            .await?
            .filter(|v| answer == Answer::Results || v.ends_with('s'));
        if let Some(v) = &version
            && let Some((kept_version, body)) =
                self.kept.lock().expect("kept answers").get(&(answer, id))
            && kept_version == v
        {
            return Ok(json(body.clone()));
        }
        let body = Bytes::from(make().await?);
        if let Some(v) = version {
            let mut kept = self.kept.lock().expect("kept answers");
            if kept.len() >= MAX_KEPT {
                kept.clear();
            }
            kept.insert((answer, id), (v, body.clone()));
        }
        Ok(json(body))
    }
}

fn json(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
