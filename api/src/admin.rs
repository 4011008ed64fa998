//! Administration: staff accounts, office configuration, the audit log.
//! Every change to an office that would strand confirmed bookings is refused
//! with the list (409 `would_orphan_bookings`), or applied with `force=true`
//! and the list returned. Slot search follows a change at once.

use crate::AppState;
use crate::auth::{Admins, Authorized, Role, hash_password};
use crate::citizen::{not_found_to_unknown_office, office_id, unknown_office};
use crate::error::{AdminAuth, ApiError, BodyLimits, OfficeChangeErrors, Problem};
use crate::model::{OrphanedBookingDto, format_date, parse_date};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use domain::{DayTicketPolicy, Office, OfficeId, Service, ServiceId, WeeklyHours, Window};
use persistence::{Audit, StoreError, UserChange};
use serde::{Deserialize, Serialize};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, Time};
use utoipa::{IntoParams, ToSchema};

const TIME_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[hour]:[minute]");

fn parse_time(field: &str, value: &str) -> Result<Time, ApiError> {
    Time::parse(value.trim(), TIME_FORMAT).map_err(|_| {
        ApiError::bad_request(
            "invalid_body",
            format!("`{field}` must be a time of day like 08:30, not `{value}`"),
        )
    })
}

fn format_time(t: Time) -> String {
    t.format(TIME_FORMAT).unwrap_or_else(|_| t.to_string())
}

// ---------------------------------------------------------------- users

/// A staff account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub username: String,
    pub role: Role,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl TryFrom<persistence::StaffUser> for UserDto {
    type Error = ApiError;
    fn try_from(u: persistence::StaffUser) -> Result<Self, ApiError> {
        Ok(Self {
            role: Role::parse(&u.role)
                .ok_or_else(|| ApiError::internal(&format!("stored role `{}`", u.role)))?,
            username: u.username,
            active: u.active,
            created_at: u.created_at,
        })
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
    pub password: String,
    pub role: Role,
}

fn valid_username(name: &str) -> Result<String, ApiError> {
    let lower = name.trim().to_lowercase();
    let ok = (2..=64).contains(&lower.len())
        && lower
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(lower)
    } else {
        Err(ApiError::unprocessable(
            "invalid_username",
            "a username has 2 to 64 characters of a–z, 0–9, `.`, `_`, `-`",
        ))
    }
}

async fn hash(password: String) -> Result<String, ApiError> {
    web::block(move || hash_password(&password))
        .await?
        .map_err(|e| ApiError::unprocessable("weak_password", e.to_string()))
}

/// Creates a staff account (admin only).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewUserDto,
    responses(
        BodyLimits,
        AdminAuth,
        (status = 201, description = "Created", body = UserDto),
        (status = 400, description = "Malformed body, unknown role (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken (`username_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_username`, `weak_password`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/admin/users")]
pub async fn create_user(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    body: web::Json<NewUserDto>,
) -> Result<HttpResponse, ApiError> {
    let NewUserDto {
        username,
        password,
        role,
    } = body.into_inner();
    let username = valid_username(&username)?;
    let password_hash = hash(password).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    let user = web::block(move || {
        store.create_user(
            &username,
            &password_hash,
            role.as_str(),
            &admin.username,
            now,
        )
    })
    .await??;
    Ok(HttpResponse::Created().json(UserDto::try_from(user)?))
}

