"""The booking page in a real browser: the journey, a move, a cancel, the
Tagesticket at 07:00 (after the code of R33, which Kaarst asks for it) and
at 06:59, a time taken meanwhile, the English page; axe-core on every
screen (see conftest.check)."""

from __future__ import annotations

import json
import re

from conftest import ROOT, check, prove
from playwright.sync_api import expect

GERMAN = ["Termin buchen", "Anliegen", "Schritt", "Zurück", "Tagesticket für heute", "Uhr"]


def heading(page):
    return page.locator("h1")


def visit(page, url: str, screen: str):
    """Opens `url` and waits until the page's script has drawn `screen`."""
    page.goto(url)
    page.wait_for_selector(f'#main[data-screen="{screen}"]')


def focused(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.tagName)")


def test_booking_journey_keyboard_and_errors(page, at_0700):
    visit(page, at_0700.base + "/", "start")
    expect(heading(page)).to_have_text("Termin buchen")
    assert page.evaluate("document.documentElement.lang") == "de"
    check(page, "01-start")

    # Keyboard only: the first Tab shows the skip link, with a visible focus.
    page.keyboard.press("Tab")
    assert focused(page) == "skip"
    style = page.evaluate("getComputedStyle(document.activeElement)")
    assert style["outlineStyle"] != "none" and style["boxShadow"] != "none"
    # Tab on to the count of "Personalausweis beantragen", type, submit.
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page) == "count-personalausweis":
            break
    assert focused(page) == "count-personalausweis"
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")

    # The earliest time (Tuesday, the first bookable day) and all by day.
    expect(heading(page)).to_have_text("Termin wählen")
    assert focused(page) == "title"
    earliest = page.locator("#earliest")
    expect(earliest).to_contain_text("Dienstag, 1. Dezember 2026, 08:30 Uhr")
    days = page.locator("#day option")
    assert days.count() >= 8, "two weeks of working days"
    check(page, "02-slots")
    # By keyboard: from the heading to the earliest time, the day chooser
    # (arrow down: the next day), its third time, Enter.
    page.focus("#title")
    page.keyboard.press("Tab")
    assert focused(page) == "earliest"
    page.keyboard.press("Tab")
    assert focused(page) == "day"
    page.keyboard.press("ArrowDown")
    expect(page.locator("#times-title")).to_contain_text("Mittwoch, 2. Dezember 2026")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.start") == "2026-12-02T08:40:00+01:00"
    page.keyboard.press("Enter")

    # Held: countdown and extend (R19).
    expect(heading(page)).to_have_text("Ihre Angaben")
    expect(page.locator("#hold-until")).to_contain_text("07:10 Uhr")
    expect(page.locator("#countdown")).to_contain_text(re.compile(r"Verbleibende Zeit: (9:5\d|10:00) Minuten"))
    expect(page.locator(".summary .when")).to_contain_text("Mittwoch, 2. Dezember 2026, 08:40 Uhr")
    page.focus("#title")
    page.keyboard.press("Tab")
    assert focused(page) == "extend"
    page.keyboard.press("Enter")
    expect(page.locator("#hold-until")).to_contain_text("07:20 Uhr")
    expect(page.locator("#extend")).to_contain_text("noch 2-mal")
    check(page, "03-details")

    # Nothing filled in: the error summary takes the focus and links the fields.
    page.click("#confirm")
    summary = page.locator("#errors")
    expect(summary).to_be_visible()
    assert focused(page) == "errors"
    expect(summary).to_contain_text("Geben Sie Ihren Namen ein.")
    expect(summary).to_contain_text("Geben Sie eine E-Mail-Adresse oder eine Telefonnummer an.")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    check(page, "04-details-errors")
    # The server's refusal (invalid_email) in words, at its field.
    page.fill("#name", "Erika Mustermann")
    page.fill("#email", "erika@")
    page.click("#confirm")
    expect(summary).to_contain_text("Die E-Mail-Adresse ist ungültig")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").click()
    assert focused(page) == "email"
    page.fill("#email", "erika@example.org")
    page.press("#email", "Enter")

    # Booked: code, what to bring, calendar, manage link.
    expect(heading(page)).to_have_text("Ihr Termin ist gebucht")
    code = page.locator("#code").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code), code
    expect(page.locator("#when")).to_contain_text("Mittwoch, 2. Dezember 2026, 08:40–09:00 Uhr")
    expect(page.locator(".bring")).to_contain_text("Personalausweis beantragen")
    expect(page.locator(".bring li").first).to_be_visible()
    check(page, "05-done")
    with page.expect_download() as dl:
        page.click("#calendar")
    ics = open(dl.value.path(), encoding="utf-8").read()
    assert "BEGIN:VCALENDAR" in ics and "DTSTART:20261202T074000Z" in ics
    link = page.locator("#manage-link").get_attribute("href")
    match = re.fullmatch(re.escape(at_0700.base) + r"/termine/([0-9a-f-]{36})#token=(.+)", link)
    assert match, link
    status, booking = at_0700.call("GET", f"/api/v1/bookings/{match[1]}", headers={"X-Booking-Token": match[2]})
    assert status == 200 and booking["code"] == code and booking["services"] == ["personalausweis"]

    # The link opens the booking.
    visit(page, link, "manage")
    expect(heading(page)).to_have_text("Ihr Termin")
    expect(page.locator("#code")).to_have_text(code)


