//! Staff accounts: argon2id hashes (made by the API), roles, the active flag.

use crate::audit::{Audit, SYSTEM, record};
use crate::infra::codec::{corrupt, from_db, parse, to_db};
use crate::infra::connection::DbConnection;
use crate::infra::schema::staff_users;
use crate::{Store, StoreError};
use diesel::prelude::*;
use domain::{AccountChange, AuditAction, MunicipalityId, OfficeId, OfficeScope, Role, Username};
use time::OffsetDateTime;

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub username: Username,
    pub password_hash: String,
    pub role: Role,
    pub active: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// R11: raised by every change that ends the account's tokens (a new
    /// password, a disable or re-enable, a new role); a token carries the
    /// generation it was issued under and is refused once it is older.
    pub token_generation: i64,
    /// R29: the offices the account acts on as stored; what it may do is
    /// [`OfficeScope::effective`] with its role and municipality.
    pub offices: OfficeScope,
    /// R39: the municipality it acts within; `None`: across all (operators,
    /// and accounts made before municipalities).
    pub municipality: Option<MunicipalityId>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = staff_users)]
struct UserRow {
    username: String,
    password_hash: String,
    role: String,
    active: bool,
    created_at: time::PrimitiveDateTime,
    updated_at: time::PrimitiveDateTime,
    token_generation: i64,
    offices: Option<String>,
    municipality: Option<String>,
}

/// R29: `NULL` is every office, otherwise the ids separated by commas (a
/// slug has none).
fn stored_offices(scope: &OfficeScope) -> Option<String> {
    scope.offices().map(|set| {
        set.iter()
            .map(OfficeId::as_str)
            .collect::<Vec<_>>()
            .join(",")
    })
}

fn read_offices(stored: Option<&str>) -> Result<OfficeScope, StoreError> {
    match stored {
        None => Ok(OfficeScope::All),
        Some(list) => OfficeScope::only(
            list.split(',')
                .map(|id| OfficeId::parse(id).map_err(corrupt))
                .collect::<Result<Vec<_>, _>>()?,
        )
        .map_err(corrupt),
    }
}

/// Refuses a scope naming an office that does not exist, or (R39) one of
/// another municipality than the account's.
fn check_offices(
    conn: &mut DbConnection,
    scope: &OfficeScope,
    municipality: Option<&MunicipalityId>,
) -> Result<(), StoreError> {
    use crate::infra::schema::offices;
    if let Some(set) = scope.offices() {
        let ids: Vec<&str> = set.iter().map(OfficeId::as_str).collect();
        let mut query = offices::table
            .filter(offices::id.eq_any(&ids))
            .count()
            .into_boxed();
        if let Some(m) = municipality {
            query = query.filter(offices::municipality.eq(m.as_str()));
        }
        let known: i64 = query.get_result(conn)?;
        if usize::try_from(known).ok() != Some(ids.len()) {
            // Named in the body, not the path: 422, as a booking's is.
            return Err(domain::BookingError::UnknownOffice(ids.join(",")).into());
        }
    }
    Ok(())
}

impl TryFrom<UserRow> for StaffUser {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(Self {
            username: Username::parse(&r.username).map_err(corrupt)?,
            password_hash: r.password_hash,
            role: parse(&r.role)?,
            active: r.active,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            token_generation: r.token_generation,
            offices: read_offices(r.offices.as_deref())?,
            municipality: r
                .municipality
                .as_deref()
                .map(MunicipalityId::parse)
                .transpose()
                .map_err(corrupt)?,
        })
    }
}

/// The row of `username`, locked for this transaction: a write as the first
/// statement takes the row lock on PostgreSQL (and the write lock on SQLite),
/// so two changes of one account queue and each raises the generation the
/// other left.
fn locked_user_row(
    conn: &mut DbConnection,
    username: &Username,
) -> Result<Option<UserRow>, StoreError> {
    diesel::update(staff_users::table.find(username.as_str()))
        .set(staff_users::token_generation.eq(staff_users::token_generation))
        .execute(conn)?;
    user_row(conn, username)
}

fn user_row(conn: &mut DbConnection, username: &Username) -> Result<Option<UserRow>, StoreError> {
    Ok(staff_users::table
        .find(username.as_str())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// A new staff account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    /// argon2id, made by the API.
    pub password_hash: String,
    pub role: Role,
    /// R29.
    pub offices: OfficeScope,
    /// R39: `None` across all municipalities.
    pub municipality: Option<MunicipalityId>,
}

/// A change to a staff account; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    /// R29: the offices the account acts on from now.
    pub offices: Option<OfficeScope>,
}

