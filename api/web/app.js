// The citizens' booking page: choose office and services, see the earliest
// and all free times, hold one (R19), give name and contact, confirm; the
// Tagesticket of today (R13–R15) with the proof of work (R26) and the
// postcode (R32); the draw for it (R27); manage a booking from its link
// (/termine/{id}#token=…): move (R20) and cancel; the verified contact
// where an office asks for it, and "Meine Termine" (R33). Per municipality
// (R39): its page is /{municipality}/, and / lists them where there are
// several. Plain DOM, no framework; German by default.
//
// This module only puts the page together: each screen is a view of the
// module of its step (search.js, contact.js, hold.js, manage.js, mine.js,
// draw.js), drawn in the frame of page.js; each module keeps its own state.

import { switchLang } from "./lang.js";
import { register, screen, show } from "./page.js";
import * as search from "./search.js";
import * as hold from "./hold.js";
import * as manage from "./manage.js";
import * as draw from "./draw.js";
import * as contact from "./contact.js";
import * as mine from "./mine.js";

register({ ...search.views, ...contact.views, ...hold.views, ...manage.views, ...mine.views, ...draw.views });

document.getElementById("lang").addEventListener("click", async () => {
  switchLang();
  await show(screen(), { focus: "#lang" });
});

window.addEventListener("pagehide", hold.releaseOnPageHide);

const managed = location.pathname.match(/^\/termine\/([^/]+)$/);
if (managed) {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  manage.open(decodeURIComponent(managed[1]), token);
} else if (location.pathname === "/") {
  show("places");
} else {
  // A request for the draw filed in this tab: its result first.
  show(draw.stored() ? "drawResult" : "start");
}
