//! A subject rated besides projects: an official's report, a department's work report, the handling of suggestions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rating_subjects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `official_report`, `work_report` or `suggestion_handling`.
    pub kind: String,
    /// The official's name, or the report's title.
    pub name: String,
    /// The official's post (职务); empty for a report.
    pub post: String,
    pub unit: String,
    pub year: i32,
    /// The day of the oral report.
    pub oral_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub written_report: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub rectification: Option<String>,
    pub rectified_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