def test_move_and_cancel_from_the_confirmation_link(page, at_0700):
    status, created = at_0700.call(
        "POST",
        "/api/v1/bookings",
        {
            "office": "buergerbuero",
            "services": ["anmeldung"],
            "start": "2026-12-03T09:00:00+01:00",
            "citizen": {"name": "Max Muster", "email": "max@example.org"},
        },
    )
    assert status == 201, created
    # The link of the confirmation e-mail (api/src/mail: TERMIN_PUBLIC_URL/termine/{id}#token=…).
    visit(page, f"{at_0700.base}/termine/{created['id']}#token={created['token']}", "manage")
    expect(heading(page)).to_have_text("Ihr Termin")
    expect(page.locator("#when")).to_contain_text("Donnerstag, 3. Dezember 2026, 09:00–09:15 Uhr")
    check(page, "06-manage")

    page.click("#move")
    expect(heading(page)).to_have_text("Neuen Termin wählen")
    check(page, "07-move")
    page.select_option("#day", "2026-12-04")
    page.locator('#times button[data-start="2026-12-04T10:00:00+01:00"]').click()
    expect(page.locator(".notice.success")).to_contain_text(
        "von Donnerstag, 3. Dezember 2026, 09:00 Uhr auf Freitag, 4. Dezember 2026, 10:00 Uhr verlegt"
    )
    expect(page.locator("#when")).to_contain_text("Freitag, 4. Dezember 2026, 10:00–10:15 Uhr")
    check(page, "08-moved")
    _, now = at_0700.call("GET", f"/api/v1/bookings/{created['id']}", headers={"X-Booking-Token": created["token"]})
    assert now["start"] == "2026-12-04T10:00:00+01:00" and now["previous_start"] == "2026-12-03T09:00:00+01:00"

    page.click("#cancel")
    expect(page.locator("#cancel-title")).to_be_focused()
    check(page, "09-cancel-confirm")
    page.click("#cancel-no")
    expect(page.locator("#cancel")).to_be_focused()
    page.click("#cancel")
    page.click("#cancel-yes")
    expect(page.locator(".notice.success")).to_contain_text("Ihr Termin ist abgesagt.")
    expect(page.locator("#booking-status")).to_have_text("Dieser Termin ist abgesagt.")
    expect(page.locator("#move")).to_have_count(0)
    check(page, "10-cancelled")
    _, now = at_0700.call("GET", f"/api/v1/bookings/{created['id']}", headers={"X-Booking-Token": created["token"]})
    assert now["status"] == "cancelled"

    # A link without its key says so.
    visit(page, f"{at_0700.base}/termine/{created['id']}", "manage")
    expect(page.locator("#errors")).to_contain_text("Zugangsschlüssel")


def test_a_time_taken_meanwhile(page, at_0700):
    visit(page, at_0700.base + "/", "start")
    page.check("#office-infobuero-bauen")
    expect(page.locator("#count-bauberatung")).to_be_visible()
    page.fill("#count-bauberatung", "1")
    page.click("#search")
    expect(heading(page)).to_have_text("Termin wählen")
    button = page.locator("#times button").nth(3)
    start = button.get_attribute("data-start")
    # Someone else books that time through the API (the office has one counter).
    status, body = at_0700.call(
        "POST",
        "/api/v1/bookings",
        {
            "office": "infobuero-bauen",
            "services": ["bauberatung"],
            "start": start,
            "citizen": {"name": "Jemand Anderes", "phone": "02131 987-0"},
        },
    )
    assert status == 201, body
    button.click()
    summary = page.locator("#errors")
    expect(summary).to_contain_text("Diese Zeit wurde gerade von jemand anderem gebucht.")
    expect(summary).to_be_focused()
    expect(heading(page)).to_have_text("Termin wählen")
    # The list is fresh: the time is no longer offered.
    expect(page.locator(f'#times button[data-start="{start}"]')).to_have_count(0)
    check(page, "11-slot-taken")


