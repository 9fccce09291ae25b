//! The audit log's events, hash-chained ([`crate::audit`]).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// 1, 2, 3, … with no gap: the event's place in the chain.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// When, as RFC 3339 UTC with microseconds (stored as the text the hash covers).
    pub at: String,
    pub account_id: Option<Uuid>,
    pub role: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<String>,
    /// The changed fields, as JSON with sorted keys.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub prev_sha256: String,
    pub sha256: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
