"""Several municipalities in one deployment (R39) in a real browser: the
page of each at /{municipality}/ with its name, only its offices and the
links of its footer (imprint, privacy notice, accessibility statement;
each where it has one); / leading to the only municipality or listing
them; an address that names none (404); a booking's link and the display
naming the municipality of their office. The second municipality is made
through the API as the operator, on a server of its own (the session's
servers keep Kaarst alone). axe-core on every screen (conftest.check)."""

from __future__ import annotations

import pytest
from conftest import Server, check
from playwright.sync_api import expect

KAARST_LINKS = {
    "legal-imprint": ("Impressum", "https://www.kaarst.de/impressum"),
    "legal-privacy": ("Datenschutzerklärung", "https://www.kaarst.de/datenschutz"),
    "legal-accessibility": ("Erklärung zur Barrierefreiheit", "https://www.kaarst.de/barrierefreiheit"),
}
# Testdorf has no privacy notice of its own (yet): its footer leaves it out.
TESTDORF = {
    "id": "testdorf",
    "name": "Gemeinde Testdorf",
    "ags": "05162099",
    "imprint_url": "https://testdorf.example/impressum",
    "accessibility_url": "https://testdorf.example/barrierefreiheit",
}
# Just created: no office, no links yet.
NEUDORF = {"id": "neudorf", "name": "Gemeinde Neudorf", "ags": "05162098"}


@pytest.fixture(scope="module")
def two():
    """Kaarst; Testdorf, whose one office (`rathaus-testdorf`) is the
    Infobüro Bauen's configuration under another id and name; Neudorf,
    without an office yet."""
    server = Server("2026-11-30T07:00:00+01:00", TERMIN_RATE_LIMIT_WRITES="off", TERMIN_RATE_LIMIT_READS="off")
    admin = server.admin()
    status, body = server.call("POST", "/api/v1/admin/municipalities", TESTDORF, headers=admin)
    assert status == 201, body
    status, config = server.call("GET", "/api/v1/admin/offices/infobuero-bauen", headers=admin)
    assert status == 200, config
    config |= {"id": "rathaus-testdorf", "name": "Rathaus Testdorf"}
    status, body = server.call("POST", "/api/v1/admin/municipalities/testdorf/offices", config, headers=admin)
    assert status == 201, body
    status, body = server.call("POST", "/api/v1/admin/municipalities", NEUDORF, headers=admin)
    assert status == 201, body
    yield server
    server.stop()


def visit(page, url: str, screen: str):
    page.goto(url)
    page.wait_for_selector(f'#main[data-screen="{screen}"]')


def offices(page) -> list[str]:
    return page.locator('input[name="office"]').evaluate_all("els => els.map(e => e.value)")


def legal_links(page) -> dict[str, tuple[str, str]]:
    links = page.locator("footer #legal a")
    return {
        links.nth(i).get_attribute("id"): (links.nth(i).inner_text(), links.nth(i).get_attribute("href"))
        for i in range(links.count())
    }


def test_r39_with_kaarst_alone_the_root_is_its_page(page, at_0700):
    visit(page, at_0700.base + "/", "start")
    assert page.url == at_0700.base + "/kaarst/"
    expect(page.locator("#brand-name")).to_have_text("Stadt Kaarst")
    assert page.title() == "Termin buchen – Terminvergabe, Stadt Kaarst"


def test_r39_the_root_lists_the_municipalities_and_leads_to_testdorf(page, two):
    visit(page, two.base + "/", "places")
    assert page.url == two.base + "/"
    expect(page.locator("h1")).to_have_text("Wo möchten Sie einen Termin buchen?")
    places = page.locator("#places a")
    # By id: Kaarst, Neudorf, Testdorf.
    expect(places).to_have_count(3)
    expect(places.nth(0)).to_have_text("Stadt Kaarst")
    assert places.nth(0).get_attribute("href") == "/kaarst/"
    expect(places.nth(2)).to_have_text("Gemeinde Testdorf")
    assert places.nth(2).get_attribute("href") == "/testdorf/"
    # No municipality yet: no links of one in the footer.
    expect(page.locator("#legal")).to_be_hidden()
    check(page, "40-municipalities")

    # By keyboard: Testdorf's link, Enter.
    places.nth(2).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(two.base + "/testdorf/")
    page.wait_for_selector('#main[data-screen="start"]')
    expect(page.locator("h1")).to_have_text("Termin buchen")
    # Its name heads the page and its title.
    expect(page.locator("#brand")).to_have_text("Gemeinde Testdorf Terminvergabe")
    assert page.title() == "Termin buchen – Terminvergabe, Gemeinde Testdorf"
    # Only its offices.
    assert offices(page) == ["rathaus-testdorf"]
    expect(page.locator('label[for="office-rathaus-testdorf"]')).to_contain_text("Rathaus Testdorf")
    # Its links, and none it does not have.
    assert legal_links(page) == {
        "legal-imprint": ("Impressum", "https://testdorf.example/impressum"),
        "legal-accessibility": ("Erklärung zur Barrierefreiheit", "https://testdorf.example/barrierefreiheit"),
    }
    assert page.locator("#legal").get_attribute("aria-label") == "Rechtliches"
    check(page, "41-testdorf-start")

    # Its office offers times like any other.
    page.fill("#count-bauberatung", "1")
    page.click("#search")
    expect(page.locator("h1")).to_have_text("Termin wählen")
    expect(page.locator("#earliest")).to_contain_text("Dezember 2026")
    expect(page.locator(".summary")).to_contain_text("Rathaus Testdorf")

    # In English: the name is the municipality's own, marked German.
    visit(page, two.base + "/testdorf/?lang=en", "start")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("#brand-name")).to_have_text("Gemeinde Testdorf")
    expect(page.locator('#brand-name [lang="de"]')).to_have_text("Gemeinde Testdorf")
    assert page.title() == "Book an appointment – Appointments, Gemeinde Testdorf"
    assert [text for text, _ in legal_links(page).values()] == ["Legal notice", "Accessibility statement"]
    check(page, "42-testdorf-start-en")


