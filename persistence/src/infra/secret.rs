//! The randomness of bookings: codes to read out at the desk (their form is
//! the domain's [`BookingCode`]) and secret tokens to hold a booking; and
//! the key that seals the tokens kept for messages not yet sent (R23).

use crate::StoreError;
use domain::BookingCode;
use rand::Rng;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf;
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

/// R23: the key that seals the booking tokens kept for messages not yet
/// sent (the manage link of a confirmation), so that the database alone
/// does not give them away. ChaCha20-Poly1305 (ring), a random nonce per
/// token, the booking's id as associated data (a sealed token opens only
/// for its own booking); the key is derived by HKDF-SHA-256 under a label
/// of its own from the server's secret, or random per process.
pub struct Sealer {
    key: LessSafeKey,
}

/// The HKDF label (salt and info) of the key: no other use of the same
/// secret derives this key.
const SEAL_LABEL: &[u8] = b"terminvergabe/outbox-token/v1";

/// How a sealed token starts in its column; a value without it was stored
/// in plain text before tokens were sealed (read as it is).
const SEALED_PREFIX: &str = "sealed1:";

impl Sealer {
    /// The key derived from `secret` (any length; the server passes
    /// `TERMIN_JWT_SECRET`).
    pub fn derived(secret: &[u8]) -> Self {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, SEAL_LABEL).extract(secret);
        let info = [SEAL_LABEL];
        // `expand` fails only for an output longer than 255 hashes; 32
        // bytes never are. Should it fail, the key is random instead.
        let key = match prk.expand(&info, &CHACHA20_POLY1305) {
            Ok(okm) => UnboundKey::from(okm),
            Err(_) => return Self::random(),
        };
        Self {
            key: LessSafeKey::new(key),
        }
    }

    /// A random key: what it sealed cannot be opened after this process
    /// ends.
    pub fn random() -> Self {
        let bytes: [u8; 32] = rand::rng().random();
        Self::derived(&bytes)
    }

    /// `token` of booking `booking`, sealed, as stored.
    pub(crate) fn seal(&self, token: &str, booking: &str) -> Result<String, StoreError> {
        let nonce: [u8; NONCE_LEN] = rand::rng().random();
        let mut sealed = token.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(booking.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| StoreError::Corrupt("a token could not be sealed".into()))?;
        Ok(format!(
            "{SEALED_PREFIX}{}{}",
            hex::encode(nonce),
            hex::encode(sealed)
        ))
    }

    /// The token `stored` for booking `booking` holds; `None` if it was
    /// sealed with another key (a random one of an earlier process, or
    /// another secret) or does not fit the booking.
    pub(crate) fn open(&self, stored: &str, booking: &str) -> Option<String> {
        let Some(sealed) = stored.strip_prefix(SEALED_PREFIX) else {
            return Some(stored.to_owned());
        };
        let bytes = hex::decode(sealed).ok()?;
        let (nonce, sealed) = bytes.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut in_out = sealed.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(booking.as_bytes()), &mut in_out)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

/// A booking's new token, with the key its waiting confirmation keeps it
/// under (R23): what a booking transaction is handed.
pub(crate) struct NewToken<'a> {
    pub(crate) plain: String,
    pub(crate) sealer: &'a Sealer,
}

impl NewToken<'_> {
    /// The token sealed for booking `booking`.
    pub(crate) fn sealed_for(&self, booking: &str) -> Result<String, StoreError> {
        self.sealer.seal(&self.plain, booking)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r23_a_sealed_token_opens_with_its_key_and_booking_only() {
        let token = new_token();
        let key = Sealer::derived(b"a secret of the server");
        let sealed = key.seal(&token, "booking-1").unwrap_or_default();
        assert!(!sealed.contains(&token));
        assert_ne!(sealed, key.seal(&token, "booking-1").unwrap_or_default());
        assert_eq!(key.open(&sealed, "booking-1"), Some(token.clone()));
        let same = Sealer::derived(b"a secret of the server");
        assert_eq!(same.open(&sealed, "booking-1"), Some(token.clone()));
        assert_eq!(key.open(&sealed, "booking-2"), None, "another booking");
        assert_eq!(Sealer::derived(b"another").open(&sealed, "booking-1"), None);
        assert_eq!(Sealer::random().open(&sealed, "booking-1"), None);
        assert_eq!(key.open("sealed1:00", "booking-1"), None);
        assert_eq!(key.open("sealed1:zz", "booking-1"), None);
        // Stored before tokens were sealed: read as it is.
        assert_eq!(key.open(&token, "booking-1"), Some(token));
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
}
