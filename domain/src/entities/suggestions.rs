//! A deputy's suggestion (代表建议) and where its handling stands ([`crate::suggestions`]).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// 1, 2, 3, … in the order they were created: the number the office cites (第 N 号).
    pub number: i64,
    /// `suggestion`, `criticism` or `opinion` (建议 / 批评 / 意见).
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// [`crate::suggestions::Status`].
    pub status: String,
    pub lead_deputy_id: Uuid,
    /// The day the office received it: when every signer had confirmed.
    pub submitted_on: Option<Date>,
    /// 交办 due: 7 working days after receipt.
    pub assign_by: Option<Date>,
    pub return_reason: Option<String>,
    /// 主办单位.
    pub lead_unit: Option<String>,
    /// 会办单位, JSON list.
    #[sea_orm(column_type = "Text")]
    pub co_units: String,
    /// A broad or hard matter: 6 months to answer instead of 3.
    pub broad: bool,
    pub assigned_on: Option<Date>,
    /// The answer's deadline, moved by an approved extension.
    pub answer_due: Option<Date>,
    pub extension_reason: Option<String>,
    /// After an unsatisfied result: the second answer's deadline (1 month).
    pub second_answer_due: Option<Date>,
    /// 重点督办.
    pub key_supervision: bool,
    /// The leading official who supervises it (督办领导), when it is 重点督办.
    pub supervisor: Option<String>,
    pub published: bool,
    /// The project proposal it became, if any.
    pub project_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