def test_day_ticket_at_0700_in_english_then_exhausted(page, at_0700):
    visit(page, at_0700.base + "/", "start")
    page.click("#lang")
    expect(heading(page)).to_have_text("Book an appointment")
    assert page.evaluate("document.documentElement.lang") == "en"
    # No German on the English screen but the office's own texts, marked lang="de".
    text = page.evaluate(
        """() => { const c = document.body.cloneNode(true);
                   c.querySelectorAll('[lang="de"]').forEach(e => e.remove());
                   return c.innerText; }"""
    )
    for word in GERMAN:
        assert word not in text, word
    expect(page.locator("#day-ticket-status")).to_have_text("12 day tickets are left for today.")
    check(page, "12-start-en")

    page.fill("#count-abmeldung", "1")
    page.click("#day-ticket")
    # Kaarst asks a verified e-mail address for a Tagesticket (R33): the
    # code first (test_contacts.py tells this step in full).
    expect(heading(page)).to_have_text("Confirm your e-mail address")
    prove(page, at_0700, "erika.tagesticket@example.org")
    expect(heading(page)).to_have_text("Choose a day ticket time")
    expect(page.locator("#earliest")).to_contain_text("30 November 2026, 08:30")
    check(page, "13-day-ticket-times-en")
    # The hold needs the challenge (R26): the page solves it with WebCrypto.
    page.click("#earliest")
    expect(heading(page)).to_have_text("Your details", timeout=60_000)
    page.fill("#name", "Erika Mustermann")
    expect(page.locator("#email")).to_have_value("erika.tagesticket@example.org")
    page.fill("#postcode", "40210")
    page.click("#confirm")
    expect(page.locator("#errors")).to_contain_text("Online day tickets are for residents only.")
    expect(page.locator("#postcode")).to_have_attribute("aria-invalid", "true")
    check(page, "14-day-ticket-not-resident-en")
    page.fill("#postcode", "41564")
    page.click("#confirm")
    expect(heading(page)).to_have_text("Your day ticket is booked")
    expect(page.locator("#when")).to_contain_text("30 November 2026, 08:30–08:40")
    check(page, "15-day-ticket-done-en")

    # Everybody else takes the other 11 through the API, each with the
    # contact token of their own address.
    tokens = at_0700.contacts([f"p{n}@example.org" for n in range(11)])
    for n in range(11):
        _, offer = at_0700.call("GET", "/api/v1/offices/buergerbuero/day-tickets?service=abmeldung")
        status, body = at_0700.call(
            "POST",
            "/api/v1/bookings",
            {
                "office": "buergerbuero",
                "services": ["abmeldung"],
                "start": offer["slots"][0]["start"],
                "kind": "day_ticket",
                "citizen": {"name": f"Person {n}", "email": f"p{n}@example.org", "postcode": "41564"},
            },
            headers={"X-Altcha": at_0700.altcha(), "X-Contact-Token": tokens[f"p{n}@example.org"]},
        )
        assert status == 201, body
    visit(page, at_0700.base + "/", "start")
    status = page.locator("#day-ticket-status")
    expect(status).to_have_text(
        "All of today's day tickets are taken. Please book a regular appointment or try another day."
    )
    expect(page.locator("#day-ticket")).to_have_count(0)
    check(page, "16-day-tickets-exhausted-en")


def test_day_ticket_at_0659_not_yet(page, at_0659):
    visit(page, at_0659.base + "/", "start")
    expect(page.locator("#day-ticket-status")).to_have_text(
        "Tagestickets für heute gibt es online ab 07:00 Uhr. Bitte schauen Sie dann wieder vorbei."
    )
    expect(page.locator("#day-ticket")).to_have_count(0)
    check(page, "17-day-ticket-before-0700")


def test_every_error_code_has_a_message_in_both_languages(page, at_0659):
    visit(page, at_0659.base + "/", "start")
    codes = json.loads((ROOT / "openapi.yaml").read_text())["components"]["schemas"]["ErrorCode"]["enum"]
    assert len(codes) > 60
    tables = page.evaluate("import('/web/errors.js').then(m => m.ERRORS)")
    for lang in ("de", "en"):
        missing = [c for c in codes if not tables[lang].get(c)]
        assert missing == [], (lang, missing)


def test_the_axe_check_does_catch_violations(page, at_0659):
    """The check of every screen is not vacuous: the same axe run finds a
    field without its label and grey-on-white text on a spoilt copy."""
    from conftest import AXE_TAGS, _axe

    visit(page, at_0659.base + "/", "start")
    expect(heading(page)).to_have_text("Termin buchen")
    page.evaluate(
        """() => { document.querySelector('label[for="count-anmeldung"]').remove();
                   const p = document.createElement('p');
                   p.textContent = 'kaum lesbar'; p.style.color = '#bbbbbb';
                   document.getElementById('main').append(p); }"""
    )
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    ids = {v["id"] for v in results.response["violations"]}
    assert {"label", "color-contrast"} <= ids, ids
