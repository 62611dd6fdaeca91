import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import sharp, { type Sharp } from "sharp";
import { resolveConfig } from "../src/core/config.js";
import { DEFAULTS } from "../src/core/defaults.js";
import { decodePhoto } from "../src/imaging/decode.js";
import { compareEdited, toneCurveFit } from "../src/imaging/edits.js";
import { createFeatureEmbedder } from "../src/imaging/features.js";
import { hashPixels } from "../src/imaging/hash.js";
import { runIngest } from "../src/ingest/index.js";
import { editedEnough, savedAgainAs } from "../src/ingest/resaved.js";
import type { CacheEntry } from "../src/store/cache.js";
import { copyFixture, FIXTURES } from "./helpers/run.js";

// A seller's photo app edits a batch and saves each photo under its own name: a re-ingest should know each edited
// file as the same photo (src/ingest/resaved.ts), and another picture under a reused name as another photo.
const D = join(FIXTURES, "duplicates");
const CONFIG = resolveConfig();
const limits = CONFIG.resaved;

/** What the ingest keeps of a photo's bytes for this comparison: its size and hashes (as analysePhotos does). */
async function entryOf(bytes: Buffer, captured_at: string | null = null): Promise<CacheEntry> {
  const p = await decodePhoto(bytes, DEFAULTS.decode.workingSize);
  const h = await hashPixels(p.pixels, p.pw, p.ph);
  return {
    width: p.width,
    height: p.height,
    format: "jpeg",
    captured_at,
    ...h,
    color: { name: "noir", score: 1, lab: [0, 0, 0] },
    embeddings: {},
  };
}
const file = (name: string) => readFile(join(D, name));
const jpeg = (s: Sharp) => s.jpeg({ quality: 90 }).toBuffer();

describe("an edited photo saved under its own name (compareEdited, savedAgainAs)", async () => {
  const bytes = await file("original.jpg");
  const original = await entryOf(bytes);
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  const edits: [string, () => Promise<Buffer>][] = [
    ["brightened x1.3", () => jpeg(sharp(bytes).modulate({ brightness: 1.3 }))],
    ["darkened x0.7", () => jpeg(sharp(bytes).modulate({ brightness: 0.7 }))],
    ["more contrast", () => jpeg(sharp(bytes).linear(1.3, -38))],
    ["warmer", () => jpeg(sharp(bytes).linear([1.06, 1, 0.92], [0, 0, 0]))],
    [
      "cropped 8% left, 6% bottom",
      () =>
        jpeg(
          sharp(bytes).extract({
            left: Math.round(width * 0.08),
            top: 0,
            width: width - Math.round(width * 0.08),
            height: height - Math.round(height * 0.06),
          }),
        ),
    ],
  ];
  for (const [what, make] of edits)
    it(`${what}: the same photo, which the duplicate test alone does not say`, async () => {
      const edited = await entryOf(await make());
      const c = compareEdited(original, edited, limits);
      assert.ok(c, "an edit the sizes allow");
      assert.ok(
        editedEnough(c, limits),
        `structure ${c.structure.toFixed(3)}, colour ${c.colour.toFixed(1)}`,
      );
      assert.notEqual(savedAgainAs(original, edited, CONFIG), null);
    });

  it("the designed 5% crop (beyond the duplicate test) is found where it was cut", async () => {
    const edited = await entryOf(await file("cropped-5pct.jpg"));
    assert.equal(savedAgainAs(original, edited, CONFIG), "edited");
  });

  it("a re-encode is still the duplicate test's, as before", async () => {
    assert.equal(savedAgainAs(original, await entryOf(await file("recompressed.jpg")), CONFIG), "duplicate");
  });

  it("another view of the same garment is another photo", async () => {
    const other = await entryOf(await file("other-view.jpg"));
    const c = compareEdited(original, other, limits);
    assert.equal(editedEnough(c, limits), false, `structure ${c?.structure.toFixed(3)}`);
    assert.equal(savedAgainAs(original, other, CONFIG), null);
  });

  it("the same pose in another colour is another photo (one white balance cannot turn one colour into another)", async () => {
    const other = await entryOf(await file("other-colour.jpg"));
    const c = compareEdited(original, other, limits);
    assert.ok(
      c && c.structure <= limits.maxStructure,
      "the light-and-dark pattern alone would say the same photo",
    );
    assert.ok(c.colour > limits.maxColour, `colour ${c.colour.toFixed(1)}`);
    assert.equal(savedAgainAs(original, other, CONFIG), null);
  });

  it("brightened, but taken at another time (a camera's reused name): another photo", async () => {
    const before = { ...original, captured_at: "2026-11-01T10:00:00" };
    const after = { ...(await entryOf(await edits[0]![1]())), captured_at: "2026-11-20T09:00:00" };
    assert.equal(savedAgainAs(before, after, CONFIG), null);
    assert.equal(savedAgainAs(before, { ...after, captured_at: before.captured_at }, CONFIG), "edited");
  });

  it("a photo analysed by an older vbulk (no labgrid) falls back to the duplicate test", async () => {
    const edited = await entryOf(await edits[0]![1]());
    const { labgrid: _, ...older } = original;
    assert.equal(compareEdited(older, edited, limits), null);
    assert.equal(savedAgainAs(older, edited, CONFIG), null);
  });

  it("a later photo larger than the earlier one, or cropped past minKept, is no edit of it", async () => {
    const edited = await entryOf(await edits[0]![1]());
    assert.equal(compareEdited(original, { ...edited, width: width * 2, height: height + 10 }, limits), null);
    // Narrower by more than minKept allows, the height kept: no crop explains it (the same shape smaller would be
    // a resize, which is allowed).
    const kept = limits.minKept - 0.05;
    assert.equal(
      compareEdited(original, { ...edited, width: Math.round(width * kept), height }, limits),
      null,
    );
  });
});

