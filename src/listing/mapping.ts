import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { DEFAULTS } from "../core/defaults.js";
import { PACKAGE_ROOT } from "../core/paths.js";
import { nearest, printable } from "../core/text.js";
import { COLOR_NAMES, type ColorName, SHADE_NAMES, type ShadeName } from "../imaging/color.js";
import type { LabelSet } from "../model/clip.js";
import { readJsonFile, strictKeys } from "../store/read.js";
import { configDir } from "../vinted/session.js";

export const SYNCED_MAPPING = "vinted-mapping.json";

export const DEFAULT_MAPPING = join(PACKAGE_ROOT, "models", "vinted-fr.json");

import { CONDITIONS, type Condition, type Department as Gender } from "../core/vocab.js";

export {
  CONDITIONS,
  type Condition,
  DEPARTMENTS as GENDERS,
  type Department as Gender,
} from "../core/vocab.js";

const CatalogEntry = strictKeys({
  id: z.number().int().positive().nullable(),
  path: z.array(z.string()).min(1),
  note: z.string().optional(),
  /**
   * The path is a parent category on Vinted, on purpose: no single leaf fits every article of this type
   * (chaussures: baskets, bottes, …). Sync cannot fill it; plan asks for a more specific type instead.
   */
  parent: z.boolean().optional(),
  /** Set by `vbulk vinted sync` when the live catalogue no longer has this leaf. */
  problem: z.string().optional(),
});

const NotOnVinted = z
  .string()
  .min(1, "expected why Vinted has no such category (and the source that shows it)");

/**
 * What the upload form needs, kept as data (models/vinted-fr.json) because Vinted changes it. No field beyond its
 * own (strictKeys): a typo (`need_size`) was dropped without a word, and the shipped value used instead. What
 * `vbulk vinted sync` writes is this schema's own output, so its copies load.
 */
export const MappingSchema = strictKeys({
  schemaVersion: z.literal(1),
  site: z.string(),
  note: z.string().optional(),
  conditions: z.record(
    z.enum(CONDITIONS),
    strictKeys({
      status_id: z.number().int(),
      fr: z.string(),
      en: z.string(),
      sentence_fr: z.string(),
      sentence_en: z.string(),
    }),
  ),
  colors: z.record(z.enum(COLOR_NAMES), strictKeys({ id: z.number().int(), en: z.string() })),
  colors_note: z.string().optional(),
  /** Vinted's finer colours (navy, khaki, …), used when the catalog is sure of one. */
  shades: z
    .record(z.enum(SHADE_NAMES), strictKeys({ id: z.number().int(), fr: z.string(), en: z.string() }))
    .optional(),
  multicolour_id: z.number().int().optional(),
  more_colors_note: z.string().optional(),
  /** The rest of Vinted's colours (Fuchsia 5, Lila 25, …), which no colour or shade names: a seller may choose them
   *  in color_ids. Optional: a mapping written before it still loads (and then cannot tell an id from a typo). */
  more_colors: z
    .record(z.string(), strictKeys({ id: z.number().int(), fr: z.string(), en: z.string() }))
    .optional(),
  categories: z.record(
    z.string(),
    strictKeys({
      package_size_id: z.number().int().min(1),
      needs_size: z.boolean(),
      /** A LEAF catalog_id per gender (null: none recorded yet); the path is for display only. */
      catalog: strictKeys({ femme: CatalogEntry.optional(), homme: CatalogEntry.optional() }),
      /**
       * A department where Vinted has no category for this type at all (a men's dress), with why and its source.
       * Without it, a department missing from catalog read "add categories.robe.catalog.homme": a seller was sent
       * to look for a men's dress leaf that does not exist. Optional: a mapping written before it still loads.
       */
      not_on_vinted: strictKeys({ femme: NotOnVinted.optional(), homme: NotOnVinted.optional() }).optional(),
    }).superRefine((c, ctx) => {
      for (const g of ["femme", "homme"] as const)
        if (c.catalog[g] && c.not_on_vinted?.[g] !== undefined)
          ctx.addIssue({
            code: "custom",
            path: ["not_on_vinted", g],
            message: `expected either catalog.${g} (a Vinted category) or not_on_vinted.${g} (none on Vinted), received both: remove the one that is wrong`,
          });
    }),
  ),
});
export type Mapping = z.infer<typeof MappingSchema>;

