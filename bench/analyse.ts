/** The ingest's own photo analysis for the benchmarks, cached by content in DIR/.vbulk (bench/out: gitignored). */

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../src/core/config.js";
import { createFeatureEmbedder } from "../src/imaging/features.js";
import { analysePhotos } from "../src/ingest/analyse.js";
import type { SourceFile } from "../src/sources/types.js";
import { PhotoCache } from "../src/store/cache.js";
import type { StatusWriter } from "../src/store/status.js";

const noStatus = { update() {}, flush: async () => {}, finish: async () => {} } as unknown as StatusWriter;

/** Analyses `files` model-free as ingest does, into the cache of `dir` (opened, or `cache` when given), saved after. */
export async function analyseCached(dir: string, files: SourceFile[], config: Config, cache?: PhotoCache) {
  // The cache appends to DIR/.vbulk as it goes (the ingest makes that folder before analysing).
  await mkdir(join(dir, ".vbulk"), { recursive: true });
  const photos = cache ?? (await PhotoCache.load(dir));
  const result = await analysePhotos(files, {
    cache: photos,
    config,
    embedder: createFeatureEmbedder(),
    emit: () => {},
    status: noStatus,
    relTo: (f) => f.rel,
  });
  await photos.save();
  return { ...result, cache: photos };
}
