import { VbulkError } from "../core/errors.js";

/** A DataDome-style challenge: never retried; the item needs a human and every write stops. */
export class ChallengeError extends VbulkError {
  constructor(where: string) {
    super("CHALLENGE", `Vinted answered with a security challenge (captcha) at ${where}`, {
      hint: "Open Vinted in your browser, solve it, wait a while, then run `vbulk login` and `vbulk execute` again.",
    });
  }
}

/** 429: retried after Retry-After. */
export class RateLimitError extends VbulkError {
  constructor(readonly retryAfterSeconds: number | null) {
    super(
      "RATE_LIMITED",
      `Vinted answered 429 Too Many Requests${retryAfterSeconds !== null ? ` (Retry-After ${retryAfterSeconds} s)` : ""}`,
    );
  }
}

/** Timeouts and 5xx: retried with backoff. */
export class TransientError extends VbulkError {
  constructor(message: string) {
    super("TRANSIENT", message);
  }
}

/** The session is refused (401, redirected to login): not retried. */
export class SessionExpiredError extends VbulkError {
  constructor() {
    super("NOT_LOGGED_IN", "Vinted no longer accepts the saved session", {
      hint: "Run `vbulk login` again, then `vbulk execute` resumes where it stopped.",
    });
  }
}

/** The listing cannot be accepted as it is (validation, a category or size the form does not offer): not retried. */
export class ListingRejectedError extends VbulkError {
  constructor(message: string) {
    super("REJECTED", message, {
      hint: "Fix the item in plan.json (or with vbulk plan --set) and run execute again.",
    });
  }
}
