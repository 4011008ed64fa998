//! The shipped configuration of the city of Kaarst (docs/DOMAIN.md R1, R2, R5, R7, R8, R12, R13,
//! R21, R22).

mod texts;

use crate::config::{ConfigError, DayTicketPolicy, Office, Service, WeeklyHours, Window};
use crate::fair::{ChallengePolicy, Postcode};
use crate::ids::{Leika, OfficeId, ServiceId};
use crate::municipality::MunicipalityId;
use crate::settings::OfficeSettings;
use crate::verification::VerifyContact;
use std::collections::BTreeMap;
use time::Time;
use time::macros::time;

/// A mistyped id is an error, never a service silently left out.
fn services(list: &[(&str, &str, u32)]) -> Result<Vec<Service>, ConfigError> {
    list.iter()
        .map(|(id, name, minutes)| {
            Ok(Service {
                id: ServiceId::parse(id)?,
                name: (*name).to_owned(),
                minutes: *minutes,
                active: true,
                requirements: Vec::new(),
                note: None,
                leika: None,
            })
        })
        .collect()
}

/// R21, R22: what to bring, the note and the key of each service of
/// `office` from [`texts::TEXTS`].
fn with_texts(mut office: Office) -> Result<Office, ConfigError> {
    for (office_id, service_id, bring, note, leika) in texts::TEXTS {
        if *office_id != office.id.as_str() {
            continue;
        }
        let service = office
            .services
            .iter_mut()
            .find(|s| s.id.as_str() == *service_id)
            .ok_or_else(|| ConfigError::NoSuchService((*service_id).to_owned()))?;
        service.requirements = bring.iter().map(|r| (*r).to_owned()).collect();
        service.note = Some((*note).to_owned());
        service.leika = leika.map(Leika::parse).transpose()?;
    }
    Ok(office)
}

fn window(start: Time, end: Time) -> Window {
    Window { start, end }
}

/// Monday to Saturday 08:30–12:00, Thursday also 14:00–18:00 (R5).
fn kaarst_hours() -> WeeklyHours {
    let morning = window(time!(08:30), time!(12:00));
    let thursday_afternoon = window(time!(14:00), time!(18:00));
    WeeklyHours([
        vec![morning],
        vec![morning],
        vec![morning],
        vec![morning, thursday_afternoon],
        vec![morning],
        vec![morning],
        vec![],
    ])
}

fn office(id: &str, name: &str, counters: u32, svc: Vec<Service>) -> Result<Office, ConfigError> {
    Ok(Office {
        id: OfficeId::parse(id)?,
        municipality: MunicipalityId::kaarst(),
        name: name.to_owned(),
        address: "Rathaus Kaarst, Am Neumarkt 2, 41564 Kaarst".to_owned(),
        // The declared defaults are Kaarst's: a 5-minute grid, 1 to 56
        // days ahead, 5 persons and 90 minutes a booking, holds of 10
        // minutes, no-shows from the start plus 10 minutes (R28), reminders
        // the day before at 16:00 (R23), 3 bookings and 1 Tagesticket per
        // contact (R24), no challenge, first come.
        settings: OfficeSettings {
            counters,
            ..OfficeSettings::default()
        },
        hours: kaarst_hours(),
        day_ticket: None,
        closures: BTreeMap::new(),
        services: svc,
    })
}

