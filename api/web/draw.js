// The Tagesticket draw (R27) in the booking page: where an office draws its
// Tagestickets, the hour before the online release takes requests (services
// as chosen, name, contact, postcode (R32), an optional time window, the
// proof of work (R26)); at the release the server draws, and the request's
// screen shows the result: pending, lost, or won with the booking. The
// request's id and token stay in sessionStorage, so a reload finds it again.
// Where the office asks for a verified contact (R33), the code step comes
// before the request (contact.js), whose token stays in memory only.

import { api, ApiError, serverNow } from "./api.js";
import { withProof } from "./altcha.js";
import { h } from "./dom.js";
import { t, de, fmtTime } from "./lang.js";
import * as page from "./page.js";
import { chosen, chosenOffice, clearCounts, dayTickets, loadOffices, needServices, officeById, setOffice } from "./choice.js";
import * as form from "./form.js";
import * as contact from "./contact.js";
import { bookingView, manageSection, selectionSummary } from "./parts.js";

const KEY = "drawRequest";
// While a request is pending, its result is looked up this often (ms).
const POLL = 20000;

export function stored() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

function keep(request) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(request));
  } catch {
    /* the result is still shown in this page */
  }
}

let poll = null;
// A result just looked up, for the screen that shows it.
let fresh = null;

const stopPolling = () => {
  clearTimeout(poll);
  poll = null;
};

// The start screen's word on the draw, or null where the office releases
// first come (or the release has passed: what is left is first come).
export function startStatus(s) {
  const request = stored();
  const mine = request && request.office === chosenOffice() && request.date === s.date;
  const result = mine
    ? h("button", { type: "button", id: "draw-result", onclick: () => page.show("drawResult") }, t("drawShowResult"))
    : null;
  if (s.release !== "draw" || !s.online_from || !s.requests_from || s.available || s.remaining === 0) {
    return result ? { text: null, action: result } : null;
  }
  const now = serverNow();
  if (now < Date.parse(s.requests_from)) {
    return { text: t("drawBefore", fmtTime(s.requests_from), fmtTime(s.online_from)), action: result };
  }
  if (now >= Date.parse(s.online_from)) return result ? { text: null, action: result } : null;
  return {
    text: t("drawOpen", fmtTime(s.online_from)),
    action:
      result ||
      h("button", { type: "button", id: "draw-enter", onclick: () => needServices() && enter() }, t("drawEnter")),
  };
}

// The request's form, after the code where the office asks for it.
function enter() {
  if (!contact.required(chosenOffice(), "day_ticket")) return page.show("drawRequest");
  return contact.ensure({ purpose: "draw", back: "start", then: () => page.show("drawRequest") });
}

// The address proven where the office asks for one, else null.
const verified = () => (contact.required(chosenOffice(), "day_ticket") ? contact.email() : null);

async function request() {
  const s = dayTickets();
  const needPostcode = s?.postcodes?.length;
  frame(t("drawRequestTitle"), [
    h("p", {}, t("drawRequestIntro", fmtTime(s.online_from))),
    selectionSummary(chosenOffice(), chosen()),
    h(
      "form",
      { id: "draw-form", novalidate: true, onsubmit: (e) => (e.preventDefault(), submit()) },
      form.field("name", t("name"), { autocomplete: "name", required: true, "aria-required": "true" }),
      form.contactFields(t("drawContactHint"), verified()),
      needPostcode
        ? form.field(
            "postcode",
            t("postcode"),
            { inputmode: "numeric", autocomplete: "postal-code", maxlength: "5", required: true, "aria-required": "true" },
            t("postcodeHint", s.postcodes.join(", ")),
          )
        : null,
      h(
        "fieldset",
        { "aria-describedby": "window-hint" },
        h("legend", {}, t("drawWindowLegend")),
        h("p", { class: "hint", id: "window-hint" }, t("drawWindowHint")),
        h(
          "div",
          { class: "window" },
          timeField("window-from", t("drawFrom")),
          timeField("window-to", t("drawTo")),
        ),
      ),
      h("button", { type: "submit", class: "primary", id: "draw-submit" }, t("drawSubmit")),
    ),
    h("p", {}, h("button", { type: "button", class: "secondary", id: "back", onclick: () => page.show("start") }, t("back"))),
  ]);
}

function frame(title, children) {
  stopPolling();
  page.frame({ title, children });
}

function timeField(id, label) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("input", {
      type: "time",
      id,
      name: id,
      step: "300",
      value: form.value(id) || "",
      oninput: (e) => form.setValue(id, e.target.value),
    }),
  );
}

