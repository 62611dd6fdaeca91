import { LAB_GRID_BYTES, LAB_N } from "./hash.js";

/** What compareEdited needs of each photo: its oriented size and its labgrid (PhotoHashes). */
export interface EditablePhoto {
  width: number;
  height: number;
  labgrid?: string | undefined;
}

/** How the later photo reads as an edit of the earlier one (compareEdited). */
export interface EditedComparison {
  /** Share (0-1) of the later photo's pattern of light and dark (32x32 cells) that the earlier photo, cropped and
   *  turned as the sizes allow and passed through the best tone curve (any brightening, darkening or contrast: a
   *  curve that keeps dark darker than light), leaves unexplained. 0: all of it. */
  structure: number;
  /** The same on both grids smoothed (smooth): a crop moves a fine pattern's moiré, which this forgives. */
  smoothStructure: number;
  /** Colour change (ΔE in a and b) of the COLOUR_RANK-th most changed 16x16 cell, once one white-balance shift and
   *  one saturation change for the whole photo are allowed for: a garment of another colour in the same place
   *  changes a patch of cells; an edit moves every cell alike. */
  colour: number;
  /** The part of the earlier photo the later one shows: left, top, width, height as shares of it, and the turn. */
  crop: { left: number; top: number; width: number; height: number; degrees: number };
}

export interface EditLimits {
  /** Smallest share of the earlier photo's width or height a crop may keep. */
  minKept: number;
  /** Saturation change allowed for the whole photo, as a factor on chroma [least, most]. */
  saturation: readonly [number, number];
  /** Cells at least this light (L) in the later photo have no colour to compare: a brightened highlight goes
   *  white whatever its colour was. */
  whiteL: number;
}

/** The colour measure is the COLOUR_RANK-th worst of 256 cells: a patch, not a speck (1/32 of the frame). */
export const COLOUR_RANK = 8;

const H = LAB_N / 2;

interface Grids {
  /** LAB_N² lightness values. */
  L: Float64Array;
  /** H² a and b values (a - 128 as stored is undone). */
  a: Float64Array;
  b: Float64Array;
}

/** The last grids decoded, by their base64: a batch compares each earlier photo once, a benchmark many times. */
const decoded = new Map<string, Grids>();

function gridsOf(base64: string | undefined): Grids | null {
  if (!base64) return null;
  const known = decoded.get(base64);
  if (known) return known;
  const bytes = Buffer.from(base64, "base64");
  if (bytes.length !== LAB_GRID_BYTES) return null;
  const n = LAB_N * LAB_N;
  const L = new Float64Array(n);
  const a = new Float64Array(H * H);
  const b = new Float64Array(H * H);
  for (let i = 0; i < n; i++) L[i] = bytes[i]!;
  for (let j = 0; j < H * H; j++) {
    a[j] = bytes[n + j]! - 128;
    b[j] = bytes[n + H * H + j]! - 128;
  }
  if (decoded.size >= 64) decoded.delete(decoded.keys().next().value!);
  decoded.set(base64, { L, a, b });
  return { L, a, b };
}

/** A crop of the earlier photo: its centre (shares), its size (shares) and its turn (radians). */
interface Placement {
  cx: number;
  cy: number;
  sx: number;
  sy: number;
  theta: number;
}

/**
 * Samples grid g (side n) at the later photo's cell centres (side m) under placement p, bilinearly between cell
 * centres (the earlier photo's cells are already averages). `aspect` is the earlier photo's width / height, which a
 * turn needs (it turns pixels, not shares).
 */
