import clustering from "density-clustering";
import {
  type Bimodal,
  fitAgainstNull,
  fitGapModel,
  fitLogMixture,
  gapPosterior,
  median,
  neighbourhoodDistances,
  normalQuantile,
  orderScore,
  pairRanks,
} from "./evidence.js";
import { findShoots } from "./shoots.js";

export { normalQuantile };

export type GroupingMethod = "auto" | "sequence" | "dbscan" | "agglomerative";

export interface GroupingOptions {
  method: GroupingMethod;
  /** DBSCAN radius (cosine distance), only for method "dbscan". */
  eps: number;
  minSamples: number;
  /** Average-linkage cut (cosine distance), only for method "agglomerative". */
  linkageCut: number;
  /** Share of the garment-colour distance in the combined distance (the rest: the embedder's appearance). */
  colorWeight: number;
  /** The cut is the batch's own boundary between "same garment" and "next garment" times this factor. */
  cutScale: number;
  /** Order-free: a lone photo joins its closest article under the cut times (1 + this). */
  singletonPenalty: number;
  /** Sequence: cost of a one-photo article, as a share of the cut (on top of the size prior's own price). */
  sequenceSingletonPenalty: number;
  /** Sequence: weight, in cuts per nat, of the batch's own article-size prior (sizePrior). 0: none. */
  sizePriorWeight: number;
  sequenceMaxRun: number;
  /** A new shoot starts where the consecutive distances before and after differ by this scaled KS statistic
   *  (src/grouping/shoots.ts); each shoot is grouped on its own. 0: one shoot. */
  shootEvidence: number;
  /** ...and a shoot holds at least this many photos. */
  shootMinPhotos: number;
  /** Ashman's D at or above which two modes count as separated (2 is the textbook criterion). */
  bimodality: number;
  /** ...and the mixture's density at the boundary must be at most this share of the lower peak (a valley). */
  maxDip: number;
  /** The order carries signal when the consecutive pairs sit this many standard deviations closer than a random
   *  order of the same photos would put them (orderScore; and the consecutive distances have two separated
   *  modes). */
  orderExcess: number;
  /** Weight of the capture-time evidence, in cuts: a clear burst pulls a pair in by this many cuts. */
  timeWeight: number;
  /** Capture times count when at least this share of the photos has one (the others' gaps stay unknown). */
  timesMinShare: number;
  /** A pause this long (seconds) always starts a new article, whatever the batch's gaps. */
  timeGapSeconds: number;
  /** Order-free grouping: a photo's neighbourhood scale is its distance to its k-th nearest photo (this k). */
  freeNeighbours: number;
  /** Order-free: photos join (average linkage) while under this share of their neighbourhood scale. */
  freeCut: number;
  /** Order-free: a photo has a clear partner when its nearest photo sits under this share of the scale... */
  freeClose: number;
  /** ...and the batch is read as several photos per garment when at least this share of photos has one. */
  freeShare: number;
  /** Order-free, small batches: two modes in the nearest distances count when the valley's density is at most
   *  this share of the lower peak (an empty valley, stricter than maxDip). */
  freeValley: number;
}

export interface GroupingInput {
  /** Appearance: unit vectors of the embedder, in capture order (the caller sorts). */
  vectors: Float32Array[];
  /** Garment-colour descriptors (unit vectors), same order; absent: appearance only. */
  garment?: Float32Array[];
  /** Per photo: the garment fills the frame (a label, a detail). Its appearance says nothing about which garment
   *  it is, so its distances are garment colour alone. */
  closeUp?: boolean[];
  /** Seconds since an arbitrary origin, per photo, or null where unknown. */
  times: (number | null)[];
  /** Pairs of photos known to show two garments: the same pose in another colour (comparePhotos' colorways).
   *  No article holds both (auto and sequence methods). */
  apart?: [number, number][];
}

/** Why a new article starts at a photo (sequence method). */
export interface CutReason {
  /** Index (in the input order) of the first photo of the new article. */
  at: number;
  /** Combined distance between the photo and the previous one, in cuts (> 1: looks unlike it). */
  distance: number;
  /** Capture-time gap before the photo (seconds) and that gap over the batch's median gap; null without times. */
  gapSeconds: number | null;
  gapRatio: number | null;
  /** What decided it, in words. */
  because: string;
}

export interface GroupingResult {
  /** Photo indices per article, each in capture order; articles ordered by their first photo. */
  articles: number[][];
  /** The method that ran (auto resolves to one of the others). */
  method: Exclude<GroupingMethod, "auto">;
  /** How much closer consecutive photos sit than in a random order of the same photos, in standard deviations
   *  (orderScore; >= orderExcess: the order carries signal); null under 4 photos. */
  orderSignal: number | null;
  /** The combined distance (sequence: on the ranks' scale, the batch's typical pair at 1; order-free: a share of a photo's neighbourhood scale) at which photos were cut apart; null if none applied. */
  cut: number | null;
  /** Per article: confidence 0..1 that it is exactly one garment (0.5: right at the cut). */
  confidence: number[];
  /** Per article: true where the grouping is a guess (a lone photo, a doubtful join). */
  lowConfidence: boolean[];
  /** Per article boundary in the sequence: why the cut was made. */
  cuts: CutReason[];
  /** True when capture times took part. */
  usedTimes: boolean;
  /** The two-mode fits that decided the method: separation (Ashman's D) and dip, or null when not fitted. */
  modes: { appearance: ModeFit | null; time: ModeFit | null; neighbours: ModeFit | null };
  /** Order-free grouping: what the neighbours showed (null when the sequence method ran). */
  orderFree: OrderFreeSummary | null;
  /** Why the batch was grouped the way it was, in words (order-free grouping); null for the sequence method. */
  because: string | null;
}

