import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, relative, resolve, sep } from "node:path";
import { groupPhotos } from "../grouping/cluster.js";
import { decideDuplicates, findDuplicatePairs } from "../grouping/duplicates.js";
import { articleColor, type DominantColor, dominantColor } from "../imaging/color.js";
import { decodePhoto, sha256Of } from "../imaging/decode.js";
import { dot, type Embedder } from "../imaging/embedder.js";
import { hashPixels } from "../imaging/hash.js";
import { sampleLab } from "../imaging/lab.js";
import { scanFolder } from "../sources/folder.js";
import type { ScanResult, SourceFile } from "../sources/types.js";
import { extractZip, workFolderFor } from "../sources/zip.js";
import { type CacheEntry, decodeVector, encodeVector, PhotoCache } from "../store/cache.js";
import { type Catalog, type CatalogItem, type CatalogPhoto, writeCatalog } from "../store/catalog.js";
import { writeDecisionLog } from "../store/decision-log.js";
import { StatusWriter } from "../store/status.js";
import type { Config } from "./config.js";
import { expected, messageOf, VbulkError } from "./errors.js";
import type { EventSink, IngestEvent } from "./events.js";
import { queueLimited } from "./pool.js";
import { VERSION } from "./version.js";

/** Classifies articles from their photos' embeddings; the CLIP embedder provides one. */
export interface Classifier {
  /** Category and score per embedding (unit vectors of the embedder in use), with the runner-up. */
  classify(
    vectors: Float32Array[],
  ): Promise<{ category: string; score: number; runnerUp: { category: string; score: number } }[]>;
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
  onEvent?: EventSink<IngestEvent>;
  signal?: AbortSignal;
}

export interface IngestResult {
  catalog: Catalog;
  catalogPath: string;
  logPath: string;
  /** Photos analysed now vs taken from the cache of an earlier run. */
  analysed: number;
  cached: number;
}

interface Analysed {
  file: SourceFile;
  sha256: string;
  entry: CacheEntry;
  vector: Float32Array;
}

/**
 * The ingest pipeline: scan (or safely extract) → decode + hash + colour + embed, bounded and cached by content
 * → drop duplicates → group into articles → classify → catalog.json + decision log, written atomically.
 * Bad photos are recorded in the catalog's errors and skipped. Throws VbulkError for a bad source.
 */
