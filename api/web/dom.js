// What the booking page and the waiting-room display share: building DOM
// nodes without innerHTML, the language asked for, its texts, and times of
// day as Berlin's clock shows them.

import { LANGS, TEXT } from "./i18n.js";

// Every time the API gives is shown in the offices' zone.
export const TZ = "Europe/Berlin";

export const localeOf = (lang) => (lang === "de" ? "de-DE" : "en-GB");

// The text `key` in `lang`; a text with a value is a function of it.
export function text(lang, key, ...args) {
  const v = TEXT[lang][key];
  return typeof v === "function" ? v(...args) : v;
}

// "08:30": the time of day of an instant, in Berlin, 24-hour.
export const clock = (lang, iso) =>
  new Intl.DateTimeFormat(localeOf(lang), { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(iso),
  );

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// `?lang=en` first, then the choice kept from an earlier visit, else German.
export function initialLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LANGS.includes(asked)) return asked;
  try {
    const kept = localStorage.getItem("lang");
    if (LANGS.includes(kept)) return kept;
  } catch {
    /* storage may be blocked */
  }
  return "de";
}