/**
 * Every Vinted colour id the mapping knows, with its name (colours, shades, multicolour and the others), in id order;
 * null for a mapping without `more_colors` (older, or the seller's own), which cannot tell a colour from a typo.
 */
export function vintedColorIds(mapping: Mapping): Map<number, string> | null {
  if (!mapping.more_colors) return null;
  const all: [number, string][] = [
    ...Object.entries(mapping.colors).map(([name, c]): [number, string] => [c.id, name]),
    ...Object.entries(mapping.shades ?? {}).map(([name, c]): [number, string] => [c.id, name]),
    ...(mapping.multicolour_id !== undefined
      ? [[mapping.multicolour_id, "multicolore"] as [number, string]]
      : []),
    ...Object.entries(mapping.more_colors).map(([name, c]): [number, string] => [c.id, name]),
  ];
  return new Map(all.sort((a, b) => a[0] - b[0]));
}

/** Where `vbulk vinted sync` writes the refreshed mapping; plan prefers it to the shipped one when it exists. */
export function syncedMappingPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), SYNCED_MAPPING);
}

/**
 * Reads a mapping file: `path`, else the one `vbulk vinted sync` refreshed, else the shipped one. Throws NOT_FOUND /
 * BAD_INPUT naming the field.
 */
export async function loadMapping(path?: string): Promise<Mapping> {
  const given = path !== undefined;
  path ??= existsSync(syncedMappingPath()) ? syncedMappingPath() : DEFAULT_MAPPING;
  const read = (file: string) =>
    readJsonFile(
      file,
      MappingSchema,
      // The flag only for the file the seller named (or plan.json kept): the others are vbulk's own.
      given && file === path ? "Vinted mapping file (--mapping / VBULK_MAPPING)" : "Vinted mapping file",
      `Start from ${DEFAULT_MAPPING}.`,
      undefined,
      DEFAULTS.files.maxSettingsBytes,
    );
  let m = await read(path);
  if (resolve(path) === resolve(syncedMappingPath())) m = completeMapping(m, await read(DEFAULT_MAPPING));
  mappingFiles.set(m, path);
  return m;
}

/**
 * The copy `vbulk vinted sync` wrote, completed with what the shipped mapping has and it lacks: a category, or a
 * department of one (its catalogue entry or its not_on_vinted), added to vbulk since that sync. Before, a seller
 * who had synced once kept the older copy for good: plan reads it first and sync starts from it, so the types
 * added later (pull, bottes, …) stayed "no Vinted catalogue mapping" for exactly the sellers who used sync. What
 * the copy has (a leaf sync found, an id set by hand) is kept as it is.
 */
export function completeMapping(synced: Mapping, shipped: Mapping): Mapping {
  const categories = { ...synced.categories };
  for (const [id, ship] of Object.entries(shipped.categories)) {
    const own = Object.hasOwn(categories, id) ? categories[id] : undefined;
    if (!own) {
      categories[id] = structuredClone(ship);
      continue;
    }
    let done = own;
    for (const g of ["femme", "homme"] as const) {
      if (done.catalog[g] || done.not_on_vinted?.[g] !== undefined) continue;
      const entry = ship.catalog[g];
      const none = ship.not_on_vinted?.[g];
      if (entry) done = { ...done, catalog: { ...done.catalog, [g]: structuredClone(entry) } };
      else if (none !== undefined) done = { ...done, not_on_vinted: { ...done.not_on_vinted, [g]: none } };
    }
    categories[id] = done;
  }
  return { ...synced, categories };
}

/**
 * The categories of a mapping that name no label of the label set in use and no category of the shipped mapping:
 * a typo ("hoody"), which no article can have, in words with the label it most likely meant; null when there is
 * none. Said, not refused: a seller's older copy keeps categories of labels since renamed or taken out of their
 * label set, and refusing it would stop every plan for a key that harms nothing. The shipped categories are never
 * named: a copy of the shipped file with a smaller label set of the seller's own is no mistake.
 */
