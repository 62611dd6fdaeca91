/**
 * "Analyser les photos" from the page when the folder has no catalog yet, and « Analyser à nouveau » when photos
 * were added or taken out since: the same core as `vbulk ingest`
 * (selectEmbedder + runIngest), its events kept for the page to poll.
 */
import { rm } from "node:fs/promises";
import { basename } from "node:path";
import { INGEST_FLAGS, parseDevice } from "../commands/ingest.js";
import { configFileLayer, envLayer, unsetEmptySettings } from "../commands/options.js";
import { offlineMode, resolveConfig } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import type { IngestEvent } from "../core/events.js";
import { prepareIngest, runIngest } from "../ingest/index.js";
import { selectEmbedder } from "../model/select.js";
import type { NotZipKind } from "../sources/zip.js";
import { CATALOG_FILE } from "../store/catalog.js";
import { DECISIONS_FILE } from "../store/decisions.js";
import type { IngestFailure, IngestWarning } from "./page/i18n.js";

/** What src/ingest/scan.ts noPhoto says was found instead of photos (its context). */
type NoPhoto = Omit<Extract<IngestFailure, { code: "NO_PHOTO" }>, "code">;

/** A warning of the analysis, for the page: the core's words, or data the page words (page/i18n.ts). */
export type { IngestWarning };

export interface IngestJob {
  readonly running: boolean;
  /** Stops the analysis as `vbulk ingest`'s Ctrl-C does (what was analysed stays cached, the status says
   *  interrupted) and resolves once it has ended. `by`: what stopped it (signals.ts stoppedBy). */
  stop(by: string): Promise<void>;
  snapshot(): {
    running: boolean;
    stage: string;
    done: number;
    total: number;
    warnings: IngestWarning[];
    error: string | null;
    /** What to do about `error` (the VbulkError's hint). */
    hint: string | null;
    /** `error` as data the page words, when it has words for it (`error` and `hint` are the terminal's). */
    failure: IngestFailure | null;
    /** The analysis is of a ZIP dropped on the page: trying again is dropping it again (the button analyses DIR). */
    upload: boolean;
  };
}

/**
 * Starts an ingest of `source` (a folder or a .zip) writing its catalog to `dir`, in the background. `upload`: the
 * source is a ZIP dropped on the page.
 */
export function startIngest(source: string, dir: string, { upload = false } = {}): IngestJob {
  const state = {
    running: true,
    stage: "scan",
    done: 0,
    total: 0,
    warnings: [] as IngestWarning[],
    error: null as string | null,
    hint: null as string | null,
    failure: null as IngestFailure | null,
    upload,
  };
  const onEvent = (e: IngestEvent) => {
    if (e.type === "stage") Object.assign(state, { stage: e.stage, done: 0, total: e.total });
    else if (e.type === "progress") Object.assign(state, { stage: e.stage, done: e.done, total: e.total });
    else state.warnings.push(toPageWarning(e));
  };
  const controller = new AbortController();
  let stoppedBy = "Ctrl-C";
  const ended = (async () => {
    try {
      // The environment as `vbulk` reads it (cli.ts): an empty variable is unset. Done here too for an analysis
      // started in a process that did not go through cli.ts (the tests start the page's analysis in-process).
      unsetEmptySettings();
      const offline = offlineMode();
      const fileLayer = await configFileLayer(process.env.VBULK_CONFIG);
      // As `vbulk ingest` run where `vbulk review` was started: the config file, then BULK_MAX_FILES, VBULK_GROUPING….
      const envValues = envLayer(INGEST_FLAGS);
      // VBULK_DEVICE too: a seller with a GPU set up for `vbulk ingest` gets it here (it was always the CPU).
      const device = parseDevice(process.env.VBULK_DEVICE);
      // As `vbulk ingest` does: the status file starts once the source is found good, before the model's download.
      const prepared = await prepareIngest({
        source,
        outDir: dir,
        config: resolveConfig(fileLayer, envValues),
        stage: "model",
        stoppedBy: () => stoppedBy,
      });
      const selected = await selectEmbedder({
        device,
        modelDir: process.env.VBULK_MODEL_DIR,
        labelsFile: process.env.VBULK_LABELS,
        offline,
        baseUrl: process.env.VBULK_MODEL_BASE_URL,
        onEvent,
        onModelEvent: prepared.onModelEvent,
        signal: controller.signal,
        // As `vbulk ingest`: a folder analysed with the CLIP model is not analysed again without it.
        earlierModel: prepared.previous?.embedder.model
          ? { id: prepared.previous.embedder.id, model: prepared.previous.embedder.model }
          : null,
      }).catch(async (err: unknown) => {
        if (err instanceof VbulkError && err.context.modelNeeded) await prepared.abandon();
        else await prepared.fail(err, controller.signal.aborted);
        throw err;
      });
      try {
        const result = await runIngest({
          source,
          outDir: dir,
          prepared,
          config: resolveConfig(selected.calibration, fileLayer, envValues),
          embedder: selected.embedder,
          classifier: selected.classifier,
          model: selected.model,
          ...(selected.labels ? { labels: selected.labels } : {}),
          onEvent,
          signal: controller.signal,
        });
        // No photo could be read: the page says so as the terminal does (exit 1 there), not only per photo.
        if (!result.written) {
          const files = result.catalog.summary.files;
          state.failure = { code: "NONE_READ", files, keptPrevious: result.keptPrevious };
          state.error = `None of the ${files === 1 ? "1 photo" : `${files} photos`} could be read: ${result.keptPrevious ? "the catalog of the previous analysis was kept as it was" : "no catalog was written"}.`;
          state.hint =
            "Fix what the messages above say (a disk, a permission, a broken copy), then « Analyser les photos » again.";
        }
      } finally {
        await selected.close();
      }
    } catch (err) {
      state.error = messageOf(err);
      state.hint = err instanceof VbulkError ? (err.hint ?? null) : null;
      state.failure = toPageFailure(err);
      // A ZIP dropped on the page and refused for what it holds is vbulk's own copy, of no use in the folder: left
      // there, the next drop of a good copy became photos-2.zip beside it, and « Analyser les photos » found it among
      // the photos. The seller's original is wherever it was dropped from.
      if (upload && refusedZip(state.failure)) await rm(source, { force: true }).catch(() => {});
    } finally {
      state.running = false;
    }
  })();
  return {
    get running() {
      return state.running;
    },
    stop: async (by) => {
      stoppedBy = by;
      controller.abort();
      await ended;
    },
    snapshot: () => ({ ...state, warnings: state.warnings.slice(-20) }),
  };
}

