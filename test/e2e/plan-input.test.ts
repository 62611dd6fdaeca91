import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StatusWriter } from "../../src/store/status.js";
import { catalogFixture } from "../helpers/catalog.js";
import { BIN, runCli, tempDir, testEnv } from "../helpers/run.js";
import { REPO } from "../helpers/shared.js";

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

// Audit portability 7: PowerShell's vbulk.ps1 / npx.ps1 shims pass `--only c1,c2` as `--only c1 c2`, and commander
// said only "too many arguments for 'plan'. Expected 1 argument but got 2.", leaving the seller guessing why.
describe("plan and execute: a comma list split apart by PowerShell", () => {
  it("--only c1 c2 says what happened and the forms that work, exit 2, plan.json unchanged", async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, [])).code, 0);
    const before = await readFile(join(dir, "plan.json"), "utf8");
    for (const [args, cwd] of [
      [["plan", dir, "--only", "c1", "c2"], undefined],
      [["plan", "--only", "c1", "c2", dir], undefined],
      // No folder (the current one): c2 was taken for the folder, « no such folder c2 ».
      [["plan", "--only", "c1", "c2"], dir],
    ] as const) {
      const r = await runCli([...args], { env: testEnv(), cwd });
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /^error: Expected one comma-separated list of article ids for --only but received 2 separate arguments \(c1 c2\): PowerShell splits an unquoted c1,c2 apart/,
      );
      assert.match(
        r.stderr,
        /hint: .*quote the list \(--only "c1,c2"\) or give the flag once per id \(--only c1 --only c2\)\. Nothing was written\./,
      );
      assert.doesNotMatch(r.stderr, /too many arguments/);
    }
    const json = await runCli(["plan", dir, "--publish", "c1", "c2", "c3", "--json"], { env: testEnv() });
    assert.equal(json.code, 2);
    assert.match(JSON.parse(json.stdout).error.message, /for --publish but received 3 separate arguments/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json unchanged");
    // execute's --only takes one list: quoting is the way there.
    const ex = await runCli(["execute", dir, "--only", "c1", "c2"], { env: testEnv() });
    assert.equal(ex.code, 2, ex.stderr);
    assert.match(ex.stderr, /hint: .*quote the list \(--only "c1,c2"\)\. Nothing was written\./);
    // Other extra arguments keep commander's words.
    const other = await runCli(["plan", dir, "extra"], { env: testEnv() });
    assert.equal(other.code, 2);
    assert.match(other.stderr, /too many arguments for 'plan'/);
  });
});

