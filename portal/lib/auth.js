// Sign-in. The bearer token lives in sessionStorage only (gone when the tab closes) and never in a URL.
// Local mode: the devstack portal server mints one for any email (POST /local/token, like `make token`).
// AWS: the Cognito hosted UI with the authorization-code flow and PKCE; the code is exchanged by fetch
// and removed from the address bar at once (docs/PORTAL.md).
import { config } from "./config.js";

const KEY = "threshold.session";
const NEXT = "threshold.next";
const PKCE = "threshold.pkce";

export function session() {
  try {
    const found = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (found && found.expires_at > Date.now() / 1000 + 30) return found;
  } catch { /* a damaged entry is no session */ }
  sessionStorage.removeItem(KEY);
  return null;
}

export function token() {
  return session()?.token || null;
}

function remember(idToken) {
  const claims = JSON.parse(atob(idToken.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")));
  sessionStorage.setItem(KEY, JSON.stringify({ token: idToken, email: claims.email, expires_at: claims.exp }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

// Signing out in AWS also ends the hosted UI's own session (its cookie), or the next "Sign in" would come
// straight back signed in: the browser goes to {domain}/logout, which returns to `logout_uri` (the portal's
// own address, one of the app client's sign-out URLs). True when the browser is leaving for it.
export async function signOutEverywhere() {
  signOut();
  const settings = await config().catch(() => ({}));
  const cognito = settings.mode === "cognito" ? settings.cognito : null;
  if (!cognito?.logout_uri) return false;
  const params = new URLSearchParams({ client_id: cognito.client_id, logout_uri: cognito.logout_uri });
  location.assign(`${cognito.domain}/logout?${params}`);
  return true;
}

export function rememberNext(path) {
  sessionStorage.setItem(NEXT, path);
}

export function takeNext() {
  const next = sessionStorage.getItem(NEXT);
  sessionStorage.removeItem(NEXT);
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/deals";
}

export async function signInLocally(email) {
  const reply = await fetch("/local/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  const body = await reply.json().catch(() => ({}));
  if (!reply.ok) throw new Error(body?.error?.message || "Local sign-in failed.");
  remember(body.id_token);
}

function randomText(bytes) {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...data)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export async function signInWithCognito() {
  const { cognito } = await config();
  const verifier = randomText(48);
  const state = randomText(16);
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: cognito.client_id,
    redirect_uri: cognito.redirect_uri,
    scope: "openid email profile",
    state,
    code_challenge_method: "S256",
    code_challenge: await challengeOf(verifier),
  });
  location.assign(`${cognito.domain}/oauth2/authorize?${params}`);
}

export async function finishCognito(search) {
  const { cognito } = await config();
  const params = new URLSearchParams(search);
  history.replaceState(null, "", "/auth/callback");  // the one-time code leaves the address bar now
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || "null");
  sessionStorage.removeItem(PKCE);
  if (!saved || params.get("state") !== saved.state || !params.get("code")) {
    throw new Error("The sign-in could not be completed. Start again from the sign-in page.");
  }
  const reply = await fetch(`${cognito.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: cognito.client_id,
      code: params.get("code"),
      redirect_uri: cognito.redirect_uri,
      code_verifier: saved.verifier,
    }),
  });
  const body = await reply.json().catch(() => ({}));
  if (!reply.ok || !body.id_token) throw new Error("Sign-in was refused. Try again.");
  remember(body.id_token);
}
