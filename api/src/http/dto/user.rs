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
    /// R29: the offices the account acts on; `null` for every office.
    /// Admins act on every office whatever is listed.
    #[schema(example = json!(["buergerbuero"]))]
    pub offices: Option<Vec<String>>,
    /// R39: the municipality the account acts within; `null`: across all
    /// (operators).
    #[schema(required = true, example = "kaarst")]
    pub municipality: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<persistence::StaffUser> for UserDto {
    fn from(u: persistence::StaffUser) -> Self {
        Self {
            role: u.role.into(),
            username: u.username.as_str().to_owned(),
            active: u.active,
            municipality: u.municipality.map(String::from),
            offices: u
                .offices
                .offices()
                .map(|set| set.iter().map(|o| o.as_str().to_owned()).collect()),
            created_at: u.created_at,
        }
    }
}

/// A new staff account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "anna", "password": "correct horse battery", "role": "desk"}))]
pub struct NewUserDto {
    /// 2 to 64 characters of a–z, 0–9, `.`, `_`, `-`; stored in lower case
    /// (so `Anna` is `anna`), spaces around it ignored.
    #[schema(pattern = "^\\s*[A-Za-z0-9._-]{2,64}\\s*$")]
    pub username: String,
    /// 10 to 200 characters.
    #[schema(min_length = 10, max_length = 200)]
    pub password: String,
    pub role: RoleDto,
    /// R29: the offices the account acts on (at least one); left out or
    /// `null`, every office.
    #[schema(example = json!(["buergerbuero"]))]
    pub offices: Option<Vec<String>>,
    /// R39: the municipality the account acts within. Left out: the
    /// creating admin's own; for an operator's account, none (across all).
    /// An admin of a municipality creates accounts of it only.
    #[serde(default)]
    #[schema(example = "kaarst")]
    pub municipality: Option<String>,
}

/// A change of role, of the active flag (`active: false` disables the
/// account) or of the offices. A change of role or active flag ends the
/// account's tokens at once (R11); a change of offices takes effect with
/// the next request (R29).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct UserChangeDto {
    pub role: Option<RoleDto>,
    pub active: Option<bool>,
    /// R29: a list of office ids (at least one), or `null` for every
    /// office; left out, unchanged.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>, nullable)]
    pub offices: Option<Option<Vec<String>>>,
}

/// A field that is there, even as `null` (`Some(None)`), as against one
/// left out (`None`, by `#[serde(default)]`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "correct horse battery staple"}))]
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
