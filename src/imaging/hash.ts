import { rgbToLab } from "./lab.js";
import { loadSharp } from "./sharp.js";

/** 64-bit perceptual hashes as 16 hex digits, and an 8x8 Lab thumbnail (hex bytes) for colour. */
export interface PhotoHashes {
  ahash: string;
  phash: string;
  /** 8x8 cells of L (0..100), a+128, b+128 as bytes: greyscale hashes cannot tell a red shirt from a khaki one
   *  photographed in the same pose; this can. */
  colorgrid: string;
  /** A finer thumbnail for telling an edited photo from another picture (src/imaging/edits.ts): 32x32 cells of L
   *  then 16x16 cells of a+128 and of b+128 (colour at half the resolution, as JPEG keeps it), base64 bytes. */
  labgrid: string;
  /** aHash and pHash of the photo turned 90°, 180° and 270° clockwise, from the same small grids turned (no other
   *  decode): a copy that lost or gained an EXIF orientation tag shows the photo turned, and hashes as the photo
   *  does only once turned back (src/grouping/duplicates.ts comparePhotos). */
  turned: TurnedHashes;
}

/** Hashes of a photo turned a quarter, a half and three quarters of a turn clockwise (index 0, 1, 2). */
export interface TurnedHashes {
  ahash: [string, string, string];
  phash: [string, string, string];
}

const DCT_N = 32;
const COS = (() => {
  const table = new Float64Array(DCT_N * DCT_N);
  for (let k = 0; k < DCT_N; k++)
    for (let n = 0; n < DCT_N; n++) table[k * DCT_N + n] = Math.cos((Math.PI / DCT_N) * (n + 0.5) * k);
  return table;
})();

/** aHash (8x8 mean) and pHash (8x8 low frequencies of a 32x32 DCT, against their median) of RGB pixels. */
export async function hashPixels(pixels: Buffer, width: number, height: number): Promise<PhotoHashes> {
  const sharp = await loadSharp();
  const raw = { raw: { width, height, channels: 3 as const } };
  const [small, big, colour, fine] = await Promise.all([
    sharp(pixels, raw).greyscale().resize(8, 8, { fit: "fill", kernel: "cubic" }).raw().toBuffer(),
    sharp(pixels, raw).greyscale().resize(DCT_N, DCT_N, { fit: "fill", kernel: "cubic" }).raw().toBuffer(),
    sharp(pixels, raw).resize(8, 8, { fit: "fill", kernel: "linear" }).raw().toBuffer(),
    sharp(pixels, raw).resize(LAB_N, LAB_N, { fit: "fill", kernel: "linear" }).raw().toBuffer(),
  ]);
  const grid = Buffer.alloc(8 * 8 * 3);
  for (let i = 0; i < 64; i++) {
    const [L, a, b] = rgbToLab(colour[i * 3]!, colour[i * 3 + 1]!, colour[i * 3 + 2]!);
    grid[i * 3] = Math.round(L);
    grid[i * 3 + 1] = Math.max(0, Math.min(255, Math.round(a + 128)));
    grid[i * 3 + 2] = Math.max(0, Math.min(255, Math.round(b + 128)));
  }
  return {
    ahash: averageHash(small),
    phash: dctHash(big),
    colorgrid: grid.toString("hex"),
    labgrid: labGrid(fine).toString("base64"),
    turned: { ahash: turns(small, 8, averageHash), phash: turns(big, DCT_N, dctHash) },
  };
}

/** An n x n grid of `channels`-byte cells turned a quarter turn clockwise (as sharp's rotate(90) turns an image). */
export function turnGrid(grid: Uint8Array, n: number, channels = 1): Buffer {
  const out = Buffer.alloc(n * n * channels);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      // The new row y is the old column y read from the bottom up.
      const from = ((n - 1 - x) * n + y) * channels;
      const to = (y * n + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = grid[from + c]!;
    }
  return out;
}

/** The hashes of a grid turned 1, 2 and 3 quarter turns clockwise. Resizing to a square grid and turning commute (each axis is
 *  scaled on its own), so these are the grids of the photo turned, up to the resize's rounding. */
function turns(grid: Uint8Array, n: number, hash: (grid: Uint8Array) => string): [string, string, string] {
  const q1 = turnGrid(grid, n);
  const q2 = turnGrid(q1, n);
  return [hash(q1), hash(q2), hash(turnGrid(q2, n))];
}

/** A colour grid (PhotoHashes.colorgrid, hex) turned `quarters` quarter turns clockwise. */
export function turnColorGrid(hex: string, quarters: number): string {
  let grid: Buffer = Buffer.from(hex, "hex");
  if (grid.length !== 8 * 8 * 3) return hex;
  for (let k = 0; k < ((quarters % 4) + 4) % 4; k++) grid = turnGrid(grid, 8, 3);
  return grid.toString("hex");
}

