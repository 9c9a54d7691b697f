// Sign in: local mode offers the demo people and any email; AWS sends you to the Cognito hosted UI.
import { config } from "../lib/config.js";
import { finishCognito, signInLocally, signInWithCognito, takeNext } from "../lib/auth.js";
import { h, replace, field } from "../lib/dom.js";
import { errorBox, pageHeading } from "../lib/ui.js";

export default async function signIn(main, { options, navigate }) {
  const settings = await config();
  const slot = h("div");
  if (options.view === "callback") {
    replace(main, pageHeading("Signing you in…"), slot);
    try {
      await finishCognito(location.search);
      return navigate(takeNext(), { replace: true });
    } catch (error) {
      return slot.replaceChildren(errorBox(error));
    }
  }
  if (settings.mode !== "local") {
    const go = h("button", { type: "button", class: "primary", onclick: () => signInWithCognito() }, "Sign in");
    return replace(main, pageHeading("Sign in to Threshold", "You will be sent to your brokerage's sign-in page."), go, slot);
  }
  replace(main, signInForm(settings.demo_people || [], navigate, slot), slot);
}

export function signInForm(people, navigate, slot, { suggested } = {}) {
  const emailInput = h("input", { type: "email", name: "email", autocomplete: "email", required: true, value: suggested || "" });
  const form = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    await go(emailInput.value);
  } },
  field("Email", emailInput, "Local mode: any email signs in, as `make token` would."),
  h("button", { type: "submit", class: "primary" }, "Sign in"));

  async function go(email) {
    slot.replaceChildren();
    try {
      await signInLocally(email);
      navigate(takeNext(), { replace: true });
    } catch (error) {
      slot.replaceChildren(errorBox(error));
    }
  }

  const list = h("ul", { class: "people" }, people.map((p) =>
    h("li", {}, h("button", { type: "button", class: "person", onclick: () => go(p.email) },
      h("span", { class: "person-name" }, p.name), h("span", { class: "person-role" }, p.role)))));
  return h("section", {},
    pageHeading("Sign in", "Local mode — no passwords. Pick a demo person or type an email."),
    form,
    people.length ? h("h2", {}, "Demo people") : null,
    people.length ? list : null);
}
