//! The rules of docs/DOMAIN.md as the pure domain holds them; each test names its rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::occupancy::{ActiveBooking, Occupancy, Pool};
use domain::{
    BookingError, BookingKind, BookingRequest, Channel, Office, Selection, ServiceId,
    day_ticket_offer, search_slots, validate_booking,
};
use time::macros::{date, datetime, time};
use time::{Date, Duration, OffsetDateTime};

use domain::test_support::{MONDAY_10, bauen, buergerbuero};

fn ids(list: &[&str]) -> Vec<ServiceId> {
    list.iter().map(|s| ServiceId::parse(s).unwrap()).collect()
}

fn sel(office: &Office, list: &[&str]) -> Selection {
    Selection::new(office, &ids(list)).unwrap()
}

fn request(
    office: &Office,
    list: &[&str],
    start: OffsetDateTime,
    kind: BookingKind,
) -> BookingRequest {
    BookingRequest {
        selection: sel(office, list),
        start,
        kind,
        channel: Channel::Online,
    }
}

/// Wednesday, 2 December 2026, 10:00 in Kaarst.
const NOW: OffsetDateTime = datetime!(2026-12-02 10:00 +01:00);

fn check(
    office: &Office,
    list: &[&str],
    start: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), BookingError> {
    validate_booking(
        office,
        &request(office, list, start, BookingKind::Regular),
        now,
        &Occupancy::new(),
    )
    .map(|_| ())
}

fn ticket(
    office: &Office,
    start: OffsetDateTime,
    channel: Channel,
    now: OffsetDateTime,
    occ: &Occupancy,
) -> Result<(), BookingError> {
    let mut r = request(office, &["abmeldung"], start, BookingKind::DayTicket);
    r.channel = channel;
    validate_booking(office, &r, now, occ).map(|_| ())
}

fn regular(start: OffsetDateTime, minutes: u32) -> ActiveBooking {
    ActiveBooking {
        start,
        minutes,
        pool: Pool::Regular,
    }
}

fn day_slots(
    office: &Office,
    list: &[&str],
    day: Date,
    now: OffsetDateTime,
    occ: &Occupancy,
) -> Vec<OffsetDateTime> {
    search_slots(office, &sel(office, list), day, day, now, occ)
        .slots
        .iter()
        .map(|s| s.start)
        .collect()
}

#[test]
fn r1_each_office_has_its_own_services() {
    let b = bauen();
    assert_eq!(
        Selection::new(&b, &ids(&["personalausweis"])),
        Err(BookingError::UnknownService(
            ServiceId::parse("personalausweis").unwrap()
        ))
    );
    assert_eq!(sel(&b, &["bauberatung"]).minutes(), 30);
}

#[test]
fn r3_repeated_services_add_up_and_are_kept() {
    let o = buergerbuero();
    let s = sel(&o, &["reisepass", "reisepass", "beglaubigung"]);
    assert_eq!(s.minutes(), 50);
    let chosen: Vec<_> = s.services().iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(chosen, ["reisepass", "reisepass", "beglaubigung"]);
}

#[test]
fn r3_at_most_five_of_one_service_and_90_minutes() {
    let o = buergerbuero();
    assert_eq!(sel(&o, &["ausweis-abholung"; 5]).minutes(), 25);
    assert!(matches!(
        Selection::new(&o, &ids(&["ausweis-abholung"; 6])),
        Err(BookingError::TooManyOfService { max: 5, .. })
    ));
    assert_eq!(
        sel(
            &o,
            &[
                "reisepass",
                "reisepass",
                "personalausweis",
                "anmeldung",
                "anmeldung"
            ]
        )
        .minutes(),
        90
    );
    assert_eq!(
        Selection::new(
            &o,
            &ids(&[
                "reisepass",
                "reisepass",
                "personalausweis",
                "anmeldung",
                "anmeldung",
                "abmeldung"
            ])
        ),
        Err(BookingError::TooLong {
            minutes: 100,
            max: 90
        })
    );
    assert_eq!(Selection::new(&o, &[]), Err(BookingError::NoServices));
}

#[test]
fn r3_retired_service_cannot_be_booked() {
    let mut o = buergerbuero();
    o.services[0].active = false;
    assert_eq!(
        Selection::new(&o, &ids(&["anmeldung"])),
        Err(BookingError::ServiceRetired(
            ServiceId::parse("anmeldung").unwrap()
        ))
    );
}

