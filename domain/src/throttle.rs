//! The login throttle. Failed logins are counted per account *and* client address, and each
//! failure past a few free ones makes the next attempt from that address wait longer (1 s, 2 s,
//! 4 s, … up to a cap) instead of locking the account: someone guessing from one place slows only
//! themselves, so nobody can keep a deputy from logging in from their own phone — not even from
//! the same hall Wi-Fi, where the wait stays short for the few seconds a deputy needs. The office
//! can lift a throttle at once; a password reset lifts it too.
//!
//! Keys are HMAC-SHA256 under a server key kept in the database (shared by every node), so the
//! table holds no username, nor a password typed into the username field by mistake.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};
use sha2::Sha256;

use crate::{
    db,
    entities::{login_failures, server_keys},
    error::{Error, Result},
    tokens,
};

/// How the throttle grows.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures from one address that cost nothing.
    pub free_failures: i32,
    /// The longest wait between attempts.
    pub max_delay: Duration,
    /// Failures older than this are forgotten.
    pub forget_after: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            free_failures: 5,
            max_delay: Duration::minutes(15),
            forget_after: Duration::hours(1),
        }
    }
}

/// Seconds the next attempt must still wait after `failures` failures, the last at `last`.
pub fn wait_secs(
    policy: ThrottlePolicy,
    failures: i32,
    last: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<u64> {
    if failures < policy.free_failures {
        return None;
    }
    let doublings = Ord::min(failures - policy.free_failures, 30) as u32;
    let delay = Duration::seconds(1i64 << doublings).min(policy.max_delay);
    let until = last + delay;
    (now < until).then(|| Ord::max(((until - now).num_milliseconds() as u64).div_ceil(1000), 1))
}

/// The keys of one login attempt.
#[derive(Debug, Clone)]
pub struct Keys {
    /// Account and client address.
    pub key: String,
    /// Account alone: what a password reset or the office lifts.
    pub account_key: String,
}

const KEY_NAME: &str = "login-throttle";

/// The server key, created once (by whichever node gets there first) and shared through the
/// database.
async fn server_key(db: &impl ConnectionTrait) -> Result<Vec<u8>> {
    if let Some(k) = server_keys::Entity::find_by_id(KEY_NAME).one(db).await? {
        return Ok(k.secret.into_bytes());
    }
    let fresh = server_keys::ActiveModel {
        name: Set(KEY_NAME.to_owned()),
        secret: Set(tokens::random_hex(32)),
    };
    match server_keys::Entity::insert(fresh)
        .exec_without_returning(db)
        .await
    {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {}
        Err(e) => return Err(e.into()),
    }
    server_keys::Entity::find_by_id(KEY_NAME)
        .one(db)
        .await?
        .map(|k| k.secret.into_bytes())
        .ok_or_else(|| Error::Internal("the login throttle key vanished".into()))
}

fn mac(secret: &[u8], parts: &[&str]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    for p in parts {
        m.update(p.as_bytes());
        // A separator no username or address contains, so ("ab","c") ≠ ("a","bc").
        m.update(&[0]);
    }
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The keys of `username` (already normalised) logging in from `client`.
pub async fn keys(db: &impl ConnectionTrait, username: &str, client: &str) -> Result<Keys> {
    let secret = server_key(db).await?;
    Ok(Keys {
        key: mac(&secret, &["attempt", username, client]),
        account_key: mac(&secret, &["account", username]),
    })
}

/// Refused (`too_many_attempts`, with the seconds to wait) while this account must wait at this
/// address. Unknown and known names are throttled alike.
pub async fn check(db: &impl ConnectionTrait, policy: ThrottlePolicy, keys: &Keys) -> Result<bool> {
    let Some(row) = login_failures::Entity::find_by_id(keys.key.clone())
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if let Some(retry_after_secs) = wait_secs(policy, row.failures, row.last_failure, Utc::now()) {
        return Err(Error::TooManyAttempts { retry_after_secs });
    }
    Ok(true)
}

/// Counts a failure. Forgotten failures are dropped first, which keeps the table as small as the
/// names tried lately; the count itself is one statement, so concurrent failures all count.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    policy: ThrottlePolicy,
    keys: &Keys,
) -> Result<()> {
    let now = Utc::now();
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::LastFailure.lte(now - policy.forget_after))
        .exec(db)
        .await?;
    for _ in 0..2 {
        let bumped = login_failures::Entity::update_many()
            .col_expr(
                login_failures::Column::Failures,
                Expr::col(login_failures::Column::Failures).add(1),
            )
            .col_expr(login_failures::Column::LastFailure, Expr::value(now))
            .filter(login_failures::Column::Key.eq(&keys.key))
            .exec(db)
            .await?;
        if bumped.rows_affected > 0 {
            return Ok(());
        }
        let first = login_failures::ActiveModel {
            key: Set(keys.key.clone()),
            account_key: Set(keys.account_key.clone()),
            failures: Set(1),
            last_failure: Set(now),
        };
        match first.insert(db).await {
            Ok(_) => return Ok(()),
            // Another failure for the same key inserted first: count this one on top of it.
            Err(e) if db::is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Forgets the failures of one account at one address (after a successful login there).
pub async fn clear_attempts(db: &impl ConnectionTrait, keys: &Keys) -> Result<()> {
    login_failures::Entity::delete_by_id(keys.key.clone())
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets every failure of an account, from every address: a password reset, the office lifting
/// a throttle. Returns how many addresses were waiting.
pub async fn clear_account(db: &impl ConnectionTrait, username: &str) -> Result<u64> {
    let secret = server_key(db).await?;
    let account_key = mac(&secret, &["account", &username.trim().to_lowercase()]);
    Ok(login_failures::Entity::delete_many()
        .filter(login_failures::Column::AccountKey.eq(account_key))
        .exec(db)
        .await?
        .rows_affected)
}

/// The office lifts the throttle of an account (admin only): every address may try again at
/// once. Returns how many addresses were waiting. Refusals: `forbidden`, `not_found`.
pub async fn lift(
    db: &sea_orm::DatabaseConnection,
    actor: &crate::Actor,
    account_id: uuid::Uuid,
) -> Result<u64> {
    actor.require_admin()?;
    let account = crate::entities::accounts::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    clear_account(db, &account.username).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_from_the_free_failures_to_the_cap() {
        let p = ThrottlePolicy::default();
        let t0 = Utc::now();
        assert_eq!(wait_secs(p, 4, t0, t0), None);
        assert_eq!(wait_secs(p, 5, t0, t0), Some(1));
        assert_eq!(wait_secs(p, 6, t0, t0), Some(2));
        assert_eq!(wait_secs(p, 9, t0, t0), Some(16));
        assert_eq!(wait_secs(p, 9, t0, t0 + Duration::seconds(16)), None);
        assert_eq!(wait_secs(p, 15, t0, t0), Some(900));
        assert_eq!(
            wait_secs(p, 1_000, t0, t0),
            Some(900),
            "capped, never a lock"
        );
        assert_eq!(wait_secs(p, 1_000, t0, t0 + Duration::minutes(15)), None);
    }

    #[test]
    fn keys_separate_parts_and_hide_names() {
        let k = b"server-key";
        assert_ne!(mac(k, &["ab", "c"]), mac(k, &["a", "bc"]));
        assert_ne!(mac(k, &["a"]), mac(b"other-key", &["a"]));
        assert_eq!(mac(k, &["a"]).len(), 64);
        assert!(!mac(k, &["dep001"]).contains("dep001"));
    }
}
