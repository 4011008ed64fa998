// The citizen's details as typed (name, contact, postcode of R32, the draw's
// time window), kept across screens and languages until a booking or a
// request for the draw is made with them; their fields and their checks.
// Where the e-mail address is proven (R33), it is that address, fixed.

import { h } from "./dom.js";
import { t } from "./lang.js";

const empty = () => ({ name: "", email: "", phone: "", postcode: "" });
let values = empty();

export const value = (id) => values[id];
export function setValue(id, v) {
  values[id] = v;
}
export function clear() {
  values = empty();
}

// A text field of the citizen's details, kept as typed.
export function field(id, label, attrs = {}, hint) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    h("input", {
      id,
      name: id,
      value: values[id] ?? "",
      "aria-describedby": hint ? `${id}-hint` : undefined,
      oninput: (e) => (values[id] = e.target.value),
      ...attrs,
    }),
  );
}

// How to reach the citizen: e-mail address and phone number, with `hint`;
// where `verified` (the address proven, R33), that address, not to change.
export function contactFields(hint, verified) {
  return h(
    "fieldset",
    { "aria-describedby": "contact-hint" },
    h("legend", {}, t("contactLegend")),
    h("p", { class: "hint", id: "contact-hint" }, verified ? t("verifiedHint") : hint),
    verified
      ? h(
          "div",
          { class: "field" },
          h("label", { for: "email" }, t("verifiedEmail")),
          h("input", { id: "email", name: "email", type: "email", value: verified, readonly: true }),
        )
      : field("email", t("email"), { type: "email", autocomplete: "email", spellcheck: "false" }),
    field("phone", t("phone"), { type: "tel", autocomplete: "tel" }),
  );
}

// The details trimmed (`f`), what is missing or malformed in them (`errors`,
// for showErrors) and the citizen of the API made of them; `verified`: the
// address proven, which is the e-mail address then.
export function citizen(needPostcode, verified) {
  const f = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (v || "").trim()]));
  if (verified) f.email = verified;
  const errors = [];
  if (!f.name) errors.push({ text: t("errName"), field: "name" });
  if (!f.email && !f.phone) errors.push({ text: t("errContact"), field: "email" });
  if (needPostcode && !/^[0-9]{5}$/.test(f.postcode)) errors.push({ text: t("errPostcode"), field: "postcode" });
  const person = { name: f.name };
  if (f.email) person.email = f.email;
  if (f.phone) person.phone = f.phone;
  if (needPostcode) person.postcode = f.postcode;
  return { f, errors, citizen: person };
}
