// The citizen flow through openapi-fetch with types from openapi-typescript
// (run by .ci/clients/run): it must type-check and run without workarounds.
// The office asks for a verified contact (R33, `verify_contact: all`): the
// code is read from the server's log (TERMIN_SMTP_URL=log), its path argv[3].
import createClient from "openapi-fetch";
import { readFileSync } from "node:fs";
import type { paths } from "./schema";
const c = createClient<paths>({ baseUrl: process.argv[2] });
async function codeInLog(email: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const log = readFileSync(process.argv[3], "utf-8");
    const found = [...log.matchAll(/To: (.*)\nSubject: Ihr Bestätigungscode: (\d{6})\n/g)]
      .filter((m) => m[1] === email)
      .map((m) => m[2]);
    if (found.length > 0) return found[found.length - 1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no code for ${email}`);
}
async function main() {
  const slots = await c.GET("/api/v1/offices/{office}/slots", { params: { path: { office: "buergerbuero" }, query: { service: ["personalausweis"] } } });
  const start = slots.data!.earliest!.start;
  const email = "max@example.org";
  const asked = await c.POST("/api/v1/verifications", { body: { email } });
  const contact = await c.POST("/api/v1/verifications/{id}/confirm", { params: { path: { id: asked.data!.id } }, body: { code: await codeInLog(email) } });
  const token = contact.data!.contact_token;
  const hold = await c.POST("/api/v1/holds", { body: { office: "buergerbuero", services: ["personalausweis"], start, kind: "regular" } });
  const h = hold.data!;
  const booked = await c.POST("/api/v1/holds/{id}/booking", { params: { path: { id: h.id }, header: { "X-Hold-Token": h.token, "X-Contact-Token": token } }, body: { citizen: { name: "Max Mustermann", email } } });
  const b = booked.data!;
  const mine = await c.GET("/api/v1/contacts/bookings", { params: { header: { "X-Contact-Token": token } } });
  const moved = await c.PATCH("/api/v1/bookings/{id}", { params: { path: { id: b.id }, header: { "X-Contact-Token": token } }, body: { start: slots.data!.slots[1].start } });
  const got = await c.GET("/api/v1/bookings/{id}", { params: { path: { id: b.id }, header: { "X-Booking-Token": b.token } } });
  const gone = await c.DELETE("/api/v1/bookings/{id}", { params: { path: { id: b.id }, header: { "X-Contact-Token": token } } });
  if (mine.data?.length !== 1 || !moved.data?.previous_start || got.data?.status !== "confirmed" || gone.response.status !== 204) {
    throw new Error(`unexpected answers: ${JSON.stringify([booked.error, mine.error, moved.error, got.error, gone.response.status])}`);
  }
  console.log("typescript client:", b.code, got.data.service_details.map((d) => d.id), "moved from", moved.data.previous_start);
}
main().catch((e) => { console.error(e); process.exit(1); });
