//! One contact however it is written (R24): e-mail addresses compared
//! without case, phone numbers as E.164 (German numbers by default).

use crate::booking::{BookingKind, Channel};
use crate::fair::FairUse;
use crate::rules::BookingError;

/// A phone number that no numbering plan knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a phone number")]
pub struct InvalidPhone(pub String);

/// A phone number in E.164 (`+4921319870`); national numbers are read as
/// German (`02131 987-0`, `0172 1234567`).
pub fn phone_e164(raw: &str) -> Result<String, InvalidPhone> {
    let invalid = || InvalidPhone(raw.to_owned());
    // Digits and the usual separators only: the parser would read letters as
    // a vanity number (ABC = 2), turning any word into some number.
    if !raw
        .chars()
        .all(|c| c.is_ascii_digit() || " +-/().".contains(c))
    {
        return Err(invalid());
    }
    let number =
        phonenumber::parse(Some(phonenumber::country::Id::DE), raw).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&number) {
        return Err(invalid());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// An e-mail address as compared for the limits: in lower case, and no
/// further guessing (dots and plus signs stay).
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What a contact already holds online at the office (R24).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContactHoldings {
    /// Confirmed online Tagestickets of the booking's day.
    pub day_tickets_that_day: u32,
    /// Confirmed online regular bookings not yet begun.
    pub future_regular: u32,
}

/// R24: the limit per contact a booking of `kind` through `channel` is
/// under: online only (staff bookings are not limited), `None` where the
/// office sets 0 (no limit). The store counts holdings only when there is one.
pub fn contact_limit(fair: &FairUse, kind: BookingKind, channel: Channel) -> Option<u32> {
    let limit = match kind {
        BookingKind::DayTicket => fair.day_tickets_per_contact,
        BookingKind::Regular => fair.bookings_per_contact,
    };
    (channel == Channel::Online && limit > 0).then_some(limit)
}

/// R24: online, one contact holds at most the office's number of future
/// regular bookings, and of Tagestickets a day.
pub fn check_contact_limits(
    fair: &FairUse,
    kind: BookingKind,
    channel: Channel,
    holdings: ContactHoldings,
) -> Result<(), BookingError> {
    let Some(limit) = contact_limit(fair, kind, channel) else {
        return Ok(());
    };
    let held = match kind {
        BookingKind::DayTicket => holdings.day_tickets_that_day,
        BookingKind::Regular => holdings.future_regular,
    };
    if held >= limit {
        return Err(BookingError::ContactLimit { kind, limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn r24_one_phone_however_written() {
        let e164 = "+491721234567";
        for written in [
            "0172 1234567",
            "+49 172 1234567",
            "0049-172-1234567",
            "(0172) 123 45 67",
        ] {
            assert_eq!(phone_e164(written).as_deref(), Ok(e164), "{written}");
        }
        assert_eq!(phone_e164("02131 987-0").as_deref(), Ok("+4921319870"));
        assert!(phone_e164("call me").is_err());
        assert!(phone_e164("ruf-ab12cd34ef56").is_err(), "no vanity letters");
        assert!(phone_e164("12").is_err());
    }

    #[test]
    fn r24_e_mail_compared_without_case_only() {
        assert_eq!(email_key(" Erika.M@Example.ORG "), "erika.m@example.org");
        assert_ne!(
            email_key("erika+a@example.org"),
            email_key("erika@example.org")
        );
    }

    #[test]
    fn r24_limits_per_contact_online_only() {
        let fair = FairUse {
            bookings_per_contact: 3,
            day_tickets_per_contact: 1,
            ..FairUse::default()
        };
        let held = |t, r| ContactHoldings {
            day_tickets_that_day: t,
            future_regular: r,
        };
        let online = |kind, h| check_contact_limits(&fair, kind, Channel::Online, h);
        assert_eq!(online(BookingKind::Regular, held(1, 2)), Ok(()));
        assert_eq!(
            online(BookingKind::Regular, held(0, 3)),
            Err(BookingError::ContactLimit {
                kind: BookingKind::Regular,
                limit: 3
            })
        );
        assert!(online(BookingKind::DayTicket, held(1, 0)).is_err());
        assert_eq!(online(BookingKind::DayTicket, held(0, 3)), Ok(()));
        let desk = check_contact_limits(&fair, BookingKind::DayTicket, Channel::Desk, held(5, 5));
        assert_eq!(desk, Ok(()), "staff are exempt");
        let unlimited = FairUse::default();
        let many = check_contact_limits(
            &unlimited,
            BookingKind::Regular,
            Channel::Online,
            held(9, 99),
        );
        assert_eq!(many, Ok(()), "0 = no limit");
    }
}
