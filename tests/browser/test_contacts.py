"""The verified contact of R33 in the booking page (issue #26): Kaarst's
Bürgerbüro asks for the code before a Tagesticket (`verify_contact:
day_tickets`), an office set to `all` before any online booking; a wrong
code says how many tries are left, the right one books, and the contact
token stays in the page's memory (never in localStorage, sessionStorage or
a cookie) and goes as X-Contact-Token. "Meine Termine": the address, the
code, the mailbox's bookings (R34: however the address was written), each
moved and cancelled with the contact token; by keyboard only, in German
and English, axe-core on every screen (conftest.check), 200 % zoom."""

from __future__ import annotations

import pytest
from conftest import SHOTS, Server, check, no_horizontal_scroll, prove
from playwright.sync_api import expect
from test_page import focused, heading, visit


@pytest.fixture
def fresh_0700():
    # A server of its own: the Tagestickets here leave at_0700's twelve to
    # test_page.py.
    server = Server("2026-11-30T07:00:00+01:00", TERMIN_RATE_LIMIT_WRITES="off", TERMIN_RATE_LIMIT_READS="off")
    yield server
    server.stop()


@pytest.fixture
def verify_all():
    # The Bürgerbüro asks a verified contact for every online booking.
    server = Server("2026-11-30T07:00:00+01:00", TERMIN_RATE_LIMIT_WRITES="off", TERMIN_RATE_LIMIT_READS="off")
    status, body = server.call(
        "PATCH", "/api/v1/admin/offices/buergerbuero", {"verify_contact": "all"}, headers=server.admin()
    )
    assert status == 200, body
    yield server
    server.stop()


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def book(server: Server, email: str, start: str, office: str = "buergerbuero", service: str = "anmeldung") -> dict:
    """A regular booking through the API (no code needed for it at Kaarst)."""
    status, created = server.call(
        "POST",
        "/api/v1/bookings",
        {
            "office": office,
            "services": [service],
            "start": start,
            "citizen": {"name": "Max Termine", "email": email},
        },
    )
    assert status == 201, created
    return created


def stored_anywhere(page, secret: str) -> list[str]:
    """Where in the page's storage `secret` is: localStorage,
    sessionStorage, cookies (keys and values)."""
    found = page.evaluate(
        """secret => {
             const where = [];
             for (const [name, store] of [["localStorage", localStorage], ["sessionStorage", sessionStorage]]) {
               for (let i = 0; i < store.length; i++) {
                 const key = store.key(i);
                 if (key.includes(secret) || (store.getItem(key) || "").includes(secret)) where.push(`${name}:${key}`);
               }
             }
             if (document.cookie.includes(secret)) where.push("document.cookie");
             return where;
           }""",
        secret,
    )
    found += [f"cookie:{c['name']}" for c in page.context.cookies() if secret in c["value"] or secret in c["name"]]
    return found


def tab_to(page, element_id: str, most: int = 60):
    """Tab on until `element_id` has the focus (keyboard only)."""
    for _ in range(most):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert focused(page) == element_id, f"{element_id} not reached by Tab"


