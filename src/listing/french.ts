import type { ColorName } from "../imaging/color.js";

/** Feminine singular of each colour adjective; "marron" and "orange" are invariable (they are nouns used as colours). */
const FEMININE: Record<ColorName, string> = {
  noir: "noire",
  blanc: "blanche",
  gris: "grise",
  bleu: "bleue",
  rouge: "rouge",
  vert: "verte",
  jaune: "jaune",
  beige: "beige",
  marron: "marron",
  rose: "rose",
  violet: "violette",
  orange: "orange",
};
const INVARIABLE = new Set<ColorName>(["marron", "orange"]);

/**
 * The colour adjective agreeing with its noun: "Chemise blanche", "Baskets noires", "Jean bleu", "Pull gris"
 * (a masculine -s stays as it is in the plural), "Bottes marron" (invariable).
 */
export function agreeColor(color: ColorName, noun: { gender: "m" | "f"; plural: boolean }): string {
  if (INVARIABLE.has(color)) return color;
  const singular = noun.gender === "f" ? FEMININE[color] : color;
  if (!noun.plural || singular.endsWith("s")) return singular;
  return `${singular}s`;
}

/**
 * A condition's words agreeing with the garment's noun: « neuf » is an adjective (« Robe neuve avec étiquette »,
 * « Baskets neuves », « Escarpins neufs »); « bon état », « très bon état » and the others are nouns and stay as
 * they are. The capital of « Neuf » at a sentence's start is kept.
 */
export function agreeCondition(text: string, noun: { gender: "m" | "f"; plural: boolean }): string {
  const ending = `${noun.gender === "f" ? "euve" : "euf"}${noun.plural ? "s" : ""}`;
  return text.replace(/\b([Nn])euf\b/g, (_, n: string) => `${n}${ending}`);
}

/** Lower-cases the first letter of a name for use inside a sentence, unless it looks like an acronym or a letter
 *  that is part of the word (« T-shirt », "X-ray"). */
export function lowerFirst(s: string): string {
  return /^[A-Z][A-Z-]/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1);
}
