/**
 * Ingest under careless use (issue 8): ids that follow their article, a run that read nothing, interrupted runs,
 * caches that do not fit, progress for every stage.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { access, copyFile, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, it } from "node:test";
import sharp from "sharp";
import { resolveConfig } from "../src/core/config.js";
import type { IngestEvent } from "../src/core/events.js";
import { createFeatureEmbedder } from "../src/imaging/features.js";
import { assignArticleIds } from "../src/ingest/ids.js";
import { runIngest } from "../src/ingest/index.js";
import { keepHandEditedCatalog } from "../src/store/catalog.js";
import { readStatus } from "../src/store/status.js";
import { copyFixture, FIXTURES, tempDir } from "./helpers/run.js";

const config = resolveConfig();

async function ingest(
  dir: string,
  opts: { events?: IngestEvent[]; signal?: AbortSignal; onEvent?: (e: IngestEvent) => void } = {},
) {
  return runIngest({
    source: dir,
    config,
    embedder: createFeatureEmbedder(),
    onEvent: (e) => {
      opts.events?.push(e);
      opts.onEvent?.(e);
    },
    signal: opts.signal,
  });
}

describe("article ids follow their article (defect 2)", () => {
  it("adding photos that sort first keeps the id of every article whose photos did not change", async () => {
    const dir = await copyFixture("grouping");
    const first = await ingest(dir);
    for (const [from, to] of [
      ["IMG_0002-green.png", "0001.png"],
      ["IMG_0003-blue.png", "0002.png"],
    ] as const)
      await copyFile(join(FIXTURES, "colours", from), join(dir, to));
    const second = await ingest(dir);
    const idOf = (photos: string[]) =>
      second.catalog.items.find((it) => it.photos.join() === photos.join())?.id;
    const unchanged = first.catalog.items.filter((it) => idOf(it.photos) !== undefined);
    assert.ok(unchanged.length >= 4, `most articles unchanged (${unchanged.length})`);
    for (const it of unchanged) assert.equal(idOf(it.photos), it.id, `${it.photos.join()} keeps ${it.id}`);
    const fresh = second.catalog.items.filter((it) => it.photos.some((p) => !p.startsWith("IMG_")));
    for (const it of fresh) assert.ok(Number(it.id.slice(1)) > 5, `new article gets a new id (${it.id})`);
  });

  it("never gives a retired id to another garment", () => {
    const photo = (file: string, sha: string) => ({ file, sha256: sha });
    const previous = {
      items: [
        { id: "c1", photos: ["a", "b"] },
        { id: "c2", photos: ["c", "d"] },
      ],
      photos: [photo("a", "A"), photo("b", "B"), photo("c", "C"), photo("d", "D")],
      next_id: 9,
    } as never;
    // c1 keeps most of its photos (and gained one); c2 is gone; a new article appears.
    const { ids, nextId } = assignArticleIds(
      [
        ["X", "Y"],
        ["A", "B", "E"],
      ],
      previous,
    );
    assert.deepEqual(ids, ["c9", "c1"]);
    assert.equal(nextId, 10);
    // An article split in two halves is two new ones: neither half is more the garment than the other.
    assert.deepEqual(assignArticleIds([["C"], ["D"]], previous).ids, ["c9", "c10"]);
    assert.deepEqual(assignArticleIds([["C", "X"], ["D"]], previous).ids, ["c9", "c10"]);
    // Half of them, the other half deleted from the folder: still that garment (before: c9, and the plan set its
    // title and price aside as if the garment had gone).
    assert.deepEqual(assignArticleIds([["C"]], previous).ids, ["c2"]);
    assert.deepEqual(assignArticleIds([["C", "N"]], previous).ids, ["c2"], "with a photo added");
    // What is left of two garments put together by a regrouping is neither (before: the first took c1's edits).
    assert.deepEqual(assignArticleIds([["A", "C"]], previous).ids, ["c9"]);
    // One photo left among new ones is not enough to say which garment the new photos are.
    assert.deepEqual(assignArticleIds([["C", "N", "M"]], previous).ids, ["c9"]);
  });

  it("photos the seller moved out of an article do not take its id, however many they are", () => {
    const photo = (file: string, sha: string) => ({ file, sha256: sha });
    const previous = {
      items: [
        { id: "c1", photos: ["a", "b", "c", "d"] },
        { id: "c2", photos: ["e"] },
      ],
      photos: ["A", "B", "C", "D", "E"].map((s) => photo(s.toLowerCase(), s)),
      next_id: 3,
    } as never;
    // Without a decision, three photos of four are the garment (most of its photos).
    assert.deepEqual(assignArticleIds([["A"], ["B", "C", "D"], ["E"]], previous).ids, ["c3", "c1", "c2"]);
    // The seller made B, C, D a new article: A stays c1, the new article is new.
    const moved = { B: ["A"], C: ["A"], D: ["A"] };
    assert.deepEqual(assignArticleIds([["A"], ["B", "C", "D"], ["E"]], previous, moved).ids, [
      "c1",
      "c3",
      "c2",
    ]);
    // Moved into c2's article: c2 stays c2, A stays c1.
    assert.deepEqual(assignArticleIds([["A"], ["B", "C", "D", "E"]], previous, moved).ids, ["c1", "c2"]);
    // An article the seller made of moved photos (c2: B, C, D taken from A's article), one of them taken out again:
    // the photos that stay were moved INTO c2, they are its photos, and it keeps its id.
    const made = {
      items: [
        { id: "c1", photos: ["a"] },
        { id: "c2", photos: ["b", "c", "d"] },
      ],
      photos: ["A", "B", "C", "D"].map((s) => photo(s.toLowerCase(), s)),
      next_id: 3,
    } as never;
    assert.deepEqual(
      assignArticleIds([["A"], ["B", "C"], ["D"]], made, { B: ["A"], C: ["A"], D: ["B", "C"] }).ids,
      ["c1", "c2", "c3"],
    );
    // All of c1's photos moved together: nothing of it is left elsewhere, so they are still c1.
    assert.deepEqual(
      assignArticleIds([["A", "B", "C", "D"], ["E"]], previous, { A: [], B: [], C: [], D: [] }).ids,
      ["c1", "c2"],
    );
  });

  it("a run in which no photo could be read keeps the previous catalog", async () => {
    const dir = await copyFixture("grouping");
    await ingest(dir);
    const before = await readFile(join(dir, "catalog.json"), "utf8");
    for (let i = 1; i <= 15; i++)
      await writeFile(join(dir, `IMG_${String(i).padStart(4, "0")}.jpg`), "damaged by a bad copy\n");
    const r = await ingest(dir);
    assert.equal(r.keptPrevious, true);
    assert.equal(r.catalog.errors.length, 15);
    assert.equal(await readFile(join(dir, "catalog.json"), "utf8"), before);
  });
});

/** n distinct small photos (the cache is keyed by content: copies would be one entry). */
async function distinctPhotos(n: number): Promise<string> {
  const dir = await tempDir();
  for (let i = 0; i < n; i++) {
    const buf = await sharp({
      create: {
        width: 96,
        height: 128,
        channels: 3,
        background: { r: (i * 37) % 256, g: (i * 71) % 256, b: (i * 13) % 256 },
      },
    })
      .jpeg()
      .toBuffer();
    await writeFile(join(dir, `IMG_${String(i + 1).padStart(4, "0")}.jpg`), buf);
  }
  return dir;
}

