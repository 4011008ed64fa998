// The citizens' booking page: choose office and services, see the earliest
// and all free times, hold one (R19), give name and contact, confirm; the
// Tagesticket of today (R13–R15) with the proof of work (R26) and the
// postcode (R32); manage a booking from its link (/termine/{id}#token=…):
// move (R20) and cancel. Plain DOM, no framework; German by default.

import { api, ApiError, serverNow, releaseOnLeave } from "./api.js";
import { solve } from "./altcha.js";
import { ERRORS } from "./i18n.js";
import { h, initialLang, TZ, localeOf, text, clock } from "./dom.js";
import { installDraw, stored as storedDrawRequest } from "./draw.js";

const main = document.getElementById("main");
const live = document.getElementById("live");

// ---------------------------------------------------------------- language

let lang = initialLang();
const t = (key, ...args) => text(lang, key, ...args);
const locale = () => localeOf(lang);

// ---------------------------------------------------------------- DOM

// Text of the office (German): marked as such on the English page.
const de = (text) => (lang === "de" ? text : h("span", { lang: "de" }, text));

function announce(text) {
  live.textContent = "";
  // A fresh text node each time, so the same message is announced again.
  setTimeout(() => {
    live.textContent = text;
  }, 50);
}

// ---------------------------------------------------------------- time

const fmt = (opts) => new Intl.DateTimeFormat(locale(), { timeZone: TZ, ...opts });
const fmtDay = (iso) => fmt({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(iso));
const fmtTime = (iso) => clock(lang, iso);
const fmtWhen = (iso) => (lang === "de" ? `${fmtDay(iso)}, ${fmtTime(iso)} Uhr` : `${fmtDay(iso)}, ${fmtTime(iso)}`);
// The local date of an instant the API gave (its offset is Berlin's).
const dayOf = (iso) => iso.slice(0, 10);
// Today in Berlin by the server's clock.
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(serverNow()));
function addDays(date, n) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- state

const state = {
  offices: [],
  office: null,
  services: [],
  counts: {},
  kind: "regular",
  dayStatus: null,
  offer: null, // {earliest, days: Map(date -> slots), to, last}
  day: null,
  hold: null,
  form: { name: "", email: "", phone: "", postcode: "" },
  booking: null,
  token: null,
  manage: null, // {id, token}
  notice: null,
  confirmCancel: false,
};

let screen = "start";
let timer = null;

const office = () => state.offices.find((o) => o.id === state.office);
const chosen = () => state.services.flatMap((s) => Array(state.counts[s.id] || 0).fill(s.id));
const serviceName = (id) => state.services.find((s) => s.id === id)?.name ?? id;

// ---------------------------------------------------------------- errors

function messageOf(err) {
  if (err instanceof ApiError) {
    let text = ERRORS[lang][err.code] ?? `${ERRORS[lang].internal_error} (${err.code})`;
    if (err.retryAfter) text += ` ${t("retryIn", err.retryAfter)}`;
    return text;
  }
  return ERRORS[lang].challenge_failed;
}

// The field a refused citizen belongs to.
const FIELD = {
  invalid_name: "name",
  contact_required: "email",
  invalid_email: "email",
  invalid_phone: "phone",
  contact_limit: "email",
  invalid_postcode: "postcode",
  not_resident: "postcode",
};

// Shows the error summary at the top of the screen and moves focus there;
// each entry links to its field, which is marked invalid with the message.
function showErrors(list) {
  const box = document.getElementById("errors");
  if (!box) return;
  document.querySelectorAll("[aria-invalid]").forEach((el) => {
    el.removeAttribute("aria-invalid");
    document.getElementById(`${el.id}-error`)?.remove();
  });
  box.replaceChildren();
  if (!list.length) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.append(
    h("h2", { id: "errors-title" }, t("errorTitle")),
    h(
      "ul",
      {},
      list.map(({ text, field }) =>
        h("li", {}, field ? h("a", { href: `#${field}`, onclick: (e) => focusField(e, field) }, text) : text),
      ),
    ),
  );
  for (const { text, field } of list) {
    const input = field && document.getElementById(field);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    const msg = h("p", { class: "field-error", id: `${field}-error` }, text);
    input.before(msg);
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== msg.id);
    input.setAttribute("aria-describedby", [msg.id, ...described].join(" "));
  }
  box.focus();
}

