//! A handling unit's request about a suggestion assigned to it: send it back (退回重新交办) or
//! extend the answer's deadline (延期). The office approves or refuses.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestion_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub suggestion_id: Uuid,
    /// `return` or `extension`.
    pub kind: String,
    /// The department that asked.
    pub unit: String,
    pub reason: String,
    /// For an extension: the deadline asked for.
    pub until: Option<Date>,
    /// `pending`, `approved`, `refused` or `lapsed`.
    pub status: String,
    pub decision_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