export function strayCategories(m: Mapping, labelIds: readonly string[], shipped: Mapping): string | null {
  const labels = new Set(labelIds);
  const stray = Object.keys(m.categories).filter(
    (k) => !labels.has(k) && !Object.hasOwn(shipped.categories, k),
  );
  if (!stray.length) return null;
  const named = stray.slice(0, 8).map((k) => {
    const near = nearest(k, labelIds);
    return `categories.${printable(k)} names no label of the label set${near ? ` (did you mean "${near}"?)` : ""}`;
  });
  const file = mappingFiles.get(m);
  const one = stray.length === 1;
  return `${file ? `${printable(file)}: ` : ""}${named.join("; ")}${stray.length > 8 ? `; … (${stray.length} in all)` : ""}: no article gets ${one ? "that category" : "those categories"}. Rename ${one ? "it" : "each"} to a label's id, or take ${one ? "it" : "them"} out.`;
}

/** The file each loaded mapping was read from: the advice to set a leaf id names the file the plan reads. */
const mappingFiles = new WeakMap<Mapping, string>();

export interface VintedFields {
  status_id: number | null;
  color_ids: number[];
  catalog_path: string[] | null;
  /** The leaf catalog_id the draft is filed under. */
  catalog_id: number | null;
  package_size_id: number | null;
}

/**
 * Maps a listing to the upload form's fields. Never guesses: what cannot be mapped is left null and the reason
 * goes to needs_review (the item stays in the plan, marked).
 */
export function mapToVinted(
  m: Mapping,
  item: {
    category: string;
    color: string;
    color2?: string | null;
    shade?: ShadeName | null;
    condition: Condition;
    gender: Gender | null;
    size: string | null;
  },
): { vinted: VintedFields; needsReview: string[] } {
  const reasons: string[] = [];
  const cat = Object.hasOwn(m.categories, item.category) ? m.categories[item.category] : undefined;
  const colour = Object.hasOwn(m.colors, item.color) ? m.colors[item.color as ColorName] : undefined;
  if (!colour) reasons.push(`colour "${item.color}" has no Vinted colour id`);
  if (!cat)
    reasons.push(
      item.category === "unknown"
        ? "category unknown: set it (no CLIP model ran)"
        : `category "${item.category}" has no Vinted catalogue mapping: ${newEntryHelp(m, `a "${item.category}" entry to categories`)}, or give the article a category the mapping has`,
    );
  let path: string[] | null = null;
  let id: number | null = null;
  if (cat) {
    if (!item.gender) reasons.push("department unknown: set --gender femme|homme or the item's gender");
    else {
      const entry = cat.catalog[item.gender];
      path = entry?.path ?? null;
      id = entry?.id ?? null;
      if (!entry && cat.not_on_vinted?.[item.gender] !== undefined)
        reasons.push(notOnVinted(item.category, item.gender));
      else if (!entry)
        reasons.push(
          `no ${item.gender} catalogue for "${item.category}": ${newEntryHelp(m, `categories.${item.category}.catalog.${item.gender} (a path and a leaf id)`)}, or set the article's department (gender) if it is wrong`,
        );
      else if (entry.problem) reasons.push(entry.problem);
      else if (id === null && entry.parent)
        reasons.push(tooGeneral(m, item.category, item.gender, entry.path));
      else if (id === null)
        reasons.push(
          `no Vinted leaf id known for ${item.gender} "${item.category}" (${entry.path.join(" > ")}${entry.note ? `: ${entry.note}` : ""}): run \`vbulk vinted sync\`; if it stays, set ${mappingKey(item.category, item.gender)} in ${userMappingHelp(m)}`,
        );
    }
    if (cat.needs_size && !item.size) reasons.push("size missing: Vinted requires one for this category");
  }
  const shade = item.shade && m.shades ? m.shades[item.shade] : undefined;
  const second =
    item.color2 && item.color2 !== item.color && Object.hasOwn(m.colors, item.color2)
      ? m.colors[item.color2 as ColorName]
      : undefined;
  const colorIds = [shade?.id ?? colour?.id, second?.id].filter((x): x is number => typeof x === "number");
  return {
    vinted: {
      status_id: m.conditions[item.condition]?.status_id ?? null,
      color_ids: colorIds,
      catalog_path: path,
      catalog_id: id,
      package_size_id: cat?.package_size_id ?? null,
    },
    needsReview: reasons,
  };
}

