import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_TEMPLATES, loadTemplates, render, type TemplateContext } from "../src/listing/templates.js";
import { tempDir } from "./helpers/run.js";

const ctx: TemplateContext = {
  id: "c1",
  category: "Chemise",
  color: "blanche",
  condition: "bon état",
  condition_sentence: "Bon état.",
  size: "M",
  brand: null,
  price: 20,
  gender: "femme",
};

async function templatesWith(title: string, description = "{{ category }}") {
  const dir = await tempDir("vbulk-tpl-");
  await mkdir(join(dir, "fr"));
  await writeFile(join(dir, "fr", "title.njk"), title);
  await writeFile(join(dir, "fr", "description.njk"), description);
  return dir;
}

/** Renders a title template, or returns the error a seller would see. */
async function tryTitle(src: string): Promise<{ text?: string; error?: string }> {
  try {
    const t = await loadTemplates(await templatesWith(src), "fr");
    return { text: render(t.title, ctx, "title.njk") };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe("templates are data, not code (issue 8, item 1)", () => {
  const g = globalThis as { __vbulkPwned?: number };
  for (const attack of [
    `{{ "".constructor.constructor("globalThis.__vbulkPwned = 1; return 'PWNED'")() }}`,
    `{{ category.constructor.constructor("globalThis.__vbulkPwned = 1; return 'PWNED'")() }}`,
    `{% set f = "".constructor.constructor %}{{ f("globalThis.__vbulkPwned = 1; return 'PWNED'")() }}`,
    `{{ range.constructor("globalThis.__vbulkPwned = 1; return 'PWNED'")() }}`,
    `{{ category.__proto__.constructor.constructor("globalThis.__vbulkPwned = 1")() }}`,
  ]) {
    it(`runs no JavaScript: ${attack.slice(0, 60)}`, async () => {
      delete g.__vbulkPwned;
      const r = await tryTitle(attack);
      assert.equal(g.__vbulkPwned, undefined, "the template ran JavaScript");
      assert.ok(!r.text?.includes("PWNED"), `rendered ${r.text}`);
    });
  }

  it("cannot read a file or the environment", async () => {
    const r = await tryTitle(`{% include "/etc/passwd" %}{% render "/etc/hostname" %}`);
    assert.ok(!r.text?.includes("root:"), `rendered ${r.text}`);
    assert.match(r.error ?? "", /title\.njk/);
  });

  it("an endless loop is stopped with an error naming the file", async () => {
    const r = await tryTitle(
      "{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}",
    );
    assert.equal(r.text, undefined);
    assert.match(r.error ?? "", /title\.njk/);
  });
});

describe("templates keep the spec's Jinja-like syntax", () => {
  it("the default templates render", async () => {
    const t = await loadTemplates(DEFAULT_TEMPLATES, "fr");
    assert.match(render(t.title, ctx, "title.njk"), /^Chemise blanche/);
  });
  for (const [src, want] of [
    [
      "{{ category }} {{ color }} ({{ condition }}){% if size %} – Taille {{ size }}{% endif %}",
      "Chemise blanche (bon état) – Taille M",
    ],
    ["{% if brand %}{{ brand }} {% endif %}{{ category }}", "Chemise"],
    ["{{ category | upper }} {{ color|lower }}", "CHEMISE blanche"],
    ["{% if size == 'S' %}petit{% elif size == 'M' %}moyen{% else %}grand{% endif %}", "moyen"],
    ["{# a comment #}{{ category }}{% if price > 10 %} {{ price }} €{% endif %}", "Chemise 20 €"],
    ["{{ brand | default('Sans marque') }}", "Sans marque"],
  ] as const) {
    it(src, async () => {
      const r = await tryTitle(src);
      assert.equal(r.error, undefined);
      assert.equal(r.text, want);
    });
  }
  it("an unknown variable is an error naming it and the file", async () => {
    const r = await tryTitle("{{ category }} {{ colour }}");
    assert.match(r.error ?? "", /Expected only known variables in .*title\.njk but it uses \{\{ colour \}\}/);
  });
  it("a syntax error names the file", async () => {
    const r = await tryTitle("{% if size %}{{ category }}");
    assert.match(r.error ?? "", /Expected a valid template in .*title\.njk but it has a syntax error/);
  });
});