async function submit() {
  const s = dayTickets();
  const { f, errors, citizen } = form.citizen(s?.postcodes?.length, verified());
  const from = f["window-from"];
  const to = f["window-to"];
  if (Boolean(from) !== Boolean(to)) errors.push({ text: t("drawErrWindowBoth"), field: from ? "window-to" : "window-from" });
  else if (from && to < from) errors.push({ text: t("drawErrWindowOrder"), field: "window-to" });
  if (errors.length) return page.showErrors(errors);
  const body = { services: chosen(), citizen };
  if (from) body.window = { from, to };
  const button = document.getElementById("draw-submit");
  button.disabled = true;
  page.announce(t("drawSending"));
  try {
    const created = await withProof(
      (altcha) => api.drawRequest(chosenOffice(), body, altcha, contact.tokenFor(chosenOffice(), "day_ticket")),
      () => page.announce(t("solving")),
    );
    keep({ id: created.id, token: created.token, office: chosenOffice(), date: s.date, online_from: s.online_from });
    form.clear();
    await page.show("drawResult");
  } catch (err) {
    button.disabled = false;
    if (err instanceof ApiError && err.code === "contact_unverified" && contact.required(chosenOffice(), "day_ticket")) {
      return contact.again("draw", "start", () => page.show("drawRequest"));
    }
    page.fail(err, err instanceof ApiError && err.code === "invalid_window" ? "window-from" : undefined);
  }
}

// The request's result; the booking's key comes with the first answer
// after the draw only, so every look keeps it.
async function load(request) {
  const r = await api.drawResult(request.id, request.token);
  if (r.booking_token) keep({ ...request, booking_token: r.booking_token });
  return r;
}

async function result() {
  const request = stored();
  if (!request) return page.show("start");
  await loadOffices();
  if (!chosenOffice()) setOffice(request.office);
  let r = fresh;
  fresh = null;
  try {
    r ??= await load(request);
  } catch (err) {
    // A request the server does not know (another database, a spoilt
    // key) would hold the tab on this error: it is dropped.
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    return startOver();
  }
  const token = r.booking_token || request.booking_token;
  const o = officeById(request.office);
  const where = o ? de(o.name) : request.office;
  if (r.status === "won") {
    frame(t("drawWonTitle"), [
      h("p", { class: "notice success", id: "draw-status" }, t("drawWon")),
      bookingView(r.booking, token),
      token ? manageSection(r.booking.id, token) : h("p", {}, t("drawManageByMail")),
      h("p", {}, h("button", { type: "button", class: "secondary", id: "new-booking", onclick: startOver }, t("newBooking"))),
    ]);
    // The calendar download needs the booking's key.
    if (!token) document.getElementById("calendar")?.parentElement.remove();
    return;
  }
  if (r.status === "lost") {
    frame(t("drawLostTitle"), [
      h("p", { class: "notice warn", id: "draw-status" }, t("drawLost")),
      h("p", {}, h("button", { type: "button", class: "primary", id: "new-booking", onclick: startOver }, t("drawBookRegular"))),
    ]);
    return;
  }
  frame(t("drawPendingTitle"), [
    h("p", { class: "notice", id: "draw-status" }, t("drawPending", where, fmtTime(request.online_from))),
    h("p", {}, t("drawPendingHint")),
    h("p", {}, h("button", { type: "button", class: "primary", id: "draw-check", onclick: () => check() }, t("drawCheck"))),
    h("p", {}, h("button", { type: "button", class: "secondary", id: "back", onclick: () => page.show("start") }, t("drawToStart"))),
  ]);
  poll = setTimeout(() => check(true), POLL);
}

// Looks again. A result takes the screen; "still pending" is said when
// asked for, and a look of its own (the polling) leaves the screen and
// the focus alone until the result is there.
async function check(quiet = false) {
  if (page.screen() !== "drawResult") return;
  const request = stored();
  let r;
  try {
    r = await load(request);
  } catch (err) {
    if (quiet) {
      poll = setTimeout(() => check(true), POLL);
      return;
    }
    return page.fail(err);
  }
  if (page.screen() !== "drawResult") return;
  if (r.status === "pending") {
    if (!quiet) page.announce(t("drawStillPending"));
    clearTimeout(poll);
    poll = setTimeout(() => check(true), POLL);
    return;
  }
  fresh = r;
  await page.show("drawResult");
  page.announce(document.getElementById("draw-status")?.textContent || "");
}

// Done with the request: the page starts afresh, in the same language.
function startOver() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* nothing kept */
  }
  clearCounts();
  return page.show("start");
}

export const views = { drawRequest: request, drawResult: result };
