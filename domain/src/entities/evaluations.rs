//! Satisfaction rating rounds (满意度测评).

use sea_orm::entity::prelude::*;

use crate::vocabulary::{ThresholdBase, VoteStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub title: String,
    pub threshold_base: ThresholdBase,
    pub status: VoteStatus,
    pub roster_at_open: Option<i32>,
    pub present_at_close: Option<i32>,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
