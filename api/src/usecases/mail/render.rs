//! The German texts of the messages (R23), from the template files in
//! `api/templates/mail` (embedded at build time, so the binary stands
//! alone). The first line of a rendered template is the subject.

use domain::{BookingKind, BookingStatus, MessageKind, Office};
use minijinja::{Environment, Value, context};
use persistence::Booking;
use std::sync::LazyLock;
use time::OffsetDateTime;

const TEMPLATES: [(&str, &str); 6] = [
    ("code.txt", include_str!("../../../templates/mail/code.txt")),
    (
        "details.txt",
        include_str!("../../../templates/mail/details.txt"),
    ),
    (
        "confirmation.txt",
        include_str!("../../../templates/mail/confirmation.txt"),
    ),
    (
        "moved.txt",
        include_str!("../../../templates/mail/moved.txt"),
    ),
    (
        "cancelled.txt",
        include_str!("../../../templates/mail/cancelled.txt"),
    ),
    (
        "reminder.txt",
        include_str!("../../../templates/mail/reminder.txt"),
    ),
];

/// The environment with every template; a template that does not parse is
/// caught by the tests (`every_template_renders`), and rendering reports it.
static ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> =
    LazyLock::new(|| environment().map_err(|e| e.to_string()));

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// A rendered message: subject and plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

const WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// "Dienstag, 1. Dezember 2026", in Europe/Berlin.
pub fn german_date(t: OffsetDateTime) -> String {
    let local = domain::Berlin::local(t);
    let weekday = WEEKDAYS[usize::from(local.weekday().number_days_from_monday())];
    let month = MONTHS[usize::from(u8::from(local.month()) - 1)];
    format!("{weekday}, {}. {month} {}", local.day(), local.year())
}

