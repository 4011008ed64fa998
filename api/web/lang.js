// The booking page's language: German unless asked otherwise, switched by
// the button in the header and kept for the next visit; its texts, and
// days and times as Berlin's clock shows them in it.

import { h, initialLang, TZ, localeOf, text, clock } from "./dom.js";

let current = initialLang();

export const lang = () => current;

// The other language, kept for the next visit where storage allows.
export function switchLang() {
  current = current === "de" ? "en" : "de";
  try {
    localStorage.setItem("lang", current);
  } catch {
    /* not kept */
  }
}

export const t = (key, ...args) => text(current, key, ...args);

// Text of the office (German): marked as such on the English page.
export const de = (text) => (current === "de" ? text : h("span", { lang: "de" }, text));

const fmt = (opts) => new Intl.DateTimeFormat(localeOf(current), { timeZone: TZ, ...opts });
export const fmtDay = (iso) => fmt({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(iso));
export const fmtTime = (iso) => clock(current, iso);
export const fmtWhen = (iso) => (current === "de" ? `${fmtDay(iso)}, ${fmtTime(iso)} Uhr` : `${fmtDay(iso)}, ${fmtTime(iso)}`);
