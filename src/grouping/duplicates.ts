import { colorGridDelta, hashWords, popcount, turnColorGrid } from "../imaging/hash.js";

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
  /** Size as shown (EXIF orientation applied): a copy a quarter turn apart has width and height swapped. */
  width?: number;
  height?: number;
  /** aHash and pHash of the photo turned 90°, 180°, 270° clockwise (PhotoHashes.turned); absent in entries of an
   *  older vbulk: such a photo is compared turned only through the other photo's turned hashes. */
  turned?: { ahash: readonly string[]; phash: readonly string[] };
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
  /** Set when the two are the same picture only once turned: photo a turned this many degrees clockwise shows
   *  photo b (an orientation tag lost or added). The distances above are then those of the turned photo. */
  turned?: 90 | 180 | 270;
}

export interface DuplicateThresholds {
  maxHamming: number;
  requireBoth: boolean;
  maxColorDelta: number;
  maxCellColorDelta: number;
  colorwayMinCells: number;
  turnedAspectTolerance: number;
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
 * within maxColorDelta on average and maxCellColorDelta in every cell), or the same pose in another colour. A pair
 * whose hashes do not match as shown is compared once more with one photo turned a quarter, a half and three
 * quarters of a turn (the same limits, on the turned hashes and colour grid): a copy that lost its EXIF orientation
 * tag, or had its pixels turned, shows the same picture sideways or upside down. A quarter turn swaps the shown
 * width and height, a half turn keeps them: a pair whose sizes say otherwise (beyond turnedAspectTolerance) is not
 * compared turned.
 */
export function comparePhotos(photos: HashedPhoto[], t: DuplicateThresholds): PhotoPairs {
  // Each hash parsed once into two 32-bit words (all pairs of 500 photos are 125 000 comparisons): per photo, the
  // pHash then the aHash as shown (slot 0), then turned 1, 2 and 3 quarters clockwise (slots 1-3).
  const words = new Uint32Array(photos.length * 16);
  const turnable = Uint8Array.from(
    photos,
    (p) => +(p.turned?.phash.length === 3 && p.turned.ahash.length === 3),
  );
  photos.forEach((p, i) => {
    words.set([...hashWords(p.phash), ...hashWords(p.ahash)], i * 16);
    if (turnable[i])
      for (let q = 1; q <= 3; q++)
        words.set(
          [...hashWords(p.turned!.phash[q - 1]!), ...hashWords(p.turned!.ahash[q - 1]!)],
          i * 16 + q * 4,
        );
  });
  /** Differing bits between photo i in slot si and photo j in slot sj; k = 0 for the pHash, 2 for the aHash. */
  const bits = (i: number, si: number, j: number, sj: number, k: number) => {
    const x = i * 16 + si * 4 + k;
    const y = j * 16 + sj * 4 + k;
    return popcount(words[x]! ^ words[y]!) + popcount(words[x + 1]! ^ words[y + 1]!);
  };
  // Shown proportions (log of width / height), where known: a quarter turn negates it.
  const aspect = Float64Array.from(photos, (p) =>
    p.width && p.height ? Math.log(p.width / p.height) : Number.NaN,
  );
  const turnFits = (a: number, b: number, q: number) => {
    const x = aspect[a]!;
    const y = aspect[b]!;
    if (Number.isNaN(x) || Number.isNaN(y)) return true;
    return Math.abs((q % 2 ? -x : x) - y) <= t.turnedAspectTolerance;
  };
  const hashesMatch = (p: number, q: number) =>
    t.requireBoth ? p <= t.maxHamming && q <= t.maxHamming : p <= t.maxHamming || q <= t.maxHamming;
  const duplicates: DuplicatePair[] = [];
  const colorways: [number, number][] = [];
  for (let a = 0; a < photos.length; a++)
    for (let b = a + 1; b < photos.length; b++) {
      const pa = photos[a]!;
      const pb = photos[b]!;
      const phashDistance = bits(a, 0, b, 0, 0);
      if (pa.sha256 === pb.sha256) {
        duplicates.push({
          a,
          b,
          kind: "identical",
          phashDistance,
          ahashDistance: bits(a, 0, b, 0, 2),
          colorDistance: 0,
          cellColorDistance: 0,
        });
        continue;
      }
      // As shown. With requireBoth a pHash over the limit settles it (most pairs: the aHash is not counted).
      const ahashDistance = t.requireBoth && phashDistance > t.maxHamming ? -1 : bits(a, 0, b, 0, 2);
      if (ahashDistance >= 0 && hashesMatch(phashDistance, ahashDistance)) {
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
        // The pair was judged in the pose it shows; a turn of it is not looked for.
        continue;
      }
      // Turned: a turned q quarters clockwise against b as shown, or b turned back (4 - q) against a, from
      // whichever photo has its turned hashes.
      if (!turnable[a] && !turnable[b]) continue;
      for (let q = 1; q <= 3; q++) {
        if (!turnFits(a, b, q)) continue;
        const turnedP = turnable[a] ? bits(a, q, b, 0, 0) : bits(b, 4 - q, a, 0, 0);
        if (t.requireBoth && turnedP > t.maxHamming) continue;
        const turnedA = turnable[a] ? bits(a, q, b, 0, 2) : bits(b, 4 - q, a, 0, 2);
        if (!hashesMatch(turnedP, turnedA)) continue;
        const colour = colorGridDelta(turnColorGrid(pa.colorgrid, q), pb.colorgrid);
        if (colour.mean > t.maxColorDelta || colour.max > t.maxCellColorDelta) continue;
        duplicates.push({
          a,
          b,
          kind: "perceptual",
          phashDistance: turnedP,
          ahashDistance: turnedA,
          colorDistance: colour.mean,
          cellColorDistance: colour.max,
          turned: (q * 90) as 90 | 180 | 270,
        });
        break;
      }
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
 * its place in the shooting sequence is what groups it with its garment), then one not shown sideways (of two
 * copies a quarter turn apart, the landscape one when the other is portrait: garments are shot upright, Vinted asks
 * for 3:4 portrait, and a copy that lost a phone's orientation tag shows its portrait photo on its side), then the
 * one with most pixels, then one
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
  const portrait = (i: number) => (photos[i]!.height ?? 0) > (photos[i]!.width ?? 0);
  const landscape = (i: number) => (photos[i]!.width ?? 0) > (photos[i]!.height ?? 0);
  const sideways = new Set<number>();
  for (const p of pairs)
    if (p.turned === 90 || p.turned === 270)
      for (const [x, y] of [
        [p.a, p.b],
        [p.b, p.a],
      ] as const)
        if (landscape(x) && portrait(y)) sideways.add(x);
  const upright = (i: number) => (sideways.has(i) ? 0 : 1);
  const copyName = (i: number) => {
    const name = photos[i]!.name;
    return name !== undefined && namedAsCopy(name) ? 1 : 0;
  };
  const decisions = new Map<number, DuplicateDecision>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const keeper = members.reduce((best, i) => {
      const better =
        weight(i) - weight(best) ||
        upright(i) - upright(best) ||
        photos[i]!.pixels - photos[best]!.pixels ||
        copyName(best) - copyName(i);
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
