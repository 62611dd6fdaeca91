/**
 * Every threshold and limit vbulk uses, with why it has that value. Flags, VBULK_* / spec env vars and a config
 * file override these (see config.ts); nothing else in the code hard-codes a threshold.
 */
import type { Condition, Department, GroupingMethod, Language } from "./vocab.js";

export const DEFAULTS = Object.freeze({
  sources: Object.freeze({
    /** Spec's BULK_MAX_FILES: a seller's batch is ~150 photos, 500 is a big one; more is likely the wrong folder. */
    maxFiles: 500,
    /** A 48 MP phone JPEG is ~15 MB, a ProRAW-ish HEIC ~30 MB: 64 MiB leaves room and stops absurd entries. */
    maxFileBytes: 64 * 1024 * 1024,
    /** 500 photos x ~15 MB, with margin. Also the zip-bomb ceiling for the total uncompressed size. */
    maxTotalBytes: 8 * 1024 * 1024 * 1024,
    /** Photos barely compress (ratio ~1); an entry inflating 100x is a bomb, not a photo. */
    maxCompressionRatio: 100,
    /** What counts as a photo, by extension (lower case). Anything else is skipped and counted. */
    imageExtensions: Object.freeze([
      ".jpg",
      ".jpeg",
      ".png",
      ".webp",
      ".avif",
      ".tif",
      ".tiff",
      ".gif",
      ".heic",
      ".heif",
    ]),
  }),
  decode: Object.freeze({
    /** Shortest side of the decoded working image: >= 224 (CLIP's input) so every later step crops, never upsamples. */
    workingSize: 256,
    /** Decodes in flight: 2 cores; performance.md measured 2-4 queued decodes keep libvips busy while inference runs. */
    concurrency: 4,
    /** Largest image decoded, in pixels, checked on the size a file declares before decoding (every decoder, HEIC
     *  too). 200 MP phone sensors (16320x12240) fit; a 58 KB HEIC declaring 16000x16000 (256 MP, 3.1 GB to decode
     *  in issue 8) does not. */
    maxPixels: 210_000_000,
  }),
  duplicates: Object.freeze({
    /** Hamming distance (of 64 bits) at or under which two photos are the same picture; the spec's value. Designed
     *  fixtures: re-encodes and resizes land at 0-2, a 5% crop at 2-4, a different photo of the same garment > 10. */
    maxHamming: 5,
    /** Both pHash and aHash must agree: aHash alone confuses two photos of flat garments on the same floor. */
    requireBoth: true,
    /** Mean ΔE (CIELAB) over 8x8 colour grids. Studio shots of the same pose in another colour share their
     *  greyscale hashes (madison-multiview: pHash 0-4) but sit at ΔE 3.8-5.9; re-encodes and resizes of one
     *  photo sit at 0.1-0.7 (madison-near-duplicates). 2.5 splits the two with room on both sides. */
    maxColorDelta: 2.5,
  }),
  grouping: Object.freeze({
    /** auto: capture-order segmentation when the order carries signal, agglomerative otherwise. Measured with
     *  bench/eval.ts on madison-multiview: shuffled, agglomerative at 0.04 recovers 21.6% of articles exactly,
     *  DBSCAN at the spec's 0.24 only 6.8% (it chains everything), so DBSCAN is opt-in (--grouping dbscan). */
    method: "auto" as GroupingMethod,
    /** Spec's BULK_CLUSTER_EPS: cosine distance radius for DBSCAN. */
    eps: 0.24,
    /** Spec's BULK_MIN_SAMPLES: a DBSCAN core point needs this many neighbours (itself included). */
    minSamples: 2,
    /** Average-linkage cut (cosine distance) for the agglomerative method; best of 0.04-0.24 in the shuffled sweep. */
    linkageCut: 0.04,
    /** Sequence method: two photos of one run "pay" (sequenceEps - distance); runs of alike photos form.
     *  Swept 0.1-0.25 x singletonPenalty 0-0.3 on madison-multiview in shooting order: best at 0.15 / 0.2. */
    sequenceEps: 0.15,
    /** Extra cost of an article of one photo: sellers shoot each garment 3-6 times, so a lone photo is unlikely. */
    singletonPenalty: 0.2,
    /** Longest run of photos one article may have (the spec: 3-6 photos; Vinted takes 20 at most). */
    sequenceMaxRun: 20,
    /** Order is trusted when consecutive photos are this much closer than random pairs (ratio of mean distances). */
    orderSignalRatio: 0.8,
    /** A gap in capture time this long (seconds) always starts a new article. */
    timeGapSeconds: 600,
  }),
  color: Object.freeze({
    /** k for k-means in Lab; 3-5 per the spec. 4 separates garment, floor, shadow and one accent. */
    clusters: 4,
    /** Pixels sampled per photo for k-means: 48x48 is plenty for a dominant colour and keeps k-means ~1 ms. */
    sampleSize: 48,
    /** Lab distance under which a pixel is "like the border" (background: floor, bed, studio wall). */
    backgroundDeltaE: 14,
  }),
  plan: Object.freeze({
    /** The spec's DEFAULT_PRICE (euros): a fair starting price for a second-hand garment; per-category rules override it. */
    defaultPrice: 20,
    /** The spec's PRICE_RULES_JSON: price per category id, e.g. {"hoodie": 25, "t-shirt": 10}. */
    prices: Object.freeze({}) as Readonly<Record<string, number>>,
    /** "bon" (good): what most second-hand garments are; the seller raises it per item. */
    condition: "bon" as Condition,
    /** Unknown until the seller says: Vinted's form has a "no brand" choice. */
    brand: "Unknown",
    /** The department (gender) is part of Vinted's category path; unknown means needs_review, never a guess. */
    gender: null as Department | null,
    lang: "fr" as Language,
  }),
  execute: Object.freeze({
    /** The spec's hard ceiling: at most 5 publishes in any 60 seconds. Config may lower it, never raise it. A
     *  publish with 5 photos is ~6 writes, so the write budget below is what really paces a run (vinted.md). */
    publishesPerMinute: 5,
    /** Random gap before each write [min, max] ms: StoFlow waits 20-50 s between writes (vinted.md, Pacing). */
    writeSpacingMs: Object.freeze([20_000, 50_000]) as readonly [number, number],
    /** Writes (each photo upload, each draft create/update, each completion) in any 60 minutes. The French
     *  extension guide caps at 20/h, StoFlow saw ~50/h tolerated: 24 sits near the cautious end. */
    writesPerHour: 24,
    /** Writes in any 24 hours: users report suspensions for bursts; a few hundred at most (Bumpline: 15 relists). */
    dailyWrites: 200,
    /** First pause of every write after a challenge/403 (Bumpline: 30 min, doubling per refusal that day). */
    challengePauseMinutes: 30,
    /** Longest pause and longest Retry-After honoured (Bumpline caps at 6 h); longer asks are capped and shown. */
    maxPauseMinutes: 360,
    /** Pause of every write after a 429 when Retry-After asks less (Bumpline: 15 min). */
    rateLimitPauseMinutes: 15,
    /** Longest wait inside a run for the hourly budget; a longer one (the daily cap) ends the run instead. */
    maxWaitMinutes: 60,
    /** Longest a page load or one in-page request may take. */
    timeoutMs: 30_000,
    /** Headed by default: no public tool shows headless Chromium working on Vinted (vinted.md, idx:69038895870). */
    headless: false,
  }),
  ingest: Object.freeze({
    /** How often (ms) the status file is rewritten while an ingest runs; a reader in another terminal polls it. */
    statusIntervalMs: 250,
  }),
  review: Object.freeze({
    /** Longest side of a thumbnail (px): a card shows them at ~120 px, 320 stays sharp on a 2x screen. */
    thumbSize: 320,
    /** WebP quality of thumbnails: ~10-20 KB each, so 500 photos are ~8 MB in .vbulk/thumbs. */
    thumbQuality: 70,
    /** Longest side of the large view a click opens: a laptop screen's height at 2x, and far less than a 48 MP photo. */
    largeSize: 1600,
    /** sharp jobs at once: 2 cores; more would starve the server's own requests while 500 thumbnails are made. */
    thumbConcurrency: 2,
    /** How often (ms) the page asks for the status of a running ingest or execute. */
    pollMs: 1000,
  }),
});

export type Defaults = typeof DEFAULTS;
