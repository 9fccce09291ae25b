//! Logging in and staying logged in: credential checks with a per-account throttle, refresh tokens
//! that rotate on every use (reuse revokes the whole family), logout, password change, and loading
//! the caller of each request.
//!
//! Access tokens (JWT) are minted by the API layer; everything that has state lives here, in the
//! database, so any number of nodes can serve the same users.

use crate::error::ErrorCode;
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set, sea_query::Expr,
};
use uuid::Uuid;

pub use crate::login_state::{clear_failures, revoke_all_refresh_tokens};

use crate::{
    Actor, Role,
    accounts::{AccountView, get_account},
    db,
    entities::{accounts, deputies, refresh_tokens},
    error::{Error, Result},
    passwords::{self, PasswordHasher},
    throttle, tokens,
};

pub use crate::throttle::ThrottlePolicy;

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

/// Checks a username and password from the client address `client` (the throttle counts failures
/// per account and address: see [`crate::throttle`]). Refusals: `invalid_credentials` (unknown
/// name or wrong password, alike), `account_disabled`, `too_many_attempts` with the seconds to wait.
pub async fn login(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    policy: ThrottlePolicy,
    refresh_ttl: Duration,
    username: &str,
    password: &str,
    client: &str,
) -> Result<Session> {
    let username = username.trim().to_lowercase();
    let keys = throttle::keys(db, &username, client).await?;
    // Known and unknown names are throttled alike, so a 429 tells nothing about who exists.
    let had_failures = throttle::check(db, policy, &keys).await?;
    // A name no account can have (U+0000, which PostgreSQL cannot even compare) is simply not
    // found: the same 401 on every backend, after the same work.
    let found = if username.chars().any(char::is_control) {
        None
    } else {
        accounts::Entity::find()
            .filter(accounts::Column::Username.eq(&username))
            .one(db)
            .await?
    };
    // An unknown name or an over-long password still costs one verification, so every failure
    // takes as long as a wrong password.
    let verified = match &found {
        Some(account) if password.len() <= passwords::MAX_PASSWORD_BYTES => {
            hasher
                .verify_from(client, password, &account.password_hash)
                .await?
        }
        _ => {
            hasher.verify_dummy_from(client, password).await?;
            false
        }
    };
    let known = found.as_ref().map(|a| (a.id, a.role));
    let Some(account) = found.filter(|_| verified) else {
        throttle::record_failure(db, policy, &keys).await?;
        // The account when the name is one; never the name typed (it may be a password).
        crate::audit::record_now(
            db,
            None,
            crate::audit::Event {
                action: "login.failure",
                object_kind: "account",
                object_id: known.map(|(id, _)| id.to_string()),
                detail: serde_json::json!({}),
            },
        )
        .await?;
        return Err(invalid_credentials());
    };
    if account.disabled {
        return Err(Error::forbidden(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        ));
    }
    // Only a name with failures on record costs a delete: a login burst writes nothing extra.
    if had_failures {
        throttle::clear_attempts(db, &keys).await?;
    }
    let session_id = Uuid::new_v4();
    let refresh_token = issue_refresh_token(db, account.id, session_id, refresh_ttl).await?;
    crate::audit::record_now(
        db,
        None,
        crate::audit::Event::new("login.success", "account", account.id)
            .with(serde_json::json!({"role": account.role.as_str()})),
    )
    .await?;
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
