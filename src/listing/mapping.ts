import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { COLOR_NAMES } from "../imaging/color.js";
import { readJsonFile } from "../store/read.js";

export const DEFAULT_MAPPING = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../models/vinted-fr.json",
);
export const CONDITIONS = [
  "neuf-avec-etiquette",
  "neuf-sans-etiquette",
  "tres-bon",
  "bon",
  "satisfaisant",
] as const;
export type Condition = (typeof CONDITIONS)[number];
export const GENDERS = ["femme", "homme"] as const;
export type Gender = (typeof GENDERS)[number];

/** What the upload form needs, kept as data (models/vinted-fr.json) because Vinted changes it. */
export const MappingSchema = z.object({
  schemaVersion: z.literal(1),
  site: z.string(),
  note: z.string().optional(),
  conditions: z.record(
    z.enum(CONDITIONS),
    z.object({
      status_id: z.number().int(),
      fr: z.string(),
      en: z.string(),
      sentence_fr: z.string(),
      sentence_en: z.string(),
    }),
  ),
  colors: z.record(z.enum(COLOR_NAMES), z.object({ id: z.number().int(), en: z.string() })),
  categories: z.record(
    z.string(),
    z.object({
      package_size_id: z.number().int().min(1).max(3),
      needs_size: z.boolean(),
      paths: z.object({
        femme: z.array(z.string()).min(1).optional(),
        homme: z.array(z.string()).min(1).optional(),
      }),
    }),
  ),
});
export type Mapping = z.infer<typeof MappingSchema>;

/** Reads a mapping file. Throws NOT_FOUND / BAD_INPUT naming the field. */
export async function loadMapping(path = DEFAULT_MAPPING): Promise<Mapping> {
  return readJsonFile(path, MappingSchema, "Vinted mapping file", `Start from ${DEFAULT_MAPPING}.`);
}

export interface VintedFields {
  status_id: number | null;
  color_ids: number[];
  catalog_path: string[] | null;
  package_size_id: number | null;
}

/**
 * Maps a listing to the upload form's fields. Never guesses: what cannot be mapped is left null and the reason
 * goes to needs_review (the item stays in the plan, marked).
 */
export function mapToVinted(
  m: Mapping,
  item: { category: string; color: string; condition: Condition; gender: Gender | null; size: string | null },
): { vinted: VintedFields; needsReview: string[] } {
  const reasons: string[] = [];
  const cat = m.categories[item.category];
  const colour = m.colors[item.color as keyof Mapping["colors"]];
  if (!colour) reasons.push(`colour "${item.color}" has no Vinted colour id`);
  if (!cat)
    reasons.push(
      item.category === "unknown"
        ? "category unknown: set it (no CLIP model ran)"
        : `category "${item.category}" has no Vinted catalogue mapping`,
    );
  let path: string[] | null = null;
  if (cat) {
    if (!item.gender) reasons.push("department unknown: set --gender femme|homme or the item's gender");
    else {
      path = cat.paths[item.gender] ?? null;
      if (!path) reasons.push(`no ${item.gender} catalogue path for "${item.category}"`);
    }
    if (cat.needs_size && !item.size) reasons.push("size missing: Vinted requires one for this category");
  }
  return {
    vinted: {
      status_id: m.conditions[item.condition]?.status_id ?? null,
      color_ids: colour ? [colour.id] : [],
      catalog_path: path,
      package_size_id: cat?.package_size_id ?? null,
    },
    needsReview: reasons,
  };
}
