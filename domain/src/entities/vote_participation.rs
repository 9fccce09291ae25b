//! Who voted in a vote; the primary key makes it one ballot per deputy. Nothing here points at a ballot.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote_participation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vote_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deputy_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
