import { open, stat } from "node:fs/promises";
import type { Config } from "../core/config.js";
import { messageOf } from "../core/errors.js";
import type { EventSink, IngestEvent } from "../core/events.js";
import { readableHint } from "../core/os-words.js";
import { limiter } from "../core/pool.js";
import { printable } from "../core/text.js";
import { colorVersion, photoColor } from "../imaging/color.js";
import {
  type DecodedPhoto,
  decodePhoto,
  HEIC_DECODER_VERSION,
  sha256Of,
  unfitShape,
} from "../imaging/decode.js";
import { currentEmbedderId, type Embedder } from "../imaging/embedder.js";
import {
  CLOSE_UP_COVERAGE,
  describeGarment,
  GARMENT_COVERAGE_ID,
  GARMENT_FEATURE_ID,
  GARMENT_HISTOGRAM_DIMS,
} from "../imaging/garment.js";
import { hashPixels } from "../imaging/hash.js";
import type { SourceFile } from "../sources/types.js";
import { type CacheEntry, decodeVector, encodeVector, type PhotoCache } from "../store/cache.js";
import type { Catalog } from "../store/catalog.js";
import type { StatusWriter } from "../store/status.js";
import type { AnalysedPhoto } from "./types.js";

export interface AnalyseResult {
  analysed: AnalysedPhoto[];
  errors: Catalog["errors"];
  /** Photos analysed in this run (the rest came from the cache). */
  fresh: number;
}

/** Batches prepared (read, hashed, decoded) ahead of the one being embedded: with 2 the decodes never wait for a
 *  batch to be embedded, and at most 3 batches of small decoded photos are held. */
const PREPARE_AHEAD = 2;

/**
 * Decodes, hashes, samples colour and embeds every photo: decodes are bounded, embeddings batched, and the decode
 * of batch k+1 is queued before batch k is embedded. A bad photo becomes an error entry, never a throw.
 */
export async function analysePhotos(
  files: SourceFile[],
  ctx: {
    cache: PhotoCache;
    config: Config;
    embedder: Embedder;
    emit: EventSink<IngestEvent>;
    status: StatusWriter;
    relTo: (f: SourceFile) => string;
    signal?: AbortSignal;
  },
): Promise<AnalyseResult> {
  const { cache, config, embedder, emit, status, relTo, signal } = ctx;
  const analysed: AnalysedPhoto[] = [];
  const errors: Catalog["errors"] = [];
  let done = 0;
  let fresh = 0;
  const total = files.length;
  emit({ type: "stage", stage: "analyse", total });
  const batches: SourceFile[][] = [];
  for (let i = 0; i < total; i += embedder.batchSize) batches.push(files.slice(i, i + embedder.batchSize));
  // One limit for the whole run, and the next batches queued ahead: decodes stay `concurrency` deep across batch
  // boundaries while a batch is embedded, instead of draining at the end of every batch.
  const slot = limiter(config.decode.concurrency);
  const prepare = (batch: SourceFile[]) =>
    Promise.all(batch.map((f) => slot(() => preparePhoto(f, cache, embedder, config))));
  const pending = new Map<number, Promise<Prepared[]>>();
  const queue = (b: number) => {
    if (b < batches.length && !pending.has(b)) pending.set(b, prepare(batches[b]!));
  };
  for (let b = 0; b < PREPARE_AHEAD; b++) queue(b);
  for (let b = 0; b < batches.length; b++) {
    signal?.throwIfAborted();
    const prepared = await pending.get(b)!;
    pending.delete(b);
    queue(b + PREPARE_AHEAD);
    const toEmbed = prepared.filter((p): p is PreparedFresh => p.kind === "fresh");
    const vectors = toEmbed.length ? await embedder.embed(toEmbed.map((p) => p.pixels)) : [];
    toEmbed.forEach((p, i) => {
      p.entry.embeddings[embedder.id] = encodeVector(vectors[i]!);
      cache.set(p.sha256, p.entry);
      fresh++;
    });
    // Saved as we go: after Ctrl-C or a kill, a re-run analyses only what was not done (one append per batch).
    await cache.append();
    for (const p of prepared) {
      done++;
      if (p.kind === "error") {
        const { message, osError } = p;
        errors.push({
          file: relTo(p.file),
          code: "BAD_FILE",
          message,
          ...(osError ? { os_error: osError } : {}),
        });
        emit({ type: "photo-error", file: relTo(p.file), message, ...(osError ? { osError } : {}) });
        continue;
      }
      const vector = p.kind === "fresh" ? vectors[toEmbed.indexOf(p)]! : p.vector;
      analysed.push({
        file: p.file,
        sha256: p.sha256,
        entry: p.entry,
        vector,
        garment: p.garment,
        closeUp: p.coverage >= CLOSE_UP_COVERAGE,
      });
    }
    emit({ type: "progress", stage: "analyse", done, total });
    status.update({
      counts: { done, queued: total - done, errors: errors.length, cached: done - fresh - errors.length },
    });
  }
  return { analysed, errors, fresh };
}

