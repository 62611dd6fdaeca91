import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ConfigOverrides } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import type { EventSink, IngestEvent } from "../core/events.js";
import { sha256File } from "../core/hash.js";
import { PACKAGE_ROOT } from "../core/paths.js";
import { shellWord, vbulkAs } from "../core/text.js";
import type { Embedder } from "../imaging/embedder.js";
import { createFeatureEmbedder } from "../imaging/features.js";
import type { Classifier } from "../ingest/index.js";
import { loadClip, loadLabelSet } from "./clip.js";
import { type ModelEvent, pullModel } from "./download.js";
import {
  CACHE_HINT,
  CACHED_MODEL_HINT,
  DEFAULT_BASE_URL,
  DEFAULT_MODEL,
  loadManifest,
  type Manifest,
  manifestForFolder,
  modelCacheDir,
  READ_ONLY_MODEL_HINT,
  readLocalManifest,
  verifyFiles,
} from "./manifest.js";
import type { Device } from "./onnx.js";
import { unsupportedPlatform } from "./ort-binding.js";

export const DEFAULT_LABELS = join(PACKAGE_ROOT, "models", "labels", "garments.json");

export interface SelectOptions {
  /** A folder holding a CLIP model already (--model-dir / VBULK_MODEL_DIR). */
  modelDir?: string;
  device: Device;
  labelsFile?: string;
  /** Never try the network (VBULK_OFFLINE=1). */
  offline?: boolean;
  baseUrl?: string;
  onEvent: EventSink<IngestEvent>;
  onModelEvent?: (e: ModelEvent) => void;
  /** Ctrl-C: a download in progress stops (resumed by the next run) and the signal's reason is thrown. */
  signal?: AbortSignal;
  /**
   * The CLIP model the folder's earlier run used (its catalog.json's embedder), if it used one. When no model can
   * be had now, the run is refused (ModelNeededError) instead of falling back to the model-free embedder: that
   * would regroup every photo and turn every category and department to "unknown" behind a one-line warning.
   */
  earlierModel?: { id: string; model: string } | null;
  /** The platform whose onnxruntime-node build is looked for (tests; default process.platform / process.arch). */
  platform?: string;
  arch?: string;
}

/**
 * The refusal of an ingest without the CLIP model the folder's earlier run used (selectEmbedder's earlierModel):
 * exit 2, nothing written. `--no-model` is the explicit way to accept a model-free run. `reason`, as data for the
 * review page: offline (VBULK_OFFLINE), the download failed, or the cache folder cannot be written.
 */
export function modelNeeded(
  earlier: { id: string; model: string },
  why: string,
  hint: string,
  reason: "offline" | "network" | "cache-folder",
): VbulkError {
  return new VbulkError(
    "MODEL_MISSING",
    `Expected the CLIP model the earlier run of this folder used (catalog.json: ${earlier.model}, ${earlier.id}) but no model is available now: ${why}. Nothing was written`,
    {
      hint: `${hint} Without it, every photo would be grouped again and every category and department become "unknown": to do that on purpose, run the same command with --no-model.`,
      context: { modelNeeded: true, model: earlier.model, reason },
      exit: 2,
    },
  );
}

export interface SelectedEmbedder {
  embedder: Embedder;
  classifier?: Classifier;
  model: string | null;
  /** The label set the classifier uses: the file (null: the built-in one) and its sha256 (catalog.json's labels). */
  labels?: { path: string | null; sha256: string };
  /** Thresholds that fit this embedder's embeddings; user config is layered on top. */
  calibration: ConfigOverrides;
  close(): Promise<void>;
}

