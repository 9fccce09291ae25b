//! Escalations recorded on a project: 询问, 约见, 质询, 特定问题调查.

use sea_orm::entity::prelude::*;

use crate::vocabulary::EscalationKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "escalations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub kind: EscalationKind,
    pub held_on: Date,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