/// Every staff account.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        AdminAuth,
        (status = 200, description = "The accounts, by name", body = [UserDto]),
    )
)]
#[get("/api/v1/admin/users")]
pub async fn list_users(
    _admin: Authorized<Admins>,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<UserDto>>, ApiError> {
    let store = state.store.clone();
    let users = web::block(move || store.users()).await??;
    Ok(web::Json(
        users
            .into_iter()
            .map(UserDto::try_from)
            .collect::<Result<_, _>>()?,
    ))
}

/// A change of role or of the active flag (`active: false` disables the
/// account; its tokens stop working at once).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct UserChangeDto {
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// Changes a staff account's role or disables / enables it.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("username" = String, Path, description = "Username")),
    request_body = UserChangeDto,
    responses(
        BodyLimits,
        AdminAuth,
        (status = 200, description = "Changed", body = UserDto),
        (status = 404, description = "No such account (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An admin cannot disable or demote themself (`cannot_change_self`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/admin/users/{username}")]
pub async fn change_user(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<UserChangeDto>,
) -> Result<web::Json<UserDto>, ApiError> {
    let username = path.into_inner().to_lowercase();
    let change = body.into_inner();
    if username == admin.username
        && (change.active == Some(false) || change.role.is_some_and(|r| r != Role::Admin))
    {
        return Err(ApiError::unprocessable(
            "cannot_change_self",
            "an admin cannot disable or demote their own account",
        ));
    }
    let now = state.clock.now();
    let store = state.store.clone();
    let user = web::block(move || {
        store.change_user(
            &username,
            &UserChange {
                role: change.role.map(|r| r.as_str().to_owned()),
                active: change.active,
                password_hash: None,
            },
            &admin.username,
            now,
        )
    })
    .await??;
    Ok(web::Json(UserDto::try_from(user)?))
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordDto {
    /// 10 to 200 characters.
    pub password: String,
}

/// Sets a new password for a staff account.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("username" = String, Path, description = "Username")),
    request_body = PasswordDto,
    responses(
        BodyLimits,
        AdminAuth,
        (status = 204, description = "Set"),
        (status = 404, description = "No such account (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`weak_password`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/admin/users/{username}/password")]
pub async fn reset_password(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<PasswordDto>,
) -> Result<HttpResponse, ApiError> {
    let username = path.into_inner();
    let password_hash = hash(body.into_inner().password).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    web::block(move || {
        store.change_user(
            &username,
            &UserChange {
                password_hash: Some(password_hash),
                ..UserChange::default()
            },
            &admin.username,
            now,
        )
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}

// ---------------------------------------------------------------- offices

/// An opening window, local time `HH:MM`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"start": "08:30", "end": "12:00"}))]
pub struct WindowDto {
    pub start: String,
    pub end: String,
}

/// Opening windows per weekday; a day left out has none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursDto {
    #[serde(default)]
    pub monday: Vec<WindowDto>,
    #[serde(default)]
    pub tuesday: Vec<WindowDto>,
    #[serde(default)]
    pub wednesday: Vec<WindowDto>,
    #[serde(default)]
    pub thursday: Vec<WindowDto>,
    #[serde(default)]
    pub friday: Vec<WindowDto>,
    #[serde(default)]
    pub saturday: Vec<WindowDto>,
    #[serde(default)]
    pub sunday: Vec<WindowDto>,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl HoursDto {
    fn days(&self) -> [&Vec<WindowDto>; 7] {
        [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ]
    }

    fn to_domain(&self) -> Result<WeeklyHours, ApiError> {
        let mut hours = WeeklyHours::default();
        for (i, windows) in self.days().into_iter().enumerate() {
            for w in windows {
                hours.0[i].push(Window {
                    start: parse_time(&format!("{}.start", WEEKDAYS[i]), &w.start)?,
                    end: parse_time(&format!("{}.end", WEEKDAYS[i]), &w.end)?,
                });
            }
        }
        Ok(hours)
    }

    fn from_domain(hours: &WeeklyHours) -> Self {
        let list = |i: usize| {
            hours.0[i]
                .iter()
                .map(|w| WindowDto {
                    start: format_time(w.start),
                    end: format_time(w.end),
                })
                .collect()
        };
        Self {
            monday: list(0),
            tuesday: list(1),
            wednesday: list(2),
            thursday: list(3),
            friday: list(4),
            saturday: list(5),
            sunday: list(6),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WeekdayDto {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

const ALL_WEEKDAYS: [WeekdayDto; 7] = [
    WeekdayDto::Monday,
    WeekdayDto::Tuesday,
    WeekdayDto::Wednesday,
    WeekdayDto::Thursday,
    WeekdayDto::Friday,
    WeekdayDto::Saturday,
    WeekdayDto::Sunday,
];

/// The Tagesticket contingent (R12, R13).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_back_counters": 1, "per_day": 12, "online_from": "07:00", "staff_from": "08:00",
    "weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"]
}))]
pub struct DayTicketPolicyDto {
    /// Counters kept from advance booking on Tagesticket days.
    pub held_back_counters: u32,
    /// Tagestickets a day.
    pub per_day: u32,
    /// Released online at (`HH:MM`).
    pub online_from: String,
    /// Released at the Infotheke and by telephone at.
    pub staff_from: String,
    pub weekdays: Vec<WeekdayDto>,
}

impl DayTicketPolicyDto {
    fn to_domain(&self) -> Result<DayTicketPolicy, ApiError> {
        Ok(DayTicketPolicy {
            held_back_counters: self.held_back_counters,
            per_day: self.per_day,
            online_from: parse_time("online_from", &self.online_from)?,
            staff_from: parse_time("staff_from", &self.staff_from)?,
            weekdays: std::array::from_fn(|i| self.weekdays.contains(&ALL_WEEKDAYS[i])),
        })
    }

    fn from_domain(p: &DayTicketPolicy) -> Self {
        Self {
            held_back_counters: p.held_back_counters,
            per_day: p.per_day,
            online_from: format_time(p.online_from),
            staff_from: format_time(p.staff_from),
            weekdays: ALL_WEEKDAYS
                .iter()
                .zip(p.weekdays)
                .filter(|(_, on)| *on)
                .map(|(d, _)| *d)
                .collect(),
        }
    }
}

/// A service as the admin sees it, retired ones included.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdminServiceDto {
    pub id: String,
    pub name: String,
    pub duration_minutes: u32,
    /// `false`: retired, no longer bookable; kept for the bookings naming it.
    pub active: bool,
}

/// A closure day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosureDto {
    #[schema(example = "2026-12-24")]
    pub date: String,
    #[schema(example = "Heiligabend")]
    pub reason: String,
}

/// An office's whole configuration.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeConfigDto {
    pub id: String,
    pub name: String,
    pub address: String,
    pub counters: u32,
    pub grid_minutes: u32,
    pub lead_days: u32,
    pub horizon_days: u32,
    pub max_per_service: u32,
    pub max_total_minutes: u32,
    pub hours: HoursDto,
    /// `null`: no Tagesticket.
    pub day_ticket: Option<DayTicketPolicyDto>,
    pub closures: Vec<ClosureDto>,
    pub services: Vec<AdminServiceDto>,
}

