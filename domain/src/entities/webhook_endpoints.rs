//! Where the office has asked for the public feed to be sent ([`crate::webhooks`]).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    /// The event types sent, JSON list; empty means every public type.
    #[sea_orm(column_type = "Text")]
    pub event_types: String,
    /// `whsec_` and the base64 of the HMAC key (Standard Webhooks).
    pub secret: String,
    pub description: String,
    pub enabled: bool,
    /// Why the service disabled it (every attempt failed for a day), for the office.
    pub disabled_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