export interface OrderFreeSummary {
  /** Share of photos whose nearest photo sits clearly closer than their neighbourhood (under freeClose). */
  partnered: number;
  /** The share needed to join anything: freeShare plus two binomial standard deviations for the batch's size. */
  needed: number;
  /** The nearest-neighbour distances have two modes with an empty valley, the low one holding a third or more
   *  (shown for the record: in small batches it is no evidence, see orderFree). */
  twoModes: boolean;
  /** True when photos were joined (partnered >= needed). */
  joined: boolean;
}

export interface ModeFit {
  separation: number;
  dip: number;
}

function fit(b: Bimodal | null): ModeFit | null {
  return b ? { separation: round(b.separation), dip: round(b.dip) } : null;
}

function speaks(b: Bimodal | null, opts: GroupingOptions): boolean {
  return b !== null && b.separation >= opts.bimodality && b.dip <= opts.maxDip;
}

/** Cosine distance matrix (1 - dot) of unit vectors, n x n, row-major. */
export function distanceMatrix(vectors: Float32Array[]): Float64Array {
  const n = vectors.length;
  const d = new Float64Array(n * n);
  if (n === 0) return d;
  // Colour histograms are mostly zeros: each dot product runs over the first vector's non-zero entries only, in
  // index order. The skipped terms are exact zeros, so the sums are bit for bit those of dot() over every entry
  // (vectors are finite: the cache validates them); 500 photos' garment matrix costs a fraction of the dense one.
  const dims = vectors[0]!.length;
  const flat = new Float64Array(n * dims);
  const nzStart = new Int32Array(n + 1);
  const nzIndex = new Int32Array(n * dims);
  const nzValue = new Float64Array(n * dims);
  let nz = 0;
  vectors.forEach((v, i) => {
    flat.set(v, i * dims);
    nzStart[i] = nz;
    for (let k = 0; k < dims; k++)
      if (v[k] !== 0) {
        nzIndex[nz] = k;
        nzValue[nz++] = v[k]!;
      }
  });
  nzStart[n] = nz;
  for (let i = 0; i < n; i++) {
    const from = nzStart[i]!;
    const to = nzStart[i + 1]!;
    for (let j = i + 1; j < n; j++) {
      const b = j * dims;
      let s = 0;
      for (let q = from; q < to; q++) s += nzValue[q]! * flat[b + nzIndex[q]!]!;
      const v = Math.max(0, 1 - s);
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  }
  return d;
}

/** Distances between photos, n x n row-major, per kind of evidence. */
export interface DistanceInput {
  n: number;
  /** Appearance (the embedder's cosine distances). */
  appearance: Float64Array;
  /** Garment colour; absent: appearance only. */
  garment?: Float64Array;
  /** Garment colour as containment (containmentMatrix); when present the sequence method reads the colour
   *  evidence as the two together (cosine and containment, equal shares of their normal scores). */
  garmentCover?: Float64Array;
  /** Close-ups (see GroupingInput.closeUp). */
  closeUp?: boolean[];
  times: (number | null)[];
  /** Pairs never in one article (see GroupingInput.apart). */
  apart?: [number, number][];
}

/**
 * Combines appearance and garment-colour distances. Each is divided by its own median over all pairs of the
 * batch, so neither the embedder's scale nor the batch's (studio vs floor) weighs: the result is in "typical
 * distances of this batch".
 */
export function combinedDistances(input: DistanceInput, colorWeight: number): Float64Array {
  const { n } = input;
  const parts: { d: Float64Array; w: number }[] = [{ d: input.appearance, w: 1 - colorWeight }];
  if (input.garment) parts.push({ d: input.garment, w: colorWeight });
  else parts[0]!.w = 1;
  const out = new Float64Array(n * n);
  const scaled = parts.map((p) => {
    const all = new Float64Array((n * (n - 1)) / 2);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) all[k++] = p.d[i * n + j]!;
    return { ...p, m: median(all) || 1 };
  });
  for (const p of scaled) for (let k = 0; k < out.length; k++) out[k] = out[k]! + (p.w * p.d[k]!) / p.m;
  const colour = scaled[1];
  if (colour && input.closeUp?.some(Boolean))
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j && (input.closeUp[i] || input.closeUp[j]))
          out[i * n + j] = colour.d[i * n + j]! / colour.m;
  return out;
}

/**
 * The sequence method's distances: each kind of evidence is first replaced by its rank among the batch's pairs
 * (its empirical distribution function), read as a normal score z (the standard normal's quantile at that rank):
 * almost every pair of a batch shows two different garments, so z is about N(0, 1) for those and one garment's
 * pairs sit in the far lower tail, whatever the embedder or its scale. The weighted scores are summed (close-ups:
 * garment colour alone) and mapped back to a positive distance exp(SPREAD * z), the batch's typical pair at 1.
 * Only ranks reach the segmentation, so rescaling or any increasing transform of either evidence leaves the
 * articles unchanged (test/grouping-batch.test.ts).
 */
