import { createWriteStream } from "node:fs";
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { expected, messageOf, VbulkError } from "../core/errors.js";
import { classifyPath, naturalCompare } from "./classify.js";
import type { ScanLimits } from "./folder.js";
import type { ScanResult, SkippedFile, SourceFile } from "./types.js";

export interface ZipLimits extends ScanLimits {
  maxTotalBytes: number;
  maxCompressionRatio: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** Tiny entries can have any ratio (a 2 KB text of spaces); only large ones are judged as bombs. */
const RATIO_MIN_BYTES = 1024 * 1024;

/** The work folder a ZIP is extracted into: next to it, named after it, so the photos outlive the run. */
export function workFolderFor(zipPath: string): string {
  const abs = resolve(zipPath);
  return join(dirname(abs), `${basename(abs, extname(abs))}.vbulk`);
}

interface PlannedEntry {
  entry: yauzl.Entry;
  rel: string;
}

/**
 * Extracts the photos of a ZIP into `workDir`, safely: entries with `..`, absolute paths or symlinks are reported
 * and never written; limits on count, per-file and total size and compression ratio are checked against the
 * central directory before anything is written. Files already extracted with the same size are reused.
 * Throws ZIP_UNSAFE for an unreadable archive, ZIP_TOO_LARGE for a zip bomb, TOO_MANY_FILES over the limit.
 */
export async function extractZip(
  zipPath: string,
  workDir: string,
  limits: ZipLimits,
  signal?: AbortSignal,
): Promise<ScanResult> {
  const zip = await yauzl
    .openPromise(zipPath, { lazyEntries: true, decodeStrings: false, autoClose: false })
    .catch((err: unknown) => {
      throw new VbulkError(
        "ZIP_UNSAFE",
        expected("a readable ZIP archive", zipPath, `a file yauzl rejects (${messageOf(err)})`),
        {
          hint: "Re-create the ZIP (most file managers: right-click → Compress), or pass the folder of photos instead.",
          cause: err,
        },
      );
    });
  try {
    const maxEntries = limits.maxFiles * 20 + 1000;
    if (zip.entryCount > maxEntries) {
      throw new VbulkError(
        "ZIP_TOO_LARGE",
        expected(`at most ${maxEntries} entries`, zipPath, `${zip.entryCount} entries`),
        {
          hint: "This is not a folder of photos. Check the file, or unzip it yourself and ingest the folder.",
        },
      );
    }
    const skipped: SkippedFile[] = [];
    const planned: PlannedEntry[] = [];
    let total = 0;
    for await (const entry of zip.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw as unknown as Buffer,
        entry.extraFields,
        false,
      );
      if (name.endsWith("/")) continue;
      const unsafe = yauzl.validateFileName(name);
      if (unsafe) {
        skipped.push({ file: name, reason: "unsafe-path", detail: unsafe });
        continue;
      }
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) {
        skipped.push({ file: name, reason: "symlink" });
        continue;
      }
      const reason = classifyPath(name, limits.imageExtensions);
      if (reason) {
        if (reason !== "vbulk-output") skipped.push({ file: name, reason });
        continue;
      }
      if (entry.uncompressedSize > limits.maxFileBytes) {
        skipped.push({
          file: name,
          reason: "too-large",
          detail: `${entry.uncompressedSize} bytes > ${limits.maxFileBytes}`,
        });
        continue;
      }
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > RATIO_MIN_BYTES && ratio > limits.maxCompressionRatio) {
        throw new VbulkError(
          "ZIP_TOO_LARGE",
          expected(
            `a compression ratio of at most ${limits.maxCompressionRatio}`,
            `${zipPath} entry ${name}`,
            `${Math.round(ratio)}`,
          ),
          {
            hint: "Photos do not compress like this: the archive looks like a zip bomb. Nothing was extracted.",
          },
        );
      }
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) {
        throw new VbulkError(
          "ZIP_TOO_LARGE",
          expected(`at most ${limits.maxTotalBytes} bytes uncompressed`, zipPath, `more than that`),
          {
            hint: "Nothing was extracted. Split the archive, or raise the limit in the config file (sources.maxTotalBytes).",
          },
        );
      }
      planned.push({ entry, rel: name });
    }
    if (planned.length > limits.maxFiles) {
      throw new VbulkError(
        "TOO_MANY_FILES",
        expected(`at most ${limits.maxFiles} photos`, zipPath, `${planned.length} photos`),
        {
          hint: "Split the archive, or raise the limit with --max-files N (env BULK_MAX_FILES). Nothing was extracted.",
          context: { found: planned.length, limit: limits.maxFiles },
        },
      );
    }

    await mkdir(workDir, { recursive: true });
    const root = resolve(workDir);
    const files: SourceFile[] = [];
    let extracted = 0;
    let reused = 0;
    for (const { entry, rel } of planned) {
      signal?.throwIfAborted();
      const dest = resolve(root, rel);
      // validateFileName already refuses `..` and absolute paths; this is the second lock on the same door.
      if (!dest.startsWith(root + sep)) {
        skipped.push({ file: rel, reason: "unsafe-path", detail: "resolves outside the work folder" });
        continue;
      }
      if (await hasSymlinkOnPath(root, dest)) {
        skipped.push({
          file: rel,
          reason: "unsafe-path",
          detail: "a symlink in the work folder is on its path",
        });
        continue;
      }
      const existing = await lstat(dest).catch(() => null);
      if (existing?.isFile() && existing.size === entry.uncompressedSize) {
        reused++;
      } else {
        await mkdir(dirname(dest), { recursive: true });
        const tmp = `${dest}.${process.pid}.part`;
        const stream = await zip.openReadStreamPromise(entry);
        try {
          await pipeline(stream, createWriteStream(tmp, { flags: "wx" }), { signal });
          await rename(tmp, dest);
        } catch (err) {
          await rm(tmp, { force: true });
          if (signal?.aborted) throw err;
          skipped.push({
            file: rel,
            reason: "unsafe-path",
            detail: `could not be extracted: ${messageOf(err)}`,
          });
          continue;
        }
        extracted++;
      }
      files.push({ path: dest, rel, size: entry.uncompressedSize });
    }
    files.sort((a, b) => naturalCompare(a.rel, b.rel));
    skipped.sort((a, b) => naturalCompare(a.file, b.file));
    return { root, files, skipped, zip: { path: resolve(zipPath), extracted, reused } };
  } finally {
    zip.close();
  }
}

async function hasSymlinkOnPath(root: string, dest: string): Promise<boolean> {
  let dir = dirname(dest);
  while (dir.length > root.length) {
    const st = await lstat(dir).catch(() => null);
    if (st?.isSymbolicLink()) return true;
    dir = dirname(dir);
  }
  const st = await lstat(dest).catch(() => null);
  return st?.isSymbolicLink() === true;
}
