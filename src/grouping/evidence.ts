/**
 * Batch-relative evidence for grouping: "how close is close" and "how long is a pause" are learnt from the batch
 * itself, never compared with a constant. A seller's batch in shooting order has two kinds of consecutive pairs
 * (same garment, next garment) and so two modes in their distances and in their capture gaps; a two-part normal
 * mixture on the log scale finds them, whatever the embedder's or the clock's scale.
 */

/** Two modes found in a batch's values (on the log scale). */
export interface Bimodal {
  low: { mean: number; sd: number; share: number };
  high: { mean: number; sd: number };
  /** Ashman's D: distance of the two means in pooled standard deviations (>= 2: cleanly separated). */
  separation: number;
  /** The value (original scale) where a point is as likely to belong to either mode. */
  boundary: number;
  /** Mixture density at the boundary over the lower of the two modes' peaks: a real valley is well under 1;
   *  a flat spread of values (which two normals also fit, with D ~ 3.5) has none. */
  dip: number;
  /** Added before taking logs: a tenth of the median, so exact zeros do not make an infinitely narrow mode. */
  offset: number;
}

/** Median of numbers (the lower middle for an even count); 0 for none. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  // A typed copy sorts natively: a batch of 2000 photos has 2M pairs.
  const v = Float64Array.from(values).sort();
  return v[(v.length - 1) >> 1]!;
}

function logNormal(x: number, mean: number, sd: number): number {
  return -Math.log(sd) - ((x - mean) * (x - mean)) / (2 * sd * sd);
}

/**
 * Fits two normals to log(value + offset) by EM (started from the lower and upper thirds, 300 iterations at most).
 * Returns null under 4 values or when all are equal. Scaling every value by a constant shifts the logs and
 * changes neither the separation nor (beyond the same scaling) the boundary.
 */
export function fitLogMixture(values: number[]): Bimodal | null {
  if (values.length < 4) return null;
  const med = median(values);
  const offset = med > 0 ? med / 10 : Math.max(...values) / 10;
  if (!(offset > 0)) return null;
  const xs = Array.from(Float64Array.from(values, (v) => Math.log(Math.max(0, v) + offset)).sort());
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const all = mean(xs);
  const spread = Math.sqrt(mean(xs.map((x) => (x - all) ** 2)));
  if (!(spread > 0)) return null;
  // A mode narrower than a fifth of the whole spread would be a handful of identical values, not a mode.
  const floor = spread / 5;
  const third = Math.max(1, Math.floor(xs.length / 3));
  let m1 = mean(xs.slice(0, third));
  let m2 = mean(xs.slice(-third));
  let s1 = spread / 2;
  let s2 = spread / 2;
  let p = 0.5;
  const r = new Float64Array(xs.length);
  for (let it = 0; it < 300; it++) {
    let w1 = 0;
    let a1 = 0;
    let a2 = 0;
    // logNormal's terms that do not depend on x, computed once per iteration (same operations, same order).
    const lp1 = Math.log(p);
    const lp2 = Math.log(1 - p);
    const c1 = -Math.log(s1);
    const c2 = -Math.log(s2);
    const k1 = 2 * s1 * s1;
    const k2 = 2 * s2 * s2;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const la = lp1 + (c1 - ((x - m1) * (x - m1)) / k1);
      const lb = lp2 + (c2 - ((x - m2) * (x - m2)) / k2);
      r[i] = 1 / (1 + Math.exp(lb - la));
      w1 += r[i]!;
      a1 += r[i]! * x;
      a2 += (1 - r[i]!) * x;
    }
    const w2 = xs.length - w1;
    if (w1 < 1e-6 || w2 < 1e-6) return null;
    const n1 = a1 / w1;
    const n2 = a2 / w2;
    let v1 = 0;
    let v2 = 0;
    for (let i = 0; i < xs.length; i++) {
      v1 += r[i]! * (xs[i]! - n1) ** 2;
      v2 += (1 - r[i]!) * (xs[i]! - n2) ** 2;
    }
    const moved = Math.abs(n1 - m1) + Math.abs(n2 - m2);
    m1 = n1;
    m2 = n2;
    s1 = Math.max(floor, Math.sqrt(v1 / w1));
    s2 = Math.max(floor, Math.sqrt(v2 / w2));
    p = Math.min(1 - 1e-6, Math.max(1e-6, w1 / xs.length));
    if (moved < 1e-9) break;
  }
  if (m1 > m2) return null;
  let lo = m1;
  let hi = m2;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (Math.log(p) + logNormal(mid, m1, s1) > Math.log(1 - p) + logNormal(mid, m2, s2)) lo = mid;
    else hi = mid;
  }
  const density = (x: number) =>
    (p * Math.exp(logNormal(x, m1, s1)) + (1 - p) * Math.exp(logNormal(x, m2, s2))) / Math.sqrt(2 * Math.PI);
  const dip = density((lo + hi) / 2) / Math.min(density(m1), density(m2));
  return {
    low: { mean: m1, sd: s1, share: p },
    high: { mean: m2, sd: s2 },
    separation: (m2 - m1) / Math.sqrt((s1 * s1 + s2 * s2) / 2),
    boundary: Math.exp((lo + hi) / 2) - offset,
    dip,
    offset,
  };
}

