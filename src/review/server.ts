/**
 * The review page's HTTP layer: loopback only, a per-run token on every request, the Host header checked, only
 * catalog files served. Every action is a call into src/review/actions.ts (the same core as the commands).
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, readFile, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { unsetEmptySettings } from "../commands/options.js";
import { DEFAULTS } from "../core/defaults.js";
import { expected, fileSystemError, isInputError, messageOf, VbulkError } from "../core/errors.js";
import { PACKAGE_ROOT } from "../core/paths.js";
import { redact } from "../core/redact.js";
import { COLOR_NAMES } from "../imaging/color.js";
import { CONDITIONS, GENDERS } from "../listing/mapping.js";
import { EDITABLE_FIELDS, PLAN_FILE } from "../listing/plan.js";
import { CATALOG_FILE, type Catalog, readCatalog } from "../store/catalog.js";
import { DECISIONS_FILE, DecisionSchema, readDecisions } from "../store/decisions.js";
import { readStatus } from "../store/status.js";
import {
  conditionNames,
  currentPlan,
  decide,
  type FieldEdit,
  labels,
  publishedArticles,
  publishPreview,
  savePlanWithChanges,
  staleArticles,
  undo,
} from "./actions.js";
import { type FolderChanges, folderChangesOf } from "./changes.js";
import { type ExecuteJob, startExecute } from "./execute.js";
import { type IngestJob, startIngest, toPageFailure } from "./ingest.js";
import { type IngestFailure, t as words } from "./page/i18n.js";
import { checkEachEdit, explainEdit, explainUnready } from "./refusals.js";
import { CatalogPhotos, hostAllowed, originAllowed, sameToken, tokenOf } from "./security.js";
import { Thumbnailer } from "./thumbs.js";

/** Where the bundled page (app.js, app.css) is once built (`npm run build:page`). */
const PAGE_DIR = join(PACKAGE_ROOT, "dist", "review", "page");

export interface ReviewServerOptions {
  dir: string;
  /** What `vbulk review` was given (a folder or a .zip): what "analyse" ingests when there is no catalog yet. */
  source: string;
  token: string;
  /** 0: any free port. */
  port: number;
}

export interface ReviewServer {
  server: Server;
  port: number;
  url: string;
  /**
   * Stops the runs this page started (a draft run, an analysis) as Ctrl-C stops them in a terminal, and refuses
   * new ones: resolves once they have ended, with what was running. `by`: what stopped them, in a seller's words.
   * Called before close(): the server going away must not leave a run writing to Vinted, or holding no lock.
   */
  stopRuns(by: string): Promise<{ execute: boolean; ingest: boolean }>;
  close(): Promise<void>;
}

const SHA = /^[0-9a-f]{64}$/;
const EditsSchema = z.object({
  edits: z
    .array(
      z.object({
        id: z.string(),
        field: z.enum(EDITABLE_FIELDS as [string, ...string[]]),
        value: z.string(),
        shown: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
        /** The photos the listing was typed for (actions.ts checkPhotos). */
        photos: z.array(z.string().regex(SHA)).max(1000).optional(),
      }),
    )
    .min(1)
    .max(200),
});
/** The answer to a second analysis (another tab's click, a ZIP dropped meanwhile): data the page words. */
const ANALYSIS_RUNNING = {
  error: "An analysis is already running.",
  failure: { code: "RUNNING", what: "analysis" } satisfies IngestFailure,
};

const ExecuteSchema = z.object({
  publish: z.boolean(),
  confirmation: z.string().optional(),
  /** The list the page showed with the confirmation (publishPreview's items). */
  shown: z
    .array(
      z
        .object({ id: z.string(), title: z.string(), price: z.number(), photos: z.array(z.string()) })
        .strict(),
    )
    .max(10_000)
    .optional(),
});

