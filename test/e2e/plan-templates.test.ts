import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { catalogFixture } from "../helpers/catalog.js";
import { runCli, tempDir, testEnv } from "../helpers/run.js";

// Audit items 8, 11, 14 and 16 (templates): a template is a file sellers share, so it is data. Whatever it holds,
// `vbulk plan` ends in exit 0 or a clear exit 2 naming the file: never a crash, never minutes, plan.json untouched
// and the plan lock released.

const articles = [
  { category: "hoodie", color: "noir" as const, photos: ["IMG_0001.jpg", "IMG_0002.jpg"] },
  { category: "t-shirt", color: "blanc" as const, photos: ["IMG_0003.jpg"] },
];

async function planned() {
  const dir = await catalogFixture(articles);
  const r = await runCli(["plan", dir], { env: testEnv() });
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

async function templates(title: string, description = "{{ category }} {{ color }}.") {
  const tpl = await tempDir("vbulk-tpl-");
  await mkdir(join(tpl, "fr"));
  await writeFile(join(tpl, "fr", "title.njk"), title);
  await writeFile(join(tpl, "fr", "description.njk"), description);
  return tpl;
}

/** `vbulk plan --templates tpl` on a planned folder is refused: exit 2 matching `pattern`, nothing written. */
async function refused(tpl: string, pattern: RegExp) {
  const dir = await planned();
  const before = await readFile(join(dir, "plan.json"), "utf8");
  const r = await runCli(["plan", dir, "--templates", tpl], { env: testEnv() });
  assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr.slice(0, 2000)}`);
  assert.doesNotMatch(r.stderr, /unexpected|Fatal| {4}at /i);
  assert.match(r.stderr, pattern);
  assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json untouched");
  assert.equal(existsSync(join(dir, ".vbulk", "plan.lock")), false, "plan lock released");
  return r;
}

describe("plan: a template cannot exhaust memory or time (audit item 8)", () => {
  it("the audit's 150-byte capture-doubling template is refused, naming the file and the limit", async () => {
    const bomb =
      '{% capture s %}xxxxxxxxxxxxxxxx{% endcapture %}{% for i in (1..23) %}{% capture s %}{{s}}{{s}}{% endcapture %}{% endfor %}{{ s | replace: "x", "y" | size }}';
    await refused(await templates(bomb), /fr\/title\.njk.* over \d+ characters/);
  });
  it("the same doubling with echo in a description is refused, naming description.njk", async () => {
    const bomb = `{% capture s %}0123456789{% endcapture %}{% for i in (1..30) %}{% capture s %}{% liquid echo s
echo s %}{% endcapture %}{% endfor %}{{ s | slice: 0, 10 }}`;
    await refused(await templates("{{ category }}", bomb), /fr\/description\.njk.* over .*characters/);
  });
  it("five nested loops (371 293 turns a render) are refused at once, not after minutes", async () => {
    const loops =
      "{% for a in (1..13) %}{% for b in (1..13) %}{% for c in (1..13) %}{% for d in (1..13) %}{% for e in (1..13) %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{{ category }}";
    await refused(await templates(loops), /fr\/title\.njk.* over .*steps/);
  });
});

describe("plan: template comments ignore what they hold (audit item 11)", () => {
  for (const [title, want] of [
    ["{{ category }}{# {{ size }} #}", "Hoodie"],
    ["{# {% if size %}T{% endif %} #}{{ category }}", "Hoodie"],
    ["{{ category }}{# an {% unclosed tag and a }} #} {{ color }}", "Hoodie noir"],
  ] as const)
    it(title, async () => {
      const dir = await planned();
      const r = await runCli(["plan", dir, "--templates", await templates(title), "--json"], {
        env: testEnv(),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).items[0].title, want);
    });
});

describe("plan: a template's mistakes are named as the template's (audit item 14)", () => {
  it("a title template that renders nothing names the template, not the edit", async () => {
    const r = await refused(
      await templates("{% if size %}{{ size }}{% endif %}"),
      /Expected .*fr\/title\.njk to render a title for c1 but it rendered nothing/,
    );
    assert.doesNotMatch(r.stderr, /Fix the edit/);
  });
  it("a title template that renders only a control character names the template, not the edit", async () => {
    const r = await refused(
      await templates("{{ brand | default: '' }}\u0007"),
      /Expected .*fr\/title\.njk to render a title for c1 but it rendered nothing but control characters/,
    );
    assert.doesNotMatch(r.stderr, /Fix the edit/);
  });
  it("a folder in place of title.njk is called a folder", async () => {
    const tpl = await templates("x");
    const { rm } = await import("node:fs/promises");
    await rm(join(tpl, "fr", "title.njk"));
    await mkdir(join(tpl, "fr", "title.njk"));
    const r = await refused(tpl, /Expected a template file at .*fr\/title\.njk but found a folder there/);
    assert.doesNotMatch(r.stderr, /found no file/);
  });
});

describe("plan: the title filter keeps a brand's capitals (audit item 16)", () => {
  it("{{ brand | title }} with --set c1.brand='ralph lauren' and c2.brand=H&M", async () => {
    const dir = await planned();
    const r = await runCli(
      [
        "plan",
        dir,
        "--templates",
        await templates("{{ brand | title }} {{ category }}"),
        "--set",
        "c1.brand=ralph lauren",
        "--set",
        "c2.brand=H&M",
        "--json",
      ],
      { env: testEnv() },
    );
    assert.equal(r.code, 0, r.stderr);
    const items = JSON.parse(r.stdout).items;
    assert.equal(items[0].title, "Ralph Lauren Hoodie");
    assert.equal(items[1].title, "H&M T-shirt");
  });
});
