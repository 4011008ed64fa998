//! Staff tokens: HS256 JWTs whose expiry is checked against the injected
//! clock, not the system time, so frozen-clock demos and tests behave.

use domain::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// The claims of a staff token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    /// The account's token generation at login (R11); the token is refused
    /// once the account's generation has moved on.
    #[serde(rename = "gen")]
    pub generation: i64,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed, forged or signed with another key or algorithm")]
    Invalid,
    #[error("the token has expired")]
    Expired,
    #[error("the token could not be signed")]
    Signing,
}

/// Issues and verifies HS256 tokens.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl Tokens {
    pub fn new(secret: &[u8], lifetime: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime,
        }
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A token for `username` with `role`, under the account's token
    /// `generation`, valid for the lifetime from `now`.
    pub fn issue(
        &self,
        username: &str,
        role: Role,
        generation: i64,
        now: OffsetDateTime,
    ) -> Result<String, TokenError> {
        let claims = Claims {
            sub: username.to_owned(),
            role,
            generation,
            iat: now.unix_timestamp(),
            exp: (now + self.lifetime).unix_timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Signing)
    }

    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.exp <= now.unix_timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }
}
