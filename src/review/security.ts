import { randomBytes, timingSafeEqual } from "node:crypto";
import { realpath } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join, resolve, sep } from "node:path";
import { VbulkError } from "../core/errors.js";
import { takeLock } from "../core/lock.js";
import { STATE_DIR } from "../sources/classify.js";

/** A fresh token for one run of `vbulk review`: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Constant-time comparison, so the token cannot be guessed a character at a time. */
export function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Only the loopback names of this very port: a page on another site that makes its own name resolve to 127.0.0.1
 * (DNS rebinding) sends its own name in Host, and is refused.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** The token of a request: the X-Vbulk-Token header, or ?t= for what the browser fetches by itself (images). */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers["x-vbulk-token"];
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("t");
}

/**
 * Resolves a catalog file (relative to DIR) to a path inside DIR, following symlinks; null for anything that
 * would leave the folder (a hand-edited catalog naming ../../etc/passwd serves nothing).
 */
export async function insideFolder(dir: string, rel: string): Promise<string | null> {
  const root = await realpath(dir).catch(() => resolve(dir));
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) return null;
  const real = await realpath(path).catch(() => null);
  return real?.startsWith(root + sep) ? real : null;
}

const LOCK_FILE = "review.lock";

/**
 * Takes DIR/.vbulk/review.lock for this process. A lock left by a process that is gone (crash, kill -9) is taken
 * over. Throws BAD_USAGE when another `vbulk review` still runs on this folder, saying where it is.
 */
export function acquireLock(dir: string, url: string): Promise<() => Promise<void>> {
  return takeLock(
    join(dir, STATE_DIR, LOCK_FILE),
    { url },
    (held) =>
      new VbulkError(
        "BAD_USAGE",
        `Expected no other review of ${dir} but one is running (pid ${held.pid}, ${String(held.url)})`,
        {
          hint: "Open that page (the full link with its token is in the terminal that started it), or stop it with Ctrl-C there.",
        },
      ),
  );
}
