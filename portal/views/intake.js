// An org's public intake form (no sign-in; docs/INTAKE.md): GET /v1/orgs/{slug}/intake-form draws the
// scenarios and their questions, POST /v1/orgs/{slug}/intake sends it. A 422 puts each problem next to
// its field; a 429 says when to try again. `website` is the honeypot: hidden from people and from screen
// readers, so only a bot fills it (the API then answers as usual and keeps nothing).
import { api, ApiError } from "../lib/api.js";
import { h, replace, field, announce, uid } from "../lib/dom.js";
import { errorBox, pageHeading } from "../lib/ui.js";

const STATES = "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split(" ");

export default async function intakePage(main, { args: [slug] }) {
  const base = `/v1/orgs/${encodeURIComponent(slug)}`;
  let form;
  try {
    form = await api(`${base}/intake-form`);
  } catch (error) {
    if (error.status !== 404) throw error;
    replace(main, pageHeading("There is no form at this address"),
      h("p", {}, "Check the link you were given, or ask the brokerage for its form's address."));
    return;
  }
  const controls = new Map();  // field path in the API's error details → its control
  const summary = h("div", { tabindex: "-1" });
  const scenario = h("select", { required: true },
    h("option", { value: "" }, "Choose one"),
    form.scenarios.map((s) => h("option", { value: s.key }, s.label)));
  const questions = h("div");
  const propertyBox = h("div");
  const name = h("input", { type: "text", autocomplete: "name", required: true, maxlength: "200" });
  const email = h("input", { type: "email", autocomplete: "email", required: true, maxlength: "254" });
  const phone = h("input", { type: "tel", autocomplete: "tel", maxlength: "40" });
  const website = h("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off", id: uid("website") });
  const address = {
    line1: h("input", { type: "text", autocomplete: "street-address", maxlength: "200" }),
    city: h("input", { type: "text", autocomplete: "address-level2", maxlength: "100" }),
    state: h("select", { autocomplete: "address-level1" }, h("option", { value: "" }, "Choose"), STATES.map((s) => h("option", { value: s }, s))),
    postal_code: h("input", { type: "text", inputmode: "numeric", autocomplete: "postal-code", maxlength: "10" }),
  };
  const unit = h("input", { type: "text", maxlength: "20" });
  const button = h("button", { type: "submit", class: "primary" }, "Send");
  const chosen = () => form.scenarios.find((s) => s.key === scenario.value);

  controls.set("scenario", scenario);
  controls.set("contact.name", name);
  controls.set("contact.email", email);
  controls.set("contact.phone", phone);
  for (const [key, control] of Object.entries(address)) controls.set(`property.address.${key}`, control);
  controls.set("property.unit", unit);

  function drawScenario() {
    const s = chosen();
    for (const key of [...controls.keys()]) if (key.startsWith("answers.")) controls.delete(key);
    if (!s) {
      questions.replaceChildren();
      propertyBox.replaceChildren();
      return;
    }
    questions.replaceChildren(...s.questions.map((q) => {
      const control = questionControl(q);
      controls.set(`answers.${q.key}`, control);
      return field(q.required ? q.label : `${q.label} (optional)`, control, q.help || null);
    }));
    const optional = s.property_required ? "" : " (optional)";
    propertyBox.replaceChildren(h("fieldset", {},
      h("legend", {}, s.property_required ? "The property" : "The property, if you have one in mind"),
      field(`Street address${optional}`, address.line1),
      field("Unit (optional)", unit),
      field(`City${optional}`, address.city),
      field(`State${optional}`, address.state),
      field(`ZIP code${optional}`, address.postal_code)));
    for (const c of Object.values(address)) c.required = s.property_required;
  }
  scenario.addEventListener("change", drawScenario);

  const formEl = h("form", { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearProblems();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await api(`${base}/intake`, { method: "POST", body: submission() });
      const s = chosen();
      replace(main, pageHeading("Thank you", `${form.org_name} received your request.`),
        h("section", { class: "card", "aria-labelledby": "sent-h" },
          h("h2", { id: "sent-h" }, "What happens next"),
          h("p", {}, "Someone from the team will get in touch soon. We have sent you an email with the details."),
          s?.checklist?.length ? [h("h3", {}, "What to prepare"), h("ul", {}, s.checklist.map((c) => h("li", {}, c)))] : null));
      main.querySelector("h1").focus();
      announce("Your request was sent.");
    } catch (error) {
      showProblems(error);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  } },
  summary,
  field("What can we help you with?", scenario),
  h("fieldset", {}, h("legend", {}, "About you"),
    field("Your name", name),
    field("Email", email),
    field("Phone (optional)", phone, "We call or text only if you prefer it.")),
  questions,
  propertyBox,
  // The honeypot: off-screen, out of the tab order and hidden from screen readers.
  h("div", { class: "honeypot", "aria-hidden": "true" }, h("label", { for: website.id }, "Website (leave this empty)"), website),
  button);

  function submission() {
    const s = chosen();
    const body = { scenario: scenario.value, contact: { name: name.value.trim(), email: email.value.trim() }, answers: {} };
    if (phone.value.trim()) body.contact.phone = phone.value.trim();
    for (const q of s?.questions || []) {
      const value = answerOf(q, controls.get(`answers.${q.key}`));
      if (value !== undefined) body.answers[q.key] = value;
    }
    if (Object.values(address).some((c) => c.value.trim())) {
      body.property = { address: Object.fromEntries(Object.entries(address).map(([k, c]) => [k, c.value.trim()])) };
      if (unit.value.trim()) body.property.unit = unit.value.trim();
    }
    if (website.value) body.website = website.value;
    return body;
  }

  function clearProblems() {
    summary.replaceChildren();
    for (const el of formEl.querySelectorAll(".field-error")) el.remove();
    for (const c of controls.values()) {
      c.removeAttribute("aria-invalid");
      const kept = (c.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.endsWith("-problem")).join(" ");
      if (kept) c.setAttribute("aria-describedby", kept); else c.removeAttribute("aria-describedby");
    }
  }

  function showProblems(error) {
    const problems = error instanceof ApiError && error.status === 422 && Array.isArray(error.details) ? error.details : [];
    const elsewhere = [];
    for (const p of problems) {
      const control = controls.get(p.field) || (p.field === "property" ? address.line1 : null);
      if (!control) {
        elsewhere.push(`${p.field}: ${p.problem}`);
        continue;
      }
      const id = `${control.id}-problem`;
      const note = document.getElementById(id) || h("p", { class: "field-error", id });
      note.textContent = plain(p);
      control.closest(".field").append(note);
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby") || ""} ${id}`.trim());
    }
    const listed = problems.length
      ? h("p", {}, `${problems.length} ${problems.length === 1 ? "answer needs" : "answers need"} a change; each is marked below.`)
      : null;
    summary.replaceChildren(errorBox(error, [listed, elsewhere.length ? h("ul", {}, elsewhere.map((t) => h("li", {}, t))) : null]));
    summary.focus();
  }

  replace(main,
    pageHeading(`Contact ${form.org_name}`, "Tell us what you are looking for and we will get back to you. No account is needed."),
    formEl);
}

