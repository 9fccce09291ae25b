//! A citizen's opinion received at a station; `contact` is never shown outside the office and the station's deputies.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "station_opinions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub station_id: Uuid,
    pub reception_day_id: Option<Uuid>,
    /// What the citizen looks the answer up with.
    pub code: String,
    pub citizen_name: String,
    pub contact: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// `received`, `answered`, `passed_on`, `suggestion` or `project`.
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
    pub passed_to: Option<String>,
    pub suggestion_id: Option<Uuid>,
    /// The project proposal it became.
    pub project_id: Option<Uuid>,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