/** Side of PhotoHashes.labgrid's lightness grid; its colour grids have half this side. */
export const LAB_N = 32;
/** Bytes of a labgrid: LAB_N² lightness cells, then (LAB_N/2)² a cells and as many b cells. */
export const LAB_GRID_BYTES = LAB_N * LAB_N + 2 * (LAB_N / 2) ** 2;

/** The labgrid bytes of LAB_N x LAB_N RGB pixels: L per pixel, a and b averaged over 2x2 pixels. */
function labGrid(rgb: Buffer): Buffer {
  const h = LAB_N / 2;
  const out = Buffer.alloc(LAB_GRID_BYTES);
  const a = new Float64Array(h * h);
  const b = new Float64Array(h * h);
  for (let y = 0; y < LAB_N; y++)
    for (let x = 0; x < LAB_N; x++) {
      const i = y * LAB_N + x;
      const [L, A, B] = rgbToLab(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!);
      out[i] = Math.round(L);
      const j = (y >> 1) * h + (x >> 1);
      a[j]! += A / 4;
      b[j]! += B / 4;
    }
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v + 128)));
  for (let j = 0; j < h * h; j++) {
    out[LAB_N * LAB_N + j] = byte(a[j]!);
    out[LAB_N * LAB_N + h * h + j] = byte(b[j]!);
  }
  return out;
}

/** Mean and largest per-cell CIELAB distance (ΔE76) between two colour grids, and how many cells differ by more
 *  than `limit` (Infinity everywhere when the grids do not match in size). A re-encode moves every cell a little;
 *  another colourway in the same pose moves the garment's cells a lot and leaves the backdrop alone, so its mean
 *  can stay small while its largest cell cannot. */
export function colorGridDelta(
  a: string,
  b: string,
  limit = Number.POSITIVE_INFINITY,
): { mean: number; max: number; over: number; cells: number } {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  const cells = x.length / 3;
  if (x.length !== y.length || x.length === 0)
    return { mean: Number.POSITIVE_INFINITY, max: Number.POSITIVE_INFINITY, over: cells, cells };
  let s = 0;
  let max = 0;
  let over = 0;
  for (let i = 0; i < x.length; i += 3) {
    const d = Math.hypot(x[i]! - y[i]!, x[i + 1]! - y[i + 1]!, x[i + 2]! - y[i + 2]!);
    s += d;
    if (d > max) max = d;
    if (d > limit) over++;
  }
  return { mean: s / cells, max, over, cells };
}

/** aHash of an 8x8 grey image: bit set where the pixel is above the mean. */
export function averageHash(grey8x8: Uint8Array): string {
  let mean = 0;
  for (const v of grey8x8) mean += v;
  mean /= 64;
  return bitsToHex(Array.from(grey8x8, (v) => v > mean));
}

/** pHash of a 32x32 grey image: 2D DCT-II, the 8x8 lowest frequencies, bit set above their median (DC excluded). */
export function dctHash(grey32: Uint8Array): string {
  const rows = new Float64Array(DCT_N * 8);
  for (let y = 0; y < DCT_N; y++)
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < DCT_N; x++) s += (grey32[y * DCT_N + x] ?? 0) * COS[u * DCT_N + x]!;
      rows[y * 8 + u] = s;
    }
  const coeffs: number[] = [];
  for (let v = 0; v < 8; v++)
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < DCT_N; y++) s += rows[y * 8 + u]! * COS[v * DCT_N + y]!;
      coeffs.push(s);
    }
  const sorted = coeffs.slice(1).sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  return bitsToHex(coeffs.map((c) => c > median));
}

function bitsToHex(bits: boolean[]): string {
  let hex = "";
  for (let i = 0; i < 64; i += 4)
    hex += ((+bits[i]! << 3) | (+bits[i + 1]! << 2) | (+bits[i + 2]! << 1) | +bits[i + 3]!).toString(16);
  return hex;
}

/** Number of differing bits between two 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  // Two 32-bit halves and a popcount: BigInt parsing made duplicate search (all pairs) the slowest step of a
  // re-run from cache (1.7 s of 500 photos' profile, issue 8).
  const [a0, a1] = hashWords(a);
  const [b0, b1] = hashWords(b);
  return popcount(a0 ^ b0) + popcount(a1 ^ b1);
}

/** A 16-hex-digit hash as two 32-bit words (a malformed one reads as 0: the cache validates hashes on read). */
export function hashWords(hex: string): [number, number] {
  return [hexWord(hex, 0), hexWord(hex, 8)];
}

/** The 32-bit word of the 8 hex digits of `hex` from `from`, allocating nothing; 0 for a malformed one. */
export function hexWord(hex: string, from: number): number {
  let word = 0;
  for (let k = from; k < from + 8; k++) {
    const c = hex.charCodeAt(k) | 0x20; // lower case; past the end (NaN) gives 0x20, no digit
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return 0;
    word = (word << 4) | digit;
  }
  return word >>> 0;
}

/** Set bits of a 32-bit integer. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
