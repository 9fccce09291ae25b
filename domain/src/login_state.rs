//! What logging in leaves in the database that account management must reset: the failed-login
//! counter of a username and the refresh tokens of an account. Both `auth` (which writes them) and
//! `accounts` (which resets them on a password reset or when an account is disabled) call here.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::{entities::refresh_tokens, error::Result};

/// Forgets the failed logins of a username from every address (an admin's password reset, the
/// office lifting a throttle, a local recovery).
pub async fn clear_failures(db: &impl ConnectionTrait, username: &str) -> Result<()> {
    crate::throttle::clear_account(db, username).await?;
    Ok(())
}

/// Revokes every live refresh token of an account: it must log in again everywhere.
pub async fn revoke_all_refresh_tokens(db: &impl ConnectionTrait, account_id: Uuid) -> Result<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::AccountId.eq(account_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
