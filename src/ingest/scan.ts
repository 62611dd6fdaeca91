import { stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import type { Config } from "../core/config.js";
import { expected, VbulkError } from "../core/errors.js";
import { scanFolder } from "../sources/folder.js";
import type { ScanResult } from "../sources/types.js";
import { extractZip, workFolderFor } from "../sources/zip.js";

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

/** Checks the photo source exists and is a folder or a .zip. Throws VbulkError (NOT_FOUND, BAD_INPUT). */
export async function resolveSource(given: string, outDir?: string): Promise<ResolvedSource> {
  const source = resolve(given);
  const sourceStat = await stat(source).catch(() => null);
  if (!sourceStat) {
    throw new VbulkError("NOT_FOUND", expected("a folder or a .zip file", "the photo source", given), {
      hint: "Check the path. Example: `vbulk ingest ./photos` or `vbulk ingest ./photos.zip`.",
    });
  }
  const isZip = sourceStat.isFile();
  if (isZip && extname(source).toLowerCase() !== ".zip") {
    throw new VbulkError("BAD_INPUT", expected("a folder or a .zip file", "the photo source", given), {
      hint: "Put the photos in a folder (or a ZIP) and pass that.",
    });
  }
  const root = isZip ? workFolderFor(source) : source;
  return { source, isZip, root, outDir: resolve(outDir ?? root) };
}

/** Lists the photos (extracting a ZIP safely first). Throws VbulkError when there is no photo at all. */
export async function scanPhotos(
  src: ResolvedSource,
  given: string,
  config: Config,
  signal?: AbortSignal,
): Promise<ScanResult> {
  const scan = src.isZip
    ? await extractZip(src.source, src.root, config.sources, signal)
    : await scanFolder(src.source, config.sources);
  if (scan.files.length === 0) {
    throw new VbulkError(
      "BAD_INPUT",
      expected(
        "at least one photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC)",
        given,
        `${scan.skipped.length} other files`,
      ),
      { hint: "Point vbulk at the folder that holds the photos themselves." },
    );
  }
  return scan;
}
