import assert from "node:assert/strict";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { savePlan } from "../src/review/actions.js";
import { folderChangesOf } from "../src/review/changes.js";
import { startReviewServer, typeChoices } from "../src/review/server.js";
import { catalogFixture } from "./helpers/catalog.js";
import { tempDir } from "./helpers/run.js";

// The page shows what a terminal's `vbulk plan --set` wrote by comparing /api/status's plan version with the one
// /api/state gave with the plan it shows. Before, /api/state read plan.json and only then took its version: a write
// between the two gave the old plan with the new version, and the page never reloaded (a review e2e test waited 15 s
// for a terminal's price, once in five full runs).
describe("the review server's plan version (/api/state)", () => {
  it("is never newer than the plan it comes with, while a terminal writes plan.json", async () => {
    const dir = await catalogFixture([{ category: "hoodie", color: "noir", photos: ["IMG_0001.jpg"] }]);
    await savePlan(dir, [{ id: "c1", field: "price", value: "1" }]);
    const review = await startReviewServer({ dir, source: dir, token: "t", port: 0 });
    try {
      /** plan.json's version after each write (time and size, as the server takes it) → the price it holds. */
      const written = new Map<string, number>();
      const version = async () => {
        const s = await stat(join(dir, "plan.json"));
        return `${s.mtimeMs}:${s.size}`;
      };
      written.set(await version(), 1);
      let writing = true;
      const writer = (async () => {
        // A save that fails ends the reads too: the test then fails on it instead of reading forever.
        try {
          for (let price = 2; price <= 120; price++) {
            await savePlan(dir, [{ id: "c1", field: "price", value: String(price) }]);
            written.set(await version(), price);
          }
        } finally {
          writing = false;
        }
      })();
      const seen: { version: string; price: number }[] = [];
      while (writing) {
        const res = await fetch(`${review.url.replace(/\?.*$/, "")}api/state`, {
          headers: { "x-vbulk-token": "t" },
        });
        assert.equal(res.status, 200);
        const body = (await res.json()) as { planVersion: string; plan: { items: { price: number }[] } };
        // plan.json's part of the version (catalog.json's and decisions.json's follow it).
        seen.push({ version: body.planVersion.split("/")[0]!, price: body.plan.items[0]!.price });
      }
      await writer;
      assert.ok(seen.length >= 20, `only ${seen.length} reads while plan.json was written`);
      // A version newer than the plan shown would hide the newer plan from the page for good.
      const stale = seen.filter((s) => (written.get(s.version) ?? 0) > s.price);
      assert.deepEqual(stale.slice(0, 3), [], `${stale.length} of ${seen.length} reads`);
    } finally {
      await review.close();
    }
  });
});

describe("the page's Type list (/api/state meta.labels)", () => {
  it("names no two types alike: gilet and cardigan, both « Cardigan » in English, are told apart", async () => {
    // Before, the English Type list showed « Cardigan » twice, and a seller could not tell which was the gilet.
    const dir = await catalogFixture([{ category: "gilet", color: "noir", photos: ["IMG_0001.jpg"] }]);
    const review = await startReviewServer({ dir, source: dir, token: "t", port: 0 });
    try {
      const res = await fetch(`${review.url.replace(/\?.*$/, "")}api/state`, {
        headers: { "x-vbulk-token": "t" },
      });
      const body = (await res.json()) as {
        meta: { labels: { id: string; name: string; name_en: string }[] };
      };
      const labels = body.meta.labels;
      const en = labels.map((l) => l.name_en);
      const fr = labels.map((l) => l.name);
      assert.equal(new Set(en).size, en.length, `English names alike: ${en.join(", ")}`);
      assert.equal(new Set(fr).size, fr.length, `French names alike: ${fr.join(", ")}`);
      const byId = Object.fromEntries(labels.map((l) => [l.id, l]));
      assert.deepEqual(
        [byId.gilet?.name_en, byId.cardigan?.name_en, byId.gilet?.name, byId.cardigan?.name],
        ["Cardigan (gilet)", "Cardigan", "Gilet", "Cardigan"],
      );
    } finally {
      await review.close();
    }
  });

  it("shows a user label file's French name in English where it has no name_en (an older file), not an empty choice", () => {
    assert.deepEqual(
      typeChoices([
        { id: "robe", name: "Robe" },
        { id: "kimono", name: "Kimono", name_en: "Kimono" },
        { id: "veste-kimono", name: "Kimono" },
      ]),
      [
        { id: "robe", name: "Robe", name_en: "Robe" },
        { id: "kimono", name: "Kimono", name_en: "Kimono" },
        { id: "veste-kimono", name: "Kimono (veste-kimono)", name_en: "Kimono (veste-kimono)" },
      ],
    );
  });
});

describe("photos added to or taken out of the folder (« Analyser à nouveau »)", () => {
  it("counts as photos what the seller's config counts, as the page's analysis will", async () => {
    // The seller's config takes .jxl files and leaves GIFs out: their ingest listed scan.jxl and skipped anim.gif.
    // Before, the page scanned with the built-in list and said scan.jxl was taken out and anim.gif added, for good.
    const dir = await tempDir("vbulk-changes-");
    for (const f of ["IMG_0001.jpg", "scan.jxl", "anim.gif"]) await writeFile(join(dir, f), "x");
    await catalogFixture([{ category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "scan.jxl"] }], dir);
    const config = join(await tempDir("vbulk-config-"), "vbulk.json");
    await writeFile(config, JSON.stringify({ sources: { imageExtensions: [".jpg", ".jxl"] } }));
    const was = process.env.VBULK_CONFIG;
    process.env.VBULK_CONFIG = config;
    try {
      assert.deepEqual(await folderChangesOf(dir, dir)(), { added: [], gone: [], counts: [0, 0] });
      // A photo the seller adds is still seen.
      await writeFile(join(dir, "IMG_0002.jpg"), "x");
      assert.deepEqual(await folderChangesOf(dir, dir)(), {
        added: ["IMG_0002.jpg"],
        gone: [],
        counts: [1, 0],
      });
    } finally {
      if (was === undefined) delete process.env.VBULK_CONFIG;
      else process.env.VBULK_CONFIG = was;
    }
  });
});
