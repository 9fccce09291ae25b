//! The lead (领衔) and the co-signers (附议) of a suggestion, each confirming on their own account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestion_signers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub suggestion_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deputy_id: Uuid,
    pub lead: bool,
    /// When the deputy confirmed; the lead confirms by submitting.
    pub confirmed_at: Option<DateTimeUtc>,
    /// Agreed to withdraw it; a joint suggestion is withdrawn when every signer has.
    pub withdraw_agreed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