export function rankedDistances(input: DistanceInput, colorWeight: number): Float64Array {
  const { n } = input;
  const parts: { z: Float64Array; w: number }[] = [
    { z: pairScores(input.appearance, n), w: 1 - colorWeight },
  ];
  if (input.garment) {
    let colour = pairScores(input.garment, n);
    if (input.garmentCover) {
      // Both colour readings, as one evidence: the sum of their scores, ranked again.
      const cover = pairScores(input.garmentCover, n);
      for (let k = 0; k < colour.length; k++) colour[k] = colour[k]! + cover[k]!;
      colour = pairScores(colour, n);
    }
    parts.push({ z: colour, w: colorWeight });
  } else parts[0]!.w = 1;
  const z = new Float64Array(n * n);
  const scored = parts;
  for (const p of scored) for (let k = 0; k < z.length; k++) z[k] = z[k]! + p.w * p.z[k]!;
  const colour = scored[1];
  if (colour && input.closeUp?.some(Boolean))
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j && (input.closeUp[i] || input.closeUp[j])) z[i * n + j] = colour.z[i * n + j]!;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (i !== j) out[i * n + j] = Math.exp(SPREAD * z[i * n + j]!);
  return out;
}

/** Log-scale spread of the combined distance exp(SPREAD * z): 0.5 is about the spread of a histogram cosine
 *  distance over its batch median (log of d / median: -0.5 at the 16th percentile, +0.25 to 0.5 at the 84th on
 *  the four sets), so the segmentation's linear costs weigh pairs as they did on raw distances. */
const SPREAD = 0.5;

/** Normal scores of a symmetric matrix's off-diagonal pairs: normalQuantile of pairRanks. Diagonal 0. */
export function pairScores(d: Float64Array, n: number): Float64Array {
  return pairRanks(d, n, normalQuantile);
}

/**
 * Garment colour read as containment: 1 - the share of one photo's garment colours found in the other's, when
 * the other's may be as little as 1/COVER_SHARE of its garment pixels, the better of the two directions. A flat
 * shot shows the garment alone; a worn shot shows it with the wearer and whatever else they wear: the flat
 * shot's colours are all in the worn one (small distance) while the cosine of the two histograms is modest.
 * Two colourways worn with the same jeans share only the jeans (large distance). Histograms are the squared
 * components of the unit descriptors (garmentHistogram square-roots the counts).
 */
export function containmentMatrix(hists: Float32Array[]): Float64Array {
  const n = hists.length;
  // Histograms are sparse (a garment fills a few dozen of 192 bins): only a photo's own bins can add to the
  // share of its colours found in the other.
  const bins = hists.map((h) => {
    const at: number[] = [];
    for (let t = 0; t < h.length; t++) if (h[t]! !== 0) at.push(t);
    return Int32Array.from(at);
  });
  const p = hists.map((h) => h.map((x) => x * x));
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const a = p[i]!;
      const b = p[j]!;
      let ab = 0;
      let ba = 0;
      for (const t of bins[i]!) ab += Math.min(a[t]!, COVER_SHARE * b[t]!);
      for (const t of bins[j]!) ba += Math.min(b[t]!, COVER_SHARE * a[t]!);
      const v = Math.max(0, 1 - Math.max(ab, ba));
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  return d;
}

/** A garment may fill a sixth of a head-to-toe worn shot's foreground (4 and 8 measured alike; 1, plain
 *  histogram intersection, lost 2-5 points on both multi-photo sets). */
const COVER_SHARE = 6;

/**
 * A computation in slices: it yields between its long steps (each a second or so at a thousand photos) so that an
 * async caller can give the event loop a turn (a Ctrl-C, a status write) and stop there; drain runs it at once.
 */
export type Slices<T> = Generator<void, T, void>;

/** Runs a sliced computation to its end, synchronously. */
export function drain<T>(slices: Slices<T>): T {
  for (;;) {
    const step = slices.next();
    if (step.done) return step.value;
  }
}

/** Groups photos from their vectors: see groupDistances. */
export function groupPhotos(input: GroupingInput, opts: GroupingOptions): GroupingResult {
  return drain(groupPhotoSlices(input, opts));
}

/** groupPhotos in slices (Slices). */
export function* groupPhotoSlices(input: GroupingInput, opts: GroupingOptions): Slices<GroupingResult> {
  const n = input.vectors.length;
  if (opts.method === "dbscan" || opts.method === "agglomerative") {
    const d = distanceMatrix(input.vectors);
    yield;
    const res =
      opts.method === "dbscan"
        ? dbscan(d, n, opts.eps, opts.minSamples)
        : { articles: agglomerative(d, n, opts.linkageCut), noise: [] as boolean[] };
    const low = res.articles.map((a, i) => res.noise[i] ?? a.length < 2);
    return finish(
      res.articles,
      low,
      res.articles.map((_, i) => (low[i] ? 0.25 : 0.75)),
      {
        method: opts.method,
        orderSignal: null,
        cut: null,
        cuts: [],
        usedTimes: false,
        modes: { appearance: null, time: null, neighbours: null },
        orderFree: null,
        because: null,
      },
    );
  }
  const appearance = distanceMatrix(input.vectors);
  yield;
  let garment: { garment: Float64Array; garmentCover: Float64Array } | null = null;
  if (input.garment && input.garment.length === n) {
    const byGarment = distanceMatrix(input.garment);
    yield;
    garment = { garment: byGarment, garmentCover: containmentMatrix(input.garment) };
    yield;
  }
  return yield* groupDistanceSlices(
    {
      n,
      appearance,
      ...(garment ?? {}),
      ...(input.closeUp ? { closeUp: input.closeUp } : {}),
      ...(input.apart?.length ? { apart: input.apart } : {}),
      times: input.times,
    },
    opts,
  );
}

