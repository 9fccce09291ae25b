//! Votes (票决): definition, status, and the counts frozen at opening and closing.

use sea_orm::entity::prelude::*;

use crate::vocabulary::{Method, ThresholdBase, VoteStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "votes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub title: String,
    pub method: Method,
    pub seats: i32,
    pub threshold_base: ThresholdBase,
    pub secret: bool,
    /// Publish a secret vote's full ballots with the receipts (set in draft only).
    pub publish_ballots: bool,
    pub status: VoteStatus,
    pub runoff_of: Option<Uuid>,
    pub roster_at_open: Option<i32>,
    pub present_at_open: Option<i32>,
    pub present_at_close: Option<i32>,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Publication commitments ([`crate::votes::commitments`]): set at opening…
    pub roster_sha256: Option<String>,
    pub candidates_sha256: Option<String>,
    /// …and at closing.
    pub receipts_sha256: Option<String>,
    pub ballots_sha256: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
