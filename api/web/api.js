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
  hold: (body, altcha) =>
    request("POST", "/api/v1/holds", { body, headers: altcha ? { "X-Altcha": altcha } : {} }),
  extendHold: (hold) =>
    request("POST", `/api/v1/holds/${seg(hold.id)}/extend`, { headers: { "X-Hold-Token": hold.token } }),
  releaseHold: (hold) =>
    request("DELETE", `/api/v1/holds/${seg(hold.id)}`, { headers: { "X-Hold-Token": hold.token } }),
  confirmHold: (hold, citizen) =>
    request("POST", `/api/v1/holds/${seg(hold.id)}/booking`, {
      body: { citizen },
      headers: { "X-Hold-Token": hold.token },
    }),
  drawRequest: (office, body, altcha) =>
    request("POST", `/api/v1/offices/${seg(office)}/day-tickets/requests`, {
      body,
      headers: altcha ? { "X-Altcha": altcha } : {},
    }),
  drawResult: (id, token) => request("GET", `/api/v1/day-tickets/requests/${seg(id)}`, { headers: { "X-Request-Token": token } }),
  booking: (id, token) => request("GET", `/api/v1/bookings/${seg(id)}`, { headers: { "X-Booking-Token": token } }),
  cancel: (id, token) => request("DELETE", `/api/v1/bookings/${seg(id)}`, { headers: { "X-Booking-Token": token } }),
  move: (id, token, start) =>
    request("PATCH", `/api/v1/bookings/${seg(id)}`, { body: { start }, headers: { "X-Booking-Token": token } }),
  // The calendar entry as a Blob (the token travels in a header, so a plain
  // link cannot fetch it).
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
