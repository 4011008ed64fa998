// A booking managed from its link (/termine/{id}#token=…): shown with what
// to bring; moved to another free time (R20) or cancelled after a second
// question. The move serves "Meine Termine" too (mine.js), with the
// contact token of R33 in place of the booking's key.

import { api, serverNow } from "./api.js";
import { h } from "./dom.js";
import { t, fmtWhen } from "./lang.js";
import { disableButtons, fail, frame, notify, show, showErrors } from "./page.js";
import { loadOffices, loadServices } from "./choice.js";
import * as place from "./place.js";
import { afterLost, findTimes, offerView } from "./offer.js";
import { backButton, bookingView, selectionSummary } from "./parts.js";

// The booking's id, its key (from the link: a string; or `{ contact }`,
// api.js) and the screen to show after a move.
let link = null;
// The booking as last read or changed.
let booking = null;
// Whether the screen asks "cancel, really?".
let confirming = false;

// Shows the booking `id` of the link, with its key `token` (null where the
// link lacks it).
export function open(id, token) {
  link = { id, key: token, back: "manage" };
  return show("manage");
}

// The times `b` can move to, with `key`; after the move (or back), the
// screen `back`.
export async function moveWith(b, key, back) {
  link = { id: b.id, key, back };
  booking = b;
  try {
    await loadServices(b.office);
  } catch (err) {
    return fail(err);
  }
  await startMove();
}

async function manage() {
  const { id, key: token } = link;
  if (!token) {
    frame({ title: t("bookingTitle"), children: [] });
    showErrors([{ text: t("noToken") }]);
    return;
  }
  const b = await api.booking(id, token);
  booking = b;
  // The page is the municipality's of the booking's office (R39).
  await place.ofOffice(b.office);
  await loadOffices();
  await loadServices(b.office);
  const open = b.status === "confirmed" && Date.parse(b.start) > serverNow();
  frame({
    title: t("bookingTitle"),
    children: [
      bookingView(b, token),
      open && !confirming
        ? h(
            "div",
            { class: "actions" },
            h("button", { type: "button", id: "move", onclick: () => startMove() }, t("move")),
            h("button", { type: "button", id: "cancel", class: "danger", onclick: () => askCancel() }, t("cancel")),
          )
        : null,
      open && confirming
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
      h("p", {}, h("a", { href: place.home(), id: "new-booking" }, t("newBooking"))),
    ],
  });
}

async function move() {
  frame({
    title: t("moveTitle"),
    children: [
      selectionSummary(booking.office, booking.services, booking.start),
      offerView((slot) => moveTo(slot)),
      backButton(() => show(link.back)),
    ],
  });
}

// The times the booking can move to: of its kind, for its services.
async function startMove() {
  try {
    await findTimes(booking.kind, booking.office, booking.services);
  } catch (err) {
    return fail(err);
  }
  await show("move");
}

async function moveTo(slot) {
  disableButtons();
  const { id, key, back } = link;
  const from = booking.start;
  try {
    booking = await api.move(id, key, slot.start);
  } catch (err) {
    return afterLost(err);
  }
  notify(t("moved", fmtWhen(from), fmtWhen(booking.start)));
  await show(back);
}

async function askCancel() {
  confirming = true;
  await show("manage", { focus: "#cancel-title" });
}

async function keepBooking() {
  confirming = false;
  await show("manage", { focus: "#cancel" });
}

async function cancelBooking() {
  const { id, key } = link;
  try {
    await api.cancel(id, key);
  } catch (err) {
    confirming = false;
    await show("manage");
    return fail(err);
  }
  confirming = false;
  notify(t("cancelledNow"));
  await show("manage");
}

export const views = { manage, move };
