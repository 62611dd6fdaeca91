import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { writeFileAtomic, writeFileIfAbsent } from "../core/atomic.js";
import { VbulkError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { printable, shellWord, vbulkAs } from "../core/text.js";
import { APPLIED_GROUPING_METHODS, ARTICLE_ID, DEPARTMENTS } from "../core/vocab.js";
import { COLOR_NAMES, SHADE_NAMES } from "../imaging/color.js";
import { editedCatalogName, STATE_DIR } from "../sources/classify.js";
import { issueText, readJsonFileIfAny, strictKeys, valueAt } from "./read.js";

export const CATALOG_FILE = "catalog.json";
export const CATALOG_SCHEMA_VERSION = 1;

const ColorName = z.enum(COLOR_NAMES);

// Every object of catalog.json is read strictly (strictKeys): a field a seller added by hand ("colour") was dropped
// without a word, the edit lost. No field vbulk ever wrote was taken out of these schemas, so every older catalog
// still reads; writeCatalog validates with the same schemas, so vbulk never writes a field it would refuse.
export const CatalogPhotoSchema = strictKeys({
  /** Path relative to the catalog's folder. */
  file: z.string().min(1),
  /** A ZIP's photo extracted under another name than its name in the ZIP (a name Windows cannot hold, or one that
   *  differs only in letter case from another photo's: sources/zip.ts windowsSafeName): its name in the ZIP. */
  zip_name: z.string().min(1).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  format: z.string(),
  /** EXIF DateTimeOriginal (camera local time), or null. */
  captured_at: z.string().nullable(),
  /** Position in natural file-name order (0-based). */
  name_order: z.number().int().nonnegative(),
  ahash: z.string().regex(/^[0-9a-f]{16}$/),
  phash: z.string().regex(/^[0-9a-f]{16}$/),
  article: z.string().nullable(),
  duplicate_of: z.string().nullable(),
  duplicate_reason: z.string().optional(),
  color: ColorName,
  color_score: z.number().min(0).max(1),
  /** Share of the garment per colour name, as the photo's colour clusters were named: what an article's colour is
   *  voted from, so the review page can vote it again after a decision as ingest does. Absent in older catalogs. */
  color_shares: z.partialRecord(ColorName, z.number().min(0).max(1)).optional(),
  /** The photo's finer Vinted colour and second colour, when it has one (absent in older catalogs). */
  color_shade: z.enum(SHADE_NAMES).nullable().optional(),
  color2: ColorName.nullable().optional(),
  category: z.string().optional(),
  category_score: z.number().min(0).max(1).optional(),
  /** The seller took this photo out of the listing (`vbulk review`, decisions.json). */
  dropped_by_seller: z.boolean().optional(),
  /** The seller moved this photo out of the article it was in (« Nouvel article », « Déplacer »): the article it
   *  left keeps its id and listing with the photos that stayed (ingest/ids.ts, listing/plan.ts). */
  moved_by_seller: z.boolean().optional(),
  /** With moved_by_seller: the photos (sha256) of the article it was moved out of that stayed there, at its last
   *  move. It left that garment, and counts as a photo of the article it was moved into. Absent in older catalogs
   *  (the photo then left whichever article it was in before). */
  moved_from: z.array(z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  /** What this file held before it was saved again as the same photo (a rotation written back, an export, an
   *  optimiser, an edit of its light, colour or framing; src/ingest/resaved.ts), newest first: a plan or a decision made for that content follows the
   *  photo. Absent for a photo never saved again, and in older catalogs. */
  earlier_sha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)).optional(),
});

