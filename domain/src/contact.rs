//! One contact however it is written (R24): e-mail addresses compared
//! without case, phone numbers as E.164 (German numbers by default).

use crate::booking::{BookingKind, Channel};
use crate::rules::BookingError;
use crate::settings::OfficeSettings;

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

/// R24, R34: an e-mail address as compared for the limits: its mailbox.
/// In lower case, with its local part written one way (below); then, for a
/// local part that needs no quotes, the subaddress removed for every
/// domain (`erika+termin@…` is `erika@…`), and for gmail.com and
/// googlemail.com, one domain whose local part ignores dots
/// (`e.r.i.k.a@googlemail.com` is `erika@gmail.com`). Stored and shown is
/// the address as entered; only the comparison uses this key.
///
/// RFC 5322 §3.4.1: a quoted local part and the same text unquoted are one
/// mailbox, so `"erika.m"@example.org` (also `"erika\.m"@…` or the obsolete
/// `"erika".m@…`) is keyed as `erika.m@example.org`. A local part that
/// needs its quotes (a space, a second dot in a row, a leading or trailing
/// dot, an `@`, …) stays quoted, its quoted pairs written out and only `"`
/// and `\` escaped again: `"erika\ m"@…` and `"erika m"@…` are one key,
/// and never the key of an unquoted address. (Which addresses are valid at
/// all is R17's question, `Citizen::new`.)
pub fn email_key(email: &str) -> String {
    let email = email.trim().to_lowercase();
    let Some(at) = email.rfind('@') else {
        return email;
    };
    let (local, domain) = email.split_at(at);
    if !local.contains('"') {
        return mailbox(local, domain);
    }
    match unquoted(local) {
        Some(text) if is_dot_atom(&text) => mailbox(&text, domain),
        Some(text) => {
            let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
            format!("\"{escaped}\"{domain}")
        }
        // Not a local part of words and quoted strings: compared as written.
        None => email,
    }
}

/// The domains whose mailboxes ignore dots in the local part, and are one.
const GMAIL: [&str; 2] = ["@gmail.com", "@googlemail.com"];

/// R34: the mailbox of an unquoted `local` part at `domain` (`@…`, lower
/// case): without its subaddress (`+…`; a local part that would be left
/// empty stays whole), and for Gmail without dots, at `gmail.com`.
fn mailbox(local: &str, domain: &str) -> String {
    let local = match local.split_once('+') {
        Some((base, _)) if !base.is_empty() => base,
        _ => local,
    };
    if GMAIL.contains(&domain) {
        let local: String = local.chars().filter(|c| *c != '.').collect();
        return format!("{local}@gmail.com");
    }
    format!("{local}{domain}")
}

/// The text a local part of dot-separated words, each an atom or a quoted
/// string (RFC 5322 `local-part`, obsolete form included), stands for: the
/// words' texts joined by dots, quoted pairs written out. `None` if it is
/// not of that form.
fn unquoted(local: &str) -> Option<String> {
    let mut text = String::with_capacity(local.len());
    let mut chars = local.chars();
    // Whether the next character begins a word (the start, or after a dot).
    let mut word_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if word_start => {
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => text.push(chars.next()?),
                        other => text.push(other),
                    }
                }
                // A quoted string ends its word: a dot (the next word
                // begins) or the end follows.
                match chars.next() {
                    None => return Some(text),
                    Some('.') => text.push('.'),
                    Some(_) => return None,
                }
            }
            '"' | '\\' => return None,
            '.' => {
                text.push('.');
                word_start = true;
            }
            other => {
                text.push(other);
                word_start = false;
            }
        }
    }
    Some(text)
}

/// RFC 5322 `dot-atom-text` (RFC 6531: with any non-ASCII character as
/// `atext`): atoms of `atext` joined by single dots.
fn is_dot_atom(text: &str) -> bool {
    let atext =
        |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii();
    !text.is_empty()
        && text
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext))
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
pub fn contact_limit(fair: &OfficeSettings, kind: BookingKind, channel: Channel) -> Option<u32> {
    let limit = match kind {
        BookingKind::DayTicket => fair.day_tickets_per_contact,
        BookingKind::Regular => fair.bookings_per_contact,
    };
    (channel == Channel::Online && limit > 0).then_some(limit)
}

