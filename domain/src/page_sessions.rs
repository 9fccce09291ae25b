//! The web pages' login session. A page login is an ordinary login session (a refresh-token family,
//! see [`crate::auth`]) whose refresh token is kept in an `HttpOnly` cookie and never traded, so
//! logout, a password change, an admin's reset or disable end a page session exactly as they end an
//! API session, on every node.
//!
//! A page session renews itself while it is used: a deputy reading the candidate materials for half
//! an hour keeps the ballot form.

use crate::error::ErrorCode;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::{
    Actor,
    auth::authenticate,
    entities::refresh_tokens,
    error::{Error, Result},
    tokens,
};

fn ended() -> Error {
    Error::unauthenticated(
        ErrorCode::SessionEnded,
        "this session has ended; log in again",
    )
}

/// The caller behind a page cookie. Refused (`session_ended`) when the token is unknown, traded,
/// revoked or expired, or the account is disabled. When less than half of `ttl` is left the
/// session is extended to a full `ttl` from now.
pub async fn authenticate_cookie(
    db: &DatabaseConnection,
    token: &str,
    ttl: Duration,
) -> Result<Actor> {
    // Only the shape a real token has reaches the database.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ended());
    }
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(tokens::digest(token)))
        .one(db)
        .await?
        .ok_or_else(ended)?;
    let now = Utc::now();
    if row.revoked_at.is_some() || row.used_at.is_some() || row.expires_at <= now {
        return Err(ended());
    }
    let actor = authenticate(db, row.account_id)
        .await
        .map_err(|e| match e {
            Error::Unauthenticated { .. } => ended(),
            other => other,
        })?;
    if row.expires_at - now < ttl / 2 {
        let mut active: refresh_tokens::ActiveModel = row.into();
        active.expires_at = Set(now + ttl);
        active.update(db).await?;
    }
    Ok(actor)
}

/// The per-session form token every page POST carries (CSRF). Derived from the cookie's secret, so
/// a page on another site can neither read nor compute it, and it ends with the session.
pub fn form_token(cookie_token: &str) -> String {
    tokens::digest(&format!("minsheng-form:{cookie_token}"))
}

/// Whether a submitted form token belongs to this cookie, compared in constant time.
pub fn form_token_matches(cookie_token: &str, submitted: &str) -> bool {
    let expected = form_token(cookie_token);
    expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_tokens_bind_to_their_session() {
        let a = tokens::random_hex(32);
        let b = tokens::random_hex(32);
        assert!(form_token_matches(&a, &form_token(&a)));
        assert!(!form_token_matches(&a, &form_token(&b)));
        assert!(!form_token_matches(&a, ""));
        assert_ne!(form_token(&a), a);
    }
}