/** Capture gaps (seconds) have the same two modes: bursts of one garment, pauses between garments. */
export function fitGapModel(gaps: number[]): Bimodal | null {
  return fitLogMixture(gaps);
}

/** Probability that a value belongs to the low mode (for gaps: a burst of the same garment). */
export function gapPosterior(model: Bimodal, value: number): number {
  const x = Math.log(Math.max(0, value) + model.offset);
  // Beyond the modes' means the normals' ratio keeps growing; clamp so one odd value stays plain evidence.
  const c = Math.min(model.high.mean, Math.max(model.low.mean, x));
  const la = Math.log(model.low.share) + logNormal(c, model.low.mean, model.low.sd);
  const lb = Math.log(1 - model.low.share) + logNormal(c, model.high.mean, model.high.sd);
  return 1 / (1 + Math.exp(lb - la));
}

/**
 * Distances read against each photo's own neighbourhood, from their order alone. Every pair's distance becomes its
 * rank among all pairs of the batch (a share, 0..1; ties share their mean rank), so any monotone change of the
 * distances (another embedder's scale, a rank-combined evidence, a square root) gives the same result. Each photo's
 * scale is that share at its k-th nearest photo, and a pair's value is its share over the geometric mean of the two
 * photos' scales: under 1 the two photos are closer to each other than to their k-th neighbours, whether the batch
 * is a tight studio series or a spread of floor shots. Symmetric, n x n row-major, 0 on the diagonal.
 */
export function neighbourhoodDistances(d: ArrayLike<number>, n: number, k: number): Float64Array {
  // Mean 1-based rank of each tie group, as a share of all pairs.
  const share = rankTies(d, n, (first, last, m) => (first + (last + 1) + 1) / 2 / m);
  const kk = Math.max(1, Math.min(k, n - 1));
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n - 1);
    for (let j = 0, q = 0; j < n; j++) if (j !== i) row[q++] = share[i * n + j]!;
    row.sort();
    scale[i] = row[kk - 1] ?? 1;
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = share[i * n + j]! / Math.sqrt(scale[i]! * scale[j]!);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  return out;
}

/** The "same garment" mode of consecutive distances, fitted against the batch's own null (see fitAgainstNull). */
export interface SameMode {
  /** Log-scale mean and standard deviation of "same garment" distances, and their share of the consecutive pairs. */
  same: { mean: number; sd: number; share: number };
  /** Log-scale mean and standard deviation of all the batch's pairs: almost all show two different garments. */
  null: { mean: number; sd: number };
  /** The distance (original scale) where a consecutive pair is as likely the same garment as not. */
  boundary: number;
}

/**
 * Fits the "same garment" mode of the consecutive distances against a known "different garments" mode: almost
 * every pair of a batch (all n(n-1)/2 of them, not only consecutive ones) shows two different garments, so their
 * log-distances give that mode's mean and spread, measured rather than fitted. Only the same-garment normal and
 * its share are fitted (EM, started two null spreads under the null's mean), which a batch of a few dozen
 * photos constrains far better than a free two-normal mixture. Returns null under 4 values, for a degenerate
 * null, or when the fitted mode does not sit under the null's mean (no "same garment" pairs to speak of).
 */
