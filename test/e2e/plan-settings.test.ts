import assert from "node:assert/strict";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { savePlan, savePlanWithChanges } from "../../src/review/actions.js";
import { catalogFixture } from "../helpers/catalog.js";
import { runCli, tempDir, testEnv } from "../helpers/run.js";
import { REPO } from "../helpers/shared.js";

// The audit of `vbulk plan` (items 3, 5, 7, 10, 14): what a seller chose (a templates folder, an edit, a colour)
// is kept or said out loud, never silently put back; a bad stored value names plan.json.

const articles = [
  { category: "hoodie", color: "noir" as const, photos: ["IMG_0001.jpg", "IMG_0002.jpg"] },
  { category: "sneakers", color: "noir" as const, photos: ["IMG_0003.jpg"] },
  { category: "jeans", color: "bleu" as const, photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
];

async function plan(dir: string, args: string[] = [], env: Record<string, string> = {}, cwd?: string) {
  const r = await runCli(["plan", dir, "--json", ...args], { env: testEnv(env), ...(cwd ? { cwd } : {}) });
  return { ...r, plan: r.code === 0 ? JSON.parse(r.stdout) : null };
}

const readPlan = async (dir: string) => JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));

/** The shipped mapping with no leaf id for women's jeans (before `vbulk vinted sync` found it), as a file. */
async function mappingWithoutJeansLeaf(name: string): Promise<string> {
  const mapping = JSON.parse(await readFile(join(REPO, "models", "vinted-fr.json"), "utf8"));
  mapping.categories.jeans.catalog.femme.id = null;
  const file = join(await tempDir(), name);
  await writeFile(file, JSON.stringify(mapping));
  return file;
}

/** Runs fn with one environment variable set (the review page's save reads VBULK_* in this process). */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/** plan.json with `rules[field] = value` (a hand edit) is refused by `vbulk plan`: exit 2 saying `shown`, naming
 *  plan.json and not the flags or the configuration, plan.json untouched. */
async function refusedRule(dir: string, good: object, field: string, value: unknown, shown: RegExp) {
  const { rules } = good as { rules: object };
  const text = JSON.stringify({ ...good, rules: { ...rules, [field]: value } }, null, 2);
  await writeFile(join(dir, "plan.json"), text);
  const r = await runCli(["plan", dir], { env: testEnv() });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, shown);
  assert.doesNotMatch(r.stderr, /Check the flags|Invalid configuration|unexpected/i);
  assert.equal(await readFile(join(dir, "plan.json"), "utf8"), text, "plan.json untouched");
}

