// The public API, called exactly as any third-party frontend would: bearer token, JSON, the error envelope.
import { config } from "./config.js";
import { token } from "./auth.js";

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;  // seconds, from Retry-After (a 429 or 503)
  }
}

export async function api(path, { method = "GET", body, version, idempotent } = {}) {
  const { api_url: base } = await config();
  const headers = { Accept: "application/json" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (version !== undefined) headers["If-Match"] = `"${version}"`;
  if (idempotent) headers["Idempotency-Key"] = crypto.randomUUID();
  let reply;
  try {
    reply = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", "We could not reach Threshold.");
  }
  const text = await reply.text();
  const data = text ? safeJson(text) : null;
  if (!reply.ok) {
    const error = data?.error || {};
    const wait = Number.parseInt(reply.headers.get("Retry-After") || "", 10);
    throw new ApiError(reply.status, error.code || "error", error.message || reply.statusText, error.details,
      Number.isFinite(wait) ? wait : undefined);
  }
  return data;
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

// Every error in plain language, with what to do next.
export function explain(error) {
  if (!(error instanceof ApiError)) {
    return { title: "Something went wrong in the portal.", next: "Reload the page and try again.", detail: error?.message };
  }
  const said = error.message && error.message !== "error" ? error.message : "";
  switch (true) {
    case error.status === 0:
      return { title: "We could not reach Threshold.", next: "Check your internet connection, then try again." };
    case error.status === 401:
      return { title: "Your session has ended.", next: "Sign in again to continue.", signIn: true };
    case error.status === 403:
      return { title: "You are not allowed to do this.", next: "Ask your agent or coordinator if you think you should be.", detail: said };
    case error.status === 404:
      return { title: "We could not find this.", next: "It may have been removed, or you may no longer have access. Go back to your deals.", detail: said };
    case error.status === 409:
      return { title: "This can't be done right now.", next: "Check what is still missing below, or reload to see the latest.", detail: said };
    case error.status === 412:
      return { title: "Someone else changed this while you were looking.", next: "We reloaded the latest version; make your change again.", detail: said };
    case error.status === 413:
      return { title: "That file is too large.", next: "Choose a smaller file, or scan at a lower resolution.", detail: said };
    case error.status === 400 || error.status === 422:
      return { title: "Some of what you entered can't be accepted.", next: "Correct it and try again.", detail: said };
    case error.status === 429:
      return { title: "Too many requests in a short time.", next: error.retryAfter
        ? `Try again in ${waitWords(error.retryAfter)}.` : "Wait a minute, then try again." };
    default:
      return { title: "Threshold is having trouble right now.", next: "Try again in a minute. If it keeps happening, contact your coordinator.", detail: said };
  }
}

function waitWords(seconds) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
