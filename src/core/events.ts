/** The stages of an ingest, in order; each gets its own progress bar. */
export type IngestStage =
  | "labels"
  | "scan"
  | "extract"
  | "analyse"
  | "duplicates"
  | "group"
  | "classify"
  | "write";

/** A photo a grouping decision names, with its article (null: taken out of the listing). */
export interface DecidedPhoto {
  file: string;
  article: string | null;
}

/** What the core tells its caller while it works. Commands render these; the core never prints. */
export type IngestEvent =
  | { type: "stage"; stage: IngestStage; total: number }
  | { type: "progress"; stage: IngestStage; done: number; total: number }
  | {
      type: "warning";
      message: string;
      hint?: string;
      /** Photos the seller's grouping decisions name, gone since the last run (`message` says it for the terminal,
       *  naming `vbulk review`): the review page, where the seller already is, words this itself. */
      decidedGone?: { gone: DecidedPhoto[]; added: DecidedPhoto[] };
      /** How a re-run placed the photos added since among the earlier articles (`message` says it), as data. */
      placed?: PlacedPhotos;
      /** No CLIP model could be used: the model-free embedder runs, types stay unknown (`message` says why). */
      noModel?: true;
      /** A model folder (--model-dir, VBULK_MODEL_DIR) without vbulk-model.json, loaded unverified (`message` says
       *  it); `writable`: whether `vbulk models manifest` can write the manifest there. */
      unverifiedModel?: { dir: string; writable: boolean };
      /** A ZIP holding an earlier vbulk run's files (its plan, decisions, catalog), not used (`message` says it). */
      earlierRun?: { zip: string; files: string[] };
      /** The photos' order showed no garment after garment, so they were grouped by appearance only (`message` says
       *  it); `alone`: no two looked alike enough to join, every photo is its own article. */
      orderUnclear?: { photos: number; alone: boolean };
      /** The earlier articles were not kept: the grouping settings (by config key) or the model changed since the
       *  last run (`message` says it, with the terminal's flags to get them back). */
      regrouped?: Regrouped;
      /** catalog.json was edited by hand since vbulk wrote it: the seller's version kept as `kept` (a file name in
       *  the folder), catalog.json written anew (`message` says it). */
      handEdited?: { kept: string };
      /** CLIP was asked to run on the GPU (--device cuda) and runs on the CPU instead (`message` says why):
       *  `reason`, onnxruntime's own words. */
      cpuFallback?: { reason: string };
    }
  /** Something the run did on its own that the seller should know, nothing wrong. `resaved`: how many photos were
   *  saved again since the last run (`message` says it), as data. */
  | {
      type: "note";
      message: string;
      resaved?: number;
      /** Photos without a capture time among photos in capture order (`message` says it): named before or after
       *  every timed one (`where`: another source), or among them (`where` null: each follows the one named before
       *  it). `files`: the first three. */
      untimed?: { n: number; total: number; files: string[]; where: "before" | "after" | "both" | null };
      /** Landscape photos in a batch shot in portrait (`message` says it): perhaps on their side, an app having
       *  dropped their orientation. `files`: the first three. */
      sideways?: { n: number; total: number; files: string[] };
      /** Photos taken for a phone's screenshot, put after the others (`message` says it). `files`: the first three. */
      screenshots?: { n: number; files: string[] };
    }
  | {
      type: "photo-error";
      file: string;
      message: string;
      /** The system's error code (EACCES, EIO, ENOENT…) when the file itself could not be read, rather than decoded. */
      osError?: string;
    };

/** What changed since the run whose articles a new run did not keep (src/ingest/group.ts earlierGroupingNotKept). */
export interface Regrouped {
  settings: { key: string; was: string; now: string }[];
  model: { was: string; now: string } | null;
}

/** A re-run's placing of photos among the earlier articles (src/ingest/group.ts), as counts. */
export interface PlacedPhotos {
  /** Earlier articles kept as they were. */
  earlier: number;
  /** Photos added since (not counting those that replaced one in the same article). */
  added: number;
  /** Of those, how many joined an earlier article (the others make new articles). */
  joined: number;
  /** Photos gone since. */
  removed: number;
  /** Photos replaced by a new one in the same article. */
  swapped: number;
  /** Photos replaced by a larger copy of themselves (kept in their article). */
  replaced: number;
}

export type EventSink<E> = (event: E) => void;

/** What a folder or ZIP without a photo held instead (src/ingest/scan.ts skipKind): the review page words it. */
export type NoPhotoKind =
  | "encrypted"
  | "compression"
  | "unsafe-name"
  | "too-large"
  | "macos-metadata"
  | "unreadable"
  | "symlink"
  | "not-photo";
