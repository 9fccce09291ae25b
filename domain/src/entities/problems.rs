//! Problems (问题) raised on a project, with the department responsible and the rectification status.

use sea_orm::entity::prelude::*;

use crate::vocabulary::{ProblemStatus, Severity};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problems")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub severity: Severity,
    pub responsible_department: String,
    pub deadline: Date,
    pub status: ProblemStatus,
    pub raised_by: Uuid,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