describe("interrupted work is kept (defect 3)", () => {
  it("Ctrl-C at 70%, then a re-run analyses only the remaining photos; status says interrupted", async () => {
    const dir = await distinctPhotos(48);
    const controller = new AbortController();
    let doneAtStop = 0;
    await assert.rejects(
      ingest(dir, {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === "progress" && e.stage === "analyse" && e.done >= 0.7 * e.total && !doneAtStop) {
            doneAtStop = e.done;
            controller.abort();
          }
        },
      }),
      (err: Error) => err.name === "AbortError",
    );
    assert.ok(doneAtStop >= 0.7 * 48 && doneAtStop < 48);
    const status = await readStatus(dir);
    assert.equal(status.state, "interrupted");
    assert.equal(status.counts.done, doneAtStop);
    const again = await ingest(dir);
    assert.deepEqual([again.analysed, again.cached], [48 - doneAtStop, doneAtStop]);
  });

  // Audit-scale findings 2 and 4: grouping 1200 photos is seconds of synchronous work after the analysis; Ctrl-C
  // then was not heeded (catalog.json written, exit 0, status done) and `vbulk status` still said "analyse".
  for (const stage of ["duplicates", "group", "classify"] as const)
    it(`Ctrl-C once the ${stage} stage started writes no catalog.json; status said ${stage} then interrupted`, async () => {
      const dir = await distinctPhotos(12);
      const controller = new AbortController();
      let shown: string | undefined;
      await assert.rejects(
        ingest(dir, {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type !== "stage" || e.stage !== stage || controller.signal.aborted) return;
            // What `vbulk status` in another terminal reads as the stage begins.
            shown = JSON.parse(readFileSync(join(dir, ".vbulk", "status.json"), "utf8")).stage;
            controller.abort();
          },
        }),
        (err: Error) => err.name === "AbortError",
      );
      assert.equal(shown, stage);
      await assert.rejects(access(join(dir, "catalog.json")), { code: "ENOENT" });
      await assert.rejects(access(join(dir, "catalog.log")), { code: "ENOENT" });
      const status = await readStatus(dir);
      assert.deepEqual([status.state, status.stage], ["interrupted", stage]);
    });

  it("Ctrl-C while a re-run groups keeps the previous catalog.json as it was", async () => {
    const dir = await distinctPhotos(12);
    await ingest(dir);
    const before = await readFile(join(dir, "catalog.json"), "utf8");
    const controller = new AbortController();
    await assert.rejects(
      ingest(dir, {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === "stage" && e.stage === "group") controller.abort();
        },
      }),
      (err: Error) => err.name === "AbortError",
    );
    assert.equal(await readFile(join(dir, "catalog.json"), "utf8"), before);
    assert.equal((await readStatus(dir)).state, "interrupted");
  });

  it("a run killed between batches keeps its batches (the journal), even with a damaged last line", async () => {
    const dir = await distinctPhotos(20);
    await ingest(dir);
    const cache = JSON.parse(await readFile(join(dir, ".vbulk", "cache.json"), "utf8"));
    const lines = Object.entries(cache.entries)
      .slice(0, 10)
      .map((e) => JSON.stringify(e));
    await rm(join(dir, ".vbulk", "cache.json"));
    await writeFile(join(dir, ".vbulk", "cache.journal"), `${lines.join("\n")}\n["cut sh`);
    const again = await ingest(dir);
    assert.deepEqual([again.analysed, again.cached], [10, 10]);
  });
});

