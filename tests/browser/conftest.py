"""Servers, browser and checks for the booking page's tests (issue #15).

Each server is the real binary on a fresh SQLite database with its clock
frozen (TERMIN_NOW): Monday 2026-11-30, at 07:00 (Tagestickets released
online) and at 06:59 (not yet). Its messages go to its log
(TERMIN_SMTP_URL=log), where the tests read the codes of R33. The browser is Debian's chromium, driven by
Playwright without a browser download; axe-core (as shipped by
axe-playwright-python) checks every screen against WCAG 2.1 A and AA.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("SCREENSHOTS", ROOT / "tests/browser/screenshots"))
BINARY = Path(os.environ.get("TERMINVERGABE_BIN", ROOT / "target/debug/terminvergabe"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
# Chromium at 200 % zoom in a 1280 x 800 window lays the page out in a CSS
# viewport of 640 x 400 and draws it at two device pixels per CSS pixel.
ZOOM_200 = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}
ADMIN = ("admin", "browser-tests-admin-password")

# What each screen's axe runs found, printed at the end (the report's table).
AXE_LOG: list[tuple[str, str, int]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The terminvergabe binary on a fresh database, clock frozen at `now`;
    or, given `after` (a stopped server), on that one's database and port,
    as the same server started again later (the page's origin, and so its
    storage, stays the same)."""

    def __init__(self, now: str, after: "Server | None" = None, **env: str):
        self.dir = after.dir if after else Path(tempfile.mkdtemp(prefix="terminvergabe-browser-"))
        self.port = after.port if after else free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full = {
            **os.environ,
            "DATABASE_URL": f"sqlite://{self.dir}/termin.db",
            "TERMIN_BIND": f"127.0.0.1:{self.port}",
            "TERMIN_NOW": now,
            "TERMIN_PUBLIC_URL": self.base,
            "TERMIN_JWT_SECRET": "browser-tests-secret-of-32-bytes-at-least",
            "RUST_LOG": "warn",
            "TERMIN_BOOTSTRAP_ADMIN": ":".join(ADMIN),
            # R33's codes are read from the log (`code_for`).
            "TERMIN_SMTP_URL": "log",
            **env,
        }
        self.log = open(self.dir / "server.log", "a")
        self.proc = subprocess.Popen([str(BINARY)], env=full, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/readyz", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError((self.dir / "server.log").read_text())
                time.sleep(0.2)

    def call(self, method: str, path: str, body=None, headers=None):
        """One API request: (status, JSON body or None)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req) as r:
                text = r.read()
                return r.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def admin(self) -> dict:
        """The headers of a staff request as the bootstrap admin."""
        status, body = self.call("POST", "/api/v1/auth/token", {"username": ADMIN[0], "password": ADMIN[1]})
        assert status == 200, body
        return {"Authorization": f"Bearer {body['access_token']}"}

    def altcha(self) -> str:
        """A solved challenge (R26), as a client other than the page sends it."""
        _, ch = self.call("GET", "/api/v1/challenge")
        for n in range(ch["maxnumber"] + 1):
            if hashlib.sha256(f"{ch['salt']}{n}".encode()).hexdigest() == ch["challenge"]:
                solution = {k: ch[k] for k in ("algorithm", "challenge", "salt", "signature")} | {"number": n}
                return base64.b64encode(json.dumps(solution).encode()).decode()
        raise AssertionError("challenge without solution")

    def codes_for(self, email: str) -> list[str]:
        """The codes of R33 the server has written to its log for `email`
        (TERMIN_SMTP_URL=log), oldest first. A message names its recipient
        before its subject (`to=…` on the subject's line, or a `To:` line
        before it), so each code goes with the address named last."""
        text = re.sub(r"\x1b\[[0-9;]*m", "", (self.dir / "server.log").read_text(encoding="utf-8"))
        codes, to = [], None
        for line in text.splitlines():
            named = re.search(r"(?:\bto=|^To: )(\S+)", line)
            if named:
                to = named[1]
            code = re.search(r"Ihr Bestätigungscode:? (\d{6})\b", line)
            if code and to == email:
                codes.append(code[1])
        return codes

    def code_for(self, email: str, before: int = 0) -> str:
        """The newest code for `email`, waiting until there are more than
        `before` of them (the message is written once the outbox sends it)."""
        deadline = time.time() + 20
        while len(codes := self.codes_for(email)) <= before:
            assert time.time() < deadline, f"no code for {email} in the log"
            time.sleep(0.1)
        return codes[-1]

    def contacts(self, emails: list[str]) -> dict[str, str]:
        """A contact token of each address (R33), as a client other than
        the page gets one: codes asked for (all at once, as the outbox
        sends them together), read from the log, confirmed."""
        before = {email: len(self.codes_for(email)) for email in emails}
        made = {}
        for email in emails:
            status, made[email] = self.call("POST", "/api/v1/verifications", {"email": email})
            assert status == 202, made[email]
        tokens = {}
        for email in emails:
            code = self.code_for(email, before[email])
            status, proof = self.call("POST", f"/api/v1/verifications/{made[email]['id']}/confirm", {"code": code})
            assert status == 200, proof
            tokens[email] = proof["contact_token"]
        return tokens

    def contact(self, email: str) -> str:
        return self.contacts([email])[email]

    def stop(self, keep: bool = False, crash: bool = False):
        """Ends the server; `keep` leaves its database for a later start,
        `crash` kills it at once (open streams break off, as in an outage)."""
        if crash:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def at_0700():
    # Writes unlimited: the tests book many times from one address (R25).
    server = Server("2026-11-30T07:00:00+01:00", TERMIN_RATE_LIMIT_WRITES="off", TERMIN_RATE_LIMIT_READS="off")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def at_0659():
    # The shipped limits (R25) stay on here.
    server = Server("2026-11-30T06:59:00+01:00")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _watched(context):
    """A new page of `context` that collects script errors and CSP refusals
    (`page.problems`; not the browser's note on each 4xx/5xx answer, which
    the error tests provoke on purpose); after the test, there must be none."""
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text)
        if m.type == "error" and not m.text.startswith("Failed to load resource")
        else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    yield page
    context.close()
    # No script error and no CSP report on any screen.
    assert problems == [], problems


@pytest.fixture
def page(browser):
    yield from _watched(
        browser.new_context(viewport=DESKTOP, locale="de-DE", accept_downloads=True)
    )


_axe = Axe()


def axe(page, name: str, width: str):
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    count = results.violations_count
    AXE_LOG.append((name, width, count))
    assert count == 0, f"{name} ({width}): {results.generate_report()}"


def check(page, name: str, idle: bool = True):
    """Every screen: axe at desktop width and at 360 px, no horizontal
    scrolling at 640 px (the CSS width of the desktop at 200 % zoom; the
    zoom itself, with two device pixels per CSS pixel, is `zoomed`),
    360 px and 320 px (reflow, as at 400 % zoom), a screenshot of each of
    the two widths. `idle=False` for a screen that keeps a stream open
    (the waiting-room display), where the network is never idle."""
    if idle:
        page.wait_for_load_state("networkidle")
    else:
        page.wait_for_load_state("load")
    axe(page, name, "1280")
    page.screenshot(path=SHOTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    axe(page, name, "360")
    page.screenshot(path=SHOTS / f"{name}-360.png", full_page=True)
    # 640 x 450: the desktop window at 200 % zoom; 320: reflow (WCAG 1.4.10).
    for width, height in ((640, 450), (360, 780), (320, 780)):
        page.set_viewport_size({"width": width, "height": height})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name}: {scroll} px wide at {width} px"
    page.set_viewport_size(DESKTOP)


def prove(page, server: Server, email: str):
    """The code step of R33 in the page, shown: the address typed, the code
    read from the server's log and typed; the screen after it is the
    caller's to wait for."""
    page.wait_for_selector('#main[data-screen="verify"]')
    before = len(server.codes_for(email))
    page.fill("#email", email)
    page.click("#send-code")
    page.wait_for_selector("#verification-code")
    page.fill("#verification-code", server.code_for(email, before))
    page.click("#check-code")


def no_horizontal_scroll(page, name: str):
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{name}: {width[0]} px of content in {width[1]} px"


@pytest.fixture
def zoomed(browser):
    """A page as Chromium shows it at 200 % zoom of a 1280 x 800 window
    (ZOOM_200), with the same checks for script errors as `page`."""
    yield from _watched(browser.new_context(**ZOOM_200, locale="de-DE"))


def pytest_terminal_summary(terminalreporter):
    if not AXE_LOG:
        return
    terminalreporter.section("axe-core (WCAG 2.1 A + AA) per screen")
    for name, width, count in AXE_LOG:
        terminalreporter.write_line(f"{name:32} {width:>5} px  {count} violations")
