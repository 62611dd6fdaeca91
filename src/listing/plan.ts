import { join } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { VbulkError } from "../core/errors.js";
import { COLOR_NAMES } from "../imaging/color.js";
import type { LabelSet } from "../model/clip.js";
import type { Catalog } from "../store/catalog.js";
import { parseWith, readJsonFileIfAny } from "../store/read.js";
import { CONDITIONS, GENDERS, type Gender, type Mapping, mapToVinted } from "./mapping.js";
import { capText, type ListingTemplates, render } from "./templates.js";

export const PLAN_FILE = "plan.json";
/** Vinted's limits (../shared/vinted.md): tools cap titles at 100 and descriptions at 2000 characters. */
export const TITLE_MAX = 100;
export const DESCRIPTION_MAX = 2000;

/** The fields a seller may edit; an edit is a value that differs from what vbulk generated, and it survives re-plans. */
export const EditableSchema = z.object({
  category: z.string().min(1),
  color: z.enum(COLOR_NAMES),
  condition: z.enum(CONDITIONS),
  brand: z.string().min(1).max(100),
  size: z.string().min(1).max(20).nullable(),
  gender: z.enum(GENDERS).nullable(),
  price: z.number().positive().max(100_000),
  publish: z.boolean(),
  excluded: z.boolean(),
  title: z.string().min(1).max(TITLE_MAX),
  description: z.string().min(1).max(DESCRIPTION_MAX),
});
export type Editable = z.infer<typeof EditableSchema>;
export const EDITABLE_FIELDS = Object.keys(EditableSchema.shape) as (keyof Editable)[];

