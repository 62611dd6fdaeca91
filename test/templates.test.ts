import assert from "node:assert/strict";
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULTS } from "../src/core/defaults.js";
import {
  DEFAULT_TEMPLATES,
  loadTemplates,
  render,
  type TemplateContext,
  type TemplateLimits,
  titleCase,
} from "../src/listing/templates.js";
import { tempDir } from "./helpers/run.js";

const ctx: TemplateContext = {
  id: "c1",
  category: "Chemise",
  group: "clothing",
  color: "blanche",
  condition: "bon état",
  condition_sentence: "Bon état.",
  size: "M",
  brand: null,
  price: 20,
  gender: "femme",
};

async function templatesWith(title: string | Buffer, description = "{{ category }}") {
  const dir = await tempDir("vbulk-tpl-");
  await mkdir(join(dir, "fr"));
  await writeFile(join(dir, "fr", "title.njk"), title);
  await writeFile(join(dir, "fr", "description.njk"), description);
  return dir;
}

/** Renders a title template, or returns the error a seller would see. */
async function tryTitle(
  src: string,
  limits: Partial<TemplateLimits> = {},
  values: Partial<TemplateContext> = {},
): Promise<{ text?: string; error?: string; hint?: string }> {
  try {
    const t = await loadTemplates(await templatesWith(src), "fr", { ...DEFAULTS.templates, ...limits });
    return { text: render(t.title, { ...ctx, ...values }, "title.njk") };
  } catch (err) {
    return { error: (err as Error).message, hint: (err as { hint?: string }).hint };
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
    // `noun`: a type's name inside a sentence, keeping the capital of « T-shirt ».
    ["{{ color }} {{ category | noun }}", "blanche chemise"],
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

// Audit-errors 9: a filter error was "a syntax error … col:1", a missing argument got the hint about {% if %}, and
// `truncate: 'abc'` made every title "Vêtement ...", sent to buyers without a word.
describe("templates: filters are checked by name and argument, naming the line", () => {
  it("an unknown filter is named with its line and column, and the filters are listed", async () => {
    const r = await tryTitle("{{ category }}\n{# a | shout #}{{ color | shout }}");
    assert.match(r.error ?? "", /unknown filter "shout" at line 2, column 27 of .*title\.njk/);
    assert.doesNotMatch(r.error ?? "", /syntax error/);
    assert.match(r.hint ?? "", /Filters: .*upper, .*default/);
  });
  for (const src of [
    "{{ color | append }}",
    "{{ color | prepend() }}",
    "{% if size %}{{ price | plus }}{% endif %}",
  ])
    it(`a filter without the argument it needs: ${src}`, async () => {
      const r = await tryTitle(src);
      assert.equal(r.text, undefined);
      assert.match(
        r.error ?? "",
        /Expected an argument for filter "(append|prepend|plus)" at line 1, column \d+ of .*title\.njk but received none/,
      );
      assert.doesNotMatch(r.hint ?? "", /\{% if/);
    });
  for (const src of [
    "{{ category | truncate: 'abc' }}",
    "{{ category | truncatewords: 'x' }}",
    "{{ price | plus: 'deux' }}",
    "{{ category | slice: 0, 'a' }}",
  ])
    it(`a filter taking a number given a text is refused: ${src}`, async () => {
      const r = await tryTitle(src);
      assert.equal(r.text, undefined);
      assert.match(
        r.error ?? "",
        /Expected a number for filter "\w+" at line 1, column \d+ of .*title\.njk but received "(abc|x|deux|a)"/,
      );
    });
  it("a filter's number argument from a variable that holds a text is refused when it renders", async () => {
    const r = await tryTitle("{{ category | truncate: color }}");
    assert.equal(r.text, undefined);
    assert.match(
      r.error ?? "",
      /Expected a number for filter "truncate" in .*title\.njk .*but received "blanche"/,
    );
  });
  it("numbers, written or quoted, still work", async () => {
    assert.equal((await tryTitle("{{ category | truncate: 4, '' }}")).text, "Chem");
    assert.equal((await tryTitle("{{ category | truncate: '5' }}")).text, "Ch...");
    assert.equal((await tryTitle("{{ category | append: ' x' }}")).text, "Chemise x");
  });
});

// Audit item 8: LiquidJS's memoryLimit did not count outputs and captures (a 150-byte template doubled a string to a
// gigabyte and crashed node), and its renderLimit was milliseconds of wall clock, per render: flaky under load and
// minutes over 500 articles. Every limit is now a count; small limits here keep these tests light.
describe("templates: what a render may build is counted (audit item 8)", () => {
  const small = { maxTextChars: 1000, maxRenderChars: 5000, maxRenderSteps: 500 };
  for (const [name, src, over, limits] of [
    [
      "capture doubling",
      "{% capture s %}xxxxxxxxxxxxxxxx{% endcapture %}{% for i in (1..23) %}{% capture s %}{{s}}{{s}}{% endcapture %}{% endfor %}{{ s | size }}",
      /over \d+ characters/,
    ],
    [
      "echo doubling in a capture",
      "{% capture s %}0123456789{% endcapture %}{% for i in (1..30) %}{% capture s %}{% echo s %}{% echo s %}{% endcapture %}{% endfor %}x",
      /over \d+ characters/,
    ],
    [
      "a long output",
      "{% for i in (1..200) %}0123456789{% endfor %}",
      /built a text of over 1000 characters/,
    ],
    [
      "a filter growing a variable that is never printed (url_encode)",
      '{% assign s = "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%" %}{% for i in (1..40) %}{% assign s = s | url_encode %}{% endfor %}{{ s | size }}',
      // Counted only as the filter's result: the limit on all characters is out of the way here.
      /built a text of over 1000 characters/,
      { maxRenderChars: 1_000_000 },
    ],
    [
      // Before: « wrote and filtered over 5000 characters in all » for a template that writes nothing.
      "a loop over a range of 100 million (one list asked for at once)",
      "{% for i in (1..100000000) %}{% endfor %}ok",
      /made a list \(or text\) of 100000000 items at once, over 1000 \(a range such as \(1\.\.100000000\) is one\)/,
    ],
    [
      "five nested loops of 13 (371 293 turns)",
      "{% for a in (1..13) %}{% for b in (1..13) %}{% for c in (1..13) %}{% for d in (1..13) %}{% for e in (1..13) %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}x",
      /took over 500 steps/,
    ],
  ] as [string, string, RegExp, Partial<TemplateLimits>?][])
    it(`${name} is refused, naming the file and the limit`, async () => {
      const r = await tryTitle(src, { ...small, ...limits });
      assert.equal(r.text, undefined);
      assert.match(r.error ?? "", /^Expected .*title\.njk to render within vbulk's template limits/);
      assert.match(r.error ?? "", over);
    });

  it("the same template passes or fails the same way every time (counted, not timed)", async () => {
    const src = `{% for i in (1..${small.maxRenderSteps - 3}) %}{% endfor %}x`;
    for (let i = 0; i < 3; i++) assert.equal((await tryTitle(src, small)).text, "x");
    assert.match(
      (await tryTitle(`{% for i in (1..${small.maxRenderSteps}) %}{% endfor %}x`, small)).error ?? "",
      /steps/,
    );
  });

  it("the default templates and a long description stay well within the limits", async () => {
    const t = await loadTemplates(DEFAULT_TEMPLATES, "fr");
    assert.match(render(t.description, ctx, "description.njk"), /^Chemise blanche/);
    const r = await tryTitle(
      `{{ category }}. ${"Très beau vêtement. ".repeat(150)}{{ brand | default('Sans marque') | upper }}`,
    );
    assert.equal(r.error, undefined);
    assert.equal(r.text?.length, 3020);
  });

  it("a template file over maxTemplateChars is refused before it is parsed", async () => {
    const r = await tryTitle(`{{ category }}${" ".repeat(200)}`, { maxTemplateChars: 100 });
    assert.match(
      r.error ?? "",
      /Expected a template of at most 100 characters at .*title\.njk but it holds 214/,
    );
  });
});

// Audit item 11: a comment's body was kept and parsed ({{ size }} inside one was an unclosed output).
describe("templates: {# comments #} ignore everything inside them (audit item 11)", () => {
  for (const [src, want] of [
    ["{{ category }}{# {{ size }} #}", "Chemise"],
    ["{# {% if size %}T{% endif %} #}{{ category }}", "Chemise"],
    ["{# {% for %} {{ #}{{ category }}{# }} %} #}", "Chemise"],
    ["{# multi\nline {{ colour }} #}\n{{ category }}", "Chemise"],
    ["{{ category }}   {#- trims before #} {{ color }}", "Chemise blanche"],
    ['{{ "{#" }}{{ category }}{{ "#}" }}', "{#Chemise#}"],
    ["{% raw %}{# kept #}{% endraw %}", "{# kept #}"],
  ] as const)
    it(JSON.stringify(src), async () => {
      const r = await tryTitle(src);
      assert.equal(r.error, undefined);
      assert.equal(r.text, want);
    });
  it("an unknown variable inside a comment is no error (it is not used)", async () => {
    assert.equal((await tryTitle("{# {{ colour }} #}{{ category }}")).text, "Chemise");
  });
  it("a comment that is not closed is a syntax error naming the file", async () => {
    const r = await tryTitle("{{ category }} {# forgot to close");
    assert.match(
      r.error ?? "",
      /Expected a valid template in .*title\.njk but it has a syntax error: .*not closed/,
    );
  });
});

// Audit item 16: `title` was Liquid's capitalize ("H&M" → "H&m", "ralph lauren" → "Ralph lauren").
describe("templates: the title filter capitalises words and keeps a brand's own capitals (audit item 16)", () => {
  for (const [input, want] of [
    ["ralph lauren", "Ralph Lauren"],
    ["H&M", "H&M"],
    ["h&m", "H&M"],
    ["DKNY", "DKNY"],
    ["McQueen", "McQueen"],
    ["levi's 501", "Levi's 501"],
    ["saint-laurent", "Saint-Laurent"],
    ["t-shirt (oversize)", "T-Shirt (Oversize)"],
    ["éternel été", "Éternel Été"],
    ["a.p.c.", "A.P.C."],
    ["jean 501 3xl", "Jean 501 3xl"],
    ["'vintage'", "'vintage'"],
    ["", ""],
  ] as const)
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.equal(titleCase(input), want));
  it("in a template, and `lower | title` for a brand typed in capitals", async () => {
    assert.equal((await tryTitle("{{ brand | title }}", {}, { brand: "ralph lauren" })).text, "Ralph Lauren");
    assert.equal(
      (await tryTitle("{{ brand | lower | title }}", {}, { brand: "RALPH LAUREN" })).text,
      "Ralph Lauren",
    );
  });
});

// Audit item 14 (templates): the message named the edit, not the template; a folder was "no file".
describe("templates: a template's own mistakes name the template (audit item 14)", () => {
  it("a title template that renders nothing for an article", async () => {
    const r = await tryTitle("{% if size %}{{ size }}{% endif %}", {}, { size: null });
    assert.match(r.error ?? "", /^Expected .*title\.njk to render a title for c1 but it rendered nothing$/);
    assert.match(r.hint ?? "", /\{% if … %\}/);
  });
  it("a folder in place of title.njk", async () => {
    const dir = await templatesWith("x");
    await rm(join(dir, "fr", "title.njk"));
    await mkdir(join(dir, "fr", "title.njk"));
    await assert.rejects(
      loadTemplates(dir, "fr"),
      /Expected a template file at .*title\.njk but found a folder there/,
    );
  });
  it("a missing template is still 'no file there'", async () => {
    const dir = await templatesWith("x");
    await rm(join(dir, "fr", "title.njk"));
    await assert.rejects(
      loadTemplates(dir, "fr"),
      /Expected a template at .*title\.njk but found no file there/,
    );
  });
});

// Audit-plan 13: {{ category.foo }} got the hint about empty variables and named no article; --templates DIR/fr
// looked for DIR/fr/fr/title.njk, and --lang en with only DIR/fr said to copy the French defaults.
describe("templates: a mistake's hint fits it (audit-plan 13)", () => {
  it("a property of a variable is refused when the templates are read, naming it and the file", async () => {
    const r = await tryTitle("{{ category.foo }}");
    assert.match(
      r.error ?? "",
      /^Expected plain variables in .*title\.njk but it uses \{\{ category\.foo \}\}$/,
    );
    assert.match(
      r.hint ?? "",
      /^Variables are plain texts and numbers, with no properties \(only \.size, a text's length\): write \{\{ category \}\}\. Known variables: category, color, .*id\.$/,
    );
    assert.doesNotMatch(r.hint ?? "", /\{% if/);
  });
  it("{{ brand.name }} is refused even for an article without a brand (it rendered nothing there)", async () => {
    // A review: with no brand it rendered "" and the plan passed; the next batch, with a brand, failed.
    const r = await tryTitle("{{ category }} {{ brand.name }}", {}, { brand: null });
    assert.equal(r.text, undefined, `rendered ${JSON.stringify(r.text)}`);
    assert.match(r.error ?? "", /it uses \{\{ brand\.name \}\}/);
  });
  it("{{ category.size }}, a text's length, is still allowed", async () => {
    assert.equal((await tryTitle("{{ category }} {{ category.size }}")).text, "Chemise 7");
  });
  it("the language folder itself, passed as the templates folder, says to pass the folder that holds fr/ and en/", async () => {
    const dir = await templatesWith("{{ category }}");
    const refusal = await loadTemplates(join(dir, "fr"), "fr").then(
      () => assert.fail("loaded"),
      (err: Error & { hint?: string }) => err,
    );
    assert.match(
      refusal.message,
      /one folder per language \(fr\/title\.njk\) at .*\/fr but it holds title\.njk itself/,
    );
    assert.equal(
      refusal.hint,
      `Pass the folder that holds fr/ and en/: --templates ${dir}. Nothing was written.`,
    );
  });
  it("a language the folder lacks is named, with the default folder of that language to copy", async () => {
    const dir = await templatesWith("{{ category }}");
    const refusal = await loadTemplates(dir, "en").then(
      () => assert.fail("loaded"),
      (err: Error & { hint?: string }) => err,
    );
    assert.match(
      refusal.message,
      /^Expected a folder en\/ \(for --lang en\) in the templates folder .* but it has only fr\/$/,
    );
    assert.equal(
      refusal.hint,
      `Copy ${join(DEFAULT_TEMPLATES, "en")} to ${join(dir, "en")} to start from the defaults, or plan in another language (--lang fr). Nothing was written.`,
    );
  });
});

// Audit-plan finding 5: Liquid's `or` and `and` gave true or false, so `{{ brand or 'sans marque' }}` printed "true".
// They now give a value, as in Jinja: the first operand that decides. Conditions are as true as before.
describe("templates: `or` and `and` give a value, as in Jinja (audit-plan 5)", () => {
  for (const [src, values, want] of [
    ["{{ brand or 'sans marque' }}", { brand: null }, "sans marque"],
    ["{{ brand or 'sans marque' }}", { brand: "" }, "sans marque"],
    ["{{ brand or 'sans marque' }}", { brand: "Nike" }, "Nike"],
    ["{{ brand or size or 'x' }}", { brand: null }, "M"],
    ["{{ size and 'taille ' }}{{ size }}", {}, "taille M"],
    ["{{ brand and 'de marque' }}{{ category }}", { brand: null }, "Chemise"],
    ["{% if brand or size %}oui{% else %}non{% endif %}", {}, "oui"],
    ["{% if brand or size %}oui{% else %}non{% endif %}", { size: null }, "non"],
    ["{% if brand and size %}oui{% else %}non{% endif %}", { brand: "Nike" }, "oui"],
    ["{% if brand and size %}oui{% else %}non{% endif %}", {}, "non"],
    ["{% assign b = brand or 'Sans marque' %}{{ b | upper }}", {}, "SANS MARQUE"],
  ] as [string, Partial<TemplateContext>, string][])
    it(`${src} with ${JSON.stringify(values)} → ${JSON.stringify(want)}`, async () => {
      const r = await tryTitle(src, {}, values);
      assert.equal(r.error, undefined);
      assert.equal(r.text, want);
    });
});

// Review: Liquid reads `a and b or c` as `a and (b or c)`, Jinja as `(a and b) or c`: `{{ size and 'avec' or 'sans
// taille' }}` rendered nothing where Jinja says "sans taille". Mixing them in one expression is refused.
describe("templates: `and` with `or` in one expression is refused, naming the line", () => {
  for (const src of [
    "{{ category }}\n{{ size and 'avec' or 'sans taille' }}",
    "{{ category }}\n{% if size and brand or price %}x{% endif %}",
  ])
    it(src.replace("\n", " "), async () => {
      const r = await tryTitle(src);
      assert.equal(r.text, undefined);
      assert.match(r.error ?? "", /to use "and" or "or" in one expression, not both, but line 2 has/);
      assert.match(r.hint ?? "", /\{% if a and b %\}…\{% else %\}/);
    });
  it("a quoted 'or' or 'and' is text, not an operator", async () => {
    const r = await tryTitle("{{ brand or 'noir and blanc' }}", {}, { brand: null });
    assert.equal(r.text, "noir and blanc");
  });
});

// Audit-plan finding 5: `{{ price | divided_by: 0 }}` put "Infinity" in a title.
describe("templates: a filter that gives no finite number is refused, naming the file (audit-plan 5)", () => {
  for (const [src, gave] of [
    ["{{ price | divided_by: 0 }}", "Infinity"],
    ["{{ price | times: -1 | divided_by: 0 }}", "-Infinity"],
    ["{{ price | divided_by: 0 | minus: 1 }}", "Infinity"],
    ["{% assign x = price | modulo: 0 %}{{ category }}", "NaN"],
  ] as const)
    it(src, async () => {
      const r = await tryTitle(src);
      assert.equal(r.text, undefined);
      assert.match(
        r.error ?? "",
        new RegExp(
          `^Expected .*title\\.njk to render a finite number for c1 but its filter \\w+ gave ${gave}`,
        ),
      );
      assert.match(r.hint ?? "", /divided_by/);
    });
  it("a division that gives a finite number is fine", async () =>
    assert.equal((await tryTitle("{{ price | divided_by: 4 }}")).text, "5"));
});

// Audit-plan findings 1 and 4, at the loader: what a template file must be.
describe("templates: a template file is a regular UTF-8 text file inside its folder (audit-plan 1, 4)", () => {
  it("a link to /dev/zero is refused without being read", async () => {
    const dir = await templatesWith("x");
    await rm(join(dir, "fr", "title.njk"));
    await symlink("/dev/zero", join(dir, "fr", "title.njk"));
    await assert.rejects(
      loadTemplates(dir, "fr", { ...DEFAULTS.templates, maxTemplateChars: 50 }),
      /Expected a regular text file of at most 50 characters at .*title\.njk but found a character device there/,
    );
  });
  it("a link to a file outside the folder names the link and where it leads", async () => {
    const dir = await templatesWith("x");
    const outside = await tempDir("vbulk-outside-");
    await writeFile(join(outside, "secret.txt"), "{{ category }}");
    await rm(join(dir, "fr", "title.njk"));
    await symlink(join(outside, "secret.txt"), join(dir, "fr", "title.njk"));
    await assert.rejects(loadTemplates(dir, "fr"), (err: Error & { hint?: string }) => {
      assert.match(
        err.message,
        /^Expected a template inside the templates folder .* is a link to .*secret\.txt, outside it$/,
      );
      assert.match(err.hint ?? "", /[Cc]opy the file into/);
      return true;
    });
  });
  it("a language folder that is a link out of the templates folder is named, not title.njk", async () => {
    // Before: "…/mine/fr/title.njk is a link to …/shared/fr/title.njk, outside it" and "copy the file", for a
    // title.njk that is no link: the seller looked for a link in a folder of plain files.
    const shared = await templatesWith("{{ category }}");
    const mine = await tempDir("vbulk-mine-");
    await symlink(join(shared, "fr"), join(mine, "fr"));
    await assert.rejects(loadTemplates(mine, "fr"), (err: Error & { hint?: string }) => {
      assert.match(
        err.message,
        new RegExp(
          `^Expected the language folder fr/ inside the templates folder ${mine} but ${mine}/fr is a link to the folder ${shared}/fr, outside it$`,
        ),
      );
      assert.doesNotMatch(err.message, /title\.njk/);
      assert.match(err.hint ?? "", new RegExp(`rm ${mine}/fr && cp -r ${shared}/fr ${mine}/fr`));
      assert.match(err.hint ?? "", new RegExp(`--templates ${shared}\\b`));
      return true;
    });
    // A language folder linked to another one inside the templates folder is fine.
    await rm(join(mine, "fr"));
    await mkdir(join(mine, "en"));
    await writeFile(join(mine, "en", "title.njk"), "{{ category }}");
    await writeFile(join(mine, "en", "description.njk"), "{{ category }}");
    await symlink("en", join(mine, "fr"));
    assert.equal(render((await loadTemplates(mine, "fr")).title, ctx, "title.njk"), "Chemise");
  });
  for (const [what, title, description, file, said] of [
    ["an empty title.njk (0 bytes)", "", "{{ category }}", "title.njk", "is empty \\(0 bytes\\)"],
    [
      "a title.njk of spaces and line breaks",
      " \n\t\r\n",
      "{{ category }}",
      "title.njk",
      "holds only spaces",
    ],
    ["an empty description.njk", "{{ category }}", "", "description.njk", "is empty \\(0 bytes\\)"],
  ] as const)
    it(`${what} says the template is empty and what to put in it`, async () => {
      // Before: "… rendered nothing for c1", hint "every part of the template was left out: keep a part outside
      // {% if … %}": there was no part and no {% if %}.
      const dir = await templatesWith(title, description);
      const path = join(dir, "fr", file);
      await assert.rejects(loadTemplates(dir, "fr"), (err: Error & { code?: string; hint?: string }) => {
        assert.equal(err.code, "BAD_INPUT");
        assert.match(err.message, new RegExp(`^Expected a template at ${path} but the file ${said}`));
        const fromDefault = `cp ${join(DEFAULT_TEMPLATES, "fr", file)} ${path}`;
        assert.ok(err.hint?.includes(fromDefault), err.hint);
        assert.match(err.hint ?? "", /\{\{ category \}\}/);
        assert.doesNotMatch(err.hint ?? "", /left out|outside \{% if/);
        return true;
      });
    });
  it("a templates folder that is itself a link is fine", async () => {
    const dir = await templatesWith("{{ category }}");
    const link = join(await tempDir("vbulk-link-"), "tpl");
    await symlink(dir, link);
    const t = await loadTemplates(link, "fr");
    assert.equal(render(t.title, ctx, "title.njk"), "Chemise");
  });
  it("Latin-1 names the byte, its line and column", async () => {
    const dir = await templatesWith(Buffer.from("{{ category }}\n  élégant", "latin1"));
    await assert.rejects(
      loadTemplates(dir, "fr"),
      /Expected UTF-8 text in .*title\.njk but byte 0xE9 at line 2, column 3 is not \(it is "é" in Windows' "ANSI" encoding\): save it as UTF-8$/,
    );
  });
});

describe("templates: numbers as a French buyer reads them", () => {
  it("thousands grouped with a narrow no-break space, cents after a comma", async () => {
    // Before: « 1234,56 € » and « 100000 € ».
    assert.equal((await tryTitle("{{ price }} €", {}, { price: 1234.56 })).text, "1\u202f234,56 €");
    assert.equal((await tryTitle("{{ price }} €", {}, { price: 100000 })).text, "100\u202f000 €");
    assert.equal((await tryTitle("{{ price }} €", {}, { price: 999 })).text, "999 €");
    assert.equal((await tryTitle("{{ category | noun }}", {}, { category: "T-shirt" })).text, "T-shirt");
  });
});
