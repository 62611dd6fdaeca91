import { rgbToLab } from "./lab.js";
import { loadSharp } from "./sharp.js";

/**
 * Garment/background separation and a description of the garment's own colours.
 *
 * The photo is shrunk to `size` x `size` and converted to CIELAB. The background is what touches the frame: the
 * border's colours that are common along the border (or common there and rare in the centre, a floor seen at the
 * edges only) are background references, and the background is every pixel within `deltaE` of a reference that is
 * connected to the border through such pixels (a flood fill, so a white collar inside a dark jacket stays garment).
 * Everything else is the garment (with a model-worn photo: the person and what they wear). When almost nothing is
 * left, the garment fills the frame (a close-up of fabric or a label) and the whole frame is the garment.
 *
 *   const photo = await decodePhoto(bytes, 256);
 *   const g = await describeGarment(photo.pixels, photo.pw, photo.ph);
 *   g.mask          // Uint8Array size*size, 1 = garment
 *   g.lab           // Float32Array size*size*3, the Lab pixels the mask refers to
 *   g.histogram     // unit vector: square-rooted Lab histogram of the garment pixels (for grouping)
 *   g.coverage      // share of the frame that is garment, 0..1
 *
 * Colour naming can reuse `garmentMask(lab, size)` on its own Lab sample.
 */

/** Settings of the separation; the defaults are the ones grouping was measured with (bench/eval.ts). */
export interface GarmentOptions {
  /** Side of the square sample (pixels). 64: a garment's colours survive, the flood fill costs ~0.2 ms. */
  size: number;
  /** ΔE (CIE76) under which a pixel counts as like a background reference. 8 keeps a white shirt on a
   *  light-grey studio wall apart from the wall more often than 12 (deepfashion-dev flat shots). */
  deltaE: number;
  /** A border colour shared by at least this share of the border is background, whatever the centre holds. */
  borderMajority: number;
  /** A border colour shared by at least this share of the border is background if it covers less than
   *  `centreShare` of the centre (a floor that shows at the edges; not a jacket cut by a waist-up crop). */
  borderMinority: number;
  centreShare: number;
  /** Below this share of garment pixels the photo is a close-up: the whole frame is the garment. */
  minCoverage: number;
}

export const GARMENT_DEFAULTS: Readonly<GarmentOptions> = Object.freeze({
  size: 64,
  deltaE: 8,
  borderMajority: 0.3,
  borderMinority: 0.1,
  centreShare: 0.1,
  minCoverage: 0.05,
});

/** Bins of the garment colour histogram: L in 3, a and b in 8 each over [-64, 64]. */
const L_BINS = 3;
const AB_BINS = 8;
const AB_RANGE = 64;
export const GARMENT_HISTOGRAM_DIMS = L_BINS * AB_BINS * AB_BINS;

/** Names the garment descriptor and its version; part of the per-photo cache key (a change recomputes it). */
export const GARMENT_FEATURE_ID = "garment-colour-v7";
/** Cache key of the garment's share of the frame (a one-value vector), same version. */
export const GARMENT_COVERAGE_ID = `${GARMENT_FEATURE_ID}:coverage`;
/** A photo whose garment covers at least this share of the frame is a close-up (no background found). */
export const CLOSE_UP_COVERAGE = 0.95;

export interface GarmentDescription {
  size: number;
  lab: Float32Array;
  mask: Uint8Array;
  coverage: number;
  histogram: Float32Array;
}

/** Lab pixels (size*size*3) of RGB pixels resized to size x size by libvips (linear kernel, colours averaged). */
export async function labSample(
  pixels: Buffer,
  width: number,
  height: number,
  size: number,
): Promise<Float32Array> {
  const sharp = await loadSharp();
  // Measured: libvips' linear shrink gives deepfashion-dev 87.5% exact where a JS box or tent filter gave 83-85%.
  const small = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .resize(size, size, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  const lab = new Float32Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const [L, a, b] = rgbToLab(small[i * 3]!, small[i * 3 + 1]!, small[i * 3 + 2]!);
    lab[i * 3] = L;
    lab[i * 3 + 1] = a;
    lab[i * 3 + 2] = b;
  }
  return lab;
}

/**
 * Garment mask (1 = garment, 0 = background) of a size x size Lab sample. Throws a RangeError when `lab` does not
 * hold size*size*3 values.
 */
