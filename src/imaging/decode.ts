import { AsyncLocalStorage } from "node:async_hooks";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type Sharp from "sharp";
import { DEFAULTS } from "../core/defaults.js";
import { messageOf, VbulkError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { loadSharp } from "./sharp.js";

/** The analysis size, the same for every format: the shorter side brought down to `size` (never up), cubic. */
function workingResize(size: number) {
  return {
    width: size,
    height: size,
    fit: "outside",
    kernel: "cubic",
    withoutEnlargement: true,
  } as const;
}

/** A photo decoded once, small: every later step (hashes, features, colour, CLIP) works from these pixels. */
export interface DecodedPhoto {
  sha256: string;
  /** Oriented size of the original, as the seller sees it. */
  width: number;
  height: number;
  format: string;
  /** EXIF DateTimeOriginal as local "YYYY-MM-DDTHH:MM:SS", or null when the photo has none. */
  capturedAt: string | null;
  /** Working image: RGB, 3 channels, shortest side = workingSize (or smaller if the original is). */
  pixels: Buffer;
  pw: number;
  ph: number;
}

const requireHere = createRequire(import.meta.url);
type HeicDecode = (opts: {
  buffer: Uint8Array;
}) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
let heicDecode: HeicDecode | undefined;

/** ISO-BMFF brands of HEIF/HEIC stills that sharp's prebuilt libvips (no HEVC decoder) cannot read. */
const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"]);

function heifBrand(buf: Buffer): string | null {
  if (buf.length < 12 || buf.toString("latin1", 4, 8) !== "ftyp") return null;
  return buf.toString("latin1", 8, 12);
}

/** Largest image (pixels) decoded when the caller does not say: DEFAULTS.decode.maxPixels. */
const MAX_PIXELS = DEFAULTS.decode.maxPixels;
/** Shortest side (pixels) of an image analysed when the caller does not say: DEFAULTS.decode.minSide. */
const MIN_SIDE = DEFAULTS.decode.minSide;
/** Longest over shortest side of an image analysed when the caller does not say: DEFAULTS.decode.maxAspect. */
const MAX_ASPECT = DEFAULTS.decode.maxAspect;

/**
 * Reads and decodes a photo with EXIF orientation applied and shrink-on-load (JPEG/WebP decode at reduced size),
 * HEIC through libheif (WASM). The size an image declares is checked against `maxPixels` before any pixel is
 * decoded, in every decoder (a small file declaring 16000x16000 is a decompression bomb), and so are its shortest
 * side against `minSide` and its proportions against `maxAspect` (unfitShape: a tracking pixel, an icon or a
 * banner is no garment photo).
 * Throws VbulkError BAD_FILE with a one-line reason for empty, corrupt, oversized, too small or non-image files.
 */
export async function decodePhoto(
  bytes: Buffer,
  workingSize: number,
  opts: { sha256?: string; maxPixels?: number; minSide?: number; maxAspect?: number } = {},
): Promise<DecodedPhoto> {
  const sharp = await loadSharp();
  if (bytes.length === 0)
    throw new VbulkError("BAD_FILE", "Expected image data but received an empty file (0 bytes)");
  const maxPixels = opts.maxPixels ?? MAX_PIXELS;
  const shape = { minSide: opts.minSide ?? MIN_SIDE, maxAspect: opts.maxAspect ?? MAX_ASPECT };
  const sha256 = opts.sha256 ?? sha256Of(bytes);
  const capturedAt = await readCaptureTime(bytes);
  if (isHeic(bytes)) {
    // Refused from the size the file declares when it declares one, else once decoded.
    const declared = heifDeclaredSize(bytes);
    const early = declared && unfitShape(declared.width, declared.height, shape);
    if (early) throw early;
    const heic = await decodeHeic(bytes, workingSize, maxPixels);
    const small = unfitShape(heic.width, heic.height, shape);
    if (small) throw small;
    return { sha256, capturedAt, ...heic };
  }
  try {
    const image = sharp(bytes, { failOn: "error", pages: 1, limitInputPixels: maxPixels });
    const meta = await image.metadata();
    if ((meta.width ?? 0) * (meta.height ?? 0) > maxPixels)
      throw tooManyPixels(meta.width ?? 0, meta.height ?? 0, maxPixels);
    const swap = (meta.orientation ?? 1) >= 5;
    const width = (swap ? meta.height : meta.width) ?? 0;
    const height = (swap ? meta.width : meta.height) ?? 0;
    const small = width > 0 && height > 0 && unfitShape(width, height, shape);
    if (small) throw small;
    const { data, info } = await image
      .rotate()
      .resize(workingResize(workingSize))
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      sha256,
      width,
      height,
      format: meta.format ?? "unknown",
      capturedAt,
      pixels: data,
      pw: info.width,
      ph: info.height,
    };
  } catch (err) {
    if (err instanceof VbulkError) throw err;
    if (/pixel limit/i.test(messageOf(err))) throw tooManyPixels(0, 0, maxPixels);
    // libvips sometimes reports a cut-off JPEG as "Unknown error"; say what it almost always is.
    const said = /unknown error/i.test(messageOf(err)) ? "corrupt or truncated image data" : messageOf(err);
    // The decoder's words differ by format ("premature end of JPEG image", "unsupported image format"): the
    // same ending after them is what README Troubleshooting quotes, and what the seller can act on.
    throw new VbulkError(
      "BAD_FILE",
      `Expected a readable image but the decoder said: ${said}: the file is damaged or is not a photo`,
      { cause: err, hint: "Copy the photo again from the phone or camera (or remove it), then run again." },
    );
  }
}