describe("plan: --set that says the opposite of --only, --exclude or --publish (audit-plan 13)", () => {
  it("--only c2 --set c1.excluded=false is refused, as --publish none,c7 is; plan.json unchanged", async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, [])).code, 0);
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const r = await plan(dir, ["--only", "c2", "--set", "c1.excluded=false"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Expected --only c2 and --set c1.excluded=false to agree on c1 but --only c2 excludes it and --set includes it/,
    );
    assert.match(r.stderr, /e\.g\. --only c2,c1 alone\)\. Nothing was written\./);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
    const x = await plan(dir, ["--exclude", "c1,c3", "--set", "c1.excluded=false"]);
    assert.equal(x.code, 2, x.stderr);
    assert.match(x.stderr, /--exclude c1,c3 excludes it and --set includes it/);
    assert.match(x.stderr, /e\.g\. --exclude c3 alone/);
    const p = await plan(dir, ["--publish", "none", "--set", "c1.publish=true"]);
    assert.equal(p.code, 2, p.stderr);
    assert.match(p.stderr, /--publish none unmarks it and --set marks it to publish/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
  });

  it("a --set that agrees with the selection is taken", async () => {
    const dir = await catalogFixture(articles);
    const r = await plan(dir, ["--only", "c1,c2", "--set", "c1.excluded=false", "--set", "c3.excluded=true"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (await planJson(dir)).items.map((i: { excluded: boolean }) => i.excluded),
      [false, false, true],
    );
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

// Text goes to Vinted and to a terminal: a blank title reached "ready (publish)", a newline broke the table and an
// escape sequence in a brand or a template reached the terminal raw.
describe("plan: titles, descriptions, brands and sizes are text a buyer can read (audit 9)", () => {
  async function refusedSet(dir: string, set: string, pattern: RegExp) {
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const r = await plan(dir, ["--set", set]);
    assert.equal(r.code, 2, `${set}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, pattern, set);
    assert.doesNotMatch(r.stderr, /unexpected/i);
    assert.ok(!r.stderr.includes("\x1b"), "no raw escape on the terminal");
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before, "plan.json untouched");
  }

  it("--set refuses blank text, a line break in a title and control characters", async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, [])).code, 0);
    await refusedSet(
      dir,
      "c1.title=   ",
      /Expected a one-line text .* for --set c1\.title but received " {3}"/,
    );
    await refusedSet(dir, "c1.description= ", /for --set c1\.description but received " "/);
    await refusedSet(dir, "c2.title=Robe\nrouge", /for --set c2\.title but received "Robe\\nrouge"/);
    await refusedSet(dir, "c1.brand=\x1b[2J", /for --set c1\.brand but received "\\u001b\[2J"/);
  });

  it("a blank or escape-laden hand edit of plan.json is refused, naming the field", async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, [])).code, 0);
    const p = await planJson(dir);
    p.items[0].title = " ";
    p.items[1].description = "Robe \x1b]0;pwned\x07 rouge";
    await writeFile(join(dir, "plan.json"), JSON.stringify(p));
    const r = await plan(dir, []);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /items\[0\]\.title \(article c1\): a text that is not only spaces, received " "; items\[1\]\.description \(article c2\): a text without control characters/,
    );
    const check = await runCli(["execute", dir, "--check"], { env: testEnv() });
    assert.equal(check.code, 2, check.stdout);
  });

  it("text around the edits is kept, and a line break in a description is fine", async () => {
    const dir = await catalogFixture(articles);
    const r = await plan(dir, [
      ...["--set", "c1.title=  Hoodie Nike  ", "--set", "c1.description=Hoodie.\nPhotos réelles."],
      ...["--set", "c1.size= M "],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [i] = (await planJson(dir)).items;
    assert.deepEqual([i.title, i.description, i.size], ["Hoodie Nike", "Hoodie.\nPhotos réelles.", "M"]);
  });

  it("a template's control characters never reach plan.json or the terminal; a title is one line", async () => {
    const dir = await catalogFixture(articles);
    const templates = join(await tempDir("vbulk-tpl-"), "t");
    await cp(join(REPO, "templates"), templates, { recursive: true });
    await writeFile(join(templates, "fr", "title.njk"), "{{ category }}\x1b[31m\n{{ color }}\x07\n");
    await writeFile(join(templates, "fr", "description.njk"), "{{ category }}\x1b[2J.\r\nBon état.");
    const r = await plan(dir, ["--templates", templates]);
    assert.equal(r.code, 0, r.stderr);
    const [i] = (await planJson(dir)).items;
    assert.equal(i.title, "Hoodie noir");
    assert.equal(i.description, "Hoodie.\nBon état.");
  });

  it("the table shows what a seller's folder name holds, escaped, on one line", async () => {
    const dir = join(await tempDir(), "photos\nfake line");
    await mkdir(dir);
    await catalogFixture(articles, dir);
    const r = await plan(dir, []);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^plan: .*photos\\nfake line\/plan\.json$/m);
  });
});

describe("plan --json: what the run changed", () => {
  it("carries the plan's changes: edits carried or reset, articles dropped (audit 6)", async () => {
    const dir = await catalogFixture(articles, undefined, { files: true });
    const prices = ["--set", "c1.price=40", "--set", "c2.price=12", "--set", "c3.price=15"];
    assert.equal((await plan(dir, prices)).code, 0);
    await catalogFixture(
      [
        { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0007.jpg"] },
        { category: "t-shirt", color: "blanc", photos: ["IMG_0009.jpg"] },
      ],
      dir,
      { files: true },
    );
    const r = await plan(dir, ["--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.changes, {
      added: [],
      kept: [],
      carried: ["c1"],
      reset: ["c2"],
      dropped: ["c3"],
      moved: [],
      restored: [],
      // Their edits are kept in plan.json's set_aside, not lost.
      set_aside: ["c2", "c3"],
      still_excluded: [],
      unpublished: [],
    });
    const { changes: _, ...written } = out;
    assert.deepEqual(written, await planJson(dir), "the rest is plan.json as written");
    assert.equal(r.stderr, "");
  });
});

// Exit 2 means nothing changed: a wrong path made nope/.vbulk, x.vbulk/, or a lock error about catalog.json/.vbulk.
describe("plan on a wrong path changes no file (audit 12)", () => {
  it("a missing folder, an un-ingested ZIP: exit 2, each said as what it is, nothing created", async () => {
    const root = await tempDir();
    await writeFile(join(root, "x.zip"), "");
    const missing = await plan(join(root, "nope"), []);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(
      missing.stderr,
      /Expected a folder \(or a photos \.zip\) for DIR but nothing is there: .*nope/,
    );
    const zip = await plan(join(root, "x.zip"), []);
    assert.equal(zip.code, 2, zip.stderr);
    assert.match(zip.stderr, /Expected a catalog at .* but found no file there/);
    assert.match(zip.stderr, /hint: Run `vbulk ingest`/);
    assert.deepEqual((await readdir(root)).sort(), ["x.zip"]);
  });

  it("the catalog file itself: says to pass its folder", async () => {
    const dir = await catalogFixture(articles);
    const before = (await readdir(dir)).sort();
    const r = await plan(join(dir, "catalog.json"), []);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Expected a folder holding catalog\.json .* but received the file .*catalog\.json/,
    );
    assert.ok(r.stderr.includes(`hint: Pass the folder that holds it: vbulk plan ${dir}`), r.stderr);
    assert.deepEqual((await readdir(dir)).sort(), before);
  });
});

// `vbulk plan photos | head -1`: head exits after one line and the next write met a closed pipe (EPIPE), which
// ended in exit 1 and a stack trace. The reader here closes its end before vbulk writes anything: the same, always.
describe("output into a reader that stops early (audit 13)", () => {
  it("ends quietly with the command's own exit code", async () => {
    const dir = await catalogFixture(articles, undefined, { files: true });
    const child = spawn(process.execPath, [BIN, "plan", dir], {
      env: { ...testEnv(), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise((done) => child.on("close", done));
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.equal((await planJson(dir)).items.length, 3, "plan.json written");
  });
});

// Second audit of `vbulk plan` (notes/audit-plan.md, findings 9, 10, 12): each case failed before its fix.
describe("plan: what it says to do next (second audit)", () => {
  it("the next: line names the folder, so it works pasted from anywhere (finding 9)", async () => {
    const dir = await catalogFixture(articles, join(await tempDir(), "my photos"));
    const r = await plan(dir, []);
    assert.equal(r.code, 0, r.stderr);
    const next = r.stdout.trim().split("\n").at(-1) ?? "";
    assert.ok(next.includes(`execute '${dir}'\``), next);
  });

  it("--publish on an excluded article says how to include it, with its own id (finding 10)", async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, ["--only", "c1"])).code, 0);
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const r = await plan(dir, ["--publish", "c2"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /c2 is excluded/);
    assert.match(r.stderr, /hint: Include c2 again first: --set c2\.excluded=false \(or --only all\)/);
    assert.doesNotMatch(r.stderr, /c3/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
  });

  it("--publish of an article this same command's --only leaves out names that --only, not an exclusion", async () => {
    // Audit: `--only c1 --publish c2` said « c2 is excluded », hint « Include c2 again first: --set
    // c2.excluded=false (or --only all) », though c2 was included until this command.
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, [])).code, 0);
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const r = await plan(dir, ["--only", "c1", "--publish", "c2"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /c2 is left out by this command's --only c1/);
    assert.match(r.stderr, /hint: Name c2 in --only too \(--only c1,c2\), or mark it in another run\./);
    assert.doesNotMatch(r.stderr, /excluded=false/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
  });

  it("a refused plan in a folder holding only catalog.json leaves no .vbulk behind (finding 12)", async () => {
    const dir = await catalogFixture(articles);
    const before = (await readdir(dir)).sort();
    const r = await plan(dir, ["--set", "c1.price=vingt"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Nothing was written/);
    assert.deepEqual((await readdir(dir)).sort(), before);
  });
});