function focusField(e, field) {
  e.preventDefault();
  document.getElementById(field)?.focus();
}

const fail = (err, field) =>
  showErrors([{ text: messageOf(err), field: field ?? (err instanceof ApiError ? FIELD[err.code] : undefined) }]);

// ---------------------------------------------------------------- frame

function frame({ title, step, children }) {
  document.title = `${title} – ${t("brand")}`;
  const notice = state.notice;
  state.notice = null;
  const parts = [
    step ? h("p", { class: "step" }, t("step", step, 4)) : null,
    h("h1", { tabindex: "-1", id: "title" }, title),
    h("div", { id: "errors", class: "error-summary", tabindex: "-1", role: "alert", "aria-labelledby": "errors-title", hidden: true }),
    notice ? h("div", { class: "notice success", role: "status" }, notice) : null,
    children,
  ];
  main.replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== false));
}

function chrome() {
  document.documentElement.lang = lang;
  document.getElementById("skip").textContent = t("skip");
  document.getElementById("brand").textContent = t("brand");
  const sw = document.getElementById("lang");
  const other = lang === "de" ? "en" : "de";
  sw.textContent = t("switchTo");
  sw.setAttribute("lang", other);
  sw.setAttribute("aria-label", t("switchLabel"));
  document.getElementById("footer-text").textContent = t("footer");
  document.getElementById("api-docs").textContent = t("apiDocs");
}

let firstRender = true;
async function show(next, { focus } = {}) {
  screen = next;
  if (timer && next !== "details") {
    clearInterval(timer);
    timer = null;
  }
  chrome();
  const view = VIEWS[screen];
  try {
    await view();
  } catch (err) {
    frame({ title: t("errorTitle"), children: [] });
    main.dataset.screen = screen;
    fail(err);
    return;
  }
  main.dataset.screen = screen;
  if (firstRender) {
    firstRender = false;
    return;
  }
  const target = focus ? document.querySelector(focus) : document.getElementById("title");
  (target || document.getElementById("title"))?.focus();
}

// ---------------------------------------------------------------- screens

