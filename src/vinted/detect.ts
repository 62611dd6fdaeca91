import { VbulkError } from "../core/errors.js";
import {
  ChallengeError,
  ForbiddenError,
  ListingRejectedError,
  RateLimitError,
  SessionExpiredError,
  TransientError,
} from "./errors.js";

/** What an in-page fetch saw: status, final URL (after redirects), Retry-After and the body text. */
export interface Answer {
  status: number;
  url: string;
  retryAfter: string | null;
  contentType: string;
  body: string;
}

/**
 * Markers of a bot challenge in a body or URL (vinted.md "Stop-everything signals": DataDome, Cloudflare). DataDome
 * on Vinted: idx:69052908732 (vinted.pt, a scripted create): "403 with an HTML stub carrying
 * `var dd={'rt':'c','cid':…,'hsh':…,'t':'bv',…}` and `https://ct.captcha-delivery.com/c.js`"; its JSON form carries
 * the captcha URL (`{"url":"https://geo.captcha-delivery.com/captcha/…"}`, vinted.md).
 */
const CAPTCHA = /captcha-delivery\.com|geo\.captcha|\bvar dd\s*=\s*\{/i;
const CLOUDFLARE = /__cf_chl|challenges\.cloudflare\.com|cf-chl|just a moment/i;
/**
 * The texts of Vinted's blocked-session pages (vinted.md; idx:69038895870 quotes "Ta session a été bloquée"), and
 * their English wording for the other Vinted sites VBULK_VINTED_URL accepts: idx:70935383588 (a vinted.fr extension,
 * `textesBlocage`: "your session has been blocked", "unusual activity"; its header says those values were written
 * without a live capture, "Rédigé SANS consulter Vinted (valeurs probables)": taken as the safe side, a false stop
 * costs a pause, a missed block costs the account).
 */
const BLOCKED =
  /session a été bloquée|activité inhabituelle|activité automatisée|temporairement bloqué|your session has been blocked|unusual activity/i;
/**
 * Vinted's rate-limit page, served in place of any page once a computer asked too much (idx:68385955554, a
 * vinted.nl relister: `pageLooksRateLimited` = /rate limited|too many requests|te veel verzoeken/i, "Vinted's 'You
 * are rate limited' page … It is not a bot check — there is nothing to click — it lifts by itself after a while of
 * being left alone").
 */
const RATE_LIMITED_PAGE = /rate limited|too many requests|te veel verzoeken/i;

/** Vinted's session-refresh page, which a first visit passes through (idx:70875745750; see VintedTab.open). */
export function isSessionRefresh(path: string): boolean {
  return path.startsWith("/session-refresh");
}

/**
 * Where a landing says the session is gone or the account must act (vinted.md "Sessions"): a page still on
 * /session-refresh once it was given time to move on (the caller waits: idx:70875745750), a logged-out page
 * redirected to /member/signup…, a phone check at /users/verification, a challenge or blocked page, Vinted's
 * rate-limit page. Returns the error to throw, or null when the page is usable.
 */
export function classifyLanding(path: string, text: string): Error | null {
  if (isSessionRefresh(path)) return new SessionExpiredError(path);
  if (path.startsWith("/member/signup") || path.startsWith("/member/login"))
    return new SessionExpiredError(path);
  if (path.startsWith("/users/verification")) return new ChallengeError("verification", path);
  if (CAPTCHA.test(text)) return new ChallengeError("captcha", path);
  if (CLOUDFLARE.test(text)) return new ChallengeError("cloudflare", path);
  if (BLOCKED.test(text)) return new ChallengeError("blocked", path);
  if (RATE_LIMITED_PAGE.test(text)) return new RateLimitError(null, path);
  return null;
}

/**
 * Seconds asked by a Retry-After header (delay-seconds or an HTTP date, RFC 9110), or null when absent or
 * unreadable. Never negative; the caller caps it.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Turns an answer of the web app's JSON API into its JSON, or the error that says what happened. A 403 carrying a
 * challenge marker (DataDome's captcha, Cloudflare) stops everything (ChallengeError); a plain 403 is a
 * ForbiddenError (Bumpline content.js idx:57357759676 pauses only on `status === 403 && CHALLENGE.test(body)`, with
 * CHALLENGE = /captcha-delivery|__cf_chl|cf_chl|datadome/i: "Nor is a plain 403, which Vinted also uses for 'not
 * your item'"); 401 means the session is gone; a 4xx with `{errors:[{field,value}]}` (idx:55162460674) is the listing refused
 * field by field; anything that is not JSON is reported as such, never read as "not logged in".
 */
export function readAnswer<T = unknown>(a: Answer, what: string, now = Date.now()): T {
  const where = pathOf(a.url);
  // A redirect to a landing (session refresh, signup, verification) or an HTML challenge page in place of JSON.
  const landing = classifyLanding(where, isJson(a) ? "" : a.body);
  // The rate-limit page answered with a Retry-After keeps it.
  if (landing instanceof RateLimitError) throw new RateLimitError(parseRetryAfter(a.retryAfter, now), where);
  if (landing) throw landing;
  if (a.status === 429) {
    const s = parseRetryAfter(a.retryAfter, now);
    throw new RateLimitError(s);
  }
  if (a.status === 401) throw new SessionExpiredError(`401 on ${what}`);
  if (a.status === 403) {
    if (CAPTCHA.test(a.body) || /datadome/i.test(a.body)) throw new ChallengeError("captcha", where);
    if (CLOUDFLARE.test(a.body) || /cf_chl/i.test(a.body)) throw new ChallengeError("cloudflare", where);
    const said = isJson(a) ? messageIn(safeJson(a.body)) : "";
    throw new ForbiddenError(
      `Vinted refused ${what} with a plain 403 Forbidden${said ? ` (${said})` : ""} at ${where}, with no sign of a security challenge`,
    );
  }
  if (a.status === 404)
    throw new VbulkError("NOT_FOUND", `Vinted answered 404 for ${what}`, { context: { status: 404 } });
  if (a.status >= 500) throw new TransientError(`Vinted answered ${a.status} to ${what}`);
  let json: unknown;
  try {
    json = JSON.parse(a.body);
  } catch {
    throw new TransientError(
      `Expected JSON from Vinted for ${what} but received ${a.status} ${a.contentType || "no content type"} (${a.body.length} bytes)`,
    );
  }
  if (a.status >= 400) {
    const fields = fieldErrors(json);
    const detail = fields.length
      ? fields.map((f) => `${f.field}: ${f.value}`).join("; ")
      : messageIn(json) || `status ${a.status}`;
    throw new ListingRejectedError(`Vinted refused ${what}: ${detail}`, fields);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isJson(a: Answer): boolean {
  return /json/i.test(a.contentType);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** `{errors:[{field,value}]}` as Vinted sends it (idx:55162460674), at most a few, each value cut short. */
export function fieldErrors(json: unknown): { field: string; value: string }[] {
  const errors = (json as { errors?: unknown })?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.slice(0, 10).map((e) => ({
    field: String((e as { field?: unknown }).field ?? "?").slice(0, 60),
    value: String((e as { value?: unknown }).value ?? (e as { message?: unknown }).message ?? "").slice(
      0,
      200,
    ),
  }));
}

function messageIn(json: unknown): string {
  const m = (json as { message?: unknown })?.message;
  return typeof m === "string" ? m.slice(0, 200) : "";
}