// Finding 3: a find-and-replace over plan.json also changes `generated`; the text then equalled its generated value,
// counted as no edit, and the next run put "Grenoble" back in every description without a word.
describe("plan: a find-and-replace over plan.json (second audit)", () => {
  it("keeps the replaced text as the seller's edit and says that generated was put back", async () => {
    const dir = await catalogFixture(articles, undefined, { files: true });
    assert.equal((await plan(dir, [])).code, 0);
    const file = join(dir, "plan.json");
    const text = await readFile(file, "utf8");
    assert.ok(text.includes("Grenoble"));
    await writeFile(file, text.replaceAll("Grenoble", "Lyon"));
    const r = await plan(dir, ["--price", "25"]);
    assert.equal(r.code, 0, r.stderr);
    const p = await planJson(dir);
    for (const i of p.items) {
      assert.match(i.description, /Envoi rapide depuis Lyon\./, i.cluster_id);
      assert.match(i.generated.description, /Grenoble/, "generated is vbulk's, put back");
      assert.equal(i.price, 25, "the price was not edited: it follows the new rule");
      assert.deepEqual(i.edited, ["description"]);
    }
    assert.match(
      r.stderr,
      /^put back: c1, c2, c3: generated\.description changed by hand, together with description .*your description is kept as an edit/m,
    );
    const again = await plan(dir, ["--price", "30"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, "");
    assert.match((await planJson(dir)).items[0].description, /Lyon/);
  });

  it("a hand edit of generated alone is put back, said on stderr, and is no edit of the field", async () => {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, [])).code, 0);
    const p = await planJson(dir);
    const title = p.items[1].title;
    p.items[1].generated.title = "Autre titre";
    await writeFile(join(dir, "plan.json"), JSON.stringify(p, null, 2));
    const r = await plan(dir, ["--set", "c2.size=M"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /c2: generated\.title changed by hand, put back .*edit title instead/);
    const after = (await planJson(dir)).items[1];
    assert.notEqual(after.title, title, "the size shows up in the generated title: the title was no edit");
    assert.match(after.title, /Taille M/);
    assert.equal(after.generated.title, after.title);
  });
});

