import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { catalogFixture } from "../helpers/catalog.js";
import { runCli, testEnv } from "../helpers/run.js";

// Audit of `vbulk plan` (notes/audit-plan.md), the flags and text a seller types: each case failed before its fix.

const articles = [
  { category: "hoodie", color: "noir" as const, photos: ["IMG_0001.jpg", "IMG_0002.jpg"] },
  { category: "t-shirt", color: "blanc" as const, photos: ["IMG_0003.jpg"] },
  { category: "jeans", color: "bleu" as const, photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
];

async function plan(dir: string, args: string[]) {
  return runCli(["plan", dir, ...args], { env: testEnv() });
}

async function planJson(dir: string) {
  return JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
}

describe("plan: a category set by hand", () => {
  it("takes its own price rule (audit 1)", async () => {
    const dir = await catalogFixture(articles);
    const r = await plan(dir, ["--price-rules", '{"jeans":25}', "--set", "c1.category=jeans"]);
    assert.equal(r.code, 0, r.stderr);
    const p = await planJson(dir);
    assert.equal(p.items[0].category, "jeans");
    assert.equal(p.items[0].price, 25, "the jeans rule, not the default price");
    assert.equal(p.items[2].price, 25);
    assert.equal(p.items[1].price, 20);
  });
});

describe("plan: --publish, --only and --exclude repeated", () => {
  it("add up, as --set does (audit 2)", async () => {
    const dir = await catalogFixture(articles);
    const a = await plan(dir, ["--exclude", "c1", "--exclude", "c2"]);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(
      (await planJson(dir)).items.map((i: { excluded: boolean }) => i.excluded),
      [true, true, false],
    );
    const b = await plan(dir, [
      ...["--only", "c1", "--only", "c2", "--gender", "femme", "--set", "c1.size=M", "--set", "c2.size=M"],
      ...["--publish", "c1", "--publish", "c2"],
    ]);
    assert.equal(b.code, 0, b.stderr);
    const p = await planJson(dir);
    assert.deepEqual(
      p.items.map((i: { excluded: boolean; publish: boolean }) => [i.excluded, i.publish]),
      [
        [false, true],
        [false, true],
        [true, false],
      ],
    );
  });

  it("none or all with ids is refused, nothing written", async () => {
    const dir = await catalogFixture(articles);
    const r = await plan(dir, ["--publish", "none", "--publish", "c1"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Expected either none or article ids for --publish but received none, c1/);
    assert.doesNotMatch(r.stderr, /unexpected/);
  });
});

describe("plan: category ids with a space", () => {
  it('--set c1.category="puffer jacket" (a built-in label) is taken (audit 4)', async () => {
    const dir = await catalogFixture(articles);
    const r = await plan(dir, ["--set", "c1.category=puffer jacket"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await planJson(dir)).items[0].category, "puffer jacket");
  });
});

describe("plan --set: quotes the shell left", () => {
  it("one pair around the whole value goes, every other quote stays (audit 15)", async () => {
    const dir = await catalogFixture(articles);
    const r = await plan(dir, [
      ...["--set", `c1.title="Levi's 501" jean "vintage"`, "--set", 'c2.title="Sweat Nike"'],
      ...["--set", "c3.title='Robe d'été'"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (await planJson(dir)).items.map((i: { title: string }) => i.title),
      [`"Levi's 501" jean "vintage"`, "Sweat Nike", "'Robe d'été'"],
    );
  });
});
