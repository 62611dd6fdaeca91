/** The stages of an ingest, in order; each gets its own progress bar. */
export type IngestStage = "scan" | "extract" | "analyse" | "duplicates" | "group" | "classify" | "write";

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
    }
  /** Something the run did on its own that the seller should know, nothing wrong. */
  | { type: "note"; message: string }
  | { type: "photo-error"; file: string; message: string };

export type EventSink<E> = (event: E) => void;