function warp(g: Float64Array, n: number, m: number, p: Placement, aspect: number, out: Float64Array): void {
  const cos = Math.cos(p.theta);
  const sin = Math.sin(p.theta);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      // Offset from the crop's centre in units of the earlier photo's height, turned, back to shares.
      const dx = ((j + 0.5) / m - 0.5) * p.sx * aspect;
      const dy = ((i + 0.5) / m - 0.5) * p.sy;
      const u = p.cx + (cos * dx - sin * dy) / aspect;
      const v = p.cy + (sin * dx + cos * dy);
      const x = Math.min(n - 1, Math.max(0, u * n - 0.5));
      const y = Math.min(n - 1, Math.max(0, v * n - 0.5));
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(n - 1, x0 + 1);
      const y1 = Math.min(n - 1, y0 + 1);
      const fx = x - x0;
      const fy = y - y0;
      const top = g[y0 * n + x0]! * (1 - fx) + g[y0 * n + x1]! * fx;
      const bottom = g[y1 * n + x0]! * (1 - fx) + g[y1 * n + x1]! * fx;
      out[i * m + j] = top * (1 - fy) + bottom * fy;
    }
}

/** Pearson correlation of two equal-length series (0 when either is flat). */
function correlation(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let vx = 0;
  let vy = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    vx += a * a;
    vy += b * b;
    c += a * b;
  }
  return vx > 0 && vy > 0 ? c / Math.sqrt(vx * vy) : 0;
}

/**
 * The best non-decreasing curve from x to y (least squares; pool-adjacent-violators), as fitted values of y: any
 * tone curve a photo app applies keeps the order of light and dark, clipping included.
 */
export function toneCurveFit(x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  // Sorted by x through one typed-array sort of keys holding x (to 1/1000) and the index: no comparator calls.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.round(x[i]! * 1000) * n + i;
  keys.sort();
  const order = Array.from(keys, (k) => k % n);
  const value: number[] = [];
  const weight: number[] = [];
  for (const i of order) {
    value.push(y[i]!);
    weight.push(1);
    while (value.length > 1 && value[value.length - 2]! > value[value.length - 1]!) {
      const w2 = weight.pop()!;
      const v2 = value.pop()!;
      const w1 = weight.pop()!;
      const v1 = value.pop()!;
      value.push((v1 * w1 + v2 * w2) / (w1 + w2));
      weight.push(w1 + w2);
    }
  }
  const fitted = new Float64Array(n);
  let k = 0;
  for (let b = 0; b < value.length; b++) for (let w = 0; w < weight[b]!; w++) fitted[order[k++]!] = value[b]!;
  return fitted;
}

/** The turn (radians) that a straighten tool's automatic crop (the largest centred rectangle of the photo's shape)
 *  pairs with keeping `kept` of each side: kept = 1 / (cos θ + sin θ · longer/shorter side). */