export async function runIngest(opts: IngestOptions): Promise<IngestResult> {
  const { config, embedder, signal } = opts;
  const emit = opts.onEvent ?? (() => {});
  const source = resolve(opts.source);
  const sourceStat = await stat(source).catch(() => null);
  if (!sourceStat) {
    throw new VbulkError("NOT_FOUND", expected("a folder or a .zip file", "the photo source", opts.source), {
      hint: "Check the path. Example: `vbulk ingest ./photos` or `vbulk ingest ./photos.zip`.",
    });
  }
  const isZip = sourceStat.isFile();
  if (isZip && extname(source).toLowerCase() !== ".zip") {
    throw new VbulkError("BAD_INPUT", expected("a folder or a .zip file", "the photo source", opts.source), {
      hint: "Put the photos in a folder (or a ZIP) and pass that.",
    });
  }
  const root = isZip ? workFolderFor(source) : source;
  const outDir = resolve(opts.outDir ?? root);
  const status = new StatusWriter(outDir, "ingest", config.ingest.statusIntervalMs);
  try {
    emit({ type: "stage", stage: "scan", total: 0 });
    await status.flush();
    const scan: ScanResult = isZip
      ? await extractZip(source, root, config.sources, signal)
      : await scanFolder(source, config.sources);
    if (scan.files.length === 0) {
      throw new VbulkError(
        "BAD_INPUT",
        expected(
          "at least one photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC)",
          opts.source,
          `${scan.skipped.length} other files`,
        ),
        {
          hint: "Point vbulk at the folder that holds the photos themselves.",
        },
      );
    }
    const relTo = (f: SourceFile): string => relative(outDir, f.path).split(sep).join("/");
    status.update({
      stage: "analyse",
      counts: {
        files: scan.files.length,
        skipped: scan.skipped.length,
        queued: scan.files.length,
        done: 0,
        errors: 0,
      },
    });

    // Analyse: bounded decode, batched embedding; decode of batch k+1 is queued before batch k is embedded.
    const cache = await PhotoCache.load(outDir);
    const analysed: Analysed[] = [];
    const errors: Catalog["errors"] = [];
    let done = 0;
    let fresh = 0;
    const total = scan.files.length;
    emit({ type: "stage", stage: "analyse", total });
    const batches: SourceFile[][] = [];
    for (let i = 0; i < total; i += embedder.batchSize)
      batches.push(scan.files.slice(i, i + embedder.batchSize));
    const prepare = (batch: SourceFile[]) =>
      Promise.all(
        queueLimited(batch, config.decode.concurrency, (f) => preparePhoto(f, cache, embedder.id, config)),
      );
    let pending = batches.length ? prepare(batches[0]!) : null;
    for (let b = 0; b < batches.length; b++) {
      signal?.throwIfAborted();
      const prepared = await pending!;
      pending = b + 1 < batches.length ? prepare(batches[b + 1]!) : null;
      const toEmbed = prepared.filter((p): p is PreparedFresh => p.kind === "fresh");
      const vectors = toEmbed.length ? await embedder.embed(toEmbed.map((p) => p.pixels)) : [];
      toEmbed.forEach((p, i) => {
        p.entry.embeddings[embedder.id] = encodeVector(vectors[i]!);
        cache.set(p.sha256, p.entry);
        fresh++;
      });
      for (const p of prepared) {
        done++;
        if (p.kind === "error") {
          errors.push({ file: relTo(p.file), code: "BAD_FILE", message: p.message });
          emit({ type: "photo-error", file: relTo(p.file), message: p.message });
          continue;
        }
        const vector =
          p.kind === "fresh" ? vectors[toEmbed.indexOf(p)]! : decodeVector(p.entry.embeddings[embedder.id]!);
        analysed.push({ file: p.file, sha256: p.sha256, entry: p.entry, vector });
      }
      emit({ type: "progress", stage: "analyse", done, total });
      status.update({ counts: { done, queued: total - done, errors: errors.length } });
    }
    await cache.save();

    // Duplicates: find pairs, then decide the keeper of each group.
    emit({ type: "stage", stage: "duplicates", total: analysed.length });
    status.update({ stage: "duplicates" });
    const hashed = analysed.map((a) => ({
      ...a.entry,
      sha256: a.sha256,
      pixels: a.entry.width * a.entry.height,
    }));
    const pairs = findDuplicatePairs(hashed, config.duplicates);
    const dupes = decideDuplicates(hashed, pairs);
    status.update({ counts: { duplicates: dupes.size } });

    // Order: EXIF capture time when every kept photo has one, else natural file-name order.
    const kept = analysed.map((_, i) => i).filter((i) => !dupes.has(i));
    const byTime = kept.length > 0 && kept.every((i) => analysed[i]!.entry.captured_at);
    if (byTime)
      kept.sort(
        (x, y) => analysed[x]!.entry.captured_at!.localeCompare(analysed[y]!.entry.captured_at!) || x - y,
      );
    emit({ type: "stage", stage: "group", total: kept.length });
    status.update({ stage: "group" });
    const grouping = groupPhotos(
      {
        vectors: kept.map((i) => analysed[i]!.vector),
        times: kept.map((i) => toSeconds(analysed[i]!.entry.captured_at)),
      },
      config.grouping,
    );
    if (grouping.method !== "sequence" && config.grouping.method === "auto" && kept.length >= 3) {
      emit({
        type: "warning",
        message:
          "Photo order does not follow the garments (shuffled names or no capture times): grouping by appearance only.",
        hint: "Keep the camera's file names, or photos with EXIF capture time, for better grouping.",
      });
    }

    // Articles: colour and category from all their photos.
    emit({ type: "stage", stage: "classify", total: grouping.articles.length });
    status.update({ stage: "classify", counts: { articles: grouping.articles.length } });
    const articles = grouping.articles.map((members) => members.map((k) => kept[k]!));
    const means = articles.map((m) => meanVector(m.map((i) => analysed[i]!.vector)));
    const categories = opts.classifier ? await opts.classifier.classify(means) : null;
    const photoCategories = opts.classifier
      ? await opts.classifier.classify(analysed.map((a) => a.vector))
      : null;
    const articleOf = new Map<number, string>();
    const items: CatalogItem[] = articles.map((members, k) => {
      const id = `c${k + 1}`;
      for (const i of members) articleOf.set(i, id);
      const colors: DominantColor[] = members.map((i) => analysed[i]!.entry.color);
      const color = articleColor(colors);
      const cat = categories?.[k];
      return {
        id,
        category: cat?.category ?? "unknown",
        score: round(cat?.score ?? 0),
        ...(cat ? { runner_up: { category: cat.runnerUp.category, score: round(cat.runnerUp.score) } } : {}),
        color: color.name,
        color_score: round(color.score),
        photos: members.map((i) => relTo(analysed[i]!.file)),
        fingerprint: fingerprint(members.map((i) => analysed[i]!.sha256)),
        confidence: grouping.lowConfidence[k] ? "low" : "high",
        cohesion: round(cohesion(members.map((i) => analysed[i]!.vector))),
      };
    });

    const photos: CatalogPhoto[] = analysed.map((a, i) => {
      const dup = dupes.get(i);
      const pc = photoCategories?.[i];
      return {
        file: relTo(a.file),
        sha256: a.sha256,
        width: a.entry.width,
        height: a.entry.height,
        format: a.entry.format,
        captured_at: a.entry.captured_at,
        name_order: scan.files.indexOf(a.file),
        ahash: a.entry.ahash,
        phash: a.entry.phash,
        article: articleOf.get(i) ?? (dup ? (articleOf.get(dup.of) ?? null) : null),
        duplicate_of: dup ? relTo(analysed[dup.of]!.file) : null,
        ...(dup
          ? {
              duplicate_reason:
                dup.pair.kind === "identical"
                  ? "identical bytes (sha256)"
                  : `pHash distance ${dup.pair.phashDistance}, aHash distance ${dup.pair.ahashDistance} (<= ${config.duplicates.maxHamming}), colour ΔE ${dup.pair.colorDistance.toFixed(1)} (<= ${config.duplicates.maxColorDelta})`,
            }
          : {}),
        color: a.entry.color.name,
        color_score: round(a.entry.color.score),
        ...(pc ? { category: pc.category, category_score: round(pc.score) } : {}),
      };
    });

    emit({ type: "stage", stage: "write", total: 1 });
    status.update({ stage: "write" });
    const catalog: Catalog = {
      schemaVersion: 1,
      generator: `vbulk ${VERSION}`,
      created_at: new Date().toISOString(),
      source: { kind: isZip ? "zip" : "folder", path: source, root },
      embedder: { id: embedder.id, dims: embedder.dims, model: opts.model ?? null },
      grouping: {
        method: grouping.method,
        order: byTime ? "capture_time" : "file_name",
        order_signal: grouping.orderSignal === null ? null : round(grouping.orderSignal),
        eps:
          grouping.method === "sequence"
            ? config.grouping.sequenceEps
            : grouping.method === "dbscan"
              ? config.grouping.eps
              : config.grouping.linkageCut,
        min_samples: config.grouping.minSamples,
      },
      summary: {
        files: scan.files.length,
        photos: analysed.length,
        duplicates: dupes.size,
        articles: items.length,
        low_confidence: items.filter((it) => it.confidence === "low").length,
        errors: errors.length,
        skipped: scan.skipped.length,
      },
      items,
      photos,
      errors,
      skipped: scan.skipped.map((s) => ({
        file: s.file,
        reason: s.reason,
        ...(s.detail ? { detail: s.detail } : {}),
      })),
    };
    const catalogPath = await writeCatalog(outDir, catalog);
    const logPath = await writeDecisionLog(outDir, catalog);
    emit({ type: "progress", stage: "write", done: 1, total: 1 });
    status.update({ counts: { articles: items.length } });
    await status.finish(errors.length ? "partial" : "done");
    return { catalog, catalogPath, logPath, analysed: fresh, cached: analysed.length - fresh };
  } catch (err) {
    await status.finish(signal?.aborted ? "interrupted" : "failed", messageOf(err));
    throw err;
  }
}