/**
 * Content hash of a file's bytes: the key of the per-photo cache and of byte-identical duplicates. Synchronous on
 * purpose: Node 20's WebCrypto digest was thought to hash off the JavaScript thread but a --cpu-prof of an ingest
 * shows it on that thread too, and it copies the bytes first: 20 digests of 5 MB cost 105 ms of CPU against
 * 70 ms for createHash (the CPU has SHA extensions; ~3.5 ms per phone photo).
 */
export function sha256Of(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

/** Reads and decodes a photo file; see decodePhoto. */
export async function decodePhotoFile(path: string, workingSize: number): Promise<DecodedPhoto> {
  return decodePhoto(await readFile(path), workingSize);
}

function tooManyPixels(width: number, height: number, maxPixels: number): VbulkError {
  const size =
    width && height ? `${width}x${height} (${Math.round((width * height) / 1e6)} MP)` : "more pixels";
  return new VbulkError(
    "BAD_FILE",
    `Expected an image of at most ${Math.round(maxPixels / 1e6)} MP but the file declares ${size}; not decoded (it would take gigabytes of memory)`,
    {
      hint: "A real photo this large is rare: shrink it first, or raise decode.maxPixels in the config file.",
    },
  );
}

/**
 * The refusal of an image too small (tooSmall) or too long for its width (tooLong) to be a garment photo, null for
 * one that can be.
 */
export function unfitShape(
  width: number,
  height: number,
  limits: { minSide: number; maxAspect: number },
): VbulkError | null {
  return tooSmall(width, height, limits.minSide) ?? tooLong(width, height, limits.maxAspect);
}

/**
 * The refusal of an image whose long side is more than `maxAspect` times its short side (DEFAULTS.decode.maxAspect
 * says why), null for one within. The message says what to do itself, as tooSmall's does.
 */
export function tooLong(width: number, height: number, maxAspect: number): VbulkError | null {
  const aspect = Math.max(width, height) / Math.max(1, Math.min(width, height));
  if (aspect <= maxAspect) return null;
  return new VbulkError(
    "BAD_FILE",
    `Expected an image at most ${maxAspect} times as long as it is wide but the file is ${width}x${height} pixels (${Number(aspect.toFixed(1))} times); not analysed (too long and narrow to show a garment: a web page's banner, a strip, a panorama): use the photo itself, or take it out of the folder`,
    {
      hint: "A garment photo is 4:3 or 16:9, a phone's screenshot about 2:1. decode.maxAspect in the config file sets the limit.",
    },
  );
}

/**
 * The refusal of an image whose shortest side (as shown) is under `minSide` pixels (DEFAULTS.decode.minSide says
 * why), null for one large enough. The message says what to do itself: a photo's error is listed without its hint.
 */
export function tooSmall(width: number, height: number, minSide: number): VbulkError | null {
  if (Math.min(width, height) >= minSide) return null;
  return new VbulkError(
    "BAD_FILE",
    `Expected an image at least ${minSide} pixels on its shortest side but the file is ${width}x${height} pixels; not analysed (too small to show a garment: a tracking pixel, an icon, a web page's spacer): use the full-size photo, or take it out of the folder`,
    {
      hint: "A garment photo is hundreds of pixels a side: use the photo itself, not a thumbnail or an icon saved with a web page. decode.minSide in the config file sets the limit.",
    },
  );
}

/**
 * The size a HEIF file declares for its images, from the 'ispe' (image spatial extents) properties, read without
 * decoding: the largest one found. Null when there is none.
 */
export function heifDeclaredSize(bytes: Buffer): { width: number; height: number } | null {
  let best: { width: number; height: number } | null = null;
  const limit = Math.min(bytes.length, 1 << 20); // the meta box sits at the front of the file
  let at = bytes.indexOf("ispe", 4, "latin1");
  while (at >= 4 && at + 16 <= limit) {
    const width = bytes.readUInt32BE(at + 8);
    const height = bytes.readUInt32BE(at + 12);
    if (!best || width * height > best.width * best.height) best = { width, height };
    at = bytes.indexOf("ispe", at + 4, "latin1");
  }
  return best;
}

/**
 * Whether a HEIF file carries a rotation or mirror property (irot/imir) in its item properties ('ipco'), which
 * libheif applies itself. Read without decoding.
 */
function heifHasTransform(bytes: Buffer): boolean {
  const at = bytes.indexOf("ipco", 4, "latin1");
  if (at < 4 || at + 4 > bytes.length) return false;
  const end = Math.min(bytes.length, at - 4 + bytes.readUInt32BE(at - 4));
  const box = bytes.subarray(at, end);
  return box.includes("irot", 0, "latin1") || box.includes("imir", 0, "latin1");
}

/** EXIF tags of a HEIF file, from the Exif block libvips finds in the container (no pixel is decoded). */
async function heifExif(bytes: Buffer): Promise<Record<string, unknown> | undefined> {
  try {
    const { exif } = await (await loadSharp())(bytes).metadata();
    if (!exif) return undefined;
    const exifr = (await import("exifr")).default;
    return (await exifr.parse(exif, {
      pick: ["Orientation", "DateTimeOriginal", "CreateDate"],
      reviveValues: false,
      translateValues: false,
    })) as Record<string, unknown> | undefined;
  } catch {
    return undefined;
  }
}

/**
 * The EXIF orientation (1-8) still to apply to libheif's pixels: 1 when the container has irot/imir (libheif
 * applied them, and an iPhone's EXIF tag describes the same turn), else the EXIF tag (libheif 1.15's heif-enc
 * copies a JPEG's EXIF orientation without turning the pixels or writing irot).
 */
async function heifPendingOrientation(bytes: Buffer): Promise<number> {
  if (heifHasTransform(bytes)) return 1;
  const o = (await heifExif(bytes))?.["Orientation"];
  return typeof o === "number" && Number.isInteger(o) && o >= 1 && o <= 8 ? o : 1;
}

/** Turns an image as EXIF orientation `o` says. sharp mirrors before it rotates, whatever the call order. */
function orient(image: ReturnType<typeof Sharp>, o: number): ReturnType<typeof Sharp> {
  if (o === 2) return image.flop();
  if (o === 3) return image.rotate(180);
  if (o === 4) return image.flip();
  if (o === 5) return image.flip().rotate(90);
  if (o === 6) return image.rotate(90);
  if (o === 7) return image.flop().rotate(90);
  if (o === 8) return image.rotate(270);
  return image;
}

/** One HEIC decode at a time: libheif (WASM) holds the whole image in memory at full size, RGBA. */
let heicQueue: Promise<unknown> = Promise.resolve();

/** A whole HEIC photo as RGBA pixels (4 channels), upright. */
export interface HeicPixels {
  width: number;
  height: number;
  data: Buffer;
}

/** Whether `bytes` are a HEIF/HEIC still, by content: an iPhone photo renamed .JPG is still HEIC. */
export function isHeic(bytes: Buffer): boolean {
  const brand = heifBrand(bytes);
  return brand !== null && HEIF_BRANDS.has(brand);
}

/**
 * Decodes a whole HEIC photo through libheif (WASM), one at a time for the whole process (ingest, review
 * thumbnails and execute's upload copies share the queue). The pixels are upright: libheif applies the
 * container's rotation and mirror (irot/imir), which is what HEIF readers must follow; the EXIF Orientation an
 * iPhone also writes describes the same turn and must not be applied a second time.
 * Throws VbulkError BAD_FILE for a damaged file or one larger than `maxPixels` (checked on the declared size first).
 */
export function decodeHeicPixels(bytes: Buffer, maxPixels: number = MAX_PIXELS): Promise<HeicPixels> {
  const declared = heifDeclaredSize(bytes);
  if (declared && declared.width * declared.height > maxPixels)
    return Promise.reject(tooManyPixels(declared.width, declared.height, maxPixels));
  const run = heicQueue.then(() => decodeHeicNow(bytes, maxPixels));
  heicQueue = run.catch(() => {});
  return run;
}

/** What libheif printed during the HEIC decode running in this async context (each call's arguments). */
const heifSaid = new AsyncLocalStorage<unknown[][]>();
let heifConsoleCaptured = false;

/**
 * libheif-js reports a damaged file with console.log, on stdout, where `ingest --json` keeps its one document.
 * Console calls made inside a HEIC decode (its async context: libheif decodes in a timer) are kept for the
 * photo's error; every other call, vbulk's own running meanwhile, goes through untouched. Installed before
 * libheif loads: Emscripten binds console.log and console.error when its module is created.
 */
function captureHeifConsole(): void {
  if (heifConsoleCaptured) return;
  heifConsoleCaptured = true;
  const methods = console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const name of ["log", "info", "debug", "warn", "error", "trace"]) {
    const original = methods[name];
    if (typeof original !== "function") continue;
    methods[name] = function (this: unknown, ...args: unknown[]) {
      const said = heifSaid.getStore();
      if (said) said.push(args);
      else original.apply(this, args);
    };
  }
}

