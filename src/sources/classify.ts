import { extname } from "node:path";
import type { SkippedFile } from "./types.js";

/** The folder vbulk keeps its own state in (cache, status); never scanned as photos. */
export const STATE_DIR = ".vbulk";
/** Files vbulk writes beside the photos; neither photos nor worth reporting as skipped. */
const OUTPUT_FILES = new Set([
  "catalog.json",
  "catalog.log",
  "plan.json",
  "plan.log",
  "journal.json",
  "decisions.json",
]);

/** The files of a vbulk run that hold the seller's work: article ids, listing edits, grouping decisions, drafts. */
const RUN_FILES = new Set(["catalog.json", "plan.json", "decisions.json", "journal.json"]);

/** What a ZIP entry that is an earlier vbulk run's file says in the catalog's skipped list. */
export const EARLIER_RUN_DETAIL =
  "an earlier vbulk run's file, not used: to keep its edits, unzip the archive and run `vbulk ingest` on the folder";

/**
 * Whether a ZIP entry (any folder of it) is one of a vbulk run's own files: a worked folder zipped to move it. Its
 * edits are not read from inside an archive, and only a count of "other files" said they were dropped.
 */
export function isEarlierRunFile(rel: string): boolean {
  const name = rel.split("/").at(-1)!;
  // A hand-edited catalog an ingest kept aside is one of them: counted as "not photos: 1 .json" it read as the
  // seller's own file.
  return RUN_FILES.has(name) || EDITED_CATALOG.test(name);
}

/** The copy of a hand-edited catalog.json an ingest keeps aside (store/catalog.ts):
 *  catalog.edited-YYYYMMDD-HHMMSS.json, or catalog.edited-YYYYMMDD-HHMMSS-N.json for the Nth copy of one second. */
const EDITED_CATALOG = /^catalog\.edited-\d{8}-\d{6}(-\d+)?\.json$/;

/** The name of that copy for the `n`th copy made at `at` (UTC) within its second. */
export function editedCatalogName(at: Date, n = 1): string {
  return `catalog.edited-${at.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-")}${n > 1 ? `-${n}` : ""}.json`;
}

/**
 * Decides whether a relative path (forward slashes) is a candidate photo. Returns null for a photo,
 * or the skip reason.
 */
/** Camera and phone RAW formats (Apple ProRAW .dng, Canon, Nikon, Sony, Fujifilm, Olympus, Panasonic, Pentax):
 *  not read, and said apart with what to do, as a seller who shot RAW would otherwise lose those photos unseen. */
export const RAW_EXTENSIONS: ReadonlySet<string> = new Set([
  ".dng",
  ".cr2",
  ".cr3",
  ".nef",
  ".arw",
  ".raf",
  ".orf",
  ".rw2",
  ".pef",
]);

/** Archives a seller may leave among the photos (a ZIP in the ZIP, a folder's own backup): not opened, said apart. */
export const ARCHIVE_EXTENSIONS: ReadonlySet<string> = new Set([
  ".zip",
  ".rar",
  ".7z",
  ".tar",
  ".gz",
  ".tgz",
]);

export function classifyPath(rel: string, imageExtensions: readonly string[]): SkippedFile["reason"] | null {
  const parts = rel.split("/");
  if (parts.length === 1 && (OUTPUT_FILES.has(parts[0]!) || EDITED_CATALOG.test(parts[0]!)))
    return "vbulk-output";
  return (
    classifyDir(parts.slice(0, -1).join("/")) ??
    (parts.at(-1)!.startsWith(".") ? "hidden" : null) ??
    (imageExtensions.includes(extname(rel).toLowerCase()) ? null : "not-an-image")
  );
}

/** Whether a folder (relative path, "" for the root) is skipped whole, and why; null to look inside. */
export function classifyDir(rel: string): SkippedFile["reason"] | null {
  if (rel === "") return null;
  const parts = rel.split("/");
  if (parts.includes("__MACOSX")) return "macos-metadata";
  if (parts[0] === STATE_DIR) return "vbulk-output";
  if (parts.some((p) => p.startsWith("."))) return "hidden";
  return null;
}

/** Natural order ("IMG_2.jpg" before "IMG_10.jpg"), the order a seller's camera or file browser shows. */
export const naturalCompare = new Intl.Collator("en", { numeric: true, sensitivity: "base" }).compare;
