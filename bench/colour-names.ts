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
