import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { VbulkError } from "../src/core/errors.js";
import { fingerprint } from "../src/ingest/index.js";
import { CatalogSchema } from "../src/store/catalog.js";
import {
  addDecision,
  applyDecisions,
  type Decision,
  DecisionSchema,
  groupingOfCatalog,
  readDecisions,
  regroupCatalog,
  type ShaGrouping,
  undoDecision,
} from "../src/store/decisions.js";
import { tempDir } from "./helpers/run.js";

const h = (c: string) => c.repeat(64);
// Three automatic articles: [a b c] [d e] [f]; g is a duplicate of a.
const base: ShaGrouping = {
  articles: [[h("a"), h("b"), h("c")], [h("d"), h("e")], [h("f")]],
  duplicates: { [h("9")]: h("a") },
};

describe("applyDecisions: invalid parameters", () => {
  it("refuses a decision that names no photo hash", () => {
    assert.equal(
      DecisionSchema.safeParse({ op: "move", photos: ["IMG_1.jpg"], with: h("a") }).success,
      false,
    );
    assert.equal(DecisionSchema.safeParse({ op: "move", photos: [], with: h("a") }).success, false);
    assert.equal(DecisionSchema.safeParse({ op: "explode", photo: h("a") }).success, false);
  });
});

describe("applyDecisions", () => {
  it("with no decision gives the automatic grouping back", () => {
    const r = applyDecisions(base, []);
    assert.deepEqual(r.articles, base.articles);
    assert.deepEqual(r.changed, []);
  });

  it("moves a photo to the article of another, and the result does not depend on applying twice", () => {
    const d: Decision[] = [{ op: "move", photos: [h("d")], with: h("a") }];
    const once = applyDecisions(base, d);
    assert.deepEqual(once.articles, [[h("a"), h("b"), h("c"), h("d")], [h("e")], [h("f")]]);
    assert.deepEqual(once.changed, [0, 1]);
    assert.deepEqual(applyDecisions(base, [...d, ...d]).articles, once.articles);
  });

  it("splits photos into a new article placed by its first photo", () => {
    const r = applyDecisions(base, [{ op: "split", photos: [h("b"), h("c")] }]);
    assert.deepEqual(r.articles, [[h("a")], [h("b"), h("c")], [h("d"), h("e")], [h("f")]]);
    const twice = applyDecisions(base, [
      { op: "split", photos: [h("b"), h("c")] },
      { op: "split", photos: [h("b"), h("c")] },
    ]);
    assert.deepEqual(twice.articles, r.articles);
  });

  it("merges two articles; an emptied article disappears", () => {
    const r = applyDecisions(base, [{ op: "merge", a: h("f"), b: h("d") }]);
    assert.deepEqual(r.articles, [
      [h("a"), h("b"), h("c")],
      [h("d"), h("e"), h("f")],
    ]);
  });

  it("restores a duplicate into its original's article and drops a photo from the listing", () => {
    const r = applyDecisions(base, [
      { op: "restore", photo: h("9") },
      { op: "drop", photo: h("e") },
    ]);
    assert.deepEqual(r.articles, [[h("a"), h("9"), h("b"), h("c")], [h("d")], [h("f")]]);
    assert.deepEqual(r.duplicates, {});
    assert.deepEqual(r.restored, [h("9")]);
    assert.deepEqual(r.dropped, [h("e")]);
  });

  it("keeps a decision about photos that are gone, without effect, and counts it", () => {
    const r = applyDecisions(base, [{ op: "move", photos: [h("7")], with: h("a") }]);
    assert.deepEqual(r.articles, base.articles);
    assert.equal(r.stale, 1);
  });
});

