//! Staff accounts and logging in.

use super::RoleDto;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A staff account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub username: String,
    pub role: RoleDto,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<persistence::StaffUser> for UserDto {
    fn from(u: persistence::StaffUser) -> Self {
        Self {
            role: u.role.into(),
            username: u.username.as_str().to_owned(),
            active: u.active,
            created_at: u.created_at,
        }
    }
}

/// A new staff account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "anna", "password": "correct horse battery", "role": "desk"}))]
pub struct NewUserDto {
    /// 2 to 64 characters of a–z, 0–9, `.`, `_`, `-`; stored in lower case.
    pub username: String,
    /// 10 to 200 characters.
    #[schema(min_length = 10, max_length = 200)]
    pub password: String,
    pub role: RoleDto,
}

/// A change of role or of the active flag (`active: false` disables the
/// account). A change of either ends the account's tokens at once (R11).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct UserChangeDto {
    pub role: Option<RoleDto>,
    pub active: Option<bool>,
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordDto {
    /// 10 to 200 characters.
    #[schema(min_length = 10, max_length = 200)]
    pub password: String,
}

/// Username and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "anna", "password": "correct horse battery"}))]
pub struct LoginDto {
    pub username: String,
    pub password: String,
}

/// A staff token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "Bearer", "expires_in": 36000}))]
pub struct TokenDto {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: i64,
}
