import { DEFAULTS } from "../core/defaults.js";
import { type Embedder, normalize, type PhotoPixels } from "./embedder.js";
import { type LabSample, sampleLab } from "./lab.js";

/**
 * Relative weight of each feature block, measured with `npm run eval -- --sweep` on madison-multiview: colour
 * carries the garment; texture (weight 0.3) added 2-3 points of exact recovery; a 4x4 spatial-layout block cost
 * 2-5 points (front, back and full-body views of one garment differ in layout) and was dropped.
 */
export const FEATURE_WEIGHTS = Object.freeze({ color: 1.0, texture: 0.3 });

const SIZE = 48;
const L_BINS = 4;
const AB_BINS = 6;
const AB_RANGE = 64;
const ORIENT_BINS = 8;

/**
 * The embedder that needs no model download: a garment-weighted colour histogram in CIELAB (the floor, bed or
 * wall behind the garment weighs little) and a texture signature (gradient orientations at two scales),
 * each block unit length, weighted, L2-normalised.
 */
export function createFeatureEmbedder(): Embedder {
  return {
    id: "features-v1",
    dims: L_BINS * AB_BINS * AB_BINS + ORIENT_BINS,
    batchSize: 8,
    async embed(batch: PhotoPixels[]) {
      const out: Float32Array[] = [];
      for (const p of batch)
        out.push(featureVector(await sampleLab(p.pixels, p.pw, p.ph, SIZE, DEFAULTS.color.backgroundDeltaE)));
      return out;
    },
    async close() {},
  };
}

/** The feature vector of one Lab sample. */
export function featureVector(s: LabSample): Float32Array {
  const color = new Float32Array(L_BINS * AB_BINS * AB_BINS);
  const n = s.size * s.size;
  const bin = (v: number, lo: number, hi: number, bins: number) =>
    Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
  for (let i = 0; i < n; i++) {
    const li = bin(s.lab[i * 3]!, 0, 100, L_BINS);
    const ai = bin(s.lab[i * 3 + 1]!, -AB_RANGE, AB_RANGE, AB_BINS);
    const bi = bin(s.lab[i * 3 + 2]!, -AB_RANGE, AB_RANGE, AB_BINS);
    color[(li * AB_BINS + ai) * AB_BINS + bi]! += s.weight[i]!;
  }
  // Hellinger: square roots make cosine on histograms behave like a distance between distributions.
  for (let i = 0; i < color.length; i++) color[i] = Math.sqrt(color[i]!);
  const texture = textureSignature(s);
  const v = new Float32Array(color.length + texture.length);
  normalize(color).forEach((x, i) => {
    v[i] = x * FEATURE_WEIGHTS.color;
  });
  normalize(texture).forEach((x, i) => {
    v[color.length + i] = x * FEATURE_WEIGHTS.texture;
  });
  return normalize(v);
}

/**
 * Gradient orientations pooled over two scales: stripes, checks and knit differ here, and pooling the scales
 * keeps a close-up of the fabric near the full view of the same garment.
 */
function textureSignature(s: LabSample): Float32Array {
  const out = new Float32Array(ORIENT_BINS);
  const { size, grey, weight } = s;
  for (const scale of [1, 2]) {
    for (let y = scale; y < size - scale; y++)
      for (let x = scale; x < size - scale; x++) {
        const i = y * size + x;
        const gx = grey[i + scale]! - grey[i - scale]!;
        const gy = grey[i + scale * size]! - grey[i - scale * size]!;
        let ang = Math.atan2(gy, gx);
        if (ang < 0) ang += Math.PI;
        out[Math.min(ORIENT_BINS - 1, Math.floor((ang / Math.PI) * ORIENT_BINS))]! +=
          weight[i]! * Math.hypot(gx, gy);
      }
  }
  const total = out.reduce((a, b) => a + b, 0) || 1;
  for (let i = 0; i < ORIENT_BINS; i++) out[i] = out[i]! / total;
  return out;
}