/**
 * Reusable buffers for reading photo files: a 4-6 MB Buffer per phone photo, allocated anew each time, made V8
 * run a full mark-compact every few photos (external memory pressure; 2.2 s of GC pauses for 48 photos,
 * `node --trace-gc`). A buffer is taken for one read + hash + decode and given back; at most one per decode in
 * flight is kept, grown to the largest photo seen.
 */
class BufferPool {
  private free: Buffer[] = [];

  async read(path: string, size: number): Promise<{ bytes: Buffer; release: () => void }> {
    let buf = this.free.pop();
    if (!buf || buf.length < size) buf = Buffer.allocUnsafeSlow(Math.max(size, buf?.length ?? 0));
    const handle = await open(path, "r");
    let got = 0;
    try {
      while (got < size) {
        const { bytesRead } = await handle.read(buf, got, size - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch (err) {
      this.free.push(buf);
      throw err;
    } finally {
      await handle.close();
    }
    const whole = buf;
    return { bytes: whole.subarray(0, got), release: () => this.free.push(whole) };
  }
}
const fileBuffers = new BufferPool();

interface PreparedFresh {
  kind: "fresh";
  file: SourceFile;
  sha256: string;
  entry: CacheEntry;
  pixels: { pixels: Buffer; pw: number; ph: number };
  garment: Float32Array;
  coverage: number;
}
type Prepared =
  | PreparedFresh
  | {
      kind: "cached";
      file: SourceFile;
      sha256: string;
      entry: CacheEntry;
      vector: Float32Array;
      garment: Float32Array;
      coverage: number;
    }
  | { kind: "error"; file: SourceFile; message: string; osError?: string };

/**
 * Reads one photo; from the cache when this content was analysed before with this embedder and this garment
 * descriptor version, and the stored vectors fit them (right length, finite values; an older or damaged entry is
 * analysed again, never misread); a colour cached by another naming (colorVersion) is named again. Never throws
 * for a bad photo.
 */
async function preparePhoto(
  file: SourceFile,
  cache: PhotoCache,
  embedder: Embedder,
  config: Config,
): Promise<Prepared> {
  try {
    // A file unchanged since it was hashed (size, mtime, inode) is not read again: a re-run only stats files
    // (the scan's stat when it made one).
    const st = file.seen ?? (await stat(file.path));
    const known = cache.knownSha(file.path, st);
    const fromCache = (sha: string) => {
      const hit = cache.get(sha);
      const stored = hit && storedVector(hit.embeddings, embedder.id);
      const vector = stored ? decodeVector(stored, embedder.dims) : null;
      const g = hit?.embeddings[GARMENT_FEATURE_ID];
      const garment = g ? decodeVector(g, GARMENT_HISTOGRAM_DIMS) : null;
      const c = hit?.embeddings[GARMENT_COVERAGE_ID];
      const coverage = c ? decodeVector(c, 1)?.[0] : undefined;
      // A HEIC read by an older decoder (no capture time, a rotated photo's size sideways) is read again.
      const stale = hit?.format === "heic" && hit.decoder !== HEIC_DECODER_VERSION;
      if (!(hit && vector && garment && coverage !== undefined && !stale)) return null;
      // An image too small or too long to be a garment photo that an earlier run (or a lower decode.minSide, a
      // higher decode.maxAspect) analysed is refused all the same: decoding it again would only say so once more.
      const small = unfitShape(hit.width, hit.height, config.decode);
      if (small) throw small;
      return { kind: "cached" as const, file, sha256: sha, entry: hit, vector, garment, coverage };
    };
    // A colour named by another naming version or other settings is named again from the decoded photo, and an
    // entry of an older vbulk without a labgrid (what tells an edited photo saved again from another picture,
    // src/imaging/edits.ts) or turned hashes (what finds a copy that lost its orientation tag) gets them: the
    // photo is decoded once more, the vectors stay (the embedder is not run).
    const hashesCurrent = (entry: CacheEntry) => entry.labgrid !== undefined && entry.turned !== undefined;
    const isCurrent = (p: { entry: CacheEntry }) =>
      p.entry.color.version === colorVersion(config.color) && hashesCurrent(p.entry);
    const refreshed = async (
      p: Extract<Prepared, { kind: "cached" }>,
      decoded: DecodedPhoto,
    ): Promise<Prepared> => {
      const [color, hashes] = await Promise.all([
        p.entry.color.version === colorVersion(config.color)
          ? p.entry.color
          : photoColor(decoded.pixels, decoded.pw, decoded.ph, config.color),
        hashesCurrent(p.entry) ? null : hashPixels(decoded.pixels, decoded.pw, decoded.ph),
      ]);
      const entry = {
        ...p.entry,
        color,
        ...(hashes ? { labgrid: hashes.labgrid, turned: hashes.turned } : {}),
      };
      cache.set(p.sha256, entry);
      return { ...p, entry };
    };
    const early = known ? fromCache(known) : null;
    if (early && isCurrent(early)) return early;
    const buffer = await fileBuffers.read(file.path, st.size);
    let photo: Awaited<ReturnType<typeof decodePhoto>>;
    let sha256: string;
    try {
      const bytes = buffer.bytes;
      sha256 = sha256Of(bytes);
      cache.rememberFile(file.path, st, sha256);
      const cached = fromCache(sha256);
      if (cached && isCurrent(cached)) return cached;
      photo = await decodePhoto(bytes, config.decode.workingSize, {
        sha256,
        maxPixels: config.decode.maxPixels,
        minSide: config.decode.minSide,
        maxAspect: config.decode.maxAspect,
      });
      if (cached) return await refreshed(cached, photo);
    } finally {
      buffer.release();
    }
    const hit = cache.get(sha256);
    const [hashes, color, garment] = await Promise.all([
      hashPixels(photo.pixels, photo.pw, photo.ph),
      photoColor(photo.pixels, photo.pw, photo.ph, config.color),
      describeGarment(photo.pixels, photo.pw, photo.ph),
    ]);
    const entry: CacheEntry = {
      width: photo.width,
      height: photo.height,
      format: photo.format,
      captured_at: photo.capturedAt,
      ...(photo.format === "heic" ? { decoder: HEIC_DECODER_VERSION } : {}),
      ...hashes,
      color,
      // Keeps other embedders' vectors of this content; this embedder's is added once embedded, and the garment
      // descriptor is always recomputed with it.
      embeddings: {
        ...Object.fromEntries(
          Object.entries(hit?.embeddings ?? {}).filter(([id]) => currentEmbedderId(id) !== embedder.id),
        ),
        [GARMENT_FEATURE_ID]: encodeVector(garment.histogram),
        [GARMENT_COVERAGE_ID]: encodeVector(Float32Array.of(garment.coverage)),
      },
    };
    return {
      kind: "fresh",
      file,
      sha256,
      entry,
      pixels: { pixels: photo.pixels, pw: photo.pw, ph: photo.ph },
      garment: garment.histogram,
      coverage: garment.coverage,
    };
  } catch (err) {
    // The system's code when the file itself could not be read (a permission, a disk, a file gone meanwhile): the
    // review page words those from it; the decoder's errors are told apart by their message.
    const os = err instanceof Error && "syscall" in err ? (err as NodeJS.ErrnoException).code : undefined;
    const message = os ? unreadablePhoto(os, err) : printable(messageOf(err));
    return { kind: "error", file, message, ...(os ? { osError: os } : {}) };
  }
}

/**
 * Why a photo file could not be read at all, in the words of the other bad-photo messages (what was expected, what
 * happened, what to do) instead of Node's ("EACCES: permission denied, open '/…/IMG_2.jpg'"). The file's name is
 * said before it, where the message is shown. One message, as a photo's error carries no hint of its own.
 */
function unreadablePhoto(code: string, err: unknown): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return `Expected a photo vbulk may read but reading it was refused (${code}, ${code === "EACCES" ? "permission denied" : "operation not permitted"}): allow your account to read it (${readableHint()}), then run the same command again`;
    case "EIO":
    case "ENXIO":
      return `Expected a photo the disk can read but the disk gave a read error (${code}): the disk, memory card or network folder may be damaged or unplugged; plug it back in, or copy the photo to another disk, then run the same command again`;
    case "ENOENT":
      return "Expected the photo the scan found but it is gone (ENOENT: moved, renamed or deleted during the run): to keep it, put it back in the folder and run the same command again";
    default:
      return `Expected a photo vbulk can read but the system refused to read it (${printable(messageOf(err))}): check the file, then run the same command again`;
  }
}

/** This embedder's vector among a photo's cached ones: under its id, or under the id an older vbulk gave the same
 *  model (currentEmbedderId), so an upgrade does not analyse every photo again. */
function storedVector(embeddings: Record<string, string>, id: string): string | undefined {
  if (Object.hasOwn(embeddings, id)) return embeddings[id];
  return Object.entries(embeddings).find(([k]) => currentEmbedderId(k) === id)?.[1];
}
