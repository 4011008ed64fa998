// The citizen flow through openapi-fetch with types from openapi-typescript
// (run by .ci/clients/run): it must type-check and run without workarounds.
import createClient from "openapi-fetch";
import type { paths } from "./schema";
const c = createClient<paths>({ baseUrl: process.argv[2] });
async function main() {
  const slots = await c.GET("/api/v1/offices/{office}/slots", { params: { path: { office: "buergerbuero" }, query: { service: ["personalausweis"] } } });
  const start = slots.data!.earliest!.start;
  const hold = await c.POST("/api/v1/holds", { body: { office: "buergerbuero", services: ["personalausweis"], start, kind: "regular" } });
  const h = hold.data!;
  const booked = await c.POST("/api/v1/holds/{id}/booking", { params: { path: { id: h.id }, header: { "X-Hold-Token": h.token } }, body: { citizen: { name: "Erika Mustermann", email: "erika@example.org" } } });
  const b = booked.data!;
  const moved = await c.PATCH("/api/v1/bookings/{id}", { params: { path: { id: b.id }, header: { "X-Booking-Token": b.token } }, body: { start: slots.data!.slots[1].start } });
  const got = await c.GET("/api/v1/bookings/{id}", { params: { path: { id: b.id }, header: { "X-Booking-Token": b.token } } });
  const gone = await c.DELETE("/api/v1/bookings/{id}", { params: { path: { id: b.id }, header: { "X-Booking-Token": b.token } } });
  if (!moved.data?.previous_start || got.data?.status !== "confirmed" || gone.response.status !== 204) {
    throw new Error(`unexpected answers: ${JSON.stringify([moved.error, got.error, gone.response.status])}`);
  }
  console.log("typescript client:", b.code, got.data.service_details.map((d) => d.id), "moved from", moved.data.previous_start);
}
main().catch((e) => { console.error(e); process.exit(1); });
