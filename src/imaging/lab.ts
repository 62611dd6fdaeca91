import { loadSharp } from "./sharp.js";

/** A small, fixed-size view of a photo in CIELAB with a per-pixel "garment" weight (background and edges low). */
export interface LabSample {
  size: number;
  /** L, a, b interleaved, size*size*3. */
  lab: Float32Array;
  /** Weight per pixel in [0,1]: high on the garment, low on the floor/bed/wall and towards the edges. */
  weight: Float32Array;
  /** Grey level 0..1 per pixel, for texture. */
  grey: Float32Array;
  /** True when nothing unlike the border was found: the garment fills the frame and the border is the garment. */
  closeUp?: boolean;
  /** Median L, a, b of the border ring: the backdrop's colour when there is one (not in a close-up). */
  borderMedian?: [number, number, number];
}

const SRGB_TO_LINEAR = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const c = i / 255;
    t[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return t;
})();

function f(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}

/** sRGB 0..255 → CIELAB (D65). */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = SRGB_TO_LINEAR[r]!;
  const G = SRGB_TO_LINEAR[g]!;
  const B = SRGB_TO_LINEAR[b]!;
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/**
 * Resamples RGB pixels to size x size and weighs each pixel by how unlike the border it is (the border is the
 * floor, bed or wall behind the garment) and by closeness to the centre (sellers centre the garment).
 * "nearest" keeps the photo's real colours (for naming them); "linear" averages (for features).
 */
export async function sampleLab(
  pixels: Buffer,
  width: number,
  height: number,
  size: number,
  backgroundDeltaE: number,
  kernel: "linear" | "nearest" = "linear",
): Promise<LabSample> {
  const sharp = await loadSharp();
  // libvips box-shrinks before any kernel, so "nearest" is done here: real pixels, no blended stripe colours.
  const small =
    kernel === "nearest"
      ? pickPixels(pixels, width, height, size)
      : await sharp(pixels, { raw: { width, height, channels: 3 } })
          .resize(size, size, { fit: "fill", kernel })
          .raw()
          .toBuffer();
  const n = size * size;
  const lab = new Float32Array(n * 3);
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [L, A, B] = rgbToLab(small[i * 3]!, small[i * 3 + 1]!, small[i * 3 + 2]!);
    lab[i * 3] = L;
    lab[i * 3 + 1] = A;
    lab[i * 3 + 2] = B;
    grey[i] = L / 100;
  }
  // Border ring, 2 pixels deep: a handful of representative background colours.
  const border: number[] = [];
  const ring = Math.max(1, Math.round(size / 24));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if (x < ring || y < ring || x >= size - ring || y >= size - ring) border.push(y * size + x);
  const step = Math.max(1, Math.floor(border.length / 48));
  const borderMedian = [0, 1, 2].map((k) => {
    const v = Float32Array.from(border, (i) => lab[i * 3 + k]!).sort();
    return v[v.length >> 1]!;
  }) as [number, number, number];
  // A border colour that also fills the centre is the garment touching the frame (a close-up), not the floor.
  const centre0 = Math.floor(size * 0.3);
  const centre1 = Math.ceil(size * 0.7);
  const centreIdx: number[] = [];
  for (let y = centre0; y < centre1; y++)
    for (let x = centre0; x < centre1; x++) centreIdx.push(y * size + x);
  const near = (i: number, r: number) =>
    (lab[i * 3]! - lab[r * 3]!) ** 2 +
      (lab[i * 3 + 1]! - lab[r * 3 + 1]!) ** 2 +
      (lab[i * 3 + 2]! - lab[r * 3 + 2]!) ** 2 <
    backgroundDeltaE ** 2;
  // The colour that dominates the border is always background (a white studio wall behind a white shirt).
  const refs = border
    .filter((_, i) => i % step === 0)
    .filter(
      (r) =>
        border.filter((i) => near(i, r)).length >= 0.4 * border.length ||
        centreIdx.filter((i) => near(i, r)).length < 0.25 * centreIdx.length,
    );
  const weight = new Float32Array(n);
  const half = (size - 1) / 2;
  let total = 0;
  let centreTotal = 0;
  const centre = new Float32Array(n);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const dx = (x - half) / size;
      const dy = (y - half) / size;
      const c = Math.exp(-(dx * dx + dy * dy) / (2 * 0.3 * 0.3));
      centre[i] = c;
      let best = Number.POSITIVE_INFINITY;
      for (const r of refs) {
        const dL = lab[i * 3]! - lab[r * 3]!;
        const da = lab[i * 3 + 1]! - lab[r * 3 + 1]!;
        const db = lab[i * 3 + 2]! - lab[r * 3 + 2]!;
        const d = dL * dL + da * da + db * db;
        if (d < best) best = d;
      }
      const t = Math.min(1, Math.max(0, (Math.sqrt(best) - backgroundDeltaE * 0.5) / backgroundDeltaE));
      weight[i] = c * t;
      total += weight[i]!;
      centreTotal += c;
    }
  // Garment fills the frame (a close-up of a label or fabric): the border is the garment, so trust the centre.
  const closeUp = total < 0.08 * centreTotal;
  if (closeUp) weight.set(centre);
  return { size, lab, weight, grey, closeUp, borderMedian };
}

function pickPixels(pixels: Buffer, width: number, height: number, size: number): Buffer {
  const out = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / size));
    for (let x = 0; x < size; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / size));
      pixels.copy(out, (y * size + x) * 3, (sy * width + sx) * 3, (sy * width + sx) * 3 + 3);
    }
  }
  return out;
}
