import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join, resolve, sep } from "node:path";
import { z } from "zod";
import { VbulkError } from "../core/errors.js";
import { STATE_DIR } from "../sources/classify.js";
import { isAlive } from "../store/status.js";

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
const LockSchema = z.object({ pid: z.number().int(), url: z.string(), started_at: z.string() });

/**
 * Takes DIR/.vbulk/review.lock for this process. A lock left by a process that is gone (crash, kill -9) is taken
 * over. Throws BAD_USAGE when another `vbulk review` still runs on this folder, saying where it is.
 */
export async function acquireLock(dir: string, url: string): Promise<() => Promise<void>> {
  const path = join(dir, STATE_DIR, LOCK_FILE);
  const body = JSON.stringify({ pid: process.pid, url, started_at: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, body, { flag: "wx", mode: 0o600 });
      return async () => {
        // Only our own lock: a later run may have taken over a lock we had lost.
        const now = await readFile(path, "utf8").catch(() => "");
        if (now === body) await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        await mkdir(join(dir, STATE_DIR), { recursive: true });
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const held = LockSchema.safeParse(
        JSON.parse((await readFile(path, "utf8").catch(() => "null")) || "null"),
      );
      if (held.success && held.data.pid !== process.pid && isAlive(held.data.pid))
        throw new VbulkError(
          "BAD_USAGE",
          `Expected no other review of ${dir} but one is running (pid ${held.data.pid}, ${held.data.url})`,
          {
            hint: "Open that page (the full link with its token is in the terminal that started it), or stop it with Ctrl-C there.",
          },
        );
      await rm(path, { force: true });
    }
  }
  throw new VbulkError("INTERNAL", `Could not take the review lock ${path}`);
}
