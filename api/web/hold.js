// A time held for the citizen (R19) until it is booked: the hold taken
// (with the proof of work where the server asks for it, R26), the details
// screen with its countdown, more time, giving the time back, the hold
// running out, the booking confirmed and shown. Where the office asks for
// a verified contact (R33), the hold and its confirmation carry the contact
// token and the booking is for the address proven (contact.js).

import { api, ApiError, serverNow, releaseOnLeave } from "./api.js";
import { withProof } from "./altcha.js";
import { h } from "./dom.js";
import { t, fmtTime } from "./lang.js";
import { announce, beforeShow, disableButtons, fail, frame, show, showErrors } from "./page.js";
import { chosen, chosenOffice, clearCounts, dayTickets } from "./choice.js";
import { afterLost, offerKind, reload, resetKind } from "./offer.js";
import { field, citizen, contactFields, clear as clearForm } from "./form.js";
import * as contact from "./contact.js";
import { bookingView, manageSection, selectionSummary } from "./parts.js";

// The hold: {id, token, office, services, start, kind, expires_at,
// extensions_left, warned}.
let hold = null;
// The countdown's interval while the details screen is shown.
let timer = null;
// The booking just made: {booking, token}.
let made = null;

beforeShow((next) => {
  if (timer && next !== "details") {
    clearInterval(timer);
    timer = null;
  }
});

// The hold, given back when the page is left.
export function releaseOnPageHide() {
  if (hold) releaseOnLeave(hold);
}

// Holds `slot` for the services chosen (a hold held before is given back).
export async function takeSlot(slot) {
  disableButtons();
  announce(t("holding"));
  const body = { office: chosenOffice(), services: chosen(), start: slot.start, kind: offerKind() };
  const proof = contact.tokenFor(body.office, body.kind);
  if (hold) {
    await api.releaseHold(hold).catch(() => {});
    hold = null;
  }
  try {
    hold = await withProof(
      (altcha) => api.hold(body, altcha, proof),
      () => announce(t("solving")),
    );
    await show("details");
  } catch (err) {
    if (unverified(err)) return contact.again(purpose(body.kind), "slots", () => takeSlot(slot));
    await afterLost(err);
  }
}

const unverified = (err) => err instanceof ApiError && err.code === "contact_unverified";
const purpose = (kind) => (kind === "day_ticket" ? "dayTicket" : "booking");

// The address proven where the hold's office asks for one (R33), else null.
const verified = () => (contact.required(hold.office, hold.kind) ? contact.email() : null);

const needPostcode = () => hold.kind === "day_ticket" && dayTickets()?.postcodes?.length;

async function details() {
  frame({
    title: t("detailsTitle"),
    ...contact.stepOf(3),
    children: [
      selectionSummary(hold.office, hold.services, hold.start),
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
        contactFields(t("contactHint"), verified()),
        needPostcode()
          ? field(
              "postcode",
              t("postcode"),
              { inputmode: "numeric", autocomplete: "postal-code", maxlength: "5", required: true, "aria-required": "true" },
              t("postcodeHint", dayTickets().postcodes.join(", ")),
            )
          : null,
        h("button", { type: "submit", class: "primary", id: "confirm" }, t("confirm")),
      ),
    ],
  });
  tick();
  timer = timer || setInterval(tick, 1000);
}

function tick() {
  const el = document.getElementById("countdown");
  if (!el || !hold) return;
  const left = Math.max(0, Date.parse(hold.expires_at) - serverNow());
  const s = Math.ceil(left / 1000);
  el.textContent = t("timeLeft", Math.floor(s / 60), s % 60);
  if (s <= 60 && s > 0 && !hold.warned) {
    hold.warned = true;
    announce(t("timeAlmostUp"));
  }
  if (left <= 0) {
    clearInterval(timer);
    timer = null;
    expired();
  }
}

function expired() {
  hold = null;
  document.getElementById("confirm")?.setAttribute("disabled", "");
  document.getElementById("extend")?.remove();
  const again = h("button", { type: "button", class: "primary", id: "again", onclick: () => chooseAgain() }, t("chooseAgain"));
  document.getElementById("release")?.replaceWith(again);
  showErrors([{ text: t("expired") }]);
}

async function chooseAgain() {
  try {
    await reload();
  } catch (err) {
    return fail(err);
  }
  await show("slots");
}

async function extendHold() {
  try {
    const r = await api.extendHold(hold);
    Object.assign(hold, r, { warned: false });
  } catch (err) {
    if (err instanceof ApiError && err.code === "hold_expired") return expired();
    return fail(err);
  }
  const button = document.getElementById("extend");
  document.getElementById("hold-until").textContent = t("heldUntil", fmtTime(hold.expires_at));
  if (hold.extensions_left > 0) button.textContent = t("extend", hold.extensions_left);
  else {
    document.getElementById("release").focus();
    button.remove();
  }
  tick();
  announce(t("extended", fmtTime(hold.expires_at)));
}

async function releaseHold() {
  if (hold) await api.releaseHold(hold).catch(() => {});
  hold = null;
  await chooseAgain();
}

async function confirmBooking() {
  const postcode = needPostcode();
  const { errors, citizen: person } = citizen(postcode, verified());
  if (errors.length) return showErrors(errors);
  const button = document.getElementById("confirm");
  button.disabled = true;
  announce(t("booking"));
  try {
    const created = await api.confirmHold(hold, person, contact.tokenFor(hold.office, hold.kind));
    const { token, ...booking } = created;
    made = { booking: booking.booking ?? booking, token };
    hold = null;
    clearForm();
    await show("done");
  } catch (err) {
    button.disabled = false;
    if (err instanceof ApiError && err.code === "hold_expired") return expired();
    // The token ran out while the details were typed: the code again,
    // then these details once more (the hold lives on meanwhile).
    if (unverified(err) && contact.required(hold.office, hold.kind)) {
      return contact.again(purpose(hold.kind), "details", () => show("details"));
    }
    fail(err);
  }
}

async function done() {
  const { booking: b, token } = made;
  frame({
    title: t(b.kind === "day_ticket" ? "doneDayTicketTitle" : "doneTitle"),
    ...contact.stepOf(4),
    children: [
      bookingView(b, token),
      manageSection(b.id, token),
      h("button", { type: "button", class: "secondary", onclick: () => restart() }, t("newBooking")),
    ],
  });
}

function restart() {
  made = null;
  clearCounts();
  resetKind();
  show("start");
}

export const views = { details, done };