describe("plan.json's rules: a bad stored value names plan.json and the field", () => {
  it('default_price 0, brand "", a price with 3 decimals: exit 2, plan.json untouched', async () => {
    // Before: "Invalid configuration: plan.defaultPrice … Check the flags, the VBULK_* variables and the config
    // file", never naming plan.json, where the value was.
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir)).code, 0);
    const good = await readPlan(dir);
    for (const [field, value, shown] of [
      ["default_price", 0, /plan\.json: rules\.default_price: a price of at least 0\.01/],
      ["brand", "", /plan\.json: rules\.brand: /],
      ["prices", { hoodie: 12.345 }, /plan\.json: rules\.prices\.hoodie: a price with at most 2 decimals/],
    ] as const) {
      await refusedRule(dir, good, field, value, shown);
    }
  });

  it('a config file\'s brand of only spaces names the config file, not "the edit" of every article', async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir)).code, 0);
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ plan: { brand: "   " } }));
    const r = await runCli(["plan", dir], { env: testEnv({ VBULK_CONFIG: config }) });
    assert.equal(r.code, 2, r.stderr);
    // Before: "Invalid plan item c1: brand: a text that is not only spaces … hint: Fix the edit (plan.json or --set)."
    assert.match(r.stderr, /config\.json: plan\.brand: a one-line brand .*not only spaces/);
    assert.doesNotMatch(r.stderr, /Fix the edit/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json untouched");
  });

  it("a config file's misspelt key or section names the key it most likely meant, and changes nothing", async () => {
    // Before: « Invalid …config.json: plan: Unrecognized key: "conditon"; (root): Unrecognized key: "sourcse" »,
    // leaving the seller to find the README's list.
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir)).code, 0);
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ plan: { conditon: "bon" }, sourcse: {} }));
    const r = await runCli(["plan", dir], { env: testEnv({ VBULK_CONFIG: config }) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /config\.json: plan: unknown field "conditon" \(did you mean "condition"\?\)/);
    assert.match(r.stderr, /unknown field "sourcse" \(did you mean "sources"\?\)/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json untouched");
  });

  it("a UTF-8 BOM (Windows Notepad) at the start of plan.json, a config file and a label file is accepted", async () => {
    // Before: "Expected valid JSON in …plan.json but it does not parse (it is not JSON)".
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir)).code, 0);
    const bom = (data: unknown) => `\uFEFF${JSON.stringify(data, null, 2)}`;
    const edited = await readPlan(dir);
    edited.items[0].price = 33;
    await writeFile(join(dir, "plan.json"), bom(edited));
    const config = join(dir, "config.json");
    await writeFile(config, bom({ plan: { condition: "tres-bon" } }));
    const labels = join(dir, "labels.json");
    const garments = JSON.parse(await readFile(join(REPO, "models", "labels", "garments.json"), "utf8"));
    garments.labels[1].name = "Sweat à capuche"; // hoodie
    await writeFile(labels, bom(garments));
    const r = await plan(dir, ["--config", config, "--labels", labels]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.plan.items[0].price, 33, "the hand edit of the BOM'd plan.json kept");
    assert.equal(r.plan.items[0].title, "Sweat à capuche noir (très bon état)");
  });
});