describe("caches are validated and keyed by content (defect 4)", () => {
  it("vectors of the wrong length in cache.json are recomputed, and the grouping stays right", async () => {
    const dir = await copyFixture("grouping");
    const first = await ingest(dir);
    const path = join(dir, ".vbulk", "cache.json");
    const cache = JSON.parse(await readFile(path, "utf8"));
    for (const e of Object.values(cache.entries) as { embeddings: Record<string, string> }[])
      for (const id of Object.keys(e.embeddings))
        e.embeddings[id] = Buffer.from(new Float32Array([1, 0, 0]).buffer).toString("base64");
    await writeFile(path, JSON.stringify(cache));
    const again = await ingest(dir);
    assert.equal(again.analysed, 15);
    assert.deepEqual(
      again.catalog.items.map((it) => it.photos),
      first.catalog.items.map((it) => it.photos),
    );
  });

  it("a malformed hash or a NaN in cache.json does not crash a later run: that photo is analysed again", async () => {
    const dir = await copyFixture("grouping");
    await ingest(dir);
    const path = join(dir, ".vbulk", "cache.json");
    const cache = JSON.parse(await readFile(path, "utf8"));
    const [a, b] = Object.values(cache.entries) as { ahash: string; embeddings: Record<string, string> }[];
    a!.ahash = "not-a-hash";
    for (const id of Object.keys(b!.embeddings))
      b!.embeddings[id] = Buffer.from(
        new Float32Array(b!.embeddings[id]!.length).fill(Number.NaN).buffer,
      ).toString("base64");
    cache.entries["../../etc"] = a;
    await writeFile(path, JSON.stringify(cache));
    const again = await ingest(dir);
    assert.equal(again.analysed, 2);
    assert.equal(again.catalog.items.length, 5);
  });
});

describe("progress (defect 10)", () => {
  it("every stage that starts also finishes, and the catalog is written once", async () => {
    const dir = await copyFixture("grouping");
    const events: IngestEvent[] = [];
    await ingest(dir, { events });
    const stages = events.filter((e) => e.type === "stage").map((e) => e.stage);
    assert.equal(stages.filter((s) => s === "write").length, 1);
    for (const stage of new Set(stages)) {
      const last = events.filter((e) => e.type === "progress" && e.stage === stage).at(-1);
      assert.ok(last && last.type === "progress" && last.done === last.total, `${stage} reaches its total`);
    }
  });
});

describe("a catalog.json edited by hand is kept aside, never lost", () => {
  it("two ingests in the same second keep both hand-edited versions (before: the second backup replaced the first)", async () => {
    const dir = await copyFixture("grouping");
    await ingest(dir);
    const path = join(dir, "catalog.json");
    const original = await readFile(path, "utf8");
    const at = new Date("2026-11-29T17:26:04.120Z");
    // A value changed by hand (a field vbulk does not know would be refused: catalog.json is read strictly).
    const firstEdit = original.replace(/"generator": "/, '"generator": "edited 1, ');
    await writeFile(path, firstEdit);
    const first = await keepHandEditedCatalog(dir, at);
    const secondEdit = original.replace(/"generator": "/, '"generator": "edited 2, ');
    await writeFile(path, secondEdit);
    const second = await keepHandEditedCatalog(dir, new Date(at.getTime() + 500));
    assert.notEqual(firstEdit, original);
    assert.ok(first && second);
    assert.notEqual(first, second, "a name of its own for each version");
    assert.equal(basename(first), "catalog.edited-20261129-172604.json");
    assert.equal(basename(second), "catalog.edited-20261129-172604-2.json");
    assert.equal(await readFile(first, "utf8"), firstEdit, "the first version, byte for byte");
    assert.equal(await readFile(second, "utf8"), secondEdit);
    // vbulk's own copy is no photo and no skipped file of the next run.
    const again = await ingest(dir);
    const skipped = again.catalog.skipped.map((f) => f.file);
    assert.ok(!skipped.some((f) => f.startsWith("catalog.edited-")), skipped.join(", "));
  });
});
