import { readFile, rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { type FileOps, writeFileIfAbsent } from "./atomic.js";
import { DEFAULTS } from "./defaults.js";
import { fileSystemError, VbulkError } from "./errors.js";
import { stillRuns } from "./process.js";
import { printable } from "./text.js";

const HolderSchema = z.looseObject({ pid: z.number().int(), started_at: z.string() });
export type LockHolder = z.infer<typeof HolderSchema>;

/**
 * The locks this process holds or is taking now (by path), with what their file says. A lock file naming this
 * process's pid is held only while its path is here: two takes in one process (a double-click on the review page)
 * must exclude each other like two processes, and a file of this pid that is not here was left by an earlier
 * process that had the same pid (pids are reused), so it is stale.
 */
const heldHere = new Map<string, LockHolder>();

/**
 * Takes the lock file at `path` for this process (created whole and exclusively, 0600, holding the pid, the start time and
 * `info`). A lock left by a process that is gone (crash, kill -9, a reboot that gave its pid to another process) or
 * that cannot be read (unless it may still be being written: core/atomic.ts writeFileIfAbsent) is taken over. Throws
 * `busy(holder)` while another live process, or this one (another caller), holds it. Returns the release, which removes only this process's own
 * lock (a later run may have taken over one it had lost).
 */
export async function takeLock(
  path: string,
  info: Record<string, string>,
  busy: (holder: LockHolder) => VbulkError,
  /** How long to wait for another process to release it (a short command) before throwing busy. */
  waitMs = 0,
  /** Ends the wait (Ctrl-C): throws its reason. */
  signal?: AbortSignal,
  /** The file-system calls (tests: a volume without hard links). */
  ops?: FileOps,
): Promise<() => Promise<void>> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return await takeLockOnce(path, info, busy, ops);
    } catch (err) {
      if (!(err instanceof LockBusy) || Date.now() >= until) throw err instanceof LockBusy ? err.error : err;
      await new Promise((r) => setTimeout(r, 50));
      signal?.throwIfAborted();
    }
  }
}

/** The holder's error, wrapped while takeLock may still wait. */
class LockBusy extends Error {
  constructor(readonly error: VbulkError) {
    super(error.message);
  }
}

async function takeLockOnce(
  path: string,
  info: Record<string, string>,
  busy: (holder: LockHolder) => VbulkError,
  ops?: FileOps,
): Promise<() => Promise<void>> {
  const key = resolve(path);
  const mine = heldHere.get(key);
  if (mine) throw new LockBusy(busy(mine));
  const holder: LockHolder = { pid: process.pid, started_at: new Date().toISOString(), ...info };
  // Claimed before the first await, so a second caller of this process sees it busy whatever the timing.
  heldHere.set(key, holder);
  let taken = false;
  try {
    const release = await createLock(path, JSON.stringify(holder), busy, ops);
    taken = true;
    return async () => {
      try {
        await release();
      } finally {
        heldHere.delete(key);
      }
    };
  } finally {
    if (!taken) heldHere.delete(key);
  }
}

/**
 * Creates the lock file whole (a temporary file linked to its name: a contender never reads it empty or half
 * written; on a volume without hard links, created exclusively then written, so a contender waits for it) or, when
 * one is there, throws busy for a live holder and removes a stale one to try again.
 */
async function createLock(
  path: string,
  body: string,
  busy: (holder: LockHolder) => VbulkError,
  ops?: FileOps,
): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 200; attempt++) {
    let created: boolean;
    try {
      created = await writeFileIfAbsent(path, body, 0o600, ops);
    } catch (err) {
      // A folder vbulk may not write in (another user's .vbulk), a full disk: said as such, not "unexpected".
      throw fileSystemError(err, path, "create the lock", lockHint(err));
    }
    if (created)
      return async () => {
        const now = await readFile(path, "utf8").catch(() => "");
        if (now === body) await rm(path, { force: true });
      };
    let seen = await readLock(path);
    // Met empty or half written: on a volume without hard links its holder creates it, then writes it. Waited for
    // while it is that new; past that, a writer killed while writing it (or an older vbulk's) left it: taken over.
    const metAt = Date.now();
    while (seen !== null && holderOf(seen) === null && (await beingWritten(path, metAt))) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await readLock(path);
    }
    if (seen === null) continue; // released meanwhile
    const held = HolderSchema.safeParse(holderOf(seen));
    // A pid alive but given to a process started after the lock was taken (a reboot) is no holder; nor is this
    // process's own pid, which heldHere shows it does not hold (an earlier process had that pid).
    if (
      held.success &&
      held.data.pid !== process.pid &&
      (await stillRuns(held.data.pid, held.data.started_at))
    )
      throw new LockBusy(withStaleHint(busy(held.data), held.data.pid, path));
    const removed = await removeStale(path, seen, ops).catch((err: unknown) => {
      throw fileSystemError(err, path, "remove the stale lock", lockHint(err));
    });
    if (!removed) await new Promise((r) => setTimeout(r, 10));
  }
  throw new VbulkError("BAD_USAGE", `Expected to take the lock ${path} but it kept changing hands`, {
    hint: `If no other vbulk is running on this folder, remove ${path} and ${path}.break, then run the same command again.`,
  });
}

