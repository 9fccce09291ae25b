//! What the office did to a deputy's account while a vote was open: which account, what, when.
//! Nothing here points at a ballot.

use sea_orm::entity::prelude::*;

use crate::vocabulary::OversightKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote_oversight_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vote_id: Uuid,
    pub account_id: Uuid,
    pub kind: OversightKind,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
