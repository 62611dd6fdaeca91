import { chmod } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../core/atomic.js";
import { VbulkError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { issueText, parseWith, readTextIfAny } from "../store/read.js";

export const JOURNAL_FILE = "journal.json";

/** One photo of one article: "sending" is written before the upload goes, the photo id as soon as it answers. */
const Photo = z.object({
  state: z.enum(["sending", "sent"]),
  at: z.string(),
  photo_id: z.number().optional(),
  /** The photo's content (plan.json's photo_sha256) when sent: how execute knows the draft's garment by its photos
   *  even after a rename. Absent in journals of older vbulk (names only). */
  sha256: z.string().optional(),
});
const Draft = z.object({
  /** "sending": the create request went and no answer was recorded (a crash, a timeout): a re-run looks it up
   *  first. A create Vinted answered with a refusal made nothing: its entry is removed. */
  state: z.enum(["sending", "created"]),
  at: z.string(),
  id: z.string().optional(),
  url: z.string().optional(),
  /** The title the create was sent with: how a draft a crash left unrecorded is looked for. */
  title: z.string(),
  /** The photo ids the create carried: how a draft found by its title is proved this article's (photo ids are
   *  Vinted's, one per upload: no other article, batch or hand-made draft holds them). */
  photo_ids: z.array(z.number()).optional(),
  /** Digest of the fields last sent for this draft: a different plan means the draft is updated first. */
  fields: z.string().optional(),
  updated_at: z.string().optional(),
});
const Publish = z.object({
  state: z.enum(["sending", "done"]),
  at: z.string(),
  listing_url: z.string().optional(),
});
const Item = z.object({
  /** One upload session per article, as the web app has one per form: photos' temp_uuid and the draft's. */
  upload_session_id: z.string().optional(),
  photos: z.record(z.string(), Photo).default({}),
  draft: Draft.optional(),
  publish: Publish.optional(),
  needs_manual: z.string().optional(),
  error: z.string().optional(),
  skipped: z.string().optional(),
});
export const JournalSchema = z.object({
  schemaVersion: z.literal(2),
  /** The Vinted site the ids below belong to. */
  site: z.string(),
  items: z.record(z.string(), Item),
});
export type Journal = z.infer<typeof JournalSchema>;
export type JournalItem = z.infer<typeof Item>;

/**
 * What execute did, article by article, step by step, written atomically (mode 0600) before and after every write:
 * a crash, Ctrl-C or a refusal never loses a draft id, and a re-run never creates a second draft, uploads a photo
 * twice or publishes twice. Every text in it goes through redact(): whatever Vinted echoes never lands in clear.
 */
export class JournalFile {
  private constructor(
    readonly path: string,
    readonly data: Journal,
  ) {}

  /** Opens DIR/journal.json (empty when none). Throws BAD_INPUT naming the file when it is damaged or foreign. */
  static async open(dir: string, site: string): Promise<JournalFile> {
    const path = join(dir, JOURNAL_FILE);
    // Only a missing file is an empty one: an unreadable journal taken for none would draft every article twice.
    // vbulk writes it as UTF-8: other bytes mean an editor saved it (or the disk damaged it), and "save it as
    // UTF-8" alone invited more hand edits of the one file that must not get any.
    const text = await readTextIfAny(path, {
      what: "execute's journal was saved by another program than vbulk",
      hint: "journal.json is execute's record of what it sent to Vinted: the ids of the drafts already made, the photos uploaded, the publishes; a re-run reads it so it never makes a second draft or uploads a photo twice. Do not delete it or edit it by hand. Restore it from a backup (or undo the editor's save: in that editor, save it as UTF-8 with nothing else changed); if you cannot, move it away and check your drafts on Vinted by hand before running execute again (without it, a re-run makes new drafts). Nothing was sent or written.",
    });
    if (text === null) return new JournalFile(path, { schemaVersion: 2, site, items: {} });
    const hint = `Do not delete it: it holds the ids of the drafts already made. Restore it from a backup, or move it away and check your Vinted drafts by hand before running again (a re-run without it makes new drafts).`;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new VbulkError(
        "BAD_INPUT",
        `Expected valid JSON in ${path} but it is damaged (${(err as Error).message})`,
        { hint },
      );
    }
    if ((raw as { schemaVersion?: unknown })?.schemaVersion === 1)
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a journal of this vbulk version in ${path} but received one written by the first adapter, whose draft ids Vinted never gave`,
        { hint: "Move it away (check your Vinted drafts by hand first), then run execute again." },
      );
    // The kind of a bad value, never the value: a journal's texts may hold what Vinted echoed (redacted, but a hand
    // edit or an older file need not be).
    const data = parseWith(
      JournalSchema,
      raw,
      path,
      hint,
      (issue, d, schema) => `: ${issueText(issue, d, { schema, hideValues: true })}`,
    );
    if (data.site !== site)
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a journal for ${site} in ${path} but it records ${data.site}`,
        {
          hint: "Its draft ids belong to the other site: run against that site (VBULK_VINTED_URL), or move the file away.",
          // As data: the review page says it in its words.
          context: { journalSite: data.site, site },
        },
      );
    return new JournalFile(path, data);
  }

  item(id: string): JournalItem {
    this.data.items[id] ??= { photos: {} };
    return this.data.items[id]!;
  }

  /** Atomic, 0600, redacted. */
  async save(): Promise<void> {
    await writeFileAtomic(this.path, `${redact(JSON.stringify(this.data, null, 2))}\n`, 0o600);
    await chmod(this.path, 0o600);
  }
}
