//! The signing secret, which never prints.

use super::SettingsError;
use secrecy::{ExposeSecret, SecretString};

/// RFC 7518 §3.2: an HS256 key must have at least 256 bits.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// `TERMIN_JWT_SECRET`: signs staff tokens and proof-of-work challenges,
/// and seals the tokens kept for unsent messages. Only made by
/// [`JwtSecret::new`], so it has at least [`MIN_JWT_SECRET_BYTES`]; never
/// printed.
#[derive(Debug, Clone)]
pub struct JwtSecret(SecretString);

impl JwtSecret {
    /// Refuses a signing secret shorter than [`MIN_JWT_SECRET_BYTES`].
    pub fn new(secret: impl Into<String>) -> Result<Self, SettingsError> {
        let secret = SecretString::from(secret.into());
        let len = secret.expose_secret().len();
        if len < MIN_JWT_SECRET_BYTES {
            return Err(SettingsError::JwtSecretTooShort(len));
        }
        Ok(Self(secret))
    }

    /// The key's bytes, for the signers and the sealer.
    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }
}
