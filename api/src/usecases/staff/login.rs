//! Staff log in for a bearer token (R11): refused while the address, or the
//! username from it, has failed too often; the password checked on the
//! bounded pool; a failure counted, a success not (issue #23).

use super::error::LoginError;
use crate::auth::verify_password;
use crate::state::AppState;
use domain::Username;
use persistence::StaffUser;
use std::net::IpAddr;

/// A token issued at a login.
#[derive(Debug)]
pub struct IssuedToken {
    /// The JWT for `Authorization: Bearer`.
    pub token: String,
    /// How long it is valid.
    pub lifetime: time::Duration,
}

/// Logs in `username` (as typed) with `password`, from the client address
/// `addr`.
pub async fn login(
    state: &AppState,
    username: &str,
    password: String,
    addr: IpAddr,
) -> Result<IssuedToken, LoginError> {
    state
        .throttle
        .may_try(username, addr)
        .map_err(LoginError::Throttled)?;
    let user = authenticate(state, username, password)
        .await
        .inspect_err(|e| {
            if matches!(e, LoginError::InvalidCredentials) {
                state.throttle.failed(username, addr);
            }
        })?;
    let token = state.tokens.issue(
        user.username.as_str(),
        user.role,
        user.token_generation,
        state.clock.now(),
    )?;
    Ok(IssuedToken {
        token,
        lifetime: state.tokens.lifetime(),
    })
}

/// The active account whose password this is. An unknown, disabled or
/// impossible name costs the same work and gets the same answer as a wrong
/// password.
async fn authenticate(
    state: &AppState,
    username: &str,
    password: String,
) -> Result<StaffUser, LoginError> {
    let name = Username::parse(username).ok();
    let user = match name {
        Some(n) => state.call(move |store, _| store.user(&n)).await?,
        None => None,
    }
    .filter(|u| u.active);
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    // On the bounded pool: a flood of guesses waits or gets 503, never
    // more hashes at once than cores.
    let ok = state
        .passwords
        .run(move || verify_password(&password, hash.as_deref()))
        .await?;
    user.filter(|_| ok).ok_or(LoginError::InvalidCredentials)
}