export const CatalogItemSchema = strictKeys({
  id: z.string().regex(ARTICLE_ID),
  category: z.string(),
  /** Confidence of the category (0 while no classifier ran). */
  score: z.number().min(0).max(1),
  runner_up: strictKeys({ category: z.string(), score: z.number() }).optional(),
  color: ColorName,
  color_score: z.number().min(0).max(1),
  /** Vinted's finer colour (navy, khaki, …) when the photos clearly agree on it; absent in older catalogs. */
  color_shade: z.enum(SHADE_NAMES).nullable().optional(),
  /** The garment's second colour when it clearly has two; absent in older catalogs. */
  color2: ColorName.nullable().optional(),
  /** The CLIP model's own top colour for the article and its probability, when a model voted on the colour
   *  (the photos propose, the model chooses: src/imaging/color.ts articleColor); absent without a model. */
  color_model: strictKeys({ name: ColorName, score: z.number().min(0).max(1) }).optional(),
  /** Women's or men's, from CLIP zero-shot (absent without a model, and in older catalogs). */
  department: strictKeys({ name: z.enum(DEPARTMENTS), score: z.number().min(0).max(1) })
    .nullable()
    .optional(),
  /** Photo files, relative to the catalog's folder, in capture order. */
  photos: z.array(z.string()).min(1),
  /** sha256 over the sorted photo hashes: a plan keeps manual edits while this does not change. */
  fingerprint: z.string(),
  confidence: z.enum(["high", "low"]),
  /** How sure the grouping is that these photos are exactly one garment, 0..1 (0.5: right at the batch's cut).
   *  The review page shows the lowest first. Absent in catalogs written before it existed. */
  confidence_score: z.number().min(0).max(1).optional(),
  /** Mean cosine similarity between the article's photos (1 for a single photo). */
  cohesion: z.number(),
  /** The seller's decisions (decisions.json) shaped this article. */
  by_seller: z.boolean().optional(),
});

