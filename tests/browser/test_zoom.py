"""200 % zoom for real (WCAG 1.4.4, 1.4.10): Chromium zoomed to 200 % in a
1280 x 800 window lays pages out in a 640 x 400 CSS viewport at two device
pixels per CSS pixel, which is the `zoomed` page (conftest.ZOOM_200). Each
main screen must fit without horizontal scrolling. (conftest.check also
looks at 640 px on every screen, at one device pixel per CSS pixel.)"""

from __future__ import annotations

from conftest import SHOTS, no_horizontal_scroll
from playwright.sync_api import expect


def shot(page, name: str):
    no_horizontal_scroll(page, f"{name} at 200 %")
    page.screenshot(path=SHOTS / f"{name}-zoom200.png", full_page=True)


def test_200_percent_zoom_of_the_main_screens(zoomed, at_0700):
    page = zoomed
    assert page.evaluate("[innerWidth, innerHeight, devicePixelRatio]") == [640, 400, 2]
    page.goto(at_0700.base + "/")
    page.wait_for_selector('#main[data-screen="start"]')
    shot(page, "40-start")

    page.fill("#count-anmeldung", "1")
    page.click("#search")
    expect(page.locator("h1")).to_have_text("Termin wählen")
    shot(page, "41-slots")

    page.locator("#times button").nth(5).click()
    expect(page.locator("h1")).to_have_text("Ihre Angaben")
    page.click("#confirm")
    expect(page.locator("#errors")).to_be_visible()
    shot(page, "42-details-errors")

    page.fill("#name", "Erika Zoom")
    page.fill("#email", "erika.zoom@example.org")
    page.click("#confirm")
    expect(page.locator("h1")).to_have_text("Ihr Termin ist gebucht")
    shot(page, "43-done")

    page.goto(page.locator("#manage-link").get_attribute("href"))
    page.wait_for_selector('#main[data-screen="manage"]')
    shot(page, "44-manage")

    page.goto(at_0700.base + "/?lang=en")
    page.wait_for_selector('#main[data-screen="start"]')
    expect(page.locator("h1")).to_have_text("Book an appointment")
    shot(page, "45-start-en")

    page.goto(at_0700.base + "/display/buergerbuero")
    expect(page.locator("#main")).to_have_attribute("data-state", "live")
    shot(page, "46-display")