/**
 * `error` with a hint on how to tell that its holder is gone and what to do then. Where the start time of `pid`
 * cannot be read (Windows), a run that crashed, or ended with its window or the computer, leaves a lock that a
 * later process given its pid keeps "held": the seller must be able to see that and remove it.
 */
function withStaleHint(error: VbulkError, pid: number, path: string): VbulkError {
  const stale = staleLockAdvice(pid, path);
  return new VbulkError(error.code, error.message, {
    hint: error.hint ? `${error.hint} ${stale}` : stale,
    context: error.context,
    cause: error.cause,
    exit: error.exit,
  });
}

/**
 * How to tell that the run of `pid` holding the lock at `path` is gone, and what to do then (one sentence ending
 * with `next`).
 */
export function staleLockAdvice(pid: number, path: string, next = "run this again"): string {
  return `If no vbulk runs any more (pid ${pid} is then another program, or none: Task Manager's Details tab on Windows, Activity Monitor on a Mac, \`ps -p ${pid}\` elsewhere), delete ${printable(path)} and ${next}.`;
}

/** The parsed lock text, null when it is no JSON (empty, half written). */
function holderOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Whether the file at `path` may still be being written by its creator: changed less than DEFAULTS.files.lockWriteMs
 * ago (plus FAT's 2 s steps of modification time), and met less than that ago (`metAt`), which bounds the wait
 * whatever the file's clock says.
 */
async function beingWritten(path: string, metAt: number): Promise<boolean> {
  const wait = DEFAULTS.files.lockWriteMs;
  if (Date.now() - metAt >= wait) return false;
  const st = await stat(path).catch(() => null);
  return st !== null && Date.now() - st.mtimeMs < wait + 2_000;
}

/** What to do when the lock's folder could not be written. */
function lockHint(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOSPC" || code === "EDQUOT"
    ? "Free some space, then run the same command again; finished work is kept."
    : "Fix the folder's permissions, or work in another folder (`vbulk ingest PHOTOS --out DIR` writes its results to DIR), then run the same command again.";
}

/** The lock file's text, null when there is none. */
async function readLock(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw fileSystemError(
      err,
      path,
      "read the lock",
      "Fix the folder's permissions, then run the same command again.",
    );
  }
}

/**
 * Removes the stale lock at `path` only if it still says `seen`. Between reading a stale lock and removing it,
 * another process may have removed it and taken the lock: removing then would free a live lock. So removing takes
 * a second, short-lived lock (`<path>.break`, created whole): while it is held, the lock file can change only by
 * this removal (creating needs no file there, and its dead holder will not release it), so the check and the rm
 * agree. Returns false, removing nothing, while another process does the same (try again shortly). A `.break` left
 * by a process killed in those few milliseconds is removed (its pid is gone).
 */
async function removeStale(path: string, seen: string, ops?: FileOps): Promise<boolean> {
  const breaker = `${path}.break`;
  if (!(await writeFileIfAbsent(breaker, String(process.pid), 0o600, ops))) {
    const text = await readFile(breaker, "utf8").catch(() => "");
    const other = Number(text);
    const st = await stat(breaker).catch(() => null);
    const since = st?.mtime.toISOString();
    // Empty: created, not yet written (a volume without hard links), so held; try again shortly.
    if (text === "" && st && Date.now() - st.mtimeMs < DEFAULTS.files.lockWriteMs + 2_000) return false;
    // The lock's own rule (stillRuns): a pid alive but given to a process started after the file (a reboot, pid 1)
    // holds nothing; with a bare liveness check such a .break blocked every later take for good.
    if (
      !(
        Number.isInteger(other) &&
        other > 0 &&
        other !== process.pid &&
        since !== undefined &&
        (await stillRuns(other, since))
      )
    )
      await rm(breaker, { force: true });
    return false;
  }
  try {
    if ((await readLock(path)) === seen) await rm(path, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
  return true;
}
