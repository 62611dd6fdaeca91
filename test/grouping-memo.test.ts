import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { resolveConfig } from "../src/core/config.js";
import { createFeatureEmbedder } from "../src/imaging/features.js";
import { groupArticles } from "../src/ingest/group.js";
import { runIngest } from "../src/ingest/index.js";
import type { AnalysedPhoto } from "../src/ingest/types.js";
import { copyFixture } from "./helpers/run.js";

const ingest = (dir: string, config = resolveConfig()) =>
  runIngest({ source: dir, config, embedder: createFeatureEmbedder() });
const articlesOf = (r: Awaited<ReturnType<typeof ingest>>) => r.catalog.items.map((it) => it.photos.join());
const MEMO = (dir: string) => join(dir, ".vbulk", "grouping.json");

describe("a re-run reuses the last grouping only for the same photos, settings and code", () => {
  it("a changed grouping setting groups again instead of repeating the remembered articles", async () => {
    const dir = await copyFixture("grouping");
    const first = await ingest(dir);
    assert.ok(
      first.catalog.items.some((it) => it.photos.length > 1),
      "the fixture has multi-photo articles",
    );
    // Average linkage with a cut near zero joins nothing: every photo becomes its own article.
    const apart = resolveConfig({ grouping: { method: "agglomerative", linkageCut: 1e-9 } });
    const second = await ingest(dir, apart);
    assert.equal(second.catalog.items.length, second.catalog.photos.filter((p) => !p.duplicate_of).length);
    const third = await ingest(dir);
    assert.deepEqual(articlesOf(third), articlesOf(first), "back to the defaults: the first grouping again");
  });

  it("a damaged or foreign grouping.json is ignored and the photos are grouped again", async () => {
    const dir = await copyFixture("grouping");
    const first = await ingest(dir);
    for (const damage of [
      "{ not json",
      JSON.stringify({ key: "0".repeat(64), result: { articles: [[0]] } }),
    ]) {
      await writeFile(MEMO(dir), damage);
      const again = await ingest(dir);
      assert.deepEqual(articlesOf(again), articlesOf(first));
      const rewritten = JSON.parse(await readFile(MEMO(dir), "utf8")) as { key: string };
      assert.notEqual(rewritten.key, "0".repeat(64), "the memo is rewritten for these photos");
    }
  });

  it("returns the remembered grouping for the same inputs and computes a new one when an input differs", async () => {
    const config = resolveConfig();
    const photo = (i: number, rgb: [number, number, number]): AnalysedPhoto => {
      const v = new Float32Array(rgb.map((x) => x / Math.hypot(...rgb)));
      return {
        file: { path: `/x/IMG_${i}.jpg`, rel: `IMG_${i}.jpg`, size: 1 },
        sha256: String(i).padStart(64, "0"),
        entry: {
          width: 10 + i, // distinct sizes and hashes: none is a duplicate
          height: 10,
          format: "jpeg",
          captured_at: null,
          ahash: i.toString(16).padStart(16, "f"),
          phash: i.toString(16).padStart(16, "0"),
          colorgrid: (i % 16).toString(16).repeat(384),
          color: { name: "bleu", score: 1, lab: [50, 0, -40] },
          embeddings: {},
        },
        vector: v,
        garment: v,
        closeUp: false,
      };
    };
    const photos = [1, 2, 3, 4, 5, 6].map((i) => photo(i, i <= 3 ? [1, 0.1 * i, 0] : [0, 0.1 * i, 1]));
    const computed = await groupArticles(photos, config, () => {});
    assert.equal(computed.memo.recalled, false);
    // A remembered grouping that is not what groupPhotos gives (all six together) proves which one is used.
    const planted = {
      key: computed.memo.key,
      result: {
        ...computed.memo.result,
        articles: [[0, 1, 2, 3, 4, 5]],
        confidence: [0.9],
        lowConfidence: [false],
      },
    };
    const recalled = await groupArticles(photos, config, () => {}, JSON.parse(JSON.stringify(planted)));
    assert.equal(recalled.memo.recalled, true);
    assert.deepEqual(recalled.articles, [[0, 1, 2, 3, 4, 5]]);
    const moved = photos.map((p, i) => (i === 5 ? photo(6, [1, 0.6, 0]) : p));
    const regrouped = await groupArticles(moved, config, () => {}, planted);
    assert.equal(regrouped.memo.recalled, false, "one photo's vector changed: grouped again");
    assert.notEqual(regrouped.memo.key, planted.key);
  });
});
