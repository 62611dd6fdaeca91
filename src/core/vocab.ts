import { z } from "zod";

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
/** Other ways sellers name a language: « FR », French, français, anglais. */
export const LANGUAGE_WORDS: Readonly<Record<Language, readonly string[]>> = {
  fr: ["french", "francais"],
  en: ["english", "anglais"],
};

/** Vinted's item conditions, in the order the upload form lists them. */
export const CONDITIONS = [
  "neuf-avec-etiquette",
  "neuf-sans-etiquette",
  "tres-bon",
  "bon",
  "satisfaisant",
] as const;
export type Condition = (typeof CONDITIONS)[number];

/**
 * What a seller types for a word of a vocabulary, folded so that the ways of writing one word meet: lower case,
 * accents dropped, apostrophes dropped, spaces, underscores and dashes as one dash ("Très bon état" →
 * "tres-bon-etat", "Women's" → "womens").
 */
export function foldWord(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .trim()
    .replace(/[\s_-]+/g, "-");
}

/**
 * Other ways sellers write a condition: with "état", in English as Vinted's English sites name them ("New with
 * tags", "Very good", "Good", "Satisfactory"; ../shared/vinted.md, condition ids), and the resellers' NWT / NWOT.
 * Files and flags store the French id; these are only read.
 */
export const CONDITION_WORDS: Readonly<Record<Condition, readonly string[]>> = {
  "neuf-avec-etiquette": ["neuf-avec-etiquettes", "new-with-tags", "new-with-tag", "nwt"],
  "neuf-sans-etiquette": ["neuf-sans-etiquettes", "new-without-tags", "new-without-tag", "nwot"],
  "tres-bon": ["tres-bon-etat", "very-good", "very-good-condition"],
  bon: ["bon-etat", "good", "good-condition"],
  satisfaisant: ["etat-satisfaisant", "satisfactory", "satisfactory-condition"],
};

/** The English words a condition is given in (CONDITION_WORDS), for messages: "good" for bon. */
export const CONDITION_IN_ENGLISH: Readonly<Record<Condition, string>> = {
  "neuf-avec-etiquette": "new-with-tags",
  "neuf-sans-etiquette": "new-without-tags",
  "tres-bon": "very-good",
  bon: "good",
  satisfaisant: "satisfactory",
};

/** A garment type id of a label set ("hoodie", "t-shirt", "puffer jacket"): label files, --set and price rules. */
export const CATEGORY_ID = /^[a-z0-9][a-z0-9 -]*$/;

/** Vinted departments (the first step of its category path). */
export const DEPARTMENTS = ["femme", "homme"] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** Other ways sellers write a department: plural, in English (Vinted's English sites say Women and Men). */
export const DEPARTMENT_WORDS: Readonly<Record<Department, readonly string[]>> = {
  femme: ["femmes", "women", "woman", "womens", "female"],
  homme: ["hommes", "men", "man", "mens", "male"],
};

/**
 * The word of `values` a seller's text means: the word itself however written (case, accents, spaces), or else one
 * of its other spellings in `words` (folded as foldWord folds); undefined when it means none.
 */
export function wordOf<T extends string>(
  text: string,
  values: readonly T[],
  words: Readonly<Partial<Record<T, readonly string[]>>> = {} as Partial<Record<T, readonly string[]>>,
): T | undefined {
  const folded = foldWord(text);
  // A word itself before another's other spelling: "cardigan" is the label cardigan, not gilet (in English, Cardigan).
  return values.find((v) => foldWord(v) === folded) ?? values.find((v) => (words[v] ?? []).includes(folded));
}

/**
 * A zod enum of `values` that also takes the other spellings a seller may type (wordOf) and gives the word itself:
 * flags, --set, config and rules files and plan.json read "good", "Très bon état" or "women" as bon, tres-bon
 * and femme, and write those.
 */
export function vocabulary<T extends string>(
  values: readonly [T, ...T[]],
  words: Readonly<Partial<Record<T, readonly string[]>>> = {} as Partial<Record<T, readonly string[]>>,
  message?: string,
) {
  return z.preprocess(
    (v) => (typeof v === "string" ? (wordOf(v, values, words) ?? v) : v),
    z.enum(values, message ? { message } : undefined),
  );
}

/** An article's id: "c" and a number, given once and kept across re-ingests (src/ingest/ids.ts). */
export const ARTICLE_ID = /^c[1-9]\d*$/;
export function articleId(n: number): string {
  return `c${n}`;
}
/** The number in an article id, or null when the text is not one. */
export function articleNumber(id: string): number | null {
  return ARTICLE_ID.test(id) ? Number(id.slice(1)) : null;
}
