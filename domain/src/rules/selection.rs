//! What is asked for: the services (R3, R4), the start, the kind and channel.

use super::BookingError;
use crate::booking::{BookingKind, Channel};
use crate::config::Office;
use crate::ids::ServiceId;
use crate::occupancy::Pool;
use time::{Date, OffsetDateTime};

/// A validated multiset of services (R3): order kept, repeats allowed. The
/// booking stores exactly these services, in this order, with the minutes
/// each took when it was booked (R4: only what was booked is handled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    services: Vec<(ServiceId, u32)>,
    minutes: u32,
}

impl Selection {
    pub fn new(office: &Office, ids: &[ServiceId]) -> Result<Self, BookingError> {
        if ids.is_empty() {
            return Err(BookingError::NoServices);
        }
        let mut services = Vec::with_capacity(ids.len());
        for id in ids {
            let service = office
                .service(id)
                .ok_or_else(|| BookingError::UnknownService(id.clone()))?;
            if !service.active {
                return Err(BookingError::ServiceRetired(id.clone()));
            }
            let times = ids.iter().filter(|x| *x == id).count();
            if times > office.settings.max_per_service as usize {
                return Err(BookingError::TooManyOfService {
                    service: id.clone(),
                    max: office.settings.max_per_service,
                });
            }
            services.push((id.clone(), service.minutes));
        }
        let minutes = services.iter().map(|(_, m)| m).sum();
        if minutes > office.settings.max_total_minutes {
            return Err(BookingError::TooLong {
                minutes,
                max: office.settings.max_total_minutes,
            });
        }
        Ok(Self { services, minutes })
    }

    /// A selection accepted earlier (a hold's, R19), with the minutes each
    /// service took then; no rule is checked again.
    pub fn accepted(services: Vec<(ServiceId, u32)>) -> Self {
        let minutes = services.iter().map(|(_, m)| m).sum();
        Self { services, minutes }
    }

    pub fn minutes(&self) -> u32 {
        self.minutes
    }

    /// The services in the order chosen, each with its duration at booking time.
    pub fn services(&self) -> &[(ServiceId, u32)] {
        &self.services
    }
}

/// A request to book `selection` at `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRequest {
    pub selection: Selection,
    pub start: OffsetDateTime,
    pub kind: BookingKind,
    pub channel: Channel,
}

/// A request that passed every rule: what persistence stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Start and end as Berlin local time with the offset in force.
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub date: Date,
    pub pool: Pool,
}
