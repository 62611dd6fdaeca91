import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ColorName } from "../src/imaging/color.js";
import { agreeColor } from "../src/listing/french.js";
import { loadLabelSet } from "../src/model/clip.js";
import { DEFAULT_LABELS } from "../src/model/select.js";

describe("French colour adjectives agree with the garment's noun", async () => {
  const labels = await loadLabelSet(DEFAULT_LABELS);
  const noun = (id: string) => {
    const l = labels.labels.find((x) => x.id === id);
    assert.ok(l?.fr, `label ${id} has its French gender and number`);
    return { name: l.name, ...l.fr };
  };
  const table: [string, ColorName, string][] = [
    ["chemise", "blanc", "Chemise blanche"],
    ["sneakers", "noir", "Baskets noires"],
    ["jeans", "bleu", "Jean bleu"],
    ["veste", "gris", "Veste grise"],
    ["robe", "vert", "Robe verte"],
    ["jupe", "bleu", "Jupe bleue"],
    ["pull", "gris", "Pull gris"],
    ["chaussures", "gris", "Chaussures grises"],
    ["bottes", "marron", "Bottes marron"],
    ["sandales", "orange", "Sandales orange"],
    ["escarpins", "rouge", "Escarpins rouges"],
    ["escarpins", "blanc", "Escarpins blancs"],
    ["robe", "violet", "Robe violette"],
    ["manteau", "violet", "Manteau violet"],
    ["casquette", "beige", "Casquette beige"],
    ["sandales", "beige", "Sandales beiges"],
    ["puffer jacket", "noir", "Doudoune noire"],
    ["hoodie", "jaune", "Hoodie jaune"],
  ];
  for (const [id, color, want] of table)
    it(want, () => {
      const n = noun(id);
      assert.equal(`${n.name} ${agreeColor(color, n)}`, want);
    });
  it("every label of the default set has its French gender and number", () => {
    for (const l of labels.labels) assert.ok(l.fr, l.id);
  });
});
