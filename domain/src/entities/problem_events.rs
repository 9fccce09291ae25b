//! Every step on a problem, with who (account and role) and when.

use sea_orm::entity::prelude::*;

use crate::vocabulary::{ProblemEventKind, Role};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problem_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub problem_id: Uuid,
    pub kind: ProblemEventKind,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub actor_id: Uuid,
    pub actor_role: Role,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
