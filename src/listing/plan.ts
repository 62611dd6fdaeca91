import { join } from "node:path";
import { z } from "zod";
import { saveJsonAtomic } from "../core/atomic.js";
import { hasBrand } from "../core/brand.js";
import type { ConfigOverrides } from "../core/config.js";
import { DEFAULTS } from "../core/defaults.js";
import { VbulkError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { takeLock } from "../core/lock.js";
import { hasControlCharacter, listingText, localSince, nearest, shellWord } from "../core/text.js";
import {
  ARTICLE_ID,
  CATEGORY_ID,
  CONDITION_IN_ENGLISH,
  CONDITION_WORDS,
  DEPARTMENT_WORDS,
  foldWord,
  LANGUAGE_WORDS,
  LANGUAGES,
  vocabulary,
  wordOf,
} from "../core/vocab.js";
import { COLOR_NAMES, COLOR_WORDS } from "../imaging/color.js";
import { sameGarment } from "../ingest/ids.js";
import { currentContent } from "../ingest/resaved.js";
import { type LabelSet, labelNames } from "../model/clip.js";
import { STATE_DIR } from "../sources/classify.js";
import type { Catalog } from "../store/catalog.js";
import { issueText, parseWith, readJsonFileIfAny, strictKeys, valueAt } from "../store/read.js";
import { agreeColor, agreeCondition } from "./french.js";
import type { ListingFiles } from "./inputs.js";
import { CONDITIONS, GENDERS, type Gender, type Mapping, mapToVinted, vintedColorIds } from "./mapping.js";
import { capText, type ListingTemplates, render } from "./templates.js";

export const PLAN_FILE = "plan.json";
/** Vinted's limits (../shared/vinted.md): tools cap titles at 100 and descriptions at 2000 characters. */
export const TITLE_MAX = 100;
export const DESCRIPTION_MAX = 2000;
/** Vinted takes 1 to 20 photos per listing (../shared/vinted.md, "photos"): Vinted's limit, no seller's tunable. */
export const PHOTOS_MAX = 20;

/** Euros with at most two decimals, from 1 cent to 100 000: 1e-9 € or a price in hundredths of a cent is a typo. */
export const PriceSchema = z
  .number({ message: "a price in euros" })
  .min(0.01, { message: "a price of at least 0.01 €" })
  .max(100_000, { message: "a price of at most 100000 €" })
  .refine((x) => Math.abs(Math.round(x * 100) - x * 100) < 1e-6, {
    message: "a price with at most 2 decimals",
  });

/**
 * A price typed by a person: digits with at most two decimals ("30", "12.5", "12,50"), also as a seller writes a
 * price: with the euro sign or EUR before or after ("12 €", "12,50€", "€12", "12 EUR") and thousands set apart by a
 * space ("1 000", or the no-break spaces of a copied « 1 000 € »). Not 0x1F, 1e3 or 1e-9, and not "1.000" or
 * "1,000" (a thousand, or one?): refused, the message asks for digits.
 */
export function parseEuros(raw: string): number | null {
  const amount = raw.trim().replace(/^(?:€|eur)\s*|\s*(?:€|eur|euros?)$/i, "");
  const m = /^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{1,6})(?:[.,](\d{1,2}))?$/.exec(amount);
  return m ? Number(`${m[1]!.replace(/\D/g, "")}.${m[2] ?? "0"}`) : null;
}

/** Vinted's longest size label ("W32 L34 / FR 42-44" style labels fit in 20). */
export const SIZE_MAX = 20;

/**
 * Text a buyer reads and a terminal shows: not only spaces, and no control character (an escape sequence, a bell, a
 * bidi override): a blank title went to Vinted as "ready", an escape in a brand reached the seller's terminal. A
 * title, brand or size is one line; a description keeps its line breaks (and tabs).
 */
const listingString = (min: number, max: number, lines = false) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((t) => t.trim() !== "", { message: "a text that is not only spaces" })
    // A Windows line break (CRLF) is a line break: plans written from a CRLF template, a pasted text file.
    .refine((t) => !hasControlCharacter(lines ? t.replace(/\r\n|[\n\t]/g, "") : t), {
      message: lines
        ? "a text without control characters (escape sequences); line breaks are fine"
        : "a single line without control characters (line breaks, escape sequences)",
    });

/** "Articles: c1, c2, …" for a hint: the first 12 ids of the catalog, so a typo is fixed without opening a file. */
export function articleList(ids: ReadonlySet<string>): string {
  return `Articles: ${[...ids].slice(0, 12).join(", ")}${ids.size > 12 ? ", …" : ""}`;
}

/**
 * An id the earlier plan had and the catalog has not (a re-ingest regrouped its photos): where its photos are now,
 * for a seller who names it in --set or --reset ("Expected an article id" alone left them guessing). Undefined for
 * an id no plan had.
 */
export function goneArticle(
  id: string,
  previous: Plan | null,
  catalog: Catalog,
): { text: string; now: string[] } | undefined {
  const prev = previous?.items.find((i) => i.cluster_id === id);
  if (!prev) return undefined;
  const articleOf = new Map(catalog.items.flatMap((a) => a.photos.map((f) => [f, a.id] as const)));
  const now = [...new Set(prev.photos.flatMap((f) => articleOf.get(f) ?? []))];
  const files = `${prev.photos.slice(0, 3).join(", ")}${prev.photos.length > 3 ? ", …" : ""}`;
  return {
    text: now.length
      ? `${id} is no longer an article: its photos (${files}) are in ${now.join(", ")} now (the catalog was made again since the last plan)`
      : `${id} is no longer an article: its photos (${files}) are no longer in the catalog`,
    now,
  };
}

/** What a refused id's hint adds when the id was an earlier article's (goneArticle). */
function goneHint(gone: { now: string[] } | undefined, example: (id: string) => string): string {
  if (!gone) return "";
  return `${gone.now.length === 1 ? `If that is the garment: ${example(gone.now[0]!)}. ` : ""}Its earlier edits follow its photos as after any re-ingest (kept with the garment, or set aside in plan.json's set_aside). `;
}

/** The fields a seller may edit; an edit is a value that differs from what vbulk generated, and it survives re-plans. */
export const EditableSchema = z.object({
  category: z.string().min(1),
  color: vocabulary(COLOR_NAMES, COLOR_WORDS),
  /** A second colour (Vinted takes two); absent in plans of older vbulk. */
  color2: vocabulary(COLOR_NAMES, COLOR_WORDS).nullable().optional(),
  /** Vinted colour ids chosen by the seller (two at most: Fuchsia 5, Lila 25, Menthe 30, …), sent instead of those
   *  mapped from `color` and `color2`; null or absent: the mapped ones. */
  color_ids: z
    .array(z.number().int().min(1).max(999))
    .min(1)
    .max(2)
    .refine((ids) => new Set(ids).size === ids.length, "two different ids")
    .nullable()
    .optional(),
  condition: vocabulary(CONDITIONS, CONDITION_WORDS),
  brand: listingString(1, 100),
  size: listingString(1, SIZE_MAX).nullable(),
  gender: vocabulary(GENDERS, DEPARTMENT_WORDS).nullable(),
  price: PriceSchema,
  publish: z.boolean(),
  excluded: z.boolean(),
  title: listingString(1, TITLE_MAX),
  description: listingString(1, DESCRIPTION_MAX, true),
});
export type Editable = z.infer<typeof EditableSchema>;
export const EDITABLE_FIELDS = Object.keys(EditableSchema.shape) as (keyof Editable)[];

export const PlanItemSchema = strictKeys({
  ...EditableSchema.shape,
  cluster_id: z.string().regex(ARTICLE_ID, "an article id such as c3"),
  fingerprint: z.string(),
  photos: z.array(z.string()).min(1),
  /** Each photo's content (its sha256 in catalog.json), in the order of `photos`: a later run knows the article's
   *  photos by content, so a renamed photo is still its own. Absent in plans of older vbulk (photos known by name). */
  photo_sha256: z.array(z.string()).optional(),
  category_name: z.string(),
  vinted: strictKeys({
    status_id: z.number().int().nullable(),
    color_ids: z.array(z.number().int()).max(2),
    catalog_path: z.array(z.string()).nullable(),
    /** The leaf catalog_id (models/vinted-fr.json); older plans have none and are re-mapped by `vbulk plan`. */
    catalog_id: z.number().int().nullable().default(null),
    package_size_id: z.number().int().nullable(),
  }),
  /** Why this item cannot go to Vinted as it is (empty: ready). */
  needs_review: z.array(z.string()),
  /** What vbulk did on its own that the seller should know (a title cut to 100 characters). */
  notes: z.array(z.string()),
  /** The fields the seller set (--set, the review page, a hand edit seen as a value that differs from
   *  `generated`): later runs keep them whatever the rules give, until `--reset ID.FIELD`. Absent in plans of
   *  older vbulk: their edits are the fields that differ from `generated`. */
  edited: z.array(EditableSchema.keyof()).optional(),
  /** The values vbulk generated; a field that differs from its value here is the seller's edit. */
  generated: strictKeys(EditableSchema.shape),
  /** A fingerprint (fingerprintOf) of each `generated` value as vbulk wrote it: a field whose value no longer has
   *  its fingerprint was changed by hand, even when `generated` was changed alike (a find-and-replace over the
   *  file), and a changed `generated` is told apart from a changed value. Absent in plans of older vbulk. */
  written: z.record(z.string(), z.string()).optional(),
  /** What `vbulk plan --only` did to `excluded`, which `--only all` undoes and nothing else: "excluded" (--only left
   *  the article out), "included" (--only named an article the seller had excluded: their exclusion comes back).
   *  Absent: `excluded` is the seller's own (--set, --exclude, the review page, a hand edit), and in plans of
   *  older vbulk. */
  only: z.enum(["excluded", "included"]).optional(),
});
export type PlanItem = z.infer<typeof PlanItemSchema>;