/**
 * Groups photos into articles.
 *
 * "sequence" (what "auto" picks when the order carries signal): the distances between consecutive photos have two
 * modes in a seller's batch (same garment, next garment); a two-part mixture fitted to them gives the batch's own
 * cut, and an exact dynamic programme splits the order into runs whose photos sit under it. Capture-time gaps
 * add evidence the same way (their own two modes: bursts and pauses). Without two modes in either (every photo a
 * different garment, or a shuffled order), "auto" falls back to an order-free grouping whose cut comes from the
 * photos' nearest neighbours, and makes no join when those have no second mode either.
 * "dbscan" and "agglomerative" are the fixed-threshold methods, opt-in.
 */
export function groupDistances(input: DistanceInput, opts: GroupingOptions): GroupingResult {
  return drain(groupDistanceSlices(input, opts));
}

/** groupDistances in slices (Slices). */
function* groupDistanceSlices(
  input: DistanceInput,
  opts: GroupingOptions,
  oneShoot = false,
): Slices<GroupingResult> {
  const { n } = input;
  if (n === 0)
    return {
      articles: [],
      method: "sequence",
      orderSignal: null,
      cut: null,
      confidence: [],
      lowConfidence: [],
      cuts: [],
      usedTimes: false,
      modes: { appearance: null, time: null, neighbours: null },
      orderFree: null,
      because: null,
    };
  const d = combinedDistances(input, opts.colorWeight);
  yield;
  const consecutive = Array.from({ length: Math.max(0, n - 1) }, (_, i) => d[i * n + i + 1]!);
  if (!oneShoot) {
    const shoots = findShoots(consecutive, opts);
    yield;
    if (shoots.length > 1) return yield* groupShoots(input, shoots, opts);
  }
  const appearance = n >= 4 ? fitLogMixture(consecutive) : null;
  const times = input.times;
  // The share among the photos from the first timed one to the last (photos of another source, all before or
  // after them, do not count: ingest/group.ts orders them so).
  const firstTimed = times.findIndex((t) => t != null);
  const lastTimed = times.findLastIndex((t) => t != null);
  const timedShare =
    firstTimed >= 0 ? times.filter((t) => t != null).length / (lastTimed - firstTimed + 1) : 0;
  // A gap is known between two photos with a time; a photo without one (a forwarded copy) leaves its two gaps
  // unknown: no pull, no forced pause.
  const gaps =
    n >= 4 && timedShare > 0 && timedShare >= opts.timesMinShare
      ? consecutive.map((_, i) =>
          times[i] != null && times[i + 1] != null ? Math.max(0, times[i + 1]! - times[i]!) : Number.NaN,
        )
      : null;
  const known = gaps?.filter((g) => Number.isFinite(g)) ?? [];
  const gapModel = known.length >= 4 ? fitGapModel(known) : null;
  const timeSpeaks = speaks(gapModel, opts);
  const excess = n >= 4 ? orderScore(d, n) : null;
  yield;
  const orderSpeaks =
    appearance !== null &&
    appearance.separation >= opts.bimodality &&
    excess !== null &&
    excess >= opts.orderExcess;
  const method = opts.method === "sequence" || orderSpeaks || timeSpeaks ? "sequence" : "agglomerative";
  const orderSignal = excess === null ? null : round(excess);
  // Per photo, the photos it may never share an article with.
  const apartOf: number[][] = Array.from({ length: n }, () => []);
  for (const [i, j] of input.apart ?? [])
    if (i !== j && i < n && j < n) {
      apartOf[i]!.push(j);
      apartOf[j]!.push(i);
    }

  if (method === "agglomerative") {
    const free = orderFree(d, n, opts, apartOf);
    const noOrder =
      n < 4
        ? "too few photos to read an order"
        : `the order carries no signal (consecutive photos ${orderSignal} sd closer than in a random order, ${opts.orderExcess} needed)${gapModel ? "" : ", no capture times"}`;
    return finish(free.articles, free.low, free.confidence, {
      method,
      orderSignal,
      cut: free.summary.joined ? opts.freeCut : null,
      cuts: [],
      usedTimes: false,
      modes: { appearance: fit(appearance), time: fit(gapModel), neighbours: fit(free.model) },
      orderFree: free.summary,
      because: `grouped without order: ${noOrder}; ${free.because}`,
    });
  }

  // The cut: the batch's boundary between the two modes; with a single mode (time alone speaks) the median
  // consecutive distance, i.e. appearance neither pulls nor pushes on average.
  // From here on only ranks of the evidence count (rankedDistances); the method choice above is the order-free
  // grouping's business and keeps the median-scaled distances.
  const dr = rankedDistances(input, opts.colorWeight);
  yield;
  const next = consecutive.map((_, i) => dr[i * n + i + 1]!);
  let same: ReturnType<typeof fitAgainstNull> = null;
  if (orderSpeaks) {
    const all = new Float64Array((n * (n - 1)) / 2);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) all[k++] = dr[i * n + j]!;
    same = fitAgainstNull(next, all);
  }
  // The batch's 50/50 point between "same garment" and "next garment".
  const even = same ? same.boundary : median(next);
  let cut = even * opts.cutScale;
  const pull = new Float64Array(Math.max(0, n - 1));
  const forced: boolean[] = consecutive.map(() => false);
  const medianGap = known.length ? median(known) || 1 : 1;
  if (gaps) {
    gaps.forEach((g, i) => {
      if (!Number.isFinite(g)) return;
      if (g > opts.timeGapSeconds) forced[i] = true;
      // Posterior of "burst" in [0,1] → pull in [-1, 1] cuts: a burst pulls together, a pause pushes apart.
      if (timeSpeaks) pull[i] = opts.timeWeight * (2 * gapPosterior(gapModel!, g) - 1);
    });
  }
  // Two passes: the first, without a size prior, says how long this batch's articles are; the second prices each
  // article's length against that (sizePrior), with the cut leaning towards joining (cutScale) and a cheap lone
  // photo (sequenceSingletonPenalty), which the prior keeps from swallowing the next garment. A habit is read
  // from PRIOR_MIN_ARTICLES articles at least: in a smaller batch the mean length is a guess, and ranks of a few
  // dozen photos leave a clean article only just under the cut (a 5-photo article among 17 photos gains a
  // hundredth of a cut by staying whole), so any prior would decide alone; such a batch is split at its 50/50
  // point with the order-free path's one-photo cost (singletonPenalty), as without a prior.
  const limits = { forced, apartOf, maxRun: opts.sequenceMaxRun };
  let runs = segment(dr, n, cut, pull, limits, opts.sequenceSingletonPenalty, () => 0);
  yield;
  if (opts.sizePriorWeight > 0 && runs.length >= PRIOR_MIN_ARTICLES) {
    const prior = sizePrior(n / runs.length - 1);
    const c = cut;
    runs = segment(dr, n, c, pull, limits, opts.sequenceSingletonPenalty, (len) => {
      return opts.sizePriorWeight * prior(len) * c;
    });
  } else {
    cut = even;
    runs = segment(dr, n, cut, pull, limits, opts.singletonPenalty, () => 0);
  }
  const cuts: CutReason[] = [];
  for (let r = 1; r < runs.length; r++) {
    const at = runs[r]![0]!;
    const g = gaps && Number.isFinite(gaps[at - 1]) ? gaps[at - 1]! : null;
    const dist = dr[(at - 1) * n + at]! / cut;
    let because: string;
    // Named when it decided: the photos would otherwise sit under the cut.
    const colourway =
      dist <= 1 && runs[r - 1]!.some((i) => apartOf[i]!.some((j) => j >= at && j <= runs[r]!.at(-1)!));
    if (forced[at - 1]) because = `a pause of ${Math.round(g!)} s (over ${opts.timeGapSeconds} s)`;
    else if (colourway)
      because =
        "the same pose as a photo of the previous article in another colour: two colourways, two garments";
    else if (timeSpeaks && pull[at - 1]! < 0 && dist <= 1)
      because = `a pause of ${Math.round(g!)} s, ${round(g! / medianGap)}x the batch's usual gap, outweighs the likeness`;
    else if (timeSpeaks && pull[at - 1]! < 0)
      because = `looks unlike the previous photo (${round(dist)}x the cut) and a pause of ${Math.round(g!)} s (${round(g! / medianGap)}x the usual gap)`;
    else if (dist > 1) because = `looks unlike the previous photo (${round(dist)}x the batch's cut)`;
    else because = "looks unlike the article's other photos taken together (size prior and mean distance)";
    cuts.push({
      at,
      distance: round(dist),
      gapSeconds: g === null ? null : round(g),
      gapRatio: g === null ? null : round(g / medianGap),
      because,
    });
  }
  // Confidence is read against the batch's own 50/50 point (the cut before cutScale's lean): a join the lean made
  // but the evidence alone would not is a doubtful one, shown first.
  const confidence = runs.map((run) => articleConfidence(dr, n, run, runs, even, pull));
  return finish(
    runs,
    runs.map((run, k) => confidence[k]! < 0.5 || run.length < 2),
    confidence,
    {
      method,
      orderSignal,
      cut: round(cut),
      cuts,
      usedTimes: timeSpeaks,
      modes: { appearance: fit(appearance), time: fit(gapModel), neighbours: null },
      orderFree: null,
      because: null,
    },
  );
}

