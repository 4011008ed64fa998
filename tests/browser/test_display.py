"""The waiting-room display (R28) at /display/{office} in a real browser:
the calls of the public stream shown as they are made through the staff
API, announced politely, never a name; the stream breaking off and coming
back; English; an unknown office. axe-core on every state (conftest.check)."""

from __future__ import annotations

import pytest
from conftest import Server, check
from playwright.sync_api import expect

# Calls of a stream arrive within about a second (the display's poller); a
# few seconds leave room for a slow machine, without a fixed sleep.
SOON = 10_000


@pytest.fixture
def morning():
    # Monday 30 November 2026, 09:00: the desk's Tagesticket release (08:00)
    # has passed, so the admin books for today and checks citizens in.
    server = Server("2026-11-30T09:00:00+01:00")
    yield server
    server.stop()


def book_and_check_in(server: Server, admin: dict, n: int) -> None:
    for i in range(n):
        _, offer = server.call("GET", "/api/v1/staff/offices/buergerbuero/day-tickets?service=abmeldung", headers=admin)
        status, booking = server.call(
            "POST",
            "/api/v1/staff/bookings",
            {
                "office": "buergerbuero",
                "services": ["abmeldung"],
                "start": offer["slots"][0]["start"],
                "kind": "day_ticket",
                "citizen": {"name": f"Wartende Nummer {i}", "phone": f"02131 5550{i}"},
            },
            headers=admin,
        )
        assert status == 201, booking
        status, body = server.call("POST", f"/api/v1/staff/bookings/{booking['id']}/check-in", headers=admin)
        assert status == 200, body


def call_next(server: Server, admin: dict, counter: int) -> str:
    status, called = server.call(
        "POST", "/api/v1/staff/offices/buergerbuero/queue/next", {"counter": counter}, headers=admin
    )
    assert status == 200, called
    return called["code"]


def test_r28_the_display_shows_each_call_as_it_is_made(page, morning):
    admin = morning.admin()
    book_and_check_in(morning, admin, 3)
    first = call_next(morning, admin, 1)

    page.goto(morning.base + "/display/buergerbuero")
    main = page.locator("#main")
    expect(main).to_have_attribute("data-state", "live", timeout=SOON)
    assert page.evaluate("document.documentElement.lang") == "de"
    expect(page.locator("h1")).to_contain_text("Bürgerbüro")
    expect(page.locator("h1")).to_contain_text("Aufrufanzeige")
    # The call made before the screen was opened: the stream's opening.
    expect(page.locator("#now-code")).to_have_text(first)
    expect(page.locator("#now-counter")).to_have_text("Schalter 1")
    # A screen switched on says the current call once.
    expect(page.locator("#live")).to_have_text(f"Aufruf: Code {first}, bitte zu Schalter 1.")
    check(page, "20-display", idle=False)

    second = call_next(morning, admin, 2)
    expect(page.locator("#now-code")).to_have_text(second, timeout=SOON)
    expect(page.locator("#now")).to_have_text(f"Code {second}, Schalter 2")
    expect(page.locator("#earlier tr")).to_have_count(1)
    expect(page.locator("#earlier")).to_contain_text(first)
    expect(page.locator("#earlier")).to_contain_text("09:00 Uhr")
    # Told to screen readers, politely, with the code and counter only.
    live = page.locator("#live")
    assert live.get_attribute("aria-live") == "polite"
    expect(live).to_have_text(f"Aufruf: Code {second}, bitte zu Schalter 2.", timeout=SOON)
    # Never a name.
    expect(page.locator("body")).not_to_contain_text("Wartende")
    check(page, "21-display-new-call", idle=False)

    # The server goes away: the screen says so and keeps the calls.
    morning.stop(keep=True, crash=True)
    expect(page.locator("#connection")).to_have_text(
        "Verbindung unterbrochen, wird wiederhergestellt …", timeout=SOON
    )
    expect(page.locator("#now-code")).to_have_text(second)
    check(page, "22-display-connection-lost", idle=False)

    # It comes back (same database, same address): the screen reconnects by
    # itself, shows each call once, and the next call arrives.
    again = Server("2026-11-30T09:05:00+01:00", after=morning)
    try:
        expect(main).to_have_attribute("data-state", "live", timeout=SOON)
        expect(page.locator("#connection")).to_have_text("")
        expect(page.locator("#earlier tr")).to_have_count(1)
        # The replayed calls are known: nothing new is said.
        expect(page.locator("#live")).to_have_text(f"Aufruf: Code {second}, bitte zu Schalter 2.")
        third = call_next(again, again.admin(), 3)
        expect(page.locator("#now")).to_have_text(f"Code {third}, Schalter 3", timeout=SOON)
        expect(page.locator("#earlier tr")).to_have_count(2)
        expect(page.locator("#earlier tr").first).to_contain_text(second)
        expect(page.locator("#live")).to_have_text(f"Aufruf: Code {third}, bitte zu Schalter 3.", timeout=SOON)
    finally:
        again.stop()


def test_r28_the_display_in_english_and_for_an_unknown_office(page, at_0700):
    page.goto(at_0700.base + "/display/buergerbuero?lang=en")
    expect(page.locator("#main")).to_have_attribute("data-state", "live", timeout=SOON)
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("h1")).to_contain_text("Call display")
    expect(page.locator("#now")).to_have_text("Nobody has been called yet today.")
    # No German but the office's own name, marked lang="de".
    text = page.evaluate(
        """() => { const c = document.body.cloneNode(true);
                   c.querySelectorAll('[lang="de"]').forEach(e => e.remove());
                   return c.innerText; }"""
    )
    for word in ("Aufruf", "Schalter", "Verbindung", "Heute"):
        assert word not in text, word
    assert page.title().startswith("Bürgerbüro: Call display")
    check(page, "23-display-en", idle=False)

    page.goto(at_0700.base + "/display/rathaus")
    main = page.locator("#main")
    expect(main).to_have_attribute("data-state", "unknown", timeout=SOON)
    expect(page.locator("h1")).to_have_text("Anzeige nicht gefunden")
    expect(page.locator("#connection")).to_have_text(
        "Ein Amt „rathaus“ gibt es nicht. Bitte prüfen Sie die Adresse dieser Anzeige."
    )
    check(page, "24-display-unknown-office")
