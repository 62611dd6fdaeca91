import { stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { DEFAULTS } from "../core/defaults.js";
import { VbulkError } from "../core/errors.js";
import { andList, printable, shellWord, vbulkAs } from "../core/text.js";
import { CATALOG_FILE, type Catalog } from "../store/catalog.js";
import type { OpenedPhotos, ResolvedSource } from "./scan.js";

/** The files of a folder's run that belong to its catalog's articles (listing edits, grouping decisions, drafts). */
const RUN_FILES = ["plan.json", "decisions.json", "journal.json"];

/**
 * Checks, writing nothing, that the catalog already in the output folder (`previous`) is this source's to replace:
 * made from this source, or from another one (a folder moved or renamed, the same photos zipped) whose photos this
 * source still holds, at least DEFAULTS.ingest.sameSourceMinShare of them by content. Photos whose names the
 * earlier catalog lists are read first, so the same photos under the same names are found after reading about half
 * of them. Throws BAD_USAGE otherwise: `vbulk ingest ./Q --out ./R` over ./R's catalog of ./P replaced it without a
 * word, and ./P's plan, decisions and Vinted drafts in ./R then stood for ./Q's garments.
 */
export async function checkSameSource(
  previous: Catalog | null,
  src: ResolvedSource,
  photos: OpenedPhotos,
  given: string,
  outGiven: boolean,
): Promise<void> {
  if (!previous || previous.source.path === src.source) return;
  const wanted = new Set(previous.photos.map((p) => p.sha256));
  if (wanted.size === 0) return;
  const needed = Math.ceil(wanted.size * DEFAULTS.ingest.sameSourceMinShare);
  const earlierNames = new Set(previous.photos.map((p) => posix.basename(p.file)));
  const listed = (name: string) => earlierNames.has(posix.basename(name));
  const order = [...photos.names.filter(listed), ...photos.names.filter((n) => !listed(n))];
  const found = new Set<string>();
  // Read to the end when refusing (no shortcut once the share cannot be reached): the message says how many are shared.
  for (const name of order) {
    if (found.size >= needed) break;
    const sha = await photos.sha256(name);
    if (sha && wanted.has(sha)) found.add(sha);
  }
  if (found.size >= needed) return;
  const out = src.outDir;
  const there: string[] = [];
  for (const f of RUN_FILES) if (await stat(join(out, f)).catch(() => null)) there.push(f);
  const earlier = previous.source.path;
  const where = outGiven ? `--out ${printable(out)}` : printable(out);
  throw new VbulkError(
    "BAD_USAGE",
    `Expected ${where} to hold no catalog yet, or one of these photos, but its ${CATALOG_FILE} was made from another source, ${printable(earlier)}, and ${printable(given)} holds ${found.size === 0 ? "none" : `only ${found.size}`} of its ${wanted.size} photos: nothing was written`,
    {
      hint: `Pass another --out folder for ${printable(given)} (\`${vbulkAs()} ingest ${shellWord(given)} --out OTHER\`). Or, to start ${printable(out)} again with ${printable(given)}, move ${printable(join(out, CATALOG_FILE))} away first${there.length ? `, with ${andList(there)}, which belong${there.length === 1 ? "s" : ""} to its articles` : ""}.`,
      context: { otherSource: earlier, shared: found.size, photos: wanted.size },
    },
  );
}
