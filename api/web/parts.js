// Pieces that several screens of the booking page show: the summary of a
// choice, the back button, a booking with what to bring and its calendar
// entry, and the link that manages it.

import { api } from "./api.js";
import { h } from "./dom.js";
import { lang, t, de, fmtDay, fmtTime, fmtWhen } from "./lang.js";
import { fail } from "./page.js";
import { officeById, serviceById } from "./choice.js";

// The office `officeId`, the services (ids, repeated as often as chosen),
// the time where one is chosen and how long it all takes.
export function selectionSummary(officeId, services, start) {
  const counts = new Map();
  for (const id of services) counts.set(id, (counts.get(id) || 0) + 1);
  const minutes = services.reduce((sum, id) => sum + (serviceById(id)?.duration_minutes || 0), 0);
  const o = officeById(officeId);
  return h(
    "section",
    { class: "summary", "aria-labelledby": "summary-title" },
    h("h2", { id: "summary-title" }, t("yourChoice")),
    h(
      "ul",
      {},
      o ? h("li", {}, de(o.name)) : null,
      [...counts].map(([id, n]) => h("li", {}, n > 1 ? `${n} × ` : "", de(serviceById(id)?.name ?? id))),
      start ? h("li", { class: "when" }, fmtWhen(start)) : null,
      minutes ? h("li", {}, t("duration", minutes)) : null,
    ),
  );
}

export function backButton(onclick) {
  return h("p", {}, h("button", { type: "button", class: "secondary", id: "back", onclick }, t("back")));
}

export function bookingView(b, token) {
  const o = officeById(b.office);
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
      h("dd", { id: "when" }, `${fmtDay(b.start)}, ${fmtTime(b.start)}–${fmtTime(b.end)}${lang() === "de" ? " Uhr" : ""}`),
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

// The link of the confirmation e-mail: this page at /termine/{id}, the key
// in the fragment (never sent to the server).
const manageUrl = (id, token) => `${location.origin}/termine/${encodeURIComponent(id)}#token=${encodeURIComponent(token)}`;

// Where to keep the link that manages the booking `id`.
export function manageSection(id, token) {
  return h(
    "section",
    { "aria-labelledby": "manage-title" },
    h("h2", { id: "manage-title" }, t("manageTitle")),
    h("p", {}, t("manageHint")),
    h("p", {}, h("a", { href: manageUrl(id, token), id: "manage-link" }, t("manageLink"))),
  );
}
