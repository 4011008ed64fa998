//! Booking codes to read out at the desk and secret tokens to hold a booking.

use rand::Rng;
use sha2::{Digest, Sha256};

/// No 0/O, no 1/I: a code read over the phone cannot be misheard as another.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// 32^8 ≈ 1.1 · 10^12 codes; a collision is caught by the unique index and
/// the booking is tried again with a new code.
const CODE_LENGTH: usize = 8;

pub(crate) fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// Normalises a code as a person might type it: upper case, no spaces or dashes.
pub(crate) fn normalize_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
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
    fn r17_codes_avoid_ambiguous_characters() {
        for _ in 0..1000 {
            let code = new_code();
            assert_eq!(code.len(), CODE_LENGTH);
            assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
        }
    }

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

    #[test]
    fn codes_are_normalised_as_typed() {
        assert_eq!(normalize_code(" ab3d-ef7g "), "AB3DEF7G");
    }
}
