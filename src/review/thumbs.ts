import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic.js";
import { openUpright } from "../imaging/decode.js";
import { STATE_DIR } from "../sources/classify.js";

/** Thumbnails are made once per photo content and kept in DIR/.vbulk/thumbs/<sha256>.webp. */
export const THUMB_DIR = "thumbs";

/**
 * Makes thumbnails and large views with at most `concurrency` jobs at once: 500 thumbnails asked together by a
 * page must not take every core (the page stays fluid, other commands keep running). HEIC decodes also wait for
 * each other in decode.ts: libheif holds a whole photo in memory, RGBA.
 */
export class Thumbnailer {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly dir: string,
    private readonly opts: { size: number; quality: number; largeSize: number; concurrency: number },
  ) {}

  /**
   * The cached thumbnail of photo `sha`, made from `path` the first time. HEIC goes through the same libheif path
   * as ingest (sharp's prebuilt libvips cannot decode HEVC). Throws VbulkError BAD_FILE or sharp's error for a
   * bad file; a cache write that fails is let go.
   */
  thumbnail(sha: string, path: string): Promise<Buffer> {
    const cached = join(this.dir, STATE_DIR, THUMB_DIR, `${sha}.webp`);
    let job = this.inFlight.get(sha);
    if (!job) {
      job = readFile(cached)
        .catch(() =>
          this.limited(async () => {
            const data = await (await openUpright(await readFile(path)))
              .resize(this.opts.size, this.opts.size, { fit: "inside", withoutEnlargement: true })
              .webp({ quality: this.opts.quality })
              .toBuffer();
            // The cache saves the next view a decode; a cache that cannot be written (a file Windows holds, a
            // full or read-only disk) must not cost this view its thumbnail.
            await writeFileAtomic(cached, data).catch(() => {});
            return data;
          }),
        )
        .finally(() => this.inFlight.delete(sha));
      this.inFlight.set(sha, job);
    }
    return job;
  }

  /** A large JPEG view of the photo (browsers cannot show HEIC or TIFF), made on request, not cached. */
  large(path: string): Promise<Buffer> {
    return this.limited(async () =>
      (await openUpright(await readFile(path)))
        .resize(this.opts.largeSize, this.opts.largeSize, { fit: "inside", withoutEnlargement: true })
        .jpeg({ quality: 85 })
        .toBuffer(),
    );
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.opts.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