export function garmentMask(lab: Float32Array, size: number, opts: Partial<GarmentOptions> = {}): Uint8Array {
  const o = { ...GARMENT_DEFAULTS, ...opts };
  if (!Number.isInteger(size) || size < 4 || lab.length !== size * size * 3)
    throw new RangeError(
      `Expected a Lab sample of size*size*3 values for garmentMask but received ${lab.length} values for size ${size}`,
    );
  const n = size * size;
  const t2 = o.deltaE * o.deltaE;
  const ring = Math.max(1, Math.round(size / 32));
  const border: number[] = [];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if (x < ring || y < ring || x >= size - ring || y >= size - ring) border.push(y * size + x);
  const centre: number[] = [];
  for (let y = Math.floor(size * 0.3); y < Math.ceil(size * 0.7); y++)
    for (let x = Math.floor(size * 0.3); x < Math.ceil(size * 0.7); x++) centre.push(y * size + x);
  const share = (idx: number[], r: number) => {
    const L = lab[r * 3]!;
    const A = lab[r * 3 + 1]!;
    const B = lab[r * 3 + 2]!;
    let k = 0;
    for (const i of idx) {
      const dl = lab[i * 3]! - L;
      const da = lab[i * 3 + 1]! - A;
      const db = lab[i * 3 + 2]! - B;
      if (dl * dl + da * da + db * db < t2) k++;
    }
    return k / idx.length;
  };
  const step = Math.max(1, Math.floor(border.length / 64));
  const refs: number[] = [];
  for (let k = 0; k < border.length; k += step) {
    const r = border[k]!;
    const b = share(border, r);
    if (b >= o.borderMajority || (b >= o.borderMinority && share(centre, r) < o.centreShare)) refs.push(r);
  }
  // Background = background-like pixels connected to the frame; "like" is only tested where the fill reaches.
  const refLab = new Float32Array(refs.length * 3);
  refs.forEach((r, k) => {
    refLab[k * 3] = lab[r * 3]!;
    refLab[k * 3 + 1] = lab[r * 3 + 1]!;
    refLab[k * 3 + 2] = lab[r * 3 + 2]!;
  });
  const like = new Int8Array(n).fill(-1);
  const isLike = (i: number): boolean => {
    let v = like[i]!;
    if (v < 0) {
      v = 0;
      const L = lab[i * 3]!;
      const A = lab[i * 3 + 1]!;
      const B = lab[i * 3 + 2]!;
      for (let k = 0; k < refLab.length; k += 3) {
        const dl = L - refLab[k]!;
        const da = A - refLab[k + 1]!;
        const db = B - refLab[k + 2]!;
        if (dl * dl + da * da + db * db < t2) {
          v = 1;
          break;
        }
      }
      like[i] = v;
    }
    return v === 1;
  };
  const bg = new Uint8Array(n);
  const stack: number[] = [];
  for (const i of border)
    if (!bg[i] && isLike(i)) {
      bg[i] = 1;
      stack.push(i);
    }
  const visit = (j: number) => {
    if (!bg[j] && isLike(j)) {
      bg[j] = 1;
      stack.push(j);
    }
  };
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % size;
    const y = (i - x) / size;
    if (x > 0) visit(i - 1);
    if (x < size - 1) visit(i + 1);
    if (y > 0) visit(i - size);
    if (y < size - 1) visit(i + size);
  }
  const mask = new Uint8Array(n);
  let fg = 0;
  for (let i = 0; i < n; i++) {
    mask[i] = bg[i] ? 0 : 1;
    fg += mask[i]!;
  }
  if (fg < o.minCoverage * n) mask.fill(1);
  return mask;
}

/** Square-rooted, L2-normalised Lab histogram of the masked pixels (cosine of two is a Hellinger affinity). */
export function garmentHistogram(lab: Float32Array, mask: Uint8Array): Float32Array {
  const h = new Float32Array(GARMENT_HISTOGRAM_DIMS);
  const bin = (v: number, lo: number, hi: number, k: number) =>
    Math.min(k - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * k)));
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const l = bin(lab[i * 3]!, 0, 100, L_BINS);
    const a = bin(lab[i * 3 + 1]!, -AB_RANGE, AB_RANGE, AB_BINS);
    const b = bin(lab[i * 3 + 2]!, -AB_RANGE, AB_RANGE, AB_BINS);
    h[(l * AB_BINS + a) * AB_BINS + b]! += 1;
  }
  let s = 0;
  for (let i = 0; i < h.length; i++) {
    h[i] = Math.sqrt(h[i]!);
    s += h[i]! * h[i]!;
  }
  s = Math.sqrt(s) || 1;
  for (let i = 0; i < h.length; i++) h[i] = h[i]! / s;
  return h;
}

/** Separates the garment from its background in decoded RGB pixels and describes its colours. */
export async function describeGarment(
  pixels: Buffer,
  width: number,
  height: number,
  opts: Partial<GarmentOptions> = {},
): Promise<GarmentDescription> {
  const o = { ...GARMENT_DEFAULTS, ...opts };
  const lab = await labSample(pixels, width, height, o.size);
  const mask = garmentMask(lab, o.size, o);
  let fg = 0;
  for (const m of mask) fg += m;
  return { size: o.size, lab, mask, coverage: fg / mask.length, histogram: garmentHistogram(lab, mask) };
}