/** Starts the server on 127.0.0.1. Throws the listen error (port in use) as BAD_USAGE. */
export async function startReviewServer(opts: ReviewServerOptions): Promise<ReviewServer> {
  const { dir, token } = opts;
  // The environment as `vbulk` reads it (cli.ts): an empty variable is unset, for the page's saves and analyses
  // alike, also in a process that did not go through cli.ts (tests start the server in-process).
  unsetEmptySettings();
  const thumbs = new Thumbnailer(dir, {
    size: DEFAULTS.review.thumbSize,
    quality: DEFAULTS.review.thumbQuality,
    largeSize: DEFAULTS.review.largeSize,
    concurrency: DEFAULTS.review.thumbConcurrency,
  });
  let port = opts.port;
  // Decisions, undos and plan saves read a file, change it and write it back: two at once (two quick drags, two
  // tabs) each wrote over the other's and one answered "saved" for nothing. They run one after the other.
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };
  let job: ExecuteJob | null = null;
  /** An execute is being started (plan checked, lock taken): `job` is set only once that is done. */
  let executeStarting = false;
  let ingest: IngestJob | null = null;
  const changes = folderChangesOf(dir, opts.source);
  /** The server is stopping (stopRuns): no run starts any more. */
  let stopping = false;
  // The catalog's photos and where each may be read from, read again whenever catalog.json changes on disk.
  const catalogPhotos = new CatalogPhotos(dir);
  const photoFile = async (sha: string): Promise<{ file: string } | { refused: string } | null> => {
    const rel = await catalogPhotos.fileOf(sha);
    if (rel === undefined) return null;
    // The rule execute follows too (security.ts): the catalog's folder, or ingest --out's photo folder by sha256.
    const found = await catalogPhotos.locate(rel);
    if (found === "missing") return null;
    // Refused whether or not the file exists: the answer must not tell which files are on the machine.
    if (found === "outside")
      return {
        refused: `The catalog names ${JSON.stringify(rel)} for this photo, outside the folder ${dir}: the page shows only the photos in the catalog's folder (or, for ingest --out, the photo folder it scanned).`,
      };
    return { file: found };
  };

  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    if (req.method === "GET") {
      if (path === "/") return send(res, 200, "text/html; charset=utf-8", pageHtml(url));
      if (path === "/app.js" || path === "/app.css") {
        const body = await readFile(join(PAGE_DIR, path.slice(1))).catch(() => null);
        if (!body) return sendJson(res, 500, { error: "The page was not built: run `npm run build`." });
        return send(res, 200, path.endsWith(".js") ? "text/javascript" : "text/css", body);
      }
      const photo = /^\/(thumb|photo)\/([^/]+)$/.exec(path);
      if (photo) {
        const sha = photo[2]!;
        const found = SHA.test(sha) ? await photoFile(sha) : null;
        if (!found) return sendJson(res, 404, { error: "No such photo in the catalog." });
        if ("refused" in found) return sendJson(res, 403, { error: found.refused });
        const { file } = found;
        const data = photo[1] === "thumb" ? await thumbs.thumbnail(sha, file) : await thumbs.large(file);
        res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
        return send(res, 200, photo[1] === "thumb" ? "image/webp" : "image/jpeg", data);
      }
      if (path === "/api/state") return sendJson(res, 200, await state(dir, opts.source));
      if (path === "/api/status") return sendJson(res, 200, await activity(dir, job, ingest, changes));
      if (path === "/api/publish-preview") {
        const plan = await currentPlan(dir);
        return sendJson(
          res,
          200,
          plan ? publishPreview(plan, await publishedArticles(dir)) : { items: [], phrase: "" },
        );
      }
      return sendJson(res, 404, { error: "Not found." });
    }
    if (req.method !== "POST") return sendJson(res, 405, { error: "Method not allowed." });
    if (stopping && (path === "/api/upload" || path === "/api/ingest" || path === "/api/execute"))
      return sendJson(res, 503, {
        error: "vbulk review is stopping: start it again to go on.",
        failure: { code: "STOPPING" } satisfies IngestFailure,
      });
    // A form on another site cannot send JSON with a custom header: with the token check, no cross-site writes.
    if (path === "/api/upload") {
      if (ingest?.running) return sendJson(res, 409, ANALYSIS_RUNNING);
      const zip = await receiveZip(req, dir, url.searchParams.get("name") ?? "photos.zip");
      ingest = startIngest(zip, dir, { upload: true });
      return sendJson(res, 202, await activity(dir, job, ingest, changes));
    }
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
      return sendJson(res, 415, { error: "Expected application/json." });
    const body = await readBody(req);
    switch (path) {
      case "/api/decide": {
        const decision = DecisionSchema.parse(body);
        // A catalog.json edited by hand is kept aside first (actions.ts regroup): the page says where.
        let kept: string | null = null;
        await oneAtATime(() => decide(dir, decision, (file) => (kept = file)));
        return sendJson(res, 200, { ...(await state(dir, opts.source)), ...handEdited(kept) });
      }
      case "/api/undo": {
        let kept: string | null = null;
        const { undone } = await oneAtATime(() => undo(dir, (file) => (kept = file)));
        return sendJson(res, 200, { ...(await state(dir, opts.source)), undone, ...handEdited(kept) });
      }
      case "/api/plan/check": {
        const { edits } = EditsSchema.parse(body);
        // Each edit alone first: a refusal names its article and field, for the page to say in its words.
        checkEachEdit(await readCatalog(dir), edits as FieldEdit[]);
        return sendJson(res, 200, { ok: true });
      }
      case "/api/plan/save":
      case "/api/plan/generate": {
        const edits = path.endsWith("save") ? (EditsSchema.parse(body).edits as FieldEdit[]) : [];
        // What happened to the seller's earlier edits (reset, dropped, carried): the page says it after the click.
        const { changes } = await oneAtATime(() => savePlanWithChanges(dir, edits)).catch((err: unknown) => {
          // A bad value, an article gone, or « Publier » on an article Vinted would not take: as data the page words.
          throw explainUnready(explainEdit(err));
        });
        return sendJson(res, 200, { ...(await state(dir, opts.source)), changes });
      }
      case "/api/ingest": {
        if (ingest?.running) return sendJson(res, 409, ANALYSIS_RUNNING);
        ingest = startIngest(opts.source, dir);
        return sendJson(res, 202, await activity(dir, job, ingest, changes));
      }
      case "/api/execute": {
        if (job?.running || executeStarting)
          return sendJson(res, 409, {
            error: "An execute is already running from this page.",
            failure: { code: "RUNNING", what: "drafts" } satisfies IngestFailure,
          });
        // Marked before the first await: a double-click's second request must find it (both drafted every article).
        executeStarting = true;
        try {
          const { publish, confirmation, shown } = ExecuteSchema.parse(body);
          job = await startExecute(dir, { publish, confirmation, shown });
        } finally {
          executeStarting = false;
        }
        return sendJson(res, 202, await activity(dir, job, ingest, changes));
      }
      default:
        return sendJson(res, 404, { error: "Not found." });
    }
  };

  const server = createServer((req, res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    if (!hostAllowed(req.headers.host, port)) return sendJson(res, 403, { error: "Host not allowed." });
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    // The browser asks for it by itself, without the token: nothing to serve, and no 403 in the console each load.
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204, { "Cache-Control": "no-store" });
      return res.end();
    }
    const origin = req.headers.origin;
    if (!originAllowed(origin, port))
      return sendJson(res, 403, {
        error: `Expected a request from the review page (http://127.0.0.1:${port}) but its Origin header is ${JSON.stringify(origin)}: refused, nothing was done.`,
        hint: "Use the page at the link `vbulk review` printed; a page of another site may not act on it.",
      });
    if (!sameToken(tokenOf(req, url), token))
      return sendJson(res, 403, {
        error: "Missing or wrong token: open the link printed by `vbulk review`.",
      });
    routes(req, res, url).catch((err) => {
      const bad = isInputError(err) || err instanceof z.ZodError;
      const message =
        err instanceof z.ZodError
          ? `Invalid request: ${err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`
          : messageOf(err);
      // A pause (a captcha, a 429) is the account's state, not a fault of the server: 409, with its reason. So is
      // a save over a value changed since the page showed it (the page reloads and says which).
      const conflict =
        err instanceof VbulkError && ["CHALLENGE", "RATE_LIMITED", "CONFLICT"].includes(err.code);
      sendJson(res, conflict ? 409 : bad ? 400 : 500, {
        error: message,
        code: err instanceof VbulkError ? err.code : undefined,
        hint: err instanceof VbulkError ? err.hint : undefined,
        ...(err instanceof VbulkError && err.code === "CONFLICT" ? { conflicts: err.context.conflicts } : {}),
        // Why a save was refused, as data (refusals.ts): the page says it in its language, on its own fields.
        ...(err instanceof VbulkError && err.context.refusal ? { refusal: err.context.refusal } : {}),
        // A publish refused for its confirmation (the phrase, or a list changed since shown): the page words it.
        ...(err instanceof VbulkError && err.context.confirmation
          ? { confirmation: err.context.confirmation }
          : {}),
        // The pause that refused an execute, its end as an ISO time: the page says it in the seller's clock.
        ...(err instanceof VbulkError && err.context.pause ? { pause: err.context.pause } : {}),
        // The articles a plan out of date names (execute refuses it): the page says it in its words.
        ...(err instanceof VbulkError && Array.isArray(err.context.stale)
          ? { stale: err.context.stale }
          : {}),
        // What stops an analysis, as data the page words: a load refused for a damaged catalog.json, a ZIP refused.
        ...(toPageFailure(err) ? { failure: toPageFailure(err) } : {}),
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new VbulkError("BAD_USAGE", `Expected a free port for --port but ${opts.port} is in use`, {
              hint: "Choose another --port, or leave it out to take any free port.",
            })
          : err,
      ),
    );
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  port = typeof address === "object" && address ? address.port : opts.port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/?t=${token}`,
    stopRuns: async (by) => {
      stopping = true;
      // A draft run being started (plan checked, the lock being taken) is a run: it is stopped once it exists.
      while (executeStarting) await new Promise((r) => setTimeout(r, 20));
      const running = { execute: job?.running === true, ingest: ingest?.running === true };
      await Promise.all([running.execute ? job?.stop(by) : null, running.ingest ? ingest?.stop(by) : null]);
      return running;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The hand-edited catalog.json a decision kept aside (the file's name), for the page to say, or nothing. */
function handEdited(kept: string | null): { handEdited?: { kept: string } } {
  return kept ? { handEdited: { kept } } : {};
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Cache-Control": res.getHeader("Cache-Control") ?? "no-store",
  });
  res.end(body);
}

/** Every JSON answer passes through redact(): no secret reaches the page, even inside an error message. */
function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json; charset=utf-8", redact(JSON.stringify(value)));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new VbulkError("BAD_INPUT", "Expected a request under 1 MB");
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    throw new VbulkError("BAD_INPUT", "Expected a JSON request body but it does not parse");
  }
}

/**
 * Saves a dropped ZIP into DIR under its own (cleaned) name, streamed, within the sources' size ceiling; ingest
 * then extracts it with all its zip-bomb and path checks. Throws BAD_INPUT for anything but a .zip.
 */
async function receiveZip(req: IncomingMessage, dir: string, name: string): Promise<string> {
  const clean = basename(name).replace(/[^\w.-]+/g, "_");
  if (req.headers["content-type"] !== "application/zip" || !/\.zip$/i.test(clean))
    throw new VbulkError("BAD_INPUT", expected("a .zip file of photos", "the upload", name), {
      context: { notZip: basename(name) },
    });
  const tmp = join(dir, `.${clean}.${process.pid}.${randomBytes(4).toString("hex")}.upload`);
  let size = 0;
  const limit = DEFAULTS.sources.maxTotalBytes;
  try {
    await pipeline(
      req,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (size > limit)
            throw new VbulkError(
              "ZIP_TOO_LARGE",
              `Expected a ZIP under ${limit} bytes for the upload but it is larger`,
              { context: { exceeded: "upload", max: limit } },
            );
          yield chunk;
        }
      },
      createWriteStream(tmp, { flags: "wx" }),
    );
    // Never over a file of the folder: a ZIP of the same name already there is the seller's (photos.zip gives
    // photos-2.zip). link() fails instead of replacing, so two uploads at once cannot take the same name either.
    for (let n = 1; n < 1000; n++) {
      const path = join(dir, n === 1 ? clean : clean.replace(/(\.zip)$/i, `-${n}$1`));
      try {
        await link(tmp, path);
        return path;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
    throw new VbulkError(
      "BAD_INPUT",
      `Expected a free name for the upload of ${clean} in ${dir} but found none`,
      {
        hint: "Move some of the ZIP files of that name away.",
      },
    );
  } catch (err) {
    // A full disk, a folder vbulk may not write in: said as such (and worded by the page), not as Node's "EACCES".
    throw err instanceof VbulkError
      ? err
      : fileSystemError(
          err,
          dir,
          "save the upload in",
          "Free some space or fix the folder's permissions, then drop the ZIP again.",
        );
  } finally {
    await rm(tmp, { force: true });
  }
}

function pageHtml(url: URL): string {
  const t = encodeURIComponent(url.searchParams.get("t") ?? "");
  const lang = url.searchParams.get("lang") === "en" ? "en" : "fr";
  // #app is no live region (every action had a screen reader read the whole page): the page's status region says
  // each action's result (app.ts statusRegion).
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vbulk · ${words(lang, "title")}</title><link rel="stylesheet" href="/app.css?t=${t}"></head>
<body><div id="app"></div><script src="/app.js?t=${t}"></script></body></html>`;
}

/**
 * The label set's types as the page's Type list shows them, in each language. A label file without English names
 * (name_en is optional) shows its French name in English, not an empty choice. Two labels of one shown name
 * ("Gilet" and "Cardigan" are both "Cardigan" in English) each get their id after it, except one whose id is that
 * name ("Cardigan (gilet)" beside "Cardigan"), so that no two choices read alike.
 */
export function typeChoices(
  labels: readonly { id: string; name: string; name_en?: string | undefined }[],
): { id: string; name: string; name_en: string }[] {
  const shown = labels.map((l) => ({ id: l.id, name: l.name, name_en: l.name_en ?? l.name }));
  for (const key of ["name", "name_en"] as const) {
    const count = new Map<string, number>();
    for (const l of shown) count.set(l[key].toLowerCase(), (count.get(l[key].toLowerCase()) ?? 0) + 1);
    for (const l of shown) {
      const same = l[key].toLowerCase();
      if ((count.get(same) ?? 0) > 1 && l.id.toLowerCase() !== same) l[key] = `${l[key]} (${l.id})`;
    }
  }
  return shown;
}

/** What the page shows: articles with their photos, set-aside photos, the plan's listing fields, the labels. */
async function state(dir: string, source: string) {
  // Taken before plan.json is read: a terminal's write between the two then gives a newer plan with the older
  // version, and the page reloads once more. The other order gave the old plan with the new version, and the page,
  // seeing no change, showed the old plan until the next write.
  const version = await planVersion(dir);
  const catalog = await readCatalog(dir).catch((err) => {
    if (err instanceof VbulkError && err.code === "NOT_FOUND") return null;
    throw err;
  });
  const [plan, decisions] = await Promise.all([currentPlan(dir), readDecisions(dir)]);
  const labelSet = await labels(plan, dir);
  return {
    folder: dir,
    source,
    catalog: catalog && pageCatalog(catalog),
    planStale: plan && catalog ? staleArticles(plan, catalog) : [],
    planVersion: version,
    plan: plan && {
      ok: plan.ok,
      rules: plan.rules,
      items: plan.items.map((i) => {
        const { generated: _g, vinted: _v, written: _w, ...rest } = i;
        return rest;
      }),
    },
    decisions: decisions.decisions.length,
    /** Articles journal.json records as published: the page no longer lists them as going public. */
    published: [...(await publishedArticles(dir))],
    meta: {
      labels: typeChoices(labelSet.labels),
      colors: COLOR_NAMES,
      conditions: CONDITIONS,
      conditionNames: await conditionNames(plan, dir),
      genders: GENDERS,
      pollMs: DEFAULTS.review.pollMs,
    },
  };
}

export function pageCatalog(catalog: Catalog) {
  const byFile = new Map(catalog.photos.map((p) => [p.file, p]));
  const photo = (file: string) => {
    const p = byFile.get(file);
    return {
      sha: p?.sha256 ?? null,
      file,
      width: p?.width ?? 0,
      height: p?.height ?? 0,
      // A ZIP's photo extracted under another name: the page says its name in the ZIP too.
      ...(p?.zip_name ? { zipName: p.zip_name } : {}),
    };
  };
  return {
    created_at: catalog.created_at,
    summary: catalog.summary,
    grouping: catalog.grouping,
    articles: catalog.items.map((it) => ({
      id: it.id,
      category: it.category,
      score: it.score,
      runner_up: it.runner_up ?? null,
      color: it.color,
      color_score: it.color_score,
      color_model: it.color_model ?? null,
      confidence: it.confidence,
      cohesion: it.cohesion,
      by_seller: it.by_seller === true,
      photos: it.photos.map(photo),
    })),
    duplicates: catalog.photos
      .filter((p) => p.duplicate_of)
      .map((p) => ({
        ...photo(p.file),
        // A byte-identical copy is the same photo as its original: nothing to keep (no "keep" button).
        identical: byFile.get(p.duplicate_of ?? "")?.sha256 === p.sha256,
        of: p.duplicate_of,
        article: p.article,
        reason: p.duplicate_reason ?? "",
      })),
    dropped: catalog.photos.filter((p) => p.dropped_by_seller).map((p) => photo(p.file)),
    errors: catalog.errors,
    skipped: catalog.skipped.length,
  };
}

/** A running execute (from this page or from a terminal), from the status file and this page's job. */
async function activity(
  dir: string,
  job: ExecuteJob | null,
  ingest: IngestJob | null,
  changes: () => Promise<FolderChanges | null> = async () => null,
) {
  const [status, plan, folder] = await Promise.all([
    readStatus(dir).catch(() => null),
    planVersion(dir),
    // Not while an analysis runs: it is about to take them in.
    ingest?.running ? null : changes(),
  ]);
  return {
    status,
    plan,
    job: job ? job.snapshot() : null,
    ingest: ingest ? ingest.snapshot() : null,
    /** Photos added to or taken out of the folder since the catalog: the page offers « Analyser à nouveau ». */
    changes: folder,
  };
}

/**
 * The version on disk (time and size) of plan.json, catalog.json and decisions.json: the page reloads when another
 * writer changed one (a terminal's `vbulk plan --set`, another tab's save or grouping decision). Before, only
 * plan.json counted: a merge made in another tab never reached this one, whose « Annuler » then undid it unseen.
 */
async function planVersion(dir: string): Promise<string> {
  const infos = await Promise.all(
    [PLAN_FILE, CATALOG_FILE, DECISIONS_FILE].map((f) => stat(join(dir, f)).catch(() => null)),
  );
  return infos.map((i) => (i ? `${i.mtimeMs}:${i.size}` : "-")).join("/");
}