#[test]
fn r4_the_selection_keeps_each_service_with_its_duration() {
    let o = buergerbuero();
    let s = sel(&o, &["anmeldung", "personalausweis"]);
    let got: Vec<_> = s
        .services()
        .iter()
        .map(|(id, m)| (id.as_str(), *m))
        .collect();
    assert_eq!(got, [("anmeldung", 15), ("personalausweis", 20)]);
}

#[test]
fn r5_mornings_monday_to_saturday() {
    let o = buergerbuero();
    // Thursday 3 December 2026.
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 08:30 +01:00), NOW),
        Ok(())
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 11:45 +01:00), NOW),
        Ok(())
    );
    // Would end 12:05: an appointment starts and ends inside one window.
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 11:50 +01:00), NOW),
        Err(BookingError::OutsideOpeningHours)
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 08:25 +01:00), NOW),
        Err(BookingError::OutsideOpeningHours)
    );
    // Saturday 5 December is open in the morning, Sunday 6 December closed.
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-05 09:00 +01:00), NOW),
        Ok(())
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-06 09:00 +01:00), NOW),
        Err(BookingError::OutsideOpeningHours)
    );
}

#[test]
fn r5_thursday_afternoon_only_on_thursday() {
    let o = buergerbuero();
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 14:00 +01:00), NOW),
        Ok(())
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 17:45 +01:00), NOW),
        Ok(())
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 13:55 +01:00), NOW),
        Err(BookingError::OutsideOpeningHours)
    );
    // Friday afternoon is closed.
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-04 14:00 +01:00), NOW),
        Err(BookingError::OutsideOpeningHours)
    );
    let thursday = day_slots(
        &o,
        &["anmeldung"],
        date!(2026 - 12 - 03),
        NOW,
        &Occupancy::new(),
    );
    assert!(thursday.contains(&datetime!(2026-12-03 17:45 +01:00)));
    assert!(!thursday.contains(&datetime!(2026-12-03 17:50 +01:00)));
    assert!(!thursday.contains(&datetime!(2026-12-03 12:00 +01:00)));
    // 08:30..=11:45 and 14:00..=17:45 on the 5-minute grid.
    assert_eq!(thursday.len(), 40 + 46);
}

#[test]
fn r6_no_appointments_on_easter_2027() {
    let o = buergerbuero();
    let now = datetime!(2027-03-20 10:00 +01:00);
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2027-03-26 09:00 +01:00), now),
        Err(BookingError::Holiday {
            date: date!(2027 - 03 - 26),
            name: "Karfreitag"
        })
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2027-03-29 09:00 +02:00), now),
        Err(BookingError::Holiday {
            date: date!(2027 - 03 - 29),
            name: "Ostermontag"
        })
    );
    assert!(
        day_slots(
            &o,
            &["anmeldung"],
            date!(2027 - 03 - 26),
            now,
            &Occupancy::new()
        )
        .is_empty()
    );
    assert!(
        !day_slots(
            &o,
            &["anmeldung"],
            date!(2027 - 03 - 25),
            now,
            &Occupancy::new()
        )
        .is_empty()
    );
}

#[test]
fn r6_first_of_may_on_a_saturday_is_closed() {
    // 1 May 2027 is a Saturday: a normal opening day but a public holiday.
    let o = buergerbuero();
    let now = datetime!(2027-04-20 10:00 +02:00);
    assert_eq!(date!(2027 - 05 - 01).weekday(), time::Weekday::Saturday);
    assert!(matches!(
        check(&o, &["anmeldung"], datetime!(2027-05-01 09:00 +02:00), now),
        Err(BookingError::Holiday { .. })
    ));
    assert!(
        day_slots(
            &o,
            &["anmeldung"],
            date!(2027 - 05 - 01),
            now,
            &Occupancy::new()
        )
        .is_empty()
    );
    assert!(
        !day_slots(
            &o,
            &["anmeldung"],
            date!(2027 - 04 - 24),
            now,
            &Occupancy::new()
        )
        .is_empty()
    );
}

#[test]
fn r6_closure_days_entered_by_an_admin() {
    let mut o = buergerbuero();
    o.closures
        .insert(date!(2026 - 12 - 24), "Heiligabend".into());
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-24 09:00 +01:00), NOW),
        Err(BookingError::Closure {
            date: date!(2026 - 12 - 24),
            reason: "Heiligabend".into()
        })
    );
    assert!(
        day_slots(
            &o,
            &["anmeldung"],
            date!(2026 - 12 - 24),
            NOW,
            &Occupancy::new()
        )
        .is_empty()
    );
}