// Second audit of `vbulk plan` (notes/audit-plan.md, finding 2): a hand edit of plan.json's rules was thrown away
// without a word (only the rules named in rules.given counted), and a bad one was blamed on "the flags".
describe("plan.json's rules changed by hand", () => {
  it("are kept as rules the seller gave, said on stderr, and kept by later runs and page saves", async () => {
    const dir = await catalogFixture(articles, undefined, { files: true });
    assert.equal((await plan(dir)).code, 0);
    const p = await readPlan(dir);
    p.rules.default_price = 15;
    p.rules.condition = "tres-bon";
    await writeFile(join(dir, "plan.json"), JSON.stringify(p, null, 2));
    const r = await plan(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.plan.items.map((i: { price: number; condition: string }) => [i.price, i.condition]),
      [
        [15, "tres-bon"],
        [15, "tres-bon"],
        [15, "tres-bon"],
      ],
    );
    assert.match(
      r.stderr,
      /rules\.default_price 15 in plan\.json was changed by hand; it is now a rule you gave/,
    );
    assert.match(r.stderr, /rules\.condition "tres-bon" in plan\.json was changed by hand/);
    assert.deepEqual(r.plan.rules.given, ["condition", "default_price"]);
    // Said once: the next run and a page save keep them without a word.
    const again = await plan(dir, ["--set", "c1.size=M"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, "");
    assert.equal(again.plan.items[1].price, 15);
    const edited = await readPlan(dir);
    edited.rules.default_price = 17;
    await writeFile(join(dir, "plan.json"), JSON.stringify(edited, null, 2));
    const saved = await savePlan(dir, [{ id: "c1", field: "size", value: "L" }]);
    assert.equal(saved.items[1]?.price, 17, "the review page's save keeps the hand edit too");
    assert.ok(saved.rules.given?.includes("defaultPrice"));
    // A flag given anew replaces it.
    const flag = await plan(dir, ["--price", "22"]);
    assert.equal(flag.code, 0, flag.stderr);
    assert.equal(flag.plan.items[1].price, 22);
  });

  it("rules.given names each rule as rules does (default_price); a plan.json of an older vbulk (defaultPrice) still loads", async () => {
    // Before: plan.json said "given": ["defaultPrice"] beside "default_price", and a seller who wrote
    // "default_price" there by hand had the whole plan refused.
    const dir = await catalogFixture(articles);
    const first = await plan(dir, ["--price", "18"]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual((await readPlan(dir)).rules.given, ["default_price"]);
    assert.deepEqual(first.plan.rules.given, ["default_price"], "--json shows it as plan.json does");
    for (const written of ["defaultPrice", "default_price"]) {
      const p = await readPlan(dir);
      p.rules.given = [written, "condition"];
      p.rules.condition = "tres-bon";
      await writeFile(join(dir, "plan.json"), JSON.stringify(p, null, 2));
      const r = await plan(dir, ["--set", "c1.size=M"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((await readPlan(dir)).rules.given, ["condition", "default_price"], written);
      assert.deepEqual(
        r.plan.items.map((i: { price: number; condition: string }) => [i.price, i.condition]),
        [
          [18, "tres-bon"],
          [18, "tres-bon"],
          [18, "tres-bon"],
        ],
        written,
      );
    }
    const p = await readPlan(dir);
    p.rules.given = ["default-price"];
    await writeFile(join(dir, "plan.json"), JSON.stringify(p, null, 2));
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const bad = await plan(dir);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /default_price/, "the names it takes are plan.json's");
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
  });

  it("the review page's save says which rules it changed that the seller never gave (a terminal's --config)", async () => {
    // Review: a plan made with `vbulk plan --config` (lang en) went back to French and the defaults on « Générer le
    // plan », without a word on the page; `vbulk plan` says "changed: …" for the same.
    const dir = await catalogFixture(articles);
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ plan: { lang: "en", defaultPrice: 15 } }));
    assert.equal((await plan(dir, ["--config", config])).code, 0);
    const { plan: saved, changes } = await savePlanWithChanges(dir, []);
    assert.equal(saved.rules.lang, "fr");
    assert.deepEqual(changes.rules, [
      { field: "default_price", was: 15, now: 20 },
      { field: "lang", was: "en", now: "fr" },
    ]);
  });

  it("the review page's save says a publish mark was taken off an article merged with another", async () => {
    // Before: « Générer le plan » after a merge on the page carried c1's publish: true onto the jeans' photos too,
    // and the page said only "edits kept: c1".
    const dir = await catalogFixture(articles);
    const ready = ["--gender", "femme", "--set", "c1.size=M", "--set", "c3.size=W32", "--publish", "c1"];
    const first = await plan(dir, ready);
    assert.equal(first.code, 0, first.stderr);
    await catalogFixture(
      [{ ...articles[0]!, photos: ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"] }, articles[2]!],
      dir,
    );
    const { plan: saved, changes } = await savePlanWithChanges(dir, []);
    assert.equal(saved.items[0]?.publish, false);
    assert.deepEqual(changes.unpublished, [
      { id: "c1", why: "merged", others: ["c2"], marked: 2, photos: 3 },
    ]);
  });

  it("a rule without a fingerprint in rules.written is not taken for a hand edit", async () => {
    // Review: a rule missing from `written` (one a later vbulk adds) counted as "changed by hand" on every run.
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir)).code, 0);
    const p = await readPlan(dir);
    delete p.rules.written.brand;
    await writeFile(join(dir, "plan.json"), JSON.stringify(p, null, 2));
    const r = await plan(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /rules\.brand .*changed by hand/);
    assert.deepEqual(r.plan.rules.given, []);
  });

  it("a config file's value that changed since is followed, not taken for a hand edit", async () => {
    const dir = await catalogFixture(articles);
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ plan: { defaultPrice: 15 } }));
    assert.equal((await plan(dir, ["--config", config])).code, 0);
    await writeFile(config, JSON.stringify({ plan: { defaultPrice: 18 } }));
    const r = await plan(dir, ["--config", config]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.plan.items[1].price, 18);
    assert.deepEqual(r.plan.rules.given, []);
    assert.doesNotMatch(r.stderr, /changed by hand/);
    assert.match(r.stderr, /changed: rules\.default_price 15 → 18: not a rule you gave/);
    // Without the config file, every price changes: said, with how to keep the earlier one (audit-plan 6).
    const bare = await plan(dir);
    assert.equal(bare.code, 0, bare.stderr);
    assert.equal(bare.plan.items[1].price, 20);
    assert.match(
      bare.stderr,
      /changed: rules\.default_price 18 → 20: not a rule you gave, so it follows the config file and the defaults \(to keep 18: --price 18\)/,
    );
  });

  it("a bad hand edit exits 2 naming plan.json and the field, not the flags; plan.json untouched", async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir)).code, 0);
    const good = await readPlan(dir);
    for (const [field, value, shown] of [
      [
        "prices",
        { Hoody: 25 },
        /plan\.json \(rules\.prices.*\) but received "Hoody" \(did you mean "hoodie"\?\)/,
      ],
      ["brand", "   ", /plan\.json: rules\.brand: a text that is not only spaces/],
    ] as const) {
      await refusedRule(dir, good, field, value, shown);
    }
  });
});

