import { relative, sep } from "node:path";
import { messageOf } from "../core/errors.js";
import { PhotoCache } from "../store/cache.js";
import { StatusWriter } from "../store/status.js";
import { analysePhotos } from "./analyse.js";
import { applySellerDecisions } from "./decisions.js";
import { describeArticles } from "./describe.js";
import { groupArticles } from "./group.js";
import { resolveSource, scanPhotos } from "./scan.js";
import type { IngestOptions, IngestResult } from "./types.js";
import { buildCatalog, writeResults } from "./write.js";

export { fingerprint } from "./describe.js";
export type { Classifier, IngestOptions, IngestResult } from "./types.js";

/**
 * The ingest pipeline: scan (or safely extract) → analyse (decode + hash + colour + embed, bounded and cached by
 * content) → group (drop duplicates, group into articles) → describe (category, colour) → write catalog.json and
 * the decision log atomically. Bad photos are recorded in the catalog's errors and skipped.
 * Throws VbulkError for a bad source.
 */
export async function runIngest(opts: IngestOptions): Promise<IngestResult> {
  const { config, embedder, signal } = opts;
  const emit = opts.onEvent ?? (() => {});
  const src = await resolveSource(opts.source, opts.outDir);
  const status = new StatusWriter(src.outDir, "ingest", config.ingest.statusIntervalMs);
  try {
    emit({ type: "stage", stage: "scan", total: 0 });
    await status.flush();
    const scan = await scanPhotos(src, opts.source, config, signal);
    const relTo = (path: string): string => relative(src.outDir, path).split(sep).join("/");
    const total = scan.files.length;
    status.update({
      stage: "analyse",
      counts: { files: total, skipped: scan.skipped.length, queued: total, done: 0, errors: 0 },
    });

    const cache = await PhotoCache.load(src.outDir);
    const { analysed, errors, fresh } = await analysePhotos(scan.files, {
      cache,
      config,
      embedder,
      emit,
      status,
      relTo: (f) => relTo(f.path),
      signal,
    });
    await cache.save();

    status.update({ stage: "duplicates" });
    const step = await applySellerDecisions(src.outDir, analysed, groupArticles(analysed, config, emit));
    status.update({
      stage: "classify",
      counts: { duplicates: step.dupes.size, articles: step.articles.length },
    });

    emit({ type: "stage", stage: "classify", total: step.articles.length });
    const { items, photos } = await describeArticles(analysed, step, {
      config,
      classifier: opts.classifier,
      relTo: (a) => relTo(a.file.path),
      nameOrder: (a) => scan.files.indexOf(a.file),
    });

    emit({ type: "stage", stage: "write", total: 1 });
    status.update({ stage: "write" });
    const catalog = buildCatalog({
      src,
      scan,
      embedder,
      model: opts.model ?? null,
      config,
      step,
      items,
      photos,
      errors,
    });
    const { catalogPath, logPath } = await writeResults(src.outDir, catalog);
    emit({ type: "progress", stage: "write", done: 1, total: 1 });
    status.update({ counts: { articles: items.length } });
    await status.finish(errors.length ? "partial" : "done");
    return { catalog, catalogPath, logPath, analysed: fresh, cached: analysed.length - fresh };
  } catch (err) {
    await status.finish(signal?.aborted ? "interrupted" : "failed", messageOf(err));
    throw err;
  }
}