export function fitAgainstNull(consecutive: number[], allPairs: ArrayLike<number>): SameMode | null {
  if (consecutive.length < 4 || allPairs.length < 4) return null;
  const all = Float64Array.from(allPairs, (x) => Math.log(Math.max(x, 1e-12))).sort();
  const xs = consecutive.map((x) => Math.log(Math.max(x, 1e-12)));
  // The null leaves out the lowest pairs, as many as the fitted mode implies are one garment's: with a share p
  // of consecutive pairs inside articles, a batch of n photos holds n(1 - p) articles of 1 / (1 - p) photos on
  // average, i.e. a fraction p / ((1 - p)(n - 1)) of all pairs (a few per mille in a batch of hundreds, a sixth
  // in a batch of 17 photos of 5 garments). Three rounds settle it.
  const n = consecutive.length + 1;
  let fit: SameMode | null = null;
  let drop = 0;
  for (let round = 0; round < 3; round++) {
    const kept = all.subarray(Math.min(all.length - 2, Math.floor(drop * all.length)));
    let sum = 0;
    for (const x of kept) sum += x;
    const nm = sum / kept.length;
    let sq = 0;
    for (const x of kept) sq += (x - nm) ** 2;
    const ns = Math.sqrt(sq / kept.length);
    if (!(ns > 0)) return null;
    fit = fitSame(xs, nm, ns);
    if (!fit) return null;
    const p = Math.min(fit.same.share, 1 - 1 / n);
    drop = Math.min(0.5, p / ((1 - p) * (n - 1)));
  }
  return fit;
}

function fitSame(xs: number[], nm: number, ns: number): SameMode | null {
  let m = nm - 2 * ns;
  let sd = ns / 2;
  let p = 0.5;
  const r = new Float64Array(xs.length);
  // The null's log-density of each value never changes; the fitted mode's constant terms change per iteration.
  const nullDensity = Float64Array.from(xs, (x) => logNormal(x, nm, ns));
  for (let it = 0; it < 300; it++) {
    let w = 0;
    let a = 0;
    const lp1 = Math.log(p);
    const lp2 = Math.log(1 - p);
    const c = -Math.log(sd);
    const k = 2 * sd * sd;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const la = lp1 + (c - ((x - m) * (x - m)) / k);
      const lb = lp2 + nullDensity[i]!;
      r[i] = 1 / (1 + Math.exp(lb - la));
      w += r[i]!;
      a += r[i]! * xs[i]!;
    }
    if (w < 1e-6) return null;
    const next = a / w;
    let v = 0;
    for (let i = 0; i < xs.length; i++) v += r[i]! * (xs[i]! - next) ** 2;
    const moved = Math.abs(next - m);
    m = next;
    // A mode narrower than a tenth of the null's spread would be a handful of identical values, not a mode.
    sd = Math.max(ns / 10, Math.sqrt(v / w));
    p = Math.min(1 - 1e-6, Math.max(1e-6, w / xs.length));
    if (moved < 1e-9) break;
  }
  if (!(m < nm)) return null;
  let lo = m;
  let hi = nm;
  const prior = Math.log(p) - Math.log(1 - p);
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (prior + logNormal(mid, m, sd) > logNormal(mid, nm, ns)) lo = mid;
    else hi = mid;
  }
  return { same: { mean: m, sd, share: p }, null: { mean: nm, sd: ns }, boundary: Math.exp((lo + hi) / 2) };
}

/**
 * Each off-diagonal entry of a symmetric n x n matrix replaced by its rank among the n(n-1)/2 pairs, scaled to
 * (0, 1): (rank + 0.5) / pairs, tied values sharing their mean rank (then passed through `then`, if given).
 * The diagonal stays 0.
 */
export function pairRanks(
  d: ArrayLike<number>,
  n: number,
  then: (r: number) => number = (r) => r,
): Float64Array {
  return rankTies(d, n, (first, last, m) => then(((first + last) / 2 + 0.5) / m));
}

/**
 * The pairs of a symmetric n x n matrix in ascending order (radix order: 125 000 pairs of 500 photos), each tie
 * group given `value(first, last, pairs)` from its first and last 0-based positions in that order. The diagonal
 * stays 0.
 */