/** The plan rules a seller can give, by their config name. */
export const RULE_KEYS = ["defaultPrice", "prices", "condition", "brand", "gender", "lang"] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

/** Each rule's name in plan.json (`rules`), by its config name. */
export const RULE_FIELDS = {
  defaultPrice: "default_price",
  prices: "prices",
  condition: "condition",
  brand: "brand",
  gender: "gender",
  lang: "lang",
} as const satisfies Record<RuleKey, string>;

const FIELD_NAMES = Object.values(RULE_FIELDS) as [RuleField, ...RuleField[]];
type RuleField = (typeof RULE_FIELDS)[RuleKey];
const RULE_OF_FIELD = Object.fromEntries(RULE_KEYS.map((k) => [RULE_FIELDS[k], k])) as Record<
  RuleField,
  RuleKey
>;

/** A rule's name in plan.json's `rules.given`: its name there (`default_price`), as written since 2026-11-29; the
 *  config name an older vbulk wrote (`defaultPrice`) is read too. Read as the config name (RuleKey). */
const GivenRuleSchema = z
  .preprocess(
    (v) => (typeof v === "string" && v in RULE_FIELDS ? RULE_FIELDS[v as RuleKey] : v),
    z.enum(FIELD_NAMES),
  )
  .transform((f) => RULE_OF_FIELD[f]);

/** As strict as the config file's "plan" section (ConfigSchema.plan): a bad value stored in plan.json is reported
 *  naming plan.json and its field, not later as a bad flag or config file. */
export const PlanRulesSchema = strictKeys({
  default_price: PriceSchema,
  prices: z.record(z.string().min(1), PriceSchema),
  condition: vocabulary(CONDITIONS, CONDITION_WORDS),
  brand: listingString(1, 100),
  gender: vocabulary(GENDERS, DEPARTMENT_WORDS).nullable(),
  lang: vocabulary(LANGUAGES, LANGUAGE_WORDS),
  /** Which of these the seller gave (a flag, env, a rules file), kept by later runs even where they equal the
   *  built-in defaults and a config file says otherwise; absent in plans of older vbulk. */
  given: z.array(GivenRuleSchema).optional(),
  /** The seller's own templates folder, label set and Vinted mapping (--templates, --labels, --mapping), kept
   *  by later runs until given anew or `default`; absent: the built-in ones. Absolute paths (one written by hand
   *  as a relative path is read from the plan's folder). */
  templates: z.string().min(1).optional(),
  labels: z.string().min(1).optional(),
  mapping: z.string().min(1).optional(),
  /** A fingerprint (fingerprintOf) of each rule above as vbulk wrote it, by its plan.json name: a rule whose value
   *  no longer has it was edited by hand, and counts as given. Absent in plans of older vbulk. */
  written: z.record(z.string(), z.string()).optional(),
});

/**
 * A short fingerprint of a value as vbulk writes it to plan.json (`written`): a value whose fingerprint no longer
 * matches was changed by hand. 8 hex digits: a hand edit that keeps them is one in four billion.
 */
export function fingerprintOf(value: unknown): string {
  return sha256Hex(JSON.stringify(value ?? null)).slice(0, 8);
}

const fingerprints = (values: Record<string, unknown>, keys: readonly string[]): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k, fingerprintOf(values[k])]));

/** How many set-aside edits plan.json keeps (the newest): enough for every undo a seller makes in a session. */
const SET_ASIDE_MAX = 200;

/**
 * The edits of an article whose photos changed too much to keep them (a photo moved out of a 2-photo article, a
 * split, a merge) or that left the catalog: kept in plan.json by the article's photos, so that an undone decision
 * (the same photos again, whatever its id) gets them back. Before, they were gone at the next save or plan.
 */
export const SetAsideSchema = strictKeys({
  cluster_id: z.string(),
  fingerprint: z.string(),
  photos: z.array(z.string()),
  /** Each photo's content (sha256), in the order of `photos`: a set-aside garment is known by content, as a plan
   *  item is (PlanItemSchema.photo_sha256). Absent in plans of older vbulk (photos known by name). */
  photo_sha256: z.array(z.string()).optional(),
  edits: z.strictObject(EditableSchema.partial().shape),
  /** "excluded" when the `excluded` of `edits` is what `vbulk plan --only` did (PlanItemSchema.only), not the
   *  seller's own: `--only all` includes the article again once it is back. */
  only: z.literal("excluded").optional(),
  at: z.string(),
});
export type SetAside = z.infer<typeof SetAsideSchema>;

export const PlanSchema = strictKeys({
  schemaVersion: z.literal(1),
  /** True when every included item is ready for Vinted (no needs_review). */
  ok: z.boolean(),
  created_at: z.string(),
  catalog: z.string(),
  /** The catalog's created_at this plan was made from: an item of another id while it has not changed was added
   *  or renamed by hand (absent in plans of older vbulk). */
  catalog_created_at: z.string().optional(),
  /** The rules given to `vbulk plan` (flags, env, rules file): later runs keep them until changed. */
  rules: PlanRulesSchema,
  items: z.array(PlanItemSchema),
  /** Edits of articles that are no longer as they were (SetAsideSchema); absent when none. */
  set_aside: z.array(SetAsideSchema).max(SET_ASIDE_MAX).optional(),
});
export type Plan = z.infer<typeof PlanSchema>;

export interface PlanRules {
  defaultPrice: number;
  prices: Record<string, number>;
  condition: (typeof CONDITIONS)[number];
  brand: string;
  gender: Gender | null;
  lang: "fr" | "en";
  /** A CLIP department score below this is not trusted (needs_review). */
  departmentMinScore: number;
  /** Which rules the seller gave, stored with them (PlanRulesSchema.given). */
  given?: readonly RuleKey[];
  /** The seller's own templates, labels and mapping the plan was made with, stored with the rules. */
  files?: ListingFiles;
}

export interface PlanChanges {
  added: string[];
  kept: string[];
  /** Articles whose photos changed but that are the same garment (ingest/ids.ts sameGarment): its edits kept. */
  carried: string[];
  /** Articles whose photos changed (most of them): their manual edits could not be carried over. */
  reset: string[];
  dropped: string[];
  /** Edits that followed their article to a new id (new id → old id). */
  moved: [string, string][];
  /** Hand edits of plan.json that vbulk works out itself (vinted.*, photos), put back: what and what to edit instead. */
  putBack: string[];
  /** Articles whose photos are again those of a set-aside article (an undone decision): its edits given back. */
  restored: string[];
  /** Articles (by their earlier id) whose edits were set aside in plan.json (set_aside) rather than lost. */
  setAside: string[];
  /** With `--only all`: the articles that stay excluded because the seller excluded them, not --only. */
  stillExcluded: string[];
  /** Articles whose publish mark was taken off: their photos are no longer those it was made on. */
  unpublished: Unpublished[];
}

/**
 * A publish mark taken off an article whose photos changed into another garment's: `merged`, it holds photos
 * another article had (`others`: those articles' earlier ids); `split`, photos it was marked with are in other
 * articles now (`others`: their ids); `other-photos`, only `marked` of its `photos` are those it was marked with.
 */
export interface Unpublished {
  id: string;
  why: "merged" | "split" | "other-photos";
  others: string[];
  marked: number;
  photos: number;
}

/** What --publish, --only and --exclude asked for in this run (validated ids). */
export interface Selection {
  /** Exactly these are marked to publish, every other article unmarked; [] with `publish: "none"`. */
  publish?: string[];
  /** Exactly these are included, every other article excluded; "all" undoes what --only did (the seller's own
   *  exclusions stay). */
  only?: string[] | "all";
  /** These are excluded as well. */
  exclude?: string[];
  /** Edits handed back to the rules (--reset ID.FIELD; every field for --reset ID), by article id. */
  reset?: Map<string, (keyof Editable)[]>;
}

const UNKNOWN_NAME = { fr: "Vêtement", en: "Garment" };
const DEPARTMENT_EN = { femme: "women", homme: "men" } as const;

/**
 * Builds the plan from the catalog: rules and templates for every article, the seller's edits from the previous
 * plan carried over where the article is the same garment (the same photos: same fingerprint, whatever its id now;
 * or the same id with most of its earlier photos, the rule ids follow: a photo taken out or added does not undo a
 * price or a title), `overrides` (--set) and `selection` (--publish, --only, --exclude) applied as edits. Throws BAD_INPUT
 * when an edit is invalid, a template fails or plan.json holds an item that is no article (added or renamed by
 * hand), and BAD_USAGE when an article that is not ready is marked to publish.
 */
