import type { Config } from "../core/config.js";
import { VERSION } from "../core/version.js";
import type { Embedder } from "../imaging/embedder.js";
import type { ScanResult } from "../sources/types.js";
import { type Catalog, type CatalogItem, type CatalogPhoto, writeCatalog } from "../store/catalog.js";
import { writeDecisionLog } from "../store/decision-log.js";
import { round } from "./describe.js";
import type { GroupStep } from "./group.js";
import type { ResolvedSource } from "./scan.js";

/** Assembles the catalog document from the steps' results. */
export function buildCatalog(parts: {
  src: ResolvedSource;
  scan: ScanResult;
  embedder: Embedder;
  model: string | null;
  labels?: { path: string | null; sha256: string } | undefined;
  config: Config;
  step: GroupStep;
  items: CatalogItem[];
  photos: CatalogPhoto[];
  errors: Catalog["errors"];
  /** The next article number never given (src/ingest/ids.ts). */
  nextId: number;
  /** Every article the folder has had, fingerprint → id (src/ingest/ids.ts). */
  knownIds: Record<string, string>;
}): Catalog {
  const { src, scan, embedder, config, step, items, photos, errors } = parts;
  const { grouping } = step;
  // The catalog names photos by file; step.kept maps grouping indices to analysed photos, in photos[] order.
  const photoFile = (analysedIndex: number): string => photos[analysedIndex]?.file ?? String(analysedIndex);
  return {
    schemaVersion: 1,
    generator: `vbulk ${VERSION}`,
    created_at: new Date().toISOString(),
    source: { kind: src.isZip ? "zip" : "folder", path: src.source, root: src.root },
    embedder: { id: embedder.id, dims: embedder.dims, model: parts.model },
    ...(parts.labels ? { labels: parts.labels } : {}),
    grouping: {
      method: grouping.method,
      order: step.byTime ? "capture_time" : "file_name",
      order_signal: grouping.orderSignal === null ? null : round(grouping.orderSignal),
      eps:
        grouping.method === "dbscan"
          ? config.grouping.eps
          : grouping.method === "agglomerative" && grouping.cut === null
            ? config.grouping.linkageCut
            : (grouping.cut ?? 0),
      min_samples: config.grouping.minSamples,
      cut: grouping.cut,
      used_times: grouping.usedTimes,
      ...(grouping.because ? { because: grouping.because } : {}),
      cuts: grouping.cuts.map((c) => ({
        before: photoFile(step.kept[c.at]!),
        distance: c.distance,
        gap_seconds: c.gapSeconds,
        gap_ratio: c.gapRatio,
        because: c.because,
      })),
    },
    summary: {
      files: scan.files.length,
      photos: photos.length,
      duplicates: step.dupes.size,
      articles: items.length,
      low_confidence: items.filter((it) => it.confidence === "low").length,
      errors: errors.length,
      skipped: scan.skipped.length,
    },
    items,
    next_id: parts.nextId,
    known_ids: parts.knownIds,
    photos,
    errors,
    skipped: scan.skipped.map((s) => ({
      file: s.file,
      reason: s.reason,
      ...(s.detail ? { detail: s.detail } : {}),
    })),
  };
}

/** Writes catalog.json and catalog.log atomically; returns their paths. */
export async function writeResults(
  outDir: string,
  catalog: Catalog,
): Promise<{ catalogPath: string; logPath: string }> {
  const catalogPath = await writeCatalog(outDir, catalog);
  const logPath = await writeDecisionLog(outDir, catalog);
  return { catalogPath, logPath };
}
