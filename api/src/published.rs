//! Published results and secret votes' bulletins, kept as the bytes sent. Once a vote is
//! published nothing in these answers can change — the ballots, the counts, the oversight record
//! and the status are final, and the candidates show the materials kept at publication — so a
//! kept answer is right on every node for ever, and is sent without a query. A named vote's
//! bulletin carries deputies' names, which the office may correct: it is never kept. The public
//! board is kept too, checked against its version on every request ([`KeptBoards`]).

use std::{collections::HashMap, future::Future, sync::Mutex};

use axum::{
    body::Bytes,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
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
    kept: Mutex<HashMap<(Answer, Uuid), Bytes>>,
}

impl PublishedAnswers {
    /// The answer for vote `id`: kept bytes if there are any, else `make`'s, which returns the
    /// body and whether it is final (the vote published, and for a bulletin secret).
    pub async fn answer<F, Fut>(&self, answer: Answer, id: Uuid, make: F) -> ApiResult<Response>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ApiResult<(Vec<u8>, bool)>>,
    {
        if let Some(body) = self.kept.lock().expect("kept answers").get(&(answer, id)) {
            return Ok(json(body.clone()));
        }
        let (body, is_final) = make().await?;
        let body = Bytes::from(body);
        if is_final {
            let mut kept = self.kept.lock().expect("kept answers");
            if kept.len() >= MAX_KEPT {
                kept.clear();
            }
            kept.insert((answer, id), body.clone());
        }
        Ok(json(body))
    }
}

/// Copies of the public board (its JSON), each for a year asked for, a day and a
/// [`board_version`]: a copy is sent while all three are the same, so every node answers what the
/// database holds, at the cost of one small query.
///
/// [`board_version`]: minsheng_domain::followup::board::board_version
#[derive(Default)]
pub struct KeptBoards {
    kept: Mutex<HashMap<Option<i32>, (BoardKey, Bytes)>>,
}

/// The year asked for (none: the latest), the day, and the board's version.
pub type BoardKey = (Option<i32>, chrono::NaiveDate, String);

impl KeptBoards {
    pub async fn answer<F, Fut>(&self, key: BoardKey, make: F) -> ApiResult<Response>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ApiResult<Vec<u8>>>,
    {
        if let Some((kept_key, body)) = self.kept.lock().expect("kept boards").get(&key.0)
            && *kept_key == key
        {
            return Ok(json(body.clone()));
        }
        let body = Bytes::from(make().await?);
        let mut kept = self.kept.lock().expect("kept boards");
        if kept.len() >= MAX_KEPT {
            kept.clear();
        }
        kept.insert(key.0, (key, body.clone()));
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