export function buildPlan(
  catalog: Catalog,
  rules: PlanRules,
  mapping: Mapping,
  templates: ListingTemplates,
  labels: LabelSet,
  previous: Plan | null,
  overrides: Map<string, Partial<Editable>>,
  selection: Selection = {},
): { plan: Plan; changes: PlanChanges } {
  const changes: PlanChanges = {
    added: [],
    kept: [],
    carried: [],
    reset: [],
    dropped: [],
    moved: [],
    putBack: [],
    restored: [],
    setAside: [],
    stillExcluded: [],
    unpublished: [],
  };
  refuseSelectionClash(overrides, selection);
  checkPreviousItems(previous?.items ?? [], catalog, previous);
  // Hand edits of `generated` (by field, and whether the field's own value was changed alike): said together.
  const generatedByHand = new Map<string, string[]>();
  const now = new Date().toISOString();
  const aside = [...(previous?.set_aside ?? [])];
  // `quietly`: kept for an undo, not said (the edits also went on with their article).
  const setAside = (p: PlanItem, quietly = false) => {
    // An article of the catalog with those very photos carries them already (found by fingerprint).
    if (catalog.items.some((a) => a.fingerprint === p.fingerprint)) return;
    const edits = sellerEdits(p);
    if (!Object.keys(edits).length) return;
    const at = aside.findIndex((a) => a.fingerprint === p.fingerprint);
    if (at >= 0) aside.splice(at, 1);
    aside.push({
      cluster_id: p.cluster_id,
      fingerprint: p.fingerprint,
      photos: p.photos,
      ...(p.photo_sha256 ? { photo_sha256: p.photo_sha256 } : {}),
      edits,
      ...(p.only === "excluded" && edits.excluded ? { only: "excluded" as const } : {}),
      at: now,
    });
    if (!quietly) changes.setAside.push(p.cluster_id);
  };
  // Photos are compared by content, as ingest does when it keeps an article's id (ingest/ids.ts): a photo renamed
  // since the previous plan is still the article's. A plan of older vbulk lists names only: read through this
  // catalog, so a photo renamed since then is a photo that left.
  // A photo saved again since (the same picture in other bytes: catalog.json's earlier_sha256) is the same photo.
  const shaOf = new Map(catalog.photos.map((p) => [p.file, p.sha256]));
  const nowOf = currentContent(catalog.photos.map((p) => [p.sha256, p.earlier_sha256]));
  const contentOf = (files: string[], shas?: string[]): string[] =>
    (shas && shas.length === files.length ? shas : files.map((f) => shaOf.get(f) ?? `file:${f}`)).map(
      (s) => nowOf.get(s) ?? s,
    );
  const inCatalog = new Set(catalog.items.flatMap((a) => contentOf(a.photos)));
  // Photos the seller moved out of their article (« Nouvel article », a move), with the photos each left there:
  // in another article now, they left the garment they were with and no longer count among its photos still there
  // (ingest/ids.ts keeps its id on the photos that stayed, and its edits go with them). For the article they were
  // moved into they count as its own. A catalog older than moved_from does not say what they left: anything.
  const current = (s: string) => nowOf.get(s) ?? s;
  const movedBySeller = new Map(
    catalog.photos
      .filter((p) => p.moved_by_seller)
      .map((p) => [current(p.sha256), p.moved_from?.map(current)]),
  );
  /** Whether photo `s` was moved by the seller away from photos of the garment that had photos `had`. */
  const leftGarment = (s: string, had: Set<string>): boolean => {
    if (!movedBySeller.has(s)) return false;
    const from = movedBySeller.get(s);
    return from === undefined || from.some((t) => had.has(t));
  };
  const stillThere = (had: Set<string>, held: Set<string>): number =>
    [...had].filter((s) => inCatalog.has(s) && (held.has(s) || !leftGarment(s, had))).length;
  // How many of `had` an article of photos `held` holds. Moved photos do not count while the garment they left
  // still has photos in other articles: the photos split off an article are not that article.
  const heldOf = (had: Set<string>, held: Set<string>): number => {
    const both = [...had].filter((s) => held.has(s));
    const elsewhere = [...had].some((s) => !held.has(s) && inCatalog.has(s));
    return elsewhere ? both.filter((s) => !leftGarment(s, had)).length : both.length;
  };
  // Which previous plan item each photo was planned in.
  const plannedElsewhere = new Map(
    (previous?.items ?? []).flatMap((p) =>
      contentOf(p.photos, p.photo_sha256).map((s) => [s, p.cluster_id] as const),
    ),
  );
  /**
   * The set-aside entry (its index in `aside`) that is the same garment as an article of these photos, by the rule
   * ingest keeps an id by (sameGarment, photos by content): most of the entry's photos, or all of those still in the
   * catalog when they are at least half of the article and it holds no other article's (of the previous plan but
   * `own`, the article's own item). The one sharing most photos, the newest on a tie; -1 when none.
   */
  const asideFor = (content: string[], own: string | undefined): number => {
    const held = new Set(content);
    let best = -1;
    let bestHeld = 0;
    aside.forEach((a, k) => {
      const had = new Set(contentOf(a.photos, a.photo_sha256));
      const n = heldOf(had, held);
      if (n === 0 || n < bestHeld) return;
      const others = [...held].filter((s) => {
        const by = plannedElsewhere.get(s);
        return !had.has(s) && by !== undefined && by !== own;
      }).length;
      const present = stillThere(had, held);
      if (sameGarment({ held: n, had: had.size, present, size: held.size, others }))
        [best, bestHeld] = [k, n];
    });
    return best;
  };
  /**
   * Why a publish mark made on the photos `marked` may not follow to `article` (photos `held`), or null when it may.
   * The mark says "these photos may go public": carried with the other edits onto an article that is the same
   * garment by the id rule (most of its photos), it would send another garment's photos out in this one's listing,
   * unseen. So it stays only where no photo came from another article, none of the marked photos went to one, and
   * the marked photos are more than half of the article (a forgotten label shot joining keeps it).
   */
  const publishOff = (
    marked: Set<string>,
    held: Set<string>,
    article: Catalog["items"][number],
    own: string | undefined,
  ): Omit<Unpublished, "id"> | null => {
    const kept = [...held].filter((s) => marked.has(s)).length;
    const counts = { marked: kept, photos: held.size };
    const from = [...held].flatMap((s) => {
      const by = plannedElsewhere.get(s);
      return !marked.has(s) && by !== undefined && by !== own ? [by] : [];
    });
    if (from.length) return { why: "merged", others: [...new Set(from)], ...counts };
    const to = catalog.items
      .filter((a) => a.id !== article.id && contentOf(a.photos).some((s) => marked.has(s)))
      .map((a) => a.id);
    if (to.length) return { why: "split", others: to, ...counts };
    return kept * 2 > held.size ? null : { why: "other-photos", others: [], ...counts };
  };
  // Vinted's colour ids, once for every article's color_ids (checkColorIds).
  const colorIds = vintedColorIds(mapping);
  // The garments of the catalog: an earlier item that is one of them is that article's, whatever its id.
  const present = new Set(catalog.items.map((a) => a.fingerprint));
  const items: PlanItem[] = catalog.items.map((article) => {
    // The same photos first, whatever the id (an older vbulk renumbered the articles after a decision), then the id,
    // unless the item of that id is another article's garment now (ids shifted by photos that sort first): this
    // article is then new, and that item's edits went with its garment (they were said lost, and set aside twice).
    const prev =
      previous?.items.find((p) => p.fingerprint === article.fingerprint) ??
      previous?.items.find((p) => p.cluster_id === article.id && !present.has(p.fingerprint));
    const same = prev && prev.fingerprint === article.fingerprint;
    const content = contentOf(article.photos);
    const held = new Set(content);
    const had = prev ? new Set(contentOf(prev.photos, prev.photo_sha256)) : new Set<string>();
    const mostKept =
      prev &&
      !same &&
      sameGarment({
        held: heldOf(had, held),
        had: had.size,
        present: stillThere(had, held),
        size: held.size,
        others: [...held].filter(
          (s) => plannedElsewhere.get(s) !== undefined && plannedElsewhere.get(s) !== prev.cluster_id,
        ).length,
      });
    // The same photos as a set-aside article's (a decision undone): its edits come back, before any carried by id.
    // Else, for an article that is no plan item's garment (new, or its item's edits not carried), a set-aside
    // article that is the same garment by ingest's rule for ids (asideFor): a garment taken out of the folder and
    // put back a photo fewer or more. One that is its item's garment (same, mostKept) keeps that item's edits, or
    // its having none (a --reset): set-aside edits never replace them.
    const exact = same ? -1 : aside.findIndex((a) => a.fingerprint === article.fingerprint);
    const back = exact >= 0 || same || mostKept ? exact : asideFor(content, prev?.cluster_id);
    let edits: Partial<Editable> = {};
    // What --only did to the edits this article carries (PlanItem.only) comes along with them.
    let mark: PlanItem["only"];
    // The photos a carried publish mark was made on, where they are not exactly this article's.
    let markedOn: Set<string> | null = null;
    if (same) {
      changes.kept.push(article.id);
      if (prev.cluster_id !== article.id) changes.moved.push([article.id, prev.cluster_id]);
      edits = editsOf(prev);
      mark = prev.only;
      noteGenerated(prev, article.id, generatedByHand);
    } else if (back >= 0) {
      // What was set since on the article of this id that held these photos (a merge undone: the merged article
      // carried them and may have got more) stays, over the edits set aside before the change.
      const since = prev && prev.cluster_id === article.id && [...had].some((s) => held.has(s));
      const entry = aside.splice(back, 1)[0]!;
      const sinceEdits = since ? editsOf(prev) : {};
      edits = { ...entry.edits, ...sinceEdits };
      // A mark made on the article these photos were part of (since), or on a set-aside garment of other photos.
      if (sinceEdits.publish && !(exact >= 0 && entry.edits.publish)) markedOn = had;
      else if (exact < 0) markedOn = new Set(contentOf(entry.photos, entry.photo_sha256));
      mark = (since && prev.only) || entry.only;
      changes.restored.push(article.id);
      if (prev) setAside(prev, Boolean(since));
    } else if (mostKept) {
      changes.carried.push(article.id);
      edits = editsOf(prev);
      mark = prev.only;
      markedOn = had;
      noteGenerated(prev, article.id, generatedByHand);
      // Kept under the photos it had too: when the change is undone (a merge whose other half leaves again, the
      // same photos again), this article gets them back rather than the rules.
      setAside(prev, true);
    } else if (prev) {
      changes.reset.push(article.id);
      setAside(prev);
      // Said too: the edits were not carried, and a publish mark is the one whose loss changes what goes online.
      if (editsOf(prev).publish)
        changes.unpublished.push({
          id: article.id,
          ...(publishOff(had, held, article, prev.cluster_id) ?? {
            why: "other-photos",
            others: [],
            marked: heldOf(had, held),
            photos: held.size,
          }),
        });
    } else changes.added.push(article.id);
    // Set aside with the other edits (setAside above), so an undo of the change gives it back.
    const off = edits.publish && markedOn ? publishOff(markedOn, held, article, prev?.cluster_id) : null;
    if (off) {
      delete edits.publish;
      changes.unpublished.push({ id: article.id, ...off });
    }
    const resets = selection.reset?.get(article.id) ?? [];
    for (const f of resets) delete edits[f];
    // What the seller set stays an edit even where it equals what the rules give now (a selection's false is none).
    const own = overrides.get(article.id) ?? {};
    const set = new Set([...Object.keys(edits), ...Object.keys(own)]);
    const { publish } = selectionEdits(article.id, selection);
    if (publish) set.add("publish");
    const exclusion = selectExclusion(
      article.id,
      selection,
      own.excluded ?? edits.excluded ?? false,
      // A --set (or the page) of excluded, a --reset of it, or a hand edit of the value: the seller's own now.
      own.excluded !== undefined || resets.includes("excluded")
        ? undefined
        : onlyMark(mark, edits.excluded === true),
    );
    if (exclusion.excluded) set.add("excluded");
    if (selection.only === "all" && exclusion.excluded && own.excluded === undefined)
      changes.stillExcluded.push(article.id);
    Object.assign(edits, publish === undefined ? {} : { publish }, own, { excluded: exclusion.excluded });
    checkCategory(edits.category, labels, article.id);
    checkColorIds(edits.color_ids, colorIds, article.id);
    const dept = article.department ?? null;
    const guessed = dept && dept.score >= rules.departmentMinScore ? dept.name : null;
    const base = {
      category: article.category,
      color: article.color,
      color2: article.color2 ?? null,
      color_ids: null,
      condition: rules.condition,
      brand: rules.brand,
      size: null,
      gender: rules.gender ?? guessed,
      // The price rule of the category the item ends up with: a seller who corrects a hoodie into jeans gets the
      // jeans price, as a corrected size shows up in the generated title.
      price: priceFor(rules, edits.category ?? article.category),
      publish: false,
      excluded: false,
    } satisfies Omit<Editable, "title" | "description">;
    const inputs = { ...base, ...stripText(edits) };
    const label = labels.labels.find((l) => l.id === inputs.category);
    const categoryName =
      (rules.lang === "en" ? (label?.name_en ?? label?.name) : label?.name) ??
      (inputs.category === "unknown" ? UNKNOWN_NAME[rules.lang] : inputs.category);
    const cond = mapping.conditions[inputs.condition];
    const noun = label?.fr ?? { gender: "m" as const, plural: false };
    const ctx = {
      id: article.id,
      category: categoryName,
      color:
        rules.lang === "en"
          ? (mapping.colors[inputs.color]?.en ?? inputs.color)
          : agreeColor(inputs.color, noun),
      condition: rules.lang === "en" ? cond.en : agreeCondition(cond.fr, noun),
      condition_sentence: rules.lang === "en" ? cond.sentence_en : agreeCondition(cond.sentence_fr, noun),
      size: inputs.size,
      brand: hasBrand(inputs.brand) ? inputs.brand : null,
      // The label's group (clothing, shoes, bags, accessories): shoes have a « Pointure », not a « Taille ».
      group: label?.group ?? null,
      price: inputs.price,
      // The department in the listing's language: « Pull noir femme », "Black jumper, women".
      gender: inputs.gender && (rules.lang === "en" ? DEPARTMENT_EN[inputs.gender] : inputs.gender),
    };
    const notes: string[] = [];
    // A label of the seller's own file without the newer fields: say what the listing's words fall back on.
    if (label && rules.lang === "fr" && !label.fr)
      notes.push(
        `the label "${label.id}" has no French grammar ("fr": {"gender": "m" or "f", "plural": …} in the label file): its colour is written in the masculine singular`,
      );
    if (label && rules.lang === "en" && !label.name_en)
      notes.push(
        `the label "${label.id}" has no English name ("name_en" in the label file): its French name is used`,
      );
    // A shared template (or a label file's name) may hold line breaks and escape sequences: a title is one line,
    // and neither goes to Vinted or to the seller's terminal.
    const title = capText(
      listingText(render(templates.title, ctx, join(templates.dir, "title.njk")), false),
      TITLE_MAX,
    );
    if (title.cut) notes.push(`title cut to ${TITLE_MAX} characters on a word boundary`);
    const description = capText(
      listingText(render(templates.description, ctx, join(templates.dir, "description.njk")), true),
      DESCRIPTION_MAX,
    );
    if (description.cut) notes.push(`description cut to ${DESCRIPTION_MAX} characters on a word boundary`);
    const generated: Editable = { ...base, title: title.text, description: description.text };
    const final: Editable = {
      ...inputs,
      title: edits.title ?? title.text,
      description: edits.description ?? description.text,
    };
    const mapped = mapToVinted(mapping, {
      ...final,
      // The finer colour describes the colour ingest saw; a colour the seller changed has none.
      shade: final.color === article.color ? (article.color_shade ?? null) : null,
    });
    const { needsReview } = mapped;
    // The spec's garments have 3-6 photos: more than a listing takes is two garments or more the grouping put together
    // (execute would refuse it, online-side, after the seller had marked it).
    if (article.photos.length > PHOTOS_MAX)
      needsReview.push(
        `${article.photos.length} photos: likely several garments grouped together (Vinted takes ${PHOTOS_MAX} photos per listing at most): split the article on the review page (vbulk review)`,
      );
    const vinted = final.color_ids ? { ...mapped.vinted, color_ids: [...final.color_ids] } : mapped.vinted;
    if (prev && same)
      changes.putBack.push(
        ...putBack(prev, final, vinted, previous?.catalog_created_at === catalog.created_at, article),
      );
    if (
      !rules.gender &&
      !edits.gender &&
      dept &&
      !guessed &&
      needsReview.some((r) => r.startsWith("department"))
    )
      needsReview.splice(
        needsReview.findIndex((r) => r.startsWith("department")),
        1,
        `department unsure: the model says ${dept.name} at ${dept.score.toFixed(2)} (needs ${rules.departmentMinScore}); set --gender femme|homme or the item's gender`,
      );
    const item = {
      cluster_id: article.id,
      fingerprint: article.fingerprint,
      photos: article.photos,
      photo_sha256: content,
      category_name: categoryName,
      ...final,
      vinted,
      needs_review: needsReview,
      notes,
      // publish and excluded follow no rule: false is what vbulk gives, nothing a later run could overwrite.
      edited: EDITABLE_FIELDS.filter(
        (f) => set.has(f) && !((f === "publish" || f === "excluded") && final[f] === false),
      ),
      generated,
      written: fingerprints(generated, EDITABLE_FIELDS),
      ...(exclusion.only ? { only: exclusion.only } : {}),
    };
    return parseWith(PlanItemSchema, item, `plan item ${article.id}`, "Fix the edit (plan.json or --set).");
  });
  for (const p of previous?.items ?? [])
    if (!catalog.items.some((a) => a.id === p.cluster_id || a.fingerprint === p.fingerprint)) {
      changes.dropped.push(p.cluster_id);
      setAside(p);
    }
  for (const [key, ids] of generatedByHand) {
    const [f, kept] = key.split("|") as [string, string];
    const who = ids.join(", ");
    changes.putBack.push(
      kept === "kept"
        ? `${who}: generated.${f} changed by hand, together with ${f} (a find-and-replace?): generated.${f} put back to what vbulk makes; your ${f} is kept as an edit (\`--reset ${ids[0]}.${f}\` hands it back to the templates)`
        : `${who}: generated.${f} changed by hand, put back to what vbulk makes: vbulk works it out on each run; to change the listing, edit ${f} instead`,
    );
  }
  refuseUnreadyPublish(items, overrides, selection);
  // A mark given again in this run (--set), or a --publish list (every mark, given anew), is the seller's answer
  // already: nothing taken off to say.
  changes.unpublished = changes.unpublished.filter(
    (u) => selection.publish === undefined && !items.some((i) => i.cluster_id === u.id && i.publish),
  );
  const ruleValues = {
    default_price: rules.defaultPrice,
    prices: rules.prices,
    condition: rules.condition,
    brand: rules.brand,
    gender: rules.gender,
    lang: rules.lang,
  };
  const plan: Plan = {
    schemaVersion: 1,
    ok: items.every((i) => i.excluded || i.needs_review.length === 0),
    created_at: now,
    catalog: "catalog.json",
    catalog_created_at: catalog.created_at,
    rules: {
      ...ruleValues,
      ...(rules.given ? { given: [...rules.given].sort() } : {}),
      ...rules.files,
      written: fingerprints(ruleValues, Object.values(RULE_FIELDS)),
    },
    items,
    ...(aside.length ? { set_aside: aside.slice(-SET_ASIDE_MAX) } : {}),
  };
  return { plan, changes };
}

