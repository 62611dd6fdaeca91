import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { catalogFixture } from "../helpers/catalog.js";
import { runCli, testEnv } from "../helpers/run.js";

// Issue 8 (items 2 and 10), the plan's part: careless or hostile input ends in a clear exit 2, never a crash,
// and a seller's edits follow their article.

const articles = [
  { category: "hoodie", color: "noir" as const, photos: ["IMG_0001.jpg", "IMG_0002.jpg"] },
  { category: "t-shirt", color: "blanc" as const, photos: ["IMG_0003.jpg"] },
  { category: "jeans", color: "bleu" as const, photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
];

async function planned() {
  const dir = await catalogFixture(articles);
  const r = await runCli(["plan", dir], { env: testEnv() });
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

async function refused(dir: string, args: string[], pattern: RegExp, env: Record<string, string> = {}) {
  const before = await readFile(join(dir, "plan.json"), "utf8");
  const r = await runCli(["plan", dir, ...args], { env: testEnv(env) });
  assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /unexpected/i);
  assert.match(r.stderr, pattern);
  assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json untouched");
}

describe("plan: odd values are refused with a clear message", () => {
  for (const value of ["constructor", "__proto__", "toString", "hasOwnProperty"])
    it(`--set c1.category=${value}`, async () =>
      refused(
        await planned(),
        ["--set", `c1.category=${value}`],
        /Expected a garment type id of the label set/,
      ));

  it("a hand-edited category that is no label", async () => {
    const dir = await planned();
    const p = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    p.items[0].category = "constructor";
    await writeFile(join(dir, "plan.json"), JSON.stringify(p));
    await refused(dir, [], /Expected a category of the label set for c1 but received "constructor"/);
  });

  for (const price of ["1e-9", "0x1F", "1e3", "0.001", "-5", "Infinity"]) {
    it(`--set c1.price=${price}`, async () =>
      refused(await planned(), ["--set", `c1.price=${price}`], /Expected an amount in euros/));
    it(`--price ${price}`, async () => refused(await planned(), ["--price", price], /price in euros/));
  }
  it("DEFAULT_PRICE=0x1F", async () =>
    refused(await planned(), [], /DEFAULT_PRICE/, { DEFAULT_PRICE: "0x1F" }));
  it("PRICE_RULES_JSON with 1e-9", async () =>
    refused(await planned(), [], /PRICE_RULES_JSON key "hoodie" but received 1e-9/, {
      PRICE_RULES_JSON: '{"hoodie":1e-9}',
    }));
  it('PRICE_RULES_JSON naming "constructor" is refused, not stored', async () =>
    refused(
      await planned(),
      [],
      /Expected a category of the label set \(its id, or its French or English name\) for PRICE_RULES_JSON but received "constructor"/,
      { PRICE_RULES_JSON: '{"constructor":12,"__proto__":13}' },
    ));
});

// --price-rules '{"hoodie":"3"}' said "hoodie: a price in euros" (no value, no word of the quotes), '[1]' said
// "(root): Invalid input: expected record, received array", and both named PRICE_RULES_JSON though the flag was given.
describe("plan: a bad --price-rules / PRICE_RULES_JSON value says what it received, and where", () => {
  for (const [rules, shown] of [
    [
      '{"hoodie":"3"}',
      /Expected a number of euros for --price-rules key "hoodie" but received "3" \(a string\): write \{"hoodie":3\}/,
    ],
    ['{"hoodie":null}', /Expected a number of euros for --price-rules key "hoodie" but received null/],
    [
      '{"hoodie":1e-9}',
      /Expected a price of at least 0\.01 € for --price-rules key "hoodie" but received 1e-9/,
    ],
    [
      "[1]",
      /Expected a JSON object of prices \(e\.g\. \{"hoodie":25,"t-shirt":10\}\) for --price-rules but received a list of 1/,
    ],
  ] as const)
    it(`--price-rules '${rules}'`, async () => {
      const dir = await planned();
      await refused(dir, ["--price-rules", rules], shown);
      const r = await runCli(["plan", dir, "--price-rules", rules], { env: testEnv() });
      assert.doesNotMatch(r.stderr, /PRICE_RULES_JSON/, "the flag was given, not the variable");
    });
  it("PRICE_RULES_JSON is named when it is the one used", async () =>
    refused(
      await planned(),
      [],
      /for PRICE_RULES_JSON key "hoodie" but received "3" \(a string\): write \{"hoodie":3\}\n.*hint: .*PRICE_RULES_JSON=/,
      { PRICE_RULES_JSON: '{"hoodie":"3"}' },
    ));
});

// `--only "$IDS"` with an empty $IDS excluded every article, exit 0: an empty list is a script's mistake, refused.
describe("plan: an empty id list", () => {
  for (const [flag, value] of [
    ["--only", ""],
    ["--only", " , "],
    ["--publish", ""],
    ["--exclude", ""],
  ] as const)
    it(`${flag} ${JSON.stringify(value)}`, async () =>
      refused(
        await planned(),
        [flag, value],
        new RegExp(`Expected article ids .* for ${flag}.* but received an empty list`),
      ));
});

// A price rule for a category that is no label id was stored and never applied: the garment went out at the
// default price (audit: --price-rules '{"Hoodie":25}'). A category as a seller writes it (its id with capitals, its
// French or English name) is its id; anything else is refused, naming the key and the closest id.
describe("plan: a price rule for an unknown category", () => {
  it("keys written as a seller writes a category are its ids, in the prices and in plan.json", async () => {
    // Before, each of these exited 2 with a did-you-mean: only the ids (hoodie, t-shirt, jeans) were taken.
    const dir = await planned();
    // Jean is jeans' French name, Jeans its English one.
    for (const rules of ['{"Hoodie":30,"T-Shirt":9,"Jean":31}', '{"HOODIE":30,"t-shirt":9,"Jeans":31}']) {
      const r = await runCli(["plan", dir, "--json", "--price-rules", rules], { env: testEnv() });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        JSON.parse(r.stdout).items.map((i: { price: number }) => i.price),
        [30, 9, 31],
      );
      const stored = JSON.parse(await readFile(join(dir, "plan.json"), "utf8")).rules.prices;
      assert.deepEqual(stored, { hoodie: 30, "t-shirt": 9, jeans: 31 });
    }
  });
  it("two keys for one category are refused: which price was meant?", async () =>
    refused(
      await planned(),
      ["--price-rules", '{"hoodie":30,"Hoodie":25}'],
      /one price per category for --price-rules but received "hoodie" and "Hoodie", which both name hoodie/,
    ));
  it("--price-rules with a misspelt key names the id it meant", async () =>
    refused(
      await planned(),
      ["--price-rules", '{"Hoody":25}'],
      /for --price-rules but received "Hoody" \(did you mean "hoodie"\?\)/,
    ));
  it("a rules file", async () => {
    const dir = await planned();
    const file = join(dir, "rules.json");
    await writeFile(file, JSON.stringify({ prices: { jeanz: 30 } }));
    await refused(
      dir,
      ["--rules", file],
      /for .*rules\.json \(prices\) but received "jeanz" \(did you mean "jeans"\?\)/,
    );
  });
  it("the config file's plan.prices", async () => {
    const dir = await planned();
    const file = join(dir, "vbulk.config.json");
    await writeFile(file, JSON.stringify({ plan: { prices: { tshirt: 9 } } }));
    await refused(
      dir,
      ["--config", file],
      /for .*vbulk\.config\.json \(plan\.prices\) but received "tshirt" \(did you mean "t-shirt"\?\)/,
    );
  });
  it("a rule for every label id, and for unknown, is taken", async () => {
    const dir = await planned();
    const r = await runCli(["plan", dir, "--json", "--price-rules", '{"t-shirt":9,"jeans":31,"unknown":5}'], {
      env: testEnv(),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).items.map((i: { price: number }) => i.price),
      [20, 9, 31],
    );
  });
  it("a 21-character size says what a size may be", async () =>
    refused(
      await planned(),
      ["--set", `c1.size=${"X".repeat(21)}`],
      /Expected a size of 1 to 20 characters .* for --set c1\.size but received "X{21}" \(21 characters\)/,
    ));
});

