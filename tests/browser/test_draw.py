"""The Tagesticket draw (R27) in the booking page: at 06:30 the page takes a
request instead of offering times (after the code of R33, which Kaarst asks
for Tagestickets); at 07:01 (the same server started again later on the
same database) it shows the request won, with the booking. A request that
lost says so. axe-core on every new screen."""

from __future__ import annotations

import re

import pytest
from conftest import SHOTS, Server, check, no_horizontal_scroll, prove
from playwright.sync_api import expect


@pytest.fixture
def before_release():
    # Monday 30 November 2026, 06:30: the hour of requests before 07:00.
    server = Server("2026-11-30T06:30:00+01:00")
    status, body = server.call(
        "PATCH", "/api/v1/admin/offices/buergerbuero", {"day_ticket_release": "draw"}, headers=server.admin()
    )
    assert status == 200, body
    yield server
    server.stop()


def heading(page):
    return page.locator("h1")


def test_r27_a_request_for_the_draw_then_won(page, before_release):
    page.goto(before_release.base + "/")
    page.wait_for_selector('#main[data-screen="start"]')
    expect(page.locator("#day-ticket-status")).to_contain_text(
        "Die Tagestickets für heute werden verlost. Melden Sie sich bis 07:00 Uhr an"
    )
    # Requests instead of times: no Tagesticket times before the release.
    expect(page.locator("#day-ticket")).to_have_count(0)
    check(page, "30-draw-open")

    page.fill("#count-abmeldung", "1")
    page.click("#draw-enter")
    # The address is proven first (R33).
    expect(heading(page)).to_have_text("E-Mail-Adresse bestätigen")
    expect(page.locator("#verify-intro")).to_contain_text("Für die Verlosung")
    check(page, "31-draw-verify-email")
    prove(page, before_release, "erika.los@example.org")
    expect(heading(page)).to_have_text("Zur Verlosung anmelden")
    expect(page.locator(".summary")).to_contain_text("Abmeldung")
    expect(page.locator("#email")).to_have_value("erika.los@example.org")
    check(page, "31-draw-request")

    # Nothing filled in, and half a window: the summary lists each field.
    page.fill("#window-from", "09:00")
    page.click("#draw-submit")
    summary = page.locator("#errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Geben Sie Ihren Namen ein.")
    expect(summary).to_contain_text("Geben Sie Ihre Postleitzahl mit fünf Ziffern ein.")
    expect(summary).to_contain_text("Geben Sie beide Uhrzeiten an oder keine.")
    expect(page.locator("#window-to")).to_have_attribute("aria-invalid", "true")
    check(page, "32-draw-request-errors")

    page.fill("#name", "Erika Mustermann")
    page.fill("#postcode", "41564")
    page.fill("#window-to", "11:00")
    page.click("#draw-submit")
    # The proof of work (R26) is solved in the page first.
    expect(heading(page)).to_have_text("Sie sind zur Verlosung angemeldet", timeout=60_000)
    expect(page.locator("#draw-status")).to_have_text(
        "Ihre Anmeldung für das Bürgerbüro ist eingegangen. Gelost wird heute um 07:00 Uhr."
    )
    kept = page.evaluate("JSON.parse(sessionStorage.getItem('drawRequest'))")
    status, request = before_release.call(
        "GET", f"/api/v1/day-tickets/requests/{kept['id']}", headers={"X-Request-Token": kept["token"]}
    )
    assert status == 200 and request["status"] == "pending", request
    check(page, "33-draw-pending")
    page.click("#draw-check")
    expect(page.locator("#live")).to_have_text("Noch kein Ergebnis: Die Verlosung hat noch nicht stattgefunden.")

    # A new visit in the same tab finds the request; the start screen then
    # offers it instead of a second request.
    page.goto(before_release.base + "/")
    page.wait_for_selector('#main[data-screen="drawResult"]')
    page.click("#back")
    expect(page.locator("#draw-result")).to_be_visible()
    expect(page.locator("#draw-enter")).to_have_count(0)

    # 07:01: the server (started again, later) has drawn; the page, reloaded
    # in the same tab, finds its request and shows the booking.
    before_release.stop(keep=True)
    later = Server("2026-11-30T07:01:00+01:00", after=before_release)
    try:
        # The Tagesticket status runs a draw that is due (so does the
        # server's sweep, within seconds).
        _, status = later.call("GET", "/api/v1/offices/buergerbuero/day-tickets")
        assert status["available"], status
        page.reload()
        expect(heading(page)).to_have_text("Sie haben ein Tagesticket gewonnen", timeout=20_000)
        code = page.locator("#code").inner_text()
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code), code
        expect(page.locator("#when")).to_contain_text("Montag, 30. November 2026, 09:")
        expect(page.locator("#booking-status")).to_contain_text("Tagesticket")
        expect(page.locator(".bring")).to_contain_text("Abmeldung")
        link = page.locator("#manage-link").get_attribute("href")
        match = re.fullmatch(re.escape(later.base) + r"/termine/([0-9a-f-]{36})#token=(.+)", link)
        assert match, link
        status, booking = later.call("GET", f"/api/v1/bookings/{match[1]}", headers={"X-Booking-Token": match[2]})
        assert status == 200 and booking["code"] == code and booking["kind"] == "day_ticket", booking
        check(page, "34-draw-won")
        # The booking's key came once; the page kept it for a reload.
        page.reload()
        expect(page.locator("#manage-link")).to_have_attribute("href", link)
    finally:
        later.stop()


