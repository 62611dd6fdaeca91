import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as fsp from "node:fs/promises";
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

async function templates(
  title: string | Buffer,
  description: string | Buffer = "{{ category }} {{ color }}.",
) {
  const tpl = await tempDir("vbulk-tpl-");
  await mkdir(join(tpl, "fr"));
  await writeFile(join(tpl, "fr", "title.njk"), title);
  await writeFile(join(tpl, "fr", "description.njk"), description);
  return tpl;
}

/** `vbulk plan --templates tpl` on a planned folder is refused: exit 2 matching `pattern`, nothing written. */
async function refused(tpl: string, pattern: RegExp, opts: { timeout?: number } = {}) {
  const dir = await planned();
  const before = await readFile(join(dir, "plan.json"), "utf8");
  // A timeout (a FIFO read for ever before the fix) ends the CLI with a signal: exit null, not 2.
  const r = await runCli(["plan", dir, "--templates", tpl], { env: testEnv(), ...opts });
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

// Audit-plan finding 1: a template that is no regular file was read without end. A link to /dev/zero filled the
// memory until node died, a FIFO blocked `plan` for ever while it held the plan lock. A shared templates folder
// (a ZIP restores links) could also link title.njk to a file outside it (~/.ssh/id_rsa) and put its text in a
// listing sent to Vinted.
describe("plan: a template that is no regular file, or lies outside its folder, is refused (audit-plan 1)", () => {
  const { symlink } = fsp;
  it("a link to /dev/zero: exit 2 naming the file and what a template must be, at once", async () => {
    const tpl = await templates("x");
    await fsp.rm(join(tpl, "fr", "title.njk"));
    await symlink("/dev/zero", join(tpl, "fr", "title.njk"));
    const r = await refused(
      tpl,
      /Expected a regular text file of at most 100000 characters at .*fr\/title\.njk but found a character device there \(\/dev\/zero\)/,
      { timeout: 20_000 },
    );
    assert.match(r.stderr, /hint: .*copy/i);
  });
  it("a FIFO does not hold the plan lock for ever", async () => {
    const tpl = await templates("x");
    await fsp.rm(join(tpl, "fr", "title.njk"));
    execFileSync("mkfifo", [join(tpl, "fr", "title.njk")]);
    await refused(
      tpl,
      /Expected a regular text file of at most 100000 characters at .*fr\/title\.njk but found a FIFO \(named pipe\) there/,
      { timeout: 20_000 },
    );
  });
  it("a link to a file outside the templates folder is refused, and its text is shown nowhere", async () => {
    const outside = await tempDir("vbulk-secret-");
    await writeFile(join(outside, "id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY----- s3cr3t");
    const tpl = await templates("x");
    await fsp.rm(join(tpl, "fr", "description.njk"));
    await symlink(join(outside, "id_rsa"), join(tpl, "fr", "description.njk"));
    const r = await refused(
      tpl,
      /Expected a template inside the templates folder .* but .*fr\/description\.njk is a link to .*id_rsa, outside it/,
    );
    assert.doesNotMatch(r.stdout + r.stderr, /s3cr3t|PRIVATE KEY/);
  });
  it("a link to another file inside the templates folder still works", async () => {
    const tpl = await templates("x");
    await writeFile(join(tpl, "shared-title.njk"), "{{ category }} partagé");
    await fsp.rm(join(tpl, "fr", "title.njk"));
    await symlink("../shared-title.njk", join(tpl, "fr", "title.njk"));
    const dir = await planned();
    const r = await runCli(["plan", dir, "--templates", tpl, "--json"], { env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).items[0].title, "Hoodie partagé");
  });
});

// Audit-plan finding 4: a template saved as Notepad's "ANSI" (Latin-1) put "�" in the description, one saved as
// "Unicode" (UTF-16) put the template code itself in the title; exit 0 both times.
describe("plan: a template that is not UTF-8 is refused, naming the file and where (audit-plan 4)", () => {
  it("Latin-1 (Notepad's ANSI)", async () => {
    const latin1 = Buffer.from("{{ category }} {{ color }}.\nPhotos réelles.", "latin1");
    await refused(
      await templates("{{ category }}", latin1),
      /Expected UTF-8 text in .*fr\/description\.njk but byte 0xE9 at line 2, column 9 is not/,
    );
  });
  it("UTF-16 (Notepad's Unicode)", async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("{{ category }} {{ color }}", "utf16le"),
    ]);
    const r = await refused(
      await templates(utf16),
      /Expected UTF-8 text in .*fr\/title\.njk but it is UTF-16/,
    );
    assert.match(r.stderr, /hint: .*UTF-8/);
  });
  it("UTF-16 without a byte-order mark", async () => {
    await refused(
      await templates(Buffer.from("{{ category }}", "utf16le")),
      /Expected UTF-8 text in .*fr\/title\.njk but byte 0x00 at line 1, column 2 is not/,
    );
  });
  it("UTF-8 with a byte-order mark is UTF-8: accepted, the mark left out of the title", async () => {
    const dir = await planned();
    const tpl = await templates("\uFEFF{{ category }} {{ color }}");
    const r = await runCli(["plan", dir, "--templates", tpl, "--json"], { env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).items[0].title, "Hoodie noir");
  });
});