#[test]
fn r7_starts_on_the_five_minute_grid() {
    let o = buergerbuero();
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-03 08:32 +01:00), NOW),
        Err(BookingError::OffGrid { grid: 5 })
    );
    assert_eq!(
        check(
            &o,
            &["anmeldung"],
            datetime!(2026-12-03 08:35:30 +01:00),
            NOW
        ),
        Err(BookingError::OffGrid { grid: 5 })
    );
}

#[test]
fn r7_no_more_overlapping_appointments_than_counters() {
    // Saturday: all 4 counters take regular bookings.
    let o = buergerbuero();
    let start = datetime!(2026-12-05 09:00 +01:00);
    let mut occ = Occupancy::new();
    for _ in 0..4 {
        assert_eq!(check_with(&o, start, &occ), Ok(()));
        occ.add(&regular(start, 15));
    }
    assert_eq!(check_with(&o, start, &occ), Err(BookingError::SlotTaken));
    // An appointment that merely touches the end (09:15) is free again;
    // one that overlaps it by a unit (09:10) is not.
    assert_eq!(
        check_with(&o, datetime!(2026-12-05 09:15 +01:00), &occ),
        Ok(())
    );
    assert_eq!(
        check_with(&o, datetime!(2026-12-05 08:50 +01:00), &occ),
        Err(BookingError::SlotTaken)
    );
}

fn check_with(o: &Office, start: OffsetDateTime, occ: &Occupancy) -> Result<(), BookingError> {
    validate_booking(
        o,
        &request(o, &["anmeldung"], start, BookingKind::Regular),
        NOW,
        occ,
    )
    .map(|_| ())
}

#[test]
fn r8_from_the_next_day_up_to_eight_weeks() {
    let o = buergerbuero();
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-02 11:00 +01:00), NOW),
        Err(BookingError::TooSoon {
            first_day: date!(2026 - 12 - 03)
        })
    );
    // 2 December + 56 days = 27 January 2027 (a Wednesday).
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2027-01-27 11:00 +01:00), NOW),
        Ok(())
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2027-01-28 11:00 +01:00), NOW),
        Err(BookingError::BeyondHorizon {
            last_day: date!(2027 - 01 - 27)
        })
    );
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2026-12-01 09:00 +01:00), NOW),
        Err(BookingError::InPast)
    );
    let offer = search_slots(
        &o,
        &sel(&o, &["anmeldung"]),
        date!(2026 - 11 - 01),
        date!(2027 - 12 - 31),
        NOW,
        &Occupancy::new(),
    );
    assert_eq!(
        offer.slots.first().map(|s| s.start.date()),
        Some(date!(2026 - 12 - 03))
    );
    assert_eq!(
        offer.slots.last().map(|s| s.start.date()),
        Some(date!(2027 - 01 - 27))
    );
}

#[test]
fn r9_earliest_is_the_first_free_start() {
    let o = bauen();
    // Infobüro Bauen has one counter; fill Thursday morning 08:30–09:30.
    let occ = Occupancy::from_bookings(&[
        regular(datetime!(2026-12-03 08:30 +01:00), 30),
        regular(datetime!(2026-12-03 09:00 +01:00), 30),
    ]);
    let offer = search_slots(
        &o,
        &sel(&o, &["bauberatung"]),
        date!(2026 - 12 - 03),
        date!(2026 - 12 - 10),
        NOW,
        &occ,
    );
    assert_eq!(offer.minutes, 30);
    assert_eq!(
        offer.earliest.map(|s| s.start),
        Some(datetime!(2026-12-03 09:30 +01:00))
    );
    assert_eq!(
        offer.earliest.map(|s| s.end),
        Some(datetime!(2026-12-03 10:00 +01:00))
    );
    assert_eq!(offer.slots.first(), offer.earliest.as_ref());
}

#[test]
fn r10_regular_capacity_is_the_same_for_every_channel() {
    let o = buergerbuero();
    let start = datetime!(2026-12-05 09:00 +01:00);
    let occ = Occupancy::from_bookings(&[regular(start, 15); 4]);
    for channel in [Channel::Online, Channel::Phone, Channel::Desk] {
        let mut r = request(&o, &["anmeldung"], start, BookingKind::Regular);
        r.channel = channel;
        assert_eq!(
            validate_booking(&o, &r, NOW, &occ),
            Err(BookingError::SlotTaken)
        );
    }
}

