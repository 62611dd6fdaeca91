import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DEFAULTS } from "./defaults.js";
import { fileSystemError } from "./errors.js";
import { stillRuns } from "./process.js";

/**
 * Writes a file so that readers see the old content or the new one, never half of it:
 * temp file in the same folder, fsync, rename. A failed write (full disk) leaves no temp file behind.
 * Throws the underlying fs error.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o644,
  ops: FileOps = {},
): Promise<void> {
  await viaTempFile(path, data, mode, (tmp) => renameRetrying(tmp, path, ops));
}

/** The platform and the file-system calls the atomic writes use: tests pass a Windows or a FAT volume's own. */
export interface FileOps {
  platform?: NodeJS.Platform;
  rename?: (from: string, to: string) => Promise<void>;
  link?: (existing: string, path: string) => Promise<void>;
  /** How long (ms) a rename Windows refuses is tried again (DEFAULTS.files.renameRetryMs). */
  retryMs?: number;
}

/** What a Windows rename gets while another process (antivirus, indexer, OneDrive) has either file open. */
const HELD_ELSEWHERE = new Set(["EPERM", "EACCES", "EBUSY"]);

/**
 * rename(from, to) that, on Windows, tries a rename refused with EPERM/EACCES/EBUSY again with a growing pause for
 * up to DEFAULTS.files.renameRetryMs (why: there). Elsewhere one plain rename. Throws the last fs error.
 */
export async function renameRetrying(from: string, to: string, ops: FileOps = {}): Promise<void> {
  const doRename = ops.rename ?? rename;
  if ((ops.platform ?? process.platform) !== "win32") return doRename(from, to);
  const until = Date.now() + (ops.retryMs ?? DEFAULTS.files.renameRetryMs);
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    try {
      return await doRename(from, to);
    } catch (err) {
      const left = until - Date.now();
      if (!HELD_ELSEWHERE.has((err as NodeJS.ErrnoException).code ?? "") || left <= 0) throw err;
      await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    }
  }
}

/**
 * Writes a file whole, like writeFileAtomic, but only if none is there yet: the temporary file is linked to its
 * name, which fails instead of replacing (two processes creating it at once end with one of theirs). On a volume
 * without hard links (FAT32/exFAT: SD cards, USB sticks) the file is created exclusively instead, then written: a
 * reader may meet it empty or half written for that moment (core/lock.ts waits). Returns false when a file was
 * already there (it is left as it is). Throws the underlying fs error.
 */
export async function writeFileIfAbsent(
  path: string,
  data: string | Uint8Array,
  mode = 0o644,
  ops: FileOps = {},
): Promise<boolean> {
  let created = true;
  await viaTempFile(path, data, mode, (tmp) =>
    (ops.link ?? link)(tmp, path).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === "EEXIST") {
        created = false;
        return;
      }
      // A folder of that name keeps its own error (EISDIR: "a folder in the way").
      if (!NO_LINKS.has(err.code ?? "") || (await lstat(path).catch(() => null))?.isDirectory()) throw err;
      created = await createExclusive(path, data, mode);
    }),
  );
  return created;
}

/**
 * What link gives where the volume has no hard links (FAT32, exFAT): EPERM on Linux (ZoneMinder/zoneminder#5057),
 * ENOTSUP/EOPNOTSUPP on macOS (s3fs-fuse/s3fs-fuse#1633), EISDIR on Windows, libuv's word for ERROR_INVALID_FUNCTION
 * (nodejs/node#65817).
 */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "EISDIR"]);

/**
 * Creates `path` only if it is not there (O_EXCL, which FAT honours too), then writes and syncs `data`. Returns false
 * when it was there. A failed write removes the file it created. Throws the underlying fs error.
 */
async function createExclusive(path: string, data: string | Uint8Array, mode: number): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "wx", mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return true;
}

/** Writes `data` to a synced temporary file beside `path`, hands it to `place`, and never leaves it behind. */
async function viaTempFile(
  path: string,
  data: string | Uint8Array,
  mode: number,
  place: (tmp: string) => Promise<void>,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const handle = await open(tmp, "w", mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await place(tmp);
  } finally {
    await rm(tmp, { force: true });
  }
  await removeStaleTempFiles(path);
}

/** Folders whose dead writers' temp files this process has already looked for. */
const swept = new Set<string>();

/** vbulk's temp names (viaTempFile): `.NAME.PID.HEX.tmp`. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temp files left in `path`'s folder by writers that are gone (kill -9 or a power cut between the temp
 * file and the rename): hidden, they stayed in the seller's photo folder for good, and went into a ZIP made of it.
 * Only names of vbulk's exact form whose PID no longer runs (or runs a process started after the file was written)
 * are removed; a live writer's temp file is left alone. Once per folder and process: a dead writer's leftovers
 * predate this process, and a folder is written many times a run (status.json, the photo cache, a thumbnail per
 * photo: each write listed the folder again). Best effort: never throws.
 */
async function removeStaleTempFiles(path: string): Promise<void> {
  const dir = dirname(path);
  if (swept.has(dir)) return;
  swept.add(dir);
  try {
    for (const name of await readdir(dir)) {
      const pid = TEMP_NAME.exec(name)?.[1];
      if (!pid || Number(pid) === process.pid) continue;
      const st = await lstat(join(dir, name)).catch(() => null);
      if (!st?.isFile() || (await stillRuns(Number(pid), st.mtime.toISOString()))) continue;
      await rm(join(dir, name), { force: true });
    }
  } catch {
    // An unreadable folder costs only the clean-up; the write itself is done.
  }
}

/** Atomic JSON write, pretty-printed with a trailing newline so files diff well. */
export async function writeJsonAtomic(path: string, value: unknown, ops?: FileOps): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, 0o644, ops);
}

/** What to do when a file of the working folder (plan, decisions, catalog) could not be written. */
export const NOT_SAVED_HINT =
  "Nothing was changed: the file keeps its previous content. Free some space, fix the folder's permissions or move what is in the way, then run the same command again.";

/**
 * writeJsonAtomic for a file the seller works with (plan, decisions, the catalog the review page rewrites). Throws a
 * typed VbulkError naming the file for a full disk, a forbidden folder or a folder in the file's place (a bare fs
 * error ended on "this is unexpected"); other errors unchanged.
 */
export async function saveJsonAtomic(
  path: string,
  value: unknown,
  hint = NOT_SAVED_HINT,
  ops?: FileOps,
): Promise<void> {
  await writeJsonAtomic(path, value, ops).catch((err: unknown) => {
    throw fileSystemError(err, path, "write", hint);
  });
}