function straightenAngle(kept: number, aspect: number): number {
  const r = Math.max(aspect, 1 / aspect);
  let lo = 0;
  let hi = Math.PI / 12;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (1 / (Math.cos(mid) + Math.sin(mid) * r) > kept) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Lightness of a 32x32 grid averaged to 16x16 (for the coarse search and the colour cells). */
function half(L: Float64Array): Float64Array {
  const out = new Float64Array(H * H);
  for (let y = 0; y < LAB_N; y++)
    for (let x = 0; x < LAB_N; x++) out[(y >> 1) * H + (x >> 1)]! += L[y * LAB_N + x]! / 4;
  return out;
}

/**
 * How well `after` reads as `before` edited in a photo app: cropped (or straightened and cropped) as the sizes
 * allow, with any tone curve, one white-balance shift and one saturation change. Null when either photo has no
 * labgrid (analysed by an older vbulk) or the sizes allow no edit (larger than before, another shape without a
 * crop that explains it, more cropped than minKept). Crops are looked for at the later photo's own resolution:
 * a photo app saves a crop at the pixels it kept (a crop then downsized is not looked for).
 */
export function compareEdited(
  before: EditablePhoto,
  after: EditablePhoto,
  limits: EditLimits,
): EditedComparison | null {
  const g0 = gridsOf(before.labgrid);
  const g1 = gridsOf(after.labgrid);
  if (!g0 || !g1 || before.width <= 0 || before.height <= 0 || after.width <= 0 || after.height <= 0)
    return null;
  const aspect = before.width / before.height;
  const kx = after.width / before.width;
  const ky = after.height / before.height;
  const candidates: Placement[] = [];
  // Same shape: the whole picture, at any size (a re-encode, a resize, a change of light or colour).
  if (Math.abs(kx / ky - 1) <= 0.01) candidates.push({ cx: 0.5, cy: 0.5, sx: 1, sy: 1, theta: 0 });
  const sx = Math.min(1, kx);
  const sy = Math.min(1, ky);
  if ((sx < 0.995 || sy < 0.995) && sx >= limits.minKept && sy >= limits.minKept) {
    // A crop at the pixels kept, anywhere in the photo...
    for (const cx of steps(sx / 2, 1 - sx / 2))
      for (const cy of steps(sy / 2, 1 - sy / 2)) candidates.push({ cx, cy, sx, sy, theta: 0 });
    // ...or a straighten, whose crop keeps the photo's shape and centre.
    if (Math.abs(kx / ky - 1) <= 0.01) {
      const theta = straightenAngle((sx + sy) / 2, aspect);
      for (const t of [theta, -theta]) candidates.push({ cx: 0.5, cy: 0.5, sx, sy, theta: t });
    }
  }
  if (!candidates.length) return null;

  // Coarse: the placement whose 16x16 lightness best follows the later photo's.
  const L0h = half(g0.L);
  const L1h = half(g1.L);
  const sampledH = new Float64Array(H * H);
  let best = candidates[0]!;
  let bestR = Number.NEGATIVE_INFINITY;
  for (const p of candidates) {
    warp(L0h, H, H, p, aspect, sampledH);
    const r = correlation(sampledH, L1h);
    if (r > bestR) {
      bestR = r;
      best = p;
    }
  }
  // Fine: a quarter of a 32x32 cell around it, at full resolution (a whole picture has nowhere to move).
  const sampled = new Float64Array(LAB_N * LAB_N);
  const start = best;
  bestR = Number.NEGATIVE_INFINITY;
  const d = start.sx === 1 && start.sy === 1 ? 0 : 1 / 64;
  const around = d === 0 ? [0] : [-d, -d / 2, 0, d / 2, d];
  for (const dx of around)
    for (const dy of around) {
      const p = { ...start, cx: start.cx + dx, cy: start.cy + dy };
      if (p.theta === 0 && (p.cx - p.sx / 2 < -1e-9 || p.cx + p.sx / 2 > 1 + 1e-9)) continue;
      if (p.theta === 0 && (p.cy - p.sy / 2 < -1e-9 || p.cy + p.sy / 2 > 1 + 1e-9)) continue;
      warp(g0.L, LAB_N, LAB_N, p, aspect, sampled);
      const r = correlation(sampled, g1.L);
      if (r > bestR) {
        bestR = r;
        best = p;
      }
    }

  // Structure: what the best tone curve leaves of the later photo's lightness pattern, cell by cell and smoothed.
  warp(g0.L, LAB_N, LAB_N, best, aspect, sampled);
  const structure = unexplained(sampled, g1.L);
  const smoothStructure = unexplained(smooth(sampled), smooth(g1.L));

  // Colour: one white-balance shift (a, b offsets) and one saturation factor for the whole photo.
  const a0 = new Float64Array(H * H);
  const b0 = new Float64Array(H * H);
  warp(g0.a, H, H, best, aspect, a0);
  warp(g0.b, H, H, best, aspect, b0);
  const use: number[] = [];
  for (let j = 0; j < H * H; j++) if (L1h[j]! < limits.whiteL) use.push(j);
  let colour = 0;
  if (use.length >= COLOUR_RANK) {
    let ma0 = 0;
    let mb0 = 0;
    let ma1 = 0;
    let mb1 = 0;
    for (const j of use) {
      ma0 += a0[j]!;
      mb0 += b0[j]!;
      ma1 += g1.a[j]!;
      mb1 += g1.b[j]!;
    }
    ma0 /= use.length;
    mb0 /= use.length;
    ma1 /= use.length;
    mb1 /= use.length;
    let vx = 0;
    let cxy = 0;
    for (const j of use) {
      vx += (a0[j]! - ma0) ** 2 + (b0[j]! - mb0) ** 2;
      cxy += (a0[j]! - ma0) * (g1.a[j]! - ma1) + (b0[j]! - mb0) * (g1.b[j]! - mb1);
    }
    const [least, most] = limits.saturation;
    const gain = Math.min(most, Math.max(least, vx > 0 ? cxy / vx : 1));
    // Each cell against the earlier photo's colours around where it came from (half a cell either way): an edge
    // between two colours moves by a fraction of a cell with a crop, and its cells must not count as a change.
    const near = shifted(g0, best, aspect);
    const errors = use.map((j) => {
      let e = Number.POSITIVE_INFINITY;
      for (const [na, nb] of near)
        e = Math.min(
          e,
          Math.hypot(g1.a[j]! - ma1 - gain * (na[j]! - ma0), g1.b[j]! - mb1 - gain * (nb[j]! - mb0)),
        );
      return e;
    });
    errors.sort((x, y) => y - x);
    colour = errors[COLOUR_RANK - 1]!;
  }
  return {
    structure,
    smoothStructure,
    colour,
    crop: {
      left: best.cx - best.sx / 2,
      top: best.cy - best.sy / 2,
      width: best.sx,
      height: best.sy,
      degrees: (best.theta * 180) / Math.PI,
    },
  };
}

/** Share of y's spread around its mean that the best tone curve from x leaves (0-1; 1 for a flat y that differs). */
function unexplained(x: Float64Array, y: Float64Array): number {
  const fitted = toneCurveFit(x, y);
  let residual = 0;
  let spread = 0;
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]!;
  mean /= y.length;
  for (let i = 0; i < y.length; i++) {
    residual += (y[i]! - fitted[i]!) ** 2;
    spread += (y[i]! - mean) ** 2;
  }
  return spread > 0 ? Math.min(1, Math.sqrt(residual / spread)) : residual > 0 ? 1 : 0;
}