#[test]
fn r12_one_counter_is_held_back_on_weekdays() {
    let o = buergerbuero();
    // Thursday: 3 regular counters; Saturday: 4.
    let thursday = datetime!(2026-12-03 09:00 +01:00);
    let occ = Occupancy::from_bookings(&[regular(thursday, 15); 3]);
    assert_eq!(check_with(&o, thursday, &occ), Err(BookingError::SlotTaken));
    assert_eq!(o.capacity_on(date!(2026 - 12 - 03)), (3, 1));
    assert_eq!(o.capacity_on(date!(2026 - 12 - 05)), (4, 0));
    // Holidays hold nothing back: no Tagestickets then.
    assert_eq!(o.capacity_on(date!(2027 - 03 - 26)), (4, 0));
    assert_eq!(bauen().capacity_on(date!(2026 - 12 - 03)), (1, 0));
}

#[test]
fn r12_regular_bookings_never_take_the_held_back_counter() {
    let o = buergerbuero();
    let day = date!(2026 - 12 - 03);
    let mut occ = Occupancy::new();
    let s = sel(&o, &["anmeldung"]);
    // Book every offered slot of Thursday repeatedly until none is left.
    loop {
        let offer = search_slots(&o, &s, day, day, NOW, &occ);
        let Some(slot) = offer.earliest else { break };
        occ.add(&regular(slot.start, 15));
    }
    let units = 0..domain::occupancy::UNITS_PER_DAY;
    assert_eq!(occ.peak(day, Pool::Regular, units.clone()), 3);
    assert_eq!(occ.peak(day, Pool::DayTicket, units), 0);
}

#[test]
fn r12_infobuero_bauen_has_no_day_tickets() {
    let o = bauen();
    let now = datetime!(2026-12-03 09:00 +01:00);
    let start = datetime!(2026-12-03 10:00 +01:00);
    let r = BookingRequest {
        selection: sel(&o, &["bauberatung"]),
        start,
        kind: BookingKind::DayTicket,
        channel: Channel::Online,
    };
    assert_eq!(
        validate_booking(&o, &r, now, &Occupancy::new()),
        Err(BookingError::NotDayTicketDay {
            date: date!(2026 - 12 - 03)
        })
    );
    let offer = day_ticket_offer(&o, None, Channel::Online, now, &Occupancy::new());
    assert!(!offer.available);
    assert_eq!(offer.remaining, 0);
}

#[test]
fn r13_day_ticket_online_opens_at_0700() {
    let o = buergerbuero();
    let start = datetime!(2026-12-03 09:00 +01:00);
    let occ = Occupancy::new();
    assert_eq!(
        ticket(
            &o,
            start,
            Channel::Online,
            datetime!(2026-12-03 06:59:59 +01:00),
            &occ
        ),
        Err(BookingError::DayTicketNotYetReleased { from: time!(07:00) })
    );
    assert_eq!(
        ticket(
            &o,
            start,
            Channel::Online,
            datetime!(2026-12-03 07:00 +01:00),
            &occ
        ),
        Ok(())
    );
}

#[test]
fn r13_day_ticket_desk_and_phone_open_at_0800() {
    let o = buergerbuero();
    let start = datetime!(2026-12-03 09:00 +01:00);
    let occ = Occupancy::new();
    for channel in [Channel::Desk, Channel::Phone] {
        assert_eq!(
            ticket(&o, start, channel, datetime!(2026-12-03 07:59 +01:00), &occ),
            Err(BookingError::DayTicketNotYetReleased { from: time!(08:00) })
        );
        assert_eq!(
            ticket(&o, start, channel, datetime!(2026-12-03 08:00 +01:00), &occ),
            Ok(())
        );
    }
    let offer = day_ticket_offer(
        &o,
        None,
        Channel::Desk,
        datetime!(2026-12-03 07:30 +01:00),
        &occ,
    );
    assert!(!offer.available);
    assert_eq!(offer.desk_from, Some(datetime!(2026-12-03 08:00 +01:00)));
    assert_eq!(offer.online_from, Some(datetime!(2026-12-03 07:00 +01:00)));
    assert!(
        day_ticket_offer(
            &o,
            None,
            Channel::Online,
            datetime!(2026-12-03 07:30 +01:00),
            &occ
        )
        .available
    );
}