def test_r33_the_code_before_a_tagesticket_a_wrong_code_then_booked(page, fresh_0700):
    server = fresh_0700
    email = "erika.code@example.org"
    sent = []
    page.on(
        "request",
        lambda r: sent.append((r.method, r.url, r.headers.get("x-contact-token"))) if "/api/v1/holds" in r.url else None,
    )
    visit(page, server.base + "/", "start")
    page.fill("#count-abmeldung", "1")
    page.click("#day-ticket")

    # The code step before the Tagesticket's times: step 2 of now five.
    expect(heading(page)).to_have_text("E-Mail-Adresse bestätigen")
    expect(page.locator(".step")).to_have_text("Schritt 2 von 5")
    expect(page.locator("#verify-intro")).to_contain_text("Für ein Tagesticket bestätigen Sie zuerst Ihre E-Mail-Adresse")
    check(page, "50-verify-email")
    # No address: said at the field.
    page.click("#send-code")
    expect(page.locator("#errors")).to_contain_text("Geben Sie Ihre E-Mail-Adresse ein.")
    expect(page.locator("#errors")).to_be_focused()
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    check(page, "51-verify-email-missing")

    page.fill("#email", email)
    page.click("#send-code")
    expect(page.locator("#code-sent")).to_have_text(
        f"Wir haben einen Code an {email} gesendet. Er gilt bis 07:15 Uhr."
    )
    expect(page.locator("#verification-code")).to_be_focused()
    code = server.code_for(email)
    check(page, "52-verify-code")

    # A wrong code: how many tries are left, at the field.
    page.fill("#verification-code", wrong(code))
    page.click("#check-code")
    summary = page.locator("#errors")
    expect(summary).to_contain_text("Der Code stimmt nicht. Sie haben noch 4 Versuche.")
    expect(summary).to_be_focused()
    expect(page.locator("#verification-code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#verification-code")).to_have_value("")
    check(page, "53-verify-code-wrong")

    # The right one: the contact token, kept in memory only.
    with page.expect_response(lambda r: r.url.endswith("/confirm")) as answer:
        page.fill("#verification-code", code)
        page.click("#check-code")
    token = answer.value.json()["contact_token"]
    expect(heading(page)).to_have_text("Tagesticket-Zeit wählen")
    expect(page.locator(".step")).to_have_text("Schritt 3 von 5")
    expect(page.locator(".notice.success")).to_have_text(f"Ihre E-Mail-Adresse {email} ist bestätigt.")
    assert stored_anywhere(page, token) == []

    # Held and booked for the address proven, which the details show fixed.
    page.click("#earliest")
    expect(heading(page)).to_have_text("Ihre Angaben", timeout=60_000)
    expect(page.locator(".step")).to_have_text("Schritt 4 von 5")
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#email")).to_have_attribute("readonly", "")
    expect(page.locator("#contact-hint")).to_contain_text("bestätigte E-Mail-Adresse")
    check(page, "54-details-verified")
    page.fill("#name", "Erika Code")
    page.fill("#postcode", "41564")
    page.click("#confirm")
    expect(heading(page)).to_have_text("Ihr Tagesticket ist gebucht")
    expect(page.locator(".step")).to_have_text("Schritt 5 von 5")
    code_booked = page.locator("#code").inner_text()

    # The hold and its confirmation carried the token; nothing kept it.
    # (The hold is sent twice where the first answer asks for the proof
    # of work, R26.)
    posts = [(url, header) for method, url, header in sent if method == "POST"]
    assert len(posts) >= 2 and all(header == token for _, header in posts), posts
    assert posts[-1][0].endswith("/booking"), posts
    assert stored_anywhere(page, token) == []
    status, mine = server.call("GET", "/api/v1/contacts/bookings", headers={"X-Contact-Token": token})
    assert status == 200 and [(b["code"], b["kind"]) for b in mine] == [(code_booked, "day_ticket")], mine

    # Meine Termine in the same tab asks no code again (the token lives);
    # after a reload it is gone with the page's memory.
    page.get_by_role("button", name="Weiteren Termin buchen").click()
    page.click("#mine")
    expect(heading(page)).to_have_text("Meine Termine")
    expect(page.locator("#mine-list li h2")).to_have_text(["Montag, 30. November 2026, 08:30 Uhr"])
    page.reload()
    page.wait_for_selector('#main[data-screen="start"]')
    page.click("#mine")
    expect(heading(page)).to_have_text("E-Mail-Adresse bestätigen")
    assert stored_anywhere(page, token) == []


