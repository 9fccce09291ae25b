//! The candidates of a vote, in ballot order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote_candidates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vote_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: Uuid,
    pub position: i32,
    /// The candidate's materials as published (set when the vote is published; `None` before).
    pub title: Option<String>,
    pub category: Option<String>,
    pub department: Option<String>,
    pub budget_yuan: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::votes::Entity",
        from = "Column::VoteId",
        to = "super::votes::Column::Id"
    )]
    Vote,
}

impl Related<super::votes::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vote.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