const VIEWS = {
  async start() {
    if (!state.offices.length) state.offices = await api.offices();
    if (!state.office) state.office = state.offices[0]?.id;
    state.services = await api.services(state.office);
    state.dayStatus = office()?.day_tickets ? await api.dayTickets(state.office) : null;
    frame({
      title: t("startTitle"),
      step: 1,
      children: [
        h("p", {}, t("startIntro")),
        h(
          "form",
          { id: "choose", novalidate: true, onsubmit: (e) => (e.preventDefault(), search("regular")) },
          h(
            "fieldset",
            {},
            h("legend", {}, t("officeLegend")),
            state.offices.map((o) =>
              h(
                "div",
                { class: "choice" },
                h("input", {
                  type: "radio",
                  name: "office",
                  id: `office-${o.id}`,
                  value: o.id,
                  checked: o.id === state.office,
                  onchange: () => changeOffice(o.id),
                }),
                h("label", { for: `office-${o.id}` }, de(o.name), h("span", { class: "sub" }, de(o.address))),
              ),
            ),
          ),
          h(
            "fieldset",
            {},
            h("legend", {}, t("servicesLegend")),
            h("p", { class: "hint", id: "services-hint" }, t("servicesHint")),
            h(
              "ul",
              { class: "services" },
              state.services.map((s) =>
                h(
                  "li",
                  {},
                  h(
                    "label",
                    { for: `count-${s.id}` },
                    de(s.name),
                    h("span", { class: "sub" }, t("minutes", s.duration_minutes)),
                  ),
                  h("input", {
                    type: "number",
                    id: `count-${s.id}`,
                    min: "0",
                    max: "20",
                    step: "1",
                    inputmode: "numeric",
                    value: String(state.counts[s.id] || 0),
                    "aria-describedby": "services-hint",
                    oninput: (e) => {
                      const n = Math.max(0, Math.min(20, parseInt(e.target.value, 10) || 0));
                      state.counts[s.id] = n;
                    },
                  }),
                ),
              ),
            ),
          ),
          h("button", { type: "submit", class: "primary", id: "search" }, t("search")),
        ),
        dayTicketSection(),
      ],
    });
  },

  async slots() {
    const day = state.kind === "day_ticket";
    frame({
      title: t(day ? "dayTicketSlotsTitle" : "slotsTitle"),
      step: 2,
      children: [selectionSummary(chosen()), offerView((slot) => takeSlot(slot)), backButton(() => show("start"))],
    });
  },

  async details() {
    const hold = state.hold;
    const needPostcode = hold.kind === "day_ticket" && state.dayStatus?.postcodes?.length;
    frame({
      title: t("detailsTitle"),
      step: 3,
      children: [
        selectionSummary(hold.services, hold.start),
        h(
          "section",
          { class: "hold", "aria-labelledby": "hold-until" },
          h("p", { id: "hold-until" }, t("heldUntil", fmtTime(hold.expires_at))),
          h("p", { id: "countdown", class: "countdown" }),
          hold.extensions_left > 0
            ? h("button", { type: "button", id: "extend", onclick: extendHold }, t("extend", hold.extensions_left))
            : null,
          h("button", { type: "button", class: "secondary", id: "release", onclick: releaseHold }, t("release")),
        ),
        h(
          "form",
          { id: "details", novalidate: true, onsubmit: (e) => (e.preventDefault(), confirmBooking()) },
          field("name", t("name"), { autocomplete: "name", required: true, "aria-required": "true" }),
          h(
            "fieldset",
            { "aria-describedby": "contact-hint" },
            h("legend", {}, t("contactLegend")),
            h("p", { class: "hint", id: "contact-hint" }, t("contactHint")),
            field("email", t("email"), { type: "email", autocomplete: "email", spellcheck: "false" }),
            field("phone", t("phone"), { type: "tel", autocomplete: "tel" }),
          ),
          needPostcode
            ? field(
                "postcode",
                t("postcode"),
                { inputmode: "numeric", autocomplete: "postal-code", maxlength: "5", required: true, "aria-required": "true" },
                t("postcodeHint", state.dayStatus.postcodes.join(", ")),
              )
            : null,
          h("button", { type: "submit", class: "primary", id: "confirm" }, t("confirm")),
        ),
      ],
    });
    tick();
    timer = timer || setInterval(tick, 1000);
  },

  async done() {
    const b = state.booking;
    frame({
      title: t(b.kind === "day_ticket" ? "doneDayTicketTitle" : "doneTitle"),
      step: 4,
      children: [
        bookingView(b, state.token),
        h(
          "section",
          { "aria-labelledby": "manage-title" },
          h("h2", { id: "manage-title" }, t("manageTitle")),
          h("p", {}, t("manageHint")),
          h("p", {}, h("a", { href: manageUrl(b.id, state.token), id: "manage-link" }, t("manageLink"))),
        ),
        h("button", { type: "button", class: "secondary", onclick: () => restart() }, t("newBooking")),
      ],
    });
  },

  async manage() {
    const { id, token } = state.manage;
    if (!token) {
      frame({ title: t("bookingTitle"), children: [] });
      showErrors([{ text: t("noToken") }]);
      return;
    }
    const b = await api.booking(id, token);
    state.booking = b;
    if (!state.offices.length) state.offices = await api.offices();
    state.office = b.office;
    state.services = await api.services(b.office);
    const open = b.status === "confirmed" && Date.parse(b.start) > serverNow();
    frame({
      title: t("bookingTitle"),
      children: [
        bookingView(b, token),
        open && !state.confirmCancel
          ? h(
              "div",
              { class: "actions" },
              h("button", { type: "button", id: "move", onclick: () => startMove() }, t("move")),
              h("button", { type: "button", id: "cancel", class: "danger", onclick: () => askCancel() }, t("cancel")),
            )
          : null,
        open && state.confirmCancel
          ? h(
              "section",
              { class: "confirm-cancel", "aria-labelledby": "cancel-title" },
              h("h2", { id: "cancel-title", tabindex: "-1" }, t("cancelConfirmTitle")),
              h(
                "div",
                { class: "actions" },
                h("button", { type: "button", id: "cancel-yes", class: "danger", onclick: () => cancelBooking() }, t("cancelConfirm")),
                h("button", { type: "button", id: "cancel-no", onclick: () => keepBooking() }, t("keep")),
              ),
            )
          : null,
        h("p", {}, h("a", { href: "/" }, t("newBooking"))),
      ],
    });
  },

  async move() {
    const b = state.booking;
    frame({
      title: t("moveTitle"),
      children: [
        selectionSummary(b.services, b.start),
        offerView((slot) => moveTo(slot)),
        backButton(() => show("manage")),
      ],
    });
  },
};

