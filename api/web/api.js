// The public API of the same origin, and nothing else: every request of the
// page goes through here. Errors come back as ApiError with the problem's
// stable `code` (docs/API.md), which the page turns into a message.

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || String(status));
    this.status = status;
    this.code = problem.code || (status >= 500 ? "internal_error" : "malformed_request");
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

// The server's clock minus this browser's (ms), from the `Date` header; a
// server started with TERMIN_NOW reports its frozen time there, so a hold's
// countdown is right on either.
let skew = 0;
export const serverNow = () => Date.now() + skew;

function learnClock(res) {
  const date = res.headers.get("Date");
  const at = date ? Date.parse(date) : NaN;
  if (!Number.isNaN(at)) skew = at - Date.now();
}

async function request(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, { code: "network" });
  }
  learnClock(res);
  if (res.status === 204) return null;
  const type = res.headers.get("Content-Type") || "";
  const json = type.includes("json") ? await res.json().catch(() => ({})) : {};
  if (!res.ok) {
    throw new ApiError(res.status, json, Number(res.headers.get("Retry-After")) || undefined);
  }
  return json;
}

const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of params) if (v !== undefined && v !== null) s.append(k, v);
  const text = s.toString();
  return text ? `?${text}` : "";
};
const seg = encodeURIComponent;

// The headers of a request, with the contact token where one is given
// (R33: where the office asks for a verified e-mail address).
const withContact = (headers, contact) => (contact ? { ...headers, "X-Contact-Token": contact } : headers);

// Who may read and change a booking: its own key (a string, from its link
// or its booking), or `{ contact }`, the contact token of its mailbox (R33,
// Meine Termine).
const holder = (key) => (typeof key === "string" ? { "X-Booking-Token": key } : { "X-Contact-Token": key.contact });

export const api = {
  municipalities: () => request("GET", "/api/v1/municipalities"),
  // Every office, or those of the municipality `municipality` (R39).
  offices: (municipality) => request("GET", `/api/v1/offices${q([["municipality", municipality]])}`),
  services: (office) => request("GET", `/api/v1/offices/${seg(office)}/services`),
  slots: (office, services, from, to) =>
    request("GET", `/api/v1/offices/${seg(office)}/slots${q([...services.map((s) => ["service", s]), ["from", from], ["to", to]])}`),
  dayTickets: (office, services = []) =>
    request("GET", `/api/v1/offices/${seg(office)}/day-tickets${q(services.map((s) => ["service", s]))}`),
  challenge: () => request("GET", "/api/v1/challenge"),
  // A code by e-mail, and the contact token for it (R33).
  requestCode: (email) => request("POST", "/api/v1/verifications", { body: { email } }),
  confirmCode: (id, code) => request("POST", `/api/v1/verifications/${seg(id)}/confirm`, { body: { code } }),
  contactBookings: (contact) => request("GET", "/api/v1/contacts/bookings", { headers: { "X-Contact-Token": contact } }),
  hold: (body, altcha, contact) =>
    request("POST", "/api/v1/holds", { body, headers: withContact(altcha ? { "X-Altcha": altcha } : {}, contact) }),
  extendHold: (hold) =>
    request("POST", `/api/v1/holds/${seg(hold.id)}/extend`, { headers: { "X-Hold-Token": hold.token } }),
  releaseHold: (hold) =>
    request("DELETE", `/api/v1/holds/${seg(hold.id)}`, { headers: { "X-Hold-Token": hold.token } }),
  confirmHold: (hold, citizen, contact) =>
    request("POST", `/api/v1/holds/${seg(hold.id)}/booking`, {
      body: { citizen },
      headers: withContact({ "X-Hold-Token": hold.token }, contact),
    }),
  drawRequest: (office, body, altcha, contact) =>
    request("POST", `/api/v1/offices/${seg(office)}/day-tickets/requests`, {
      body,
      headers: withContact(altcha ? { "X-Altcha": altcha } : {}, contact),
    }),
  drawResult: (id, token) => request("GET", `/api/v1/day-tickets/requests/${seg(id)}`, { headers: { "X-Request-Token": token } }),
  booking: (id, key) => request("GET", `/api/v1/bookings/${seg(id)}`, { headers: holder(key) }),
  cancel: (id, key) => request("DELETE", `/api/v1/bookings/${seg(id)}`, { headers: holder(key) }),
  move: (id, key, start) => request("PATCH", `/api/v1/bookings/${seg(id)}`, { body: { start }, headers: holder(key) }),
  // The calendar entry as a Blob (the token travels in a header, so a plain
  // link cannot fetch it); only with the booking's own key.
  async calendar(id, token) {
    const res = await fetch(`/api/v1/bookings/${seg(id)}/calendar.ics`, { headers: { "X-Booking-Token": token } });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
    return res.blob();
  },
};

// A hold release that survives leaving the page.
export function releaseOnLeave(hold) {
  fetch(`/api/v1/holds/${seg(hold.id)}`, {
    method: "DELETE",
    headers: { "X-Hold-Token": hold.token },
    keepalive: true,
  }).catch(() => {});
}