describe("plan: a folder with no catalog for another reason than a missing ingest", () => {
  it("a mistyped folder is said missing, with the nearest folder that exists; nothing is created", async () => {
    // Before: « Expected a catalog at …/photoz/catalog.json … Run `vbulk ingest` on your photos first »: the
    // folder itself was what was missing, and ingest would not have found it either.
    const parent = await tempDir("vbulk-typo-");
    const r = await runCli(["plan", join(parent, "photoz"), "--json"], { env: testEnv() });
    assert.equal(r.code, 2, r.stderr);
    const { error } = JSON.parse(r.stdout) as { error: { message: string; hint: string } };
    assert.match(error.message, /Expected a folder .* but nothing is there: .*photoz/);
    assert.match(
      error.hint,
      new RegExp(`nearest folder that exists is ${parent.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
    assert.deepEqual(await readdir(parent), [], "nothing created");
  });

  it("while the folder's first ingest runs, says so rather than « run vbulk ingest first »", async () => {
    const dir = await tempDir("vbulk-first-ingest-");
    // The status an ingest writes when it starts, by a process that runs (this one).
    const status = new StatusWriter(dir, "ingest", 60_000, "embed");
    await status.flush();
    const r = await runCli(["plan", dir], { env: testEnv() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /the first ingest of this folder is still running \(pid \d+\): nothing was written/,
    );
    assert.match(
      r.stderr,
      /hint: Follow it with `(npx )?vbulk status \S+`, and run this again once it is done\./,
    );
    // What to do when that ingest crashed and its pid was given to another program (Windows, no start time).
    assert.match(
      r.stderr,
      /If no vbulk runs any more \(pid \d+ is then another program, or none: Task Manager/,
    );
    assert.ok(
      r.stderr.includes(`delete ${join(dir, ".vbulk", "ingest.lock")} and run the ingest again.`),
      r.stderr,
    );
    assert.equal(existsSync(join(dir, "plan.json")), false);
  });

  it("while a re-ingest of the folder runs, says on stderr that the plan will be out of date when it ends", async () => {
    // Before: exit 0 without a word, the plan built from the catalog that ingest was about to replace.
    const dir = await catalogFixture(articles);
    const status = new StatusWriter(dir, "ingest", 60_000, "analyse");
    await status.flush();
    const r = await runCli(["plan", dir], { env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^note: an ingest of this folder is running \\(pid ${process.pid}, since [\\d: -]+\\): this plan is made from the catalog it will replace, and will be out of date when it ends; run \`(npx )?vbulk plan \\S+\` again then \\(\`(npx )?vbulk status \\S+\` follows the ingest\\)\\.$`,
        "m",
      ),
    );
    assert.ok(existsSync(join(dir, "plan.json")), "not a refusal: the plan is written");
    const json = await runCli(["plan", dir, "--json"], { env: testEnv() });
    assert.equal(json.code, 0, json.stderr);
    assert.ok(JSON.parse(json.stdout).items, "stdout is still the plan, nothing else");
    assert.match(json.stderr, /^note: an ingest of this folder is running/m);
    await status.finish("done");
    const after = await runCli(["plan", dir], { env: testEnv() });
    assert.doesNotMatch(after.stderr, /ingest of this folder is running/, "said only while it runs");
  });
});