// ---------------------------------------------------------------- parts

// A text field of the citizen's details, kept in state.form as typed.
function field(id, label, attrs = {}, hint) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    h("input", {
      id,
      name: id,
      value: state.form[id] ?? "",
      "aria-describedby": hint ? `${id}-hint` : undefined,
      oninput: (e) => (state.form[id] = e.target.value),
      ...attrs,
    }),
  );
}

function dayTicketSection() {
  const s = state.dayStatus;
  if (!s) return null;
  let status;
  let cls = "notice";
  const drawn = draw.startStatus(s);
  if (!s.online_from) status = t("dayTicketNone");
  else if (drawn?.text) status = drawn.text;
  else if (s.remaining === 0) {
    status = t("dayTicketExhausted");
    cls = "notice warn";
  } else if (!s.available) status = t("dayTicketBefore", fmtTime(s.online_from));
  else status = t("dayTicketRemaining", s.remaining);
  return h(
    "section",
    { class: "day-ticket", "aria-labelledby": "day-ticket-title" },
    h("h2", { id: "day-ticket-title" }, t("dayTicketTitle")),
    h("p", {}, t("dayTicketIntro")),
    h("p", { class: cls, id: "day-ticket-status" }, status),
    drawn?.action ?? null,
    s.available
      ? h("button", { type: "button", id: "day-ticket", onclick: () => search("day_ticket") }, t("dayTicketShow"))
      : null,
  );
}

function selectionSummary(services, start) {
  const counts = new Map();
  for (const id of services) counts.set(id, (counts.get(id) || 0) + 1);
  const minutes = services.reduce((sum, id) => sum + (state.services.find((s) => s.id === id)?.duration_minutes || 0), 0);
  const o = state.offices.find((x) => x.id === (state.hold?.office || state.booking?.office || state.office));
  return h(
    "section",
    { class: "summary", "aria-labelledby": "summary-title" },
    h("h2", { id: "summary-title" }, t("yourChoice")),
    h(
      "ul",
      {},
      o ? h("li", {}, de(o.name)) : null,
      [...counts].map(([id, n]) => h("li", {}, n > 1 ? `${n} × ` : "", de(serviceName(id)))),
      start ? h("li", { class: "when" }, fmtWhen(start)) : null,
      minutes ? h("li", {}, t("duration", minutes)) : null,
    ),
  );
}