/** Photos [from, to) of the input, as an input of their own (indices from 0). */
function sliceInput(input: DistanceInput, from: number, to: number): DistanceInput {
  const m = to - from;
  const part = (d: Float64Array) => {
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      out.set(d.subarray((from + i) * input.n + from, (from + i) * input.n + to), i * m);
    return out;
  };
  return {
    n: m,
    appearance: part(input.appearance),
    ...(input.garment ? { garment: part(input.garment) } : {}),
    ...(input.garmentCover ? { garmentCover: part(input.garmentCover) } : {}),
    ...(input.closeUp ? { closeUp: input.closeUp.slice(from, to) } : {}),
    times: input.times.slice(from, to),
    ...(input.apart
      ? {
          apart: input.apart
            .filter(([i, j]) => i >= from && i < to && j >= from && j < to)
            .map(([i, j]): [number, number] => [i - from, j - from]),
        }
      : {}),
  };
}

/**
 * Several shoots in one batch (src/grouping/shoots.ts): each is grouped on its own, with its own method, cut and
 * size prior, as if it were a batch of its own; no article spans two shoots. The result's summary fields (method,
 * cut, modes) are those of the largest shoot grouped in order, else of the largest shoot; `because` names the
 * shoots.
 */
function* groupShoots(input: DistanceInput, starts: number[], opts: GroupingOptions): Slices<GroupingResult> {
  const bounds = starts.map((from, k) => [from, starts[k + 1] ?? input.n] as const);
  const parts: { from: number; to: number; r: GroupingResult }[] = [];
  for (const [from, to] of bounds)
    parts.push({ from, to, r: yield* groupDistanceSlices(sliceInput(input, from, to), opts, true) });
  const bySize = [...parts].sort((x, y) => y.to - y.from - (x.to - x.from));
  const lead = bySize.find((p) => p.r.method === "sequence") ?? bySize[0]!;
  const range = (p: { from: number; to: number }) => `photos ${p.from + 1}-${p.to}`;
  const cuts: CutReason[] = parts.flatMap((p, k) => [
    ...(k === 0
      ? []
      : [
          {
            at: p.from,
            // No distance to a cut: the photo before belongs to another shoot (the log leaves it out).
            distance: 0,
            gapSeconds: null,
            gapRatio: null,
            because: `another shoot starts: from here on, one photo and the next look alike (or unlike) in another measure than in ${range(parts[k - 1]!)}`,
          },
        ]),
    ...p.r.cuts.map((c) => ({ ...c, at: c.at + p.from })),
  ]);
  const shoot = (p: (typeof parts)[number]) =>
    `${range(p)}: ${p.r.method === "sequence" ? "in shooting order" : (p.r.because ?? "without order")}`;
  return finish(
    parts.flatMap((p) => p.r.articles.map((a) => a.map((i) => i + p.from))),
    parts.flatMap((p) => p.r.lowConfidence),
    parts.flatMap((p) => p.r.confidence),
    {
      method: lead.r.method,
      orderSignal: lead.r.orderSignal,
      cut: lead.r.cut,
      cuts,
      usedTimes: parts.some((p) => p.r.usedTimes),
      modes: lead.r.modes,
      orderFree: parts.find((p) => p.r.orderFree)?.r.orderFree ?? null,
      because: `${parts.length} shoots in this batch, each grouped on its own (${parts.map(shoot).join("; ")})`,
    },
  );
}

