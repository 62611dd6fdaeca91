import { randomBytes } from "node:crypto";
import { lstat, rm, stat, writeFile } from "node:fs/promises";
import { dirname, extname, join, resolve } from "node:path";
import type { Config } from "../core/config.js";
import { expected, fileSystemError, VbulkError } from "../core/errors.js";
import { printable } from "../core/text.js";
import { STATE_DIR } from "../sources/classify.js";
import { scanFolder } from "../sources/folder.js";
import type { ScanResult } from "../sources/types.js";
import { openZip, workFolderFor } from "../sources/zip.js";

/** Where the photos come from and where the results go. */
export interface ResolvedSource {
  /** The folder or .zip, absolute. */
  source: string;
  isZip: boolean;
  /** The photos' folder (for a ZIP, its work folder). */
  root: string;
  /** Where catalog.json and .vbulk/ go. */
  outDir: string;
}

/**
 * Checks the photo source exists and is a folder (a symlink to one is fine: the user chose it) or a .zip.
 * Throws VbulkError (NOT_FOUND, BAD_INPUT).
 */
export async function resolveSource(given: string, outDir?: string): Promise<ResolvedSource> {
  const source = resolve(given);
  const sourceStat = await stat(source).catch((err: unknown) => {
    const env = fileSystemError(err, source, "read");
    if (env instanceof VbulkError) throw env;
    return null;
  });
  if (!sourceStat) {
    throw new VbulkError("NOT_FOUND", expected("a folder or a .zip file", "the photo source", given), {
      hint: "Check the path. Example: `vbulk ingest ./photos` or `vbulk ingest ./photos.zip`.",
    });
  }
  const isZip = sourceStat.isFile();
  if ((isZip && extname(source).toLowerCase() !== ".zip") || (!isZip && !sourceStat.isDirectory())) {
    throw new VbulkError("BAD_INPUT", expected("a folder or a .zip file", "the photo source", given), {
      hint: "Put the photos in a folder (or a ZIP) and pass that.",
    });
  }
  const root = isZip ? workFolderFor(source) : source;
  return { source, isZip, root, outDir: resolve(outDir ?? root) };
}

/**
 * Checks, before any work, that the results can be written: the output folder (or the nearest folder above it
 * that exists) is a folder and writable, and its `.vbulk` is a real folder, not a file or a planted symlink.
 * Writes nothing that stays (one probe file, removed at once). Throws NOT_WRITABLE / NO_SPACE naming the folder.
 */
export async function checkOutput(outDir: string, flag: boolean): Promise<void> {
  // Linux's PATH_MAX is 4096 bytes; the longest name vbulk writes inside is ~60 more.
  if (Buffer.byteLength(outDir) > 4096 - 64) {
    throw new VbulkError(
      "NOT_WRITABLE",
      `The path is too long for this system: ${printable(outDir.slice(0, 60))}…`,
      {
        hint: "Move the photos to a folder with a shorter path, or pass --out DIR with a short path.",
      },
    );
  }
  let dir = outDir;
  for (;;) {
    const st = await stat(dir).catch(() => null);
    if (st && !st.isDirectory()) {
      throw new VbulkError(
        "NOT_WRITABLE",
        expected("a folder", flag ? "--out" : "the output folder", printable(dir)),
        { hint: "That is a file. Pass --out with a folder (it is created if it does not exist)." },
      );
    }
    if (st) break;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (dir === outDir) {
    const state = join(outDir, STATE_DIR);
    const st = await lstat(state).catch(() => null);
    if (st?.isSymbolicLink())
      throw new VbulkError(
        "NOT_WRITABLE",
        `Expected a folder for vbulk's state at ${printable(state)} but found a symbolic link; vbulk does not follow it`,
        { hint: `Remove the link (\`rm ${printable(state)}\`) and run the same command again.` },
      );
    if (st && !st.isDirectory())
      throw new VbulkError(
        "NOT_WRITABLE",
        `Expected a folder for vbulk's state at ${printable(state)} but found a file`,
        { hint: "Move or rename that file (vbulk keeps its cache and status there), or pass --out DIR." },
      );
  }
  const probe = join(dir, `.vbulk-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(probe, "", { flag: "wx" });
  } catch (err) {
    throw fileSystemError(err, dir, "write in");
  } finally {
    await rm(probe, { force: true });
  }
}

/** The photos of a source, found and checked, not yet extracted (a ZIP). */
export interface OpenedPhotos {
  /** How many photos there are (for a ZIP: entries to extract; some may turn out damaged). */
  readonly photos: number;
  readonly skipped: number;
  /** The photos, a ZIP's extracted into its work folder first (`onEntry` tells how far). */
  collect(signal?: AbortSignal, onEntry?: (done: number, total: number) => void): Promise<ScanResult>;
  close(): void;
}

/**
 * Finds the photos, writing nothing: lists a folder, or reads a ZIP's central directory and checks it against the
 * limits (sources/zip.ts openZip). The caller closes it. Throws VbulkError for an unreadable folder or ZIP, a zip
 * bomb, too many photos, or not one photo.
 */
export async function openPhotos(src: ResolvedSource, given: string, config: Config): Promise<OpenedPhotos> {
  if (!src.isZip) {
    const scan = checkSome(await scanFolder(src.source, config.sources), given);
    return {
      photos: scan.files.length,
      skipped: scan.skipped.length,
      collect: async () => scan,
      close: () => {},
    };
  }
  const zip = await openZip(src.source, config.sources);
  if (zip.photos === 0) {
    zip.close();
    throw noPhoto(given, zip.skipped.length);
  }
  return {
    photos: zip.photos,
    skipped: zip.skipped.length,
    collect: async (signal, onEntry) => checkSome(await zip.extract(src.root, signal, onEntry), given),
    close: () => zip.close(),
  };
}

/** Throws BAD_INPUT when there is no photo at all. */
function checkSome(scan: ScanResult, given: string): ScanResult {
  if (scan.files.length === 0) throw noPhoto(given, scan.skipped.length);
  return scan;
}

function noPhoto(given: string, others: number): VbulkError {
  return new VbulkError(
    "BAD_INPUT",
    expected("at least one photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC)", given, `${others} other files`),
    { hint: "Point vbulk at the folder that holds the photos themselves." },
  );
}