// The earliest time and all free times by day, with a day chooser; `pick`
// is called with the slot chosen.
function offerView(pick) {
  const offer = state.offer;
  const days = [...offer.days.keys()];
  if (!state.day || !offer.days.has(state.day)) state.day = days[0] ?? null;
  const times = h("div", { id: "times" });
  const renderTimes = () => {
    const slots = offer.days.get(state.day) || [];
    times.replaceChildren(
      h("h3", { id: "times-title" }, t("timesOf", fmtDay(`${state.day}T12:00:00Z`))),
      h(
        "ul",
        { class: "times", "aria-labelledby": "times-title" },
        slots.map((s) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", "data-start": s.start, onclick: () => pick(s) },
              fmtTime(s.start),
              // "Uhr" for the ear; the heading above says it for the eye.
              lang === "de" ? h("span", { class: "visually-hidden" }, " Uhr") : null,
            ),
          ),
        ),
      ),
    );
  };
  if (state.day) renderTimes();
  return [
    h(
      "section",
      { class: "earliest", "aria-labelledby": "earliest-title" },
      h("h2", { id: "earliest-title" }, t("earliestTitle")),
      offer.earliest
        ? h("button", { type: "button", class: "primary", id: "earliest", onclick: () => pick(offer.earliest) }, t("takeEarliest", fmtWhen(offer.earliest.start)))
        : h("p", { class: "notice warn" }, t(state.kind === "day_ticket" ? "dayTicketNoTime" : "earliestNone")),
    ),
    days.length
      ? h(
          "section",
          { class: "all", "aria-labelledby": "all-title" },
          h("h2", { id: "all-title" }, t("allTitle")),
          h(
            "div",
            { class: "field" },
            h("label", { for: "day" }, t("dayLabel")),
            h(
              "select",
              {
                id: "day",
                onchange: (e) => {
                  state.day = e.target.value;
                  renderTimes();
                },
              },
              days.map((d) =>
                h("option", { value: d, selected: d === state.day }, `${fmtDay(`${d}T12:00:00Z`)} (${t("timesCount", offer.days.get(d).length)})`),
              ),
            ),
          ),
          times,
        )
      : null,
    offer.more
      ? h("button", { type: "button", id: "more", onclick: () => moreDays() }, t("moreDays"))
      : state.kind === "regular" && days.length
        ? h("p", { class: "hint" }, t("noMoreDays"))
        : null,
  ];
}

function backButton(onclick) {
  return h("p", {}, h("button", { type: "button", class: "secondary", id: "back", onclick }, t("back")));
}

function bookingView(b, token) {
  const o = state.offices.find((x) => x.id === b.office);
  const details = b.service_details || [];
  const seen = new Set();
  const unique = details.filter((s) => !seen.has(s.id) && seen.add(s.id));
  return h(
    "div",
    { class: "booking" },
    h(
      "div",
      { class: "code" },
      h("p", { id: "code-label" }, t("codeLabel")),
      h("p", { class: "code-value", id: "code" }, b.code),
      h("p", { class: "hint" }, t("codeHint")),
    ),
    b.status === "cancelled" ? h("p", { class: "notice warn", id: "cancelled" }, t("cancelled")) : null,
    h(
      "dl",
      {},
      h("dt", {}, t("status")),
      h("dd", { id: "booking-status" }, b.status === "cancelled" ? t("cancelled") : `${t("statusConfirmed")} (${t(b.kind === "day_ticket" ? "dayTicket" : "regular")})`),
      h("dt", {}, t("when")),
      h("dd", { id: "when" }, `${fmtDay(b.start)}, ${fmtTime(b.start)}–${fmtTime(b.end)}${lang === "de" ? " Uhr" : ""}`),
      h("dt", {}, t("where")),
      h("dd", {}, o ? [de(o.name), ", ", de(o.address)] : b.office),
      h("dt", {}, t("what")),
      h("dd", {}, h("ul", {}, details.map((s) => h("li", {}, de(s.name))))),
    ),
    unique.some((s) => s.requirements.length || s.note)
      ? h(
          "section",
          { class: "bring", "aria-labelledby": "bring-title" },
          h("h2", { id: "bring-title" }, t("bring")),
          unique.map((s) => [
            h("h3", {}, de(s.name)),
            s.requirements.length ? h("ul", {}, s.requirements.map((r) => h("li", {}, de(r)))) : null,
            s.note ? h("p", {}, h("strong", {}, `${t("note")}: `), de(s.note)) : null,
          ]),
        )
      : null,
    h("p", {}, h("button", { type: "button", id: "calendar", onclick: () => downloadCalendar(b, token) }, t("calendar"))),
  );
}

const manageUrl = (id, token) => `${location.origin}/termine/${encodeURIComponent(id)}#token=${encodeURIComponent(token)}`;

// ---------------------------------------------------------------- actions

async function changeOffice(id) {
  state.office = id;
  state.counts = {};
  await show("start", { focus: `#office-${CSS.escape(id)}` });
}

function needServices() {
  if (chosen().length) return true;
  showErrors([{ text: t("pickOneService"), field: `count-${state.services[0]?.id}` }]);
  return false;
}

// Searches regular times or today's Tagesticket times for the services chosen.
async function search(kind) {
  if (!needServices()) return;
  state.kind = kind;
  state.day = null;
  try {
    await loadOffer(false);
  } catch (err) {
    return fail(err);
  }
  await show("slots");
}

