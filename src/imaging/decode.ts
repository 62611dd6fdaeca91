import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import exifr from "exifr";
import sharp from "sharp";
import { messageOf, VbulkError } from "../core/errors.js";

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

const require = createRequire(import.meta.url);
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

/**
 * Reads and decodes a photo with EXIF orientation applied and shrink-on-load (JPEG/WebP decode at reduced size),
 * HEIC through libheif (WASM). Throws VbulkError BAD_FILE with a one-line reason for empty, corrupt or non-image files.
 */
export async function decodePhoto(bytes: Buffer, workingSize: number): Promise<DecodedPhoto> {
  if (bytes.length === 0)
    throw new VbulkError("BAD_FILE", "Expected image data but received an empty file (0 bytes)");
  const sha256 = sha256Of(bytes);
  const capturedAt = await readCaptureTime(bytes);
  const brand = heifBrand(bytes);
  if (brand && HEIF_BRANDS.has(brand)) {
    return { sha256, capturedAt, ...(await decodeHeic(bytes, workingSize)) };
  }
  try {
    const image = sharp(bytes, { failOn: "error", pages: 1 });
    const meta = await image.metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    const width = (swap ? meta.height : meta.width) ?? 0;
    const height = (swap ? meta.width : meta.height) ?? 0;
    const { data, info } = await image
      .rotate()
      .resize({
        width: workingSize,
        height: workingSize,
        fit: "outside",
        kernel: "cubic",
        withoutEnlargement: true,
      })
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
    // libvips sometimes reports a cut-off JPEG as "Unknown error"; say what it almost always is.
    const said = /unknown error/i.test(messageOf(err)) ? "corrupt or truncated image data" : messageOf(err);
    throw new VbulkError("BAD_FILE", `Expected a readable image but the decoder said: ${said}`, {
      cause: err,
    });
  }
}

/** Content hash of a file's bytes: the key of the per-photo cache and of byte-identical duplicates. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Reads and decodes a photo file; see decodePhoto. */
export async function decodePhotoFile(path: string, workingSize: number): Promise<DecodedPhoto> {
  return decodePhoto(await readFile(path), workingSize);
}

async function decodeHeic(
  bytes: Buffer,
  workingSize: number,
): Promise<Omit<DecodedPhoto, "sha256" | "capturedAt">> {
  try {
    heicDecode ??= require("heic-decode") as HeicDecode;
    // libheif applies the container's rotation (irot/imir) itself, so no EXIF rotate here.
    const { width, height, data } = await heicDecode({ buffer: bytes });
    const { data: pixels, info } = await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
      raw: { width, height, channels: 4 },
    })
      .resize({
        width: workingSize,
        height: workingSize,
        fit: "outside",
        kernel: "cubic",
        withoutEnlargement: true,
      })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width, height, format: "heic", pixels, pw: info.width, ph: info.height };
  } catch (err) {
    throw new VbulkError(
      "BAD_FILE",
      `Expected a readable HEIC image but the decoder said: ${messageOf(err)}`,
      { cause: err },
    );
  }
}

/** EXIF DateTimeOriginal (falling back to CreateDate), kept as the camera's local time. Never throws. */
async function readCaptureTime(bytes: Buffer): Promise<string | null> {
  try {
    const tags = (await exifr.parse(bytes, {
      pick: ["DateTimeOriginal", "CreateDate"],
      reviveValues: false,
    })) as Record<string, unknown> | undefined;
    const raw = tags?.["DateTimeOriginal"] ?? tags?.["CreateDate"];
    if (typeof raw !== "string") return null;
    const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
    if (!m || m[1] === "0000") return null;
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  } catch {
    return null;
  }
}

/**
 * A JPEG of the whole photo for upload (EXIF orientation applied, longest side at most 2048 px, quality 90):
 * HEIC through libheif, everything else through sharp. Throws BAD_FILE.
 */
export async function decodeFullJpeg(path: string): Promise<Buffer> {
  const bytes = await readFile(path);
  const brand = heifBrand(bytes);
  try {
    if (brand && HEIF_BRANDS.has(brand)) {
      heicDecode ??= require("heic-decode") as HeicDecode;
      const { width, height, data } = await heicDecode({ buffer: bytes });
      return await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        raw: { width, height, channels: 4 },
      })
        .resize({ width: 2048, height: 2048, fit: "inside", withoutEnlargement: true })
        .removeAlpha()
        .jpeg({ quality: 90 })
        .toBuffer();
    }
    return await sharp(bytes)
      .rotate()
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
