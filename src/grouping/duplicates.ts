import { colorGridDelta, hexWord, popcount, turnColorGrid } from "../imaging/hash.js";

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

/**
 * The name (without extension, same folder, lower case) of the photo a file's name says it is an edited copy of, as
 * phones and photo apps name the edit they keep beside the original: iOS Photos exported over USB or Image Capture
 * (`IMG_E0001.JPG` beside `IMG_0001.HEIC`), Google Photos and Takeout (`PXL_….MP-edited.jpg`, `x-modifié.jpg` in
 * French). Null for any other name.
 */
export function editedCopyOf(name: string): string | null {
  const dot = name.lastIndexOf(".");
  const stem = (dot > name.lastIndexOf("/") + 1 ? name.slice(0, dot) : name).normalize("NFC");
  const slash = stem.lastIndexOf("/") + 1;
  const [folder, base] = [stem.slice(0, slash), stem.slice(slash)];
  const ios = /^IMG_E(\d{4})$/i.exec(base);
  if (ios) return `${folder}IMG_${ios[1]}`.toLowerCase();
  const app = /^(.+)-(?:edited|modifié|modifie|bearbeitet|editado|modificato)$/i.exec(base);
  return app ? `${folder}${app[1]}`.toLowerCase() : null;
}

/** A file's name without its extension, in lower case: what editedCopyOf's answer is compared with. */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return (dot > name.lastIndexOf("/") + 1 ? name.slice(0, dot) : name).normalize("NFC").toLowerCase();
}

export interface DuplicatePair {
  a: number;
  b: number;
  /** `edited`: b is an edited copy of a (editedCopyOf, confirmed by the caller): b is kept, in a's place. */
  kind: "identical" | "perceptual" | "edited";
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
  const n = photos.length;
  // Each hash parsed once into two 32-bit words (all pairs of 500 photos are 125 000 comparisons): per photo, the
  // pHash then the aHash as shown (slot 0), then turned 1, 2 and 3 quarters clockwise (slots 1-3).
  const words = new Uint32Array(n * 16);
  const turnable = new Uint8Array(n);
  // Shown proportions (log of width / height; NaN where unknown): a quarter turn negates it.
  const aspect = new Float64Array(n);
  // Parsed with hexWord, allocating nothing: after a cache of 500 photos is read the young generation is full,
  // and a small array per hash (hashWords) set off a collection here (20 ms, --trace-gc).
  const put = (hex: string, at: number) => {
    words[at] = hexWord(hex, 0);
    words[at + 1] = hexWord(hex, 8);
  };
  for (let i = 0; i < n; i++) {
    const p = photos[i]!;
    put(p.phash, i * 16);
    put(p.ahash, i * 16 + 2);
    aspect[i] = p.width && p.height ? Math.log(p.width / p.height) : Number.NaN;
    const turned = p.turned;
    if (turned?.phash.length !== 3 || turned.ahash.length !== 3) continue;
    turnable[i] = 1;
    for (let q = 1; q <= 3; q++) {
      put(turned.phash[q - 1]!, i * 16 + q * 4);
      put(turned.ahash[q - 1]!, i * 16 + q * 4 + 2);
    }
  }
  /** Differing bits between the hashes at word offsets x and y (a pHash or an aHash: two words each). */
  const bits = (x: number, y: number) =>
    popcount(words[x]! ^ words[y]!) + popcount(words[x + 1]! ^ words[y + 1]!);
  const { maxHamming: max, requireBoth: both, turnedAspectTolerance: tolerance } = t;
  const duplicates: DuplicatePair[] = [];
  const colorways: [number, number][] = [];
  // Kept lean: this loop runs once per pair, mostly in a process too short-lived for V8 to have optimised it.
  for (let a = 0; a < n; a++) {
    const pa = photos[a]!;
    const oa = a * 16;
    const xa = aspect[a]!;
    for (let b = a + 1; b < n; b++) {
      const pb = photos[b]!;
      const ob = b * 16;
      const phashDistance = bits(oa, ob);
      if (pa.sha256 === pb.sha256) {
        duplicates.push({
          a,
          b,
          kind: "identical",
          phashDistance,
          ahashDistance: bits(oa + 2, ob + 2),
          colorDistance: 0,
          cellColorDistance: 0,
        });
        continue;
      }
      // As shown. With requireBoth a pHash over the limit settles it (most pairs: the aHash is not counted).
      if (!both || phashDistance <= max) {
        const ahashDistance = bits(oa + 2, ob + 2);
        if (both ? ahashDistance <= max : phashDistance <= max || ahashDistance <= max) {
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
          else if (colour.over >= t.colorwayMinCells && 2 * colour.over < colour.cells)
            colorways.push([a, b]);
          // The pair was judged in the pose it shows; a turn of it is not looked for.
          continue;
        }
      }
      // Turned: a turned q quarters clockwise against b as shown, or b turned back (4 - q) against a, from
      // whichever photo has its turned hashes; a quarter turn only where the proportions swap, a half turn only
      // where they stay.
      const ta = turnable[a] === 1;
      if (!ta && turnable[b] === 0) continue;
      const xb = aspect[b]!;
      const unknown = Number.isNaN(xa) || Number.isNaN(xb);
      const quarter = unknown || Math.abs(xa + xb) <= tolerance;
      const half = unknown || Math.abs(xa - xb) <= tolerance;
      if (!quarter && !half) continue;
      for (let q = 1; q <= 3; q++) {
        if (!(q === 2 ? half : quarter)) continue;
        const x = ta ? oa + q * 4 : ob + (4 - q) * 4;
        const y = ta ? ob : oa;
        const turnedP = bits(x, y);
        if (both && turnedP > max) continue;
        const turnedA = bits(x + 2, y + 2);
        if (both ? turnedA > max : turnedP > max && turnedA > max) continue;
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
 * its place in the shooting sequence is what groups it with its garment), then the edited copy of an `edited` pair
 * (the phone's edit, which the seller meant to show), then one not shown sideways (of two
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
  // The edit a seller made on the phone is the photo they meant to show (brighter, straightened, cropped).
  const edits = new Set(pairs.filter((p) => p.kind === "edited").map((p) => p.b));
  const edited = (i: number) => (edits.has(i) ? 1 : 0);
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
        edited(i) - edited(best) ||
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