function finish(
  articles: number[][],
  low: boolean[],
  confidence: number[],
  rest: Omit<GroupingResult, "articles" | "lowConfidence" | "confidence">,
): GroupingResult {
  const order = articles
    .map((a, i) => ({ a: [...a].sort((x, y) => x - y), low: low[i]!, c: confidence[i]! }))
    .sort((x, y) => x.a[0]! - y.a[0]!);
  return {
    articles: order.map((o) => o.a),
    lowConfidence: order.map((o) => o.low),
    confidence: order.map((o) => round(o.c)),
    ...rest,
    cuts: [...rest.cuts].sort((x, y) => x.at - y.at),
  };
}

/** Articles a first split must find before the batch's size prior applies (see groupDistances): the mean length
 *  of 20 articles of 1-6 photos is known to about a third of a photo. */
const PRIOR_MIN_ARTICLES = 20;

/**
 * The batch's own article-size prior, in nats over its most likely size: `more`, the mean number of photos an
 * article has past its first in this batch (the sequence method reads it off a first split without the prior),
 * is taken as the mean of a Poisson count. A batch of 2-3 photos a garment (madison-multiview: 1.5 more) then
 * makes a 2-photo article cheap and a 6-photo one dear; a batch of 4-6 (deepfashion-dev: 2.7 more) the other way
 * round, where one constant prior fits one of them only. Learnt from the batch like the cut, so it holds for any
 * seller's habit (the brief's "usually 3-6 photos" is what it finds for a seller who shoots that way), and it is
 * centred on what the evidence alone found: a clean batch keeps its split.
 */
export function sizePrior(more: number): (len: number) => number {
  // Under a tenth of a photo (a batch split into single photos) the Poisson's log would run to -infinity.
  const lambda = Math.max(0.1, more);
  const nats = (k: number) => {
    let logFactorial = 0;
    for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
    return lambda - k * Math.log(lambda) + logFactorial;
  };
  const least = nats(Math.floor(lambda));
  return (len) => nats(len - 1) - least;
}

/**
 * Best split of the sequence into runs (dynamic programming, exact for this cost): a run of len photos costs
 * (len - 1) x (its mean pair distance - cut), minus the time pull of its links (in cuts); a one-photo run costs
 * lonePenalty x cut; each run adds sizeCost(len) (the batch's size prior); a forced pause cannot sit inside
 * a run, nor can two photos apart (the same pose in another colour). O(n * maxRun^2).
 */
function segment(
  d: Float64Array,
  n: number,
  cut: number,
  pull: Float64Array,
  limits: { forced: boolean[]; apartOf: number[][]; maxRun: number },
  lonePenalty: number,
  sizeCost: (len: number) => number,
): number[][] {
  const { forced, apartOf, maxRun } = limits;
  const best = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n + 1);
  best[0] = 0;
  for (let end = 1; end <= n; end++) {
    let pairs = 0;
    let links = 0;
    for (let start = end - 1; start >= Math.max(0, end - maxRun); start--) {
      if (start < end - 1) {
        if (forced[start]) break;
        // Every longer run holds this pair too.
        if (apartOf[start]!.some((k) => k > start && k < end)) break;
        links += pull[start]!;
      }
      for (let k = start + 1; k < end; k++) pairs += d[start * n + k]! - cut;
      const len = end - start;
      const runCost = (len > 1 ? (2 * pairs) / len - links * cut : lonePenalty * cut) + sizeCost(len);
      const total = best[start]! + runCost;
      if (total < best[end]!) {
        best[end] = total;
        from[end] = start;
      }
    }
  }
  const runs: number[][] = [];
  for (let end = n; end > 0; end = from[end]!) {
    const start = from[end]!;
    runs.unshift(Array.from({ length: end - start }, (_, k) => start + k));
  }
  return runs;
}

/**
 * How sure an article is, 0..1: the weaker of "its photos sit under the cut" (the member farthest, on average,
 * from the others) and "its neighbours sit over it" (the closer neighbouring article, average linkage), on a log
 * scale around the cut; time pulls count as distance. 0.5 is exactly at the cut.
 */