/// The two offices of Kaarst: the Bürgerbüro and the Infobüro Bauen, each
/// validated.
pub fn offices() -> Result<Vec<Office>, ConfigError> {
    let mut buergerbuero = office(
        "buergerbuero",
        "Bürgerbüro",
        4,
        services(&[
            ("anmeldung", "Anmeldung/Ummeldung", 15),
            ("abmeldung", "Abmeldung", 10),
            ("personalausweis", "Personalausweis beantragen", 20),
            ("reisepass", "Reisepass beantragen", 20),
            (
                "kinderreisepass",
                "Kinderreisepass beantragen/verlängern",
                15,
            ),
            ("ausweis-abholung", "Ausweisdokument abholen", 5),
            ("beglaubigung", "Beglaubigung", 10),
            ("meldebescheinigung", "Melde-/Lebensbescheinigung", 10),
            ("fuehrungszeugnis", "Führungszeugnis beantragen", 10),
        ])?,
    )?;
    // R12, R13: one counter held back Monday to Friday, 12 a day, online
    // from 07:00, at the desk and by phone from 08:00.
    buergerbuero.day_ticket = Some(DayTicketPolicy {
        held_back_counters: 1,
        per_day: 12,
        online_from: time!(07:00),
        staff_from: time!(08:00),
        weekdays: [true, true, true, true, true, false, false],
    });
    // R26: a challenge for online Tagestickets; R32: for residents of Kaarst.
    buergerbuero.settings.challenge = ChallengePolicy::DayTickets;
    // R33: a verified e-mail address for online Tagestickets, where the
    // scarcity is.
    buergerbuero.settings.verify_contact = VerifyContact::DayTickets;
    buergerbuero.settings.day_ticket_postcodes = vec![Postcode::parse("41564")?];
    let bauen = office(
        "infobuero-bauen",
        "Infobüro Bauen",
        1,
        services(&[
            ("bauberatung", "Bauberatung", 30),
            ("bauakteneinsicht", "Einsicht in Bauakten", 30),
        ])?,
    )?;
    let offices = vec![with_texts(buergerbuero)?, with_texts(bauen)?];
    for office in &offices {
        office.validate()?;
    }
    Ok(offices)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn r1_two_offices_each_valid() {
        let offices = offices().unwrap();
        let ids: Vec<_> = offices.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["buergerbuero", "infobuero-bauen"]);
        for o in &offices {
            assert_eq!(o.validate(), Ok(()), "{}", o.id);
            // The shipped texts obey the rules every edited text must.
            use crate::texts::{Address, OfficeName, ServiceName};
            assert_eq!(OfficeName::parse(&o.name).unwrap().as_str(), o.name);
            assert_eq!(Address::parse(&o.address).unwrap().as_str(), o.address);
            for s in &o.services {
                assert_eq!(ServiceName::parse(&s.name).unwrap().as_str(), s.name);
            }
        }
    }

    #[test]
    fn r21_every_shipped_service_says_what_to_bring() {
        use crate::texts::{Requirement, ServiceNote};
        let offices = offices().unwrap();
        for s in offices.iter().flat_map(|o| &o.services) {
            assert!(!s.requirements.is_empty(), "{}: nothing to bring", s.id);
            for r in &s.requirements {
                assert_eq!(Requirement::parse(r).unwrap().as_str(), r, "{}", s.id);
            }
            let note = s.note.as_deref().unwrap_or_default();
            assert_eq!(ServiceNote::parse(note).unwrap().as_str(), note, "{}", s.id);
        }
        // Every entry of the table reached its service.
        assert_eq!(
            texts::TEXTS.len(),
            offices.iter().map(|o| o.services.len()).sum::<usize>()
        );
        let bring = |o: usize, id: &str| {
            offices[o]
                .services
                .iter()
                .find(|s| s.id.as_str() == id)
                .map(|s| s.requirements.join(" | "))
                .unwrap_or_default()
        };
        assert!(bring(0, "anmeldung").contains("Wohnungsgeberbestätigung"));
        assert!(bring(0, "personalausweis").contains("biometrisches Passfoto"));
        assert!(bring(0, "personalausweis").contains("37,00 EUR; unter 24 Jahren 22,80 EUR"));
        assert!(bring(0, "reisepass").contains("70,00 EUR; unter 24 Jahren 37,50 EUR"));
        assert!(bring(0, "fuehrungszeugnis").contains("13,00 EUR"));
    }

    #[test]
    fn r22_shipped_keys_where_known() {
        let offices = offices().unwrap();
        let keys: Vec<(&str, Option<&str>)> = offices
            .iter()
            .flat_map(|o| &o.services)
            .map(|s| (s.id.as_str(), s.leika.as_ref().map(Leika::as_str)))
            .collect();
        assert_eq!(
            keys,
            [
                ("anmeldung", Some("99115005000000")),
                ("abmeldung", Some("99115005070000")),
                ("personalausweis", Some("99008001000000")),
                ("reisepass", Some("99085001000000")),
                ("kinderreisepass", None),
                ("ausweis-abholung", None),
                ("beglaubigung", Some("99014002035000")),
                ("meldebescheinigung", Some("99115003000000")),
                ("fuehrungszeugnis", Some("99049001000000")),
                ("bauberatung", Some("99012008000000")),
                ("bauakteneinsicht", None),
            ]
        );
    }

    #[test]
    fn r2_shipped_catalogue() {
        let offices = offices().unwrap();
        let minutes = |o: usize, s: &str| {
            offices[o]
                .services
                .iter()
                .find(|x| x.id.as_str() == s)
                .map(|x| x.minutes)
        };
        assert_eq!(offices[0].services.len(), 9);
        assert_eq!(minutes(0, "anmeldung"), Some(15));
        assert_eq!(minutes(0, "personalausweis"), Some(20));
        assert_eq!(minutes(0, "ausweis-abholung"), Some(5));
        assert_eq!(minutes(0, "fuehrungszeugnis"), Some(10));
        assert_eq!(minutes(1, "bauberatung"), Some(30));
        assert_eq!(minutes(1, "bauakteneinsicht"), Some(30));
        assert_eq!(minutes(1, "anmeldung"), None);
    }

    #[test]
    fn r7_counters_and_r12_contingent() {
        let offices = offices().unwrap();
        assert_eq!(offices[0].settings.counters, 4);
        assert_eq!(offices[1].settings.counters, 1);
        let t = offices[0].day_ticket.as_ref();
        assert_eq!(t.map(|t| (t.held_back_counters, t.per_day)), Some((1, 12)));
        assert!(offices[1].day_ticket.is_none());
    }
}
