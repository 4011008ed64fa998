// The booking page's frame: the screens by name and the one shown, the
// header and footer in the page's language (with the municipality's name
// and links, place.js), a screen's heading, error
// summary and notice, and what is said to screen readers.

import { ApiError } from "./api.js";
import { ERRORS } from "./errors.js";
import { h } from "./dom.js";
import { lang, t } from "./lang.js";
import * as place from "./place.js";

const main = document.getElementById("main");
const live = document.getElementById("live");

export function announce(text) {
  live.textContent = "";
  // A fresh text node each time, so the same message is announced again.
  setTimeout(() => {
    live.textContent = text;
  }, 50);
}

// Every button of the screen, while a request it started is under way.
export function disableButtons() {
  main.querySelectorAll("button").forEach((b) => (b.disabled = true));
}

// ---------------------------------------------------------------- errors

function messageOf(err) {
  if (err instanceof ApiError) {
    let text = ERRORS[lang()][err.code] ?? `${ERRORS[lang()].internal_error} (${err.code})`;
    if (err.retryAfter) text += ` ${t("retryIn", err.retryAfter)}`;
    return text;
  }
  return ERRORS[lang()].challenge_failed;
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
  contact_unverified: "email",
};

// Shows the error summary at the top of the screen and moves focus there;
// each entry links to its field, which is marked invalid with the message.
export function showErrors(list) {
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

export const fail = (err, field) =>
  showErrors([{ text: messageOf(err), field: field ?? (err instanceof ApiError ? FIELD[err.code] : undefined) }]);

// ---------------------------------------------------------------- frame

// A success to say on the next screen drawn (a move, a cancel), once.
let notice = null;
export const notify = (text) => {
  notice = text;
};

// `step` of `of` (4 unless said) where the screen is a step of a booking.
export function frame({ title, step, of = 4, children }) {
  document.title = `${title} – ${place.titleOf()}`;
  const said = notice;
  notice = null;
  const parts = [
    step ? h("p", { class: "step" }, t("step", step, of)) : null,
    h("h1", { tabindex: "-1", id: "title" }, title),
    h("div", { id: "errors", class: "error-summary", tabindex: "-1", role: "alert", "aria-labelledby": "errors-title", hidden: true }),
    said ? h("div", { class: "notice success", role: "status" }, said) : null,
    children,
  ];
  main.replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== false));
}

function chrome() {
  document.documentElement.lang = lang();
  document.getElementById("skip").textContent = t("skip");
  document.getElementById("brand").replaceChildren(...place.brand());
  const sw = document.getElementById("lang");
  const other = lang() === "de" ? "en" : "de";
  sw.textContent = t("switchTo");
  sw.setAttribute("lang", other);
  sw.setAttribute("aria-label", t("switchLabel"));
  document.getElementById("footer-text").textContent = t("footer");
  document.getElementById("api-docs").textContent = t("apiDocs");
  place.legal();
}

// ---------------------------------------------------------------- screens

// Each screen's view by name: an async function that draws it with frame().
const views = {};
export const register = (more) => Object.assign(views, more);

// Told the name of every screen about to be shown, before it is drawn.
const watchers = [];
export const beforeShow = (fn) => watchers.push(fn);

let current = "start";
export const screen = () => current;

let firstRender = true;
export async function show(next, { focus } = {}) {
  current = next;
  for (const fn of watchers) fn(next);
  chrome();
  const view = views[current];
  try {
    await view();
  } catch (err) {
    frame({ title: t("errorTitle"), children: [] });
    main.dataset.screen = current;
    fail(err);
    return;
  }
  // Again: a view may have learnt the municipality (a booking's, R39).
  chrome();
  main.dataset.screen = current;
  if (firstRender) {
    firstRender = false;
    return;
  }
  const target = focus ? document.querySelector(focus) : document.getElementById("title");
  (target || document.getElementById("title"))?.focus();
}
