//! A handling unit's answer (答复), first or second round.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestion_answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub suggestion_id: Uuid,
    /// 1, or 2 after an unsatisfied result.
    pub round: i32,
    /// `A` 已解决或基本解决, `B` 正在解决或列入计划, `C` 因条件限制以后解决, `D` 留作参考.
    pub result_class: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// The responsible official who signed it.
    pub official: String,
    /// Promises with dates, JSON list of `{what, by}`.
    #[sea_orm(column_type = "Text")]
    pub promises: String,
    pub answered_on: Date,
    pub answered_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