def test_r33_meine_termine_by_keyboard_only_moved_and_cancelled(page, at_0700):
    server = at_0700
    email = "max.termine@example.org"
    first = book(server, email, "2026-12-03T09:00:00+01:00")
    # R34: the same mailbox, written otherwise; and another mailbox's.
    second = book(server, "Max.Termine+bauen@Example.org", "2026-12-04T10:00:00+01:00", "infobuero-bauen", "bauberatung")
    other = book(server, "someone.else@example.org", "2026-12-03T09:30:00+01:00")

    visit(page, server.base + "/", "start")
    page.keyboard.press("Tab")
    tab_to(page, "mine", 80)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("E-Mail-Adresse bestätigen")
    expect(page.locator("#verify-intro")).to_contain_text("mit der Sie gebucht haben")
    assert focused(page) == "title"
    # The address, Enter; the focus goes to the code's field.
    tab_to(page, "email")
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    expect(page.locator("#verification-code")).to_be_focused()
    page.keyboard.type(server.code_for(email))
    page.keyboard.press("Enter")

    # Both of the mailbox's bookings, by start; not the other mailbox's.
    expect(heading(page)).to_have_text("Meine Termine")
    assert focused(page) == "title"
    expect(page.locator("#mine-of")).to_have_text(f"Ihre bevorstehenden Termine mit der E-Mail-Adresse {email}:")
    items = page.locator("#mine-list > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Donnerstag, 3. Dezember 2026, 09:00 Uhr")
    expect(items.nth(0)).to_contain_text(first["code"])
    expect(items.nth(1)).to_contain_text("Infobüro Bauen")
    expect(items.nth(1)).to_contain_text(second["code"])
    expect(page.locator("#mine-list")).not_to_contain_text(other["code"])
    check(page, "55-mine")

    # Move the first, by keyboard: its button, the earliest time offered.
    tab_to(page, f"move-{first['id']}")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Neuen Termin wählen")
    assert focused(page) == "title"
    page.keyboard.press("Tab")
    assert focused(page) == "earliest"
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Meine Termine")
    expect(page.locator(".notice.success")).to_contain_text("Der Termin wurde von Donnerstag, 3. Dezember 2026, 09:00 Uhr auf")
    status, moved = server.call("GET", f"/api/v1/bookings/{first['id']}", headers={"X-Booking-Token": first["token"]})
    assert status == 200 and moved["previous_start"] == "2026-12-03T09:00:00+01:00", moved
    assert moved["start"] != moved["previous_start"]

    # Cancel the second: asked once more, the focus on the question; "no"
    # keeps it, "yes" cancels it.
    tab_to(page, f"cancel-{second['id']}")
    page.keyboard.press("Enter")
    expect(page.locator("#cancel-title")).to_be_focused()
    expect(page.locator("#cancel-title")).to_have_text("Termin am Freitag, 4. Dezember 2026, 10:00 Uhr wirklich absagen?")
    check(page, "56-mine-cancel-confirm")
    page.keyboard.press("Tab")
    assert focused(page) == "cancel-yes"
    page.keyboard.press("Tab")
    assert focused(page) == "cancel-no"
    page.keyboard.press("Enter")
    expect(page.locator(f"#cancel-{second['id']}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cancel-title")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".notice.success")).to_have_text("Ihr Termin ist abgesagt. Die Zeit ist wieder frei.")
    expect(items).to_have_count(1)
    check(page, "57-mine-after-cancel")
    _, gone = server.call("GET", f"/api/v1/bookings/{second['id']}", headers={"X-Booking-Token": second["token"]})
    assert gone["status"] == "cancelled", gone
    _, kept = server.call("GET", f"/api/v1/bookings/{other['id']}", headers={"X-Booking-Token": other["token"]})
    assert kept["status"] == "confirmed", kept


def test_r33_meine_termine_in_english(page, at_0700):
    server = at_0700
    email = "erika.english@example.org"
    visit(page, server.base + "/?lang=en", "start")
    expect(page.locator("#mine-title")).to_have_text("My appointments")
    page.click("#mine")
    expect(heading(page)).to_have_text("Confirm your e-mail address")
    expect(page.locator("#verify-intro")).to_have_text(
        "Enter the e-mail address you booked with. We send you a code of six digits; then you will see your appointments."
    )
    check(page, "58-verify-email-en")
    page.fill("#email", email)
    page.click("#send-code")
    expect(page.locator("#code-sent")).to_have_text(f"We have sent a code to {email}. It is valid until 07:15.")
    code = server.code_for(email)
    page.fill("#verification-code", "12")
    page.click("#check-code")
    expect(page.locator("#errors")).to_contain_text("Enter the code of six digits from the e-mail.")
    page.fill("#verification-code", wrong(code))
    page.click("#check-code")
    expect(page.locator("#errors")).to_contain_text("The code is not right. You have 4 more tries.")
    check(page, "59-verify-code-wrong-en")
    # A new code asked for: the newest works.
    page.click("#resend")
    expect(page.locator("#verification-code")).to_be_focused()
    page.fill("#verification-code", server.code_for(email, 1))
    page.click("#check-code")

    expect(heading(page)).to_have_text("My appointments")
    expect(page.locator("#mine-of")).to_have_text(f"No coming appointment is booked with the e-mail address {email}.")
    text = page.evaluate(
        """() => { const c = document.body.cloneNode(true);
                   c.querySelectorAll('[lang="de"]').forEach(e => e.remove());
                   return c.innerText; }"""
    )
    for word in ["Termin", "E-Mail-Adresse", "bestätigen", "Zurück"]:
        assert word not in text, word
    check(page, "60-mine-empty-en")
    # Another address: the code step again.
    page.click("#mine-other")
    expect(heading(page)).to_have_text("Confirm your e-mail address")
    page.click("#back")
    expect(heading(page)).to_have_text("Book an appointment")