/// R24: online, one contact holds at most the office's number of future
/// regular bookings, and of Tagestickets a day.
pub fn check_contact_limits(
    fair: &OfficeSettings,
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
    fn r24_e_mail_compared_without_case() {
        assert_eq!(email_key(" Erika.M@Example.ORG "), "erika.m@example.org");
    }

    #[test]
    fn r34_one_mailbox_one_contact() {
        for (a, b) in [
            ("Erika.Muster+1@Example.org", "erika.muster@example.org"),
            ("e.r.i.k.a@googlemail.com", "erika@gmail.com"),
            ("Erika+Termin@GMail.com", "erika@gmail.com"),
            ("\"erika+2\"@example.org", "erika@example.org"),
            ("erika+a+b@example.org", "erika@example.org"),
        ] {
            assert_eq!(email_key(a), email_key(b), "{a} ~ {b}");
        }
        for (a, b) in [
            // Dots count outside Gmail; other domains stay apart.
            ("e.rika@example.org", "erika@example.org"),
            ("erika@gmail.de", "erika@gmail.com"),
            // A local part that is all subaddress stays whole.
            ("+erika@example.org", "@example.org"),
            // Inside quotes a `+` is text.
            ("\"erika m+1\"@example.org", "\"erika m\"@example.org"),
        ] {
            assert_ne!(email_key(a), email_key(b), "{a} ≁ {b}");
        }
    }

    #[test]
    fn r24_a_quoted_local_part_is_the_address_without_its_quotes() {
        let plain = email_key("erika.m@example.org");
        for written in [
            "\"erika.m\"@example.org",
            " \"Erika.M\"@Example.ORG ",
            "\"erika\\.m\"@example.org",
            "\"erika\".m@example.org",
            "erika.\"m\"@example.org",
        ] {
            assert_eq!(email_key(written), plain, "{written}");
        }
        assert_eq!(
            email_key("\"o'brien+termin\"@example.ie"),
            "o'brien@example.ie",
            "R34: unquoted, then without its subaddress"
        );
        assert_eq!(email_key("\"jürgen\"@müller.de"), "jürgen@müller.de");
    }

    #[test]
    fn r24_quotes_a_local_part_needs_stay_and_are_written_one_way() {
        for (written, key) in [
            ("\"erika m\"@example.org", "\"erika m\"@example.org"),
            ("\"Erika\\ M\"@example.org", "\"erika m\"@example.org"),
            ("\"erika..m\"@example.org", "\"erika..m\"@example.org"),
            ("\".erika\"@example.org", "\".erika\"@example.org"),
            ("\"erika.\"@example.org", "\"erika.\"@example.org"),
            ("\"a@b\"@example.org", "\"a@b\"@example.org"),
            ("\"\"@example.org", "\"\"@example.org"),
            ("\"a\\\"b\"@example.org", "\"a\\\"b\"@example.org"),
            ("\"a\\\\b\"@example.org", "\"a\\\\b\"@example.org"),
        ] {
            assert_eq!(email_key(written), key, "{written}");
        }
        assert_ne!(
            email_key("\"erika m\"@example.org"),
            email_key("erikam@example.org")
        );
    }

    #[test]
    fn r24_quoted_addresses_are_valid_as_rfc_5322_writes_them() {
        // R17 accepts a quoted local part, also one that needs its quotes;
        // R24 compares the accepted ones by their key.
        for email in [
            "\"erika.m\"@example.org",
            "\"erika m\"@example.org",
            "\"erika\\.m\"@example.org",
        ] {
            assert!(
                crate::Citizen::new("Erika", Some(email), None).is_ok(),
                "{email}"
            );
        }
    }

    #[test]
    fn r24_limits_per_contact_online_only() {
        let fair = OfficeSettings {
            bookings_per_contact: 3,
            day_tickets_per_contact: 1,
            ..OfficeSettings::default()
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
        let unlimited = OfficeSettings {
            bookings_per_contact: 0,
            day_tickets_per_contact: 0,
            ..OfficeSettings::default()
        };
        let many = check_contact_limits(
            &unlimited,
            BookingKind::Regular,
            Channel::Online,
            held(9, 99),
        );
        assert_eq!(many, Ok(()), "0 = no limit");
    }
}
