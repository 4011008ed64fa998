#!/usr/bin/env python3
"""The probe of issue #23, replayed: the requests that walked around the limits
(R25), the proof of work (R26), the Tagesticket holds (R19), the display
streams (R28), the login limit (R11), the metrics and the idempotency keys,
each with the answer it must get now. Starts its own server (the debug
binary, `cargo build -p api` first) on a fresh SQLite file, frozen on a
Monday at 07:05, behind a trusted proxy at 127.0.0.1 so that each request
names its client in X-Forwarded-For. Prints one line per probe; exits 1 if
any answer is not the expected one.

    python3 bench/probe/holes.py [path/to/terminvergabe]

PROBE_DATABASE_URL runs it on another database (a fresh, empty one), e.g.
PostgreSQL: `createdb probe; PROBE_DATABASE_URL=postgres://postgres@127.0.0.1/probe`.
"""
import base64, hashlib, http.client, json, os, subprocess, sys, tempfile, time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/terminvergabe"
PORT = 18_197
TOKEN = "probe-metrics-token-0123456789"
ADMIN = ("chefin", "Verwaltung-2026!")
failed = []


def request(method, path, body=None, headers=None, client="203.0.113.1"):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
    h = {"X-Forwarded-For": client}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)  # the path is sent as written
    r = conn.getresponse()
    data = r.read()
    conn.close()
    try:
        doc = json.loads(data) if data else None
    except ValueError:
        doc = None
    return r.status, doc, r


def expect(name, status, doc, want_status, want_code=None):
    code = doc.get("code") if isinstance(doc, dict) and status >= 400 else None
    ok = status == want_status and (want_code is None or code == want_code)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {status} {code or ''} (want {want_status} {want_code or ''})")
    if not ok:
        failed.append(name)


def solve(challenge):
    for n in range(challenge["maxnumber"] + 1):
        if hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest() == challenge["challenge"]:
            return n
    raise RuntimeError("unsolvable")


