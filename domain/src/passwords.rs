//! Password hashing with argon2id at OWASP's minimum cost (19 MiB, 2 iterations, 1 lane).
//!
//! Hashing costs tens of milliseconds of CPU, so it runs on the blocking pool behind a semaphore
//! sized to the cores: a burst of logins queues here instead of stalling the async workers that
//! serve ballots.

use crate::error::ErrorCode;
use std::sync::{Arc, OnceLock};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier, Version,
};
use rand::Rng;
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

pub const MIN_PASSWORD_CHARS: usize = 10;
/// A new password has at most this many characters (the published `maxLength`).
pub const MAX_PASSWORD_CHARS: usize = 64;
/// A password offered at login or as the current one is verified only up to this many bytes, so
/// one request cannot buy a long hash computation; every valid password fits (64 characters of at
/// most 4 bytes each).
pub const MAX_PASSWORD_BYTES: usize = 256;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A real hash of a password nobody knows, verified against when the username is unknown so that
/// both failures take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now(&random_password()).expect("hashing a fresh password works"))
}

fn hash_now(password: &str) -> Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2 hash: {e}")))
}

fn verify_now(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Self::new(cores)
    }
}

impl PasswordHasher {
    pub fn new(max_parallel: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_parallel.max(1))),
        }
    }

    async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| Error::Internal(e.to_string()))
    }

    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        self.run(move || hash_now(&password)).await?
    }

    pub async fn verify(&self, password: &str, hash: &str) -> Result<bool> {
        let (password, hash) = (password.to_owned(), hash.to_owned());
        self.run(move || verify_now(&password, &hash)).await
    }

    /// Spends the same work as a real verification, for an unknown user.
    pub async fn verify_dummy(&self, password: &str) -> Result<()> {
        let password = password.to_owned();
        self.run(move || {
            verify_now(&password, dummy_hash());
        })
        .await
    }
}

/// Checks a new password against the policy.
pub fn check_policy(field: &str, password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::invalid_field(
            ErrorCode::WeakPassword,
            field,
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::invalid_field(
            ErrorCode::PasswordTooLong,
            field,
            format!("a password may have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A one-time password, 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I), so it
/// can be read off paper in a congress hall: about 93 bits.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = PasswordHasher::new(2);
        let hash = h.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(h.verify("correct horse battery", &hash).await.unwrap());
        assert!(!h.verify("wrong horse battery", &hash).await.unwrap());
        assert!(!h.verify("anything", "not a hash").await.unwrap());
    }

    #[test]
    fn policy_and_random_passwords() {
        assert!(check_policy("p", "short").is_err());
        assert!(check_policy("p", &"x".repeat(300)).is_err());
        assert!(check_policy("p", &"x".repeat(65)).is_err());
        assert!(check_policy("p", &"x".repeat(64)).is_ok());
        // Characters, not bytes: 64 Chinese characters are 192 bytes and fine.
        assert!(check_policy("p", &"密".repeat(64)).is_ok());
        assert!(check_policy("p", &"密".repeat(10)).is_ok());
        assert!(check_policy("p", "long enough pw").is_ok());
        let p = random_password();
        assert_eq!(p.len(), 16);
        assert!(check_policy("p", &p).is_ok());
        assert_ne!(p, random_password());
    }
}