// Loads the offer for the services in play (a new booking's or the moved
// one's): today's Tagesticket times, or two weeks of regular times.
async function loadOffer(more, services = screen === "move" || screen === "manage" ? state.booking.services : chosen()) {
  const officeId = screen === "move" || screen === "manage" ? state.booking.office : state.office;
  if (state.kind === "day_ticket") {
    const s = await api.dayTickets(officeId, services);
    state.dayStatus = s;
    const days = new Map(s.slots.length ? [[s.date, s.slots]] : []);
    state.offer = { earliest: s.slots[0] ?? null, days, more: false };
    return;
  }
  const o = state.offices.find((x) => x.id === officeId);
  const first = addDays(today(), o.lead_days);
  const last = addDays(today(), o.horizon_days);
  const from = more ? addDays(state.offer.to, 1) : first;
  const to = [addDays(from, 13), last].sort()[0];
  const r = await api.slots(officeId, services, from, to);
  const days = more ? state.offer.days : new Map();
  for (const s of r.slots) {
    const d = dayOf(s.start);
    if (!days.has(d)) days.set(d, []);
    days.get(d).push(s);
  }
  state.offer = { earliest: more ? state.offer.earliest : r.earliest, days, to, more: to < last };
}

async function moreDays() {
  const before = state.offer.days.size;
  try {
    await loadOffer(true);
  } catch (err) {
    return fail(err);
  }
  const first = [...state.offer.days.keys()][before];
  if (first) state.day = first;
  await show(screen, { focus: state.offer.more ? "#more" : "#day" });
}

async function takeSlot(slot) {
  main.querySelectorAll("button").forEach((b) => (b.disabled = true));
  announce(t("holding"));
  const body = { office: state.office, services: chosen(), start: slot.start, kind: state.kind };
  if (state.hold) {
    await api.releaseHold(state.hold).catch(() => {});
    state.hold = null;
  }
  try {
    let hold;
    try {
      hold = await api.hold(body);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "challenge_required")) throw err;
      announce(t("solving"));
      const altcha = await solve(await api.challenge());
      hold = await api.hold(body, altcha);
    }
    state.hold = hold;
    await show("details");
  } catch (err) {
    await afterLostSlot(err);
  }
}

// A time that is gone: the offer is loaded again and the error shown.
async function afterLostSlot(err) {
  if (err instanceof ApiError && ["slot_taken", "day_tickets_exhausted", "in_past"].includes(err.code)) {
    try {
      await loadOffer(false);
    } catch {
      /* the error below says enough */
    }
  }
  await show(screen);
  fail(err);
}

function tick() {
  const el = document.getElementById("countdown");
  if (!el || !state.hold) return;
  const left = Math.max(0, Date.parse(state.hold.expires_at) - serverNow());
  const s = Math.ceil(left / 1000);
  el.textContent = t("timeLeft", Math.floor(s / 60), s % 60);
  if (s <= 60 && s > 0 && !state.hold.warned) {
    state.hold.warned = true;
    announce(t("timeAlmostUp"));
  }
  if (left <= 0) {
    clearInterval(timer);
    timer = null;
    expired();
  }
}

function expired() {
  state.hold = null;
  document.getElementById("confirm")?.setAttribute("disabled", "");
  document.getElementById("extend")?.remove();
  const again = h("button", { type: "button", class: "primary", id: "again", onclick: () => chooseAgain() }, t("chooseAgain"));
  document.getElementById("release")?.replaceWith(again);
  showErrors([{ text: t("expired") }]);
}

async function chooseAgain() {
  try {
    await loadOffer(false);
  } catch (err) {
    return fail(err);
  }
  await show("slots");
}

async function extendHold() {
  try {
    const r = await api.extendHold(state.hold);
    Object.assign(state.hold, r, { warned: false });
  } catch (err) {
    if (err instanceof ApiError && err.code === "hold_expired") return expired();
    return fail(err);
  }
  const button = document.getElementById("extend");
  document.getElementById("hold-until").textContent = t("heldUntil", fmtTime(state.hold.expires_at));
  if (state.hold.extensions_left > 0) button.textContent = t("extend", state.hold.extensions_left);
  else {
    document.getElementById("release").focus();
    button.remove();
  }
  tick();
  announce(t("extended", fmtTime(state.hold.expires_at)));
}

