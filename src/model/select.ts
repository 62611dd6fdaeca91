import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ConfigOverrides } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import type { EventSink, IngestEvent } from "../core/events.js";
import { PACKAGE_ROOT } from "../core/paths.js";
import type { Embedder } from "../imaging/embedder.js";
import { createFeatureEmbedder } from "../imaging/features.js";
import type { Classifier } from "../ingest/index.js";
import { loadClip, loadLabelSet } from "./clip.js";
import { type ModelEvent, pullModel } from "./download.js";
import {
  CACHE_HINT,
  DEFAULT_BASE_URL,
  DEFAULT_MODEL,
  loadManifest,
  type Manifest,
  manifestForFolder,
  modelCacheDir,
  readLocalManifest,
  verifyFiles,
} from "./manifest.js";
import type { Device } from "./onnx.js";

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
}

export interface SelectedEmbedder {
  embedder: Embedder;
  classifier?: Classifier;
  model: string | null;
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
  const warn = (message: string, hint?: string) =>
    opts.onEvent({ type: "warning", message, ...(hint ? { hint } : {}) });
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
            hint: "Fetch the model again (`vbulk models pull`) or re-create the manifest with `vbulk models manifest DIR` if you changed the files on purpose.",
          },
        );
      }
      manifest = local;
    } else {
      manifest = await manifestForFolder(dir);
      warn(
        `The model in ${dir} has no vbulk-model.json: it is loaded unverified.`,
        "Run `vbulk models manifest DIR` once to record its files' sizes and sha256.",
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
      warn(`${noModel("offline")} ${howToGet(dir)}`);
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
        warn(`${noModel(messageOf(err))} ${disk ? CACHE_HINT : howToGet(dir)}`);
        return featureOnly();
      }
    }
  }
  const clip = await loadClip(dir, manifest, {
    device: opts.device,
    onWarning: (m) =>
      warn(m, "See the README's GPU section for installing onnxruntime-node's CUDA binaries."),
  });
  const labels = await loadLabelSet(opts.labelsFile ?? DEFAULT_LABELS);
  const classifier = await clip.classifier(labels, join(modelCacheDir(), "labels"));
  // Label embeddings are computed (or read from the cache) once; the text encoder's memory is not needed after.
  await clip.releaseText();
  return {
    embedder: clip.embedder,
    classifier,
    model: `${manifest.name}${manifest.revision ? `@${manifest.revision}` : ""}`,
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

function featureOnly(): SelectedEmbedder {
  return { embedder: createFeatureEmbedder(), model: null, calibration: {}, close: async () => {} };
}

function noModel(why: string): string {
  return `No CLIP model available (${why}): grouping uses the model-free colour/texture embedder and categories stay "unknown".`;
}

function howToGet(dir: string): string {
  return `Get it with \`vbulk models pull\` (needs the network), or put a CLIP export in ${dir}, or pass --model-dir DIR.`;
}