function articleConfidence(
  d: Float64Array,
  n: number,
  run: number[],
  runs: number[][],
  cut: number,
  pull: Float64Array,
): number {
  const mean = (a: number[], b: number[]) => {
    let s = 0;
    for (const i of a) for (const j of b) s += d[i * n + j]!;
    return s / (a.length * b.length);
  };
  let inner = 0;
  if (run.length > 1)
    for (const k of run) {
      const others = run.filter((x) => x !== k);
      inner = Math.max(inner, mean([k], others));
    }
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const k = runs.indexOf(run);
  let outer = Number.POSITIVE_INFINITY;
  // A pull is in cuts towards joining (a burst > 0, a pause < 0: segment subtracts it from a run's cost), so the
  // neighbour sits that much nearer: a pause pushes it away.
  if (k > 0) outer = Math.min(outer, mean(runs[k - 1]!, run) - pull[first - 1]! * cut);
  if (k + 1 < runs.length) outer = Math.min(outer, mean(run, runs[k + 1]!) - pull[last]! * cut);
  const marginIn = run.length > 1 ? Math.log(cut / Math.max(inner, 1e-9)) : Number.POSITIVE_INFINITY;
  const marginOut = Number.isFinite(outer) ? Math.log(Math.max(outer, 1e-9) / cut) : Number.POSITIVE_INFINITY;
  const margin = Math.min(marginIn, marginOut);
  return Number.isFinite(margin) ? 1 / (1 + Math.exp(-3 * margin)) : 1;
}

/**
 * Order-free grouping (no order signal: shuffled names, no capture times). Distances are read against each photo's
 * own neighbourhood and from their order alone (neighbourhoodDistances), so the cut needs no constant distance and
 * holds for any embedder: a pair joins when it sits well under both photos' k-th neighbours.
 *
 * First the batch is asked whether it holds several photos per garment at all: sellers shoot 3-6 photos of each,
 * so most photos then have a clear partner (their nearest photo far under their neighbourhood); in a batch of
 * different garments only the few look-alikes chance puts together do. Under `freeShare` partnered photos, every
 * photo stays alone (a wrong join costs a seller more than a split). Otherwise average-linkage clustering joins
 * photos while the mean of their neighbourhood distances stays under `freeCut`.
 */
function orderFree(
  d: Float64Array,
  n: number,
  opts: GroupingOptions,
  apartOf: number[][],
): {
  articles: number[][];
  low: boolean[];
  confidence: number[];
  summary: OrderFreeSummary;
  because: string;
  model: Bimodal | null;
} {
  const alone = (summary: OrderFreeSummary, because: string, model: Bimodal | null = null) => ({
    model,
    articles: Array.from({ length: n }, (_, i) => [i]),
    low: Array<boolean>(n).fill(true),
    confidence: Array<number>(n).fill(0.5),
    summary,
    because,
  });
  if (n < 3)
    return alone(
      { partnered: 0, needed: opts.freeShare, twoModes: false, joined: false },
      "too few photos to compare neighbourhoods: each photo is its own article",
    );
  const local = neighbourhoodDistances(d, n, opts.freeNeighbours);
  let partnered = 0;
  for (let i = 0; i < n; i++) {
    let nearest = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) if (j !== i) nearest = Math.min(nearest, local[i * n + j]!);
    if (nearest < opts.freeClose) partnered++;
  }
  const share = partnered / n;
  // A small batch's share is a noisy count: it must clear freeShare by two binomial standard deviations.
  const needed = opts.freeShare + 2 * Math.sqrt((opts.freeShare * (1 - opts.freeShare)) / n);
  // The photos' distances to their 3 nearest photos may show two modes with an empty valley (dip under
  // freeValley, the low one holding a third of them): reported, but no longer a reason to join. In batches of
  // 6-20 photos two normals fitted to a few dozen such distances find "two modes" in a batch of different
  // garments as readily as in a batch of a few garments (`npm run eval -- --small-ordered`: 22 of 180 windows of
  // clothing-home and hm-colour-dev were joined that way, 8-26% of their photos left alone; separations 5-10,
  // dips 0-0.1, the same as the madison-multiview windows it helped), and a join of two garments costs a
  // seller more than a split. A small batch in shooting order is grouped by the sequence method instead, whose
  // order test holds at that size (orderScore).
  const near: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n - 1);
    for (let j = 0, q = 0; j < n; j++) if (j !== i) row[q++] = d[i * n + j]!;
    row.sort();
    near.push(...row.subarray(0, 3));
  }
  const nearModes = fitLogMixture(near);
  const twoModes =
    nearModes !== null &&
    nearModes.separation >= opts.bimodality &&
    nearModes.dip <= opts.freeValley &&
    nearModes.low.share >= 1 / 3;
  const summary = {
    partnered: round(share),
    needed: round(needed),
    twoModes,
    joined: share >= needed,
  };
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  if (!summary.joined)
    return alone(
      summary,
      `only ${pct(share)} of the photos have a clearly closer partner (${pct(needed)} needed for ${n} photos), as in a batch of different garments: each photo is its own article`,
      nearModes,
    );
  const cut = opts.freeCut;
  // Two photos apart are never joined: their distance is beyond any cut, and so, average linkage being an
  // average, is the distance of any two articles holding them.
  for (let i = 0; i < n; i++) for (const j of apartOf[i]!) local[i * n + j] = APART;
  const articles = agglomerative(local, n, cut);
  attachLoners(articles, local, n, cut * (1 + opts.singletonPenalty));
  const mean = (a: number[], b: number[]) => {
    let s = 0;
    for (const i of a) for (const j of b) s += local[i * n + j]!;
    return s / (a.length * b.length);
  };
  // Confidence as for the sequence: the weaker of "its photos sit under the cut" (the member farthest, on average,
  // from the others) and "the nearest other article sits over it" (average linkage), on a log scale around the cut.
  const owner = new Int32Array(n);
  articles.forEach((a, k) => {
    for (const i of a) owner[i] = k;
  });
  const confidence = articles.map((a, k) => {
    let inner = 0;
    if (a.length > 1)
      for (const i of a)
        inner = Math.max(
          inner,
          mean(
            [i],
            a.filter((j) => j !== i),
          ),
        );
    // The nearest other article: through the nearest photo outside, then average linkage to its article.
    let outer = Number.POSITIVE_INFINITY;
    const seen = new Set<number>();
    for (const i of a)
      for (let j = 0; j < n; j++) {
        const o = owner[j]!;
        if (o === k || seen.has(o) || local[i * n + j]! >= 2 * cut) continue;
        seen.add(o);
        outer = Math.min(outer, mean(a, articles[o]!));
      }
    const marginIn = a.length > 1 ? Math.log(cut / Math.max(inner, 1e-9)) : Number.POSITIVE_INFINITY;
    const marginOut = Number.isFinite(outer)
      ? Math.log(Math.max(outer, 1e-9) / cut)
      : Number.POSITIVE_INFINITY;
    const margin = Math.min(marginIn, marginOut);
    return Number.isFinite(margin) ? 1 / (1 + Math.exp(-3 * margin)) : 1;
  });
  const joinedPhotos = articles.filter((a) => a.length > 1).reduce((s, a) => s + a.length, 0);
  return {
    articles,
    low: articles.map((a, k) => a.length < 2 || confidence[k]! < 0.5),
    confidence,
    summary,
    model: nearModes,
    because: `${pct(share)} of the photos have a clearly closer partner (${pct(needed)} needed for ${n} photos): photos joined while under ${cut}x their neighbourhood's scale (their ${opts.freeNeighbours}th nearest photo), ${joinedPhotos} of ${n} photos in ${articles.length - (n - joinedPhotos)} articles of several photos`,
  };
}

