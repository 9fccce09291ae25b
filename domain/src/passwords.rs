//! Password hashing with argon2id at OWASP's minimum cost (19 MiB, 2 iterations, 1 lane).
//!
//! Hashing costs tens of milliseconds of CPU, so it runs on the blocking pool behind a semaphore
//! sized to the cores: a burst of logins queues here instead of stalling the async workers that
//! serve ballots. Logins also queue per client address, and one address may hold all but one of
//! the slots, so a flood from one place cannot take the hashing from everyone else.
//!
//! One-time passwords the service generates (16 characters, about 93 random bits) cannot be
//! guessed however fast the hash, so they are stored under argon2id at its minimum cost: importing
//! 3,000 deputies then takes a moment instead of a minute of every core, and never holds up
//! logins. Chosen passwords always get the full cost, and verifying a cheap hash spends the full
//! cost too, so a login's time tells nothing about which kind an account has.

use crate::error::ErrorCode;
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

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
    /// Login verifications queued or running, per client address.
    clients: Arc<Mutex<HashMap<String, Arc<ClientGate>>>>,
    per_client: usize,
}

/// One client address's share of the hashing.
struct ClientGate {
    slots: Semaphore,
    queued: AtomicUsize,
}

/// Most logins one client address may have waiting; beyond that it is told to retry.
const MAX_QUEUED_PER_CLIENT: usize = 1024;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The minimum cost, for generated high-entropy one-time passwords only.
fn argon2_one_time() -> Argon2<'static> {
    let params = Params::new(64, 1, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether a stored hash is of the cheap kind (so the full cost must still be spent).
fn is_one_time_hash(hash: &str) -> bool {
    hash.starts_with("$argon2id$v=19$m=64,t=1,p=1$")
}

/// A real hash of a password nobody knows, verified against when the username is unknown so that
/// both failures take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now(&random_password()).expect("hashing a fresh password works"))
}

/// Hashes at the service's cost (argon2id, 19 MiB, 2 passes, 1 lane) on the calling thread. The
/// service itself hashes through [`PasswordHasher`], off the async workers; the benchmark calls
/// this to measure the machine's raw rate.
pub fn hash_now(password: &str) -> Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2 hash: {e}")))
}

/// Verifies under the parameters the hash names (full or one-time cost); a one-time hash also
/// spends a full-cost verification, so both kinds take the same time.
fn verify_now(password: &str, hash: &str) -> bool {
    let ok = match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    };
    if is_one_time_hash(hash)
        && let Ok(parsed) = PasswordHash::new(dummy_hash())
    {
        let _ = argon2().verify_password(password.as_bytes(), &parsed);
    }
    ok
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
        let max_parallel = max_parallel.max(1);
        Self {
            permits: Arc::new(Semaphore::new(max_parallel)),
            clients: Arc::new(Mutex::new(HashMap::new())),
            // All but one slot, so another address always finds one free.
            per_client: (max_parallel - 1).max(1),
        }
    }

    /// Runs a login's verification in `client`'s queue: at most `per_client` at once per address,
    /// at most [`MAX_QUEUED_PER_CLIENT`] waiting (beyond: `too_many_attempts`, retry in 1 s).
    async fn run_for<T: Send + 'static>(
        &self,
        client: &str,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let gate = {
            let mut clients = self.clients.lock().expect("client gates");
            clients
                .entry(client.to_owned())
                .or_insert_with(|| {
                    Arc::new(ClientGate {
                        slots: Semaphore::new(self.per_client),
                        queued: AtomicUsize::new(0),
                    })
                })
                .clone()
        };
        let result = if gate.queued.fetch_add(1, Ordering::SeqCst) >= MAX_QUEUED_PER_CLIENT {
            gate.queued.fetch_sub(1, Ordering::SeqCst);
            Err(Error::TooManyAttempts {
                retry_after_secs: 1,
            })
        } else {
            let slot = gate.slots.acquire().await;
            gate.queued.fetch_sub(1, Ordering::SeqCst);
            match slot {
                Ok(_slot) => self.run(job).await,
                Err(e) => Err(Error::Internal(e.to_string())),
            }
        };
        // The last one out removes the address's gate, so the map holds only busy addresses.
        let mut clients = self.clients.lock().expect("client gates");
        if Arc::strong_count(&gate) == 2 {
            clients.remove(client);
        }
        result
    }

    /// Verifies a login's password in the queue of its client address.
    pub async fn verify_from(&self, client: &str, password: &str, hash: &str) -> Result<bool> {
        let (password, hash) = (password.to_owned(), hash.to_owned());
        self.run_for(client, move || verify_now(&password, &hash))
            .await
    }

    /// [`Self::verify_dummy`] in the queue of a client address.
    pub async fn verify_dummy_from(&self, client: &str, password: &str) -> Result<()> {
        let password = password.to_owned();
        self.run_for(client, move || {
            verify_now(&password, dummy_hash());
        })
        .await
    }

    /// Hashes a generated one-time password (from [`random_password`]) at the minimum cost.
    pub async fn hash_one_time(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        // Through the same permits as every hash: an import of thousands of rows must not start a
        // blocking thread per row.
        self.run(move || {
            argon2_one_time()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| Error::Internal(format!("argon2 hash: {e}")))
        })
        .await?
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

    #[tokio::test]
    async fn one_time_hashes_are_cheap_to_make_and_verify_like_the_others() {
        let h = PasswordHasher::new(2);
        let p = random_password();
        let hash = h.hash_one_time(&p).await.unwrap();
        assert!(is_one_time_hash(&hash), "{hash}");
        assert!(h.verify_from("10.0.0.1", &p, &hash).await.unwrap());
        assert!(!h.verify_from("10.0.0.1", "wrong", &hash).await.unwrap());
        assert!(!is_one_time_hash(
            &h.hash("a chosen password").await.unwrap()
        ));
        // The gate of an address is gone once its logins are done.
        assert!(h.clients.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn one_address_cannot_take_every_slot() {
        let h = PasswordHasher::new(3);
        assert_eq!(h.per_client, 2);
        // Hold both of one address's slots...
        let gate_holders: Vec<_> = (0..2)
            .map(|_| {
                let h = h.clone();
                tokio::spawn(async move {
                    h.run_for("flood", || {
                        std::thread::sleep(std::time::Duration::from_millis(400))
                    })
                    .await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        // ...and another address still gets one at once.
        let started = std::time::Instant::now();
        h.run_for("deputy", || ()).await.unwrap();
        assert!(started.elapsed() < std::time::Duration::from_millis(300));
        for g in gate_holders {
            g.await.unwrap().unwrap();
        }
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
