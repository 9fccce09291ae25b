//! Logging in and staying logged in: credential checks with a per-account throttle, refresh tokens
//! that rotate on every use (reuse revokes the whole family), logout, password change, and loading
//! the caller of each request.
//!
//! Access tokens (JWT) are minted by the API layer; everything that has state lives here, in the
//! database, so any number of nodes can serve the same users.

use crate::error::ErrorCode;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

pub use crate::login_state::{clear_failures, revoke_all_refresh_tokens};

use crate::{
    Actor, Role,
    accounts::{AccountView, get_account},
    db,
    entities::{accounts, deputies, login_throttle, refresh_tokens},
    error::{Error, Result},
    passwords::{self, PasswordHasher},
    tokens,
};

/// How many failed logins an account tolerates in one window before it answers 429.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: i32,
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            max_failures: 10,
            window: Duration::minutes(15),
        }
    }
}

/// What a successful login or refresh yields; the API adds the access token.
pub struct Session {
    pub account: AccountView,
    pub refresh_token: String,
    /// The refresh-token family: one login, carried in the access token as `sid` so that ending
    /// the session (logout, password change, reuse detected) ends its access tokens too.
    pub session_id: Uuid,
}

fn invalid_credentials() -> Error {
    Error::unauthenticated(
        ErrorCode::InvalidCredentials,
        "unknown username or wrong password",
    )
}

fn invalid_refresh() -> Error {
    Error::unauthenticated(
        ErrorCode::InvalidRefreshToken,
        "the refresh token is not valid; log in again",
    )
}

/// Seconds until the throttle window of this account passes, if it is locked now.
pub fn throttle_wait(
    policy: ThrottlePolicy,
    failures: i32,
    window_start: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<u64> {
    let start = window_start?;
    let end = start + policy.window;
    if failures >= policy.max_failures && now < end {
        Some(Ord::max(
            ((end - now).num_milliseconds() as u64).div_ceil(1000),
            1,
        ))
    } else {
        None
    }
}

pub async fn login(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    policy: ThrottlePolicy,
    refresh_ttl: Duration,
    username: &str,
    password: &str,
) -> Result<Session> {
    let username = username.trim().to_lowercase();
    let key = tokens::digest(&username);
    let now = Utc::now();
    // Known and unknown names are throttled alike, so a 429 tells nothing about who exists.
    let throttle = login_throttle::Entity::find_by_id(key.clone())
        .one(db)
        .await?;
    if let Some(t) = &throttle
        && let Some(retry_after_secs) = throttle_wait(policy, t.failures, Some(t.window_start), now)
    {
        return Err(Error::TooManyAttempts { retry_after_secs });
    }
    let found = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(&username))
        .one(db)
        .await?;
    // An unknown name or an over-long password still costs one verification, so every failure
    // takes as long as a wrong password.
    let verified = match &found {
        Some(account) if password.len() <= passwords::MAX_PASSWORD_BYTES => {
            hasher.verify(password, &account.password_hash).await?
        }
        _ => {
            hasher.verify_dummy(password).await?;
            false
        }
    };
    let Some(account) = found.filter(|_| verified) else {
        record_failure(db, policy, &key, now).await?;
        return Err(invalid_credentials());
    };
    if account.disabled {
        return Err(Error::forbidden(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        ));
    }
    // Only a name with failures on record costs a delete: a login burst writes nothing extra.
    if throttle.is_some() {
        clear_failures(db, &username).await?;
    }
    let session_id = Uuid::new_v4();
    let refresh_token = issue_refresh_token(db, account.id, session_id, refresh_ttl).await?;
    let deputy = deputies::Entity::find()
        .filter(deputies::Column::AccountId.eq(account.id))
        .one(db)
        .await?;
    Ok(Session {
        account: AccountView::new(account, deputy),
        refresh_token,
        session_id,
    })
}

