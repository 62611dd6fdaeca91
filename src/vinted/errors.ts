import { VbulkError } from "../core/errors.js";

/**
 * Vinted refused us as a robot or a risk: a captcha (DataDome), a Cloudflare challenge, a 403, the blocked-session
 * page, the phone verification. Never retried: every write stops, the item is needs_manual, writes pause.
 */
export class ChallengeError extends VbulkError {
  constructor(
    readonly kind: "captcha" | "cloudflare" | "forbidden" | "blocked" | "verification",
    where: string,
  ) {
    const what = {
      captcha: "a security challenge (captcha)",
      cloudflare: "a Cloudflare challenge",
      forbidden: "403 Forbidden",
      blocked: 'the "session bloquée / activité inhabituelle" page',
      verification: "a request to verify the account (/users/verification)",
    }[kind];
    super("CHALLENGE", `Vinted answered with ${what} at ${where}`, {
      hint: "Open Vinted in your own browser, do what it asks (captcha, verification), wait; vbulk pauses every write meanwhile (see `vbulk status`). Then `vbulk login` and run execute again.",
    });
  }
}

/** 429: the run stops and every write pauses (never retried inside the run). */
export class RateLimitError extends VbulkError {
  constructor(readonly retryAfterSeconds: number | null) {
    super(
      "RATE_LIMITED",
      `Vinted answered 429 Too Many Requests${retryAfterSeconds !== null ? ` (Retry-After ${retryAfterSeconds} s)` : ""}`,
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
