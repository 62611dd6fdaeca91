import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { fileSystemError, messageOf } from "../core/errors.js";
import { makeCacheFolder, modelCacheDir } from "../model/manifest.js";
import { readJsonFileIfAny } from "./read.js";

/**
 * Where `vbulk ingest SOURCE --out DIR` wrote, by source: `vbulk status ./photos` then finds the run in DIR
 * instead of saying nothing ran there (README: DIR may be the photos folder). Kept in vbulk's cache folder, not in
 * the photos folder (--out is often used because that one must stay untouched); losing it loses only this lookup.
 */
const FILE = "out-folders.json";
/** Sources remembered, newest kept: enough for every batch a seller has in progress. */
const KEEP = 200;

const OutFoldersSchema = z.object({
  schemaVersion: z.literal(1),
  folders: z.record(z.string(), z.string()),
});

function outFoldersPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(modelCacheDir(env)), FILE);
}

/**
 * Remembers that the ingest of `source` wrote to `outDir`. Best effort: never fails the ingest, but returns why it
 * could not remember (a cache folder that cannot be made or written), null when it did: the caller says so, since
 * `vbulk status SOURCE` then shows an older run without a word.
 */
export async function recordOutFolder(source: string, outDir: string): Promise<string | null> {
  try {
    const path = outFoldersPath();
    const file = (await readJsonFileIfAny(path, OutFoldersSchema, "").catch(() => null)) ?? {
      schemaVersion: 1 as const,
      folders: {},
    };
    const key = resolve(source);
    delete file.folders[key];
    const folders = Object.entries({ ...file.folders, [key]: resolve(outDir) }).slice(-KEEP);
    // Never under a HOME that does not exist (makeCacheFolder).
    await makeCacheFolder(dirname(path));
    await writeJsonAtomic(path, { schemaVersion: 1, folders: Object.fromEntries(folders) }).catch(
      (err: unknown) => {
        throw fileSystemError(err, path, "write");
      },
    );
    return null;
  } catch (err) {
    // A read-only home or a full disk costs only the lookup.
    return messageOf(err);
  }
}

/** The folder the last `ingest source --out` wrote to, or null. Never throws. */
export async function outFolderOf(source: string): Promise<string | null> {
  const file = await readJsonFileIfAny(outFoldersPath(), OutFoldersSchema, "").catch(() => null);
  return file?.folders[resolve(source)] ?? null;
}