/** The analysis stopped for what the ZIP holds (damaged, cut short, too large, no photo, too many): not for the disk,
 *  a lock or the model, where the same ZIP analyses once those are mended. */
function refusedZip(f: IngestFailure | null): boolean {
  if (!f) return false;
  if (f.code === "ZIP_UNREADABLE" || f.code === "ZIP_TOO_LARGE") return true;
  return (f.code === "NO_PHOTO" || f.code === "TOO_MANY") && f.zip;
}

/**
 * An analysis's warning, note or photo error as the page gets it: data the page words itself when the event carries
 * some (page/i18n.ts ingestWarningText), else the core's words (the terminal's English stays the terminal's).
 */
export function toPageWarning(e: Exclude<IngestEvent, { type: "stage" | "progress" }>): IngestWarning {
  if (e.type === "photo-error")
    return {
      code: "PHOTO_ERROR",
      file: e.file,
      message: e.message,
      ...(e.osError ? { osError: e.osError } : {}),
    };
  if (e.type === "note") {
    if (e.untimed) return { code: "UNTIMED", ...e.untimed };
    if (e.sideways) return { code: "SIDEWAYS", ...e.sideways };
    if (e.screenshots) return { code: "SCREENSHOTS", ...e.screenshots };
    return e.resaved ? { code: "RESAVED", n: e.resaved } : e.message;
  }
  if (e.decidedGone) return { code: "DECIDED_GONE", ...e.decidedGone };
  if (e.placed) return { code: "PLACED", ...e.placed };
  if (e.noModel) return { code: "NO_MODEL" };
  if (e.unverifiedModel) return { code: "UNVERIFIED_MODEL", ...e.unverifiedModel };
  if (e.earlierRun) return { code: "EARLIER_RUN", ...e.earlierRun };
  if (e.orderUnclear) return { code: "ORDER_UNCLEAR", ...e.orderUnclear };
  if (e.regrouped) return { code: "REGROUPED", ...e.regrouped };
  if (e.handEdited) return { code: "HAND_EDITED", ...e.handEdited };
  if (e.cpuFallback) return { code: "CPU_FALLBACK", ...e.cpuFallback };
  return e.message;
}

/**
 * An error that stopped an analysis (or refused a load of the page) as data the page words (page/i18n.ts
 * ingestFailureWords), from the VbulkError's code and context; null for one the page has no words for, which it
 * shows as the core said it. The core's message and hint stay the terminal's.
 */