// Audit-plan finding 5: `{{ brand or 'sans marque' }}` (Jinja for "the brand, else sans marque") put "true" in the
// title; `divided_by: 0` put "Infinity" in it.
describe("plan: Jinja's `or` gives a value, and a number filter cannot give Infinity (audit-plan 5)", () => {
  it("{{ brand or 'sans marque' }} gives the brand, else 'sans marque'", async () => {
    const dir = await planned();
    const tpl = await templates("{{ category }} {{ brand or 'sans marque' }}");
    const r = await runCli(["plan", dir, "--templates", tpl, "--set", "c2.brand=Nike", "--json"], {
      env: testEnv(),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).items.map((i: { title: string }) => i.title),
      ["Hoodie sans marque", "T-shirt Nike"],
    );
  });
  it("{{ price | divided_by: 0 }} is refused, naming the file and the filter", async () => {
    await refused(
      await templates("{{ category }} {{ price | divided_by: 0 }}"),
      /Expected .*fr\/title\.njk to render a finite number for c1 but its filter divided_by gave Infinity/,
    );
  });
});

describe("the default templates, as a buyer reads them", () => {
  // A French and English proofreading of every (type, colour, condition) the default set can make (audit,
  // 2026-11-29): « Robe noire (neuf avec étiquette) », « Baskets noires … – Taille 42 », "White t-shirt".
  const items = [
    { category: "robe", color: "noir" as const, photos: ["a.jpg"] },
    { category: "sneakers", color: "blanc" as const, photos: ["b.jpg"] },
    { category: "escarpins", color: "rouge" as const, photos: ["c.jpg"] },
    { category: "pull", color: "gris" as const, photos: ["d.jpg"] },
    { category: "t-shirt", color: "blanc" as const, photos: ["e.jpg"] },
  ];
  const titles = async (lang: string, condition: string, extra: string[] = []) => {
    const dir = await catalogFixture(items);
    const sizes = ["c1.size=38", "c2.size=42", "c3.size=38", "c4.size=M", "c5.size=M"];
    const r = await runCli(
      [
        "plan",
        dir,
        "--lang",
        lang,
        "--condition",
        condition,
        ...sizes.flatMap((s) => ["--set", s]),
        ...extra,
      ],
      { env: testEnv() },
    );
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    return plan.items as { title: string; description: string; brand: string }[];
  };

  it("« neuf » agrees with the noun, and shoes have a « Pointure »", async () => {
    const fr = await titles("fr", "neuf-avec-etiquette");
    assert.deepEqual(
      fr.map((i) => i.title),
      [
        "Robe noire (neuve avec étiquette) – Taille 38",
        "Baskets blanches (neuves avec étiquette) – Pointure 42",
        "Escarpins rouges (neufs avec étiquette) – Pointure 38",
        "Pull gris (neuf avec étiquette) – Taille M",
        "T-shirt blanc (neuf avec étiquette) – Taille M",
      ],
    );
    assert.match(fr[0]!.description, /^Robe noire\. Neuve avec étiquette\./);
    assert.match(fr[1]!.description, /^Baskets blanches\. Neuves avec étiquette\./);
    const bon = await titles("fr", "tres-bon");
    assert.equal(bon[0]!.title, "Robe noire (très bon état) – Taille 38");
  });

  it("English keeps the capital of « T-shirt »", async () => {
    const en = await titles("en", "bon");
    assert.equal(en[4]!.title, "White T-shirt (good condition) – Size M");
    assert.match(en[4]!.description, /^White T-shirt\. Good condition\./);
    assert.equal(en[3]!.title, "Grey jumper (good condition) – Size M");
    // Escarpins are "heels": a British buyer reads "pumps" as flat plimsolls or ballet flats. "Pumps", the set's
    // earlier English name, is still understood where a seller types a type (--set, price rules).
    assert.equal(en[2]!.title, "Red heels (good condition) – Size 38");
    const typed = await titles("en", "bon", ["--set", "c4.category=Pumps", "--price-rules", '{"Pumps": 45}']);
    assert.equal(typed[3]!.title, "Grey heels (good condition) – Size M");
    assert.deepEqual(
      (typed as unknown as { price: number }[]).map((i) => i.price),
      [20, 20, 45, 45, 20],
    );
  });

  it("a brand written « unknown » in any case is no brand, as « Unknown » is", async () => {
    // Before: « unknown » went to buyers as a brand, and execute held the article publishable.
    const dir = await catalogFixture(items.slice(0, 1));
    const tpl = await templates("{{ category }} {{ brand }}  {{ color }}", "{{ category }}.");
    const r = await runCli(["plan", dir, "--templates", tpl, "--set", "c1.brand=UNKNOWN"], {
      env: testEnv(),
    });
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    // No brand printed, and no doubled space left where it was.
    assert.equal(plan.items[0].title, "Robe noire");
    const check = await runCli(["execute", dir, "--check", "--json"], { env: testEnv() });
    const publishable = JSON.parse(check.stdout).items[0];
    assert.ok(publishable, check.stdout);
  });
});