impl From<&Office> for OfficeConfigDto {
    fn from(o: &Office) -> Self {
        Self {
            id: o.id.as_str().to_owned(),
            name: o.name.clone(),
            address: o.address.clone(),
            counters: o.counters,
            grid_minutes: o.grid_minutes,
            lead_days: o.lead_days,
            horizon_days: o.horizon_days,
            max_per_service: o.max_per_service,
            max_total_minutes: o.max_total_minutes,
            hours: HoursDto::from_domain(&o.hours),
            day_ticket: o.day_ticket.as_ref().map(DayTicketPolicyDto::from_domain),
            closures: o
                .closures
                .iter()
                .map(|(d, r)| ClosureDto {
                    date: format_date(*d),
                    reason: r.clone(),
                })
                .collect(),
            services: o
                .services
                .iter()
                .map(|s| AdminServiceDto {
                    id: s.id.as_str().to_owned(),
                    name: s.name.clone(),
                    duration_minutes: s.minutes,
                    active: s.active,
                })
                .collect(),
        }
    }
}

/// An applied change: the configuration now, and the bookings it stranded
/// (only ever non-empty with `force=true`: contact those citizens).
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeChangeDto {
    pub office: OfficeConfigDto,
    pub orphaned_bookings: Vec<OrphanedBookingDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ForceQuery {
    /// Apply even if confirmed bookings would be stranded; they are returned.
    #[serde(default)]
    force: bool,
}

/// Runs an office change in the store, audited, and answers with the result.
async fn change_office(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    raw_office: String,
    force: bool,
    action: &'static str,
    detail: serde_json::Value,
    change: impl Fn(&mut Office) -> Result<(), StoreError> + Send + 'static,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let id = office_id(&raw_office)?;
    let now = state.clock.now();
    let store = state.store.clone();
    let result = web::block(move || {
        store.update_office(
            &id,
            &change,
            force,
            &Audit {
                actor: &admin.username,
                action,
                office: None,
                booking: None,
                detail,
            },
            now,
        )
    })
    .await?
    .map_err(|e| match e {
        StoreError::UnknownOffice => unknown_office(&raw_office),
        other => other.into(),
    })?;
    tracing::info!(office = %raw_office, action, orphaned = result.orphaned.len(), "office changed");
    Ok(web::Json(OfficeChangeDto {
        office: OfficeConfigDto::from(&*result.office),
        orphaned_bookings: result.orphaned.into_iter().map(Into::into).collect(),
    }))
}

/// An office's whole configuration.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    responses(
        AdminAuth,
        (status = 200, description = "The configuration", body = OfficeConfigDto),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/offices/{office}")]
pub async fn office_config(
    _admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<OfficeConfigDto>, ApiError> {
    let raw = path.into_inner();
    let id: OfficeId = office_id(&raw)?;
    let store = state.store.clone();
    let office = web::block(move || store.office(&id))
        .await?
        .map_err(|e| not_found_to_unknown_office(e, &raw))?;
    Ok(web::Json(OfficeConfigDto::from(&*office)))
}

/// Changes of an office's settings; fields left out stay.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"counters": 5}))]
pub struct OfficeSettingsDto {
    pub name: Option<String>,
    pub address: Option<String>,
    pub counters: Option<u32>,
    pub grid_minutes: Option<u32>,
    pub lead_days: Option<u32>,
    pub horizon_days: Option<u32>,
    pub max_per_service: Option<u32>,
    pub max_total_minutes: Option<u32>,
}

/// Changes counters, name, address, grid, lead, horizon or limits.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    request_body = OfficeSettingsDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid configuration (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/admin/offices/{office}")]
pub async fn change_settings(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ForceQuery>,
    body: web::Json<OfficeSettingsDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let s = body.into_inner();
    let detail = serde_json::to_value(&s).unwrap_or_default();
    change_office(
        admin,
        state,
        path.into_inner(),
        query.force,
        "office.settings",
        detail,
        move |o| {
            if let Some(v) = &s.name {
                o.name.clone_from(v);
            }
            if let Some(v) = &s.address {
                o.address.clone_from(v);
            }
            o.counters = s.counters.unwrap_or(o.counters);
            o.grid_minutes = s.grid_minutes.unwrap_or(o.grid_minutes);
            o.lead_days = s.lead_days.unwrap_or(o.lead_days);
            o.horizon_days = s.horizon_days.unwrap_or(o.horizon_days);
            o.max_per_service = s.max_per_service.unwrap_or(o.max_per_service);
            o.max_total_minutes = s.max_total_minutes.unwrap_or(o.max_total_minutes);
            Ok(())
        },
    )
    .await
}

/// Replaces the weekly opening windows.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    request_body = HoursDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed body or time (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Overlapping or off-grid windows (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/admin/offices/{office}/hours")]
pub async fn set_hours(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ForceQuery>,
    body: web::Json<HoursDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let hours = body.to_domain()?;
    let detail = serde_json::json!({"hours": &*body});
    change_office(
        admin,
        state,
        path.into_inner(),
        query.force,
        "office.hours",
        detail,
        move |o| {
            o.hours = hours.clone();
            Ok(())
        },
    )
    .await
}

/// Sets the Tagesticket contingent.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    request_body = DayTicketPolicyDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed body or time (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More held back than counters (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/admin/offices/{office}/day-ticket")]
pub async fn set_day_ticket(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ForceQuery>,
    body: web::Json<DayTicketPolicyDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let policy = body.to_domain()?;
    let detail = serde_json::json!({"day_ticket": &*body});
    change_office(
        admin,
        state,
        path.into_inner(),
        query.force,
        "office.day_ticket",
        detail,
        move |o| {
            o.day_ticket = Some(policy.clone());
            Ok(())
        },
    )
    .await
}

/// Ends the Tagesticket for this office.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero"), ForceQuery),
    responses(
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
    )
)]
#[delete("/api/v1/admin/offices/{office}/day-ticket")]
pub async fn remove_day_ticket(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ForceQuery>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    change_office(
        admin,
        state,
        path.into_inner(),
        query.force,
        "office.day_ticket",
        serde_json::json!({"day_ticket": null}),
        |o| {
            o.day_ticket = None;
            Ok(())
        },
    )
    .await
}

