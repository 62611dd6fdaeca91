import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { parseWith } from "../store/read.js";

export const JOURNAL_FILE = "journal.json";

const Step = z.object({
  state: z.enum(["started", "done", "failed"]),
  at: z.string(),
  draft_id: z.string().optional(),
  url: z.string().optional(),
  listing_url: z.string().optional(),
  error: z.string().optional(),
});
export const JournalSchema = z.object({
  schemaVersion: z.literal(1),
  items: z.record(
    z.string(),
    z.object({
      prepare: Step.optional(),
      publish: Step.optional(),
      needs_manual: z.boolean().optional(),
      skipped: z.string().optional(),
    }),
  ),
  /** After a challenge, no write happens before this time. */
  paused_until: z.string().nullable(),
  daily: z.object({ date: z.string(), writes: z.number().int() }),
});
export type Journal = z.infer<typeof JournalSchema>;
export type JournalItem = Journal["items"][string];

/**
 * The record of what execute did, item by item, written atomically at every step: a crash, Ctrl-C or a challenge
 * never loses what was done, and a re-run never creates a second draft or publishes twice.
 */
export class JournalFile {
  private constructor(
    private readonly path: string,
    readonly data: Journal,
  ) {}

  static async open(dir: string): Promise<JournalFile> {
    const path = join(dir, JOURNAL_FILE);
    const text = await readFile(path, "utf8").catch(() => null);
    const data =
      text === null
        ? { schemaVersion: 1 as const, items: {}, paused_until: null, daily: { date: "", writes: 0 } }
        : parseWith(
            JournalSchema,
            JSON.parse(text),
            path,
            "Move the damaged journal.json away; drafts already made are found again by title.",
          );
    return new JournalFile(path, data);
  }

  item(id: string): JournalItem {
    this.data.items[id] ??= {};
    return this.data.items[id]!;
  }

  /** Counts writes against today's budget (local date). */
  countWrites(n: number, today: string): void {
    if (this.data.daily.date !== today) this.data.daily = { date: today, writes: 0 };
    this.data.daily.writes += n;
  }

  writesToday(today: string): number {
    return this.data.daily.date === today ? this.data.daily.writes : 0;
  }

  save(): Promise<void> {
    return writeJsonAtomic(this.path, this.data);
  }
}