#[test]
fn r13_day_tickets_are_for_today_only() {
    let o = buergerbuero();
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-12-04 09:00 +01:00),
            Channel::Online,
            datetime!(2026-12-03 08:00 +01:00),
            &Occupancy::new()
        ),
        Err(BookingError::DayTicketNotToday {
            today: date!(2026 - 12 - 03)
        })
    );
}

#[test]
fn r13_no_day_tickets_on_saturday_or_holidays() {
    let o = buergerbuero();
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-12-05 09:00 +01:00),
            Channel::Online,
            datetime!(2026-12-05 08:00 +01:00),
            &Occupancy::new()
        ),
        Err(BookingError::NotDayTicketDay {
            date: date!(2026 - 12 - 05)
        })
    );
    assert!(
        !day_ticket_offer(
            &o,
            None,
            Channel::Online,
            datetime!(2026-12-05 08:00 +01:00),
            &Occupancy::new()
        )
        .available
    );
    assert!(matches!(
        ticket(
            &o,
            datetime!(2027-03-26 09:00 +01:00),
            Channel::Online,
            datetime!(2027-03-26 08:00 +01:00),
            &Occupancy::new()
        ),
        Err(BookingError::Holiday { .. })
    ));
}

#[test]
fn r14_day_ticket_time_is_chosen_but_not_in_the_past() {
    let o = buergerbuero();
    let now = datetime!(2026-12-03 10:02 +01:00);
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-12-03 10:00 +01:00),
            Channel::Online,
            now,
            &Occupancy::new()
        ),
        Err(BookingError::InPast)
    );
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-12-03 10:05 +01:00),
            Channel::Online,
            now,
            &Occupancy::new()
        ),
        Ok(())
    );
    let offer = day_ticket_offer(
        &o,
        Some(&sel(&o, &["abmeldung"])),
        Channel::Online,
        now,
        &Occupancy::new(),
    );
    assert_eq!(
        offer.slots.first().map(|s| s.start),
        Some(datetime!(2026-12-03 10:05 +01:00))
    );
    // Thursday afternoon belongs to the same day's contingent.
    assert_eq!(
        offer.slots.last().map(|s| s.start),
        Some(datetime!(2026-12-03 17:50 +01:00))
    );
}

#[test]
fn r14_day_tickets_share_one_held_back_counter() {
    let o = buergerbuero();
    let now = datetime!(2026-12-03 07:00 +01:00);
    let start = datetime!(2026-12-03 09:00 +01:00);
    let occ = Occupancy::from_bookings(&[ActiveBooking {
        start,
        minutes: 10,
        pool: Pool::DayTicket,
    }]);
    assert_eq!(
        ticket(&o, start, Channel::Online, now, &occ),
        Err(BookingError::SlotTaken)
    );
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-12-03 09:10 +01:00),
            Channel::Online,
            now,
            &occ
        ),
        Ok(())
    );
}

#[test]
fn r15_contingent_of_twelve_then_exhausted_for_every_channel() {
    let o = buergerbuero();
    let now = datetime!(2026-12-03 08:00 +01:00);
    let s = sel(&o, &["abmeldung"]);
    let mut occ = Occupancy::new();
    for n in 0..12 {
        let offer = day_ticket_offer(&o, Some(&s), Channel::Online, now, &occ);
        assert!(offer.available, "ticket {n}");
        assert_eq!(offer.remaining, 12 - n);
        let slot = offer.slots[0];
        occ.add(&ActiveBooking {
            start: slot.start,
            minutes: 10,
            pool: Pool::DayTicket,
        });
    }
    for channel in [Channel::Online, Channel::Desk, Channel::Phone] {
        let offer = day_ticket_offer(&o, Some(&s), channel, now, &occ);
        assert!(!offer.available);
        assert_eq!(offer.remaining, 0);
        assert!(offer.slots.is_empty());
        assert_eq!(
            ticket(&o, datetime!(2026-12-03 11:00 +01:00), channel, now, &occ),
            Err(BookingError::DayTicketsExhausted)
        );
    }
    // The next day's contingent is fresh.
    let tomorrow = datetime!(2026-12-04 07:00 +01:00);
    assert_eq!(
        day_ticket_offer(&o, Some(&s), Channel::Online, tomorrow, &occ).remaining,
        12
    );
}