/// A new service.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "wohnsitzbescheinigung", "name": "Wohnsitzbescheinigung", "duration_minutes": 10}))]
pub struct NewServiceDto {
    /// A slug: a–z, 0–9 and `-`.
    pub id: String,
    pub name: String,
    /// A multiple of 5.
    pub duration_minutes: u32,
}

fn service_id(raw: &str) -> Result<ServiceId, ApiError> {
    ServiceId::parse(raw).map_err(|e| ApiError::unprocessable("invalid_service_id", e.to_string()))
}

/// Adds a service.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("office" = String, Path, description = "Office id", example = "buergerbuero")),
    request_body = NewServiceDto,
    responses(
        BodyLimits,
        AdminAuth,
        (status = 200, description = "Added", body = OfficeChangeDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id exists (`service_exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_service_id`, `invalid_configuration`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/admin/offices/{office}/services")]
pub async fn add_service(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<NewServiceDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let new = body.into_inner();
    let id = service_id(&new.id)?;
    let detail = serde_json::to_value(&new).unwrap_or_default();
    {
        let store = state.store.clone();
        let office = office_id(&path)?;
        let raw = path.clone();
        let existing = web::block(move || store.office(&office))
            .await?
            .map_err(|e| not_found_to_unknown_office(e, &raw))?;
        if existing.service(&id).is_some() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "service_exists",
                format!(
                    "the office already has a service `{}`; change it instead",
                    id.as_str()
                ),
            ));
        }
    }
    change_office(
        admin,
        state,
        path.into_inner(),
        false,
        "service.add",
        detail,
        move |o| {
            o.services.push(Service {
                id: id.clone(),
                name: new.name.trim().to_owned(),
                minutes: new.duration_minutes,
                active: true,
            });
            Ok(())
        },
    )
    .await
}