/** libheif's own reason, from what it printed: its words and the message of the error object it logged. */
function heifReason(said: unknown[][]): string | null {
  const last = said.at(-1);
  if (!last) return null;
  const words = last
    .map((a) =>
      typeof a === "string"
        ? a
        : a && typeof a === "object" && typeof (a as { message?: unknown }).message === "string"
          ? (a as { message: string }).message
          : "",
    )
    .map((w) => w.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  return words.length > 0 ? words.join(": ") : null;
}

async function decodeHeicNow(bytes: Buffer, maxPixels: number): Promise<HeicPixels> {
  const said: unknown[][] = [];
  try {
    captureHeifConsole();
    const { width, height, data } = await heifSaid.run(said, () => {
      heicDecode ??= requireHere("heic-decode") as HeicDecode;
      return heicDecode({ buffer: bytes });
    });
    if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
    return { width, height, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    if (err instanceof VbulkError) throw err;
    // heic-decode's own words ("HEIF image not found", "HEIF processing error") do not say what is wrong;
    // libheif's ("Unexpected end of file …") do. The same ending as every other format (README Troubleshooting).
    const reason = heifReason(said) ?? messageOf(err);
    throw new VbulkError(
      "BAD_FILE",
      `Expected a readable HEIC image but the decoder said: ${reason}: the file is damaged or is not a photo`,
      { cause: err, hint: "Copy the photo again from the phone or camera (or remove it), then run again." },
    );
  }
}

/**
 * How HEIC photos are read, recorded in each HEIC photo's cache entry: an entry of another version is analysed
 * again. 2: capture time read from files libheif writes, EXIF Orientation applied when the container has no irot
 * box (older entries kept a null capture time and a rotated photo's size sideways for good).
 */
export const HEIC_DECODER_VERSION = 2;

async function decodeHeic(
  bytes: Buffer,
  workingSize: number,
  maxPixels: number,
): Promise<Omit<DecodedPhoto, "sha256" | "capturedAt">> {
  const sharp = await loadSharp();
  const o = await heifPendingOrientation(bytes);
  const decoded = await decodeHeicPixels(bytes, maxPixels);
  const image = sharp(decoded.data, {
    raw: { width: decoded.width, height: decoded.height, channels: 4 },
    limitInputPixels: maxPixels,
  });
  // Oriented size of the original, as for every other format.
  const [width, height] = o >= 5 ? [decoded.height, decoded.width] : [decoded.width, decoded.height];
  const { data: pixels, info } = await orient(image, o)
    .resize(workingResize(workingSize))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width, height, format: "heic", pixels, pw: info.width, ph: info.height };
}

/**
 * A sharp pipeline over a whole photo, upright, ready to resize and encode: HEIC through libheif (sharp's
 * prebuilt libvips has no HEVC decoder), everything else through sharp; EXIF orientation applied (for HEIC, only
 * where the container has no irot/imir of its own).
 * Throws VbulkError BAD_FILE for a HEIC that cannot be decoded; sharp's own errors come when the pipeline runs.
 */
export async function openUpright(
  bytes: Buffer,
  maxPixels: number = MAX_PIXELS,
): Promise<ReturnType<typeof Sharp>> {
  const sharp = await loadSharp();
  if (isHeic(bytes)) {
    const o = await heifPendingOrientation(bytes);
    const { width, height, data } = await decodeHeicPixels(bytes, maxPixels);
    return orient(
      sharp(data, { raw: { width, height, channels: 4 }, limitInputPixels: maxPixels }),
      o,
    ).removeAlpha();
  }
  return sharp(bytes, { limitInputPixels: maxPixels }).rotate();
}

/** EXIF DateTimeOriginal (falling back to CreateDate), kept as the camera's local time. Never throws. */
async function readCaptureTime(bytes: Buffer): Promise<string | null> {
  let tags: Record<string, unknown> | undefined;
  try {
    // Loaded on the first photo read, not at start-up: a re-run from cache reads no photo.
    const exifr = (await import("exifr")).default;
    tags = (await exifr.parse(bytes, {
      pick: ["DateTimeOriginal", "CreateDate"],
      reviveValues: false,
    })) as Record<string, unknown> | undefined;
  } catch {
    tags = undefined;
  }
  const time = captureTimeOf(tags);
  if (time || !isHeic(bytes)) return time;
  // exifr's HEIF parser skips the iloc base_offset that libheif writes (heif-enc, GIMP, ImageMagick, converters)
  // and reads nothing from those files ("Malformed EXIF data"): read the Exif block libvips finds instead.
  return captureTimeOf(await heifExif(bytes));
}

/** "YYYY-MM-DDTHH:MM:SS" from EXIF tags' DateTimeOriginal (or CreateDate); null when absent or zeroed. */
function captureTimeOf(tags: Record<string, unknown> | undefined): string | null {
  const raw = tags?.["DateTimeOriginal"] ?? tags?.["CreateDate"];
  if (typeof raw !== "string") return null;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
  if (!m || m[1] === "0000") return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}

/**
 * A JPEG of the whole photo for upload (EXIF orientation applied, longest side at most 2048 px, quality 90):
 * HEIC through libheif, everything else through sharp. Throws BAD_FILE.
 */
export async function decodeFullJpeg(path: string, maxPixels = MAX_PIXELS): Promise<Buffer> {
  const bytes = await readFile(path);
  try {
    return await (await openUpright(bytes, maxPixels))
      .resize({ width: 2048, height: 2048, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: 90 })
      .toBuffer();
  } catch (err) {
    throw new VbulkError(
      "BAD_FILE",
      `Expected a readable image at ${path} but the decoder said: ${messageOf(err)}`,
      { cause: err },
    );
  }
}