#[test]
fn r16_a_cancelled_ticket_returns_to_the_contingent() {
    // Occupancy counts confirmed bookings only, so a cancelled ticket is simply
    // absent from it: the contingent and the held-back time are free again.
    let o = buergerbuero();
    let now = datetime!(2026-12-03 08:00 +01:00);
    let start = datetime!(2026-12-03 09:00 +01:00);
    let tickets: Vec<_> = (0..12)
        .map(|i| ActiveBooking {
            start: start + Duration::minutes(10 * i),
            minutes: 10,
            pool: Pool::DayTicket,
        })
        .collect();
    let full = Occupancy::from_bookings(&tickets);
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-12-03 11:00 +01:00),
            Channel::Online,
            now,
            &full
        ),
        Err(BookingError::DayTicketsExhausted)
    );
    let after_cancel = Occupancy::from_bookings(&tickets[1..]);
    assert_eq!(
        day_ticket_offer(&o, None, Channel::Online, now, &after_cancel).remaining,
        1
    );
    assert_eq!(
        ticket(&o, start, Channel::Online, now, &after_cancel),
        Ok(())
    );
}

#[test]
fn dst_week_of_march_slots_carry_the_offset_in_force() {
    let o = buergerbuero();
    let now = datetime!(2027-03-24 10:00 +01:00);
    let saturday = day_slots(
        &o,
        &["anmeldung"],
        date!(2027 - 03 - 27),
        now,
        &Occupancy::new(),
    );
    assert_eq!(saturday.first(), Some(&datetime!(2027-03-27 08:30 +01:00)));
    let tuesday = day_slots(
        &o,
        &["anmeldung"],
        date!(2027 - 03 - 30),
        now,
        &Occupancy::new(),
    );
    assert_eq!(tuesday.first(), Some(&datetime!(2027-03-30 08:30 +02:00)));
    assert_eq!(tuesday.first().map(|t| t.offset().whole_hours()), Some(2));
    // The same instant written in UTC is accepted as 08:30 local.
    assert_eq!(
        check(&o, &["anmeldung"], datetime!(2027-03-30 06:30 UTC), now),
        Ok(())
    );
}

#[test]
fn dst_week_of_october_slots_carry_the_offset_in_force() {
    let o = buergerbuero();
    let now = datetime!(2026-10-21 10:00 +02:00);
    let saturday = day_slots(
        &o,
        &["anmeldung"],
        date!(2026 - 10 - 24),
        now,
        &Occupancy::new(),
    );
    assert_eq!(saturday.first(), Some(&datetime!(2026-10-24 08:30 +02:00)));
    let monday = day_slots(
        &o,
        &["anmeldung"],
        date!(2026 - 10 - 26),
        now,
        &Occupancy::new(),
    );
    assert_eq!(monday.first(), Some(&datetime!(2026-10-26 08:30 +01:00)));
    // Tagesticket release on the Monday after the change: 07:00 local is 06:00 UTC.
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-10-26 09:00 +01:00),
            Channel::Online,
            datetime!(2026-10-26 05:59 UTC),
            &Occupancy::new()
        ),
        Err(BookingError::DayTicketNotYetReleased { from: time!(07:00) })
    );
    assert_eq!(
        ticket(
            &o,
            datetime!(2026-10-26 09:00 +01:00),
            Channel::Online,
            datetime!(2026-10-26 06:00 UTC),
            &Occupancy::new()
        ),
        Ok(())
    );
}

#[test]
fn r8_search_days_default_to_two_weeks_within_the_horizon() {
    let office = buergerbuero();
    let now = MONDAY_10;
    let days = |from, to| domain::search_days(&office, now, from, to);
    assert_eq!(
        days(None, None),
        Some((date!(2026 - 12 - 01), date!(2026 - 12 - 14)))
    );
    // A `from` in the past starts at the first bookable day; `to` stops at the horizon.
    assert_eq!(
        days(Some(date!(2026 - 11 - 01)), Some(date!(2027 - 12 - 31))),
        Some((date!(2026 - 12 - 01), date!(2027 - 01 - 25)))
    );
    assert_eq!(
        days(Some(date!(2027 - 01 - 20)), None),
        Some((date!(2027 - 01 - 20), date!(2027 - 01 - 25)))
    );
    assert_eq!(days(Some(date!(2027 - 02 - 01)), None), None);
    assert_eq!(days(Some(Date::MAX), None), None);
}