/** What each field vbulk works out itself follows: the field (or file) to edit instead. */
const DERIVED_FROM = {
  status_id: "condition",
  color_ids: "color_ids (or color, color2)",
  catalog_path: "category and gender (the Vinted mapping)",
  catalog_id: "category and gender (the Vinted mapping)",
  package_size_id: "category (the Vinted mapping's package size)",
} as const;

/**
 * The hand edits of plan.json a re-plan puts back, said rather than dropped, for an article with the same photos:
 * a vinted.* field while the fields it follows did not change (a value that differs was typed by hand, or the
 * mapping changed; an id that was unknown and is now found, after `vbulk vinted sync`, is not said), and, while
 * the catalog is the one the plan was made from, a photo list that is not the article's. (An article whose photos changed may get another finer colour: no telling a hand edit from that.)
 */
function putBack(
  prev: PlanItem,
  final: Editable,
  vinted: PlanItem["vinted"],
  sameCatalog: boolean,
  article: Catalog["items"][number],
): string[] {
  const out: string[] = [];
  const id = article.id;
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const inputs = ["category", "color", "color2", "color_ids", "condition", "gender", "size"] as const;
  if (inputs.every((f) => same(prev[f], final[f])))
    for (const [f, from] of Object.entries(DERIVED_FROM) as [keyof typeof DERIVED_FROM, string][]) {
      const hand = prev.vinted[f];
      // An id vbulk did not know (null, none) is not typed by hand: the mapping learnt it (vbulk vinted sync).
      if (same(hand, vinted[f]) || hand === null || (Array.isArray(hand) && hand.length === 0)) continue;
      const ids = Array.isArray(hand) && hand.length ? hand.join(",") : null;
      const instead =
        f === "color_ids" && ids && /^\d{1,3}(,\d{1,3})?$/.test(ids) ? ` (--set ${id}.color_ids=${ids})` : "";
      out.push(
        `${id}: vinted.${f} ${JSON.stringify(hand)} put back to ${JSON.stringify(vinted[f])}: vbulk works it out from ${from} on each run; if you typed it by hand, edit ${from.split(" (")[0]} instead${instead} (if the mapping or labels changed, nothing to do)`,
      );
    }
  const key = (photos: string[]) => [...photos].sort().join("\n");
  if (sameCatalog && key(prev.photos) !== key(article.photos))
    out.push(
      `${id}: photos put back to the catalog's ${article.photos.length} photos (${article.photos.join(", ")}): an article's photos come from catalog.json; to take one out, use vbulk review (or move the file away and run vbulk ingest again)`,
    );
  return out;
}

