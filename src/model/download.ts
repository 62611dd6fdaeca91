import { createWriteStream } from "node:fs";
import { mkdir, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { renameRetrying } from "../core/atomic.js";
import { expected, fileSystemError, messageOf, VbulkError } from "../core/errors.js";
import { type LockHolder, takeLock } from "../core/lock.js";
import { shellWord } from "../core/text.js";
import {
  CUT_SHORT,
  type Manifest,
  ManifestSchema,
  makeCacheFolder,
  readLocalManifest,
  sha256File,
  verifyFiles,
  writeLocalManifest,
  wrongKind,
} from "./manifest.js";

export type ModelEvent =
  /** Another vbulk (pid) is downloading into the same folder: this one waits, then uses its files. */
  | { type: "waiting"; pid: number; dir: string }
  | { type: "file"; path: string; state: "ok" | "download" | "resume"; total: number | null; from: number }
  | { type: "bytes"; path: string; done: number; total: number | null }
  | { type: "verified"; path: string; sha256: string };

export interface PullOptions {
  baseUrl: string;
  /** Where baseUrl came from, for the error a bad one gets (default: env VBULK_MODEL_BASE_URL). */
  baseUrlFrom?: string;
  onEvent?: (e: ModelEvent) => void;
  signal?: AbortSignal;
  /** Timeout (ms) for a server to start answering; the body itself may take as long as it needs. */
  connectTimeoutMs?: number;
  /** ...as long as data keeps coming: a body that stalls this long (ms) is cut (resumed by the next pull). */
  idleTimeoutMs?: number;
}

/**
 * `url` once found to be an http(s) URL. Throws BAD_USAGE naming `from` (the flag or variable it came from) and
 * the value: "notaurl" ended as an unexpected "Invalid URL", and ftp://… as a NETWORK "fetch failed".
 */
export function checkBaseUrl(url: string, from = "env VBULK_MODEL_BASE_URL"): string {
  let protocol: string | null = null;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Not a URL at all: said below, as a URL of another scheme is.
  }
  if (protocol === "http:" || protocol === "https:") return url;
  const shown = withoutPassword(url);
  throw new VbulkError(
    "BAD_USAGE",
    expected("an http(s) URL (a Hugging Face-style mirror, e.g. https://huggingface.co)", from, shown),
    {
      hint: from.startsWith("--")
        ? `Fix ${from}, or leave it out to download from https://huggingface.co (README "Models").`
        : `Fix ${from.replace(/^env /, "")}, or unset it to download from https://huggingface.co (README "Models").`,
      context: { baseUrl: shown },
    },
  );
}

/**
 * `url` with the password of a `user:password@` part replaced by `***`, for every message that names it: a mirror
 * behind basic auth is the usual reason to set a base URL, and its error went into bug reports and CI logs.
 */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, "$1:***@");
}

/**
 * A base URL split into the URL that is fetched and printed (no `user:password@`: fetch refuses a URL carrying
 * credentials) and the Authorization header that carries them (HTTP basic auth, as curl sends them).
 */
