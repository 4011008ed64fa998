//! Staff accounts (admin only, R11).

use crate::auth::Admins;
use crate::http::dto::{NewUserDto, PasswordDto, UserChangeDto, UserDto};
use crate::http::error::ErrorCode;
use crate::http::error::{AdminAuth, ApiError, BodyLimits, Problem};
use crate::http::extract::{Authorized, JsonBody, UsernamePath};
use crate::state::AppState;
use crate::usecases::admin::users::{self, NewAccount};
use crate::usecases::staff::Actor;
use actix_web::{HttpResponse, get, patch, post, put, web};
use domain::{
    AccountChange, MunicipalityId, OfficeId, OfficeScope, Username, check_account_change,
};
use persistence::UserChange;

/// R39: a municipality named in a body; one that cannot exist is unknown
/// (422), as one that does not.
fn municipality_in_body(named: Option<String>) -> Result<Option<MunicipalityId>, ApiError> {
    named
        .map(|m| {
            MunicipalityId::parse(&m).map_err(|_| {
                ApiError::unprocessable(
                    ErrorCode::UnknownMunicipality,
                    format!("there is no municipality `{m}`"),
                )
            })
        })
        .transpose()
}

/// R29: the offices of a body; none named is every office.
fn office_scope(offices: Option<Vec<String>>) -> Result<OfficeScope, ApiError> {
    let Some(list) = offices else {
        return Ok(OfficeScope::All);
    };
    let ids = list
        .iter()
        .map(|id| {
            OfficeId::parse(id).map_err(|_| {
                ApiError::unprocessable(
                    ErrorCode::UnknownOffice,
                    format!("there is no office `{id}`"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(OfficeScope::only(ids)?)
}

/// Creates a staff account (admin only); without `offices` it acts on
/// every office (R29).
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
        (status = 422, description = "`invalid_username`, `weak_password`, `unknown_office`, `no_offices`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/admin/users")]
pub async fn create_user(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    body: JsonBody<NewUserDto>,
) -> Result<HttpResponse, ApiError> {
    let NewUserDto {
        username,
        password,
        role,
        offices,
        municipality,
    } = body.into_inner();
    let account = NewAccount {
        username: Username::parse(&username)?,
        offices: office_scope(offices)?,
        password,
        role: role.0,
        municipality: municipality_in_body(municipality)?,
    };
    let user = users::create_user(&state, &Actor::from(&admin), account).await?;
    Ok(HttpResponse::Created().json(UserDto::from(user)))
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
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<UserDto>>, ApiError> {
    let list = users::users(&state, &Actor::from(&admin)).await?;
    Ok(web::Json(list.into_iter().map(UserDto::from).collect()))
}

/// Changes a staff account's role or offices (R29) or disables / enables
/// it; a change of role or active flag ends the account's tokens at once
/// (R11). Audited.
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
        (status = 422, description = "An admin cannot disable or demote themself (`cannot_change_self`); `unknown_office`, `no_offices`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/admin/users/{username}")]
pub async fn change_user(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    UsernamePath(username): UsernamePath,
    body: JsonBody<UserChangeDto>,
) -> Result<web::Json<UserDto>, ApiError> {
    let change = AccountChange {
        role: body.role.map(|r| r.0),
        active: body.active,
    };
    check_account_change(&admin.username, &username, change)?;
    let offices = body.offices.clone().map(office_scope).transpose()?;
    let change = UserChange {
        role: change.role,
        active: change.active,
        password_hash: None,
        offices,
    };
    let user = users::change_user(&state, &Actor::from(&admin), username, change).await?;
    Ok(web::Json(user.into()))
}

/// Sets a new password for a staff account; its tokens end at once (R11).
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
    UsernamePath(username): UsernamePath,
    body: JsonBody<PasswordDto>,
) -> Result<HttpResponse, ApiError> {
    let password = body.into_inner().password;
    users::reset_password(&state, &Actor::from(&admin), username, password).await?;
    Ok(HttpResponse::NoContent().finish())
}
