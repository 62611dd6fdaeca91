import { VbulkError } from "../core/errors.js";

/**
 * Vinted refused us as a robot or a risk: a captcha (DataDome), a Cloudflare challenge, the blocked-session page,
 * the phone verification. Never retried: every write stops, the item is needs_manual, writes pause.
 */
export class ChallengeError extends VbulkError {
  constructor(
    readonly kind: "captcha" | "cloudflare" | "blocked" | "verification",
    where: string,
  ) {
    const what = {
      captcha: "a security challenge (captcha)",
      cloudflare: "a Cloudflare challenge",
      blocked: 'the blocked-session page ("session bloquée", "activité inhabituelle", "unusual activity")',
      verification: "a request to verify the account (/users/verification)",
    }[kind];
    super("CHALLENGE", `Vinted answered with ${what} at ${where}`, {
      hint: "Open Vinted in your own browser, do what it asks (captcha, verification), wait; vbulk pauses every write meanwhile (see `vbulk status`). Then `vbulk login` and run execute again.",
    });
  }
}

/**
 * A plain 403: no captcha, DataDome or Cloudflare marker in it. Vinted answers that to what this session may not do
 * (Bumpline content.js idx:57357759676: "Nor is a plain 403, which Vinted also uses for 'not your item'";
 * idx:66531731678: `POST /api/v2/items/…/delete → HTTP 403 {"code":106,"message":"Accès refusé","message_code":
 * "access_denied"}` with a live session, "ni DataDome (qui rend du HTML de captcha), ni un refus CSRF"; idx:71388234634:
 * "Every write endpoint rejects a request without `X-CSRF-Token` with 403 {"code":106,…}"). Not a challenge, so no pause of the account; but
 * the run sends no further write (the safe side), and the article keeps the error. `GET /api/v2/users/current`
 * answers it when signed out (idx:69052908732): there it means "not logged in".
 */
export class ForbiddenError extends VbulkError {
  constructor(message: string) {
    super("FORBIDDEN", message, {
      hint: "Vinted answers a plain 403 to what this session may not do (an item that is not yours, a missing or old security token, a session cut off). It is not a security challenge, so writes are not paused: open Vinted in your browser and check the account, run `vbulk login` again, then run execute again (it resumes).",
    });
  }
}

/** 429, or Vinted's rate-limit page at `page`: the run stops and every write pauses (never retried inside the run). */
export class RateLimitError extends VbulkError {
  constructor(
    readonly retryAfterSeconds: number | null,
    page?: string,
  ) {
    super(
      "RATE_LIMITED",
      `${page ? `Vinted showed its rate-limit page ("too many requests") at ${page}` : "Vinted answered 429 Too Many Requests"}${retryAfterSeconds !== null ? ` (Retry-After ${retryAfterSeconds} s)` : ""}`,
      {
        hint: "Wait until the pause shown ends; running again sooner is how a short limit becomes a long block.",
      },
    );
  }
}

/** A timeout, a 5xx, an answer that is not what the web app gets: the item fails, the next run resumes it. */
export class TransientError extends VbulkError {
  constructor(message: string) {
    super("TRANSIENT", message, { hint: "Run execute again later: it resumes where it stopped." });
  }
}

/** The session is gone (401, /session-refresh, the signup page): every write stops; log in again. */
export class SessionExpiredError extends VbulkError {
  constructor(where: string) {
    super("NOT_LOGGED_IN", `Vinted no longer accepts the saved session (${where}): log in again`, {
      hint: "Run `vbulk login` again, then `vbulk execute` resumes where it stopped.",
    });
  }
}

/** Vinted refused the listing's content (`{errors:[{field,value}]}`): not retried; the seller fixes the plan. */
export class ListingRejectedError extends VbulkError {
  constructor(
    message: string,
    readonly fields: { field: string; value: string }[] = [],
  ) {
    super("REJECTED", message, {
      hint: "Fix the item in plan.json (or with vbulk plan --set) and run execute again.",
    });
  }
}
