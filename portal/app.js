// The portal shell: routes (the paths Threshold's emails link to), navigation, sign-in guard.
import { session, signOutEverywhere, rememberNext, token } from "./lib/auth.js";
import { api } from "./lib/api.js";
import { h, replace, link } from "./lib/dom.js";
import { errorBox } from "./lib/ui.js";

const ROUTES = [
  [/^\/$/, () => import("./views/home.js"), { public: true }],
  [/^\/sign-in$/, () => import("./views/signin.js"), { public: true }],
  [/^\/auth\/callback$/, () => import("./views/signin.js"), { public: true, view: "callback" }],
  [/^\/invitations\/([^/]+)$/, () => import("./views/invitation.js"), { public: true }],
  [/^\/unsubscribe\/([^/]+)$/, () => import("./views/unsubscribe.js"), { public: true }],
  [/^\/intake\/([^/]+)$/, () => import("./views/intake.js"), { public: true }],
  [/^\/deals$/, () => import("./views/deals.js")],
  [/^\/deals\/([^/]+)$/, () => import("./views/deal.js")],
  [/^\/notifications$/, () => import("./views/notifications.js")],
  [/^\/preferences$/, () => import("./views/preferences.js")],
  [/^\/staff\/pipeline$/, () => import("./views/pipeline.js")],
  [/^\/staff\/review$/, () => import("./views/review.js")],
  [/^\/staff\/reports$/, () => import("./views/reports.js")],
  [/^\/staff\/activity$/, () => import("./views/org-activity.js")],
  [/^\/staff\/changes$/, () => import("./views/changes.js")],
  [/^\/staff\/leads$/, () => import("./views/leads.js")],
  [/^\/staff\/leads\/([^/]+)$/, () => import("./views/lead.js")],
  [/^\/staff\/contacts$/, () => import("./views/contacts.js")],
  [/^\/staff\/contacts\/([^/]+)$/, () => import("./views/record.js"), { view: "contact" }],
  [/^\/staff\/properties\/([^/]+)$/, () => import("./views/record.js"), { view: "property" }],
  [/^\/staff\/accounts$/, () => import("./views/accounts.js")],
  [/^\/staff\/accounts\/([^/]+)$/, () => import("./views/account.js")],
  [/^\/staff\/admin$/, () => import("./views/admin.js")],
  [/^\/staff\/templates$/, () => import("./views/templates.js")],
  [/^\/staff\/templates\/([^/]+)$/, () => import("./views/template.js")],
  [/^\/staff\/integrations$/, () => import("./views/integrations.js")],
  [/^\/staff\/integrations\/webhooks\/([^/]+)$/, () => import("./views/webhook.js")],
];

let me = null;
let meFor = null;  // the token `me` was read with: signing in as someone else must not keep the old identity

export async function whoAmI(refresh = false) {
  if (!session()) return null;
  if (!me || refresh || meFor !== token()) {
    meFor = token();
    me = await api("/v1/me");
  }
  return me;
}

export function isStaff(user) {
  return Boolean(user?.staff?.some((s) => s.role === "admin" || s.role === "coordinator"));
}

// Any staff role of an org (agents too): leads routed to them, contacts, accounts.
export function isOrgStaff(user) {
  return Boolean(user?.staff?.length);
}

export function navigate(path, { replace: swap = false } = {}) {
  if (swap) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  render();
}

async function drawNav() {
  const nav = document.getElementById("nav");
  if (!session()) return replace(nav, link("/sign-in", "Sign in"));
  let user = null;
  try { user = await whoAmI(); } catch { /* the page shows the error */ }
  const items = [link("/deals", "My deals"), link("/notifications", "Updates")];
  if (isOrgStaff(user)) {
    items.push(link("/staff/leads", "Leads"), link("/staff/contacts", "Contacts"), link("/staff/accounts", "Accounts"));
  }
  if (isStaff(user)) {
    items.push(link("/staff/review", "Review"), link("/staff/changes", "Changes"), link("/staff/pipeline", "Pipeline"),
      link("/staff/reports", "Reports"), link("/staff/activity", "Activity"), link("/staff/admin", "Admin"));
  }
  items.push(link("/preferences", "Settings"));
  const out = h("button", { type: "button", class: "link-button", onclick: async () => {
    me = null;
    if (!(await signOutEverywhere())) navigate("/sign-in");
  } }, "Sign out");
  replace(nav, h("ul", {}, [...items, out].map((i) => h("li", {}, i))));
  // the org's settings pages belong to the Admin link
  const here = /^\/staff\/(templates|integrations)(\/|$)/.test(location.pathname) ? "/staff/admin" : location.pathname;
  for (const a of nav.querySelectorAll("a")) {
    if (here.startsWith(a.getAttribute("href"))) a.setAttribute("aria-current", "page");
  }
}

export async function render() {
  const main = document.getElementById("main");
  const path = location.pathname;
  const found = ROUTES.find(([pattern]) => pattern.test(path));
  await drawNav();
  if (!found) {
    replace(main, h("h1", { tabindex: "-1" }, "Page not found"), h("p", {}, "This address is not part of the portal. "), link("/deals", "Go to my deals"));
    return focusHeading(main);
  }
  const [pattern, load, options = {}] = found;
  if (!options.public && !session()) {
    rememberNext(path);
    return navigate("/sign-in", { replace: true });
  }
  const args = path.match(pattern).slice(1).map(decodeURIComponent);
  try {
    const view = await load();
    await view.default(main, { args, options, navigate });
  } catch (error) {
    replace(main, h("h1", { tabindex: "-1" }, "This page could not be shown"), errorBox(error));
  }
  focusHeading(main);
}

function focusHeading(main) {
  document.title = `${main.querySelector("h1")?.textContent || "Threshold"} · Threshold`;
  main.querySelector("h1")?.focus({ preventScroll: false });
}

document.addEventListener("click", (event) => {
  const a = event.target.closest("a[data-link]");
  if (!a || event.ctrlKey || event.metaKey || event.shiftKey || a.target) return;
  event.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", render);
render();
