// What the citizen chooses on the start screen, kept while the page lives:
// the offices (of the page's municipality), the office chosen and its services, how many of each, and
// today's Tagesticket status there (R13–R15).

import { api } from "./api.js";
import { showErrors } from "./page.js";
import { t } from "./lang.js";
import * as place from "./place.js";

let offices = [];
let officeId = null;
let services = [];
let counts = {};
let dayStatus = null;

// The offices of the page's municipality (R39; all without one), asked
// for once.
export async function loadOffices() {
  if (offices.length) return;
  await place.ensure();
  offices = await api.offices(place.id() ?? undefined);
}

export const allOffices = () => offices;
export const officeById = (id) => offices.find((o) => o.id === id);
export const chosenOffice = () => officeId;
export const office = () => officeById(officeId);

// The office `id` from now on (an office chosen, or a booking's).
export function setOffice(id) {
  officeId = id;
}

// The start screen's office (the first unless one was chosen), its services
// and, where it gives Tagestickets, their status today.
export async function loadStart() {
  await loadOffices();
  if (!officeId) officeId = offices[0]?.id;
  // A municipality without an office yet (R39): nothing to choose.
  if (!officeId) {
    services = [];
    dayStatus = null;
    return;
  }
  services = await api.services(officeId);
  dayStatus = office()?.day_tickets ? await api.dayTickets(officeId) : null;
}

// The services of the office `id`, which becomes the one chosen.
export async function loadServices(id) {
  officeId = id;
  services = await api.services(id);
}

export const allServices = () => services;
export const serviceById = (id) => services.find((s) => s.id === id);

export const count = (serviceId) => counts[serviceId] || 0;
export function setCount(serviceId, n) {
  counts[serviceId] = n;
}
export function clearCounts() {
  counts = {};
}

// The services chosen, each as often as asked for, in the office's order.
export const chosen = () => services.flatMap((s) => Array(counts[s.id] || 0).fill(s.id));

// True if at least one service is chosen; else the error says so at the first.
export function needServices() {
  if (chosen().length) return true;
  showErrors([{ text: t("pickOneService"), field: `count-${services[0]?.id}` }]);
  return false;
}

// Today's Tagesticket status at the office (with the postcodes of R32);
// a look for services chosen brings it anew.
export const dayTickets = () => dayStatus;
export function setDayTickets(status) {
  dayStatus = status;
}
