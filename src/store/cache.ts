import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { COLOR_NAMES } from "../imaging/color.js";
import { STATE_DIR } from "../sources/classify.js";

/** Per-photo results, keyed by the photo's sha256: a re-run only analyses photos it has not seen. */
const EntrySchema = z.object({
  width: z.number(),
  height: z.number(),
  format: z.string(),
  captured_at: z.string().nullable(),
  ahash: z.string(),
  phash: z.string(),
  colorgrid: z.string(),
  color: z.object({
    name: z.enum(COLOR_NAMES),
    score: z.number(),
    lab: z.tuple([z.number(), z.number(), z.number()]),
  }),
  /** Embeddings by embedder id, as base64 little-endian float32. */
  embeddings: z.record(z.string(), z.string()),
});
const CacheSchema = z.object({ schemaVersion: z.literal(2), entries: z.record(z.string(), EntrySchema) });
export type CacheEntry = z.infer<typeof EntrySchema>;

export class PhotoCache {
  private constructor(
    private readonly path: string,
    readonly entries: Map<string, CacheEntry>,
  ) {}

  /** Loads DIR/.vbulk/cache.json; a missing or unreadable cache is an empty one (it is only a cache). */
  static async load(dir: string): Promise<PhotoCache> {
    const path = join(dir, STATE_DIR, "cache.json");
    try {
      const parsed = CacheSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
      if (parsed.success) return new PhotoCache(path, new Map(Object.entries(parsed.data.entries)));
    } catch {
      // no cache yet
    }
    return new PhotoCache(path, new Map());
  }

  get(sha: string): CacheEntry | undefined {
    return this.entries.get(sha);
  }

  set(sha: string, entry: CacheEntry): void {
    this.entries.set(sha, entry);
  }

  async save(): Promise<void> {
    await writeJsonAtomic(this.path, { schemaVersion: 2, entries: Object.fromEntries(this.entries) });
  }
}

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

export function decodeVector(s: string): Float32Array {
  const buf = Buffer.from(s, "base64");
  const out = new Float32Array(buf.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}