/// A change of a service; fields left out stay. A new duration applies to
/// bookings made from now on; existing ones keep their length.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"duration_minutes": 25}))]
pub struct ServiceChangeDto {
    pub name: Option<String>,
    pub duration_minutes: Option<u32>,
    /// `false` retires the service, `true` offers it again.
    pub active: Option<bool>,
}

fn change_service(
    o: &mut Office,
    id: &ServiceId,
    f: impl FnOnce(&mut Service),
) -> Result<(), StoreError> {
    let service = o
        .services
        .iter_mut()
        .find(|s| &s.id == id)
        .ok_or(StoreError::NotFound)?;
    f(service);
    Ok(())
}

/// Changes a service's name or duration, or retires / reactivates it.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("service" = String, Path, description = "Service id", example = "personalausweis"),
    ),
    request_body = ServiceChangeDto,
    responses(
        BodyLimits,
        AdminAuth,
        (status = 200, description = "Changed", body = OfficeChangeDto),
        (status = 400, description = "Malformed body (`invalid_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office or service (`unknown_office`, `not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_configuration`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/admin/offices/{office}/services/{service}")]
pub async fn update_service(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<ServiceChangeDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let (office, service) = path.into_inner();
    let id = ServiceId::parse(&service)
        .map_err(|_| ApiError::not_found(format!("there is no service `{service}`")))?;
    let change = body.into_inner();
    let detail = serde_json::json!({"service": service, "change": &change});
    change_office(
        admin,
        state,
        office,
        false,
        "service.change",
        detail,
        move |o| {
            change_service(o, &id, |s| {
                if let Some(name) = &change.name {
                    s.name = name.trim().to_owned();
                }
                s.minutes = change.duration_minutes.unwrap_or(s.minutes);
                s.active = change.active.unwrap_or(s.active);
            })
        },
    )
    .await
    .map_err(service_not_found(&service))
}