describe("decisions.json", () => {
  it("is written atomically with schemaVersion; undo removes the last decision", async () => {
    const dir = await tempDir();
    assert.deepEqual((await readDecisions(dir)).decisions, []);
    await addDecision(dir, { op: "drop", photo: h("e") });
    await addDecision(dir, { op: "merge", a: h("a"), b: h("d") });
    const file = JSON.parse(await readFile(join(dir, "decisions.json"), "utf8"));
    assert.equal(file.schemaVersion, 1);
    assert.deepEqual(
      file.decisions.map((d: Decision) => d.op),
      ["drop", "merge"],
    );
    const { undone, file: after } = await undoDecision(dir);
    assert.equal(undone?.op, "merge");
    assert.deepEqual(
      after.decisions.map((d) => d.op),
      ["drop"],
    );
  });

  it("a hand-broken file is refused naming the field", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "decisions.json"),
      JSON.stringify({
        schemaVersion: 1,
        updated_at: "x",
        decisions: [{ op: "drop", photo: "nope", at: "x" }],
      }),
    );
    await assert.rejects(readDecisions(dir), (err: unknown) => {
      assert.ok(err instanceof VbulkError);
      assert.equal(err.code, "BAD_INPUT");
      assert.match(err.message, /decisions\[0\]\.photo/);
      return true;
    });
  });
});

describe("regroupCatalog", () => {
  const photo = (file: string, sha: string, article: string | null, duplicate_of: string | null = null) => ({
    file,
    sha256: sha,
    width: 10,
    height: 10,
    format: "jpeg",
    captured_at: null,
    name_order: 0,
    ahash: "0".repeat(16),
    phash: "0".repeat(16),
    article,
    duplicate_of,
    color: "rouge" as const,
    color_score: 0.9,
  });
  const item = (id: string, photos: string[], shas: string[], category: string) => ({
    id,
    category,
    score: 0.8,
    color: "rouge" as const,
    color_score: 0.9,
    photos,
    fingerprint: fingerprint(shas),
    confidence: "low" as const,
    cohesion: 0.5,
  });
  const catalog = CatalogSchema.parse({
    schemaVersion: 1,
    generator: "test",
    created_at: "2026-11-26T10:00:00.000Z",
    source: { kind: "folder", path: "/x", root: "/x" },
    embedder: { id: "t", dims: 1, model: null },
    grouping: { method: "sequence", order: "file_name", order_signal: 0.5, eps: 0.15, min_samples: 2 },
    summary: { files: 4, photos: 4, duplicates: 1, articles: 2, low_confidence: 2, errors: 0, skipped: 0 },
    items: [
      item("c1", ["a.jpg", "b.jpg"], [h("a"), h("b")], "hoodie"),
      item("c2", ["d.jpg"], [h("d")], "jeans"),
    ],
    photos: [
      photo("a.jpg", h("a"), "c1"),
      photo("b.jpg", h("b"), "c1"),
      photo("d.jpg", h("d"), "c2"),
      photo("a2.jpg", h("9"), "c1", "a.jpg"),
    ],
    errors: [],
    skipped: [],
  });

  it("restores a duplicate and drops a photo: the catalog's articles, photos and summary follow", () => {
    const decided = applyDecisions(groupingOfCatalog(catalog), [
      { op: "restore", photo: h("9") },
      { op: "drop", photo: h("d") },
    ]);
    const next = regroupCatalog(catalog, decided);
    assert.deepEqual(
      next.items.map((i) => [i.id, i.category, i.photos, i.confidence, i.by_seller]),
      [["c1", "hoodie", ["a.jpg", "a2.jpg", "b.jpg"], "high", true]],
    );
    const d = next.photos.find((p) => p.file === "d.jpg")!;
    assert.equal(d.article, null);
    assert.equal(d.dropped_by_seller, true);
    const a2 = next.photos.find((p) => p.file === "a2.jpg")!;
    assert.equal(a2.duplicate_of, null);
    assert.equal(a2.article, "c1");
    assert.equal(next.summary.duplicates, 0);
    assert.equal(next.summary.articles, 1);
    CatalogSchema.parse(next);
  });

  it("an article the decisions did not touch keeps its description", () => {
    const next = regroupCatalog(catalog, applyDecisions(groupingOfCatalog(catalog), []));
    assert.deepEqual(next.items, catalog.items);
  });
});