export const PlanItemSchema = EditableSchema.extend({
  cluster_id: z.string().regex(/^c\d+$/),
  fingerprint: z.string(),
  photos: z.array(z.string()).min(1),
  category_name: z.string(),
  vinted: z.object({
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
  /** The values vbulk generated; a field that differs from its value here is the seller's edit. */
  generated: EditableSchema,
});
export type PlanItem = z.infer<typeof PlanItemSchema>;

export const PlanSchema = z.object({
  schemaVersion: z.literal(1),
  /** True when every included item is ready for Vinted (no needs_review). */
  ok: z.boolean(),
  created_at: z.string(),
  catalog: z.string(),
  rules: z.object({
    default_price: z.number(),
    prices: z.record(z.string(), z.number()),
    condition: z.enum(CONDITIONS),
    brand: z.string(),
    gender: z.enum(GENDERS).nullable(),
    lang: z.enum(["fr", "en"]),
  }),
  items: z.array(PlanItemSchema),
});
export type Plan = z.infer<typeof PlanSchema>;

export interface PlanRules {
  defaultPrice: number;
  prices: Record<string, number>;
  condition: (typeof CONDITIONS)[number];
  brand: string;
  gender: Gender | null;
  lang: "fr" | "en";
}

export interface PlanChanges {
  added: string[];
  kept: string[];
  /** Articles whose photos changed: their manual edits could not be carried over. */
  reset: string[];
  dropped: string[];
}

/**
 * Builds the plan from the catalog: rules and templates for every article, the seller's edits from the previous
 * plan carried over where the article's photos did not change (same fingerprint, under whatever id), `overrides` (--set,
 * --publish, --only, --exclude) applied as edits. Throws BAD_INPUT when an edit is invalid or a template fails.
 */
export function buildPlan(
  catalog: Catalog,
  rules: PlanRules,
  mapping: Mapping,
  templates: ListingTemplates,
  labels: LabelSet,
  previous: Plan | null,
  overrides: Map<string, Partial<Editable>>,
): { plan: Plan; changes: PlanChanges } {
  const changes: PlanChanges = { added: [], kept: [], reset: [], dropped: [] };
  const items: PlanItem[] = catalog.items.map((article) => {
    // The same photos first, whatever the id (a seller's regrouping renumbers the articles after it), then the id.
    const prev =
      previous?.items.find((p) => p.fingerprint === article.fingerprint) ??
      previous?.items.find((p) => p.cluster_id === article.id);
    const same = prev && prev.fingerprint === article.fingerprint;
    if (!prev) changes.added.push(article.id);
    else if (same) changes.kept.push(article.id);
    else changes.reset.push(article.id);
    const edits: Partial<Editable> = same ? editsOf(prev) : {};
    Object.assign(edits, overrides.get(article.id) ?? {});
    const base = {
      category: article.category,
      color: article.color,
      condition: rules.condition,
      brand: rules.brand,
      size: null,
      gender: rules.gender,
      price:
        (Object.hasOwn(rules.prices, article.category) ? rules.prices[article.category] : undefined) ??
        rules.defaultPrice,
      publish: false,
      excluded: false,
    } satisfies Omit<Editable, "title" | "description">;
    const inputs = { ...base, ...stripText(edits) };
    const label = labels.labels.find((l) => l.id === inputs.category);
    const categoryName =
      (rules.lang === "en" ? label?.name_en : label?.name) ??
      (inputs.category === "unknown" ? (rules.lang === "en" ? "Item" : "Article") : inputs.category);
    const cond = mapping.conditions[inputs.condition];
    const ctx = {
      id: article.id,
      category: categoryName,
      color: rules.lang === "en" ? (mapping.colors[inputs.color]?.en ?? inputs.color) : inputs.color,
      condition: rules.lang === "en" ? cond.en : cond.fr,
      condition_sentence: rules.lang === "en" ? cond.sentence_en : cond.sentence_fr,
      size: inputs.size,
      brand: inputs.brand === "Unknown" ? null : inputs.brand,
      price: inputs.price,
      gender: inputs.gender,
    };
    const notes: string[] = [];
    const title = capText(render(templates.title, ctx, join(templates.dir, "title.njk")), TITLE_MAX);
    if (title.cut) notes.push(`title cut to ${TITLE_MAX} characters on a word boundary`);
    const description = capText(
      render(templates.description, ctx, join(templates.dir, "description.njk")),
      DESCRIPTION_MAX,
    );
    if (description.cut) notes.push(`description cut to ${DESCRIPTION_MAX} characters on a word boundary`);
    const generated: Editable = { ...base, title: title.text, description: description.text };
    const final: Editable = {
      ...inputs,
      title: edits.title ?? title.text,
      description: edits.description ?? description.text,
    };
    const { vinted, needsReview } = mapToVinted(mapping, final);
    const item = {
      cluster_id: article.id,
      fingerprint: article.fingerprint,
      photos: article.photos,
      category_name: categoryName,
      ...final,
      vinted,
      needs_review: needsReview,
      notes,
      generated,
    };
    return parseWith(PlanItemSchema, item, `plan item ${article.id}`, "Fix the edit (plan.json or --set).");
  });
  for (const p of previous?.items ?? [])
    if (!catalog.items.some((a) => a.id === p.cluster_id)) changes.dropped.push(p.cluster_id);
  const plan: Plan = {
    schemaVersion: 1,
    ok: items.every((i) => i.excluded || i.needs_review.length === 0),
    created_at: new Date().toISOString(),
    catalog: "catalog.json",
    rules: {
      default_price: rules.defaultPrice,
      prices: rules.prices,
      condition: rules.condition,
      brand: rules.brand,
      gender: rules.gender,
      lang: rules.lang,
    },
    items,
  };
  return { plan, changes };
}

/** The seller's edits in a plan item: every field whose value differs from what vbulk generated. */
export function editsOf(item: PlanItem): Partial<Editable> {
  const edits: Partial<Editable> = {};
  for (const f of EDITABLE_FIELDS)
    if (JSON.stringify(item[f]) !== JSON.stringify(item.generated[f]))
      (edits as Record<string, unknown>)[f] = item[f];
  return edits;
}

function stripText(e: Partial<Editable>): Partial<Omit<Editable, "title" | "description">> {
  const { title: _t, description: _d, ...rest } = e;
  return rest;
}

/** Reads DIR/plan.json, or null when there is none. Throws BAD_INPUT naming the field of a bad edit. */
export async function readPlan(dir: string): Promise<Plan | null> {
  return readJsonFileIfAny(
    join(dir, PLAN_FILE),
    PlanSchema,
    "Fix that field by hand; plan.json was left as it is.",
  );
}

export async function writePlan(dir: string, plan: Plan): Promise<string> {
  const path = join(dir, PLAN_FILE);
  await writeJsonAtomic(path, PlanSchema.parse(plan));
  return path;
}

/**
 * Parses --set ID.FIELD=VALUE into typed edits. Throws BAD_USAGE naming the flag, field and expected type.
 */
export function parseSet(assignments: string[], ids: Set<string>): Map<string, Partial<Editable>> {
  const out = new Map<string, Partial<Editable>>();
  for (const a of assignments) {
    const m = /^(c\d+)\.([a-z_]+)=(.*)$/s.exec(a);
    if (!m) {
      throw new VbulkError(
        "BAD_USAGE",
        `Expected ID.FIELD=VALUE for --set but received ${JSON.stringify(a)}`,
        { hint: 'Example: --set c3.price=30 --set c3.title="Hoodie noir"' },
      );
    }
    const [, id, field, raw] = m as unknown as [string, string, string, string];
    if (!ids.has(id))
      throw new VbulkError(
        "BAD_USAGE",
        `Expected an article id of the catalog for --set but received "${id}"`,
        { hint: `Articles: ${[...ids].slice(0, 12).join(", ")}${ids.size > 12 ? ", …" : ""}` },
      );
    if (!(EDITABLE_FIELDS as string[]).includes(field))
      throw new VbulkError(
        "BAD_USAGE",
        `Expected one of ${EDITABLE_FIELDS.join(", ")} for the field of --set ${a} but received "${field}"`,
      );
    const schema = EditableSchema.shape[field as keyof Editable];
    let value: unknown = raw.replace(/^"(.*)"$/s, "$1");
    // A plain amount: digits with at most two decimals (dot or French comma). Number() alone took 1e-9 and 0x1F.
    if (field === "price")
      value = /^\d{1,6}(?:[.,]\d{1,2})?$/.test(raw) ? Number(raw.replace(",", ".")) : Number.NaN;
    // A type id is a plain word; names of JavaScript built-ins (constructor, __proto__) reached price lookups.
    if (field === "category" && (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(raw) || raw in Object.prototype))
      value = "";
    if (field === "publish" || field === "excluded")
      value = raw === "true" ? true : raw === "false" ? false : raw;
    if ((field === "size" || field === "gender") && (raw === "" || raw === "null")) value = null;
    const r = schema.safeParse(value);
    if (!r.success)
      throw new VbulkError(
        "BAD_USAGE",
        `Expected ${describeField(field)} for --set ${id}.${field} but received ${JSON.stringify(raw)}`,
        { hint: "Nothing was written." },
      );
    out.set(id, { ...out.get(id), [field]: r.data });
  }
  return out;
}

function describeField(field: string): string {
  switch (field) {
    case "price":
      return "an amount in euros (a positive number with at most two decimals, e.g. 12 or 12.50)";
    case "category":
      return "a garment type id of the label set (lower-case letters, digits and dashes, e.g. hoodie)";
    case "size":
      return "a size of 1 to 20 characters (e.g. M, 38, W30)";
    case "publish":
    case "excluded":
      return "true or false";
    case "condition":
      return `one of ${CONDITIONS.join(", ")}`;
    case "gender":
      return `one of ${GENDERS.join(", ")} (or null)`;
    case "color":
      return `one of ${COLOR_NAMES.join(", ")}`;
    case "title":
      return `a text of 1 to ${TITLE_MAX} characters`;
    case "description":
      return `a text of 1 to ${DESCRIPTION_MAX} characters`;
    default:
      return "a non-empty text";
  }
}
