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
 * Remembers that the ingest of `source` wrote to `outDir`. `fresh`: the run found no catalog in `outDir` (a first
 * run, or the earlier catalog moved away), so the sources recorded to it before are forgotten: their catalog is no
 * longer there, and `vbulk status`/`plan` of them must not point at this run. (A run over another source's catalog
 * goes on only when it holds the same photos: src/ingest/same-source.ts; those sources still point here.)
 * Best effort: never fails the ingest, but returns why it could not remember (a cache folder that cannot be made
 * or written), null when it did: the caller says so, since `vbulk status SOURCE` then shows an older run without
 * a word.
 */
export async function recordOutFolder(source: string, outDir: string, fresh = false): Promise<string | null> {
  try {
    const path = outFoldersPath();
    const file = (await readJsonFileIfAny(path, OutFoldersSchema, "").catch(() => null)) ?? {
      schemaVersion: 1 as const,
      folders: {},
    };
    const key = resolve(source);
    delete file.folders[key];
    if (fresh)
      for (const [other, out] of Object.entries(file.folders))
        if (out === resolve(outDir)) delete file.folders[other];
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

/** What outFolderOf reads of the catalog in an out folder: the source it was made from. */
const CatalogSourceSchema = z.object({ source: z.object({ path: z.string() }) });

/**
 * The folder the last `ingest source --out` wrote to, or null; null too when the catalog there is no longer this
 * source's: made since from a source that was not recorded to that folder (an ingest of the folder itself, or a
 * vbulk before this check). Never throws.
 */
export async function outFolderOf(source: string): Promise<string | null> {
  const file = await readJsonFileIfAny(outFoldersPath(), OutFoldersSchema, "").catch(() => null);
  const out = file?.folders[resolve(source)];
  if (!file || !out) return null;
  // No catalog yet (the first run still running, or failed): the run there is this source's.
  const made = await readJsonFileIfAny(join(out, "catalog.json"), CatalogSourceSchema, "").catch(() => null);
  if (!made) return out;
  const from = resolve(made.source.path);
  return from === resolve(source) || file.folders[from] === out ? out : null;
}