impl Store {
    /// The account `username`, active or not.
    pub fn user(&self, username: &Username) -> Result<Option<StaffUser>, StoreError> {
        let mut conn = self.conn()?;
        user_row(&mut conn, username)?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Every account, by name.
    pub fn users(&self) -> Result<Vec<StaffUser>, StoreError> {
        self.users_of(None)
    }

    /// R39: the accounts of `municipality` (`None`: every account), by name.
    pub fn users_of(
        &self,
        municipality: Option<&MunicipalityId>,
    ) -> Result<Vec<StaffUser>, StoreError> {
        let mut conn = self.conn()?;
        let mut query = staff_users::table
            .order(staff_users::username)
            .select(UserRow::as_select())
            .into_boxed();
        if let Some(m) = municipality {
            query = query.filter(staff_users::municipality.eq(m.as_str()));
        }
        let rows: Vec<UserRow> = query.load(&mut *conn)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// R11, R29, R39: the account `username` and the offices it acts on
    /// now (its role, its stored offices and its municipality's offices
    /// taken together), read together for a staff request.
    pub fn account(
        &self,
        username: &Username,
    ) -> Result<Option<(StaffUser, OfficeScope)>, StoreError> {
        let mut conn = self.conn()?;
        let Some(user) = user_row(&mut conn, username)?
            .map(StaffUser::try_from)
            .transpose()?
        else {
            return Ok(None);
        };
        let own = match &user.municipality {
            Some(m) => Some(crate::municipalities::office_ids(&mut conn, m)?),
            None => None,
        };
        let scope = user.offices.clone().effective(user.role, own.as_ref());
        Ok(Some((user, scope)))
    }

    /// Creates an account; `UsernameTaken` if the name exists.
    pub fn create_user(
        &self,
        new: &NewUser,
        actor: &Username,
        now: OffsetDateTime,
    ) -> Result<StaffUser, StoreError> {
        let NewUser {
            username,
            password_hash,
            role,
            offices,
            municipality,
        } = new;
        let (role, municipality) = (*role, municipality.as_ref());
        self.write(|conn| {
            if user_row(conn, username)?.is_some() {
                return Err(StoreError::UsernameTaken);
            }
            if let Some(m) = municipality {
                crate::municipalities::check_exists(conn, m)?;
            }
            check_offices(conn, offices, municipality)?;
            let user = insert_user(
                conn,
                username,
                password_hash,
                role,
                offices,
                municipality,
                now,
            )?;
            let detail = serde_json::json!({
                "username": username.as_str(),
                "role": role,
                "offices": stored_offices(offices),
                "municipality": municipality.map(MunicipalityId::as_str),
            });
            let audit = Audit {
                municipality: municipality.map(MunicipalityId::as_str),
                ..Audit::new(actor.as_str(), AuditAction::UserCreate, detail)
            };
            record(conn, &audit, now)?;
            Ok(user)
        })
    }

    /// Creates `username` as operator (R39: across every municipality) if
    /// no account exists at all; returns whether it did
    /// (`TERMIN_BOOTSTRAP_ADMIN`).
    pub fn bootstrap_admin(
        &self,
        username: &Username,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.write(|conn| {
            let existing: i64 = staff_users::table.count().get_result(conn)?;
            if existing > 0 {
                return Ok(false);
            }
            insert_user(
                conn,
                username,
                password_hash,
                Role::Operator,
                &OfficeScope::All,
                None,
                now,
            )?;
            let detail = serde_json::json!({"username": username.as_str(), "role": Role::Operator});
            record(
                conn,
                &Audit::new(SYSTEM, AuditAction::UserBootstrap, detail),
                now,
            )?;
            Ok(true)
        })
    }

    /// Changes role, active flag or password of `username`; raises its
    /// token generation when the change ends its tokens (R11, decided by
    /// [`AccountChange::ends_tokens`]).
    pub fn change_user(
        &self,
        username: &Username,
        change: &UserChange,
        actor: &Username,
        now: OffsetDateTime,
    ) -> Result<StaffUser, StoreError> {
        self.write(|conn| {
            let mut user: StaffUser = locked_user_row(conn, username)?
                .ok_or(StoreError::UnknownUser)?
                .try_into()?;
            let account = AccountChange {
                role: change.role,
                active: change.active,
            };
            let ends_tokens =
                account.ends_tokens(user.role, user.active, change.password_hash.is_some());
            if ends_tokens {
                user.token_generation = user.token_generation.saturating_add(1);
            }
            user.role = change.role.unwrap_or(user.role);
            user.active = change.active.unwrap_or(user.active);
            if let Some(hash) = &change.password_hash {
                user.password_hash.clone_from(hash);
            }
            if let Some(offices) = &change.offices {
                check_offices(conn, offices, user.municipality.as_ref())?;
                user.offices = offices.clone();
            }
            user.updated_at = now;
            diesel::update(staff_users::table.find(username.as_str()))
                .set((
                    staff_users::role.eq(user.role.as_str()),
                    staff_users::active.eq(user.active),
                    staff_users::password_hash.eq(&user.password_hash),
                    staff_users::updated_at.eq(to_db(now)),
                    staff_users::token_generation.eq(user.token_generation),
                    staff_users::offices.eq(stored_offices(&user.offices)),
                ))
                .execute(conn)?;
            let detail = serde_json::json!({
                "username": username.as_str(),
                "role": change.role,
                "active": change.active,
                "password_reset": change.password_hash.is_some(),
                "offices": change.offices.as_ref().map(|o| stored_offices(o).unwrap_or_else(|| "all".into())),
                "tokens_ended": ends_tokens,
            });
            let audit = Audit {
                municipality: user.municipality.as_ref().map(MunicipalityId::as_str),
                ..Audit::new(actor.as_str(), AuditAction::UserChange, detail)
            };
            record(conn, &audit, now)?;
            Ok(user)
        })
    }
}

fn insert_user(
    conn: &mut DbConnection,
    username: &Username,
    password_hash: &str,
    role: Role,
    offices: &OfficeScope,
    municipality: Option<&MunicipalityId>,
    now: OffsetDateTime,
) -> Result<StaffUser, StoreError> {
    let row = UserRow {
        username: username.as_str().to_owned(),
        password_hash: password_hash.to_owned(),
        role: role.as_str().to_owned(),
        active: true,
        created_at: to_db(now),
        updated_at: to_db(now),
        token_generation: 0,
        offices: stored_offices(offices),
        municipality: municipality.map(|m| m.as_str().to_owned()),
    };
    diesel::insert_into(staff_users::table)
        .values(&row)
        .execute(conn)?;
    row.try_into()
}
