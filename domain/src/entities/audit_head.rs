//! The head of the audit chain (the last event's place and hash) and of the change feed (the last
//! feed event's cursor). One row (`id` 1), locked by every append to either, so the two are ordered
//! together and never wait on each other in opposite orders.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub seq: i64,
    pub sha256: String,
    pub feed_seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
