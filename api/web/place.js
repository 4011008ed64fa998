// The municipality the booking page is for (R39): the one its path names
// (/kaarst/), or, on a booking's link (/termine/{id}), the one of the
// booking's office. Its name heads the page and its title; its imprint,
// privacy notice and accessibility statement (BITV 2.0) are the links of
// the footer, each where it has one. At / with several municipalities the
// page has none and lists them (search.js).

import { api } from "./api.js";
import { h } from "./dom.js";
import { t, de } from "./lang.js";

// Every municipality, asked for once; the page's, once known.
let all = null;
let current = null;

export async function loadAll() {
  all ??= await api.municipalities();
  return all;
}

// The municipality `id` (of the path or an office) from now on; an id the
// list lacks leaves the page without one.
async function take(id) {
  current = (await loadAll()).find((m) => m.id === id) ?? null;
}

// The id the path names: /kaarst/ (the server answers only a known one);
// null at / and on a booking's link.
export function ofPath() {
  const m = location.pathname.match(/^\/([^/]+)\/$/);
  return m ? decodeURIComponent(m[1]) : null;
}

// The municipality of the path, once, before its offices are asked for.
export async function ensure() {
  if (!current && ofPath()) await take(ofPath());
}

// The municipality of the office `officeId` (a booking's).
export async function ofOffice(officeId) {
  if (current) return;
  const office = (await api.offices()).find((o) => o.id === officeId);
  if (office) await take(office.municipality);
}

// The path's id counts even if the list lacks it: its offices are then
// refused (unknown_municipality), never all offices shown.
export const id = () => current?.id ?? ofPath();
export const name = () => current?.name ?? null;

// The start of a booking here: the municipality's page, else the overview.
export const home = () => (current ? `/${encodeURIComponent(current.id)}/` : "/");

// "Terminvergabe, Stadt Kaarst": the page's title after a screen's.
export const titleOf = () => (current ? `${t("brand")}, ${current.name}` : t("brand"));

// The header: the municipality's name (German, marked so on the English
// page) above the name of the service.
export function brand() {
  if (!current) return [t("brand")];
  return [h("span", { class: "brand-name", id: "brand-name" }, de(current.name)), " ", h("span", { class: "sub" }, t("brand"))];
}

const LINKS = [
  ["imprint_url", "imprint"],
  ["privacy_url", "privacy"],
  ["accessibility_url", "accessibility"],
];

// The footer's links of the municipality, in the page's language.
export function legal() {
  const nav = document.getElementById("legal");
  const links = current ? LINKS.filter(([key]) => current[key]) : [];
  nav.hidden = !links.length;
  nav.setAttribute("aria-label", t("legal"));
  nav.replaceChildren(
    h(
      "ul",
      {},
      links.map(([key, text]) => h("li", {}, h("a", { href: current[key], id: `legal-${text}` }, t(text)))),
    ),
  );
}
