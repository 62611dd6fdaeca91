import { colorGridDelta, hashWords, popcount } from "../imaging/hash.js";

export interface HashedPhoto {
  sha256: string;
  ahash: string;
  phash: string;
  colorgrid: string;
  /** Pixel count of the original; the larger copy is the one kept (within one folder). */
  pixels: number;
  /** The folder the photo is in (relative); the copy in the folder holding most of the batch is kept. */
  folder?: string;
  /** The file's name: between copies alike in all else, one named as a copy (« x (1).jpg ») is set aside. */
  name?: string;
}

/** A name as a second export or a file manager names a copy: « x (1).jpg », « x copy.jpg », « x - Copie.jpg ». */
const COPY_NAME = /(?: \(\d+\)| copy(?: \d+)?| - (?:copy|copie)(?: \(\d+\))?)$/i;

/** Whether a file's name says it is a copy of another (COPY_NAME, on the name without its extension). */
export function namedAsCopy(name: string): boolean {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return COPY_NAME.test(dot > 0 ? base.slice(0, dot) : base);
}

export interface DuplicatePair {
  a: number;
  b: number;
  kind: "identical" | "perceptual";
  phashDistance: number;
  ahashDistance: number;
  /** Mean ΔE over the 8x8 colour grids. */
  colorDistance: number;
  /** Largest ΔE of one grid cell. */
  cellColorDistance: number;
}

export interface DuplicateThresholds {
  maxHamming: number;
  requireBoth: boolean;
  maxColorDelta: number;
  maxCellColorDelta: number;
  colorwayMinCells: number;
}

/** What comparing every pair of a batch found. */
export interface PhotoPairs {
  /** Pairs that are the same picture. */
  duplicates: DuplicatePair[];
  /** Pairs in the same pose (greyscale hashes within maxHamming) where a part of the picture changed colour and
   *  the rest did not: at least colorwayMinCells of the 8x8 cells over maxCellColorDelta, fewer than half of
   *  them. One garment cannot change colour between two shots; two colourways of one style shot in one pose (a
   *  studio, a seller's floor) do exactly this, so such a pair is two garments, whatever the rest of the
   *  evidence says. A change of light moves most cells and is not counted. */
  colorways: [number, number][];
}

/**
 * Compares every pair of photos: the same picture (same bytes, or pHash/aHash within maxHamming and colour grids
 * within maxColorDelta on average and maxCellColorDelta in every cell), or the same pose in another colour.
 */
export function comparePhotos(photos: HashedPhoto[], t: DuplicateThresholds): PhotoPairs {
  // Each hash parsed once into two 32-bit words (all pairs of 500 photos are 125 000 comparisons).
  const words = new Uint32Array(photos.length * 4);
  photos.forEach((p, i) => {
    words.set([...hashWords(p.phash), ...hashWords(p.ahash)], i * 4);
  });
  const bits = (i: number, j: number, k: number) =>
    popcount(words[i * 4 + k]! ^ words[j * 4 + k]!) + popcount(words[i * 4 + k + 1]! ^ words[j * 4 + k + 1]!);
  const duplicates: DuplicatePair[] = [];
  const colorways: [number, number][] = [];
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
        duplicates.push({
          a,
          b,
          kind: "identical",
          phashDistance,
          ahashDistance,
          colorDistance: 0,
          cellColorDistance: 0,
        });
        continue;
      }
      const q = ahashDistance <= t.maxHamming;
      if (!(t.requireBoth ? p && q : p || q)) continue;
      const colour = colorGridDelta(pa.colorgrid, pb.colorgrid, t.maxCellColorDelta);
      if (colour.mean <= t.maxColorDelta && colour.max <= t.maxCellColorDelta)
        duplicates.push({
          a,
          b,
          kind: "perceptual",
          phashDistance,
          ahashDistance,
          colorDistance: colour.mean,
          cellColorDistance: colour.max,
        });
      else if (colour.over >= t.colorwayMinCells && 2 * colour.over < colour.cells) colorways.push([a, b]);
    }
  return { duplicates, colorways };
}

export interface DuplicateDecision {
  /** Index of the photo kept in its place. */
  of: number;
  pair: DuplicatePair;
}

/**
 * Decides which photo of each duplicate group stays: the one in the folder that holds most of the batch (the shoot:
 * its place in the shooting sequence is what groups it with its garment), then the one with most pixels, then one
 * not named as a copy (namedAsCopy: « IMG_0002 (1).jpg », a second phone export, sorts before « IMG_0002.jpg » and
 * took its place when added to a worked folder), then the earliest. A Google Takeout copy in an album folder, or a
 * larger export kept elsewhere, is the one set aside.
 * Every other member points at it (directly, even when the pairs chain: A~B~C all point at the keeper).
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
  const perFolder = new Map<string | undefined, number>();
  for (const p of photos) perFolder.set(p.folder, (perFolder.get(p.folder) ?? 0) + 1);
  const weight = (i: number) => perFolder.get(photos[i]!.folder) ?? 0;
  const copyName = (i: number) => {
    const name = photos[i]!.name;
    return name !== undefined && namedAsCopy(name) ? 1 : 0;
  };
  const decisions = new Map<number, DuplicateDecision>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const keeper = members.reduce((best, i) => {
      const better =
        weight(i) - weight(best) || photos[i]!.pixels - photos[best]!.pixels || copyName(best) - copyName(i);
      return better > 0 ? i : best;
    }, members[0]!);
    for (const i of members) {
      if (i === keeper) continue;
      const direct = pairs.find((p) => (p.a === i && p.b === keeper) || (p.b === i && p.a === keeper));
      const any = direct ?? pairs.find((p) => p.a === i || p.b === i)!;
      decisions.set(i, { of: keeper, pair: any });
    }
  }
  return decisions;
}