/**
 * The size prior (sellers shoot 3-6 photos a garment, a lone photo is rarer): a photo left alone joins the article
 * it is closest to, on average, when that stays under the looser cut (the cut plus the one-photo penalty). A view
 * unlike the others (flat vs worn, a close-up) is the usual loner. Articles are changed in place.
 */
function attachLoners(articles: number[][], local: Float64Array, n: number, looser: number): void {
  const loners = articles.filter((a) => a.length === 1).map((a) => a[0]!);
  const groups = articles.filter((a) => a.length > 1);
  const moves: { i: number; to: number[] }[] = [];
  for (const i of loners) {
    let best = Number.POSITIVE_INFINITY;
    let to: number[] | null = null;
    for (const g of groups) {
      let s = 0;
      for (const j of g) s += local[i * n + j]!;
      if (s / g.length < best) {
        best = s / g.length;
        to = g;
      }
    }
    if (to && best < looser) moves.push({ i, to });
  }
  for (const { i, to } of moves) {
    to.push(i);
    articles.splice(
      articles.findIndex((a) => a.length === 1 && a[0] === i),
      1,
    );
  }
}

function dbscan(
  d: Float64Array,
  n: number,
  eps: number,
  minSamples: number,
): { articles: number[][]; noise: boolean[] } {
  const points = Array.from({ length: n }, (_, i) => [i]);
  const algo = new clustering.DBSCAN();
  const clusters = algo.run(points, eps, minSamples, (p: number[], q: number[]) => d[p[0]! * n + q[0]!]!);
  const articles = clusters.map((c) => [...c]);
  const noise = articles.map(() => false);
  for (const i of algo.noise) {
    articles.push([i]);
    noise.push(true);
  }
  return { articles, noise };
}

/**
 * Average-linkage agglomerative clustering, merging while the closest pair of clusters is under `cut`.
 * Nearest-neighbour chain (average linkage is reducible, so it builds the same tree as merging the closest pair
 * each time) with Lance-Williams updates: O(n^2) time, one n x n copy (2000 photos: well under a second, where
 * the closest-pair search took minutes). The tree's heights never decrease upwards, so the merges under the cut
 * are exactly those the closest-pair procedure would make before stopping.
 */
function agglomerative(d: Float64Array, n: number, cut: number): number[][] {
  const dist = Float64Array.from(d);
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const chain: number[] = [];
  let left = n;
  while (left > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1]!;
    const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
    // Nearest active cluster to a; on a tie the previous link of the chain wins, so the chain cannot cycle.
    let b = prev;
    let best = prev >= 0 ? dist[a * n + prev]! : Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a) continue;
      const v = dist[a * n + k]!;
      if (v < best) {
        best = v;
        b = k;
      }
    }
    if (b !== prev) {
      chain.push(b);
      continue;
    }
    chain.pop();
    chain.pop();
    if (best <= cut) parent[find(b)] = find(a);
    // Merge b into a (a keeps its index): average linkage by Lance-Williams.
    const sa = size[a]!;
    const sb = size[b]!;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a || k === b) continue;
      const v = (dist[a * n + k]! * sa + dist[b * n + k]! * sb) / (sa + sb);
      dist[a * n + k] = v;
      dist[k * n + a] = v;
    }
    size[a] = sa + sb;
    active[b] = 0;
    left--;
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()];
}

/** The distance of two photos apart in the order-free grouping: far over any cut, even averaged over two articles
 *  of 2000 photos each. */
const APART = 1e12;

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
