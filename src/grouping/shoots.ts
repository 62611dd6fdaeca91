/**
 * Shoots in one batch. A seller who puts several photo sessions into one folder (the multi-view garments of one day,
 * then the one-photo accessories of another) gives the sequence method two populations at once: it reads the
 * batch's own boundary between "same garment" and "next garment" from all its consecutive pairs, so a session whose
 * consecutive photos are all different garments pulls that boundary down and the multi-photo session falls apart.
 * Measured with `npm run eval -- --mixed` (two labelled sets one after the other, shooting order): deepfashion-dev's
 * garments 91.3% exact alone, 13.1% after hm-colour-dev's 360 packshots.
 *
 * A shoot boundary is a change in the distribution of consecutive distances (the share of "same garment" pairs and
 * their scale): the split of the order where the distances before and after differ most, by the two-sample
 * Kolmogorov-Smirnov statistic scaled by sqrt(t·m/(t+m)) (its asymptotic null is the Kolmogorov distribution: 1.36
 * at 5%, 1.63 at 1%; the maximum over every split, on dependent consecutive pairs, sits higher). Binary
 * segmentation: each side is searched again. Measured (`--mixed`): the largest statistic inside one labelled set
 * is 2.6 (clothing-home, hm-colour-dev, deepfashion-dev, madison-multiview, each alone, and every sub-run searched);
 * a set of one-photo garments next to a multi-photo one reads 5.9 to 12.3; two multi-photo sets one after the
 * other 2.1 to 2.5 (and group as well together as apart). The default evidence, 4, sits between with a margin on
 * both sides, far above any single test's critical value.
 */

export interface ShootOptions {
  /** A shoot holds at least this many photos: a shorter run is never cut off (it tells no distribution). */
  shootMinPhotos: number;
  /** A split is a new shoot when the scaled KS statistic of the consecutive distances reaches this. 0: never. */
  shootEvidence: number;
}

export interface ShootSplit {
  /** Index of the first consecutive pair after the split: photo `at` starts the new shoot. */
  at: number;
  /** The scaled Kolmogorov-Smirnov statistic of the split. */
  evidence: number;
}

/**
 * The split of values[from, to) (consecutive distances: values[i] is between photos i and i+1) where the two sides
 * differ most (scaled KS statistic), or null when the run is too short to leave minPairs on each side.
 */
export function strongestSplit(
  values: ArrayLike<number>,
  from: number,
  to: number,
  minPairs: number,
): ShootSplit | null {
  const len = to - from;
  if (len < 2 * minPairs) return null;
  const order = Array.from({ length: len }, (_, i) => i).sort(
    (a, b) => values[from + a]! - values[from + b]! || a - b,
  );
  const rank = new Int32Array(len);
  order.forEach((i, r) => {
    rank[i] = r;
  });
  const before = new Uint8Array(len);
  let best: ShootSplit | null = null;
  for (let t = 1; t < len; t++) {
    before[rank[t - 1]!] = 1;
    const m = len - t;
    if (t < minPairs || m < minPairs) continue;
    let a = 0;
    let b = 0;
    let gap = 0;
    for (let r = 0; r < len; r++) {
      if (before[r]) a++;
      else b++;
      const g = Math.abs(a / t - b / m);
      if (g > gap) gap = g;
    }
    const evidence = gap * Math.sqrt((t * m) / len);
    // Pair t-1 is the last before: photo from + t starts the after side.
    if (!best || evidence > best.evidence) best = { at: from + t, evidence };
  }
  return best;
}

/**
 * Where each shoot starts, as photo indices ([0] for one shoot): `consecutive[i]` is the distance between photos
 * i and i+1 in the batch's order.
 */
export function findShoots(consecutive: ArrayLike<number>, opts: ShootOptions): number[] {
  const starts = [0];
  if (!(opts.shootEvidence > 0)) return starts;
  const todo: [number, number][] = [[0, consecutive.length]];
  while (todo.length) {
    const [from, to] = todo.pop()!;
    const split = strongestSplit(consecutive, from, to, opts.shootMinPhotos);
    if (!split || split.evidence < opts.shootEvidence) continue;
    starts.push(split.at);
    // The pair across the boundary belongs to neither side.
    todo.push([from, split.at - 1], [split.at, to]);
  }
  return starts.sort((a, b) => a - b);
}
