"""The booking page's steps that the journey of test_page.py does not take:
another office, more days and back; a hold given back, extended until no
more time is given, left with the page, and run out (the browser's clock
moved on, the server's stays frozen); a new booking from the confirmation."""

from __future__ import annotations

import time

from playwright.sync_api import expect
from test_page import focused, heading, visit


def slots_of(server, office: str, service: str, day: str) -> list[str]:
    _, body = server.call("GET", f"/api/v1/offices/{office}/slots?service={service}&from={day}&to={day}")
    return [s["start"] for s in body["slots"]]


def test_another_office_more_days_back_and_a_hold_left_with_the_page(page, at_0700):
    visit(page, at_0700.base + "/", "start")
    # Another office: its services, the counts of the first gone, the focus
    # on the office chosen.
    page.fill("#count-anmeldung", "2")
    page.check("#office-infobuero-bauen")
    expect(page.locator("#count-bauberatung")).to_be_visible()
    assert focused(page) == "office-infobuero-bauen"
    page.check("#office-buergerbuero")
    expect(page.locator("#count-anmeldung")).to_have_value("0")

    page.fill("#count-personalausweis", "1")
    page.click("#search")
    expect(heading(page)).to_have_text("Termin wählen")
    days = page.locator("#day option")
    first = days.count()
    assert first >= 8, "two weeks of working days"
    # Two weeks more (the horizon is 56 days): the chooser shows their first
    # day, and the focus stays on the button, as there are more still.
    page.click("#more")
    expect(days).not_to_have_count(first)
    new_day = days.nth(first).get_attribute("value")
    expect(page.locator("#day")).to_have_value(new_day)
    expect(page.locator("#more")).to_be_focused()

    # Back: the choice is kept.
    page.click("#back")
    expect(heading(page)).to_have_text("Termin buchen")
    expect(page.locator("#count-personalausweis")).to_have_value("1")
    expect(page.locator("#office-buergerbuero")).to_be_checked()

    # A time held at the office of one counter, then the page left: the hold
    # goes with it (pagehide).
    page.check("#office-infobuero-bauen")
    page.fill("#count-bauberatung", "1")
    page.click("#search")
    button = page.locator("#times button").nth(2)
    start = button.get_attribute("data-start")
    button.click()
    expect(heading(page)).to_have_text("Ihre Angaben")
    day = start[:10]
    assert start not in slots_of(at_0700, "infobuero-bauen", "bauberatung", day)
    visit(page, at_0700.base + "/", "start")
    deadline = time.time() + 10
    while start not in slots_of(at_0700, "infobuero-bauen", "bauberatung", day):
        assert time.time() < deadline, "the hold was not given back when the page was left"
        time.sleep(0.1)


def test_a_hold_given_back_extended_and_run_out_then_a_new_booking(page, at_0700):
    page.clock.install()
    visit(page, at_0700.base + "/", "start")
    page.fill("#count-personalausweis", "1")
    page.click("#search")
    earliest = page.locator("#earliest").inner_text()

    # Held, then given back: the same time is offered again.
    page.click("#earliest")
    expect(heading(page)).to_have_text("Ihre Angaben")
    page.click("#release")
    expect(heading(page)).to_have_text("Termin wählen")
    assert focused(page) == "title"
    expect(page.locator("#earliest")).to_have_text(earliest)

    # Held again (the server's answer kept, to give it back at the end: the
    # server's clock is frozen, so to it this hold never runs out).
    with page.expect_response(lambda r: r.url.endswith("/api/v1/holds") and r.request.method == "POST") as answer:
        page.click("#earliest")
    hold = answer.value.json()
    try:
        expect(heading(page)).to_have_text("Ihre Angaben")
        # More time until no more is given: the button goes, the focus to
        # the other one.
        for _ in range(10):
            if page.locator("#extend").count() == 0:
                break
            with page.expect_response(lambda r: r.url.endswith("/extend")):
                page.click("#extend")
        expect(page.locator("#extend")).to_have_count(0)
        expect(page.locator("#release")).to_be_focused()

        # The browser's clock past the hold's end: the countdown runs out.
        page.fill("#name", "Erika Mustermann")
        page.clock.fast_forward("45:00")
        expect(page.locator("#errors")).to_contain_text("Die Reservierung ist abgelaufen.")
        expect(page.locator("#confirm")).to_be_disabled()
        expect(page.locator("#release")).to_have_count(0)
        expect(page.locator("#countdown")).to_contain_text("Verbleibende Zeit: 0:00 Minuten")

        # Choose again: the name typed is kept.
        page.click("#again")
        expect(heading(page)).to_have_text("Termin wählen")
        page.click("#earliest")
        expect(heading(page)).to_have_text("Ihre Angaben")
        expect(page.locator("#name")).to_have_value("Erika Mustermann")
        page.fill("#phone", "02131 123456")
        page.click("#confirm")
        expect(heading(page)).to_have_text("Ihr Termin ist gebucht")

        # Another booking: from the start, the counts cleared, the form empty.
        page.get_by_role("button", name="Weiteren Termin buchen").click()
        expect(heading(page)).to_have_text("Termin buchen")
        expect(page.locator("#count-personalausweis")).to_have_value("0")
        page.fill("#count-personalausweis", "1")
        page.click("#search")
        page.click("#earliest")
        expect(heading(page)).to_have_text("Ihre Angaben")
        expect(page.locator("#name")).to_have_value("")
        page.click("#release")
        expect(heading(page)).to_have_text("Termin wählen")
    finally:
        status, _ = at_0700.call("DELETE", f"/api/v1/holds/{hold['id']}", headers={"X-Hold-Token": hold["token"]})
        assert status == 204
