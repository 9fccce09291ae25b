//! What was voted: one row per ballot, keyed by its random receipt. `deputy_id` is set only for a named vote.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ballots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vote_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub receipt: String,
    pub deputy_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub content: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