function priceFor(rules: PlanRules, category: string): number {
  return Object.hasOwn(rules.prices, category) ? rules.prices[category]! : rules.defaultPrice;
}

/**
 * Refuses a --set of publish or excluded that says the opposite of --publish, --only or --exclude for the same
 * article (`--only c2 --set c1.excluded=false`): --set won without a word, so "exactly these" included c1 too.
 * As `--publish none,c7`, one of the two is a mistake, and guessing which would change the plan. Throws BAD_USAGE.
 */
export function refuseSelectionClash(overrides: Map<string, Partial<Editable>>, s: Selection): void {
  const list = (ids: string[], id: string, add: boolean) =>
    (add ? [...ids, id] : ids.filter((x) => x !== id)).join(",");
  for (const [id, e] of overrides) {
    const chosen = selectionEdits(id, s);
    for (const f of ["publish", "excluded"] as const) {
      const set = e[f];
      if (set === undefined || chosen[f] === undefined || set === chosen[f]) continue;
      // The flag that decided for this article, and what to give instead (that flag saying what --set says).
      let flag: string;
      let instead: string;
      if (f === "publish") {
        const ids = s.publish ?? [];
        flag = `--publish ${ids.join(",") || "none"}`;
        instead = `--publish ${list(ids, id, set) || "none"} alone`;
      } else if (s.exclude?.includes(id)) {
        flag = `--exclude ${s.exclude.join(",")}`;
        const rest = list(s.exclude, id, false);
        instead = rest ? `--exclude ${rest} alone` : "the --set without --exclude";
      } else {
        const ids = Array.isArray(s.only) ? s.only : [];
        flag = `--only ${ids.join(",")}`;
        const rest = list(ids, id, !set);
        instead = rest ? `--only ${rest} alone` : "";
      }
      const word = (on: boolean) =>
        f === "publish" ? (on ? "marks it to publish" : "unmarks it") : on ? "excludes it" : "includes it";
      throw new VbulkError(
        "BAD_USAGE",
        `Expected ${flag} and --set ${id}.${f}=${set} to agree on ${id} but ${flag} ${word(chosen[f] === true)} and --set ${word(set)}`,
        {
          hint: `Give one of the two${instead ? ` (e.g. ${instead})` : ""}. Nothing was written.`,
        },
      );
    }
  }
}

/** What --publish, --only IDS and --exclude say of one article (--only all says nothing of its own: selectExclusion). */
function selectionEdits(id: string, s: Selection): Partial<Editable> {
  const e: Partial<Editable> = {};
  if (s.publish) e.publish = s.publish.includes(id);
  if (Array.isArray(s.only)) e.excluded = !s.only.includes(id);
  if (s.exclude?.includes(id)) e.excluded = true;
  return e;
}

/** What --only did to an article's `excluded`, if it still holds: a hand edit of the value makes it the seller's. */
function onlyMark(mark: PlanItem["only"], excluded: boolean): PlanItem["only"] {
  return (mark === "excluded") === excluded ? mark : undefined;
}

/**
 * An article's `excluded` after --exclude and --only, and what --only did to it (PlanItem.only). `mark` is what an
 * earlier --only did and still holds. --only IDS excludes the others and includes those named, remembering which of
 * the two it did over the seller's own choice; --only all undoes exactly that, so an article the seller excluded
 * (finished by hand on Vinted) stays excluded: `--only c2` then `--only all` drafted it again.
 */
function selectExclusion(
  id: string,
  s: Selection,
  excluded: boolean,
  mark: PlanItem["only"],
): { excluded: boolean; only?: "excluded" | "included" } {
  // The seller's own exclusion, whether or not an --only lifted it for now.
  const mine = mark === "included" || (excluded && mark === undefined);
  if (s.exclude?.includes(id)) return { excluded: true };
  if (s.only === "all") return { excluded: mine };
  if (s.only) {
    if (s.only.includes(id)) return mine ? { excluded: false, only: "included" } : { excluded: false };
    return mine ? { excluded: true } : { excluded: true, only: "excluded" };
  }
  return mark ? { excluded, only: mark } : { excluded };
}

function checkCategory(category: string | undefined, labels: LabelSet, id: string): void {
  if (category === undefined || category === "unknown" || labels.labels.some((l) => l.id === category))
    return;
  throw new VbulkError(
    "BAD_INPUT",
    `Expected a category of the label set for ${id} but received ${JSON.stringify(category)}`,
    {
      hint: `Categories: ${labels.labels.map((l) => l.id).join(", ")}. Nothing was written.`,
      // The article and field refused, for the review page to say it in its own words (review/refusals.ts).
      context: { id, field: "category", value: category },
    },
  );
}

/**
 * plan.json's items must be the catalog's articles: a duplicated id, or an id that is no article while the catalog
 * is the one the plan was made from, was added or renamed by hand, and guessing what was meant would lose an edit.
 */
function checkPreviousItems(prev: PlanItem[], catalog: Catalog, previous: Plan | null): void {
  const seen = new Set<string>();
  for (const p of prev) {
    if (seen.has(p.cluster_id))
      throw new VbulkError(
        "BAD_INPUT",
        `Expected each article once in plan.json but ${p.cluster_id} appears twice`,
        {
          hint: "Remove the copy (edit the article's one item). plan.json was left as it is.",
        },
      );
    seen.add(p.cluster_id);
  }
  if (!previous?.catalog_created_at || previous.catalog_created_at !== catalog.created_at) return;
  const ids = new Set(catalog.items.map((a) => a.id));
  const key = (photos: string[]) => [...photos].sort().join("\n");
  const stray = prev.filter(
    (p) =>
      !ids.has(p.cluster_id) ||
      !catalog.items.some((a) => a.fingerprint === p.fingerprint || key(a.photos) === key(p.photos)),
  );
  if (stray.length)
    throw new VbulkError(
      "BAD_INPUT",
      `Expected plan.json's items to be the catalog's articles but ${stray.map((p) => p.cluster_id).join(", ")} ${stray.length === 1 ? "is" : "are"} not (added or renamed by hand?)`,
      {
        hint: `${articleList(ids)}. Give the edit back to its article's item (same cluster_id, photos and fingerprint), or delete the item. plan.json was left as it is.`,
      },
    );
}