/** The JSON key of a category's leaf id for a department, as a seller types it in the mapping file. */
export function mappingKey(category: string, gender: Gender): string {
  return `categories.${category}.catalog.${gender}.id`;
}

/**
 * The file a seller edits to give a leaf id by hand, and how to get it when it does not exist yet. A plan that
 * reads the seller's own mapping (--mapping FILE, kept in plan.json) names that file: `vbulk vinted sync` writes
 * the config folder's copy, which such a plan does not read.
 */
function userMappingHelp(m: Mapping): string {
  const file = mappingFiles.get(m);
  if (file && file !== DEFAULT_MAPPING && resolve(file) !== resolve(syncedMappingPath()))
    return `${file} (the mapping this plan reads, --mapping; \`vbulk vinted sync\` refreshes ${syncedMappingPath()}, read with --mapping default)`;
  return `${syncedMappingPath()} (plan reads it first; if it does not exist, copy ${DEFAULT_MAPPING} there)`;
}

/**
 * Where a seller adds what the mapping lacks (a category, a department of one): the seller's own mapping when the
 * plan reads one (--mapping FILE), else a copy passed with --mapping (README "The label set"). The needs_review
 * reason said only "has no Vinted catalogue mapping", not what to do about it.
 */
function newEntryHelp(m: Mapping, what: string): string {
  const file = mappingFiles.get(m) ?? DEFAULT_MAPPING;
  if (file !== DEFAULT_MAPPING && resolve(file) !== resolve(syncedMappingPath()))
    return `add ${what} in ${file} (the mapping this plan reads, --mapping)`;
  return `add ${what} in a copy of ${file} and pass it with --mapping FILE (kept by later runs)`;
}

const DEPARTMENT_OWNER: Record<Gender, string> = { femme: "women's", homme: "men's" };

/**
 * The needs_review reason of a type Vinted has no category for in that department (not_on_vinted): no mapping
 * file can fix it, so it names what can: the department (when the model took a women's article for a men's one),
 * or the type.
 */
function notOnVinted(category: string, gender: Gender): string {
  const other: Gender = gender === "femme" ? "homme" : "femme";
  return `Vinted has no ${DEPARTMENT_OWNER[gender]} category for "${category}": set this article's department to ${other}, or give it another type`;
}

/**
 * The needs_review reason of a type mapped to a parent on purpose: `vbulk vinted sync` can never fill it (a loop
 * for the seller), so it names the more specific types the mapping places under that parent, and the exact key
 * to set by hand.
 */
function tooGeneral(m: Mapping, category: string, gender: Gender, path: string[]): string {
  const under = (p: string[]) => p.length > path.length && path.every((part, i) => p[i] === part);
  const specific = Object.entries(m.categories).flatMap(([id, c]) => {
    const e = c.catalog[gender];
    return e && e.id !== null && !e.problem && under(e.path) ? [`${id} (${e.path.at(-1)})`] : [];
  });
  return `type "${category}" is too general for Vinted (${path.join(" > ")}): ${
    specific.length ? `choose a more specific type: ${specific.join(", ")}; or ` : ""
  }set the leaf id of your choice as ${mappingKey(category, gender)} in ${userMappingHelp(m)}`;
}

/**
 * A user's label file written before labels carried grammar and catalogue leaves: each of its labels that has the
 * id of a default label takes the fields it lacks from it, so an older file keeps working (and its own values win).
 */
export function completeLabels(user: LabelSet, defaults: LabelSet): LabelSet {
  return {
    ...user,
    departments: user.departments ?? defaults.departments,
    labels: user.labels.map((l) => {
      const d = defaults.labels.find((x) => x.id === l.id);
      return d ? { ...d, ...l, prompts: l.prompts } : l;
    }),
  };
}
