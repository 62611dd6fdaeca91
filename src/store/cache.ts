import { appendFile, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { fileSystemError } from "../core/errors.js";
import { COLOR_NAMES, SHADE_NAMES } from "../imaging/color.js";
import { STATE_DIR } from "../sources/classify.js";

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const finite = z.number().finite();

/** Per-photo results, keyed by the photo's sha256: a re-run only analyses photos it has not seen. */
const EntrySchema = z.object({
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  format: z.string(),
  captured_at: z.string().nullable(),
  ahash: hex(16),
  phash: hex(16),
  colorgrid: hex(384),
  /** PhotoHashes.labgrid (1536 bytes, base64); absent in entries of an older vbulk. */
  labgrid: z
    .string()
    .regex(/^[A-Za-z0-9+/]{2048}$/)
    .optional(),
  /** PhotoHashes.turned; absent in entries of an older vbulk. */
  turned: z
    .object({
      ahash: z.tuple([hex(16), hex(16), hex(16)]),
      phash: z.tuple([hex(16), hex(16), hex(16)]),
    })
    .optional(),
  color: z.object({
    name: z.enum(COLOR_NAMES),
    score: finite.min(0).max(1),
    lab: z.tuple([finite, finite, finite]),
    shade: z.enum(SHADE_NAMES).nullable().optional(),
    second: z
      .object({ name: z.enum(COLOR_NAMES), score: finite.min(0).max(1) })
      .nullable()
      .optional(),
    shares: z.partialRecord(z.enum(COLOR_NAMES), finite.min(0).max(1)).optional(),
    /** How the colour was named (colorVersion): an entry from another version is recomputed. */
    version: z.string().optional(),
  }),
  /** Embeddings by embedder id (which names the model's content and the feature version), as base64 float32. */
  embeddings: z.record(z.string(), z.string()),
  /** How a HEIC photo was decoded (HEIC_DECODER_VERSION); absent for other formats and in older entries. */
  decoder: z.number().int().optional(),
});
export type CacheEntry = z.infer<typeof EntrySchema>;
const SHA256 = /^[0-9a-f]{64}$/;
/** What a file was when it was last hashed: a re-run trusts the sha256 while size, mtime and inode stay the same. */
const FileSchema = z.object({
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  ino: z.number(),
  sha256: z.string().regex(SHA256),
});
export type FileRecord = z.infer<typeof FileSchema>;
const CACHE_SCHEMA_VERSION = 3;
const CACHE_FILE = "cache.json";
/** Entries added since cache.json was last written, one JSON line each: appended as photos are analysed. */
const JOURNAL_FILE = "cache.journal";

/**
 * The per-photo cache in DIR/.vbulk: cache.json plus a journal that each analysed batch is appended to, so an
 * interrupted or killed run keeps what it did (each entry is written once: the cost per photo is bounded).
 * What is read back is validated entry by entry: a malformed entry is dropped and that photo analysed again.
 */
export class PhotoCache {
  private pending: [string, CacheEntry][] = [];
  /** Something changed since cache.json was written (an entry, a file record, a journal to fold in). */
  private dirty = false;

  private constructor(
    private readonly dir: string,
    readonly entries: Map<string, CacheEntry>,
    /** By absolute path: the sha256 of each photo file as it was (so a re-run need not read it again). */
    readonly files: Map<string, FileRecord>,
  ) {}

  /** Loads DIR/.vbulk/cache.json and its journal; a missing, unreadable or foreign cache is an empty one. */
  static async load(dir: string): Promise<PhotoCache> {
    const state = join(dir, STATE_DIR);
    const entries = new Map<string, CacheEntry>();
    const files = new Map<string, FileRecord>();
    const add = (sha: unknown, entry: unknown) => {
      if (typeof sha !== "string" || !SHA256.test(sha)) return;
      const parsed = EntrySchema.safeParse(entry);
      if (parsed.success) entries.set(sha, parsed.data);
    };
    try {
      const data = JSON.parse(await readFile(join(state, CACHE_FILE), "utf8")) as {
        schemaVersion?: unknown;
        entries?: unknown;
        files?: unknown;
      };
      if (data?.schemaVersion === CACHE_SCHEMA_VERSION && data.entries && typeof data.entries === "object") {
        for (const [sha, entry] of Object.entries(data.entries)) add(sha, entry);
        for (const [path, record] of Object.entries(data.files ?? {})) {
          const parsed = FileSchema.safeParse(record);
          if (parsed.success) files.set(path, parsed.data);
        }
      }
    } catch {
      // no cache yet, or not one this version can read: it is only a cache
    }
    const journal = await readFile(join(state, JOURNAL_FILE), "utf8").catch(() => "");
    const dirty = journal.length > 0;
    for (const line of journal.split("\n")) {
      if (!line) continue;
      try {
        const [sha, entry] = JSON.parse(line) as [unknown, unknown];
        add(sha, entry);
      } catch {
        // a line cut short by a kill: that photo is analysed again
      }
    }
    const cache = new PhotoCache(dir, entries, files);
    cache.dirty = dirty;
    return cache;
  }

  /** The sha256 of a file hashed before, if it has not changed since (same size, mtime and inode). */
  knownSha(path: string, st: { size: number; mtimeMs: number; ino: number }): string | undefined {
    const r = this.files.get(path);
    return r && r.size === st.size && r.mtimeMs === st.mtimeMs && r.ino === st.ino ? r.sha256 : undefined;
  }

  rememberFile(path: string, st: { size: number; mtimeMs: number; ino: number }, sha256: string): void {
    if (this.knownSha(path, st) === sha256) return;
    this.files.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 });
    this.dirty = true;
  }

  get(sha: string): CacheEntry | undefined {
    return this.entries.get(sha);
  }

  set(sha: string, entry: CacheEntry): void {
    this.entries.set(sha, entry);
    this.pending.push([sha, entry]);
    this.dirty = true;
  }

  /** Appends the entries set since the last call to the journal (one write per batch). Throws NO_SPACE etc. */
  async append(): Promise<void> {
    if (!this.pending.length) return;
    const lines = this.pending.map((p) => `${JSON.stringify(p)}\n`).join("");
    this.pending = [];
    const path = join(this.dir, STATE_DIR, JOURNAL_FILE);
    await appendFile(path, lines).catch((err: unknown) => {
      throw fileSystemError(err, path, "write the cache");
    });
  }

  /**
   * Writes the whole cache atomically and empties the journal; does nothing when nothing changed since it was
   * read (a re-run from cache does not rewrite and fsync megabytes). Throws NO_SPACE / NOT_WRITABLE.
   */
  async save(): Promise<void> {
    this.pending = [];
    if (!this.dirty) return;
    const path = join(this.dir, STATE_DIR, CACHE_FILE);
    await writeJsonAtomic(path, {
      schemaVersion: CACHE_SCHEMA_VERSION,
      entries: Object.fromEntries(this.entries),
      files: Object.fromEntries(this.files),
    }).catch((err: unknown) => {
      throw fileSystemError(err, path, "write the cache");
    });
    await rm(join(this.dir, STATE_DIR, JOURNAL_FILE), { force: true });
    this.dirty = false;
  }
}

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

/** Decodes a stored vector; null unless it has exactly `dims` finite values (a cache from another model or damaged). */
export function decodeVector(s: string, dims?: number): Float32Array | null {
  const buf = Buffer.from(s, "base64");
  if (buf.byteLength % 4 !== 0) return null;
  const out = new Float32Array(buf.byteLength / 4);
  if (dims !== undefined && out.length !== dims) return null;
  // A byte copy into the (aligned) array: the machine's float32 layout, as encodeVector wrote it.
  new Uint8Array(out.buffer).set(buf);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) return null;
  return out;
}