def altcha(challenge, number, salt=None):
    payload = {"algorithm": "SHA-256", "challenge": challenge["challenge"], "number": number,
               "salt": salt or challenge["salt"], "signature": challenge["signature"]}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def main():
    work = tempfile.mkdtemp()
    url = os.environ.get("PROBE_DATABASE_URL", f"sqlite://{work}/probe.db")
    env = dict(os.environ, DATABASE_URL=url, TERMIN_BIND=f"127.0.0.1:{PORT}",
               TERMIN_NOW="2026-11-30T07:05:00+01:00", TERMIN_TRUSTED_PROXIES="127.0.0.1",
               TERMIN_JWT_SECRET="probe-secret-of-at-least-32-bytes!!",
               TERMIN_BOOTSTRAP_ADMIN=f"{ADMIN[0]}:{ADMIN[1]}", TERMIN_METRICS_TOKEN=TOKEN,
               TERMIN_RATE_LIMIT_READS="120/60", TERMIN_RATE_LIMIT_WRITES="10/600", RUST_LOG="warn")
    server = subprocess.Popen([BIN], env=env, stdout=subprocess.DEVNULL, stderr=open(f"{work}/server.log", "w"))
    try:
        for _ in range(100):
            try:
                if request("GET", "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        probes()
    finally:
        server.terminate()
        server.wait()
    print(f"{len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


def probes():
    # R25: ten writes use the limit; every spelling of the path is the path.
    a = "203.0.113.7"
    for _ in range(10):
        request("POST", "/api/v1/bookings", {}, client=a)
    for path in ["/%61pi/v1/bookings", "/ap%69/v1/bookings", "/api/v%31/bookings", "/api/v1/b%6Fokings"]:
        expect(f"R25 write to {path} after the limit", *request("POST", path, {}, client=a)[:2], 429, "rate_limited")

    # R26: a solution whose first digit moved into the salt (the expiry forged).
    b = "203.0.113.8"
    _, ch, _ = request("GET", "/api/v1/challenge", client=b)
    n = solve(ch)
    digits = str(n).rjust(2, "0")
    forged = altcha(ch, int(digits[1:]), salt=ch["salt"] + digits[0])
    _, tickets, _ = request("GET", "/api/v1/offices/buergerbuero/day-tickets?service=personalausweis", client=b)
    start = tickets["slots"][0]["start"]
    ticket = {"office": "buergerbuero", "services": ["personalausweis"], "start": start, "kind": "day_ticket",
              "citizen": {"name": "Erika Mustermann", "email": "erika@example.org", "postcode": "41564"}}
    expect("R26 forged expiry", *request("POST", "/api/v1/bookings", ticket, {"X-Altcha": forged}, client=b)[:2],
           422, "challenge_invalid")

    # R19: one live Tagesticket hold per address, and one extension.
    c = "2001:db8:19:19::1"
    _, tickets, _ = request("GET", "/api/v1/offices/buergerbuero/day-tickets?service=personalausweis", client=c)
    holds = []
    for i in range(2):
        _, ch, _ = request("GET", "/api/v1/challenge", client=c)
        hold = {"office": "buergerbuero", "services": ["personalausweis"],
                "start": tickets["slots"][i]["start"], "kind": "day_ticket"}
        holds.append(request("POST", "/api/v1/holds", hold, {"X-Altcha": altcha(ch, solve(ch))},
                             client=f"2001:db8:19:19::{i + 1}"))
    expect("R19 first Tagesticket hold", *holds[0][:2], 201)
    expect("R19 second Tagesticket hold, same /64", *holds[1][:2], 422, "hold_limit")
    held = holds[0][1] if holds[0][0] == 201 else holds[1][1]
    if "token" in (held or {}):
        ext = {"X-Hold-Token": held["token"]}
        extend = f"/api/v1/holds/{held['id']}/extend"
        expect("R19 first extension", *request("POST", extend, None, ext, client=c)[:2], 200)
        expect("R19 second extension", *request("POST", extend, None, ext, client=c)[:2],
               409, "hold_extensions_used")
    else:
        print("FAIL R19 extensions: no hold to extend")
        failed.append("R19 extensions")

    # R28: 20 display streams per address.
    d = "203.0.113.9"
    streams = []
    for _ in range(20):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
        conn.request("GET", "/api/v1/offices/buergerbuero/display", headers={"X-Forwarded-For": d})
        streams.append((conn, conn.getresponse()))
    opened = sum(1 for _, r in streams if r.status == 200)
    print(f"{'ok  ' if opened == 20 else 'FAIL'} R28 20 streams of one address open: {opened}")
    if opened != 20:
        failed.append("R28 20 streams")
    # The 21st: its status only (a stream that opens would never end).
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
    conn.request("GET", "/api/v1/offices/buergerbuero/display", headers={"X-Forwarded-For": d})
    r = conn.getresponse()
    doc = json.loads(r.read()) if r.status != 200 else None
    streams.append((conn, r))
    expect("R28 the 21st stream", r.status, doc, 429, "rate_limited")
    for conn, _ in streams:
        conn.close()

    # R11: an office behind one address signs in 40 times.
    e = "192.0.2.50"
    statuses = [request("POST", "/api/v1/auth/token", {"username": ADMIN[0], "password": ADMIN[1]}, client=e)[0]
                for _ in range(40)]
    ok = all(s == 200 for s in statuses)
    print(f"{'ok  ' if ok else 'FAIL'} R11 40 logins from one address: {statuses.count(200)} of 40 signed in")
    if not ok:
        failed.append("R11 logins")

    # /metrics behind its token, in any spelling.
    for path in ["/metrics", "/m%65trics"]:
        expect(f"{path} without the token", *request("GET", path)[:2], 401, "missing_token")
    expect("/metrics with the token", *request("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})[:2], 200)

    # An Idempotency-Key answers only its own client.
    _, slots, _ = request("GET", "/api/v1/offices/buergerbuero/slots?service=anmeldung", client="198.51.100.1")
    body = {"office": "buergerbuero", "services": ["anmeldung"], "start": slots["earliest"]["start"],
            "kind": "regular", "citizen": {"name": "Erika Mustermann", "email": "erika.k@example.org"}}
    key = {"Idempotency-Key": "probe-key-1"}
    expect("Idempotency-Key, its client", *request("POST", "/api/v1/bookings", body, key, client="198.51.100.1")[:2], 201)
    expect("Idempotency-Key, another client",
           *request("POST", "/api/v1/bookings", body, key, client="198.51.100.2")[:2], 422, "idempotency_key_reused")

    # Headers.
    _, _, r = request("GET", "/api/v1/offices")
    ok = r.getheader("X-Content-Type-Options") == "nosniff"
    _, _, r = request("GET", "/swagger-ui/")
    ok = ok and "frame-ancestors 'none'" in (r.getheader("Content-Security-Policy") or "")
    print(f"{'ok  ' if ok else 'FAIL'} nosniff on the API, a CSP on Swagger UI")
    if not ok:
        failed.append("headers")


if __name__ == "__main__":
    main()