describe("toneCurveFit", () => {
  it("fits any increasing curve exactly and averages where the order is broken", () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    assert.deepEqual([...toneCurveFit(x, Float64Array.from([10, 20, 80, 90]))], [10, 20, 80, 90]);
    assert.deepEqual([...toneCurveFit(x, Float64Array.from([10, 30, 20, 90]))], [10, 25, 25, 90]);
  });
});

describe("a folder analysed by a vbulk without labgrids, then edited", () => {
  it("the first run after the upgrade gives its photos labgrids (nothing embedded again), so the next edit is known", async () => {
    const dir = await copyFixture("grouping");
    const config = resolveConfig();
    const ingest = () =>
      runIngest({ source: dir, config, embedder: createFeatureEmbedder(), onEvent: () => {} });
    const first = await ingest();
    const path = join(dir, ".vbulk", "cache.json");
    const cache = JSON.parse(await readFile(path, "utf8")) as {
      entries: Record<string, { labgrid?: string }>;
    };
    for (const e of Object.values(cache.entries)) delete e.labgrid;
    await writeFile(path, JSON.stringify(cache));
    const upgraded = await ingest();
    assert.equal(upgraded.analysed, 0, "the embeddings are still good: nothing is embedded again");
    const refreshed = JSON.parse(await readFile(path, "utf8")) as typeof cache;
    assert.ok(
      Object.values(refreshed.entries).every((e) => typeof e.labgrid === "string"),
      "every photo has one",
    );
    // Then the seller gives the red tee's photos more contrast in a photo app.
    const tee = first.catalog.items.find((it) => it.photos.includes("IMG_0001.jpg"))!;
    for (const f of tee.photos) {
      const p = join(dir, f);
      await writeFile(p, await jpeg(sharp(await readFile(p)).linear(1.2, -25)));
    }
    const edited = await ingest();
    const now = edited.catalog.items.find((it) => it.photos.includes("IMG_0001.jpg"))!;
    assert.equal(now.id, tee.id, "the article keeps its id");
    assert.equal(edited.catalog.photos.filter((p) => p.earlier_sha256?.length).length, tee.photos.length);
  });
});
