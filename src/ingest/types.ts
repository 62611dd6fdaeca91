import type { Config } from "../core/config.js";
import type { EventSink, IngestEvent } from "../core/events.js";
import type { ColorName } from "../imaging/color.js";
import type { Embedder } from "../imaging/embedder.js";
import type { SourceFile } from "../sources/types.js";
import type { CacheEntry } from "../store/cache.js";
import type { Catalog } from "../store/catalog.js";

/** Classifies articles from their photos' embeddings; the CLIP embedder provides one. */
export interface Classifier {
  /** Category and score per embedding (unit vectors of the embedder in use), with the runner-up. */
  classify(
    vectors: Float32Array[],
  ): Promise<{ category: string; score: number; runnerUp: { category: string; score: number } }[]>;
  /** Women's or men's per embedding, with the zero-shot score of the winner (a softmax of two). */
  department?(vectors: Float32Array[]): Promise<{ name: "femme" | "homme"; score: number }[]>;
  /** The probability of each colour name per embedding, the prompts naming the garment by its category id
   *  ("a photo of a white shirt"; null or an id outside the label set: "a photo of a white garment"). */
  color?(vectors: Float32Array[], categories: (string | null)[]): Promise<Record<ColorName, number>[]>;
}

export interface IngestOptions {
  /** A folder of photos or a .zip. */
  source: string;
  /** Where catalog.json goes; default: the photos' folder (for a ZIP, its work folder). */
  outDir?: string;
  config: Config;
  embedder: Embedder;
  classifier?: Classifier;
  /** Model name recorded in the catalog (null for the model-free embedder). */
  model?: string | null;
  /** The label set the classifier used, recorded in the catalog (absent without a model). */
  labels?: { path: string | null; sha256: string };
  onEvent?: EventSink<IngestEvent>;
  signal?: AbortSignal;
  /** Group every photo again instead of keeping the previous run's articles when photos were added (--regroup). */
  regroup?: boolean;
}

export interface IngestResult {
  catalog: Catalog;
  catalogPath: string;
  logPath: string;
  /** Photos analysed now vs taken from the cache of an earlier run. */
  analysed: number;
  cached: number;
  /** False when no photo could be read: no catalog.json was written (the previous one, if any, is as it was). */
  written: boolean;
  /** True when no photo could be read and the previous catalog.json was left as it was (nothing written). */
  keptPrevious: boolean;
}

/** One photo that was read, hashed and embedded (now or in an earlier run). */
export interface AnalysedPhoto {
  file: SourceFile;
  sha256: string;
  entry: CacheEntry;
  vector: Float32Array;
  /** Garment-colour histogram (src/imaging/garment.ts), unit length. */
  garment: Float32Array;
  /** The garment fills the frame (no background found): a close-up of a label, a detail, the fabric. */
  closeUp: boolean;
}