function rankTies(
  d: ArrayLike<number>,
  n: number,
  value: (first: number, last: number, m: number) => number,
): Float64Array {
  const m = (n * (n - 1)) / 2;
  const values = new Float64Array(m);
  const at = new Int32Array(m);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      values[k] = d[i * n + j]!;
      at[k++] = i * n + j;
    }
  const order = sortOrder(values);
  const out = new Float64Array(n * n);
  for (let a = 0; a < m; ) {
    let b = a;
    while (b + 1 < m && values[order[b + 1]!] === values[order[a]!]) b++;
    const r = value(a, b, m);
    for (let q = a; q <= b; q++) {
      const p = at[order[q]!]!;
      out[p] = r;
      out[(p % n) * n + Math.floor(p / n)] = r;
    }
    a = b + 1;
  }
  return out;
}

/**
 * The permutation that sorts `values` ascending (stable): an LSD radix sort on the 64-bit patterns, flipped so
 * that their unsigned order is the numbers' order, four passes of 16 bits. 2000 photos have 2M pairs, where a
 * comparison sort of indices takes seconds.
 */
export function sortOrder(values: Float64Array): Uint32Array {
  const m = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, m * 2);
  const lo = new Uint32Array(m);
  const hi = new Uint32Array(m);
  // Little-endian (Node on x64 and arm64): the high word of value i is bits[2i + 1].
  for (let i = 0; i < m; i++) {
    let h = bits[2 * i + 1]!;
    let l = bits[2 * i]!;
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    if (values[i] === 0) {
      // -0 and +0 are equal numbers: one key.
      h = 0x80000000;
      l = 0;
    }
    hi[i] = h;
    lo[i] = l;
  }
  let order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  let next = new Uint32Array(m);
  const count = new Uint32Array(65537);
  for (const [word, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    count.fill(0);
    for (let i = 0; i < m; i++) count[((word[order[i]!]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 1; b <= 65536; b++) count[b] = count[b]! + count[b - 1]!;
    for (let i = 0; i < m; i++) {
      const v = order[i]!;
      next[count[(word[v]! >>> shift) & 0xffff]!++] = v;
    }
    [order, next] = [next, order];
  }
  return order;
}

/**
 * Does the order carry signal, with evidence calibrated to the batch's size? The statistic is the sum, over
 * consecutive pairs, of each pair's normal score (pairScores: its rank among all the batch's pairs, read as a
 * standard normal quantile); under "the order is arbitrary" (a random permutation of the same photos) its exact
 * mean and variance follow from the batch's own pair values (a Mantel test on a path: a consecutive pair is a
 * random pair, two neighbouring ones share a photo, the others share none). Returns how many standard deviations
 * the consecutive pairs sit closer than chance. Normal scores make the sum close to normal even for a dozen
 * photos, so one threshold means about the same false-alarm rate at every size; only ranks count.
 */
export function orderScore(d: ArrayLike<number>, n: number): number {
  if (n < 4) return 0;
  const z = pairRanks(d, n, normalQuantile);
  let total = 0;
  let squares = 0;
  let rowSquares = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++)
      if (j !== i) {
        const v = z[i * n + j]!;
        row += v;
        if (j > i) {
          total += v;
          squares += v * v;
        }
      }
    rowSquares += row * row;
  }
  const pairs = (n * (n - 1)) / 2;
  const mean = total / pairs;
  const second = squares / pairs;
  const adjacent = (rowSquares - 2 * squares) / (n * (n - 1) * (n - 2));
  const disjoint = (4 * total * total - 4 * rowSquares + 4 * squares) / (n * (n - 1) * (n - 2) * (n - 3));
  const m = n - 1;
  const variance =
    m * (second - mean * mean) +
    2 * (m - 1) * (adjacent - mean * mean) +
    (m - 1) * (m - 2) * (disjoint - mean * mean);
  let s = 0;
  for (let i = 0; i + 1 < n; i++) s += z[i * n + i + 1]!;
  return variance > 0 ? (m * mean - s) / Math.sqrt(variance) : 0;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9), for p in (0, 1). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
