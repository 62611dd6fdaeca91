import { COLOR_NAMES } from "../src/imaging/color.js";
import { loadMapping } from "../src/listing/mapping.js";

/**
 * vbulk's colour names (French, as Vinted shows them) → the English words the labelled sets use (items.csv),
 * in vbulk's order: the English names of the shipped mapping (models/vinted-fr.json), the words English
 * listings show.
 */
const mapping = await loadMapping();
export const FR_TO_EN: Readonly<Record<string, string>> = Object.fromEntries(
  COLOR_NAMES.map((name) => [name, mapping.colors[name]?.en ?? name]),
);

/**
 * The other colour a labelled garment's own record names, when it disputes the label (an items.csv row), else
 * null: the merchant's finer colour name is another of the 12 (hm-colour-dev's colour_group_name "Black" on a
 * garment labelled grey; "Khaki" counts as green), or the set's notes say the garment looks otherwise
 * (madison-multiview: "looks black"; "looks" when the notes name no colour of the 12). The labels are not
 * changed: this only says how many misnamed garments are ones whose label its own record disputes.
 */
export function disputedBy(row: Readonly<Record<string, string | undefined>>): string | null {
  const want = row["vbulk_color"];
  const colours = Object.values(FR_TO_EN);
  const group = row["colour_group_name"];
  if (group) {
    const last = group.toLowerCase().split(" ").at(-1)!;
    const other = last === "khaki" ? "green" : last;
    return colours.includes(other) && other !== want ? other : null;
  }
  const looks = [...(row["notes"] ?? "").matchAll(/looks ([^;]*)/g)].map((m) => m[1]!);
  if (looks.length === 0) return null;
  const named = looks.flatMap((l) => l.split(/[^a-z]+/)).find((w) => colours.includes(w));
  return named === want ? null : (named ?? "looks");
}