export const CatalogSchema = strictKeys({
  schemaVersion: z.literal(CATALOG_SCHEMA_VERSION),
  generator: z.string(),
  created_at: z.string(),
  /** Where ingest read the photos when it ran. Advisory only: the file may come from someone else or from a
   *  folder since moved, so no reader trusts `root` (photos are found relative to the catalog's own folder; the
   *  review page uses `root` only for a catalog written with --out, and only when it is a plausible folder:
   *  src/review/security.ts recordedPhotoFolder). */
  source: strictKeys({ kind: z.enum(["folder", "zip"]), path: z.string(), root: z.string() }),
  embedder: strictKeys({ id: z.string(), dims: z.number().int().positive(), model: z.string().nullable() }),
  /** The label set the categories were chosen from (a model ran): its file (null: the built-in one) and sha256, so
   *  that `vbulk plan` can tell the seller which --labels the catalog needs. Absent without a model, and in older
   *  catalogs. */
  labels: strictKeys({ path: z.string().nullable(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  grouping: strictKeys({
    method: z.enum(APPLIED_GROUPING_METHODS),
    order: z.enum(["capture_time", "file_name"]),
    order_signal: z.number().nullable(),
    eps: z.number(),
    min_samples: z.number().int(),
    /** The batch's own cut (sequence: combined distance on the ranks' scale, the batch's typical pair at 1; order-free: share of a photo's neighbourhood scale); null when no cut applied. */
    cut: z.number().nullable().optional(),
    /** Whether capture-time gaps took part (two modes found in them). */
    used_times: z.boolean().optional(),
    /** Why the batch was grouped as it was when no order could be used (order-free grouping), in words. */
    because: z.string().optional(),
    /** Why each new article starts where it does (sequence method), in capture order. */
    cuts: z
      .array(
        strictKeys({
          before: z.string(),
          distance: z.number(),
          gap_seconds: z.number().nullable(),
          gap_ratio: z.number().nullable(),
          because: z.string(),
        }),
      )
      .optional(),
  }),
  summary: strictKeys({
    files: z.number().int(),
    photos: z.number().int(),
    duplicates: z.number().int(),
    articles: z.number().int(),
    low_confidence: z.number().int(),
    errors: z.number().int(),
    skipped: z.number().int(),
  }),
  items: z.array(CatalogItemSchema),
  /** The next article number never given in this folder: ids are not reused for another garment. */
  next_id: z.number().int().positive().optional(),
  /** Every article this folder has had, its fingerprint → its id: the same photos get the same id back (a review
   *  decision undone, a merge taken apart), never another garment's. Absent in older catalogs. */
  known_ids: z.record(z.string(), z.string().regex(ARTICLE_ID)).optional(),
  photos: z.array(CatalogPhotoSchema),
  errors: z.array(
    strictKeys({
      file: z.string(),
      code: z.string(),
      message: z.string(),
      /** The system's error code (EACCES, EIO, ENOENT…) when the file could not be read at all, not decoded. */
      os_error: z.string().optional(),
    }),
  ),
  skipped: z.array(strictKeys({ file: z.string(), reason: z.string(), detail: z.string().optional() })),
});

export type Catalog = z.infer<typeof CatalogSchema>;
export type CatalogItem = z.infer<typeof CatalogItemSchema>;
export type CatalogPhoto = z.infer<typeof CatalogPhotoSchema>;

/** Validates and writes DIR/catalog.json atomically. Throws if the catalog does not fit its own schema (a bug). */
export async function writeCatalog(dir: string, catalog: Catalog): Promise<string> {
  const path = join(dir, CATALOG_FILE);
  const text = `${JSON.stringify(CatalogSchema.parse(catalog), null, 2)}\n`;
  await writeFileAtomic(path, text);
  // What vbulk wrote, so the next ingest can tell a hand edit from its own file (keepHandEditedCatalog).
  await writeFileAtomic(join(dir, STATE_DIR, WRITTEN_FILE), `${sha256Hex(text)}\n`);
  return path;
}

/**
 * What to do about an article's photo deleted or moved since ingest (plan and execute say it): put it back, ingest
 * again, or take it out on the review page. `source`: the folder or ZIP that ingest scanned, when it is not DIR
 * (`ingest --out`).
 */
export function missingPhotoFix(dir: string, source?: string, photos = 1): string {
  const ingest =
    source === undefined || resolve(source) === resolve(dir)
      ? `${vbulkAs()} ingest ${shellWord(dir)}`
      : `${vbulkAs()} ingest ${shellWord(source)} --out ${shellWord(dir)}`;
  const them = photos === 1 ? "it" : "them";
  return `put ${them} back, or run \`${ingest}\` again (its article is then made without ${them}), or take ${them} out on \`${vbulkAs()} review ${shellWord(dir)}\``;
}

/** sha256 of the catalog.json vbulk last wrote in a folder (.vbulk/catalog.sha256). */
const WRITTEN_FILE = "catalog.sha256";

/**
 * When DIR/catalog.json was edited by hand since vbulk last wrote it (its sha256 differs from the one recorded),
 * copies it to catalog.edited-<time>.json beside it (catalog.edited-<time>-2.json… when that name is taken) before an
 * ingest replaces it, and returns that file's path;
 * null when it is vbulk's own (or no record exists: a catalog of an older vbulk). A seller's edit is never lost,
 * and the ingest says where it is and where such edits belong (plan.json, which every later run keeps).
 */
export async function keepHandEditedCatalog(dir: string, now = new Date()): Promise<string | null> {
  const recorded = (await readFile(join(dir, STATE_DIR, WRITTEN_FILE), "utf8").catch(() => "")).trim();
  const text = await readFile(join(dir, CATALOG_FILE), "utf8").catch(() => null);
  if (!recorded || text === null || sha256Hex(text) === recorded) return null;
  // Never over an earlier copy: two ingests in one second gave both the same name, and the first edit was lost.
  for (let n = 1; ; n++) {
    const kept = join(dir, editedCatalogName(now, n));
    if (await writeFileIfAbsent(kept, text)) return kept;
  }
}

/**
 * Reads and validates DIR/catalog.json. Throws NOT_FOUND (hint: `missing`) when there is none, BAD_INPUT naming the
 * bad field (an unknown one with the field it likely meant), and BAD_INPUT when two articles have one id, a photo
 * is in two articles or an article names a photo photos[] does not list (hint: `damaged`, by default how to put the
 * file back).
 */
export async function readCatalog(
  dir: string,
  {
    missing = "Run `vbulk ingest` on your photos first, or pass the folder that holds catalog.json.",
    damaged = damagedCatalogHint(dir),
  }: { missing?: string; damaged?: string } = {},
): Promise<Catalog> {
  const path = join(dir, CATALOG_FILE);
  const catalog = await readJsonFileIfAny(path, CatalogSchema, damaged, catalogIssueDetail);
  if (catalog === null)
    throw new VbulkError("NOT_FOUND", `Expected a catalog at ${path} but found no file there`, {
      hint: missing,
    });
  checkArticles(catalog, path, damaged);
  return catalog;
}

/** What a seller who changed catalog.json by hand is told: where such edits belong, and how to start over. */
function damagedCatalogHint(dir: string): string {
  return `${CATALOG_FILE} was changed by hand? Put it back as vbulk wrote it (fix or take out what is said). An article's type, colour or price belongs in plan.json, which every run keeps: \`${vbulkAs()} plan ${shellWord(dir)} --set c3.color=rouge\`, or the review page. Or move ${CATALOG_FILE} away and run \`${vbulkAs()} ingest\` again, which numbers the articles anew (plan.json and your Vinted drafts refer to the old numbers). Nothing was written.`;
}

/** A bad field of catalog.json with the article it belongs to: "items[4]" alone made the seller count. */
function catalogIssueDetail(issue: z.core.$ZodIssue, data: unknown, schema: z.ZodType): string {
  const [list, index] = issue.path;
  const owner =
    list === "items" && typeof index === "number" ? valueAt(data, ["items", index, "id"]) : undefined;
  const article = typeof owner === "string" && ARTICLE_ID.test(owner) ? ` (article ${owner})` : "";
  return `${article}: ${issueText(issue, data, { schema })}`;
}

/**
 * Each article has its own id, and each photo is in one article at most: plan.json, the review page and the Vinted
 * journal find an article by its id, and a photo in two articles would go to two listings. Only a hand edit makes
 * either (ingest never does), so the file is refused, naming the id or photo, before anything is written.
 */
function checkArticles(catalog: Catalog, path: string, hint: string): void {
  const indexOf = new Map<string, number>();
  for (const [k, item] of catalog.items.entries()) {
    const first = indexOf.get(item.id);
    if (first !== undefined)
      throw new VbulkError(
        "BAD_INPUT",
        `Expected each article under its own id in ${path} but ${item.id} is the id of two (items[${first}] and items[${k}])`,
        { hint, context: { file: path, damage: "same-id", id: item.id } },
      );
    indexOf.set(item.id, k);
  }
  const articleOf = new Map<string, string>();
  for (const item of catalog.items)
    for (const photo of item.photos) {
      const other = articleOf.get(photo);
      if (other !== undefined)
        throw new VbulkError(
          "BAD_INPUT",
          `Expected each photo in one article at most in ${path} but ${printable(photo)} is ${other === item.id ? `twice in ${other}` : `in two (${other} and ${item.id})`}`,
          { hint, context: { file: path, damage: "same-photo", photo } },
        );
      articleOf.set(photo, item.id);
    }
  // An article's photos are rows of photos[] (ingest writes both from the same photos): a name added by hand to an
  // article was planned and sent with no content, colour or duplicate check behind it.
  const described = new Set(catalog.photos.map((p) => p.file));
  for (const [k, item] of catalog.items.entries())
    for (const [j, photo] of item.photos.entries())
      if (!described.has(photo))
        throw new VbulkError(
          "BAD_INPUT",
          `Expected each photo of an article to be one of photos[] in ${path} but items[${k}].photos[${j}] (article ${item.id}) is ${JSON.stringify(printable(photo))}, which photos[] does not list`,
          { hint, context: { file: path, damage: "unknown-photo", photo } },
        );
}
