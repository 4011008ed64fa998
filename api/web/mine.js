// "Meine Termine" (R33): after the code step (contact.js), every booking of
// the mailbox proven that has not begun, each to move (R20, manage.js) or
// to cancel after a second question, with the contact token in place of
// the booking's own key: a citizen who lost the confirmation can still
// cancel.

import { api, ApiError } from "./api.js";
import { h } from "./dom.js";
import { t, de, fmtWhen } from "./lang.js";
import { fail, frame, notify, show } from "./page.js";
import { loadOffices, officeById } from "./choice.js";
import * as contact from "./contact.js";
import { moveWith } from "./manage.js";

// The booking whose cancel is asked about ("really?"), by id.
let confirming = null;

// The list, after the code where the mailbox is not proven (yet, or any more).
export function open() {
  confirming = null;
  return contact.ensure({ purpose: "mine", back: "start", then: () => show("mine") });
}

async function mine() {
  const token = contact.token();
  let list = null;
  if (token) {
    await loadOffices();
    try {
      list = await api.contactBookings(token);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "contact_unverified")) throw err;
      contact.forget();
    }
  }
  if (!list) {
    frame({
      title: t("mineTitle"),
      children: [
        h("p", { class: "notice warn", id: "mine-expired" }, t("mineExpired")),
        h("p", {}, h("button", { type: "button", class: "primary", id: "mine-again", onclick: () => open() }, t("mineVerifyAgain"))),
        h("p", {}, h("button", { type: "button", class: "secondary", id: "back", onclick: () => show("start") }, t("drawToStart"))),
      ],
    });
    return;
  }
  const address = contact.email();
  frame({
    title: t("mineTitle"),
    children: [
      h("p", { id: "mine-of", class: list.length ? null : "notice" }, t(list.length ? "mineOf" : "mineNone", address)),
      list.length ? h("ul", { class: "mine", id: "mine-list" }, list.map((b) => item(b, token))) : null,
      h(
        "p",
        {},
        h("button", { type: "button", class: "secondary", id: "mine-other", onclick: () => other() }, t("mineOther")),
        h("button", { type: "button", class: "secondary", id: "back", onclick: () => show("start") }, t("drawToStart")),
      ),
    ],
  });
}

// One booking: when (its heading, which names each of its buttons), its
// code, where and what; move and cancel.
function item(b, token) {
  const title = `mine-${b.id}`;
  const o = officeById(b.office);
  const key = { contact: token };
  return h(
    "li",
    { "aria-labelledby": title },
    h("h2", { id: title }, fmtWhen(b.start)),
    h(
      "dl",
      {},
      h("dt", {}, t("codeLabel")),
      h("dd", { class: "mine-code" }, b.code),
      h("dt", {}, t("where")),
      h("dd", {}, o ? [de(o.name), ", ", de(o.address)] : b.office),
      h("dt", {}, t("what")),
      h("dd", {}, h("ul", {}, (b.service_details || []).map((s) => h("li", {}, de(s.name))))),
      h("dt", {}, t("status")),
      h("dd", {}, `${t("statusConfirmed")} (${t(b.kind === "day_ticket" ? "dayTicket" : "regular")})`),
    ),
    confirming === b.id
      ? h(
          "section",
          { class: "confirm-cancel", "aria-labelledby": "cancel-title" },
          h("h3", { id: "cancel-title", tabindex: "-1" }, t("cancelConfirmOf", fmtWhen(b.start))),
          h(
            "p",
            {},
            h("button", { type: "button", id: "cancel-yes", class: "danger", onclick: () => cancel(b, key) }, t("cancelConfirm")),
            h("button", { type: "button", id: "cancel-no", onclick: () => keep(b) }, t("keep")),
          ),
        )
      : h(
          "p",
          {},
          h("button", { type: "button", id: `move-${b.id}`, "aria-describedby": title, onclick: () => moveWith(b, key, "mine") }, t("move")),
          h("button", { type: "button", id: `cancel-${b.id}`, class: "danger", "aria-describedby": title, onclick: () => ask(b) }, t("cancel")),
        ),
  );
}

async function ask(b) {
  confirming = b.id;
  await show("mine", { focus: "#cancel-title" });
}

async function keep(b) {
  confirming = null;
  await show("mine", { focus: `#cancel-${b.id}` });
}

async function cancel(b, key) {
  confirming = null;
  try {
    await api.cancel(b.id, key);
  } catch (err) {
    await show("mine");
    return fail(err);
  }
  notify(t("cancelledNow"));
  await show("mine");
}

// Another mailbox: this one's token is forgotten.
function other() {
  contact.forget();
  return open();
}

export const views = { mine };
