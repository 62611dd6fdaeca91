import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  appendFile,
  chmod,
  copyFile,
  cp,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  truncate,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { uploadable } from "../../src/vinted/execute.js";
import { saveSession } from "../../src/vinted/session.js";
import { catalogFixture } from "../helpers/catalog.js";
import { closedPort } from "../helpers/file-server.js";
import { needTool, testChromium } from "../helpers/needs.js";
import { BIN, FIXTURES, runCli, tempDir, testEnv } from "../helpers/run.js";
import { needShared, sharedPath } from "../helpers/shared.js";
import { VintedReplica } from "../replica/server.js";

/**
 * The (command, exit code) pairs of README "Exit codes" that no other test covers. Covered elsewhere:
 * ingest 0/2/3/130 (ingest-cli), status 0/2 (ingest-cli), plan 0/2 (plan-cli), execute 0/1/2/3, execute --check 0,
 * auth check 0/1, doctor 0 (execute), models pull 0, models verify 0/1, ingest --model-dir 2 (models),
 * review 0/2 (review).
 */

/** A folder with 2 articles planned (real photos, department set), the second without a size. */
async function plannedFolder(env: NodeJS.ProcessEnv = testEnv()): Promise<string> {
  const dir = await tempDir("vbulk-exit-");
  const src = join(FIXTURES, "grouping");
  for (const f of (await readdir(src)).filter((x) => x.endsWith(".jpg")).slice(0, 5))
    await copyFile(join(src, f), join(dir, f));
  await catalogFixture(
    [
      { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"] },
      { category: "t-shirt", color: "blanc", photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
    ],
    dir,
  );
  const r = await runCli(["plan", dir, "--gender", "femme", "--set", "c1.size=M"], { env });
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

describe("exit codes without a browser", () => {
  it("every command refuses an unknown flag with exit 2", async () => {
    const commands = [
      ["ingest", "."],
      ["status"],
      ["plan"],
      ["execute"],
      ["login"],
      ["auth", "check"],
      ["doctor"],
      ["models", "list"],
      ["models", "pull"],
      ["models", "verify"],
      ["models", "manifest", "."],
    ];
    const results = [];
    // Two at a time: the machine has two cores.
    for (let i = 0; i < commands.length; i += 2)
      results.push(
        ...(await Promise.all(commands.slice(i, i + 2).map((c) => runCli([...c, "--no-such-flag"])))),
      );
    results.forEach((r, i) => {
      assert.equal(r.code, 2, `${commands[i]!.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /unknown option '--no-such-flag'/);
    });
  });

  it("VBULK_DEBUG=maybe: 2, refused as VBULK_OFFLINE=maybe is, before the command runs (error audit 20)", async () => {
    const r = await runCli(["models", "list"], { env: testEnv({ VBULK_DEBUG: "maybe" }) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: Expected 1, true or yes .* for env VBULK_DEBUG but received "maybe"/m);
    assert.equal(r.stdout, "");
  });

  it("with --json, commander's errors carry the did-you-mean (else --help) in the hint, as stderr says it", async () => {
    // Before: "hint": null, while stderr said "(Did you mean --price?)".
    const dir = await plannedFolder();
    const typo = await runCli(["plan", dir, "--pric", "3", "--json"]);
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /Did you mean --price\?/);
    assert.deepEqual(JSON.parse(typo.stdout).error, {
      code: "BAD_USAGE",
      message: "unknown option '--pric'",
      hint: "Did you mean --price? Run `vbulk plan --help` for usage.",
    });
    const bogus = await runCli(["plan", dir, "--bogus", "--json"]);
    assert.equal(JSON.parse(bogus.stdout).error.hint, "Run `vbulk plan --help` for usage.");
  });

  it("review, plan, status, execute given a photo file instead of a folder: 2, saying so (no lock talk)", async () => {
    const dir = await tempDir("vbulk-exit-");
    const photo = join(dir, "IMG_0001.jpg");
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), photo);
    for (const cmd of [["review", "--no-open"], ["plan"], ["status"], ["execute", "--check"]]) {
      const r = await runCli([cmd[0]!, photo, ...cmd.slice(1)]);
      assert.equal(r.code, 2, `${cmd[0]}: ${r.stderr}`);
      // plan says it in its own words (a folder holding catalog.json); the others share workingFolder's.
      assert.match(
        r.stderr,
        /Expected a folder .*\(or .*(ZIP|\.zip)\) .* but received (a|the) file:? .*IMG_0001\.jpg/,
      );
      assert.match(r.stderr, /hint: .*(the folder that holds it|Pass the folder)/);
      assert.doesNotMatch(r.stderr, /lock/i);
    }
    assert.deepEqual(await readdir(dir), ["IMG_0001.jpg"], "nothing written beside the photo");
  });
  it("ingest: 1 when not one photo could be read", async () => {
    const dir = await tempDir();
    for (const f of ["empty.jpg", "notes.jpg", "truncated.jpg"])
      await copyFile(join(FIXTURES, "bad", f), join(dir, f));
    const r = await runCli(["ingest", dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /truncated\.jpg: Expected a readable image/);
  });

  it("ingest: 3 when a photo could not be taken (over 64 MiB), and it is named; not for skipped non-images", async () => {
    // Before: exit 0 and "1 other file skipped", the same words as for a .txt, so a script never knew.
    const dir = await tempDir();
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
      await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
    await writeFile(join(dir, "notes.txt"), "not a photo");
    const clean = await runCli(["ingest", dir]);
    assert.equal(clean.code, 0, clean.stderr);
    await writeFile(join(dir, "IMG_0003.jpg"), "");
    await truncate(join(dir, "IMG_0003.jpg"), 65 * 1024 * 1024); // sparse: nothing is written to disk
    const r = await runCli(["ingest", dir]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /could not be taken[\s\S]*IMG_0003\.jpg: too-large/);
    assert.doesNotMatch(r.stdout, /notes\.txt:/);
  });

  it("execute --check: 2 while an article is not ready, and it says which and why", async () => {
    const dir = await plannedFolder();
    const r = await runCli(["execute", dir, "--check"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /^c1 +ready/m);
    assert.match(r.stdout, /^c2 +not ready: .*size/m);
    assert.match(r.stdout, /1 of 2 articles ready\. Nothing was sent\./);
    // One article, said as one (before: "1 of 1 articles ready"), by plan too.
    const one = await runCli(["execute", dir, "--check", "--only", "c1"]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^1 of 1 article ready\. Nothing was sent\./m);
    const plan = await runCli(["plan", dir, "--only", "c1"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^1 of 1 article ready for Vinted, 0 marked to publish\./m);
    assert.equal((await runCli(["plan", dir, "--only", "all"])).code, 0);
    // --json carries each article's reasons too (before: only the two counts).
    const json = await runCli(["execute", dir, "--check", "--json"]);
    assert.equal(json.code, 2, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual([doc.ready, doc.not_ready], [1, 1]);
    assert.equal(doc.items[0].ready, true);
    assert.match(doc.items[1].problems.join("; "), /size/);
  });

  it("execute and execute --check name the catalog's articles plan.json does not hold yet: run vbulk plan", async () => {
    // The seller planned two articles, added photos of a third garment and ran `vbulk ingest` again (c3), then
    // `vbulk execute`. Before, c3 was silently left out: "1 of 2 articles ready", nothing said about it.
    const dir = await plannedFolder();
    for (const f of ["IMG_0006.jpg", "IMG_0007.jpg"])
      await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
    await catalogFixture(
      [
        { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"] },
        { category: "t-shirt", color: "blanc", photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
        { category: "jeans", color: "bleu", photos: ["IMG_0006.jpg", "IMG_0007.jpg"] },
      ],
      dir,
    );
    const said = new RegExp(
      `warning: c3 is in catalog\\.json but not in plan\\.json .*Run \`vbulk plan ${dir}\``,
    );
    const check = await runCli(["execute", dir, "--check"]);
    assert.equal(check.code, 2, check.stderr);
    assert.match(check.stderr, said);
    assert.match(check.stdout, /1 of 2 articles ready\. Nothing was sent\./);
    const json = await runCli(["execute", dir, "--check", "--json"]);
    assert.deepEqual(JSON.parse(json.stdout).not_in_plan, ["c3"]);
    // A real run says it before anything else (here it then stops: no Vinted session).
    const config = await tempDir("vbulk-nosession-");
    const run = await runCli(["execute", dir, "--yes"], { env: testEnv({ VBULK_CONFIG_DIR: config }) });
    assert.match(run.stderr, said);
    // Planned, nothing is said.
    assert.equal((await runCli(["plan", dir])).code, 0);
    assert.doesNotMatch((await runCli(["execute", dir, "--check"])).stderr, /not in plan\.json/);
  });

  it("execute --check: a catalog written with ingest --out uploads the photos of the folder it scanned, unchanged ones only", async () => {
    // Before: every photo of such a catalog (../photos/x.jpg) was "outside the catalog's folder": nothing could be
    // sent. Now the review page's rule: inside the recorded photo folder, with the sha256 the catalog recorded.
    const base = await tempDir("vbulk-out-");
    await mkdir(join(base, "photos"));
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
      await copyFile(join(FIXTURES, "grouping", f), join(base, "photos", f));
    const review = join(base, "review");
    assert.equal((await runCli(["ingest", join(base, "photos"), "--out", review])).code, 0);
    const set = ["--set", "c1.category=hoodie", "--set", "c1.size=M"];
    const p = await runCli(["plan", review, "--gender", "femme", ...set]);
    assert.equal(p.code, 0, p.stderr);
    const photo = JSON.parse(await readFile(join(review, "plan.json"), "utf8")).items[0].photos[0];
    assert.equal(photo, "../photos/IMG_0001.jpg");
    const ok = await runCli(["execute", review, "--check", "--only", "c1"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^c1 +ready/m);
    assert.equal(await uploadable(review, photo), join(base, "photos", "IMG_0001.jpg"));
    // A photo changed since the ingest is not the one the seller reviewed: refused, as the page refuses it.
    await appendFile(join(base, "photos", "IMG_0001.jpg"), "changed");
    const changed = await runCli(["execute", review, "--check", "--only", "c1"]);
    assert.equal(changed.code, 2, changed.stdout);
    assert.match(
      changed.stdout,
      /^c1 +not ready: photo outside the catalog's folder: \.\.\/photos\/IMG_0001\.jpg/m,
    );
    await assert.rejects(uploadable(review, photo), /Expected a photo inside/);
  });

  it("execute --check: an ingest --out of a photo folder reached through a symlink (macOS /tmp) finds its photos", async () => {
    // Before: the recorded folder was resolved (/real) and the photo's path was not (/link/…): every photo was
    // "outside the catalog's folder".
    const base = await tempDir("vbulk-out-");
    await mkdir(join(base, "real"));
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
      await copyFile(join(FIXTURES, "grouping", f), join(base, "real", f));
    await symlink(join(base, "real"), join(base, "link"));
    const review = join(base, "review");
    assert.equal((await runCli(["ingest", join(base, "link"), "--out", review])).code, 0);
    const p = await runCli([
      "plan",
      review,
      "--gender",
      "femme",
      "--set",
      "c1.category=hoodie",
      "--set",
      "c1.size=M",
    ]);
    assert.equal(p.code, 0, p.stderr);
    const ok = await runCli(["execute", review, "--check", "--only", "c1"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^c1 +ready/m);
  });

  it("a photo deleted after ingest: plan warns naming it and its article, execute --check names its path and the fix", async () => {
    // Before: plan said nothing (exit 0, the table still counted the photo), and execute --check said only
    // "photo missing: IMG_0002.jpg": no folder, nothing to do.
    const dir = await plannedFolder();
    await rm(join(dir, "IMG_0002.jpg"));
    const said =
      /warning: c1's photo IMG_0002\.jpg is missing from .*: put it back, or run `vbulk ingest .*` again \(its article is then made without it\), or take it out on `vbulk review .*`/;
    for (const json of [[], ["--json"]]) {
      const r = await runCli(["plan", dir, ...json]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, said);
    }
    const check = await runCli(["execute", dir, "--check", "--only", "c1"]);
    assert.equal(check.code, 2, check.stderr);
    assert.ok(
      check.stdout.includes(
        `photo missing: ${join(dir, "IMG_0002.jpg")}: put it back, or run \`vbulk ingest`,
      ),
      check.stdout,
    );
    // Two of one article's photos: said of both, in the plural.
    await rm(join(dir, "IMG_0001.jpg"));
    const two = await runCli(["plan", dir]);
    assert.match(
      two.stderr,
      /warning: c1's photos IMG_0001\.jpg, IMG_0002\.jpg are missing from .*: put them back, or run `vbulk ingest .*` again \(its article is then made without them\), or take them out on/,
    );
  });

  it("a hand-edited catalog whose article names a photo its photos[] does not list is refused with the field", async () => {
    // Before: accepted; plan said "photos put back to the catalog's 1 photos (gone.jpg)", exit 0.
    const dir = await plannedFolder();
    const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8"));
    catalog.items[1].photos.push("gone.jpg");
    await writeFile(join(dir, "catalog.json"), JSON.stringify(catalog));
    const before = await readFile(join(dir, "plan.json"), "utf8");
    const r = await runCli(["plan", dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /items\[1\]\.photos\[2\] \(article c2\) is "gone\.jpg", which photos\[\] does not list/,
    );
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
  });

  it("execute --check with --set-publish-true names the two flags and how to run each", async () => {
    // Before: "Expected --check alone" (--check --only is fine) with no hint.
    const dir = await plannedFolder();
    const before = await readFile(join(dir, "plan.json"), "utf8");
    for (const only of [["--only", "c1"], []]) {
      const r = await runCli(["execute", dir, "--check", "--set-publish-true", ...only]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Expected --check or --set-publish-true, not both: --check writes nothing/);
      assert.match(r.stderr, /hint: Drop --set-publish-true to check .*, or drop --check/);
    }
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
  });

  it("execute --only with an id in capitals: did you mean c1", async () => {
    const dir = await plannedFolder();
    const r = await runCli(["execute", dir, "--check", "--only", "C1"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Expected article ids of the plan for --only but received "C1" \(did you mean "c1"\?\)/,
    );
  });

  it("execute --only with an empty list: 2, nothing sent (it meant every article before)", async () => {
    const dir = await plannedFolder();
    for (const only of ["", " , "]) {
      const r = await runCli(["execute", dir, "--only", only, "--yes"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Expected article ids for --only/);
    }
  });

  it("execute given both --dry-run and --no-dry-run: 2, nothing sent or changed, whichever comes last", async () => {
    // Before: the last one won, so `--dry-run --no-dry-run` went on to the publish question and
    // `--no-dry-run --dry-run` quietly made drafts: a script's safety flag undone by a flag added after it.
    const dir = await plannedFolder();
    const before = await readFile(join(dir, "plan.json"), "utf8");
    for (const flags of [
      ["--dry-run", "--no-dry-run"],
      ["--no-dry-run", "--dry-run"],
    ]) {
      const r = await runCli(["execute", dir, ...flags, "--yes"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Expected --dry-run or --no-dry-run, not both/);
      assert.match(r.stderr, /nothing was sent/);
    }
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), before);
  });

  it("execute's hints name the folder, so that pasting them from elsewhere works", async () => {
    // Before: "Run `vbulk plan` first." right after the seller ran `vbulk plan ./photos` from the folder above, and
    // "vbulk plan --set c2.excluded=false", which ran on the current folder's (missing) catalog.
    const dir = await plannedFolder();
    const none = await tempDir("vbulk-noplan-");
    const noPlan = await runCli(["execute", none, "--yes"]);
    assert.equal(noPlan.code, 2, noPlan.stderr);
    assert.match(noPlan.stderr, new RegExp(`hint: Run \`vbulk plan ${none}\` first`));
    assert.equal((await runCli(["plan", dir, "--exclude", "c2"])).code, 0);
    const excluded = await runCli(["execute", dir, "--only", "c2", "--yes"]);
    assert.equal(excluded.code, 2, excluded.stderr);
    assert.match(
      excluded.stderr,
      new RegExp(`Include it first: vbulk plan ${dir} --set c2\\.excluded=false`),
    );
  });

  it("execute --only with an id the plan does not have: 2, and the hint lists the plan's ids", async () => {
    // Before: "Expected article ids of the plan for --only but received "c4"" and no hint (plan --only lists them).
    const dir = await plannedFolder();
    const r = await runCli(["execute", dir, "--only", "c1,c4", "--yes"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Expected article ids of the plan for --only but received "c4"/);
    assert.match(r.stderr, /hint: Articles in plan\.json: c1, c2\. Nothing was changed or sent\./);
  });

  it("--json on a failure: one JSON error document on stdout (code, message, hint), the exit code kept", async () => {
    // Before: nothing on stdout, so `vbulk plan … --json | jq` got empty input.
    const dir = await plannedFolder();
    const missing = join(dir, "no-such");
    for (const [args, code, errCode, said] of [
      [["ingest", missing, "--json"], 2, "NOT_FOUND", /no-such/],
      [["plan", missing, "--json"], 2, "NOT_FOUND", /no-such/],
      [["execute", dir, "--only", "c9", "--json"], 2, "BAD_USAGE", /received "c9"/],
      [["execute", dir, "--json", "--no-such-flag"], 2, "BAD_USAGE", /unknown option '--no-such-flag'/],
    ] as const) {
      const r = await runCli([...args]);
      const shown = `${args.join(" ")}: ${r.stdout} ${r.stderr}`;
      assert.equal(r.code, code, shown);
      const doc = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(doc), ["error"], shown);
      assert.equal(doc.error.code, errCode, shown);
      assert.match(doc.error.message, said, shown);
      assert.equal(typeof doc.error.hint === "string" || doc.error.hint === null, true, shown);
      assert.match(r.stderr, /error:/, "stderr still says it for a person");
    }
  });

  it("the Chromium of `npx playwright-core install chromium` (PLAYWRIGHT_BROWSERS_PATH) is the browser vbulk starts", async () => {
    // Before: only system paths were searched, so the README's install command left vbulk with no browser.
    const browsers = await tempDir("vbulk-pw-");
    const exe = join(browsers, "chromium-1255", "chrome-linux64", "chrome");
    const mark = join(browsers, "started");
    await mkdir(join(exe, ".."), { recursive: true });
    // A stand-in that records it was started and exits: Playwright then reports a launch failure.
    await writeFile(exe, `#!/bin/sh\necho "$@" > "${mark}"\nexit 1\n`, { mode: 0o755 });
    const configDir = await tempDir("vbulk-config-");
    await saveSession({ cookies: [], origins: [] }, { VBULK_CONFIG_DIR: configDir });
    const { VBULK_CHROMIUM_PATH: _c, ...rest } = testEnv({
      VBULK_CONFIG_DIR: configDir,
      PLAYWRIGHT_BROWSERS_PATH: browsers,
      VBULK_VINTED_URL: "http://127.0.0.1:9",
    });
    const r = await runCli(["doctor", "--headless"], { env: rest });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`Expected to start the browser at ${exe} but it failed`));
    assert.ok((await stat(mark)).isFile(), "the Playwright folder's browser was started");
  });

  it("auth check and doctor: 2 without a saved session, saying to log in", async () => {
    const env = testEnv({ VBULK_CONFIG_DIR: await tempDir() });
    for (const args of [["auth", "check"], ["doctor"]]) {
      const r = await runCli(args, { env });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /Expected a saved Vinted session .* but there is none/);
      assert.match(r.stderr, /vbulk login/);
    }
  });

  it("a session.enc that is there but cannot be read: 2 naming it and what to do, never 'log in', never replaced", async () => {
    // Before: any read error was "there is none: run `vbulk login`", and the new login replaced the file.
    const isRoot = process.getuid?.() === 0;
    for (const [what, make, said] of [
      [
        "a folder in its place",
        async (path: string) => {
          await mkdir(path);
          await writeFile(join(path, "keep"), "x");
        },
        /Expected a saved Vinted session file at .*session\.enc but found a folder there/,
      ],
      [
        "no permission to read it",
        async (path: string) => {
          await writeFile(path, "encrypted session", { mode: 0o600 });
          // Root reads anything: the CLI runs as "nobody" then, the file staying root's (a `sudo vbulk login`).
          if (!isRoot) await chmod(path, 0o000);
        },
        /Expected a saved Vinted session vbulk may read at .*session\.enc but reading it was refused \((EACCES|EPERM)\)/,
      ],
    ] as const) {
      const dir = await tempDir("vbulk-config-");
      await chmod(dir, 0o777);
      const path = join(dir, "session.enc");
      await make(path);
      const before = await stat(path);
      // A currency for that address, as for the replica: the run must reach the session file.
      const env = testEnv({
        VBULK_CONFIG_DIR: dir,
        VBULK_VINTED_URL: "http://127.0.0.1:9",
        VBULK_VINTED_CURRENCY: "EUR",
      });
      // doctor and vinted sync read it the way auth check does (withTab): once is enough. execute reaches it after
      // its own checks; it runs as this user (the planned folder is its), which a folder in place of session.enc
      // stops too.
      const commands = [
        ["auth", "check"],
        ["login", "--headless"],
      ];
      if (what === "a folder in its place")
        commands.push(["doctor"], ["vinted", "sync"], ["execute", await plannedFolder(env), "--yes"]);
      for (const args of commands) {
        const nobody = isRoot && args[0] !== "execute";
        const r = await runCli(args, { env, ...(nobody ? { uid: 65534, gid: 65534 } : {}) });
        const shown = `${what}, ${args.join(" ")}: ${r.stderr}`;
        assert.equal(r.code, 2, shown);
        assert.match(r.stderr, said, shown);
        assert.match(r.stderr, /hint: .*(chown|move it away)/i, shown);
        assert.doesNotMatch(r.stderr, /there is none|unexpected/, shown);
      }
      const after = await stat(path);
      assert.equal(after.ino, before.ino, `${what}: not replaced`);
      assert.equal(after.mtimeMs, before.mtimeMs, `${what}: not rewritten`);
      assert.deepEqual((await readdir(dir)).sort(), ["session.enc"], `${what}: no key, no temporary file`);
    }
  });

  it("models list: 0; models pull: 2 for an unknown model or VBULK_OFFLINE=1, 1 when the download fails", async () => {
    const env = testEnv({ VBULK_CACHE_DIR: await tempDir() });
    const list = await runCli(["models", "list"], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^clip-vit-base-patch32 +not downloaded/m);
    const unknown = await runCli(["models", "pull", "--model", "nope"], { env });
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /Expected one of clip-vit-base-patch32 for --model but received "nope"/);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await runCli(["models", "pull", "--base-url", url], { env: { ...env, VBULK_OFFLINE: "" } });
    assert.equal(down.code, 1, down.stderr);
    assert.match(down.stderr, /Could not reach http:\/\/127\.0\.0\.1:\d+ to download/);
    // VBULK_OFFLINE=1 means never try the network: pull says so instead of trying (it tried, and failed on DNS).
    const offline = await runCli(["models", "pull", "--base-url", url], { env });
    assert.equal(offline.code, 2, offline.stderr);
    assert.match(offline.stderr, /VBULK_OFFLINE=1 is set .*nothing was downloaded/);
    assert.match(offline.stderr, /hint: .*unset VBULK_OFFLINE/);
    assert.doesNotMatch(offline.stderr, /Could not reach/);
  });

  it("models manifest: 0 for a model folder, 2 for a missing one or one ingest cannot load; models verify --model-dir: 2 without a manifest", {
    skip: needShared("models", "clip-vit-b32-tokenizer", "tokenizer.json"),
  }, async () => {
    const model = join(await tempDir(), "my-model");
    await cp(join(FIXTURES, "models", "mean-colour"), model, { recursive: true });
    const unverified = await runCli(["models", "verify", "--model-dir", model]);
    assert.equal(unverified.code, 2, unverified.stderr);
    assert.match(unverified.stderr, /Expected a vbulk-model\.json in .*my-model but found none/);
    // The encoders alone: ingest would refuse the folder (no tokenizer), so manifest does.
    const encodersOnly = await runCli(["models", "manifest", model]);
    assert.equal(encodersOnly.code, 2, encodersOnly.stderr);
    assert.match(
      encodersOnly.stderr,
      /but tokenizer\.json, tokenizer_config\.json and preprocessor_config\.json are missing/,
    );
    for (const f of ["tokenizer.json", "tokenizer_config.json", "preprocessor_config.json"])
      await cp(sharedPath("models", "clip-vit-b32-tokenizer", f), join(model, f));
    const ok = await runCli(["models", "manifest", model]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /wrote .*vbulk-model\.json: \d+ files/);
    const missing = await runCli(["models", "manifest", join(model, "nope")]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /Expected a folder of model files .* but found nothing at .*nope/);
    assert.doesNotMatch(missing.stderr, /unexpected/);
    const empty = await runCli(["models", "manifest", await tempDir()]);
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(
      empty.stderr,
      /Expected vision_model\*\.onnx and text_model\*\.onnx in .* but found no \.onnx file/,
    );
  });
});

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every file under `dir` with its size and change time, and every folder: what a command that writes nothing leaves as it was. */
async function snapshot(dir: string): Promise<string[]> {
  const rows: string[] = [];
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const st = await stat(join(dir, name));
    // A folder's own time changes with a lock taken and let go: its files are what counts.
    rows.push(st.isDirectory() ? name : `${name} ${st.size} ${st.mtimeMs}`);
  }
  return rows;
}

// `--out "$OUT"` with OUT unset wrote catalog.json, catalog.log and .vbulk/ into the current folder, exit 0;
// `plan ""` wrote plan.json there; `--config ""` and `--labels ""` were taken as not given (error audit 3, 19).
describe("an empty path argument or flag value: refused before anything is written", () => {
  const cases: [args: string[], where: string, what: string][] = [
    [["ingest", ""], "SOURCE", "a folder of photos (or a .zip)"],
    [["ingest", ".", "--out", ""], "--out", "a folder"],
    [["ingest", ".", "--config", ""], "--config", "a file"],
    [["ingest", ".", "--labels", ""], "--labels", "a file"],
    [["ingest", ".", "--model-dir", ""], "--model-dir", "a folder"],
    [["plan", ""], "DIR", "a folder (or a photos .zip)"],
    [["plan", ".", "--config", ""], "--config", "a file"],
    [["plan", ".", "--labels", ""], "--labels", "a file"],
    [["plan", ".", "--templates", ""], "--templates", "a folder"],
    [["plan", ".", "--mapping", ""], "--mapping", "a file"],
    [["plan", ".", "--rules", ""], "--rules", "a file"],
    [["status", ""], "DIR", "a folder (or a photos .zip)"],
    [["review", ""], "DIR", "a folder (or a photos .zip)"],
    [["execute", "", "--check"], "DIR", "a folder (or a photos .zip)"],
    [["execute", ".", "--check", "--config", ""], "--config", "a file"],
    [["models", "verify", "--model-dir", ""], "--model-dir", "a folder"],
    [["models", "manifest", ""], "DIR", "a folder"],
    // Flags that are no path, by the same rule: --dup-threshold "" was a threshold of 0, --name "" a nameless model.
    [
      ["ingest", ".", "--dup-threshold", ""],
      "--dup-threshold (or env VBULK_DUP_THRESHOLD)",
      "a whole number from 0 to 32",
    ],
    [["plan", ".", "--lang", ""], "--lang (or env VBULK_LANG)", "fr or en"],
    // The source given is named (the flag here), as for every other --price-rules refusal.
    [["plan", ".", "--price-rules", ""], "--price-rules", "a JSON object of prices"],
    [["models", "manifest", ".", "--name", ""], "--name", "a name for the model"],
  ];
  for (const [args, where, what] of cases)
    it(`vbulk ${args.map((a) => a || '""').join(" ")} → exit 2 naming ${where}, nothing written`, async () => {
      // Run from an ingested and planned folder: the current folder the empty path was taken for.
      const dir = await plannedFolder();
      const before = await snapshot(dir);
      // review has no --json (it serves a page).
      const json = args[0] !== "review";
      const r = await runCli(json ? [...args, "--json"] : args, { cwd: dir, timeout: 30_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^error: Expected ${escaped(what)} for ${escaped(where)} but received an empty value \\(an unset variable in a script\\?\\)`,
          "m",
        ),
      );
      assert.match(r.stderr, /hint: /);
      if (json) assert.equal(JSON.parse(r.stdout).error.code, "BAD_USAGE");
      assert.deepEqual(await snapshot(dir), before);
    });
});

describe("exit codes with a browser", { skip: needTool("chromium"), concurrency: false }, () => {
  const browser = testChromium() ?? "";
  const replica = new VintedReplica();
  let configDir: string;
  let configFile: string;
  const env = (extra: Record<string, string> = {}) =>
    testEnv({
      VBULK_VINTED_URL: replica.url,
      // The replica is no real site: its prices are taken in vinted.fr's currency.
      VBULK_VINTED_CURRENCY: "EUR",
      VBULK_CONFIG_DIR: configDir,
      VBULK_CONFIG: configFile,
      VBULK_CHROMIUM_PATH: browser,
      VBULK_HEADLESS: "1",
      ...extra,
    });

  before(async () => {
    await replica.start();
    configDir = await tempDir("vbulk-config-");
    configFile = join(configDir, "vbulk.json");
    await writeFile(configFile, JSON.stringify({ execute: { writeSpacingMs: [0, 0], timeoutMs: 15000 } }));
    await saveSession({ cookies: replica.cookies(), origins: [] }, { VBULK_CONFIG_DIR: configDir });
  });
  after(() => replica.stop());

  it("login: 2 when there is no display to show the browser on", async () => {
    const {
      DISPLAY: _d,
      WAYLAND_DISPLAY: _w,
      VBULK_HEADLESS: _h,
      ...rest
    } = env({ VBULK_CONFIG_DIR: await tempDir() });
    const r = await runCli(["login"], { env: rest });
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /unexpected/);
    // Before: "A browser window opens on …: log in as usual" first, then the error.
    assert.doesNotMatch(r.stderr, /A browser window opens/);
  });

  it("auth check: 2 when the saved session has expired", async () => {
    replica.switches.stale = true;
    try {
      const r = await runCli(["auth", "check"], { env: env() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Not logged in .*vbulk login/s);
    } finally {
      replica.switches.stale = false;
    }
  });

  it("doctor: 1 when the site cannot be reached", async () => {
    const r = await runCli(["doctor"], {
      env: env({ VBULK_VINTED_URL: `http://127.0.0.1:${await closedPort()}` }),
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
  });

  it("execute: 130 on Ctrl-C, and what was done is kept", async () => {
    replica.switches.draftDelayMs = 300;
    try {
      const dir = await plannedFolder(env());
      replica.log.length = 0; // earlier tests' requests would send the signal before execute starts
      const child = spawn(process.execPath, [BIN, "execute", dir, "--only", "c1", "--yes"], {
        env: { ...env(), NO_COLOR: "1" },
        stdio: "ignore",
      });
      const exited = new Promise<number | null>((res) => child.on("close", res));
      const deadline = Date.now() + 60_000;
      while (replica.log.length === 0 && Date.now() < deadline) await sleep(20);
      child.kill("SIGINT");
      assert.equal(await exited, 130);
      const status = await runCli(["status", dir, "--json"], { env: env() });
      assert.equal(JSON.parse(status.stdout).state, "interrupted");
    } finally {
      replica.switches.draftDelayMs = 0;
    }
  });
});