def test_r39_kaarst_shows_its_name_its_offices_and_its_three_links(page, two):
    visit(page, two.base + "/kaarst/", "start")
    expect(page.locator("#brand-name")).to_have_text("Stadt Kaarst")
    assert page.title() == "Termin buchen – Terminvergabe, Stadt Kaarst"
    assert offices(page) == ["buergerbuero", "infobuero-bauen"]
    expect(page.locator("body")).not_to_contain_text("Testdorf")
    assert legal_links(page) == KAARST_LINKS
    check(page, "43-kaarst-start")
    # The language switch redraws the footer's links.
    page.click("#lang")
    expect(page.locator("#legal-accessibility")).to_have_text("Accessibility statement")
    expect(page.locator("#legal-privacy")).to_have_text("Privacy notice")


def test_r39_an_address_that_names_no_municipality_is_404(page, two):
    answer = page.goto(two.base + "/gibtsnicht/")
    assert answer.status == 404
    assert page.evaluate("document.documentElement.lang") == "de"
    expect(page.locator("h1")).to_have_text("Seite nicht gefunden")
    assert page.title().startswith("Seite nicht gefunden")
    check(page, "44-not-found")
    # The way on: the overview of the municipalities.
    page.click("#home")
    page.wait_for_selector('#main[data-screen="places"]')
    assert page.url == two.base + "/"


def test_r39_a_bookings_link_and_the_display_name_its_municipality(page, two):
    _, offer = two.call("GET", "/api/v1/offices/rathaus-testdorf/slots?service=bauberatung")
    status, created = two.call(
        "POST",
        "/api/v1/bookings",
        {
            "office": "rathaus-testdorf",
            "services": ["bauberatung"],
            "start": offer["earliest"]["start"],
            "citizen": {"name": "Tessa Dorf", "email": "tessa@example.org"},
        },
    )
    assert status == 201, created
    # The link of an older confirmation: /termine/{id}, no municipality in it.
    visit(page, f"{two.base}/termine/{created['id']}#token={created['token']}", "manage")
    expect(page.locator("h1")).to_have_text("Ihr Termin")
    expect(page.locator("#brand-name")).to_have_text("Gemeinde Testdorf")
    assert page.title() == "Ihr Termin – Terminvergabe, Gemeinde Testdorf"
    expect(page.locator(".booking")).to_contain_text("Rathaus Testdorf")
    assert page.locator("#new-booking").get_attribute("href") == "/testdorf/"
    assert set(legal_links(page)) == {"legal-imprint", "legal-accessibility"}
    check(page, "45-manage-testdorf")

    page.goto(two.base + "/display/rathaus-testdorf")
    expect(page.locator("#main")).to_have_attribute("data-state", "live", timeout=10_000)
    expect(page.locator("h1")).to_contain_text("Rathaus Testdorf")
    expect(page.locator("#place")).to_have_text("Gemeinde Testdorf")
    assert page.title() == "Rathaus Testdorf: Aufrufanzeige – Gemeinde Testdorf"
    check(page, "46-display-testdorf", idle=False)


def test_r39_a_municipality_without_an_office_yet(page, two):
    visit(page, two.base + "/neudorf/", "start")
    expect(page.locator("#brand-name")).to_have_text("Gemeinde Neudorf")
    expect(page.locator("h1")).to_have_text("Termin buchen")
    expect(page.locator("#no-offices")).to_have_text(
        "Hier können Sie noch keine Termine buchen: Es ist noch kein Amt eingerichtet."
    )
    # No links of its own yet: the footer has none.
    expect(page.locator("#legal")).to_be_hidden()
    check(page, "47-neudorf-no-office")
