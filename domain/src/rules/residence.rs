//! R32: online Tagestickets for residents.

use super::BookingError;
use crate::booking::{BookingKind, Channel};
use crate::fair::Postcode;
use crate::settings::OfficeSettings;

/// R32: where the office keeps online Tagestickets for residents, the
/// citizen declares one of its postcodes (the desk checks the identity
/// document on arrival). Regular bookings, and staff, are not restricted.
pub fn check_residence(
    fair: &OfficeSettings,
    kind: BookingKind,
    channel: Channel,
    postcode: Option<&Postcode>,
) -> Result<(), BookingError> {
    let restricted = kind == BookingKind::DayTicket
        && channel == Channel::Online
        && !fair.day_ticket_postcodes.is_empty();
    if restricted && !postcode.is_some_and(|p| fair.day_ticket_postcodes.contains(p)) {
        return Err(BookingError::NotResident {
            postcodes: fair.day_ticket_postcodes.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r32_online_tagestickets_for_residents_only() {
        let kaarst = Postcode::parse("41564").unwrap_or_else(|_| unreachable!());
        let neuss = Postcode::parse("41460").unwrap_or_else(|_| unreachable!());
        let fair = OfficeSettings {
            day_ticket_postcodes: vec![kaarst.clone()],
            ..OfficeSettings::default()
        };
        let check = |kind, channel, p| check_residence(&fair, kind, channel, p).is_ok();
        assert!(check(
            BookingKind::DayTicket,
            Channel::Online,
            Some(&kaarst)
        ));
        assert!(!check(
            BookingKind::DayTicket,
            Channel::Online,
            Some(&neuss)
        ));
        assert!(!check(BookingKind::DayTicket, Channel::Online, None));
        assert!(check(BookingKind::Regular, Channel::Online, None));
        assert!(
            check(BookingKind::DayTicket, Channel::Desk, Some(&neuss)),
            "staff issue to anyone"
        );
        let anyone = OfficeSettings::default();
        assert!(check_residence(&anyone, BookingKind::DayTicket, Channel::Online, None).is_ok());
    }
}