describe("one way to load the label set, templates and mapping: vbulk plan and the review page agree", () => {
  it("an older label file (id, name, prompts) is completed from the built-in labels on the page's save too", async () => {
    // Before: the CLI said "Baskets noires", the page's save rewrote it "Baskets noir" (no French grammar).
    const dir = await catalogFixture(articles);
    const labels = join(dir, "my-labels.json");
    const label = (id: string, name: string) => ({ id, name, prompts: [`a photo of ${id}`] });
    await writeFile(
      labels,
      JSON.stringify({
        schemaVersion: 1,
        name: "mine",
        labels: [label("hoodie", "Hoodie"), label("sneakers", "Baskets"), label("jeans", "Jean")],
      }),
    );
    const cli = await plan(dir, [], { VBULK_LABELS: labels });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.plan.items[1].title, "Baskets noires (bon état)");
    const saved = await withEnv("VBULK_LABELS", labels, () =>
      savePlan(dir, [{ id: "c1", field: "price", value: "30" }]),
    );
    assert.equal(saved.items[1]!.title, "Baskets noires (bon état)");
  });
});

describe("the rules a page save uses are those vbulk plan would use", () => {
  it("a rule from the config file, changed since the last plan, is the new value on a page save too", async () => {
    // Before: the page's save copied every rule of the previous plan, so after the config file's price went from
    // 20 to 25 the page wrote 20 again, and the next `vbulk plan` 25: the prices flipped at each save.
    const dir = await catalogFixture(articles);
    const config = join(await tempDir(), "config.json");
    await writeFile(config, JSON.stringify({ plan: { defaultPrice: 20 } }));
    assert.equal((await plan(dir, ["--gender", "femme"], { VBULK_CONFIG: config })).code, 0);
    await writeFile(config, JSON.stringify({ plan: { defaultPrice: 25 } }));
    const cli = await plan(dir, [], { VBULK_CONFIG: config });
    assert.equal(cli.plan.items[0].price, 25);
    await writeFile(config, JSON.stringify({ plan: { defaultPrice: 30 } }));
    const saved = await withEnv("VBULK_CONFIG", config, () =>
      savePlan(dir, [{ id: "c3", field: "size", value: "W32" }]),
    );
    assert.equal(saved.items[0]!.price, 30, "the config file's price, as vbulk plan would give");
    assert.equal(saved.rules.gender, "femme", "a rule the seller gave stays");
  });
});

