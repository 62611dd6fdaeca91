import type { Dirent } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { expected, messageOf, VbulkError } from "../core/errors.js";
import { classifyDir, classifyPath, naturalCompare } from "./classify.js";
import type { ScanResult, SkippedFile, SourceFile } from "./types.js";

export interface ScanLimits {
  maxFiles: number;
  maxFileBytes: number;
  imageExtensions: readonly string[];
}

/**
 * Lists the photos in a folder, recursively, in natural name order. The folder given may itself be a symlink (the
 * user chose it); symlinks inside are not followed (a link can point anywhere). Hidden files, macOS metadata and
 * non-images are skipped and reported; a sub-folder or file that cannot be read is one skipped entry, not an abort.
 * Throws NOT_FOUND for a missing or unreadable folder and TOO_MANY_FILES over limits.maxFiles.
 */
export async function scanFolder(root: string, limits: ScanLimits): Promise<ScanResult> {
  const rootStat = await stat(root).catch(() => null);
  if (!rootStat?.isDirectory()) {
    throw new VbulkError("NOT_FOUND", expected("a folder or a .zip file", "the photo source", root), {
      hint: "Pass the folder that holds your photos, e.g. `vbulk ingest ./photos`, or a ZIP of them.",
    });
  }
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (dir === root) {
        throw new VbulkError("NOT_FOUND", expected("a folder vbulk may read", "the photo source", root), {
          hint: `Check its permissions (\`ls -ld ${root}\`): ${messageOf(err)}`,
          cause: err,
        });
      }
      skipped.push({
        file: `${relative(root, dir).split(sep).join("/")}/`,
        reason: "unreadable",
        detail: messageOf(err),
      });
      return;
    }
    for (const entry of entries) {
      const abs = join(dir, entry.name);
      const rel = relative(root, abs).split(sep).join("/");
      if (entry.isSymbolicLink()) {
        skipped.push({ file: rel, reason: "symlink" });
        continue;
      }
      if (entry.isDirectory()) {
        const reason = classifyDir(rel);
        if (reason) {
          if (reason !== "vbulk-output") skipped.push({ file: `${rel}/`, reason });
          continue;
        }
        await walk(abs);
        continue;
      }
      if (!entry.isFile()) continue;
      const reason = classifyPath(rel, limits.imageExtensions);
      if (reason) {
        if (reason !== "vbulk-output") skipped.push({ file: rel, reason });
        continue;
      }
      const st = await lstat(abs).catch((err: unknown) => err as Error);
      if (st instanceof Error) {
        skipped.push({ file: rel, reason: "unreadable", detail: messageOf(st) });
        continue;
      }
      const { size } = st;
      if (size > limits.maxFileBytes) {
        skipped.push({ file: rel, reason: "too-large", detail: `${size} bytes > ${limits.maxFileBytes}` });
        continue;
      }
      files.push({ path: abs, rel, size });
    }
  };
  await walk(root);
  if (files.length > limits.maxFiles) {
    throw new VbulkError(
      "TOO_MANY_FILES",
      expected(`at most ${limits.maxFiles} photos`, root, `${files.length} photos`),
      {
        hint: "Split the folder, or raise the limit with --max-files N (env BULK_MAX_FILES).",
        context: { found: files.length, limit: limits.maxFiles },
      },
    );
  }
  files.sort((a, b) => naturalCompare(a.rel, b.rel));
  skipped.sort((a, b) => naturalCompare(a.file, b.file));
  return { root, files, skipped };
}