describe("plan and execute on a catalog.json changed by hand (new-user audit)", () => {
  /** A planned folder whose catalog.json then gets `edit`; plan.json's text before the edit. */
  async function planned(edit: (catalog: { items: Record<string, unknown>[] }) => void) {
    const dir = await catalogFixture(articles);
    assert.equal((await plan(dir, ["--set", "c2.price=12"])).code, 0);
    const path = join(dir, "catalog.json");
    const catalog = JSON.parse(await readFile(path, "utf8"));
    edit(catalog);
    await writeFile(path, JSON.stringify(catalog, null, 2));
    return { dir, planText: await readFile(join(dir, "plan.json"), "utf8") };
  }

  // Before: plan blamed plan.json (« c2 is not … or delete the item », which lost c2's edits) and execute --check
  // said « c1, c2 changed since the plan was made … Run `vbulk plan` again », which failed again.
  it("two articles under one id: refused naming catalog.json and the id; plan.json untouched", async () => {
    const { dir, planText } = await planned((c) => {
      c.items[1]!.id = "c1";
    });
    for (const args of [
      ["plan", dir],
      ["execute", dir, "--check"],
    ]) {
      const r = await runCli(args, { env: testEnv() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /Expected each article under its own id in .*catalog\.json but c1 is the id of two \(items\[0\] and items\[1\]\)/,
      );
      assert.match(r.stderr, /hint: .*catalog\.json was changed by hand\?.*Nothing was written\./);
      assert.doesNotMatch(r.stderr, /plan\.json's items|changed since the plan was made/);
      assert.equal(await readFile(join(dir, "plan.json"), "utf8"), planText);
    }
  });

  it("a photo listed in two articles (it would go to two listings): refused naming the photo", async () => {
    const { dir, planText } = await planned((c) => {
      (c.items[1]!.photos as string[]).push("IMG_0001.jpg");
    });
    const r = await plan(dir, []);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Expected each photo in one article at most in .*catalog\.json but IMG_0001\.jpg is in two \(c1 and c2\)/,
    );
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), planText);
  });

  // Before: exit 0 without a word, and the seller's « colour » was lost.
  it("an unknown field says which, of which article, and the field it likely meant", async () => {
    const { dir, planText } = await planned((c) => {
      c.items[0]!.colour = "rouge";
    });
    const r = await plan(dir, []);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /catalog\.json: items\[0\] \(article c1\): unknown field "colour" \(did you mean "color"\?\)/,
    );
    assert.match(r.stderr, /hint: .*--set c3\.color=rouge/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), planText);
  });
});

describe("NO_COLOR in a terminal (new-user audit)", () => {
  // no-color.org: set and not empty. Before: NO_COLOR= (empty, a script's `export NO_COLOR=$X`) took the colour away.
  it("an empty NO_COLOR is unset: colour; NO_COLOR=1: none", async () => {
    const dir = await tempDir("vbulk-colour-");
    const drawn = async (noColor: string) => {
      const out = join(dir, `tty-${noColor || "empty"}.txt`);
      // util-linux `script` gives the CLI a terminal (a pseudo-tty) and records what it drew.
      await new Promise((done) => {
        const child = spawn("script", ["-qec", `${process.execPath} ${BIN} plan ${join(dir, "nope")}`, out], {
          env: { ...testEnv(), NO_COLOR: noColor, TERM: "xterm" },
          stdio: "ignore",
        });
        child.on("close", done);
      });
      return readFile(out, "utf8");
    };
    // ESC [ 3x m: a foreground colour (chalk's red, yellow…).
    const colourCode = "\u001b[3";
    const plain = await drawn("1");
    assert.match(plain, /error: Expected a folder/);
    assert.equal(plain.includes(colourCode), false, `no colour with NO_COLOR=1: ${plain}`);
    const empty = await drawn("");
    assert.equal(empty.includes(colourCode), true, `colour with NO_COLOR= (empty): ${empty}`);
  });
});