def test_r27_a_request_that_lost(page, before_release):
    # A request whose window has no Tagesticket time at all cannot win.
    status, lost = before_release.call(
        "POST",
        "/api/v1/offices/buergerbuero/day-tickets/requests",
        {
            "services": ["abmeldung"],
            "citizen": {"name": "Max Muster", "email": "max.los@example.org", "postcode": "41564"},
            "window": {"from": "06:00", "to": "06:30"},
        },
        headers={"X-Altcha": before_release.altcha(), "X-Contact-Token": before_release.contact("max.los@example.org")},
    )
    assert status == 202, lost
    before_release.stop(keep=True)
    later = Server("2026-11-30T07:01:00+01:00", after=before_release)
    try:
        later.call("GET", "/api/v1/offices/buergerbuero/day-tickets")
        page.goto(later.base + "/?lang=en")
        page.evaluate(
            "r => sessionStorage.setItem('drawRequest', JSON.stringify(r))",
            {"id": lost["id"], "token": lost["token"], "office": "buergerbuero", "date": "2026-11-30",
             "online_from": "2026-11-30T07:00:00+01:00"},
        )
        page.reload()
        expect(heading(page)).to_have_text("No day ticket this time", timeout=20_000)
        expect(page.locator("#draw-status")).to_contain_text("Please book a regular appointment")
        check(page, "35-draw-lost-en")
        page.click("#new-booking")
        expect(heading(page)).to_have_text("Book an appointment")
        assert page.evaluate("sessionStorage.getItem('drawRequest')") is None

        # A kept request the server does not know is dropped, not shown as
        # an error on every visit.
        page.evaluate(
            "r => sessionStorage.setItem('drawRequest', JSON.stringify(r))",
            {"id": "0193a4b2-8a7e-7c3e-9f00-000000000000", "token": "x", "office": "buergerbuero",
             "date": "2026-11-30", "online_from": "2026-11-30T07:00:00+01:00"},
        )
        page.reload()
        page.wait_for_selector('#main[data-screen="start"]')
        expect(heading(page)).to_have_text("Book an appointment")
        assert page.evaluate("sessionStorage.getItem('drawRequest')") is None
    finally:
        later.stop()


def test_200_percent_zoom_of_the_draw(zoomed, before_release):
    zoomed.goto(before_release.base + "/")
    zoomed.wait_for_selector('#main[data-screen="start"]')
    no_horizontal_scroll(zoomed, "draw-open at 200 %")
    zoomed.fill("#count-abmeldung", "1")
    zoomed.click("#draw-enter")
    expect(zoomed.locator("h1")).to_have_text("E-Mail-Adresse bestätigen")
    no_horizontal_scroll(zoomed, "draw-verify at 200 %")
    prove(zoomed, before_release, "erika.zoom@example.org")
    expect(zoomed.locator("h1")).to_have_text("Zur Verlosung anmelden")
    no_horizontal_scroll(zoomed, "draw-request at 200 %")
    zoomed.screenshot(path=SHOTS / "36-draw-request-zoom200.png", full_page=True)
