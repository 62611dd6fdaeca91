/**
 * k-means with k-means++ seeding, on flat typed arrays: the same answer shape as ml-kmeans' `kmeans()` (cluster
 * of each point, centroids), at a fraction of its cost. ml-kmeans' seeding builds ml-matrix distance matrices
 * and cost ~30 ms of JavaScript-thread time per photo (bench/out/micro, 2304 Lab points, k = 4); this takes ~1 ms,
 * which matters because that thread also feeds the CLIP encoder. Deterministic for a given seed.
 */
export function kmeans(
  data: readonly (readonly number[])[],
  k: number,
  opts: { seed?: number; maxIterations?: number; tolerance?: number; initialization?: "kmeans++" } = {},
): { clusters: number[]; centroids: number[][] } {
  const n = data.length;
  const d = data[0]?.length ?? 0;
  if (n < k || k < 1) throw new Error(`k-means needs at least k = ${k} points, got ${n}`);
  const x = new Float64Array(n * d);
  data.forEach((p, i) => {
    for (let j = 0; j < d; j++) x[i * d + j] = p[j]!;
  });
  const random = mulberry32(opts.seed ?? 42);
  const centers = new Float64Array(k * d);
  const dist2 = (i: number, c: Float64Array, ci: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = x[i * d + j]! - c[ci * d + j]!;
      s += t * t;
    }
    return s;
  };
  // k-means++: each next centre is drawn with probability proportional to its squared distance to the nearest.
  const first = Math.floor(random() * n);
  for (let j = 0; j < d; j++) centers[j] = x[first * d + j]!;
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, dist2(i, centers, c - 1));
      total += nearest[i]!;
    }
    let pick = n - 1;
    if (total > 0) {
      let r = random() * total;
      for (let i = 0; i < n; i++) {
        r -= nearest[i]!;
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    } else pick = Math.floor(random() * n);
    for (let j = 0; j < d; j++) centers[c * d + j] = x[pick * d + j]!;
  }
  const clusters = new Array<number>(n).fill(0);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-6;
  for (let it = 0; it < maxIterations; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const dd = dist2(i, centers, c);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      clusters[i] = best;
      counts[best] = counts[best]! + 1;
      for (let j = 0; j < d; j++) sums[best * d + j] = sums[best * d + j]! + x[i * d + j]!;
    }
    let moved = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centre
      for (let j = 0; j < d; j++) {
        const next = sums[c * d + j]! / counts[c]!;
        const t = next - centers[c * d + j]!;
        moved = Math.max(moved, t * t);
        centers[c * d + j] = next;
      }
    }
    if (moved <= tolerance) break;
  }
  const centroids = Array.from({ length: k }, (_, c) => Array.from(centers.subarray(c * d, (c + 1) * d)));
  return { clusters, centroids };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
