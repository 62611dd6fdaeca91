import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { readJsonFile } from "../store/read.js";

export const DEFAULT_SELECTORS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../models/vinted-selectors.json",
);

const s = z.string().min(1);
export const SelectorsSchema = z.object({
  schemaVersion: z.literal(1),
  note: z.string().optional(),
  paths: z.object({ login: s, newItem: s, editDraft: s, home: s }),
  session: z.object({ loggedIn: s }),
  challenge: z.array(s).min(1),
  form: z.object({
    photos: s,
    photoThumb: s,
    title: s,
    description: s,
    categoryOpen: s,
    categorySearch: s,
    categoryOption: s,
    brandOpen: s,
    brandSearch: s,
    brandOption: s,
    noBrandId: z.number().int(),
    sizeOpen: s,
    sizeOption: s,
    conditionOpen: s,
    conditionOption: s,
    colorOpen: s,
    colorOption: s,
    packageSize: s,
    price: s,
    saveDraft: s,
    publish: s,
    error: s,
  }),
  api: z.object({ drafts: s, item: s }),
});
export type Selectors = z.infer<typeof SelectorsSchema>;

/** Reads the selectors data file (a user can fix it when Vinted changes its page). Throws BAD_INPUT naming the field. */
export async function loadSelectors(path = DEFAULT_SELECTORS): Promise<Selectors> {
  return readJsonFile(path, SelectorsSchema, "selectors file", `Start from ${DEFAULT_SELECTORS}.`);
}

/** Fills {placeholders} of a selector or path. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));
}
