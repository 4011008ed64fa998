//! The outbox of messages to citizens (R23), for admins.

use crate::auth::Admins;
use crate::http::dto::{MessageDto, MessageStatusDto};
use crate::http::error::{AdminAuth, ApiError, ErrorCode, Problem};
use crate::http::extract::Authorized;
use crate::state::AppState;
use crate::usecases::admin::records;
use crate::usecases::staff::Actor;
use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessagesQuery {
    /// Only messages in this status (default: all).
    #[param(value_type = Option<MessageStatusDto>)]
    pub(crate) status: Option<MessageStatusDto>,
    /// At most this many, the latest due first (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub(crate) limit: Option<u32>,
}

/// Messages to citizens in the outbox (R23), the latest due first: what
/// waits (also when no mail server is set), what was sent, what failed
/// after its last retry. No address and no text: the booking id leads to
/// them.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(MessagesQuery),
    responses(
        AdminAuth,
        (status = 200, description = "The messages", body = [MessageDto]),
        (status = 400, description = "Malformed query, e.g. an unknown status (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/admin/messages")]
pub async fn list_messages(
    admin: Authorized<Admins>,
    state: web::Data<AppState>,
    query: web::Query<MessagesQuery>,
) -> Result<web::Json<Vec<MessageDto>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        let detail = "`limit` must lie between 1 and 1000";
        return Err(ApiError::bad_request(ErrorCode::InvalidQuery, detail));
    }
    let status = query.status.map(|s| s.0);
    let list = records::messages(&state, &Actor::from(&admin), status, limit).await?;
    Ok(web::Json(list.into_iter().map(Into::into).collect()))
}
