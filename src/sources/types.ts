/** A photo file found in the source, before decoding. */
export interface SourceFile {
  /** Absolute path on disk. */
  path: string;
  /** Path relative to the catalog folder, with forward slashes: what the catalog records. */
  rel: string;
  size: number;
  /** A ZIP entry's name in the ZIP, when it was extracted under another (a name Windows cannot hold, or one that
   *  differs only in letter case from another entry's: sources/zip.ts windowsSafeName). */
  zipName?: string;
  /** The file as the scan saw it (a folder's files; not a ZIP's): analyse need not stat it again. */
  seen?: { size: number; mtimeMs: number; ino: number };
}

/** Skipped files that may be photos the seller meant to list (too large, unreadable, a ZIP entry vbulk cannot or
 *  will not extract), as opposed to what is skipped on purpose (hidden files, non-images, a folder's symbolic
 *  links, vbulk's own output): a run that skipped one is partial (exit 3, status "partial"). */
const NOT_TAKEN: ReadonlySet<string> = new Set<SkippedFile["reason"]>([
  "too-large",
  "unreadable",
  "unsafe-path",
  "unsupported-entry",
  "bad-entry",
  "duplicate-name",
  "name-clash",
]);
export function notTaken<T extends { reason: string }>(skipped: readonly T[]): T[] {
  return skipped.filter((f) => NOT_TAKEN.has(f.reason));
}

/** A file that was not treated as a photo, and why. Counted and listed, never silently lost. */
export interface SkippedFile {
  file: string;
  reason:
    | "hidden"
    | "macos-metadata"
    | "not-an-image"
    | "symlink"
    | "unsafe-path"
    | "too-large"
    | "empty-dir"
    | "vbulk-output"
    /** A catalog, plan, decisions or journal file of an earlier vbulk run inside a ZIP: not used (said on stderr). */
    | "earlier-run"
    | "unreadable"
    | "unsupported-entry"
    | "bad-entry"
    | "duplicate-name"
    | "name-clash";
  detail?: string;
}

export interface ScanResult {
  /** The folder the photos live in; catalog.json is written here unless --out says otherwise. */
  root: string;
  files: SourceFile[];
  skipped: SkippedFile[];
  /** Set for a ZIP source. */
  zip?: { path: string; extracted: number; reused: number };
}