/// "08:30", in Europe/Berlin.
pub fn german_time(t: OffsetDateTime) -> String {
    let local = domain::Berlin::local(t);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// The services of the booking, in the order booked, with what to bring
/// and the office's note (R21), as the office says them now.
fn services(booking: &Booking) -> Value {
    booking
        .service_details
        .iter()
        .map(|detail| {
            let s = &detail.service;
            context! {
                name => s.name.clone(),
                requirements => s.requirements.clone(),
                note => s.note.clone(),
            }
        })
        .collect()
}

/// Renders the message `kind` about `booking` as it is now. `link` is the
/// manage link (a confirmation only).
pub fn render(
    kind: MessageKind,
    booking: &Booking,
    office: &Office,
    municipality: &str,
    link: Option<&str>,
) -> Result<Text, String> {
    let env = ENVIRONMENT.as_ref().map_err(Clone::clone)?;
    let template = env
        .get_template(match kind {
            MessageKind::Confirmation => "confirmation.txt",
            MessageKind::Moved => "moved.txt",
            MessageKind::Cancelled => "cancelled.txt",
            MessageKind::Reminder => "reminder.txt",
        })
        .map_err(|e| e.to_string())?;
    let previous = booking.previous_start;
    let rendered = template.render(context! {
        name => booking.citizen.name(),
        office_name => office.name.as_str(),
        municipality_name => municipality,
        office_address => office.address.as_str(),
        date => german_date(booking.start),
        time => german_time(booking.start),
        end_time => german_time(booking.end),
        previous_date => previous.map(german_date),
        previous_time => previous.map(german_time),
        code => booking.code.as_str(),
        day_ticket => booking.kind == BookingKind::DayTicket,
        by_staff => booking.status == BookingStatus::Cancelled && booking.cancelled_by.is_some(),
        services => services(booking),
        link => link.unwrap_or_default(),
    })
    .map_err(|e| e.to_string())?;
    let (subject, body) = rendered.split_once('\n').unwrap_or((&rendered, ""));
    Ok(Text {
        subject: subject.trim().to_owned(),
        body: body.trim_start_matches('\n').to_owned(),
    })
}

/// R33: the message of a verification code, valid until `until`.
pub fn render_code(code: &str, until: OffsetDateTime) -> Result<Text, String> {
    let env = ENVIRONMENT.as_ref().map_err(Clone::clone)?;
    let template = env.get_template("code.txt").map_err(|e| e.to_string())?;
    let rendered = template
        .render(context! { code => code, until => german_time(until) })
        .map_err(|e| e.to_string())?;
    let (subject, body) = rendered.split_once('\n').unwrap_or((&rendered, ""));
    Ok(Text {
        subject: subject.trim().to_owned(),
        body: body.trim_start_matches('\n').to_owned(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use domain::{BookingCode, Channel, Citizen, OfficeId, ServiceId};
    use time::macros::datetime;

    pub(crate) fn booking(kind: BookingKind) -> Booking {
        let office = domain::test_support::buergerbuero();
        let ids = vec![
            ServiceId::parse("personalausweis").unwrap(),
            ServiceId::parse("anmeldung").unwrap(),
        ];
        Booking {
            id: uuid::Uuid::nil(),
            code: BookingCode::parse("ABCD2345").unwrap(),
            office: OfficeId::parse("buergerbuero").unwrap(),
            services: ids.clone(),
            service_details: ids
                .iter()
                .map(|id| persistence::BookedService {
                    service: office.service(id).unwrap().clone(),
                    minutes: 15,
                })
                .collect(),
            start: datetime!(2026-12-01 08:30 +01:00),
            end: datetime!(2026-12-01 09:05 +01:00),
            kind,
            channel: Channel::Online,
            status: BookingStatus::Confirmed,
            citizen: Citizen::new("Erika Mustermann", Some("erika@example.org"), None).unwrap(),
            created_at: datetime!(2026-11-30 10:00 +01:00),
            created_by: None,
            cancelled_at: None,
            cancelled_by: None,
            previous_start: None,
            sequence: 0,
            counter: persistence::CounterSteps::default(),
            erased_at: None,
        }
    }

    #[test]
    fn r23_every_template_renders_in_german() {
        let office = domain::test_support::buergerbuero();
        let b = booking(BookingKind::Regular);
        let text = render(
            MessageKind::Confirmation,
            &b,
            &office,
            "Stadt Kaarst",
            Some("https://x/termine/1#token=t"),
        )
        .unwrap();
        assert_eq!(
            text.subject,
            "Ihr Termin am Dienstag, 1. Dezember 2026 um 08:30 Uhr – Bürgerbüro"
        );
        for expected in [
            "Guten Tag Erika Mustermann,",
            "Dienstag, 1. Dezember 2026, 08:30 bis 09:05 Uhr",
            "Rathaus Kaarst, Am Neumarkt 2, 41564 Kaarst",
            "Buchungscode:  ABCD2345",
            "  - Personalausweis beantragen\n    Bitte mitbringen:\n    · Ihr bisheriger Personalausweis",
            "\n  - Anmeldung/Ummeldung\n    Bitte mitbringen:\n    · Gültiger Personalausweis",
            "    Hinweis: Bitte innerhalb von zwei Wochen nach dem Einzug anmelden.",
            "https://x/termine/1#token=t",
            // R39: signed by the office and its municipality.
            "Mit freundlichen Grüßen\nBürgerbüro\nStadt Kaarst",
        ] {
            assert!(text.body.contains(expected), "{expected}:\n{}", text.body);
        }
        assert!(!text.body.contains("Tagesticket"));
        let ticket = render(
            MessageKind::Reminder,
            &booking(BookingKind::DayTicket),
            &office,
            "Stadt Kaarst",
            None,
        )
        .unwrap();
        assert!(
            ticket.subject.starts_with("Erinnerung: Ihr Tagesticket"),
            "{}",
            ticket.subject
        );
        assert!(
            ticket.body.contains("Tagesticket (nur heute gültig)"),
            "{}",
            ticket.body
        );
        let mut moved = booking(BookingKind::Regular);
        moved.previous_start = Some(datetime!(2026-11-30 23:30 UTC));
        let text = render(MessageKind::Moved, &moved, &office, "Stadt Kaarst", None).unwrap();
        assert!(
            text.body
                .contains("vom Dienstag, 1. Dezember 2026 um 00:30 Uhr wurde verlegt"),
            "{}",
            text.body
        );
        let mut cancelled = booking(BookingKind::Regular);
        cancelled.status = BookingStatus::Cancelled;
        cancelled.cancelled_by = Some(domain::Username::parse("clerk").unwrap());
        let text = render(
            MessageKind::Cancelled,
            &cancelled,
            &office,
            "Stadt Kaarst",
            None,
        )
        .unwrap();
        assert!(text.subject.contains("wurde abgesagt"), "{}", text.subject);
        assert!(
            text.body.contains("wurde vom Bürgerbüro abgesagt"),
            "{}",
            text.body
        );
    }

    #[test]
    fn german_dates_in_summer_and_winter() {
        assert_eq!(
            german_date(datetime!(2026-07-13 22:30 UTC)),
            "Dienstag, 14. Juli 2026"
        );
        assert_eq!(german_time(datetime!(2026-07-13 22:30 UTC)), "00:30");
        assert_eq!(german_time(datetime!(2026-03-02 07:30 UTC)), "08:30");
    }
}
