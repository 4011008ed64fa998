// The waiting-room screen of an office (R28) at /display/{office}: the
// newest call very large, the ones before it below, from the public stream
// GET /api/v1/offices/{office}/display (Server-Sent Events). Codes and
// counters only, never a name. The screen has no clock of its own: what it
// shows is what the stream sent. German by default, `?lang=en` for English.
// The heading names the office and its municipality (R39).

import { api } from "./api.js";
import { h, initialLang, text, clock } from "./dom.js";

// The newest call and this many before it.
const EARLIER = 5;

const lang = initialLang();
const t = (key, ...args) => text(lang, key, ...args);
const at = (iso) => (lang === "de" ? `${clock(lang, iso)} Uhr` : clock(lang, iso));

const main = document.getElementById("main");
const live = document.getElementById("live");
const officeId = decodeURIComponent(location.pathname.split("/")[2] || "");

// Newest first, one entry per call (a reconnect sends the last calls again).
let calls = [];
let office = null;
let source = null;
// Calls that come in a burst (the stream's opening: today's last calls; a
// reconnect's calls missed meanwhile) are announced once, as the newest:
// the announcement waits this long for more.
const SETTLE_MS = 300;
let announcing = null;

function connection(text, kind = "") {
  const el = document.getElementById("connection");
  el.textContent = text;
  el.className = kind;
  main.dataset.state = kind || "live";
}

function render() {
  const [now, ...earlier] = calls;
  document.getElementById("board")?.remove();
  const board = h(
    "div",
    { id: "board" },
    h(
      "section",
      { class: "now", "aria-labelledby": "now-title" },
      h("h2", { id: "now-title" }, t("displayNow")),
      now
        ? h(
            "p",
            { class: "call", id: "now" },
            h("span", { class: "code" }, h("span", { class: "label" }, t("displayCode")), " ", h("span", { id: "now-code" }, now.code)),
            // One line each on the screen, one sentence to the ear.
            h("span", { class: "visually-hidden" }, ", "),
            h("span", { class: "counter", id: "now-counter" }, t("displayCounter", now.counter)),
          )
        : h("p", { class: "none", id: "now" }, t("displayNone")),
    ),
    earlier.length
      ? h(
          "section",
          { class: "earlier", "aria-labelledby": "earlier-title" },
          h("h2", { id: "earlier-title" }, t("displayEarlier")),
          h(
            "table",
            {},
            h(
              "thead",
              {},
              h("tr", {}, h("th", { scope: "col" }, t("displayCode")), h("th", { scope: "col" }, t("displayCounterHead")), h("th", { scope: "col" }, t("displayAt"))),
            ),
            h(
              "tbody",
              { id: "earlier" },
              earlier.map((c) => h("tr", {}, h("td", { class: "code" }, c.code), h("td", {}, String(c.counter)), h("td", {}, at(c.called_at)))),
            ),
          ),
        )
      : null,
  );
  document.getElementById("connection").after(board);
}

function announceNewest() {
  clearTimeout(announcing);
  announcing = setTimeout(() => {
    const [call] = calls;
    live.textContent = "";
    // A fresh text a moment later, so a screen reader reads it again.
    setTimeout(() => (live.textContent = t("displayAnnounce", call.code, call.counter)), 50);
  }, SETTLE_MS);
}

function onCall(e) {
  let call;
  try {
    call = JSON.parse(e.data);
  } catch {
    return;
  }
  const key = (c) => `${c.code} ${c.called_at}`;
  if (calls.some((c) => key(c) === key(call))) return;
  // A screen left on overnight: the first call of a new day clears the
  // board (the stream's times carry Berlin's offset, so the date is theirs).
  if (calls[0] && calls[0].called_at.slice(0, 10) !== call.called_at.slice(0, 10)) calls = [];
  // The stream sends calls in the order they were made (times may tie).
  calls = [call, ...calls].slice(0, EARLIER + 1);
  render();
  announceNewest();
}

function connect() {
  source = new EventSource(`/api/v1/offices/${encodeURIComponent(officeId)}/display`);
  source.addEventListener("open", () => connection(""));
  source.addEventListener("call", onCall);
  source.addEventListener("error", () => {
    connection(t("displayReconnecting"), "lost");
    // The browser retries by itself (`retry: 3000`) unless the answer was
    // no stream at all (a 5xx from a proxy, say); then this page does.
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(connect, 3000);
    }
  });
}

async function start() {
  document.documentElement.lang = lang;
  document.title = `${t("displayTitle")} – ${t("brand")}`;
  const title = document.getElementById("title");
  title.textContent = t("displayTitle");
  connection(t("loading"), "loading");
  let place = null;
  try {
    office = (await api.offices()).find((o) => o.id === officeId) ?? null;
    if (office) place = (await api.municipalities()).find((m) => m.id === office.municipality) ?? null;
  } catch {
    connection(t("displayReconnecting"), "lost");
    setTimeout(start, 3000);
    return;
  }
  if (!office) {
    title.textContent = t("displayUnknownTitle");
    connection(t("displayUnknown", officeId), "unknown");
    return;
  }
  // The office's and municipality's names are German; on the English
  // screen they are marked so.
  const de = (text) => (lang === "de" ? text : h("span", { lang: "de" }, text));
  const where = place ? [" – ", h("span", { id: "place" }, de(place.name))] : [];
  title.replaceChildren(de(office.name), h("span", { class: "sub" }, t("displayTitle"), ...where));
  document.title = `${office.name}: ${t("displayTitle")} – ${place ? place.name : t("brand")}`;
  render();
  connect();
}

start();