export function toPageFailure(err: unknown): IngestFailure | null {
  if (!(err instanceof VbulkError)) return null;
  const c = err.context;
  const lockedBy = c.lockedBy as
    | { pid: number; since: string; source: string; decision: boolean }
    | undefined;
  if (lockedBy) return { code: "BUSY", ...lockedBy };
  if (typeof c.journalSite === "string" && typeof c.site === "string")
    return { code: "JOURNAL_SITE", recorded: c.journalSite, site: c.site };
  if (err.code === "TOO_MANY_FILES" && typeof c.found === "number" && typeof c.limit === "number")
    return {
      code: "TOO_MANY",
      found: c.found,
      limit: c.limit,
      zip: c.zip === true,
      // Where the page's analysis read the limit: BULK_MAX_FILES (which wins), else VBULK_CONFIG's file, if any.
      configFile: process.env.VBULK_CONFIG || null,
      fromEnv: process.env.BULK_MAX_FILES !== undefined,
    };
  // A write the disk refused (full, read-only, forbidden, a path too long, a file in a folder's way) or a read it
  // forbade (core/errors.ts fileSystemError).
  if (typeof c.path === "string" && typeof c.osError === "string") {
    if (err.code === "NO_SPACE") return { code: "DISK_FULL", path: c.path };
    if (err.code === "NOT_WRITABLE" && c.osError === "ENAMETOOLONG")
      return { code: "PATH_REFUSED", path: c.path, why: "too-long" };
    if (err.code === "NOT_WRITABLE" && ["ENOTDIR", "EEXIST", "EISDIR", "ELOOP"].includes(c.osError)) {
      const why =
        c.osError === "EISDIR" ? "folder-in-way" : c.osError === "ELOOP" ? "link-in-way" : "file-in-way";
      return { code: "PATH_REFUSED", path: c.path, why };
    }
    if (err.code === "NOT_WRITABLE" && ["EROFS", "EACCES", "EPERM"].includes(c.osError))
      return {
        code: "NOT_WRITABLE",
        path: c.path,
        readOnly: c.osError === "EROFS",
        reading: c.reading === true,
      };
  }
  if (err.code === "ZIP_UNSAFE" && typeof c.cutShort === "boolean")
    return {
      code: "ZIP_UNREADABLE",
      cutShort: c.cutShort,
      ...(typeof c.notZipKind === "string" ? { notZip: c.notZipKind as NotZipKind } : {}),
    };
  if (err.code === "ZIP_TOO_LARGE" && typeof c.max === "number") {
    if (c.exceeded === "entries" && typeof c.found === "number")
      return { code: "ZIP_TOO_LARGE", exceeded: "entries", max: c.max, found: c.found };
    if (c.exceeded === "ratio" && typeof c.ratio === "number" && typeof c.entry === "string")
      return { code: "ZIP_TOO_LARGE", exceeded: "ratio", max: c.max, ratio: c.ratio, entry: c.entry };
    if (c.exceeded === "total" || c.exceeded === "upload")
      return { code: "ZIP_TOO_LARGE", exceeded: c.exceeded, max: c.max };
  }
  if (err.code === "BAD_INPUT" && typeof c.notZip === "string") return { code: "NOT_ZIP", name: c.notZip };
  if (err.code === "BAD_INPUT" && c.noPhoto) return { code: "NO_PHOTO", ...(c.noPhoto as NoPhoto) };
  if (err.code === "MODEL_MISSING" && c.modelNeeded && typeof c.model === "string") {
    const reason = c.reason === "network" || c.reason === "cache-folder" ? c.reason : "offline";
    return { code: "MODEL_NEEDED", model: c.model, reason };
  }
  // vbulk's files of the folder that an analysis (and the page's load) reads: a hand edit may have damaged them.
  const file = typeof c.file === "string" ? basename(c.file) : "";
  if (err.code === "BAD_INPUT" && (file === CATALOG_FILE || file === DECISIONS_FILE)) {
    const damage = c.damage;
    if (damage === "syntax")
      return typeof c.line === "number" && typeof c.column === "number"
        ? { code: "DAMAGED", file, damage, line: c.line, column: c.column }
        : { code: "DAMAGED", file, damage: c.syntax === "empty" ? "empty" : "not-json" };
    if (damage === "field" && typeof c.field === "string")
      return { code: "DAMAGED", file, damage, field: c.field };
    if (damage === "unknown-field" && typeof c.field === "string")
      return {
        code: "DAMAGED",
        file,
        damage,
        field: c.field,
        near: typeof c.near === "string" ? c.near : null,
      };
    if (damage === "same-id" && typeof c.id === "string") return { code: "DAMAGED", file, damage, id: c.id };
    if (damage === "same-photo" && typeof c.photo === "string")
      return { code: "DAMAGED", file, damage, photo: c.photo };
    if (damage === "newer" || damage === "foreign") return { code: "DAMAGED", file, damage };
  }
  return null;
}
