// The emailed link {portal_url}/invitations/{token}: see what it is for, sign in, accept, go to the deal.
import { api } from "../lib/api.js";
import { config } from "../lib/config.js";
import { rememberNext, session } from "../lib/auth.js";
import { h, replace, words, when } from "../lib/dom.js";
import { errorBox, pageHeading } from "../lib/ui.js";
import { signInForm } from "./signin.js";
import { signInWithCognito } from "../lib/auth.js";

export default async function invitation(main, { args: [inviteToken], navigate }) {
  const path = `/invitations/${encodeURIComponent(inviteToken)}`;  // this page; the API's is under /v1
  const slot = h("div");
  let preview;
  try {
    preview = await api(`/v1${path}`);
  } catch (error) {
    return replace(main, pageHeading("Your invitation"), errorBox(error));
  }
  const intro = h("div", { class: "card" },
    h("p", {}, "You are invited to ", h("strong", {}, preview.deal_title), ` as ${words(preview.role)}.`),
    h("p", { class: "hint" }, `Sent to ${preview.email_hint}. Valid until ${when(preview.valid_until)}.`));
  if (preview.status !== "pending") {
    const said = {
      accepted: "This invitation was already accepted. Sign in to see the deal.",
      expired: "This invitation has expired. Ask your agent or coordinator to send a new one.",
      revoked: "This invitation was withdrawn. Ask your agent or coordinator if this is a mistake.",
    }[preview.status] || `This invitation is ${words(preview.status)}.`;
    return replace(main, pageHeading("Your invitation"), intro, h("p", { role: "status" }, said));
  }
  if (!session()) {
    rememberNext(path);
    const settings = await config();
    const signIn = settings.mode === "local"
      ? signInForm([], () => navigate(path, { replace: true }), slot)
      : h("button", { type: "button", class: "primary", onclick: () => signInWithCognito() }, "Sign in to accept");
    return replace(main, pageHeading("Your invitation"), intro,
      h("p", {}, "Sign in with the email the invitation was sent to, then accept it."), signIn, slot);
  }
  const accept = h("button", { type: "button", class: "primary", onclick: async () => {
    accept.disabled = true;
    try {
      const done = await api(`/v1${path}/accept`, { method: "POST", idempotent: true });
      navigate(`/deals/${encodeURIComponent(done.deal_id)}`, { replace: true });  // the link leaves history
    } catch (error) {
      accept.disabled = false;
      slot.replaceChildren(errorBox(error));
    }
  } }, "Accept invitation");
  replace(main, pageHeading("Your invitation"), intro, h("p", {}, `Signed in as ${session().email}.`), accept, slot);
}
