//! The counter (R28): the clerk's call, the queue, the display's calls.

use persistence::{Booking, Call, Queue};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// The clerk's counter, numbered from 1.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"counter": 2}))]
pub struct NextDto {
    #[schema(minimum = 1)]
    pub counter: u32,
}

/// Today's queue of an office: who waits since when, who is served where.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueDto {
    /// Checked in and waiting, in the order they will be called.
    pub waiting: Vec<WaitingDto>,
    /// Called and not yet closed, by counter.
    pub serving: Vec<ServingDto>,
}

/// A checked-in booking waiting for its call.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingDto {
    pub id: Uuid,
    #[schema(example = "K7M3QX9A")]
    pub code: String,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    /// Waiting since.
    #[serde(with = "time::serde::rfc3339")]
    pub checked_in_at: OffsetDateTime,
    pub services: Vec<String>,
}

/// A booking being served.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServingDto {
    pub id: Uuid,
    #[schema(example = "K7M3QX9A")]
    pub code: String,
    pub name: String,
    pub counter: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub called_at: OffsetDateTime,
    /// The clerk who called.
    pub called_by: String,
}

/// One call as the public display shows it (`data` of an SSE `call` event):
/// never a name.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "K7M3QX9A", "counter": 2, "called_at": "2026-12-03T08:31:00+01:00"}))]
pub struct CallDto {
    pub code: String,
    pub counter: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub called_at: OffsetDateTime,
}

impl From<&Call> for CallDto {
    fn from(c: &Call) -> Self {
        Self {
            code: c.code.clone(),
            counter: c.counter,
            called_at: domain::Berlin::local(c.called_at),
        }
    }
}

fn services(b: &Booking) -> Vec<String> {
    b.services.iter().map(|s| s.as_str().to_owned()).collect()
}

impl From<Queue> for QueueDto {
    fn from(q: Queue) -> Self {
        Self {
            waiting: q
                .waiting
                .iter()
                .filter_map(|b| {
                    Some(WaitingDto {
                        id: b.id,
                        code: b.code.as_str().to_owned(),
                        name: b.citizen.name().to_owned(),
                        start: b.start,
                        checked_in_at: b.counter.checked_in.as_ref()?.at,
                        services: services(b),
                    })
                })
                .collect(),
            serving: q
                .serving
                .iter()
                .filter_map(|b| {
                    let called = b.counter.called.as_ref()?;
                    Some(ServingDto {
                        id: b.id,
                        code: b.code.as_str().to_owned(),
                        name: b.citizen.name().to_owned(),
                        counter: b.counter.counter?,
                        called_at: called.at,
                        called_by: called.by.as_str().to_owned(),
                    })
                })
                .collect(),
        }
    }
}
