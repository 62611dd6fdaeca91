/**
 * What the spec's default description template says that is only an example: a city of dispatch and a studio's
 * hashtag (templates/fr/description.njk, templates/en/description.njk). Buyers read them as the seller's; `vbulk
 * plan`, the publish list of `vbulk execute` and the review page say so for the articles marked to publish. Bundled into
 * the browser: imports nothing.
 */
export const SPEC_EXAMPLE_TEXT: readonly string[] = ["depuis Grenoble", "#VintedBotStudio"];

/** The pieces of example text these descriptions hold, in SPEC_EXAMPLE_TEXT's order: a note quotes these only (an
 *  English description holds the hashtag, not the French city). */
export function exampleTextIn(descriptions: readonly string[]): string[] {
  return SPEC_EXAMPLE_TEXT.filter((t) => descriptions.some((d) => d.includes(t)));
}

/** Whether a description still carries the built-in template's example text. */
export function carriesExampleText(description: string): boolean {
  return SPEC_EXAMPLE_TEXT.some((t) => description.includes(t));
}
