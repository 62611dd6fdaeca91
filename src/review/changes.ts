/**
 * Photos added to or taken out of the folder since its catalog was written: the review page offers to analyse it
 * again (« Analyser à nouveau »), as `vbulk ingest DIR` would, rather than leave the seller to find the terminal.
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { configFileLayer } from "../commands/options.js";
import { resolveConfig } from "../core/config.js";
import { scanFolder } from "../sources/folder.js";
import { CATALOG_FILE, readCatalog } from "../store/catalog.js";

export interface FolderChanges {
  /** Photo files in the folder the catalog does not know (neither a photo of it nor one it could not read). */
  added: string[];
  /** Photos of the catalog no longer in the folder. */
  gone: string[];
}

/** At most this many names of each kind go to the page (the counts are whole). */
const SHOWN = 20;
/** A folder is scanned again at most this often while the catalog stays the same (the page polls every second). */
const RESCAN_MS = 3000;

/**
 * Compares the photos in `dir` with its catalog. Null when there is nothing to compare: a ZIP source or ingest
 * --out (the catalog is not in the photo folder), or the folder cannot be read. Remembers the last answer for
 * RESCAN_MS while catalog.json is unchanged.
 */
export function folderChangesOf(dir: string, source: string) {
  type Changes = (FolderChanges & { counts: [number, number] }) | null;
  let last: { at: number; catalogMtime: number; changes: Changes } | null = null;
  /** The catalog's files, read and validated once per version of catalog.json (the page polls every second). */
  let listed: { mtime: number; photos: string[]; known: Set<string> } | null = null;
  return async (): Promise<Changes> => {
    if (resolve(source) !== resolve(dir)) return null;
    const catalogMtime = (await stat(join(dir, CATALOG_FILE)).catch(() => null))?.mtimeMs ?? 0;
    if (!catalogMtime) return null;
    if (last && last.catalogMtime === catalogMtime && Date.now() - last.at < RESCAN_MS) return last.changes;
    if (listed?.mtime !== catalogMtime) {
      const catalog = await readCatalog(dir).catch(() => null);
      listed = catalog && {
        mtime: catalogMtime,
        photos: catalog.photos.map((p) => p.file),
        known: new Set([...catalog.photos.map((p) => p.file), ...catalog.errors.map((e) => e.file)]),
      };
    }
    // What counts as a photo as the page's analysis would take it (VBULK_CONFIG's sources): with the defaults, a
    // photo type the seller's config adds was reported "taken out", and one it leaves out "added", on every poll.
    const sources = listed
      ? await configFileLayer(process.env.VBULK_CONFIG)
          .then((layer) => resolveConfig(layer).sources)
          .catch(() => null)
      : null;
    const scan = sources
      ? await scanFolder(dir, { ...sources, maxFiles: Number.MAX_SAFE_INTEGER }).catch(() => null)
      : null;
    let changes: Changes = null;
    if (listed && scan) {
      const { known } = listed;
      const present = new Set(scan.files.map((f) => f.rel));
      const added = scan.files.map((f) => f.rel).filter((f) => !known.has(f));
      const gone = listed.photos.filter((f) => !present.has(f));
      changes = {
        added: added.slice(0, SHOWN),
        gone: gone.slice(0, SHOWN),
        counts: [added.length, gone.length],
      };
    }
    last = { at: Date.now(), catalogMtime, changes };
    return changes;
  };
}
