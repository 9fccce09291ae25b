//! The change feed's events ([`crate::feed`]).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_events")]
pub struct Model {
    /// The cursor: 1, 2, 3, … in the order the changes committed, on every node.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    /// `vote.published`, `problem.raised`, … ([`crate::feed::EventType`]).
    pub event_type: String,
    pub object_kind: String,
    pub object_id: Uuid,
    /// The project the event is about, when there is one.
    pub project_id: Option<Uuid>,
    /// Readable without a token; the rest only by the office.
    pub public: bool,
    /// The event's fields, JSON.
    #[sea_orm(column_type = "Text")]
    pub data: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
