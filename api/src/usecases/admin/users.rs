//! Staff accounts (R11, R29): created, listed, changed, given a new
//! password. Argon2 is slow by design, so passwords are hashed on the
//! bounded pool; a change of role, active flag or password ends the
//! account's tokens (the store counts up its generation).

use super::error::UserError;
use crate::auth::hash_password;
use crate::state::AppState;
use crate::usecases::staff::Actor;
use domain::{MunicipalityId, OfficeScope, Role, Username};
use persistence::{NewUser, StaffUser, StoreError, UserChange};

/// A new account as the admin asked for it.
#[derive(Debug)]
pub struct NewAccount {
    pub username: Username,
    pub password: String,
    pub role: Role,
    pub offices: OfficeScope,
    /// R39: the municipality it acts within; an admin's own when it has one.
    pub municipality: Option<MunicipalityId>,
}

/// The hash of `password`, on the bounded pool.
async fn hash(state: &AppState, password: String) -> Result<String, UserError> {
    Ok(state
        .passwords
        .run(move || hash_password(&password))
        .await??)
}

/// R39: only operators make or name operators.
fn check_role(admin: &Actor, role: Option<Role>) -> Result<(), UserError> {
    if role == Some(Role::Operator) && admin.role != Role::Operator {
        return Err(UserError::OperatorsOnly);
    }
    Ok(())
}

/// Creates an account, audited as `admin`. R39: an admin of a municipality
/// creates accounts of it only; another municipality named is unknown to
/// it, as one that does not exist.
pub async fn create_user(
    state: &AppState,
    admin: &Actor,
    account: NewAccount,
) -> Result<StaffUser, UserError> {
    let NewAccount {
        username,
        password,
        role,
        offices,
        municipality,
    } = account;
    check_role(admin, Some(role))?;
    let municipality = match (&admin.municipality, municipality) {
        (None, named) => named,
        (Some(own), None) => Some(own.clone()),
        (Some(own), Some(named)) if *own == named => Some(named),
        (Some(_), Some(named)) => {
            return Err(StoreError::UnknownMunicipalityNamed(named.as_str().to_owned()).into());
        }
    };
    if role == Role::Operator && municipality.is_some() {
        return Err(UserError::OperatorWithMunicipality);
    }
    let new = NewUser {
        username,
        password_hash: hash(state, password).await?,
        role,
        offices,
        municipality,
    };
    let actor = admin.username.clone();
    Ok(state
        .call(move |store, now| store.create_user(&new, &actor, now))
        .await?)
}

/// Every account the admin sees (R39: of its municipality), by name.
pub async fn users(state: &AppState, admin: &Actor) -> Result<Vec<StaffUser>, StoreError> {
    let municipality = admin.municipality.clone();
    state
        .call(move |store, _| store.users_of(municipality.as_ref()))
        .await
}

/// R39: `username` is an account the admin sees; else it is unknown.
async fn visible(state: &AppState, admin: &Actor, username: &Username) -> Result<(), StoreError> {
    let Some(own) = admin.municipality.clone() else {
        return Ok(());
    };
    let name = username.clone();
    let user = state.call(move |store, _| store.user(&name)).await?;
    match user {
        Some(u) if u.municipality.as_ref() == Some(&own) => Ok(()),
        _ => Err(StoreError::UnknownUser),
    }
}

/// Changes an account's role, active flag or offices, audited as `admin`.
pub async fn change_user(
    state: &AppState,
    admin: &Actor,
    username: Username,
    change: UserChange,
) -> Result<StaffUser, UserError> {
    visible(state, admin, &username).await?;
    check_role(admin, change.role)?;
    let actor = admin.username.clone();
    Ok(state
        .call(move |store, now| store.change_user(&username, &change, &actor, now))
        .await?)
}

/// Sets a new password for an account, audited as `admin`.
pub async fn reset_password(
    state: &AppState,
    admin: &Actor,
    username: Username,
    password: String,
) -> Result<StaffUser, UserError> {
    visible(state, admin, &username).await?;
    let change = UserChange {
        password_hash: Some(hash(state, password).await?),
        ..UserChange::default()
    };
    change_user(state, admin, username, change).await
}