/** A 32x32 grid smoothed by [1 2 1] in each direction (edges repeated): a fine pattern (stripes near the grid's
 *  own spacing) makes a moiré that a crop moves; smoothed, it is the pattern's average shade. */
function smooth(g: Float64Array): Float64Array {
  const n = LAB_N;
  const tmp = new Float64Array(n * n);
  const out = new Float64Array(n * n);
  const at = (a: Float64Array, x: number, y: number) =>
    a[Math.min(n - 1, Math.max(0, y)) * n + Math.min(n - 1, Math.max(0, x))]!;
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) tmp[y * n + x] = (at(g, x - 1, y) + 2 * at(g, x, y) + at(g, x + 1, y)) / 4;
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++)
      out[y * n + x] = (at(tmp, x, y - 1) + 2 * at(tmp, x, y) + at(tmp, x, y + 1)) / 4;
  return out;
}

/** The earlier photo's a and b grids sampled at the later photo's cells under p, and half a cell off each way. */
function shifted(g: Grids, p: Placement, aspect: number): [Float64Array, Float64Array][] {
  const out: [Float64Array, Float64Array][] = [];
  const d = 0.5 / H;
  for (const [dx, dy] of [
    [0, 0],
    [d, 0],
    [-d, 0],
    [0, d],
    [0, -d],
  ] as const) {
    const a = new Float64Array(H * H);
    const b = new Float64Array(H * H);
    const q = { ...p, cx: p.cx + dx * p.sx, cy: p.cy + dy * p.sy };
    warp(g.a, H, H, q, aspect, a);
    warp(g.b, H, H, q, aspect, b);
    out.push([a, b]);
  }
  return out;
}

/** Positions from lo to hi (inclusive) at most 1/64 apart (half a 32x32 cell): a single one when lo = hi. */
function steps(lo: number, hi: number): number[] {
  const n = Math.max(0, Math.ceil((hi - lo) * 64 - 1e-9));
  return n === 0 ? [(lo + hi) / 2] : Array.from({ length: n + 1 }, (_, k) => lo + ((hi - lo) * k) / n);
}
