// The verified contact of R33: where an office asks for it (its setting
// `verify_contact`), the citizen proves the e-mail address with a code of
// six digits sent to it, before a Tagesticket (with `all`, before any online
// booking) or a request for the draw, and before "Meine Termine" (mine.js).
// The contact token it gives lives in this module's memory only, never in
// localStorage, sessionStorage or a cookie: it ends with the tab, or after
// its two hours.

import { api, ApiError, serverNow } from "./api.js";
import { h } from "./dom.js";
import { t, fmtTime } from "./lang.js";
import { announce, fail, frame, notify, show, showErrors } from "./page.js";
import { officeById } from "./choice.js";
import * as form from "./form.js";
import { backButton } from "./parts.js";

// The mailbox proven: {token, email, expires_at}.
let proven = null;
// The code on its way: {id, email, expires_at}.
let pending = null;
// The code as typed, kept while the language is switched.
let typed = "";
// What the code step is for: {purpose, then, back, step}.
let asked = null;
// Whether the booking under way has the code step among its steps.
let codeStep = false;

// Whether the office `officeId` asks a verified contact for online
// bookings, holds and draw requests of `kind` ("regular" or "day_ticket").
export function required(officeId, kind) {
  const setting = officeById(officeId)?.verify_contact;
  return setting === "all" || (setting === "day_tickets" && kind === "day_ticket");
}

// A token with a minute left counts as living: a request sent with it
// arrives before it ends.
export const living = () => Boolean(proven) && Date.parse(proven.expires_at) - serverNow() > 60_000;
export const token = () => (living() ? proven.token : null);
export const email = () => (living() ? proven.email : null);
export function forget() {
  proven = null;
}

// The token for a request of `kind` at `officeId`, where the office asks for
// one (none is sent where it does not).
export const tokenFor = (officeId, kind) => (required(officeId, kind) ? token() : null);

// The step `n` of a booking and how many it has: four, five with the code.
export function stepOf(n) {
  return { step: n > 1 && codeStep ? n + 1 : n, of: codeStep ? 5 : 4 };
}

// Whether the booking about to start (of `kind` at `officeId`) will ask for
// the code.
export function planSteps(officeId, kind) {
  codeStep = required(officeId, kind) && !living();
}

// Runs `then` at once where the mailbox is proven, else the code step first.
// `purpose`: "dayTicket", "booking", "draw" or "mine" (the screen's words);
// `back`: the screen the back button shows; `step`: the code step is step 2
// of a booking.
export function ensure({ purpose, then, back, step = false }) {
  if (living()) return then();
  asked = { purpose, then, back, step };
  pending = null;
  typed = "";
  return show("verify");
}

// A request refused with contact_unverified (the token ran out meanwhile):
// the code step again, then `then`.
export function again(purpose, back, then) {
  forget();
  return ensure({ purpose, back, then });
}

const INTRO = {
  dayTicket: "verifyIntroDayTicket",
  booking: "verifyIntroBooking",
  draw: "verifyIntroDraw",
  mine: "verifyIntroMine",
};

async function verify() {
  frame({
    title: t("verifyTitle"),
    // The code is step 2 of five; the steps after it count one more.
    ...(asked.step ? { step: 2, of: 5 } : {}),
    children: [
      h("p", { id: "verify-intro" }, t(INTRO[asked.purpose])),
      pending ? codeForm() : emailForm(),
      backButton(() => show(asked.back)),
    ],
  });
}

function emailForm() {
  return h(
    "form",
    { id: "verify-email", novalidate: true, onsubmit: (e) => (e.preventDefault(), sendCode()) },
    form.field(
      "email",
      t("email"),
      { type: "email", autocomplete: "email", spellcheck: "false", required: true, "aria-required": "true" },
      t("verifyEmailHint"),
    ),
    h("button", { type: "submit", class: "primary", id: "send-code" }, t("sendCode")),
  );
}

function codeForm() {
  return [
    h("p", { class: "notice", id: "code-sent" }, t("codeSent", pending.email, fmtTime(pending.expires_at))),
    h(
      "form",
      { id: "verify-code", novalidate: true, onsubmit: (e) => (e.preventDefault(), checkCode()) },
      h(
        "div",
        { class: "field" },
        h("label", { for: "verification-code" }, t("verifyCodeLabel")),
        h("p", { class: "hint", id: "verification-code-hint" }, t("verifyCodeHint")),
        h("input", {
          id: "verification-code",
          name: "verification-code",
          inputmode: "numeric",
          autocomplete: "one-time-code",
          maxlength: "6",
          required: true,
          "aria-required": "true",
          "aria-describedby": "code-sent verification-code-hint",
          value: typed,
          oninput: (e) => (typed = e.target.value),
        }),
      ),
      h("button", { type: "submit", class: "primary", id: "check-code" }, t("checkCode")),
    ),
    h(
      "p",
      {},
      h("button", { type: "button", class: "secondary", id: "resend", onclick: () => sendCode(pending.email) }, t("resendCode")),
      h("button", { type: "button", class: "secondary", id: "other-email", onclick: () => otherEmail() }, t("otherEmail")),
    ),
  ];
}

// Asks for a code for `address` (else the address typed).
async function sendCode(address = (form.value("email") || "").trim()) {
  if (!address) return showErrors([{ text: t("errEmail"), field: "email" }]);
  const button = document.getElementById(pending ? "resend" : "send-code");
  if (button) button.disabled = true;
  announce(t("sendingCode"));
  try {
    const r = await api.requestCode(address);
    pending = { id: r.id, email: address, expires_at: r.expires_at };
  } catch (err) {
    if (button) button.disabled = false;
    return fail(err, pending ? undefined : "email");
  }
  typed = "";
  await show("verify", { focus: "#verification-code" });
  announce(t("codeSent", pending.email, fmtTime(pending.expires_at)));
}

async function otherEmail() {
  pending = null;
  typed = "";
  await show("verify", { focus: "#email" });
}

async function checkCode() {
  const input = document.getElementById("verification-code");
  const code = typed.replace(/\s/g, "");
  if (!/^[0-9]{6}$/.test(code)) return showErrors([{ text: t("errCode"), field: "verification-code" }]);
  const button = document.getElementById("check-code");
  button.disabled = true;
  announce(t("checkingCode"));
  try {
    const r = await api.confirmCode(pending.id, code);
    proven = { token: r.contact_token, email: r.email, expires_at: r.expires_at };
  } catch (err) {
    button.disabled = false;
    typed = "";
    input.value = "";
    if (err instanceof ApiError && err.code === "verification_code_wrong") {
      return showErrors([{ text: t("codeWrong", err.problem.attempts_left ?? 0), field: "verification-code" }]);
    }
    // A verification the server does not know (any more) is as good as
    // expired: a new code is the way on.
    const gone = err instanceof ApiError && err.code === "not_found" ? new ApiError(409, { code: "verification_expired" }) : err;
    return fail(gone, "verification-code");
  }
  pending = null;
  typed = "";
  // The details to come are given with the address proven.
  form.setValue("email", proven.email);
  notify(t("verified", proven.email));
  await asked.then();
}

export const views = { verify };
