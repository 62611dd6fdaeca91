import { randomBytes, timingSafeEqual } from "node:crypto";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { homedir } from "node:os";
import { isAbsolute, join, parse, resolve, sep } from "node:path";
import { DEFAULTS } from "../core/defaults.js";
import { VbulkError } from "../core/errors.js";
import { sha256File } from "../core/hash.js";
import { takeLock } from "../core/lock.js";
import { STATE_DIR } from "../sources/classify.js";
import { CATALOG_FILE, readCatalog } from "../store/catalog.js";

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

/**
 * The page's own origins (http://127.0.0.1:PORT, http://localhost:PORT). A request whose Origin header names
 * another (a page of another site, a sandboxed frame's "null") is refused even with the token: the token alone
 * guarded writes, and it sits in the page's URL (history, screenshots). A request with no Origin (the page's own
 * GETs, curl) is left to the token.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return (
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
  );
}

/** The token of a request: the X-Vbulk-Token header, or ?t= for what the browser fetches by itself (images). */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers["x-vbulk-token"];
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("t");
}

/**
 * Where a catalog file `rel` (relative to DIR, or absolute) lands, symlinks followed: its real path when that is
 * inside DIR; "missing" when it would be but no such file exists; "outside" when its path (`..`) or a symlink on
 * it leads out of DIR (a hand-edited catalog naming ../../etc/passwd serves nothing).
 */
export async function locateInFolder(dir: string, rel: string): Promise<string | "missing" | "outside"> {
  const root = await realpath(dir).catch(() => resolve(dir));
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) return "outside";
  const real = await realpath(path).catch(() => null);
  if (!real) return "missing";
  return real.startsWith(root + sep) ? real : "outside";
}

/** Whether `outer` is `inner` or one of the folders above it. */
function contains(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/**
 * The photo folder a catalog records (`source.root`), as a second place its photos may be served from: only a
 * catalog written elsewhere (`ingest --out`) keeps its photos outside its own folder. The value comes from a file
 * anyone may edit or share, so it is ignored (null) unless it is an absolute path to an existing folder that is
 * neither a filesystem root nor the home folder or one above it: `"/"` would open every file on the machine. A
 * stale value (the folder moved to another disk) is ignored too; the catalog's own folder always works.
 */
export async function recordedPhotoFolder(root: unknown, home = homedir()): Promise<string | null> {
  if (typeof root !== "string" || !root || root.includes("\0") || !isAbsolute(root)) return null;
  const real = await realpath(root).catch(() => null);
  if (!real || !(await stat(real).catch(() => null))?.isDirectory()) return null;
  if (parse(real).root === real) return null;
  const realHome = await realpath(home).catch(() => resolve(home));
  if (contains(real, realHome)) return null;
  return real;
}

/**
 * Where a catalog's photo `rel` may be read from, by the one rule the review page and `vbulk execute` share: inside
 * the catalog's folder `dir` (symlinks followed); or, for a catalog written with `ingest --out`, inside the photo
 * folder it recorded (`root`, from recordedPhotoFolder; null: none) when the file's sha256 is `sha`, the one the
 * catalog recorded for it, so a catalog from someone else cannot name another file there. "missing" when no such
 * file is where it may be; "outside" otherwise, whether or not it exists. `hashes` keeps the sha256 computed, by
 * path, size and time.
 */
export async function locateCatalogPhoto(
  dir: string,
  rel: string,
  sha: string | undefined,
  root: string | null,
  hashes: Map<string, string | null>,
): Promise<string | "missing" | "outside"> {
  const inside = await locateInFolder(dir, rel);
  if (inside !== "outside" || !root || !sha) return inside;
  // The recorded folder is a real path: so is the photo's, or a folder reached through a symlink (macOS's /tmp,
  // ~/Photos on another disk) would put every photo "outside".
  const real = await realpath(resolve(dir, rel)).catch(() => null);
  if (!real) return "missing";
  const outside = await locateInFolder(root, real);
  if (outside === "missing" || outside === "outside") return outside;
  const info = await stat(outside).catch(() => null);
  const key = `${outside}\0${info?.size}\0${info?.mtimeMs}`;
  if (!hashes.has(key)) hashes.set(key, await fileSha256(outside, DEFAULTS.sources.maxFileBytes));
  return hashes.get(key) === sha ? outside : "outside";
}

/**
 * A catalog folder's photos as locateCatalogPhoto places them, for the review page (by sha256) and `vbulk execute`
 * (by file): catalog.json is read again only when it changes on disk (a decision, a re-ingest), and the sha256 of
 * photos checked outside the folder is kept by path, size and time. `lenient`: a missing or unreadable catalog
 * allows only photos inside the folder (execute checks the catalog itself) instead of throwing (the page).
 */
export class CatalogPhotos {
  private cache: {
    mtime: number;
    root: string | null;
    shaOf: Map<string, string>;
    fileOf: Map<string, string>;
  } | null = null;
  private readonly hashes = new Map<string, string | null>();

  constructor(
    readonly dir: string,
    private readonly lenient = false,
  ) {}

  private async current() {
    const mtime = (await stat(join(this.dir, CATALOG_FILE)).catch(() => null))?.mtimeMs ?? -1;
    if (this.cache?.mtime === mtime) return this.cache;
    const catalog =
      this.lenient && mtime === -1
        ? null
        : await readCatalog(this.dir).catch((err: unknown) => {
            if (this.lenient) return null;
            throw err;
          });
    const photos = catalog?.photos ?? [];
    this.cache = {
      mtime,
      root: catalog ? await recordedPhotoFolder(catalog.source.root) : null,
      shaOf: new Map(photos.map((p) => [p.file, p.sha256])),
      fileOf: new Map(photos.map((p) => [p.sha256, p.file])),
    };
    return this.cache;
  }

  /** Where the catalog's photo `rel` may be read from (locateCatalogPhoto's answer). */
  async locate(rel: string): Promise<string | "missing" | "outside"> {
    const c = await this.current();
    return locateCatalogPhoto(this.dir, rel, c.shaOf.get(rel), c.root, this.hashes);
  }

  /** The catalog's file for photo `sha`, or undefined when the catalog names no such photo. */
  async fileOf(sha: string): Promise<string | undefined> {
    return (await this.current()).fileOf.get(sha);
  }
}

/** sha256 (hex) of a regular file of at most `maxBytes`; null for anything else (a FIFO, a device, a huge file). */
export async function fileSha256(path: string, maxBytes: number): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile() || info.size > maxBytes) return null;
  return sha256File(path);
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