function questionControl(q) {
  if (q.type === "choice") {
    return h("select", { required: q.required }, h("option", { value: "" }, "Choose one"), q.choices.map((c) => h("option", { value: c }, c)));
  }
  if (q.type === "boolean") {
    return h("select", { required: q.required }, h("option", { value: "" }, "Choose one"),
      h("option", { value: "yes" }, "Yes"), h("option", { value: "no" }, "No"));
  }
  if (q.type === "number") return h("input", { type: "number", min: "0", step: "any", inputmode: "decimal", required: q.required });
  if (q.type === "date") return h("input", { type: "date", required: q.required });
  return h("textarea", { rows: "3", maxlength: "2000", required: q.required });
}

function answerOf(q, control) {
  const raw = control.value.trim();
  if (!raw) return undefined;
  if (q.type === "boolean") return raw === "yes";
  if (q.type === "number") return Number(raw);
  return raw;
}

// The API's problem in a visitor's words: required, a format, else its own words as a sentence.
function plain(p) {
  if (p.type === "missing" || p.type === "string_too_short") return "This is required.";
  if (p.field.endsWith("postal_code")) return "Enter a 5-digit ZIP code.";
  if (p.type === "string_pattern_mismatch") return "This is not in the expected format.";
  return sentence(String(p.problem || "").replace(/^Value error, /, ""));
}

function sentence(text) {
  const s = String(text || "");
  return s.charAt(0).toUpperCase() + s.slice(1) + (s.endsWith(".") ? "" : ".");
}
