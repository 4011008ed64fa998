//! Argon2id password hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs 10 to 200 characters")]
    Weak,
    #[error("the password could not be hashed")]
    Hashing,
}

/// An argon2id hash (PHC string) of a password that meets the length rule.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let len = password.chars().count();
    if !(10..=200).contains(&len) {
        return Err(PasswordError::Weak);
    }
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hashing)
}

/// Checks a password against a stored hash. Without a hash (unknown or
/// disabled user) the same work is done against a fixed hash, so the answer
/// time does not tell whether the user exists.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy =
        DUMMY.get_or_init(|| hash_password("no user has this password").unwrap_or_default());
    let hash = stored.unwrap_or(dummy);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && stored.is_some()
}