describe("--templates, --labels and --mapping are settings, kept like the rules", () => {
  it("kept by a later plan and the page's save, from any folder; `default` goes back; a vanished one is named", async () => {
    // Before: the next `vbulk plan --set …` (or a save on the review page) rewrote every description with the
    // built-in template, silently, and a category of the seller's label file made a plain `vbulk plan` exit 2.
    const dir = await catalogFixture(articles);
    const home = await tempDir("vbulk-seller-");
    await mkdir(join(home, "my-templates", "fr"), { recursive: true });
    await cp(join(REPO, "templates", "fr", "title.njk"), join(home, "my-templates", "fr", "title.njk"));
    await writeFile(
      join(home, "my-templates", "fr", "description.njk"),
      "Ma boutique : {{ category }} {{ color }}.",
    );
    const garments = JSON.parse(await readFile(join(REPO, "models", "labels", "garments.json"), "utf8"));
    garments.labels.push({ id: "kimono", name: "Kimono", prompts: ["a photo of a kimono"] });
    await writeFile(join(home, "my-labels.json"), JSON.stringify(garments));
    await cp(join(REPO, "models", "vinted-fr.json"), join(home, "my-mapping.json"));
    const mine = [
      "--templates",
      "my-templates",
      "--labels",
      "my-labels.json",
      "--mapping",
      "./my-mapping.json",
    ];
    const first = await plan(dir, [...mine, "--set", "c1.category=kimono"], {}, home);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.plan.items[0].description, "Ma boutique : Kimono noir.");
    // A label without the newer fields: the seller is told the colour falls back on the masculine (before: a
    // « Veste kimono blanc » with no word).
    assert.match(
      first.plan.items[0].notes.join("\n"),
      /label "kimono" has no French grammar .* masculine singular/,
    );
    assert.deepEqual(first.plan.items[1].notes, [], "a label of the built-in set says nothing");
    assert.equal(first.plan.rules.templates, join(home, "my-templates"), "stored as an absolute path");

    const later = await plan(dir, ["--set", "c2.size=42"], {}, REPO);
    assert.equal(later.code, 0, later.stderr);
    assert.deepEqual(
      later.plan.items.map((i: { description: string }) => i.description),
      ["Ma boutique : Kimono noir.", "Ma boutique : Baskets noires.", "Ma boutique : Jean bleu."],
    );
    assert.deepEqual(
      [later.plan.rules.templates, later.plan.rules.labels, later.plan.rules.mapping],
      [join(home, "my-templates"), join(home, "my-labels.json"), join(home, "my-mapping.json")],
    );
    const saved = await savePlan(dir, [{ id: "c3", field: "size", value: "W32" }]);
    assert.equal(saved.items[2]!.description, "Ma boutique : Jean bleu.", "the page's save keeps them too");

    const back = await plan(dir, ["--templates", "default"]);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.plan.items[2].description, /^Jean bleu\. Bon état\./);
    assert.equal(back.plan.rules.templates, undefined);
    assert.equal(back.plan.rules.labels, join(home, "my-labels.json"), "the others stay");

    await rm(join(home, "my-labels.json"));
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const gone = await runCli(["plan", dir], { env: testEnv() });
    assert.equal(gone.code, 2, gone.stderr);
    assert.match(gone.stderr, /Expected the label set .*my-labels\.json \(plan\.json's rules\.labels/);
    assert.match(gone.stderr, /--labels default/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json untouched");
  });
});

describe("a mapping file (--mapping) is checked like the other settings files", () => {
  it("an unknown field is refused naming the field meant; a category naming no label is said, not refused", async () => {
    // Before: "need_size" was dropped without a word (needs_size stayed as the shipped file says), and "hoody" was
    // a category no article could ever have: both exit 0, plan.json written.
    const dir = await catalogFixture(articles, undefined, { files: true });
    const mapping = JSON.parse(await readFile(join(REPO, "models", "vinted-fr.json"), "utf8"));
    mapping.categories.hoodie.need_size = true;
    const file = join(await tempDir(), "map.json");
    await writeFile(file, JSON.stringify(mapping));
    const refused = await runCli(["plan", dir, "--mapping", file], { env: testEnv() });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /Invalid .*map\.json: categories\.hoodie: unknown field "need_size" \(did you mean "needs_size"\?\)/,
    );
    await assert.rejects(readFile(join(dir, "plan.json")), "no plan.json written");

    delete mapping.categories.hoodie.need_size;
    mapping.categories.hoody = mapping.categories.hoodie;
    await writeFile(file, JSON.stringify(mapping));
    const r = await plan(dir, ["--mapping", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /warning: .*map\.json: categories\.hoody names no label of the label set \(did you mean "hoodie"\?\)/,
    );
    // A copy of the shipped mapping with a label set of the seller's that has fewer labels (robe taken out, or
    // renamed): the shipped categories are not typos, and the older copy keeps working without a word.
    delete mapping.categories.hoody;
    await writeFile(file, JSON.stringify(mapping));
    const garments = JSON.parse(await readFile(join(REPO, "models", "labels", "garments.json"), "utf8"));
    garments.labels = garments.labels.filter((l: { id: string }) => l.id !== "robe");
    const labels = join(await tempDir(), "labels.json");
    await writeFile(labels, JSON.stringify(garments));
    const fewer = await plan(dir, ["--mapping", file, "--labels", labels]);
    assert.equal(fewer.code, 0, fewer.stderr);
    assert.equal(fewer.stderr, "");
  });
});

describe("a seller's edit stays an edit, even when it equals what the rules give", () => {
  it("--set c1.price=25, --price 25, --price 30: c1 stays at 25; --reset hands it back to the rules", async () => {
    // Before: the edit was only "a value that differs from the generated one": at --price 25 it was absorbed,
    // and --price 30 then set c1 to 30.
    const dir = await catalogFixture(articles);
    const prices = (p: { items: { price: number }[] }) => p.items.map((i) => i.price);
    assert.equal((await plan(dir, ["--set", "c1.price=25"])).code, 0);
    assert.deepEqual(prices((await plan(dir, ["--price", "25"])).plan), [25, 25, 25]);
    const later = (await plan(dir, ["--price", "30"])).plan;
    assert.deepEqual(prices(later), [25, 30, 30]);
    assert.deepEqual(
      later.items.map((i: { edited: string[] }) => i.edited),
      [["price"], [], []],
    );

    // A plan.json of an older vbulk (no `edited`): edits are the fields that differ from `generated`, as before.
    const old = await readPlan(dir);
    for (const i of old.items) delete i.edited;
    old.items[1].brand = "Nike";
    await writeFile(join(dir, "plan.json"), JSON.stringify(old, null, 2));
    const upgraded = (await plan(dir, ["--price", "31"])).plan;
    assert.deepEqual(prices(upgraded), [25, 31, 31]);
    assert.deepEqual(
      upgraded.items.map((i: { edited: string[] }) => i.edited),
      [["price"], ["brand"], []],
    );

    const saved = await savePlan(dir, [{ id: "c3", field: "price", value: "31" }]);
    assert.deepEqual(saved.items[2]!.edited, ["price"], "the page's edits are recorded too");

    const reset = await plan(dir, ["--reset", "c1.price", "--reset", "c3"]);
    assert.equal(reset.code, 0, reset.stderr);
    assert.deepEqual(prices(reset.plan), [31, 31, 31]);
    assert.deepEqual(
      reset.plan.items.map((i: { edited: string[] }) => i.edited),
      [[], ["brand"], []],
    );
    const bad = await runCli(["plan", dir, "--reset", "c1.colour"], { env: testEnv() });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(
      bad.stderr,
      /for the field of --reset c1\.colour but received "colour" \(did you mean "color"\?\)/,
    );
  });
});

describe("hand edits of plan.json outside the fields a seller edits are said, not silently dropped", () => {
  it("a typo key is refused naming the field meant; vinted.* and photos put back with what to edit instead", async () => {
    // Before: "colour" was dropped and vinted.color_ids, vinted.package_size_id and photos put back, all without
    // a word; execute sent the hand-edited values until the next plan.
    const dir = await catalogFixture(articles, undefined, { files: true });
    assert.equal((await plan(dir, ["--gender", "femme"])).code, 0);
    const good = await readPlan(dir);
    const typo = structuredClone(good);
    typo.items[0].colour = "rouge";
    const text = JSON.stringify(typo, null, 2);
    await writeFile(join(dir, "plan.json"), text);
    const refused = await runCli(["plan", dir], { env: testEnv() });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /plan\.json: items\[0\] \(article c1\): unknown field "colour" \(did you mean "color"\?\)/,
    );
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), text, "plan.json untouched");

    const derived = structuredClone(good);
    derived.items[0].vinted.color_ids = [5];
    derived.items[0].vinted.package_size_id = 3;
    derived.items[2].photos = ["IMG_0004.jpg"];
    await writeFile(join(dir, "plan.json"), JSON.stringify(derived, null, 2));
    const r = await plan(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /c1: vinted\.color_ids \[5\] put back to \[1\].*--set c1\.color_ids=5/);
    assert.match(r.stderr, /c1: vinted\.package_size_id 3 put back to 2/);
    assert.match(r.stderr, /c3: photos put back to the catalog's 2 photos.*vbulk review/);
    assert.deepEqual(r.plan.items[0].vinted.color_ids, [1]);
    assert.deepEqual(r.plan.items[2].photos, ["IMG_0004.jpg", "IMG_0005.jpg"]);
    const again = await plan(dir);
    assert.equal(again.stderr, "", "said once; a plain run has nothing to say");
  });

  it("a leaf id missing from the seller's own mapping (--mapping, kept) is to be set in that file", async () => {
    // Before, the reason named the config folder's vinted-mapping.json ("plan reads it first"), which a plan with
    // --mapping FILE never reads: the seller set the id there, and the plan still said it was missing.
    const dir = await catalogFixture(articles);
    const own = await mappingWithoutJeansLeaf("my-mapping.json");
    assert.equal((await plan(dir, ["--gender", "femme", "--mapping", own])).code, 0);
    const r = await plan(dir);
    const reasons = r.plan.items[2].needs_review.join("\n");
    assert.match(
      reasons,
      new RegExp(
        `categories\\.jeans\\.catalog\\.femme\\.id in ${own.replace(/[.]/g, "\\.")} \\(the mapping this plan reads`,
      ),
    );
  });

  it("a leaf id the mapping did not know, found later (vinted sync), is filled in without a word", async () => {
    // Before, the id null of the earlier plan was reported as a hand edit: "vinted.catalog_id null put back to
    // 1864 … edit category and gender instead" for every article a `vbulk vinted sync` resolved.
    const dir = await catalogFixture(articles);
    const older = await mappingWithoutJeansLeaf("mapping-before-sync.json");
    assert.equal((await plan(dir, ["--gender", "femme", "--mapping", older])).code, 0);
    assert.equal((await readPlan(dir)).items[2].vinted.catalog_id, null);
    const r = await plan(dir, ["--mapping", "default"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.plan.items[2].vinted.catalog_id, 1864);
    assert.doesNotMatch(r.stderr, /not kept/);
  });
});

