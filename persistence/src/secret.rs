//! The randomness of bookings: codes to read out at the desk (their form is
//! the domain's [`BookingCode`]) and secret tokens to hold a booking.

use domain::BookingCode;
use rand::Rng;
use sha2::{Digest, Sha256};

pub(crate) fn new_code() -> BookingCode {
    let mut rng = rand::rng();
    BookingCode::generate(|n| rng.random_range(0..n))
}

/// 256 random bits, hex: the secret that lets its holder see and cancel.
pub(crate) fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares in time independent of where the inputs differ.
pub(crate) fn token_matches(token: &str, stored_hash: &str) -> bool {
    let given = hash_token(token);
    given.len() == stored_hash.len()
        && given
            .bytes()
            .zip(stored_hash.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r17_token_has_256_bits_and_only_its_hash_matches() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        let hash = hash_token(&token);
        assert_ne!(hash, token);
        assert!(token_matches(&token, &hash));
        assert!(!token_matches(&new_token(), &hash));
        assert!(!token_matches("", &hash));
    }
}
