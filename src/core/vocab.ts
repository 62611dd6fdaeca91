/**
 * The words vbulk's files and flags share, spelled once: config, catalog, plan, flags and the Vinted mapping all
 * take them from here, so a new value cannot be accepted by one and refused by another.
 */

/** How photos are grouped into articles (--grouping, config grouping.method, catalog grouping.method). */
export const GROUPING_METHODS = ["auto", "sequence", "dbscan", "agglomerative"] as const;
export type GroupingMethod = (typeof GROUPING_METHODS)[number];
/** The methods a finished grouping records (auto resolves to one of them). */
export const APPLIED_GROUPING_METHODS = ["sequence", "dbscan", "agglomerative"] as const;

/** Languages of titles and descriptions (templates/<lang>/). */
export const LANGUAGES = ["fr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Vinted's item conditions, in the order the upload form lists them. */
export const CONDITIONS = [
  "neuf-avec-etiquette",
  "neuf-sans-etiquette",
  "tres-bon",
  "bon",
  "satisfaisant",
] as const;
export type Condition = (typeof CONDITIONS)[number];

/** A garment type id of a label set ("hoodie", "t-shirt", "puffer jacket"): label files, --set and price rules. */
export const CATEGORY_ID = /^[a-z0-9][a-z0-9 -]*$/;

/** Vinted departments (the first step of its category path). */
export const DEPARTMENTS = ["femme", "homme"] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** An article's id: "c" and a number, given once and kept across re-ingests (src/ingest/ids.ts). */
export const ARTICLE_ID = /^c[1-9]\d*$/;
export function articleId(n: number): string {
  return `c${n}`;
}
/** The number in an article id, or null when the text is not one. */
export function articleNumber(id: string): number | null {
  return ARTICLE_ID.test(id) ? Number(id.slice(1)) : null;
}
