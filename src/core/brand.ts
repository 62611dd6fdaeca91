/**
 * "Unknown" is vbulk's brand for none (DEFAULTS.plan.brand): Vinted drafts an article without a brand but refuses
 * to publish one (idx:57354761583, idx:55162460674; src/vinted/execute.ts publishProblems). One rule for the CLI,
 * execute and the review page (bundled into the browser): this module imports nothing.
 */
export const UNKNOWN_BRAND = "Unknown";

/** Whether the article has a brand Vinted can publish it with: « unknown » in any case is none, as « Unknown » (a
 *  seller's `--set c1.brand=unknown` went to buyers as a brand). */
export function hasBrand(brand: string): boolean {
  const b = brand.trim();
  return b !== "" && b.toLowerCase() !== UNKNOWN_BRAND.toLowerCase();
}
