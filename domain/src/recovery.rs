//! Recovering access on the machine that holds the database: when the one-time admin password
//! printed at first start was missed or an admin forgot theirs. It needs database access, which
//! only the operator of the service has, so it asks for no login.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::{
    Role, db,
    entities::accounts,
    error::{Error, Result},
    login_state::{clear_failures, revoke_all_refresh_tokens},
    passwords::{self, PasswordHasher},
};

/// What a reset did, for the operator's console.
#[derive(Debug)]
pub struct Reset {
    /// A one-time password (16 characters); it must be changed at the next login.
    pub password: String,
    /// The account stays disabled if it was: re-enable it from another admin's console.
    pub disabled: bool,
}

/// Gives the admin account `username` a new one-time password, ends its sessions and lifts its
/// login throttle. Refused for an unknown name (`not_found`) and for other roles
/// (`not_an_admin`: an admin resets those from the console).
pub async fn reset_admin_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    username: &str,
) -> Result<Reset> {
    let username = username.trim().to_lowercase();
    let account = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(&username))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(&format!("account {username:?}")))?;
    if Role::parse(&account.role) != Some(Role::Admin) {
        return Err(Error::forbidden(
            "not_an_admin",
            format!("{username} is not an admin; an admin resets it from the office console"),
        ));
    }
    let password = passwords::random_password();
    let disabled = account.disabled;
    let id = account.id;
    let mut row: accounts::ActiveModel = account.into();
    row.password_hash = Set(hasher.hash_one_time(&password).await?);
    row.must_change_password = Set(true);
    row.updated_at = Set(Utc::now());
    let txn = db::begin_write(db).await?;
    row.update(&txn).await?;
    revoke_all_refresh_tokens(&txn, id).await?;
    clear_failures(&txn, &username).await?;
    // No actor: the command runs on the database's machine, outside any account.
    crate::audit::record(
        &txn,
        None,
        crate::audit::Event::new("account.reset_admin_password", "account", id)
            .with(serde_json::json!({ "via": "minsheng reset-admin-password" })),
    )
    .await?;
    txn.commit().await?;
    Ok(Reset { password, disabled })
}