/// Counts a failure for a username digest. Expired windows are dropped first, which keeps the
/// table as small as the names tried in one window; the count itself is one statement, so
/// concurrent failures are all counted.
async fn record_failure(
    db: &DatabaseConnection,
    policy: ThrottlePolicy,
    key: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStart.lte(now - policy.window))
        .exec(db)
        .await?;
    for _ in 0..2 {
        let bumped = login_throttle::Entity::update_many()
            .col_expr(
                login_throttle::Column::Failures,
                Expr::col(login_throttle::Column::Failures).add(1),
            )
            .filter(login_throttle::Column::UsernameDigest.eq(key))
            .exec(db)
            .await?;
        if bumped.rows_affected > 0 {
            return Ok(());
        }
        let first = login_throttle::ActiveModel {
            username_digest: Set(key.to_owned()),
            failures: Set(1),
            window_start: Set(now),
        };
        match login_throttle::Entity::insert(first)
            .exec_without_returning(db)
            .await
        {
            Ok(_) => return Ok(()),
            // Another failure for the same name inserted first: count this one on top of it.
            Err(e) if db::is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

async fn issue_refresh_token(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    family_id: Uuid,
    ttl: Duration,
) -> Result<String> {
    let token = tokens::random_hex(32);
    let now = Utc::now();
    refresh_tokens::ActiveModel {
        id: Set(Uuid::new_v4()),
        account_id: Set(account_id),
        family_id: Set(family_id),
        token_hash: Set(tokens::digest(&token)),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid) -> Result<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Trades a refresh token for a new one of the same family. A token that was already traded is
/// evidence of theft: the whole family is revoked and both holders must log in again.
pub async fn refresh(
    db: &DatabaseConnection,
    refresh_ttl: Duration,
    token: &str,
) -> Result<Session> {
    let found = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(tokens::digest(token)))
        .one(db)
        .await?;
    let Some(row) = found else {
        return Err(invalid_refresh());
    };
    if row.revoked_at.is_some() {
        return Err(invalid_refresh());
    }
    if row.used_at.is_some() {
        revoke_family(db, row.family_id).await?;
        return Err(Error::unauthenticated(
            ErrorCode::RefreshTokenReused,
            "this refresh token was already used; the session is revoked",
        ));
    }
    let now = Utc::now();
    if row.expires_at <= now {
        return Err(invalid_refresh());
    }
    let account = accounts::Entity::find_by_id(row.account_id)
        .one(db)
        .await?
        .ok_or_else(invalid_refresh)?;
    if account.disabled {
        return Err(Error::unauthenticated(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        ));
    }
    let txn = db::begin_write(db).await?;
    // Claim the token atomically: of two concurrent refreshes with one token, one wins.
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        drop(txn);
        revoke_family(db, row.family_id).await?;
        return Err(Error::unauthenticated(
            ErrorCode::RefreshTokenReused,
            "this refresh token was already used; the session is revoked",
        ));
    }
    let new_token = issue_refresh_token(&txn, row.account_id, row.family_id, refresh_ttl).await?;
    txn.commit().await?;
    Ok(Session {
        account: get_account(db, row.account_id).await?,
        refresh_token: new_token,
        session_id: row.family_id,
    })
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored: logging out twice is
/// not an error.
pub async fn logout(db: &DatabaseConnection, token: &str) -> Result<()> {
    let found = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(tokens::digest(token)))
        .one(db)
        .await?;
    if let Some(row) = found {
        revoke_family(db, row.family_id).await?;
    }
    Ok(())
}

/// Changes the caller's password, clears a temporary-password flag, revokes every refresh token of
/// the account and starts one new session for the caller.
pub async fn change_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    refresh_ttl: Duration,
    actor: &Actor,
    current: &str,
    new: &str,
) -> Result<Session> {
    let account = accounts::Entity::find_by_id(actor.account_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    if current.len() > passwords::MAX_PASSWORD_BYTES
        || !hasher.verify(current, &account.password_hash).await?
    {
        return Err(Error::forbidden(
            ErrorCode::WrongPassword,
            "the current password is wrong",
        ));
    }
    passwords::check_policy("new_password", new)?;
    if new == current {
        return Err(Error::invalid_field(
            ErrorCode::PasswordUnchanged,
            "new_password",
            "the new password must differ from the current one",
        ));
    }
    let hash = hasher.hash(new).await?;
    let txn = db::begin_write(db).await?;
    let mut row: accounts::ActiveModel = account.into();
    row.password_hash = Set(hash);
    row.must_change_password = Set(false);
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    revoke_all_refresh_tokens(&txn, actor.account_id).await?;
    let session_id = Uuid::new_v4();
    let token = issue_refresh_token(&txn, actor.account_id, session_id, refresh_ttl).await?;
    txn.commit().await?;
    Ok(Session {
        account: get_account(db, actor.account_id).await?,
        refresh_token: token,
        session_id,
    })
}

/// Loads the caller of a request from a valid access token's account and session. The session must
/// still be live (not logged out, not revoked by a password change, a reset or detected reuse), so
/// ending a session ends its access tokens at once, on every node.
pub async fn authenticate_session(
    db: &DatabaseConnection,
    account_id: Uuid,
    session_id: Uuid,
) -> Result<Actor> {
    let live = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::FamilyId.eq(session_id))
        .filter(refresh_tokens::Column::AccountId.eq(account_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .count(db)
        .await?;
    let actor = authenticate(db, account_id).await?;
    if live == 0 {
        return Err(Error::unauthenticated(
            ErrorCode::SessionRevoked,
            "this session has ended; log in again",
        ));
    }
    Ok(actor)
}

/// Loads an account as an actor. A deleted or disabled account is refused here, on every request,
/// so disabling takes effect at once.
pub async fn authenticate(db: &DatabaseConnection, account_id: Uuid) -> Result<Actor> {
    let account = accounts::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::unauthenticated(ErrorCode::InvalidToken, "the access token is not valid")
        })?;
    if account.disabled {
        return Err(Error::unauthenticated(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        ));
    }
    let role = account.role;
    let deputy_id = if role == Role::Deputy {
        deputies::Entity::find()
            .filter(deputies::Column::AccountId.eq(account.id))
            .one(db)
            .await?
            .map(|d| d.id)
    } else {
        None
    };
    Ok(Actor {
        account_id: account.id,
        username: account.username,
        role,
        deputy_id,
        department: account.department,
        must_change_password: account.must_change_password,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_boundaries() {
        let p = ThrottlePolicy::default();
        let t0 = Utc::now();
        assert_eq!(throttle_wait(p, 9, Some(t0), t0), None);
        assert_eq!(throttle_wait(p, 10, Some(t0), t0), Some(900));
        assert_eq!(
            throttle_wait(p, 10, Some(t0), t0 + Duration::seconds(899)),
            Some(1)
        );
        assert_eq!(
            throttle_wait(p, 10, Some(t0), t0 + Duration::minutes(15)),
            None
        );
        assert_eq!(throttle_wait(p, 50, None, t0), None);
    }
}
