//! Livelihood projects (民生实事项目) and their candidate materials.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub category: String,
    pub department: String,
    pub budget_yuan: i64,
    pub year: i32,
    pub source: crate::vocabulary::Source,
    pub planned_completion: Option<Date>,
    pub status: crate::vocabulary::ProjectStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