function splitCredentials(baseUrl: string): { url: string; authorization: string | null } {
  const parsed = new URL(baseUrl);
  if (!parsed.username && !parsed.password) return { url: baseUrl, authorization: null };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  return {
    url: parsed.toString(),
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
}

/** The URL of one file of a manifest under a Hugging Face-style base URL: BASE/REPO/resolve/REVISION/PATH. */
export function fileUrl(baseUrl: string, m: Manifest, path: string): string {
  if (!m.repo)
    throw new VbulkError("BAD_INPUT", `Expected a repo in the manifest of ${m.name} but it has none`, {
      hint: "Only downloadable models can be pulled.",
    });
  return `${baseUrl.replace(/\/+$/, "")}/${m.repo}/resolve/${m.revision ?? "main"}/${path}`;
}

/**
 * Downloads a model's files into `dir`: resumable (a cut download continues from its .part file with an HTTP
 * Range request), verified (size and sha256 against the manifest; where the manifest has none, the first
 * download's hash is pinned in dir/vbulk-model.json and checked from then on), atomic (a file appears under its
 * name only once verified). Files already present and verified are kept.
 * Throws BAD_USAGE for a base URL that is no http(s) URL (before anything is created), NOT_WRITABLE (or NO_SPACE) when `dir` cannot be created, NETWORK when the server cannot be reached or answers an error, MODEL_CORRUPT on a hash mismatch or an
 * unpinned .json or .onnx file that is not of its kind (manifest.ts wrongKind; the bad file is deleted).
 */
export async function pullModel(manifest: Manifest, dir: string, opts: PullOptions): Promise<Manifest> {
  checkBaseUrl(opts.baseUrl, opts.baseUrlFrom);
  const { url: baseUrl, authorization } = splitCredentials(opts.baseUrl);
  const existed = (await stat(dir).catch(() => null)) !== null;
  await makeCacheFolder(dir);
  try {
    return await pullInFolder(manifest, dir, opts, baseUrl, authorization);
  } catch (err) {
    // A first pull that failed before any byte was kept left empty folders ("Nothing was written" said otherwise).
    if (!existed) {
      const subfolders = [...new Set(manifest.files.map((f) => dirname(f.path)).filter((d) => d !== "."))];
      for (const sub of subfolders.sort((a, b) => b.length - a.length))
        await rmdir(join(dir, sub)).catch(() => {});
      await rmdir(dir).catch(() => {});
    }
    throw err;
  }
}

async function pullInFolder(
  manifest: Manifest,
  dir: string,
  opts: PullOptions,
  baseUrl: string,
  authorization: string | null,
): Promise<Manifest> {
  // Nothing to fetch and nothing to record: nothing is written, so a read-only cache that holds the model (an image
  // layer, a shared cache) passes (before, the pin was rewritten: exit 2).
  const ready = await alreadyPulled(manifest, dir);
  if (ready) {
    for (const f of ready.files)
      opts.onEvent?.({ type: "file", path: f.path, state: "ok", total: f.size, from: f.size ?? 0 });
    return ready;
  }
  // Two downloads into one folder (two ingests, or a pull beside an ingest) appended to the same .part and both
  // failed; the second now waits for the first and finds its files verified.
  const lock = join(dir, PULL_LOCK);
  const busy = (holder: LockHolder) =>
    new VbulkError(
      "NETWORK",
      `Expected to download the model into ${dir} but another vbulk (pid ${holder.pid}) has been downloading it since ${holder.started_at}`,
      {
        hint: `Wait for it to end and run the same command again. If no other vbulk runs, remove ${lock}.`,
        context: { pid: holder.pid },
      },
    );
  let release: () => Promise<void>;
  try {
    release = await takeLock(lock, { command: "models pull" }, busy);
  } catch (err) {
    if (!(err instanceof VbulkError) || err.context.pid === undefined) throw err;
    opts.onEvent?.({ type: "waiting", pid: Number(err.context.pid), dir });
    release = await takeLock(lock, { command: "models pull" }, busy, PULL_WAIT_MS, opts.signal);
  }
  try {
    return await pullUnlocked(manifest, dir, opts, baseUrl, authorization);
  } finally {
    await release();
  }
}

/** The folder's pinned manifest when every file verifies against it and it is what a pull would write; else null. */
async function alreadyPulled(manifest: Manifest, dir: string): Promise<Manifest | null> {
  const pin = await readLocalManifest(dir).catch(() => null);
  if (!pin || !(await verifyFiles(dir, pin)).every((c) => c.state === "ok")) return null;
  const files = [];
  for (const f of manifest.files) {
    const p = pin.files.find((x) => x.path === f.path);
    if (!p || (f.sha256 !== null && f.sha256 !== p.sha256) || (f.size !== null && f.size !== p.size))
      return null;
    files.push(p);
  }
  const result = ManifestSchema.parse({ ...manifest, files });
  return JSON.stringify(result) === JSON.stringify(ManifestSchema.parse(pin)) ? result : null;
}

/** The lock file of a download into a model folder (a dot file: not a model file, skipped by `models manifest`). */
const PULL_LOCK = ".pull.lock";
/** How long a download waits for another one into the same folder: the default model takes minutes on a slow line. */
const PULL_WAIT_MS = 60 * 60_000;

async function pullUnlocked(
  manifest: Manifest,
  dir: string,
  opts: PullOptions,
  baseUrl: string,
  authorization: string | null,
): Promise<Manifest> {
  // A folder where a file belongs (an unzip or a copy gone wrong) failed the last rename as "unexpected", after
  // every download, and again on each try: said first, before anything is fetched.
  for (const f of manifest.files) {
    const st = await stat(join(dir, f.path)).catch(() => null);
    if (st && !st.isFile())
      throw new VbulkError(
        "NOT_WRITABLE",
        `Expected a file but found a folder in the way: could not download ${f.path} to ${join(dir, f.path)}`,
        {
          hint: `Remove that folder (rm -r ${shellWord(join(dir, f.path))}), then run \`vbulk models pull\` again.`,
        },
      );
  }
  // A damaged pin vouches for nothing: a file the release's manifest has no hash for is fetched again, not pinned as
  // it is (it may have been damaged with the pin; models audit F10).
  const local = await readLocalManifest(dir).then(
    (m) => ({ m, damaged: false }),
    () => ({ m: null, damaged: true }),
  );
  const pinned = local.m ?? manifest;
  const checks = await verifyFiles(dir, pinned);
  const files = [];
  for (const f of manifest.files) {
    const check = checks.find((c) => c.path === f.path);
    // A web page pinned in place of a .json file (before that was checked) is no pin: fetched again, unpinned.
    const pin =
      check?.state === "not-json" || check?.state === "not-onnx"
        ? undefined
        : pinned.files.find((p) => p.path === f.path);
    const expectedSha = f.sha256 ?? pin?.sha256 ?? null;
    const expectedSize = f.size ?? pin?.size ?? null;
    const dest = join(dir, f.path);
    if (
      check &&
      (check.state === "ok" || (check.state === "unpinned" && expectedSha === null && !local.damaged))
    ) {
      const st = await stat(dest);
      opts.onEvent?.({ type: "file", path: f.path, state: "ok", total: st.size, from: st.size });
      files.push({ path: f.path, size: st.size, sha256: expectedSha ?? (await sha256File(dest)) });
      continue;
    }
    if (check && check.state !== "missing") await rm(dest, { force: true });
    files.push(
      await downloadOne(fileUrl(baseUrl, manifest, f.path), dest, f.path, expectedSize, expectedSha, {
        ...opts,
        authorization,
      }),
    );
  }
  const result: Manifest = { ...manifest, files };
  await writeLocalManifest(dir, result);
  return result;
}

type PulledFile = { path: string; size: number; sha256: string };

async function downloadOne(
  url: string,
  dest: string,
  path: string,
  size: number | null,
  sha: string | null,
  opts: PullOptions & { authorization: string | null },
): Promise<PulledFile> {
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let from = (await stat(part).catch(() => null))?.size ?? 0;
  const headers: Record<string, string> = {
    ...(from > 0 ? { Range: `bytes=${from}-` } : {}),
    // fetch drops it when a redirect leaves the mirror's origin (Hugging Face redirects to its CDN).
    ...(opts.authorization ? { Authorization: opts.authorization } : {}),
  };
  let res: Response;
  // One controller for the whole exchange: aborted when the server does not answer within connectTimeoutMs, then
  // when the body stalls for idleTimeoutMs (the idle timer is re-armed by each chunk). AbortSignal.timeout given to
  // fetch also timed the body: a 150 MB model was cut after 30 s whatever its speed.
  const watchdog = new AbortController();
  const idle = opts.idleTimeoutMs ?? 60_000;
  let timer = setTimeout(
    () => watchdog.abort(new Error("no answer in time")),
    opts.connectTimeoutMs ?? 30_000,
  );
  try {
    return await receive();
  } finally {
    clearTimeout(timer);
  }

  async function receive(): Promise<PulledFile> {
    try {
      res = await fetch(url, {
        headers,
        signal: opts.signal ? AbortSignal.any([opts.signal, watchdog.signal]) : watchdog.signal,
        redirect: "follow",
      });
      clearTimeout(timer);
      timer = setTimeout(() => watchdog.abort(new Error(`no data for ${Math.round(idle / 1000)} s`)), idle);
    } catch (err) {
      // undici's cause carries a code (ECONNREFUSED) or only words ("bad port", "redirect count exceeded").
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? cause?.message;
      throw new VbulkError(
        "NETWORK",
        `Could not reach ${new URL(url).origin} to download ${path} (${code ?? messageOf(err)})`,
        {
          hint: "Check the connection (or VBULK_MODEL_BASE_URL) and run `vbulk models pull` again; a partial download is resumed.",
          cause: err,
        },
      );
    }
    if (res.status === 416 && from > 0) {
      // The .part is already whole (or the server disagrees): start again cleanly.
      await rm(part, { force: true });
      return downloadOne(url, dest, path, size, sha, opts);
    }
    if (!(res.status === 200 || res.status === 206) || !res.body) {
      throw new VbulkError(
        "NETWORK",
        `Expected the model file ${path} from ${url} but the server answered ${res.status} ${res.statusText}`,
        {
          hint:
            res.status === 404
              ? "The manifest's repo, revision or path is wrong, or the base URL is (VBULK_MODEL_BASE_URL)."
              : "Try again later: `vbulk models pull` resumes.",
        },
      );
    }
    if (res.status === 200) from = 0;
    const length = Number(res.headers.get("content-length") ?? Number.NaN);
    const total = size ?? (Number.isFinite(length) ? from + length : null);
    opts.onEvent?.({ type: "file", path, state: from > 0 ? "resume" : "download", total, from });
    let done = from;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        timer.refresh();
        done += chunk.length;
        opts.onEvent?.({ type: "bytes", path, done, total });
        cb(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
        counter,
        createWriteStream(part, { flags: from > 0 ? "a" : "w" }),
        {
          signal: opts.signal,
        },
      );
    } catch (err) {
      // The disk, not the network: say so (a full cache folder is not fixed by pulling again).
      const disk = fileSystemError(
        err,
        part,
        "write",
        "Free some space in the model cache (VBULK_CACHE_DIR), then run `vbulk models pull` again: it resumes.",
      );
      if (disk instanceof VbulkError) throw disk;
      const why = watchdog.signal.aborted ? messageOf(watchdog.signal.reason) : messageOf(err);
      throw new VbulkError("NETWORK", `The download of ${path} was cut after ${done} bytes (${why})`, {
        hint: "Run `vbulk models pull` again: it resumes where it stopped.",
        cause: err,
      });
    }
    const got = (await stat(part)).size;
    if (total !== null && got !== total) {
      throw new VbulkError("NETWORK", `Expected ${total} bytes for ${path} but received ${got}`, {
        hint: "Run `vbulk models pull` again: it resumes where it stopped.",
      });
    }
    const digest = await sha256File(part);
    if (sha !== null && digest !== sha) {
      await rm(part, { force: true });
      throw new VbulkError(
        "MODEL_CORRUPT",
        `Expected sha256 ${sha} for ${path} but the download has ${digest}; it was deleted, not used`,
        {
          hint: "Run `vbulk models pull` again. If it repeats, the server or the manifest is wrong: check VBULK_MODEL_BASE_URL.",
        },
      );
    }
    // Nothing to check an unpinned file against: a proxy's or a Wi-Fi login's page would be pinned as the model's
    // file and end every later ingest.
    // A file cut short with a matching length (a half-synced mirror) would be pinned and fail every ingest: the
    // whole file is checked (JSON parsed, ONNX fields walked) before it is pinned.
    const kind = sha === null ? await wrongKind(part, path, { full: true }) : null;
    if (kind) {
      await rm(part, { force: true });
      const cut = kind.why === CUT_SHORT;
      throw new VbulkError(
        "MODEL_CORRUPT",
        `Expected ${kind.what} for ${path} from ${new URL(url).origin} but ${cut ? kind.why : "received something else (a web page?)"}; it was deleted, not used`,
        {
          hint: cut
            ? "The server sent part of the file as if it were whole (a mirror still syncing?): run `vbulk models pull` again later; if it repeats, check VBULK_MODEL_BASE_URL."
            : "A proxy or a Wi-Fi login page may have answered: open a web page to log in, then run `vbulk models pull` again (or set VBULK_MODEL_BASE_URL).",
        },
      );
    }
    await renameRetrying(part, dest);
    opts.onEvent?.({ type: "verified", path, sha256: digest });
    return { path, size: got, sha256: digest };
  }
}
