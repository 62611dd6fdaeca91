/** A photo file found in the source, before decoding. */
export interface SourceFile {
  /** Absolute path on disk. */
  path: string;
  /** Path relative to the catalog folder, with forward slashes: what the catalog records. */
  rel: string;
  size: number;
  /** The file as the scan saw it (a folder's files; not a ZIP's): analyse need not stat it again. */
  seen?: { size: number; mtimeMs: number; ino: number };
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
