// The free times found for a search (a new booking's, or the times a
// booking can move to): the earliest, and all of them by day with a day
// chooser; two weeks of regular times at a time, or today's Tagesticket
// times. A time that is gone meanwhile brings the offer anew.

import { api, ApiError, serverNow } from "./api.js";
import { h, TZ } from "./dom.js";
import { lang, t, fmtDay, fmtTime, fmtWhen } from "./lang.js";
import { fail, show, screen } from "./page.js";
import { officeById, setDayTickets } from "./choice.js";

// The local date of an instant the API gave (its offset is Berlin's).
const dayOf = (iso) => iso.slice(0, 10);
// Today in Berlin by the server's clock.
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(serverNow()));
function addDays(date, n) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

// "regular" or "day_ticket"
let kind = "regular";
// What is searched: {office, services}.
let target = null;
// The offer found: {earliest, days: Map(date -> slots), to, more}.
let found = null;
// The day shown in the chooser.
let day = null;

export const offerKind = () => kind;

// Back to regular times, for a new booking from the start.
export function resetKind() {
  kind = "regular";
}

// Searches times of `searched` ("regular" or "day_ticket") for `services` at
// `office`, from the first day; throws what the API refused.
export async function findTimes(searched, office, services) {
  kind = searched;
  day = null;
  target = { office, services };
  await load(false);
}

// Today's Tagesticket times, or two weeks of regular times (`more`: the two
// weeks after those loaded so far).
async function load(more) {
  if (kind === "day_ticket") {
    const s = await api.dayTickets(target.office, target.services);
    setDayTickets(s);
    const days = new Map(s.slots.length ? [[s.date, s.slots]] : []);
    found = { earliest: s.slots[0] ?? null, days, more: false };
    return;
  }
  const o = officeById(target.office);
  const first = addDays(today(), o.lead_days);
  const last = addDays(today(), o.horizon_days);
  const from = more ? addDays(found.to, 1) : first;
  const to = [addDays(from, 13), last].sort()[0];
  const r = await api.slots(target.office, target.services, from, to);
  const days = more ? found.days : new Map();
  for (const s of r.slots) {
    const d = dayOf(s.start);
    if (!days.has(d)) days.set(d, []);
    days.get(d).push(s);
  }
  found = { earliest: more ? found.earliest : r.earliest, days, to, more: to < last };
}

// The same search again from the first day (a hold ended or was given back).
export const reload = () => load(false);

async function moreDays() {
  const before = found.days.size;
  try {
    await load(true);
  } catch (err) {
    return fail(err);
  }
  const first = [...found.days.keys()][before];
  if (first) day = first;
  await show(screen(), { focus: found.more ? "#more" : "#day" });
}

// A time that is gone: the offer is loaded again and the error shown.
export async function afterLost(err) {
  if (err instanceof ApiError && ["slot_taken", "day_tickets_exhausted", "in_past"].includes(err.code)) {
    try {
      await load(false);
    } catch {
      /* the error below says enough */
    }
  }
  await show(screen());
  fail(err);
}

// The earliest time and all free times by day, with a day chooser; `pick`
// is called with the slot chosen.
export function offerView(pick) {
  const offer = found;
  const days = [...offer.days.keys()];
  if (!day || !offer.days.has(day)) day = days[0] ?? null;
  const times = h("div", { id: "times" });
  const renderTimes = () => {
    const slots = offer.days.get(day) || [];
    times.replaceChildren(
      h("h3", { id: "times-title" }, t("timesOf", fmtDay(`${day}T12:00:00Z`))),
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
              lang() === "de" ? h("span", { class: "visually-hidden" }, " Uhr") : null,
            ),
          ),
        ),
      ),
    );
  };
  if (day) renderTimes();
  return [
    h(
      "section",
      { class: "earliest", "aria-labelledby": "earliest-title" },
      h("h2", { id: "earliest-title" }, t("earliestTitle")),
      offer.earliest
        ? h("button", { type: "button", class: "primary", id: "earliest", onclick: () => pick(offer.earliest) }, t("takeEarliest", fmtWhen(offer.earliest.start)))
        : h("p", { class: "notice warn" }, t(kind === "day_ticket" ? "dayTicketNoTime" : "earliestNone")),
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
                  day = e.target.value;
                  renderTimes();
                },
              },
              days.map((d) =>
                h("option", { value: d, selected: d === day }, `${fmtDay(`${d}T12:00:00Z`)} (${t("timesCount", offer.days.get(d).length)})`),
              ),
            ),
          ),
          times,
        )
      : null,
    offer.more
      ? h("button", { type: "button", id: "more", onclick: () => moreDays() }, t("moreDays"))
      : kind === "regular" && days.length
        ? h("p", { class: "hint" }, t("noMoreDays"))
        : null,
  ];
}