interface PreparedFresh {
  kind: "fresh";
  file: SourceFile;
  sha256: string;
  entry: CacheEntry;
  pixels: { pixels: Buffer; pw: number; ph: number };
}
type Prepared =
  | PreparedFresh
  | { kind: "cached"; file: SourceFile; sha256: string; entry: CacheEntry }
  | { kind: "error"; file: SourceFile; message: string };

/** Reads one photo; from the cache when this content was analysed before with this embedder. Never throws for a bad photo. */
async function preparePhoto(
  file: SourceFile,
  cache: PhotoCache,
  embedderId: string,
  config: Config,
): Promise<Prepared> {
  try {
    const bytes = await readFile(file.path);
    const sha256 = sha256Of(bytes);
    const hit = cache.get(sha256);
    if (hit?.embeddings[embedderId]) return { kind: "cached", file, sha256, entry: hit };
    const photo = await decodePhoto(bytes, config.decode.workingSize);
    const [hashes, sample] = await Promise.all([
      hashPixels(photo.pixels, photo.pw, photo.ph),
      sampleLab(
        photo.pixels,
        photo.pw,
        photo.ph,
        config.color.sampleSize,
        config.color.backgroundDeltaE,
        "nearest",
      ),
    ]);
    const entry: CacheEntry = {
      width: photo.width,
      height: photo.height,
      format: photo.format,
      captured_at: photo.capturedAt,
      ...hashes,
      color: dominantColor(sample, config.color.clusters),
      embeddings: { ...(hit?.embeddings ?? {}) },
    };
    return {
      kind: "fresh",
      file,
      sha256,
      entry,
      pixels: { pixels: photo.pixels, pw: photo.pw, ph: photo.ph },
    };
  } catch (err) {
    return { kind: "error", file, message: messageOf(err) };
  }
}

function toSeconds(t: string | null): number | null {
  if (!t) return null;
  const ms = Date.parse(`${t}Z`);
  return Number.isNaN(ms) ? null : ms / 1000;
}

function meanVector(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs[0]?.length ?? 0);
  for (const v of vs) for (let i = 0; i < v.length; i++) out[i] = out[i]! + v[i]!;
  let n = 0;
  for (const x of out) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / n;
  return out;
}

function cohesion(vs: Float32Array[]): number {
  if (vs.length < 2) return 1;
  let s = 0;
  let k = 0;
  for (let i = 0; i < vs.length; i++)
    for (let j = i + 1; j < vs.length; j++) {
      s += dot(vs[i]!, vs[j]!);
      k++;
    }
  return s / k;
}

/** Identifies an article by its photos' content, whatever their names or order. */
export function fingerprint(shas: string[]): string {
  return createHash("sha256")
    .update([...shas].sort().join("\n"))
    .digest("hex")
    .slice(0, 16);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