describe("plan: items that are no article exit 2, as the README promises", () => {
  it("a hand-added item", async () => {
    const dir = await planned();
    const p = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    p.items.push({ ...p.items[0], cluster_id: "c9", photos: ["mine.jpg"], fingerprint: "0000000000000000" });
    await writeFile(join(dir, "plan.json"), JSON.stringify(p));
    await refused(
      dir,
      [],
      /Expected plan\.json's items to be the catalog's articles but c9 is not \(added or renamed by hand\?\)/,
    );
  });
  it("a renamed item", async () => {
    const dir = await planned();
    const p = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    p.items[1].cluster_id = "c7";
    p.items[1].price = 33;
    await writeFile(join(dir, "plan.json"), JSON.stringify(p));
    await refused(dir, [], /but c7 is not/);
  });
  it("an article listed twice", async () => {
    const dir = await planned();
    const p = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    p.items.push(p.items[0]);
    await writeFile(join(dir, "plan.json"), JSON.stringify(p));
    await refused(dir, [], /c1 appears twice/);
  });
});

describe("plan: edits follow the article", () => {
  it("a re-ingest that shifted every id keeps each unchanged article's edits", async () => {
    const dir = await planned();
    const r = await runCli(["plan", dir, "--set", "c1.price=40", "--set", "c3.size=W32"], { env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    // New photos that sort first: a new article comes first and every id moves by one.
    await catalogFixture([{ category: "robe", color: "rouge", photos: ["AAA_0001.jpg"] }, ...articles], dir);
    const s = await runCli(["plan", dir], { env: testEnv() });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /edits followed their article: c1 → c2, c2 → c3, c3 → c4/);
    // The new c1 is a garment never seen before, not "photos changed" of the earlier c1, whose edits went with its
    // garment to c2 and are not also set aside (audit-concurrency 6).
    assert.match(s.stdout, /^new: c1$/m);
    assert.doesNotMatch(s.stdout, /photos changed/);
    const p = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    assert.deepEqual(
      p.items.map((i: { cluster_id: string; price: number; size: string | null }) => [
        i.cluster_id,
        i.price,
        i.size,
      ]),
      [
        ["c1", 20, null],
        ["c2", 40, null],
        ["c3", 20, null],
        ["c4", 20, "W32"],
      ],
    );
    assert.deepEqual(p.set_aside ?? [], []);
  });
});

describe("plan: an id a re-ingest regrouped away (audit-concurrency 5)", () => {
  it("--set or --reset of it says where its photos are now, and the id to use", async () => {
    // Before: "Expected an article id of the catalog for --set but received "c3"", and a list of ids to guess from.
    const dir = await planned();
    assert.equal((await runCli(["plan", dir, "--set", "c3.price=12"], { env: testEnv() })).code, 0);
    // The jeans joined the t-shirt's article: c3 is no more.
    await catalogFixture(
      [articles[0]!, { ...articles[1]!, photos: [...articles[1]!.photos, ...articles[2]!.photos] }],
      dir,
    );
    await refused(
      dir,
      ["--set", "c3.price=15"],
      /received "c3": c3 is no longer an article: its photos \(IMG_0004\.jpg, IMG_0005\.jpg\) are in c2 now/,
    );
    const r = await runCli(["plan", dir, "--reset", "c3"], { env: testEnv() });
    assert.match(
      r.stderr,
      /c3 is no longer an article: its photos \(IMG_0004\.jpg, IMG_0005\.jpg\) are in c2 now/,
    );
    assert.match(r.stderr, /If that is the garment: --reset c2\./);
    // An id no plan ever had is said as before.
    await refused(dir, ["--set", "c9.price=15"], /received "c9"\n/);
  });
});

// Audit-plan finding 4: plan.json saved as Latin-1 by an editor ("ANSI") was read with "�" in place of "é", and the
// next run wrote the "�" back: the seller's "Pull noir col roulé" became "Pull noir col roul�", exit 0.
describe("plan: a plan.json or catalog.json that is not UTF-8 is refused, naming the file and where", () => {
  it("plan.json in Latin-1", async () => {
    const dir = await planned();
    const r = await runCli(["plan", dir, "--set", "c1.title=Pull noir col roulé"], { env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(join(dir, "plan.json"), "utf8");
    const line = text.split("\n").findIndex((l) => l.includes("roulé")) + 1;
    await writeFile(join(dir, "plan.json"), Buffer.from(text, "latin1"));
    await refused(
      dir,
      [],
      new RegExp(`Expected UTF-8 text in .*plan\\.json but byte 0xE9 at line ${line}, column \\d+ is not`),
    );
    assert.match(
      (await runCli(["plan", dir], { env: testEnv() })).stderr,
      /hint: Save the file as UTF-8 .*Nothing was written/,
    );
  });
  it("catalog.json in UTF-16", async () => {
    const dir = await planned();
    const catalog = await readFile(join(dir, "catalog.json"), "utf8");
    await writeFile(
      join(dir, "catalog.json"),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(catalog, "utf16le")]),
    );
    await refused(dir, [], /Expected UTF-8 text in .*catalog\.json but it is UTF-16/);
  });
  it("a UTF-8 plan.json with a byte-order mark is still read", async () => {
    const dir = await planned();
    const r = await runCli(["plan", dir, "--set", "c1.title=Pull noir col roulé"], { env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(join(dir, "plan.json"), "utf8");
    await writeFile(join(dir, "plan.json"), `\uFEFF${text}`);
    const s = await runCli(["plan", dir, "--json"], { env: testEnv() });
    assert.equal(s.code, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).items[0].title, "Pull noir col roulé");
  });
});

// A config file passed as --rules was refused with `(root): Unrecognized keys: "plan", "execute"`: right, but it
// did not say that the file is a config file, nor that --config takes it.
describe("plan: a config file given as --rules", () => {
  it("says it looks like a config file and to pass it with --config", async () => {
    const dir = await planned();
    const file = join(dir, "vbulk.json");
    await writeFile(file, JSON.stringify({ plan: { defaultPrice: 15 }, execute: { writesPerHour: 20 } }));
    await refused(
      dir,
      ["--rules", file],
      new RegExp(
        `Expected a rules file for --rules \\(or VBULK_RULES\\), holding any of defaultPrice, prices, condition, brand, gender, lang, but ${file} looks like a config file \\(its sections: plan, execute\\)\\n  hint: Pass it with --config ${file} \\(its "plan" section gives the same rules\\), or make a rules file of what that section holds: \\{"defaultPrice":15\\}`,
      ),
    );
    await refused(dir, [], /for --rules \(or VBULK_RULES\).* looks like a config file/, {
      VBULK_RULES: file,
    });
  });
});

// A rules file's misspelt key was `(root): Unrecognized key: "defaultprice"` (zod's words, no key meant), and an
// empty brand was said twice in two wordings.
describe("plan: a rules file's bad key or value is said once, as the config file says it", () => {
  it('{"defaultprice":15} names the key meant; {"brand":""} says one thing', async () => {
    const dir = await planned();
    const file = join(dir, "r.json");
    await writeFile(file, JSON.stringify({ defaultprice: 15 }));
    await refused(
      dir,
      ["--rules", file],
      /r\.json: (\(root\): )?unknown field "defaultprice" \(did you mean "defaultPrice"\?\)\n/,
    );
    await writeFile(file, JSON.stringify({ brand: "" }));
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const r = await runCli(["plan", dir, "--rules", file], { env: testEnv() });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.match(/brand:/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /brand: .*one-line brand of 1 to 100 characters/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json untouched");
  });
});