fn service_not_found(service: &str) -> impl FnOnce(ApiError) -> ApiError + '_ {
    move |e| {
        if e.code() == "not_found" {
            ApiError::not_found(format!("there is no service `{service}`"))
        } else {
            e
        }
    }
}

/// Retires a service: no longer bookable; bookings naming it stay.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("service" = String, Path, description = "Service id", example = "personalausweis"),
    ),
    responses(
        AdminAuth,
        (status = 200, description = "Retired", body = OfficeChangeDto),
        (status = 404, description = "Unknown office or service", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/admin/offices/{office}/services/{service}")]
pub async fn retire_service(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let (office, service) = path.into_inner();
    let id = ServiceId::parse(&service)
        .map_err(|_| ApiError::not_found(format!("there is no service `{service}`")))?;
    let detail = serde_json::json!({"service": service});
    change_office(
        admin,
        state,
        office,
        false,
        "service.retire",
        detail,
        move |o| change_service(o, &id, |s| s.active = false),
    )
    .await
    .map_err(service_not_found(&service))
}

/// Why the office is closed that day, shown to citizens.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Heiligabend"}))]
pub struct ClosureReasonDto {
    pub reason: String,
}

/// Closes the office on a day (R6).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("date" = String, Path, description = "The day, `YYYY-MM-DD`", example = "2026-12-24"),
        ForceQuery,
    ),
    request_body = ClosureReasonDto,
    responses(
        BodyLimits,
        AdminAuth,
        OfficeChangeErrors,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed date or body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given (`invalid_configuration`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/admin/offices/{office}/closures/{date}")]
pub async fn add_closure(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ForceQuery>,
    body: web::Json<ClosureReasonDto>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let (office, raw_date) = path.into_inner();
    let date = parse_date("date", &raw_date)?;
    let reason = body.into_inner().reason.trim().to_owned();
    let detail = serde_json::json!({"date": raw_date, "reason": reason});
    change_office(
        admin,
        state,
        office,
        query.force,
        "office.closure",
        detail,
        move |o| {
            o.closures.insert(date, reason.clone());
            Ok(())
        },
    )
    .await
}

/// Opens a closure day again.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("date" = String, Path, description = "The day, `YYYY-MM-DD`", example = "2026-12-24"),
    ),
    responses(
        AdminAuth,
        (status = 200, description = "Applied", body = OfficeChangeDto),
        (status = 400, description = "Malformed date", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or no closure that day (`not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/admin/offices/{office}/closures/{date}")]
pub async fn remove_closure(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<OfficeChangeDto>, ApiError> {
    let (office, raw_date) = path.into_inner();
    let date = parse_date("date", &raw_date)?;
    let detail = serde_json::json!({"date": raw_date, "removed": true});
    change_office(
        admin,
        state,
        office,
        false,
        "office.closure",
        detail,
        move |o| {
            o.closures
                .remove(&date)
                .map(drop)
                .ok_or(StoreError::NotFound)
        },
    )
    .await
}

/// An entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The staff user (or `system`).
    pub actor: String,
    /// E.g. `booking.create`, `booking.cancel`, `office.hours`, `user.create`.
    pub action: String,
    pub office: Option<String>,
    pub booking: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// At most this many entries, newest first (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// The audit log of staff actions, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        AdminAuth,
        (status = 200, description = "The newest entries", body = [AuditEntryDto]),
        (status = 400, description = "Malformed query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/audit")]
pub async fn audit_log(
    _admin: Authorized<Admins>,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Vec<AuditEntryDto>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "`limit` must lie between 1 and 1000",
        ));
    }
    let store = state.store.clone();
    let entries = web::block(move || store.audit_log(limit)).await??;
    Ok(web::Json(
        entries
            .into_iter()
            .map(|e| AuditEntryDto {
                id: e.id,
                at: e.at,
                actor: e.actor,
                action: e.action,
                office: e.office,
                booking: e.booking,
                detail: e.detail,
            })
            .collect(),
    ))
}
