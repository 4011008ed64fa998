// The first two steps of a booking: the start screen (office, services and
// how many of each, today's Tagesticket of R13–R15 and the draw of R27
// where the office has one) and the free times found for them; before
// them, at / with several municipalities, where to book (R39). Where the
// office asks for a verified contact (R33), the code step comes between
// the two; the start screen leads to "Meine Termine" too.

import { h } from "./dom.js";
import { lang, t, de, fmtTime } from "./lang.js";
import { fail, frame, show } from "./page.js";
import * as choice from "./choice.js";
import { findTimes, offerKind, offerView } from "./offer.js";
import { takeSlot } from "./hold.js";
import { startStatus } from "./draw.js";
import { backButton, selectionSummary } from "./parts.js";
import { loadAll } from "./place.js";
import * as contact from "./contact.js";
import * as mine from "./mine.js";

// Every municipality of this server, each a link to its page; the language
// goes along where the address named one.
async function places() {
  const list = await loadAll();
  const keep = new URLSearchParams(location.search).has("lang") || lang() !== "de" ? `?lang=${lang()}` : "";
  frame({
    title: t("placesTitle"),
    children: [
      h("p", { class: list.length ? null : "notice" }, t(list.length ? "placesIntro" : "placesNone")),
      h(
        "ul",
        { class: "places", id: "places" },
        list.map((m) => h("li", {}, h("a", { href: `/${encodeURIComponent(m.id)}/${keep}`, id: `place-${m.id}` }, de(m.name)))),
      ),
    ],
  });
}

async function start() {
  await choice.loadStart();
  if (!choice.allOffices().length) {
    frame({ title: t("startTitle"), children: [h("p", { class: "notice", id: "no-offices" }, t("noOffices"))] });
    return;
  }
  contact.planSteps(choice.chosenOffice(), "regular");
  frame({
    title: t("startTitle"),
    ...contact.stepOf(1),
    children: [
      h("p", {}, t("startIntro")),
      h(
        "form",
        { id: "choose", novalidate: true, onsubmit: (e) => (e.preventDefault(), search("regular")) },
        h(
          "fieldset",
          {},
          h("legend", {}, t("officeLegend")),
          choice.allOffices().map((o) =>
            h(
              "div",
              { class: "choice" },
              h("input", {
                type: "radio",
                name: "office",
                id: `office-${o.id}`,
                value: o.id,
                checked: o.id === choice.chosenOffice(),
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
            choice.allServices().map((s) =>
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
                  value: String(choice.count(s.id)),
                  "aria-describedby": "services-hint",
                  oninput: (e) => {
                    const n = Math.max(0, Math.min(20, parseInt(e.target.value, 10) || 0));
                    choice.setCount(s.id, n);
                  },
                }),
              ),
            ),
          ),
        ),
        h("button", { type: "submit", class: "primary", id: "search" }, t("search")),
      ),
      dayTicketSection(),
      mineSection(),
    ],
  });
}

// "Meine Termine" (R33): every booking of a mailbox, after its code.
function mineSection() {
  return h(
    "section",
    { class: "mine-entry", "aria-labelledby": "mine-title" },
    h("h2", { id: "mine-title" }, t("mineTitle")),
    h("p", {}, t("mineIntro")),
    h("button", { type: "button", id: "mine", onclick: () => mine.open() }, t("mineShow")),
  );
}

function dayTicketSection() {
  const s = choice.dayTickets();
  if (!s) return null;
  let status;
  let cls = "notice";
  const drawn = startStatus(s);
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

async function changeOffice(id) {
  choice.setOffice(id);
  choice.clearCounts();
  await show("start", { focus: `#office-${CSS.escape(id)}` });
}

// Searches regular times or today's Tagesticket times for the services
// chosen; where the office asks for a verified contact, after the code.
async function search(kind) {
  if (!choice.needServices()) return;
  contact.planSteps(choice.chosenOffice(), kind);
  if (!contact.required(choice.chosenOffice(), kind)) return findAndShow(kind);
  await contact.ensure({
    purpose: kind === "day_ticket" ? "dayTicket" : "booking",
    back: "start",
    step: true,
    then: () => findAndShow(kind),
  });
}

async function findAndShow(kind) {
  try {
    await findTimes(kind, choice.chosenOffice(), choice.chosen());
  } catch (err) {
    return fail(err);
  }
  await show("slots");
}

async function slots() {
  frame({
    title: t(offerKind() === "day_ticket" ? "dayTicketSlotsTitle" : "slotsTitle"),
    ...contact.stepOf(2),
    children: [
      selectionSummary(choice.chosenOffice(), choice.chosen()),
      offerView((slot) => takeSlot(slot)),
      backButton(() => show("start")),
    ],
  });
}

export const views = { places, start, slots };
