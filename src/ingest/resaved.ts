import type { Config } from "../core/config.js";
import { comparePhotos, type DuplicatePair, editedCopyOf, stemOf } from "../grouping/duplicates.js";
import { compareEdited, type EditedComparison } from "../imaging/edits.js";
import type { CacheEntry } from "../store/cache.js";
import type { Catalog } from "../store/catalog.js";

/** Why a file saved again under its name is the same photo: the same picture by the duplicate test, or the same
 *  photo edited (light, colour, a small crop or straighten) by compareEdited. */
export type SavedAgainAs = "duplicate" | "edited";

/** Whether compareEdited's measures read as an edit of the earlier photo (DEFAULTS.resaved says why each limit). */
export function editedEnough(c: EditedComparison | null, t: Config["resaved"]): boolean {
  if (c === null || c.colour > t.maxColour) return false;
  return (
    c.structure <= t.maxStructure ||
    (c.structure <= t.maxPatternStructure && c.smoothStructure <= t.maxSmoothStructure)
  );
}

/**
 * Whether `after`, found under the file name `before` had, is the same photo: the duplicate test (DEFAULTS.duplicates,
 * unchanged), or else an edit of it (compareEdited, DEFAULTS.resaved): looser than the duplicate test because the
 * same name in the same folder is strong evidence already. Photos whose capture times are both known and differ
 * are never an edit of one another (an edit keeps the time a photo was taken; a camera that reuses a name took
 * the other picture at another time). Null: another picture.
 */
export function savedAgainAs(
  before: CacheEntry,
  after: CacheEntry,
  config: Pick<Config, "duplicates" | "resaved">,
): SavedAgainAs | null {
  const pair = [
    { ...before, sha256: "before", pixels: before.width * before.height },
    { ...after, sha256: "after", pixels: after.width * after.height },
  ];
  if (comparePhotos(pair, config.duplicates).duplicates.length > 0) return "duplicate";
  if (before.captured_at && after.captured_at && before.captured_at !== after.captured_at) return null;
  return editedEnough(compareEdited(before, after, config.resaved), config.resaved) ? "edited" : null;
}

/**
 * Photos saved again since the previous run: the same file name, other bytes (a viewer's rotation written back,
 * an export or an optimiser's recompression), and the same picture by vbulk's duplicate test (pHash, aHash and
 * colour grid: DEFAULTS.duplicates). Everything made for the photo's earlier content (its article's id, the
 * seller's grouping decisions, the plan's edits) is keyed by content, so without this a re-saved photo was a new
 * photo and its article a new garment: edits set aside, an excluded article included again.
 *
 * Returns, for each photo of this run that had other content before, those earlier contents (sha256), newest
 * first, including those the previous catalog already recorded for it (`earlier_sha256`), so a plan made two
 * runs ago still finds its photos. A file whose earlier content is still in the run under another name (a
 * rename, a copy), or whose earlier picture is not in the cache (nothing to compare), or that is another picture
 * (a camera's reused name), is a new photo, as before.
 */
export function resavedPhotos(opts: {
  previous: Pick<Catalog, "photos"> | null;
  /** This run's photos: file (relative to the catalog's folder), content and analysis. */
  photos: { file: string; sha256: string; entry: CacheEntry }[];
  cached: (sha: string) => CacheEntry | undefined;
  config: Pick<Config, "duplicates" | "resaved">;
}): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!opts.previous) return out;
  const present = new Set(opts.photos.map((p) => p.sha256));
  const byFile = new Map(opts.previous.photos.map((p) => [p.file, p]));
  const bySha = new Map(opts.previous.photos.map((p) => [p.sha256, p]));
  for (const p of opts.photos) {
    // Recorded before and unchanged since: kept.
    const kept = bySha.get(p.sha256)?.earlier_sha256;
    if (kept?.length) {
      out.set(p.sha256, [...kept]);
      continue;
    }
    const was = byFile.get(p.file);
    if (!was || was.sha256 === p.sha256 || present.has(was.sha256)) continue;
    const old = opts.cached(was.sha256);
    if (!old) continue;
    if (!savedAgainAs(old, p.entry, opts.config)) continue;
    out.set(p.sha256, [was.sha256, ...(was.earlier_sha256 ?? [])]);
  }
  return out;
}

/** Each earlier content → the content its file has now (resavedPhotos, or catalog.json's `earlier_sha256`). */
export function currentContent(
  earlier: Iterable<[string, readonly string[] | undefined]>,
): Map<string, string> {
  const now = new Map<string, string>();
  for (const [sha, olds] of earlier) for (const o of olds ?? []) if (!now.has(o)) now.set(o, sha);
  return now;
}

/**
 * The edited copies a phone or photo app keeps beside their original (editedCopyOf: `IMG_E0001.JPG` beside
 * `IMG_0001.HEIC`, `x-edited.jpg` beside `x.jpg`), as `edited` pairs (a the original, b the edit) for
 * decideDuplicates, which keeps the edit. The name is confirmed by the photos: the same capture time (an edit keeps
 * it, whatever the edit: a black-and-white copy too), or, when a time is missing, the same picture or an edit of it
 * (savedAgainAs). Two times that differ are two pictures. Before, each edit was kept as a second photo of its
 * garment (the listing showed the picture twice), or became an article of its own.
 */
export function editedCopies(
  photos: readonly { file: string; entry: CacheEntry }[],
  config: Pick<Config, "duplicates" | "resaved">,
): DuplicatePair[] {
  const byStem = new Map<string, number[]>();
  photos.forEach((p, i) => {
    const stem = stemOf(p.file);
    byStem.set(stem, [...(byStem.get(stem) ?? []), i]);
  });
  const pairs: DuplicatePair[] = [];
  photos.forEach((copy, b) => {
    const of = editedCopyOf(copy.file);
    if (of === null) return;
    for (const a of byStem.get(of) ?? []) {
      const original = photos[a]!.entry;
      const [ta, tb] = [original.captured_at, copy.entry.captured_at];
      const same = ta && tb ? ta === tb : savedAgainAs(original, copy.entry, config) !== null;
      if (same)
        pairs.push({
          a,
          b,
          kind: "edited",
          phashDistance: 0,
          ahashDistance: 0,
          colorDistance: 0,
          cellColorDistance: 0,
        });
    }
  });
  return pairs;
}
