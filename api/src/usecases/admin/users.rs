//! Staff accounts (R11, R29): created, listed, changed, given a new
//! password. Argon2 is slow by design, so passwords are hashed on the
//! bounded pool; a change of role, active flag or password ends the
//! account's tokens (the store counts up its generation).

use super::error::UserError;
use crate::auth::hash_password;
use crate::state::AppState;
use domain::{OfficeScope, Role, Username};
use persistence::{StaffUser, StoreError, UserChange};

/// A new account as the admin asked for it.
#[derive(Debug)]
pub struct NewAccount {
    pub username: Username,
    pub password: String,
    pub role: Role,
    pub offices: OfficeScope,
}

/// The hash of `password`, on the bounded pool.
async fn hash(state: &AppState, password: String) -> Result<String, UserError> {
    Ok(state
        .passwords
        .run(move || hash_password(&password))
        .await??)
}

/// Creates an account, audited as `admin`.
pub async fn create_user(
    state: &AppState,
    admin: Username,
    account: NewAccount,
) -> Result<StaffUser, UserError> {
    let NewAccount {
        username,
        password,
        role,
        offices,
    } = account;
    let password_hash = hash(state, password).await?;
    Ok(state
        .call(move |store, now| {
            store.create_user(&username, &password_hash, role, &offices, &admin, now)
        })
        .await?)
}

/// Every account, by name.
pub async fn users(state: &AppState) -> Result<Vec<StaffUser>, StoreError> {
    state.call(|store, _| store.users()).await
}

/// Changes an account's role, active flag or offices, audited as `admin`.
pub async fn change_user(
    state: &AppState,
    admin: Username,
    username: Username,
    change: UserChange,
) -> Result<StaffUser, StoreError> {
    state
        .call(move |store, now| store.change_user(&username, &change, &admin, now))
        .await
}

/// Sets a new password for an account, audited as `admin`.
pub async fn reset_password(
    state: &AppState,
    admin: Username,
    username: Username,
    password: String,
) -> Result<StaffUser, UserError> {
    let change = UserChange {
        password_hash: Some(hash(state, password).await?),
        ..UserChange::default()
    };
    Ok(change_user(state, admin, username, change).await?)
}
