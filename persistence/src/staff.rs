//! Staff accounts and the audit log.

use crate::connection::DbConnection;
use crate::schema::{audit_log, staff_users};
use crate::{Store, StoreError, from_db, to_db};
use diesel::prelude::*;
use time::OffsetDateTime;

/// A staff account. The role is one of `admin`, `desk`, `phone`, `clerk`
/// (the API gives them meaning); the hash is argon2id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
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
}

impl From<UserRow> for StaffUser {
    fn from(r: UserRow) -> Self {
        Self {
            username: r.username,
            password_hash: r.password_hash,
            role: r.role,
            active: r.active,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: String,
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub office: Option<String>,
    pub booking: Option<String>,
    pub detail: serde_json::Value,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    id: String,
    at: time::PrimitiveDateTime,
    actor: String,
    action: String,
    office_id: Option<String>,
    booking_id: Option<String>,
    detail: String,
}

/// What an audit entry records, written in the transaction of the action.
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub office: Option<&'a str>,
    pub booking: Option<&'a str>,
    pub detail: serde_json::Value,
}

pub(crate) fn record(
    conn: &mut DbConnection,
    audit: &Audit<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(audit_log::table)
        .values(AuditRow {
            id: uuid::Uuid::now_v7().to_string(),
            at: to_db(now),
            actor: audit.actor.to_owned(),
            action: audit.action.to_owned(),
            office_id: audit.office.map(str::to_owned),
            booking_id: audit.booking.map(str::to_owned),
            detail: audit.detail.to_string(),
        })
        .execute(conn)?;
    Ok(())
}

fn user_row(conn: &mut DbConnection, username: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(staff_users::table
        .find(username.to_lowercase())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// A change to a staff account.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub role: Option<String>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl Store {
    /// The account `username` (any case), active or not.
    pub fn user(&self, username: &str) -> Result<Option<StaffUser>, StoreError> {
        let mut conn = self.conn()?;
        Ok(user_row(&mut conn, username)?.map(Into::into))
    }

    /// Every account, by name.
    pub fn users(&self) -> Result<Vec<StaffUser>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<UserRow> = staff_users::table
            .order(staff_users::username)
            .select(UserRow::as_select())
            .load(&mut *conn)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Creates an account; `UsernameTaken` if the name (in any case) exists.
    pub fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<StaffUser, StoreError> {
        let username = username.to_lowercase();
        self.write(|conn| {
            if user_row(conn, &username)?.is_some() {
                return Err(StoreError::UsernameTaken);
            }
            insert_user(conn, &username, password_hash, role, now)?;
            record(
                conn,
                &Audit {
                    actor,
                    action: "user.create",
                    office: None,
                    booking: None,
                    detail: serde_json::json!({"username": username, "role": role}),
                },
                now,
            )?;
            user_row(conn, &username)?
                .map(Into::into)
                .ok_or(StoreError::NotFound)
        })
    }

    /// Creates `username` as admin if no account exists at all; returns
    /// whether it did (`TERMIN_BOOTSTRAP_ADMIN`).
    pub fn bootstrap_admin(
        &self,
        username: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let username = username.to_lowercase();
        self.write(|conn| {
            let existing: i64 = staff_users::table.count().get_result(conn)?;
            if existing > 0 {
                return Ok(false);
            }
            insert_user(conn, &username, password_hash, "admin", now)?;
            record(
                conn,
                &Audit {
                    actor: "system",
                    action: "user.bootstrap",
                    office: None,
                    booking: None,
                    detail: serde_json::json!({"username": username, "role": "admin"}),
                },
                now,
            )?;
            Ok(true)
        })
    }

    /// Changes role, active flag or password of `username`.
    pub fn change_user(
        &self,
        username: &str,
        change: &UserChange,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<StaffUser, StoreError> {
        let username = username.to_lowercase();
        self.write(|conn| {
            let mut row = user_row(conn, &username)?.ok_or(StoreError::NotFound)?;
            if let Some(role) = &change.role {
                row.role.clone_from(role);
            }
            if let Some(active) = change.active {
                row.active = active;
            }
            if let Some(hash) = &change.password_hash {
                row.password_hash.clone_from(hash);
            }
            row.updated_at = to_db(now);
            diesel::update(staff_users::table.find(&username))
                .set((
                    staff_users::role.eq(&row.role),
                    staff_users::active.eq(row.active),
                    staff_users::password_hash.eq(&row.password_hash),
                    staff_users::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?;
            record(
                conn,
                &Audit {
                    actor,
                    action: "user.change",
                    office: None,
                    booking: None,
                    detail: serde_json::json!({
                        "username": username,
                        "role": change.role,
                        "active": change.active,
                        "password_reset": change.password_hash.is_some(),
                    }),
                },
                now,
            )?;
            Ok(row.into())
        })
    }

    /// The newest `limit` audit entries, newest first.
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<AuditRow> = audit_log::table
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .limit(i64::from(limit))
            .select(AuditRow::as_select())
            .load(&mut *conn)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: from_db(r.at),
                actor: r.actor,
                action: r.action,
                office: r.office_id,
                booking: r.booking_id,
                detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }
}

fn insert_user(
    conn: &mut DbConnection,
    username: &str,
    password_hash: &str,
    role: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(staff_users::table)
        .values(UserRow {
            username: username.to_owned(),
            password_hash: password_hash.to_owned(),
            role: role.to_owned(),
            active: true,
            created_at: to_db(now),
            updated_at: to_db(now),
        })
        .execute(conn)?;
    Ok(())
}