def test_r33_with_verify_contact_all_a_regular_booking_asks_the_code_first(page, verify_all):
    server = verify_all
    email = "erika.alle@example.org"
    visit(page, server.base + "/", "start")
    expect(page.locator(".step")).to_have_text("Schritt 1 von 5")
    page.fill("#count-personalausweis", "1")
    page.click("#search")
    expect(heading(page)).to_have_text("E-Mail-Adresse bestätigen")
    expect(page.locator("#verify-intro")).to_contain_text("Bei diesem Amt bestätigen Sie vor der Buchung Ihre E-Mail-Adresse.")
    # Back leaves the choice as it was.
    page.click("#back")
    expect(page.locator("#count-personalausweis")).to_have_value("1")
    page.click("#search")
    prove(page, server, email)
    expect(heading(page)).to_have_text("Termin wählen")
    page.click("#earliest")
    expect(heading(page)).to_have_text("Ihre Angaben")
    page.fill("#name", "Erika Alle")
    page.fill("#phone", "02131 123456")
    page.click("#confirm")
    expect(heading(page)).to_have_text("Ihr Termin ist gebucht")
    link = page.locator("#manage-link").get_attribute("href")
    booking_id, booking_token = link.split("/termine/")[1].split("#token=")
    status, booking = server.call("GET", f"/api/v1/bookings/{booking_id}", headers={"X-Booking-Token": booking_token})
    assert status == 200 and booking["citizen"]["email"] == email and booking["citizen"]["phone"] == "+492131123456", booking

    # A second booking in the same tab: the token still lives, no code.
    page.get_by_role("button", name="Weiteren Termin buchen").click()
    expect(page.locator(".step")).to_have_text("Schritt 1 von 4")
    page.fill("#count-anmeldung", "1")
    page.click("#search")
    expect(heading(page)).to_have_text("Termin wählen")
    expect(page.locator(".step")).to_have_text("Schritt 2 von 4")


def test_r33_200_percent_zoom_of_the_code_and_meine_termine(zoomed, at_0700):
    email = "erika.zoom.termine@example.org"
    book(at_0700, email, "2026-12-07T11:00:00+01:00")
    zoomed.goto(at_0700.base + "/")
    zoomed.wait_for_selector('#main[data-screen="start"]')
    zoomed.click("#mine")
    expect(zoomed.locator("h1")).to_have_text("E-Mail-Adresse bestätigen")
    no_horizontal_scroll(zoomed, "verify-email at 200 %")
    zoomed.fill("#email", email)
    zoomed.click("#send-code")
    expect(zoomed.locator("#verification-code")).to_be_focused()
    no_horizontal_scroll(zoomed, "verify-code at 200 %")
    zoomed.screenshot(path=SHOTS / "61-verify-code-zoom200.png", full_page=True)
    zoomed.fill("#verification-code", at_0700.code_for(email))
    zoomed.click("#check-code")
    expect(zoomed.locator("h1")).to_have_text("Meine Termine")
    expect(zoomed.locator("#mine-list > li")).to_have_count(1)
    no_horizontal_scroll(zoomed, "mine at 200 %")
    zoomed.screenshot(path=SHOTS / "62-mine-zoom200.png", full_page=True)