/** The --model-dir folder, absolute, once found to be a folder. Throws NOT_FOUND (a bad command) when it is not. */
export async function checkModelDir(modelDir: string): Promise<string> {
  const dir = resolve(modelDir);
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a folder holding a CLIP model for --model-dir (or env VBULK_MODEL_DIR) but received "${modelDir}"`,
      {
        hint: "Pull one with `vbulk models pull`, or point at a folder in the Hugging Face layout.",
      },
    );
  }
  return dir;
}

/**
 * Picks the embedder for an ingest: CLIP from --model-dir, or from the cache (pulled on first use when the
 * network is there); otherwise the model-free embedder with one line saying how to get the model.
 * A corrupt or partial model file is never loaded: from the cache it is fetched again, from --model-dir it is an error.
 */
export async function selectEmbedder(opts: SelectOptions): Promise<SelectedEmbedder> {
  type Data = Pick<Extract<IngestEvent, { type: "warning" }>, "noModel" | "unverifiedModel" | "cpuFallback">;
  const warn = (message: string, hint?: string, data: Data = {}) =>
    opts.onEvent({ type: "warning", message, ...(hint ? { hint } : {}), ...data });
  // Before any download or load: an Intel Mac downloaded 150 MB, then ended in "Cannot find module". As for a
  // model that cannot be had (README Models): a warning and the model-free embedder, except where the seller
  // asked for a model folder or the folder's earlier run used one (exit 2, nothing written).
  // The model-free embedder with a warning; the error itself when the seller asked for a model folder (--model-dir)
  // or the folder's earlier run used a model.
  const withoutOnnx = (err: VbulkError): SelectedEmbedder => {
    if (opts.modelDir || opts.earlierModel) throw err;
    warn(noModel(err.message), err.hint, { noModel: true });
    return featureOnly();
  };
  const unsupported = unsupportedPlatform(opts.platform, opts.arch);
  if (unsupported) return withoutOnnx(unsupported);
  let dir: string;
  let manifest: Manifest;
  if (opts.modelDir) {
    dir = await checkModelDir(opts.modelDir);
    const local = await readLocalManifest(dir);
    if (local) {
      const bad = (await verifyFiles(dir, local)).filter((c) => c.state !== "ok" && c.state !== "unpinned");
      if (bad.length) {
        throw new VbulkError(
          "MODEL_CORRUPT",
          `Expected the files of ${join(dir, "vbulk-model.json")} but ${bad.map((b) => `${b.path} is ${b.state}${b.detail ? ` (${b.detail})` : ""}`).join("; ")}`,
          {
            // `models pull` never writes into a --model-dir folder: the fix is in that folder (exit 2, as a file
            // missing from a folder without a manifest).
            hint: `Copy ${bad.length === 1 ? "that file" : "those files"} from the model's own download into ${dir} again, or re-create the manifest with \`${vbulkAs()} models manifest ${shellWord(dir)}\` if you changed the files on purpose.`,
            exit: 2,
          },
        );
      }
      manifest = local;
    } else {
      manifest = await manifestForFolder(dir);
      // Advice that cannot be followed (a shared or read-only folder) led to a crash, then was repeated every run.
      const writable = await access(dir, constants.W_OK).then(
        () => true,
        () => false,
      );
      warn(
        `The model in ${dir} has no vbulk-model.json: it is loaded unverified.`,
        writable
          ? "Run `vbulk models manifest DIR` once to record its files' sizes and sha256."
          : `You cannot write in that folder, so \`vbulk models manifest\` cannot record its files there. ${READ_ONLY_MODEL_HINT}`,
        { unverifiedModel: { dir, writable } },
      );
    }
  } else {
    const wanted = await loadManifest(DEFAULT_MODEL);
    dir = join(modelCacheDir(), wanted.name);
    const pinned = (await readLocalManifest(dir).catch(() => null)) ?? wanted;
    const ready = (await verifyFiles(dir, pinned)).every(
      (c) => c.state === "ok" || (c.state === "unpinned" && pinned !== wanted),
    );
    if (ready) manifest = pinned;
    else if (opts.offline) {
      const why = await cacheState(dir, pinned);
      if (opts.earlierModel)
        throw modelNeeded(
          opts.earlierModel,
          `VBULK_OFFLINE is set and ${why}`,
          `Pass the same --model-dir DIR as the earlier run (or VBULK_MODEL_DIR), or run \`vbulk models pull\` once online (VBULK_OFFLINE= vbulk models pull).`,
          "offline",
        );
      warn(
        `${noModel(`offline; ${why}`)} ${why.includes("fails verification") ? "Run `vbulk models pull` when online to fetch it again, or pass --model-dir DIR." : howToGet(dir)}`,
        undefined,
        { noModel: true },
      );
      return featureOnly();
    } else {
      try {
        manifest = await pullModel(wanted, dir, {
          baseUrl: opts.baseUrl ?? DEFAULT_BASE_URL,
          onEvent: opts.onModelEvent,
          connectTimeoutMs: 15_000,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (!(err instanceof VbulkError)) throw err;
        // A cache folder that cannot be made (HOME=/nonexistent in cron, a read-only HOME): pulling again is no help.
        const disk = err.code === "NOT_WRITABLE" || err.code === "NO_SPACE";
        // A VBULK_MODEL_BASE_URL that is no http(s) URL: one more reason the model cannot be pulled (README:
        // ingest says so and goes on), whose fix is the variable, not the network.
        const badUrl = err.code === "BAD_USAGE" && err.context.baseUrl !== undefined;
        if (opts.earlierModel)
          throw modelNeeded(
            opts.earlierModel,
            `it is not in the cache (${dir}) and could not be downloaded (${messageOf(err)})`,
            disk
              ? `Pass the same --model-dir DIR as the earlier run (or VBULK_MODEL_DIR), or set VBULK_CACHE_DIR to a folder this user can write and run again.`
              : badUrl
                ? `Fix VBULK_MODEL_BASE_URL (or unset it), or pass the same --model-dir DIR as the earlier run (or VBULK_MODEL_DIR).`
                : `Pass the same --model-dir DIR as the earlier run (or VBULK_MODEL_DIR), or run \`vbulk models pull\` when the network is there.`,
            disk ? "cache-folder" : "network",
          );
        warn(
          // The error's own hint for the disk: a full disk is fixed by freeing space, not by another cache folder.
          `${noModel(messageOf(err))} ${disk ? (err.hint ?? CACHE_HINT) : badUrl ? (err.hint ?? "") : howToGet(dir)}`,
          undefined,
          { noModel: true },
        );
        return featureOnly();
      }
    }
  }
  const clip = await loadClip(dir, manifest, {
    device: opts.device,
    onWarning: (m, data) =>
      warn(
        m,
        "See the README's Install section (GPU users) for installing onnxruntime-node's CUDA binaries.",
        data,
      ),
  }).catch((err: unknown) => {
    if (err instanceof VbulkError && err.code === "MODEL_UNSUPPORTED") return withoutOnnx(err);
    // `models pull` never writes into a --model-dir folder, and `models verify` alone checks the cache.
    if (opts.modelDir && err instanceof VbulkError && err.hint === CACHED_MODEL_HINT)
      throw new VbulkError(err.code, err.message, {
        hint: `Copy that file from the model's own download into ${dir} again; \`vbulk models verify --model-dir DIR\` checks the folder once it has a vbulk-model.json.`,
        cause: err,
        exit: 2,
      });
    throw err;
  });
  if (!("releaseText" in clip)) return clip;
  const labelsPath = resolve(opts.labelsFile ?? DEFAULT_LABELS);
  const labels = await loadLabelSet(labelsPath);
  // The first run with a model embeds every label's prompts (20+ s on a laptop): a stage of its own, so that the
  // terminal does not show the photos' bar standing at 0, and Ctrl-C stops it between batches.
  let shown = false;
  const classifier = await clip
    .classifier(labels, join(modelCacheDir(), "labels"), {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (done, total) => {
        if (!shown) opts.onEvent({ type: "stage", stage: "labels", total });
        shown = true;
        opts.onEvent({ type: "progress", stage: "labels", done, total });
      },
    })
    .catch(async (err: unknown) => {
      await clip.close();
      throw opts.signal?.aborted ? opts.signal.reason : err;
    });
  // Label embeddings are computed (or read from the cache) once; the text encoder's memory is not needed after.
  await clip.releaseText();
  return {
    embedder: clip.embedder,
    classifier,
    model: `${manifest.name}${manifest.revision ? `@${manifest.revision}` : ""}`,
    labels: {
      path: labelsPath === resolve(DEFAULT_LABELS) ? null : labelsPath,
      sha256: await sha256File(labelsPath),
    },
    calibration: await thresholdsOf(manifest),
    close: () => clip.close(),
  };
}

/**
 * The grouping thresholds a model's manifest carries; a folder without its own (a local export) takes those of
 * the default CLIP model, whose embeddings it shares the scale of.
 */
async function thresholdsOf(manifest: Manifest): Promise<ConfigOverrides> {
  const own = manifest.thresholds?.grouping ?? (await loadManifest(DEFAULT_MODEL)).thresholds?.grouping;
  return own ? { grouping: own } : {};
}

/**
 * Why the cached model cannot be used, in words: not there at all, or there but failing verification (a damaged
 * file is not "offline": the seller did put the model there).
 */
async function cacheState(dir: string, manifest: Manifest): Promise<string> {
  const checks = await verifyFiles(dir, manifest);
  const bad = checks.filter((c) => c.state !== "ok");
  if (bad.length === checks.length && bad.every((c) => c.state === "missing"))
    return `the model is not in the cache (${dir})`;
  return `the cached model in ${dir} fails verification (${bad.map((b) => `${b.state}: ${b.path}`).join(", ")}; \`vbulk models verify\` lists it)`;
}

/** The model-free embedder (colour/texture features): `ingest --no-model`, or no model to be had. */
export function featureOnly(): SelectedEmbedder {
  return { embedder: createFeatureEmbedder(), model: null, calibration: {}, close: async () => {} };
}

function noModel(why: string): string {
  return `No CLIP model available (${why}): grouping uses the model-free colour/texture embedder and categories stay "unknown".`;
}

function howToGet(dir: string): string {
  return `Get it with \`vbulk models pull\` (needs the network), or put a CLIP export in ${dir}, or pass --model-dir DIR.`;
}