describe("an empty environment variable is unset (new-user audit)", () => {
  // A cron script's `export DEFAULT_PRICE=$PRICE` with PRICE unset. Before: DEFAULT_PRICE= and VBULK_GENDER= stopped
  // plan with exit 2 ('… but received ""'), while VBULK_CONFIG= or VBULK_LABELS= were taken as unset.
  it("plan with every one of its variables set but empty makes the plan it makes without them", async () => {
    const without = await catalogFixture(articles, undefined, { files: true });
    assert.equal((await plan(without)).code, 0);
    const dir = await catalogFixture(articles, undefined, { files: true });
    const empty = Object.fromEntries(
      [
        "DEFAULT_PRICE",
        "PRICE_RULES_JSON",
        "VBULK_RULES",
        "VBULK_GENDER",
        "VBULK_CONDITION",
        "VBULK_LANG",
        "VBULK_TEMPLATES",
        "VBULK_MAPPING",
        "VBULK_LABELS",
        "VBULK_CONFIG",
      ].map((name) => [name, ""]),
    );
    const r = await plan(dir, [], empty);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const shown = (p: { items: { title: string; price: number; condition: string }[] }) =>
      p.items.map((i) => [i.title, i.price, i.condition]);
    assert.deepEqual(shown(await readPlan(dir)), shown(await readPlan(without)));
  });
});