async function releaseHold() {
  if (state.hold) await api.releaseHold(state.hold).catch(() => {});
  state.hold = null;
  await chooseAgain();
}

async function confirmBooking() {
  const f = Object.fromEntries(Object.entries(state.form).map(([k, v]) => [k, v.trim()]));
  const needPostcode = state.hold.kind === "day_ticket" && state.dayStatus?.postcodes?.length;
  const errors = [];
  if (!f.name) errors.push({ text: t("errName"), field: "name" });
  if (!f.email && !f.phone) errors.push({ text: t("errContact"), field: "email" });
  if (needPostcode && !/^[0-9]{5}$/.test(f.postcode)) errors.push({ text: t("errPostcode"), field: "postcode" });
  if (errors.length) return showErrors(errors);
  const citizen = { name: f.name };
  if (f.email) citizen.email = f.email;
  if (f.phone) citizen.phone = f.phone;
  if (needPostcode) citizen.postcode = f.postcode;
  const button = document.getElementById("confirm");
  button.disabled = true;
  announce(t("booking"));
  try {
    const created = await api.confirmHold(state.hold, citizen);
    const { token, ...booking } = created;
    state.booking = booking.booking ?? booking;
    state.token = token;
    state.hold = null;
    state.form = { name: "", email: "", phone: "", postcode: "" };
    await show("done");
  } catch (err) {
    button.disabled = false;
    if (err instanceof ApiError && err.code === "hold_expired") return expired();
    fail(err);
  }
}

async function downloadCalendar(b, token) {
  try {
    const blob = await api.calendar(b.id, token);
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: `termin-${b.code}.ics`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    fail(err);
  }
}

function restart() {
  state.booking = null;
  state.token = null;
  state.counts = {};
  state.kind = "regular";
  show("start");
}

async function startMove() {
  state.kind = state.booking.kind;
  state.day = null;
  try {
    await loadOffer(false);
  } catch (err) {
    return fail(err);
  }
  await show("move");
}

async function moveTo(slot) {
  main.querySelectorAll("button").forEach((b) => (b.disabled = true));
  const { id, token } = state.manage;
  const from = state.booking.start;
  try {
    state.booking = await api.move(id, token, slot.start);
  } catch (err) {
    return afterLostSlot(err);
  }
  state.notice = t("moved", fmtWhen(from), fmtWhen(state.booking.start));
  await show("manage");
}

async function askCancel() {
  state.confirmCancel = true;
  await show("manage", { focus: "#cancel-title" });
}

async function keepBooking() {
  state.confirmCancel = false;
  await show("manage", { focus: "#cancel" });
}

async function cancelBooking() {
  const { id, token } = state.manage;
  try {
    await api.cancel(id, token);
  } catch (err) {
    state.confirmCancel = false;
    await show("manage");
    return fail(err);
  }
  state.confirmCancel = false;
  state.notice = t("cancelledNow");
  await show("manage");
}

// ---------------------------------------------------------------- draw (R27)

const draw = installDraw({
  t,
  state,
  de,
  frame,
  show,
  fail,
  showErrors,
  announce,
  field,
  selectionSummary,
  bookingView,
  manageUrl,
  fmtTime,
  chosen,
  needServices,
  screen: () => screen,
});
Object.assign(VIEWS, draw.views);

// ---------------------------------------------------------------- start

document.getElementById("lang").addEventListener("click", async () => {
  lang = lang === "de" ? "en" : "de";
  try {
    localStorage.setItem("lang", lang);
  } catch {
    /* not kept */
  }
  await show(screen, { focus: "#lang" });
});

window.addEventListener("pagehide", () => {
  if (state.hold) releaseOnLeave(state.hold);
});

const managed = location.pathname.match(/^\/termine\/([^/]+)$/);
if (managed) {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  state.manage = { id: decodeURIComponent(managed[1]), token };
  show("manage");
} else {
  // A request for the draw filed in this tab: its result first.
  show(storedDrawRequest() ? "drawResult" : "start");
}
