//! Inspections by supervision groups (视察, 调研, 听取汇报, 专题询问).

use sea_orm::entity::prelude::*;

use crate::vocabulary::InspectionKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub kind: InspectionKind,
    pub held_on: Date,
    pub location: String,
    #[sea_orm(column_type = "Text")]
    pub participants: String,
    #[sea_orm(column_type = "Text")]
    pub findings: String,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
