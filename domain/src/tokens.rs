//! Opaque random tokens (refresh tokens, ballot receipts) and their stored digests.

use rand::RngCore;
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random bytes from the OS-seeded CSPRNG, hex-encoded.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    hex(&buf)
}

/// What is stored for a refresh token: its SHA-256. The token itself has 256 random bits, so a
/// plain hash is enough (no salt or stretching needed) and a database leak does not leak sessions.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_and_digest() {
        let a = super::random_hex(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, super::random_hex(32));
        assert_eq!(
            super::digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
