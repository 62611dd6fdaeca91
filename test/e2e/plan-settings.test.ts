import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { savePlan } from "../../src/review/actions.js";
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
      const text = JSON.stringify({ ...good, rules: { ...good.rules, [field]: value } }, null, 2);
      await writeFile(join(dir, "plan.json"), text);
      const r = await runCli(["plan", dir], { env: testEnv() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, shown);
      assert.doesNotMatch(r.stderr, /Check the flags|unexpected/i);
      assert.equal(await readFile(join(dir, "plan.json"), "utf8"), text, "plan.json untouched");
    }
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
    const before = process.env.VBULK_LABELS;
    process.env.VBULK_LABELS = labels;
    try {
      const saved = await savePlan(dir, [{ id: "c1", field: "price", value: "30" }]);
      assert.equal(saved.items[1]!.title, "Baskets noires (bon état)");
    } finally {
      if (before === undefined) delete process.env.VBULK_LABELS;
      else process.env.VBULK_LABELS = before;
    }
  });
});