/** Marking an article to publish that cannot go to Vinted as it is would fail later, online: refused now. */
function refuseUnreadyPublish(
  items: PlanItem[],
  overrides: Map<string, Partial<Editable>>,
  s: Selection,
): void {
  const asked = new Set([
    ...(s.publish ?? []),
    ...[...overrides].filter(([, e]) => e.publish === true).map(([id]) => id),
  ]);
  const bad = items.filter((i) => asked.has(i.cluster_id) && (i.excluded || i.needs_review.length));
  if (!bad.length) return;
  // Left out by this very command's --only (--only c6 --publish c3): said so, not "excluded" with a way to include
  // it again that the same --only undoes (audit).
  const only = Array.isArray(s.only) ? s.only : null;
  const leftOut = (i: PlanItem) =>
    only !== null && !only.includes(i.cluster_id) && !s.exclude?.includes(i.cluster_id);
  const outByOnly = bad.filter(leftOut).map((i) => i.cluster_id);
  throw new VbulkError(
    "BAD_USAGE",
    `Expected articles that are ready for Vinted to mark for publishing but ${bad
      .map(
        (i) =>
          `${i.cluster_id} ${leftOut(i) ? `is left out by this command's --only ${only!.join(",")}` : i.excluded ? "is excluded" : `needs review (${i.needs_review.join("; ")})`}`,
      )
      .join(", ")}`,
    {
      hint: outByOnly.length
        ? `Name ${outByOnly.join(", ")} in --only too (--only ${[...only!, ...outByOnly].join(",")}), or mark ${outByOnly.length === 1 ? "it" : "them"} in another run. Nothing was written.`
        : publishHint(bad),
      // The articles refused and why, as built: the review page words them for its own fields (refusals.ts).
      context: {
        unready: bad.map((i) => ({ id: i.cluster_id, excluded: i.excluded, needs_review: i.needs_review })),
      },
    },
  );
}

/** The plan flags that settle a needs_review reason of article `id` (the plan's reasons: mapping.ts, plan.ts), as an
 *  example to copy; null for a reason no flag settles (a Vinted leaf id: `vbulk vinted sync`). */
