import { colorGridDistance, hashWords, popcount } from "../imaging/hash.js";

export interface HashedPhoto {
  sha256: string;
  ahash: string;
  phash: string;
  colorgrid: string;
  /** Pixel count of the original; the larger copy is the one kept. */
  pixels: number;
}

export interface DuplicatePair {
  a: number;
  b: number;
  kind: "identical" | "perceptual";
  phashDistance: number;
  ahashDistance: number;
  colorDistance: number;
}

export interface DuplicateThresholds {
  maxHamming: number;
  requireBoth: boolean;
  maxColorDelta: number;
}

/**
 * Finds every pair of photos that are the same picture: same bytes, or pHash/aHash within maxHamming and
 * colour grids within maxColorDelta.
 */
export function findDuplicatePairs(photos: HashedPhoto[], t: DuplicateThresholds): DuplicatePair[] {
  // Each hash parsed once into two 32-bit words (all pairs of 500 photos are 125 000 comparisons).
  const words = new Uint32Array(photos.length * 4);
  photos.forEach((p, i) => {
    words.set([...hashWords(p.phash), ...hashWords(p.ahash)], i * 4);
  });
  const bits = (i: number, j: number, k: number) =>
    popcount(words[i * 4 + k]! ^ words[j * 4 + k]!) + popcount(words[i * 4 + k + 1]! ^ words[j * 4 + k + 1]!);
  const pairs: DuplicatePair[] = [];
  for (let a = 0; a < photos.length; a++)
    for (let b = a + 1; b < photos.length; b++) {
      const pa = photos[a]!;
      const pb = photos[b]!;
      const phashDistance = bits(a, b, 0);
      const identical = pa.sha256 === pb.sha256;
      const p = phashDistance <= t.maxHamming;
      if (!identical && t.requireBoth && !p) continue;
      const ahashDistance = bits(a, b, 2);
      if (identical) {
        pairs.push({ a, b, kind: "identical", phashDistance, ahashDistance, colorDistance: 0 });
        continue;
      }
      const q = ahashDistance <= t.maxHamming;
      if (!(t.requireBoth ? p && q : p || q)) continue;
      const colorDistance = colorGridDistance(pa.colorgrid, pb.colorgrid);
      if (colorDistance <= t.maxColorDelta)
        pairs.push({ a, b, kind: "perceptual", phashDistance, ahashDistance, colorDistance });
    }
  return pairs;
}

export interface DuplicateDecision {
  /** Index of the photo kept in its place. */
  of: number;
  pair: DuplicatePair;
}

/**
 * Decides which photo of each duplicate group stays: the one with most pixels, then the earliest. Every other
 * member points at it (directly, even when the pairs chain: A~B~C all point at the keeper).
 */
export function decideDuplicates(
  photos: HashedPhoto[],
  pairs: DuplicatePair[],
): Map<number, DuplicateDecision> {
  const parent = photos.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (const p of pairs) parent[find(p.a)] = find(p.b);
  const groups = new Map<number, number[]>();
  photos.forEach((_, i) => {
    const r = find(i);
    groups.set(r, [...(groups.get(r) ?? []), i]);
  });
  const decisions = new Map<number, DuplicateDecision>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const keeper = members.reduce(
      (best, i) => (photos[i]!.pixels > photos[best]!.pixels ? i : best),
      members[0]!,
    );
    for (const i of members) {
      if (i === keeper) continue;
      const direct = pairs.find((p) => (p.a === i && p.b === keeper) || (p.b === i && p.a === keeper));
      const any = direct ?? pairs.find((p) => p.a === i || p.b === i)!;
      decisions.set(i, { of: keeper, pair: any });
    }
  }
  return decisions;
}
