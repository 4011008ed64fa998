//! The waiting-room screen of an office (R28): the calls as Server-Sent
//! Events, codes and counters only, never a name.

use crate::http::dto::CallDto;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::OfficePath;
use crate::http::protocol::HeadRequest;
use crate::state::AppState;
use crate::usecases::screens::{self, Screen, Watch};
use actix_web::http::header::CACHE_CONTROL;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use persistence::Call;
use std::convert::Infallible;

/// One SSE event of a call, its `data` the call as the display shows it
/// (`CallDto`); its id is the call's number, which the browser sends back as
/// `Last-Event-ID` when it reconnects.
fn event(call: &Call) -> Bytes {
    let data = serde_json::to_string(&CallDto::from(call)).unwrap_or_default();
    let seq = call.seq;
    Bytes::from(format!("id: {seq}\nevent: call\ndata: {data}\n\n"))
}

/// The call a reconnecting screen showed last. The header is the id of an
/// event of this stream; anything else is ignored (the screen then starts
/// afresh with the last few calls), as SSE ids are opaque to a browser.
fn resume_from(req: &HttpRequest) -> Option<i64> {
    req.headers()
        .get("Last-Event-ID")?
        .to_str()
        .ok()?
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|seq| *seq >= 0)
}

/// The calls of an office as `text/event-stream`: first the last few calls
/// of today, then each new call as it is made, through any server process
/// (the stream follows the database). Each event is `event: call` with
/// `data: {code, counter, called_at}` and `id:` the call's number; a screen
/// that reconnects with `Last-Event-ID` gets the calls of today after that
/// one first (the newest 100 at most), instead of the last few. A comment line (`: heartbeat`) about
/// every 15 s keeps proxies from closing the connection.
#[utoipa::path(
    tag = "offices",
    params(
        ("office" = String, Path, description = "Office id", example = "buergerbuero"),
        ("Last-Event-ID" = Option<String>, Header, description = "The `id` of the last event a reconnecting screen showed (browsers send it by themselves); a value that is not such an id is ignored", example = "42"),
    ),
    responses(
        (status = 200, description = "An endless stream of `event: call` with `data:` a call as JSON, and heartbeat comments", body = CallDto, content_type = "text/event-stream"),
        (status = 404, description = "Unknown office (`unknown_office`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This address has 20 streams open already, or too many reads (`rate_limited`); see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server holds all the streams it may (`busy`); see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/offices/{office}/display")]
pub async fn display(
    req: HttpRequest,
    state: web::Data<AppState>,
    OfficePath(office): OfficePath,
) -> Result<HttpResponse, ApiError> {
    let watch = if req.extensions().contains::<HeadRequest>() {
        Watch::Look
    } else {
        Watch::Stream {
            address: state.proxies.of(&req),
            resume: resume_from(&req),
        }
    };
    let Some(Screen {
        subscription,
        permit,
        heartbeat: period,
    }) = screens::watch(&state, office, watch).await?
    else {
        return Ok(HttpResponse::Ok()
            .content_type("text/event-stream")
            .insert_header((CACHE_CONTROL, "no-cache"))
            .finish());
    };
    let mut opening = String::from("retry: 3000\n\n");
    for call in &subscription.recent {
        opening.push_str(&String::from_utf8_lossy(&event(call)));
    }
    let heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    let stream = futures_util::stream::unfold(
        (subscription, Some(Bytes::from(opening)), heartbeat, permit),
        |(mut subscription, opening, mut heartbeat, permit)| async move {
            if let Some(bytes) = opening {
                let state = (subscription, None, heartbeat, permit);
                return Some((Ok::<_, Infallible>(bytes), state));
            }
            let bytes = tokio::select! {
                call = subscription.next() => event(&call?),
                _ = heartbeat.tick() => Bytes::from_static(b": heartbeat\n\n"),
            };
            Some((Ok(bytes), (subscription, None, heartbeat, permit)))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((CACHE_CONTROL, "no-cache"))
        // nginx: pass each event on at once.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}