export function fixFor(id: string, reason: string): string | null {
  if (/^category unknown|^type "/.test(reason)) return `--set ${id}.category=robe`;
  if (/^department unknown/.test(reason)) return "--gender femme";
  if (/^size missing/.test(reason)) return `--set ${id}.size=M`;
  return null;
}

/** What to do about articles refused for --publish, with their own ids: an excluded one is included again first
 *  (the hint said to fix a size, with another article's id, which an excluded article does not need). */
function publishHint(bad: PlanItem[]): string {
  const excluded = bad.filter((i) => i.excluded).map((i) => i.cluster_id);
  const unready = bad.filter((i) => !i.excluded).map((i) => i.cluster_id);
  const parts: string[] = [];
  // --only all includes again only what --only excluded, not what the seller excluded.
  const byOnly = bad.every((i) => !i.excluded || i.only === "excluded");
  if (excluded.length)
    parts.push(
      `Include ${excluded.join(", ")} again first: ${excluded.map((id) => `--set ${id}.excluded=false`).join(" ")}${byOnly ? " (or --only all)" : ""}, then --publish it.`,
    );
  // The fix the plan's `next:` line gives for each article's own reasons (fixFor), not one example for all.
  const fixes = [
    ...new Set(
      bad
        .filter((i) => !i.excluded)
        .flatMap((i) => i.needs_review.map((r) => fixFor(i.cluster_id, r)))
        .filter((f): f is string => f !== null),
    ),
  ];
  if (unready.length)
    parts.push(
      `Fix what ${unready.join(", ")} ${unready.length === 1 ? "needs" : "need"} first${fixes.length ? `: ${fixes.join(" ")}` : " (vbulk review, or plan.json)"}, then --publish it.`,
    );
  return `${parts.join(" ")} Nothing was written.`;
}

/** The seller's edits in a plan item: the fields it records as `edited`, and every field changed by hand since vbulk
 *  wrote it (handEdited). */
export function editsOf(item: PlanItem): Partial<Editable> {
  const edits: Partial<Editable> = {};
  for (const f of EDITABLE_FIELDS)
    if (item.edited?.includes(f) || handEdited(item, f)) (edits as Record<string, unknown>)[f] = item[f];
  return edits;
}

/**
 * Whether a field the plan does not list as `edited` was changed by hand in plan.json: its value no longer has the
 * fingerprint vbulk wrote (`written`; a find-and-replace that changed `generated` alike is still an edit, and a
 * changed `generated` alone is none), or, in a plan of an older vbulk, it differs from `generated`.
 */
function handEdited(item: PlanItem, f: keyof Editable): boolean {
  const written = item.written?.[f];
  if (written !== undefined) return fingerprintOf(item[f]) !== written;
  return JSON.stringify(item[f] ?? null) !== JSON.stringify(item.generated[f] ?? null);
}

/**
 * Notes the fields of `prev` whose `generated` value was changed by hand (it no longer has the fingerprint vbulk
 * wrote): a run puts `generated` back, and says so, and whether the field's own value was changed alike and so kept
 * as the seller's edit (a find-and-replace), by "field|kept" or "field|back".
 */
function noteGenerated(prev: PlanItem, id: string, into: Map<string, string[]>): void {
  for (const f of EDITABLE_FIELDS) {
    const written = prev.written?.[f];
    if (written === undefined || fingerprintOf(prev.generated[f]) === written) continue;
    const kept = !prev.edited?.includes(f) && handEdited(prev, f);
    const key = `${f}|${kept ? "kept" : "back"}`;
    into.set(key, [...(into.get(key) ?? []), id]);
  }
}

/** The seller's own edits (editsOf), less a selection's false (publish or excluded false is what vbulk gives); with
 *  the seller's exclusion an --only lifted for now (PlanItem.only "included"). */
export function sellerEdits(item: PlanItem): Partial<Editable> {
  const edits = editsOf(item);
  for (const f of ["publish", "excluded"] as const) if (edits[f] === false) delete edits[f];
  if (item.only === "included") edits.excluded = true;
  return edits;
}

/** The fields the seller had edited on article `id` of `plan` (sellerEdits), [] for none or no such article: what a
 *  run that reset, carried or dropped the article says it did to the seller's edits. */
export function editedFields(plan: Plan | null, id: string): string[] {
  const item = plan?.items.find((i) => i.cluster_id === id);
  return item ? Object.keys(sellerEdits(item)) : [];
}

function stripText(e: Partial<Editable>): Partial<Omit<Editable, "title" | "description">> {
  const { title: _t, description: _d, ...rest } = e;
  return rest;
}

/** Reads DIR/plan.json, or null when there is none. Throws BAD_INPUT naming the field of a bad edit, and
 *  NOT_WRITABLE or BAD_FILE for a plan.json that is there but cannot be read (never taken for "no plan"). */
export async function readPlan(dir: string): Promise<Plan | null> {
  return readJsonFileIfAny(
    join(dir, PLAN_FILE),
    PlanSchema,
    {
      field: `Fix that field by hand (the fields of an item you edit: ${EDITABLE_FIELDS.join(", ")}); plan.json was left as it is.`,
      // README "Files and JSON shapes": a new plan is made from catalog.json; the seller's edits were in this one.
      syntax:
        "Or move plan.json away: the next `vbulk plan` makes a new one from catalog.json, without the edits this one holds. plan.json was left as it is.",
      foreign:
        'Is it another program\'s plan.json? Move it away, or run vbulk on another folder; if vbulk wrote it, put back "schemaVersion": 1. plan.json was left as it is.',
    },
    planIssueDetail,
  );
}

/**
 * A bad field of plan.json with the article it belongs to and what it holds: "items[0].price: a price in euros"
 * did not say which article nor that the price was written "25", in quotes.
 */
function planIssueDetail(issue: z.core.$ZodIssue, data: unknown, schema: z.ZodType): string {
  const [list, index] = issue.path;
  const owner =
    (list === "items" || list === "set_aside") && typeof index === "number"
      ? valueAt(data, [list, index, "cluster_id"])
      : undefined;
  const article = typeof owner === "string" && ARTICLE_ID.test(owner) ? ` (article ${owner})` : "";
  return `${article}: ${issueText(issue, data, { schema })}`;
}

/**
 * Holds DIR/.vbulk/plan.lock while a plan is read, changed and written (`vbulk plan`, the review page's save): two at
 * once (two terminals, a terminal and the page) each wrote over the other's edits. Waits up to 15 s for the other
 * one (a plan takes well under a second), then throws BAD_USAGE with nothing written; `signal` ends the wait.
 */
export function lockPlan(dir: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  return takeLock(
    join(dir, STATE_DIR, "plan.lock"),
    {},
    (held) =>
      new VbulkError(
        "BAD_USAGE",
        `Expected no other plan of ${dir} to be running but one has been since ${localSince(held.started_at)} (pid ${held.pid}): nothing was written`,
        { hint: "Wait for it to finish, then run this again." },
      ),
    15_000,
    signal,
  );
}

/** Writes DIR/plan.json atomically. Throws NO_SPACE or NOT_WRITABLE naming the file when it cannot be written. */
export async function writePlan(dir: string, plan: Plan): Promise<string> {
  const path = join(dir, PLAN_FILE);
  await saveJsonAtomic(path, planFileForm(PlanSchema.parse(plan)));
  return path;
}

/**
 * A plan as plan.json (and `vbulk plan --json`) shows it: `rules.given` names each rule as `rules` does
 * (`default_price`, not the config file's `defaultPrice`, which an older vbulk wrote there).
 */
export function planFileForm(plan: Plan) {
  const given = plan.rules.given?.map((k) => RULE_FIELDS[k]).sort();
  // Key by key, so that `given` keeps its place among the rules.
  const rules = Object.fromEntries(
    Object.entries(plan.rules).map(([k, v]) => [k, k === "given" ? given : v]),
  );
  return { ...plan, rules };
}

/**
 * The price rules keyed by category id. A key may be written as a seller writes a category (as `--set ID.category`
 * takes it): its id with capitals or accents ("Hoodie", "Débardeur"), or the label's French or English name ("Robe",
 * "Dress", "Sac à dos"); an id wins over another label's name. Throws BAD_INPUT for a key that names no category of
 * the label set (nor "unknown", the articles no model named: it would be stored and never apply, the garment listed
 * at the default price) and for two keys naming one category (which price was meant?). `where` says where the rules
 * came from.
 */
export function priceRulesByCategory(
  prices: Record<string, number>,
  labels: readonly ({ id: string } & Parameters<typeof labelNames>[0])[],
  where: string,
): Record<string, number> {
  const known = [...labels.map((l) => l.id), "unknown"];
  const names = Object.fromEntries(labels.map((l) => [l.id, labelNames(l).map(foldWord)]));
  const out: Record<string, number> = {};
  const keyOf = new Map<string, string>();
  for (const [key, price] of Object.entries(prices)) {
    const id = known.includes(key) ? key : wordOf(key, known, names);
    if (id === undefined) {
      const near = nearest(key, known);
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a category of the label set (its id, or its French or English name) for ${where} but received ${JSON.stringify(key)}${near ? ` (did you mean "${near}"?)` : ""}`,
        {
          hint: `Fix that key where it came from (or give --price-rules anew: it replaces the stored rules). Category ids: ${known.join(", ")}. Nothing was written.`,
        },
      );
    }
    const other = keyOf.get(id);
    if (other !== undefined)
      throw new VbulkError(
        "BAD_INPUT",
        `Expected one price per category for ${where} but received ${JSON.stringify(other)} and ${JSON.stringify(key)}, which both name ${id}`,
        { hint: "Keep one of the two keys where they came from. Nothing was written." },
      );
    keyOf.set(id, key);
    out[id] = price;
  }
  return out;
}

/** The free-text fields of --set, trimmed. */
const TEXT_FIELDS = ["title", "description", "brand", "size"];

/**
 * A value still wrapped in one pair of quotes after the shell ran (quoted twice: `--set 'c3.title="Sweat"'`, a
 * script) loses that pair, only where a shell would have removed it: nothing inside that would have ended it. Every
 * other quote is the seller's text (`Levi's 501`, `12" vinyl`, `"Le Petit Prince" t-shirt`) and stays, so no quote is
 * ever left without its pair.
 */
export function unquoteOnce(value: string): string {
  const m = /^(["'])(.*)\1$/s.exec(value);
  return m && !m[2]!.includes(m[1]!) ? m[2]! : value;
}

/**
 * Parses --set ID.FIELD=VALUE into typed edits; `shellQuotes` (the command line, not the review page whose text no
 * shell touched) removes a pair of quotes left around a value (unquoteOnce). Throws BAD_USAGE naming the flag,
 * field and expected type, and when one field is given two values.
 */
export function parseSet(
  assignments: string[],
  ids: Set<string>,
  categories: string[] = [],
  {
    shellQuotes = false,
    categoryNames = {},
    colorIds = null,
    gone,
  }: {
    shellQuotes?: boolean;
    /** Vinted's colour ids by name (mapping.ts vintedColorIds): color_ids takes no other; null: any id. */
    colorIds?: ReadonlyMap<number, string> | null;
    /** Each category id's names in the label set (French and English: "Doudoune", "Puffer jacket"), taken for
     *  the id as a seller writes them. */
    categoryNames?: Readonly<Record<string, readonly string[]>>;
    /** Where an id the earlier plan had went (goneArticle), said when it is refused. */
    gone?: (id: string) => ReturnType<typeof goneArticle>;
  } = {},
): Map<string, Partial<Editable>> {
  const out = new Map<string, Partial<Editable>>();
  const typedOf = new Map<string, string>();
  for (const a of assignments) {
    // Any id and field before the first "=": a capital (c1.Price) or a misspelt field (c1.colour) is then named,
    // with the field it likely meant, rather than "Expected ID.FIELD=VALUE".
    const m = /^([^.=]*)\.([^=]*)=(.*)$/s.exec(a);
    if (!m) {
      throw new VbulkError(
        "BAD_USAGE",
        `Expected ID.FIELD=VALUE for --set but received ${JSON.stringify(a)}`,
        { hint: 'Example: --set c3.price=30 --set c3.title="Hoodie noir". Nothing was written.' },
      );
    }
    const [, id, field, typed] = m as unknown as [string, string, string, string];
    const unquoted = shellQuotes ? unquoteOnce(typed) : typed;
    // Spaces around a text are a slip of the keyboard; a text of only spaces stays as typed, to be refused.
    const raw = TEXT_FIELDS.includes(field) && unquoted.trim() ? unquoted.trim() : unquoted;
    if (!ids.has(id)) {
      const near = nearId(id, ids);
      const was = near ? undefined : gone?.(id);
      throw new VbulkError(
        "BAD_USAGE",
        `Expected an article id of the catalog for --set but received "${id}"${near ? ` (did you mean "${near}"?)` : ""}${was ? `: ${was.text}` : ""}`,
        // The edit refused, for a caller that words it otherwise (the review page: refusals.ts).
        {
          hint: `${near ? `Did you mean --set ${shellWord(`${near}.${field}=${typed}`)}? ` : ""}${goneHint(was, (to) => `--set ${shellWord(`${to}.${field}=${typed}`)}`)}${articleList(ids)}`,
          context: { id },
        },
      );
    }
    if (!(EDITABLE_FIELDS as string[]).includes(field)) {
      const near = nearest(field, EDITABLE_FIELDS);
      throw new VbulkError(
        "BAD_USAGE",
        `Expected one of ${EDITABLE_FIELDS.join(", ")} for the field of --set ${a} but received ${JSON.stringify(field)}${near ? ` (did you mean "${near}"?)` : ""}`,
        {
          hint: `${near ? `Did you mean --set ${shellWord(`${id}.${near}=${typed}`)}? ` : ""}Nothing was written.`,
        },
      );
    }
    const schema = EditableSchema.shape[field as keyof Editable];
    // Empty clears a field that may be empty (size, gender, color2, color_ids: nullable in the schema). Elsewhere a
    // seller typing nothing means "back to what vbulk makes", which is --reset: said, rather than only refused.
    if (raw === "" && !schema.safeParse(null).success)
      throw new VbulkError(
        "BAD_USAGE",
        `Expected ${describeField(field, categories)} for --set ${id}.${field} but received "" (empty)`,
        {
          hint: `An empty value does not clear ${field}: to go back to the value vbulk makes, --reset ${id}.${field}. Nothing was written.`,
          context: { id, field, value: typed },
        },
      );
    let value: unknown = raw;
    // An amount as a seller types it (parseEuros: "12,50", "12 €", "1 000"). Number() alone took 1e-9 and 0x1F.
    if (field === "price") value = parseEuros(raw) ?? Number.NaN;
    // Any id a label set may have ("puffer jacket" too); names of JavaScript built-ins (constructor, __proto__)
    // reached price lookups.
    // A category as a seller writes it: its id with capitals ("Hoodie"), or its name in the label set
    // ("Doudoune", "Sac à dos", "Dress").
    if (field === "category" && categories.length)
      value =
        wordOf(
          raw,
          categories,
          Object.fromEntries(categories.map((c) => [c, (categoryNames[c] ?? []).map(foldWord)])),
        ) ?? raw;
    if (field === "category" && (!CATEGORY_ID.test(String(value)) || String(value) in Object.prototype))
      value = "";
    if (field === "publish" || field === "excluded")
      value = raw === "true" ? true : raw === "false" ? false : raw;
    if (field === "color_ids")
      value = /^\d{1,3}(,\d{1,3})*$/.test(raw.replace(/\s/g, ""))
        ? raw.replace(/\s/g, "").split(",").map(Number)
        : raw;
    if (
      (field === "size" || field === "gender" || field === "color2" || field === "color_ids") &&
      (raw === "" || raw === "null")
    )
      value = null;
    // "none" as `--gender none` says it (not for size: a seller may write any size).
    if ((field === "gender" || field === "color2") && raw.trim().toLowerCase() === "none") value = null;
    const r = schema.safeParse(value);
    const badCategory = field === "category" && categories.length > 0 && !categories.includes(String(value));
    if (!r.success || badCategory) {
      // A near category id (hoodies → hoodie) is named, as for price rules; the whole label set only without one.
      const near = field === "category" && categories.length ? nearest(raw, categories) : undefined;
      const max = { size: SIZE_MAX, title: TITLE_MAX, brand: 100, description: DESCRIPTION_MAX }[field];
      const length =
        max !== undefined && typeof value === "string" && value.length > max
          ? ` (${value.length} characters)`
          : "";
      throw new VbulkError(
        "BAD_USAGE",
        `Expected ${describeField(field, near ? [] : categories)} for --set ${id}.${field} but received ${JSON.stringify(typed)}${length}${near ? ` (did you mean "${near}"?)` : ""}`,
        {
          hint: `${near ? `Did you mean --set ${shellWord(`${id}.category=${near}`)}? ` : ""}Nothing was written.`,
          context: { id, field, value: typed },
        },
      );
    }
    if (field === "color_ids" && colorIds && Array.isArray(r.data))
      refuseUnknownColors(r.data, colorIds, id, typed);
    // Two values for one field: the last won without a word, the other edit lost. The same value twice is harmless.
    const earlier = out.get(id) ?? {};
    if (field in earlier && JSON.stringify(earlier[field as keyof Editable]) !== JSON.stringify(r.data))
      throw new VbulkError(
        "BAD_USAGE",
        `Expected one value for ${id}.${field} but received ${typedOf.get(`${id}.${field}`)} and ${typed}`,
        {
          hint: `Give --set ${id}.${field} once, with the value you mean. Nothing was written.`,
          context: { id, field, value: typed },
        },
      );
    typedOf.set(`${id}.${field}`, typed);
    out.set(id, { ...earlier, [field]: r.data });
  }
  return out;
}

/** An id of no Vinted colour (a typo: 99 for 9) is refused, with the ids there are. Throws BAD_USAGE. */
function refuseUnknownColors(
  ids: number[],
  known: ReadonlyMap<number, string>,
  id: string,
  typed: string,
): void {
  const unknown = ids.filter((n) => !known.has(n));
  if (!unknown.length) return;
  throw new VbulkError(
    "BAD_USAGE",
    `Expected ids of Vinted's colours for --set ${id}.color_ids but received ${JSON.stringify(typed)}: ${noColour(unknown)}`,
    {
      hint: `${colourList(known)}. One or two of them, e.g. --set ${id}.color_ids=5,12 (null: those of color and color2). Nothing was written.`,
      context: { id, field: "color_ids", value: typed },
    },
  );
}

/**
 * A color_ids in plan.json (a hand edit: --set is checked as it is parsed) of no Vinted colour of the mapping would
 * be sent as it is: refused, naming the article. Throws BAD_INPUT.
 */
function checkColorIds(
  ids: number[] | null | undefined,
  known: ReadonlyMap<number, string> | null,
  id: string,
): void {
  const unknown = ids && known ? ids.filter((n) => !known.has(n)) : [];
  if (!known || !unknown.length) return;
  throw new VbulkError(
    "BAD_INPUT",
    `Expected ids of Vinted's colours in plan.json's color_ids of ${id} but received ${JSON.stringify(ids)}: ${noColour(unknown)}`,
    {
      hint: `${colourList(known)}. Fix the item's color_ids in plan.json (or --set ${id}.color_ids=5,12; null: those of color and color2). plan.json was left as it is.`,
    },
  );
}

const noColour = (ids: number[]) => `${ids.join(", ")} ${ids.length === 1 ? "is" : "are"} no Vinted colour`;
const colourList = (known: ReadonlyMap<number, string>) =>
  `Vinted's colours (the mapping's): ${[...known].map(([n, name]) => `${n} ${name}`).join(", ")}`;

/**
 * Parses --reset ID.FIELD (that edit handed back to the rules) and --reset ID (every edit of the article).
 * Throws BAD_USAGE naming the value and what is expected.
 */
export function parseReset(
  values: string[],
  ids: Set<string>,
  gone?: (id: string) => ReturnType<typeof goneArticle>,
): Map<string, (keyof Editable)[]> {
  const out = new Map<string, (keyof Editable)[]>();
  for (const v of values) {
    const [id = "", field, ...rest] = v.trim().split(".");
    const known = field === undefined || (EDITABLE_FIELDS as string[]).includes(field);
    // Which part is wrong, with the one likely meant (as --set says it): one message for every case named neither.
    if (!rest.length && !ids.has(id)) {
      const near = nearId(id, ids);
      const was = near ? undefined : gone?.(id);
      throw new VbulkError(
        "BAD_USAGE",
        `Expected an article id of the catalog for --reset but received ${JSON.stringify(id)}${near ? ` (did you mean "${near}"?)` : ""}${was ? `: ${was.text}` : ""}`,
        {
          hint: `${near ? `Did you mean --reset ${shellWord(field === undefined ? near : `${near}.${field}`)}? ` : ""}${goneHint(was, (to) => `--reset ${shellWord(field === undefined ? to : `${to}.${field}`)}`)}${articleList(ids)}. Nothing was written.`,
        },
      );
    }
    if (!rest.length && !known) {
      const near = nearest(field!, EDITABLE_FIELDS);
      throw new VbulkError(
        "BAD_USAGE",
        `Expected one of ${EDITABLE_FIELDS.join(", ")} for the field of --reset ${v.trim()} but received ${JSON.stringify(field)}${near ? ` (did you mean "${near}"?)` : ""}`,
        {
          hint: `${near ? `Did you mean --reset ${shellWord(`${id}.${near}`)}? ` : ""}--reset ${id} hands every edit of ${id} back to the rules. Nothing was written.`,
        },
      );
    }
    if (!ids.has(id) || !known || rest.length)
      throw new VbulkError(
        "BAD_USAGE",
        `Expected ID or ID.FIELD (an article id of the catalog; a field of ${EDITABLE_FIELDS.join(", ")}) for --reset but received ${JSON.stringify(v)}`,
        {
          hint: `Example: --reset c3.price (c3's price follows the rules again), --reset c3 (every edit of c3). ${articleList(ids)}. Nothing was written.`,
        },
      );
    const fields = field === undefined ? EDITABLE_FIELDS : [field as keyof Editable];
    out.set(id, [...new Set([...(out.get(id) ?? []), ...fields])]);
  }
  return out;
}

/**
 * The catalog's id a mistyped one meant: the same but for capitals or spaces (C1, " c1"). A digit off (c10 for c1)
 * is another article, not guessed. Undefined when none.
 */
export function nearId(id: string, ids: ReadonlySet<string>): string | undefined {
  const bare = id.replace(/\s+/g, "").toLowerCase();
  return [...ids].find((k) => k === bare);
}

function describeField(field: string, categories: string[] = []): string {
  switch (field) {
    case "price":
      return "an amount in euros from 0.01 to 100000, with at most two decimals (e.g. 12 or 12.50)";
    case "publish":
    case "excluded":
      return "true or false";
    case "condition":
      return `one of ${CONDITIONS.join(", ")} (in English: ${Object.values(CONDITION_IN_ENGLISH).join(", ")})`;
    case "gender":
      return `one of ${GENDERS.join(", ")} (or none; in English: women, men)`;
    case "color":
      return `one of ${COLOR_NAMES.join(", ")} (or in English: black, white, …)`;
    case "color2":
      return `one of ${COLOR_NAMES.join(", ")} (or none; in English: black, white, …)`;
    case "color_ids":
      return "one or two Vinted colour ids, comma-separated (e.g. 5 or 5,12; null: those of color and color2)";
    case "category":
      return `a garment type id of the label set (lower-case letters, digits, dashes and spaces, e.g. hoodie${categories.length ? `; one of ${categories.join(", ")}` : ""}) or its name (e.g. Doudoune, Dress)`;
    case "size":
      return `a size of 1 to ${SIZE_MAX} characters (e.g. M, 38, W30; one line, not only spaces, no control characters)`;
    case "brand":
      return "a one-line brand of 1 to 100 characters (not only spaces, no control characters)";
    case "title":
      return `a one-line text of 1 to ${TITLE_MAX} characters (not only spaces, no control characters)`;
    case "description":
      return `a text of 1 to ${DESCRIPTION_MAX} characters (not only spaces; line breaks but no other control characters)`;
    default:
      return "a non-empty text";
  }
}

/**
 * The rules stored in plan.json as a config layer: those the plan records as given by the seller (an older plan
 * records none: those that differ from the defaults were given). `vbulk plan` and the review page's saves put it
 * after the config file, so a rule the seller gave stays and any other follows the config file.
 */
export function storedRules(p: Plan): NonNullable<ConfigOverrides["plan"]> {
  const stored = Object.fromEntries(RULE_KEYS.map((k) => [k, p.rules[RULE_FIELDS[k]]]));
  const defaults = DEFAULTS.plan as Record<string, unknown>;
  const given = p.rules.given;
  const byHand = handEditedRules(p);
  return Object.fromEntries(
    Object.entries(stored).filter(
      ([k, v]) =>
        byHand.includes(k as RuleKey) ||
        (given ? given.includes(k as RuleKey) : JSON.stringify(v) !== JSON.stringify(defaults[k])),
    ),
  );
}

/** A rule the seller never gave whose value changed since the previous plan (see rulesFollowed). */
export interface RuleFollowed {
  key: RuleKey;
  /** Its name in plan.json's `rules`. */
  field: (typeof RULE_FIELDS)[RuleKey];
  was: unknown;
  now: unknown;
}

/**
 * The rules the seller never gave that changed since the previous plan: they follow the config file and the
 * defaults, so a run without the last one's --config, an edited config file, or the review page (which reads only
 * VBULK_CONFIG) changed every price or title they shape. `vbulk plan` and the page say so.
 */
export function rulesFollowed(previous: Plan | null, plan: Plan): RuleFollowed[] {
  if (!previous) return [];
  const given = new Set(plan.rules.given ?? []);
  return RULE_KEYS.flatMap((key) => {
    const field = RULE_FIELDS[key];
    const [was, now] = [previous.rules[field], plan.rules[field]];
    return given.has(key) || JSON.stringify(was) === JSON.stringify(now) ? [] : [{ key, field, was, now }];
  });
}

/**
 * The rules of plan.json changed by hand since vbulk wrote them (their value no longer has the fingerprint in
 * `rules.written`) and not listed in `given`: the seller's edit, which counts as given (storedRules). Only a
 * fingerprint tells a hand edit from a value a config file or the defaults gave then and give otherwise now (the
 * config file changed since: that one follows the config file). None in a plan of an older vbulk.
 */
export function handEditedRules(p: Plan): RuleKey[] {
  const written = p.rules.written;
  if (!written) return [];
  return RULE_KEYS.filter(
    // A rule without a fingerprint (one a later vbulk added) is unknown, not an edit.
    (k) =>
      !p.rules.given?.includes(k) &&
      written[RULE_FIELDS[k]] !== undefined &&
      fingerprintOf(p.rules[RULE_FIELDS[k]]) !== written[RULE_FIELDS[k]],
  );
}
