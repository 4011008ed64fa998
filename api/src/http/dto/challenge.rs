//! The proof-of-work challenge (R26) as the client gets it: the ALTCHA v1
//! format.

use crate::challenge::Challenge;
use serde::Serialize;
use utoipa::ToSchema;

/// A challenge to solve (ALTCHA v1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = AltchaChallenge, example = json!({
    "algorithm": "SHA-256",
    "challenge": "4c7b7e0f…",
    "maxnumber": 100000,
    "salt": "9f2c1a…?expires=1796281200&",
    "signature": "a1b2c3…"
}))]
pub struct AltchaChallengeDto {
    /// Always `SHA-256`.
    pub algorithm: &'static str,
    /// `hex(sha256(salt + number))` for the number to find.
    pub challenge: String,
    /// The number lies in `0..=maxnumber`.
    pub maxnumber: u64,
    /// Random hex, then the expiry: `…?expires=UNIX&`, sent back as it is.
    pub salt: String,
    /// The server's HMAC of `challenge` and `salt`.
    pub signature: String,
}

impl From<Challenge> for AltchaChallengeDto {
    fn from(c: Challenge) -> Self {
        Self {
            algorithm: c.algorithm,
            challenge: c.challenge,
            maxnumber: c.maxnumber,
            salt: c.salt,
            signature: c.signature,
        }
    }
}
