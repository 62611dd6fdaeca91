import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { login } from "../../src/vinted/login.js";
import { loadSelectors } from "../../src/vinted/selectors.js";
import { saveSession } from "../../src/vinted/session.js";
import { catalogFixture } from "../helpers/catalog.js";
import { needTool, testChromium } from "../helpers/needs.js";
import { BIN, FIXTURES, type RunResult, runCli, tempDir, testEnv } from "../helpers/run.js";
import { VintedReplica } from "../replica/server.js";

const skip = needTool("chromium");
const browser = testChromium();

/** Every output of every run, to check that no secret ever shows. */
const outputs: string[] = [];

describe("vbulk execute against the local Vinted replica (real Chromium)", {
  skip,
  concurrency: false,
}, () => {
  const replica = new VintedReplica();
  let configDir: string;
  let configFile: string;

  before(async () => {
    await replica.start();
    configDir = await tempDir("vbulk-config-");
    configFile = join(configDir, "vbulk.json");
    // Fast pacing for tests; the 5-publishes-a-minute ceiling cannot be raised (and is tested with a fake clock).
    await writeFile(
      configFile,
      JSON.stringify({
        execute: {
          itemSpacingMs: [0, 0],
          humanDelayMs: [0, 0],
          retryMinMs: 200,
          retryMaxMs: 3000,
          timeoutMs: 15000,
        },
      }),
    );
    await saveSession(
      { cookies: replica.cookies(), origins: [] },
      { ...process.env, VBULK_CONFIG_DIR: configDir },
    );
  });
  /** Folders execute ran in: their journal, status and plan must hold no secret either. */
  const folders: string[] = [];
  after(async () => {
    await replica.stop();
    for (const dir of folders)
      for (const f of ["journal.json", "plan.json", join(".vbulk", "status.json")])
        outputs.push(await readFile(join(dir, f), "utf8").catch(() => ""));
    const secrets = [replica.sessionToken, replica.refreshToken, replica.datadome];
    const key = (await readFile(join(configDir, "session.key"), "utf8")).trim();
    for (const text of outputs)
      for (const s of [...secrets, key])
        assert.equal(text.includes(s), false, "a secret appeared in an output");
  });

  const env = (extra: Record<string, string> = {}) =>
    testEnv({
      VBULK_VINTED_URL: replica.url,
      VBULK_CONFIG_DIR: configDir,
      VBULK_CONFIG: configFile,
      ...(browser ? { VBULK_CHROMIUM_PATH: browser } : {}),
      ...extra,
    });

  async function cli(args: string[]): Promise<RunResult> {
    const r = await runCli(args, { env: env() });
    outputs.push(r.stdout, r.stderr);
    return r;
  }

  /** A folder with 3 planned articles (real photos), c1 marked publish. */
  async function planned(): Promise<string> {
    const dir = await tempDir("vbulk-exec-");
    const src = join(FIXTURES, "grouping");
    for (const f of (await readdir(src)).filter((x) => x.endsWith(".jpg")).slice(0, 7))
      await copyFile(join(src, f), join(dir, f));
    await catalogFixture(
      [
        { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"] },
        { category: "t-shirt", color: "blanc", photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
        { category: "jeans", color: "bleu", photos: ["IMG_0006.jpg", "IMG_0007.jpg"] },
      ],
      dir,
    );
    const r = await cli([
      "plan",
      dir,
      "--gender",
      "femme",
      "--set",
      "c1.size=M",
      "--set",
      "c2.size=S",
      "--set",
      "c3.size=W32",
      "--publish",
      "c1",
    ]);
    assert.equal(r.code, 0, r.stderr);
    folders.push(dir);
    return dir;
  }

  const resetReplica = () => {
    replica.drafts.clear();
    replica.photos.clear();
    replica.log.length = 0;
    Object.assign(replica.switches, {
      rateLimit: { count: 0, retryAfter: 1 },
      serverErrors: 0,
      slowMs: 0,
      expired: false,
      challengeAfterDrafts: null,
    });
  };
  const writes = () => replica.log.filter((l) => l.method === "POST" && l.path.startsWith("/api/"));

  it("dry run (the default) saves a draft per article with its photos, and never publishes", async () => {
    resetReplica();
    const dir = await planned();
    const r = await cli(["execute", dir, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(r.stdout);
    assert.deepEqual(
      results.map((x: { cluster_id: string; prepare: { ok: boolean }; publish: unknown }) => [
        x.cluster_id,
        x.prepare.ok,
        x.publish,
      ]),
      [
        ["c1", true, null],
        ["c2", true, null],
        ["c3", true, null],
      ],
    );
    const drafts = [...replica.drafts.values()];
    assert.deepEqual(
      drafts.map((d) => [
        d.title,
        d.photo_ids.length,
        d.size,
        d.status_id,
        d.color_ids,
        d.price,
        d.published,
      ]),
      [
        ["Hoodie noir (bon) – Taille M", 3, "M", 3, [1], 20, false],
        ["T-shirt blanc (bon) – Taille S", 2, "S", 3, [12], 20, false],
        ["Jean bleu (bon) – Taille W32", 2, "W32", 3, [9], 20, false],
      ],
    );
    assert.equal(drafts[0]!.catalog_id, 1812, "Femmes > … > Sweats à capuche");
    assert.equal(replica.photos.size, 7);
    assert.equal(
      replica.log.some((l) => l.path.includes("/completion")),
      false,
      "nothing published",
    );
    // A second run finds everything done: no new draft.
    const again = await cli(["execute", dir, "--json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(replica.drafts.size, 3);
    const status = await cli(["status", dir, "--json"]);
    assert.equal(JSON.parse(status.stdout).command, "execute");
  });

  it("--no-dry-run without a terminal refuses (exit 2) and sends nothing", async () => {
    resetReplica();
    const dir = await planned();
    const r = await cli(["execute", dir, "--no-dry-run"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /Expected a terminal to confirm --no-dry-run but there is none .*nothing was sent/,
    );
    assert.equal(writes().length, 0);
  });

  it("with a confirmation typed in a terminal, only publish:true articles are published", async () => {
    resetReplica();
    const dir = await planned();
    const r = await inTerminal(["execute", dir, "--no-dry-run"], "y\r", env());
    outputs.push(r.output);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /These 1 articles will be PUBLISHED/);
    const published = [...replica.drafts.values()].filter((d) => d.published).map((d) => d.title);
    assert.deepEqual(published, ["Hoodie noir (bon) – Taille M"]);
    assert.equal(replica.drafts.size, 3);
    const journal = JSON.parse(await readFile(join(dir, "journal.json"), "utf8"));
    assert.match(journal.items.c1.publish.listing_url, /\/items\/\d+$/);
    assert.equal(journal.items.c2.publish, undefined);
  });

  it("429 with Retry-After: waits, retries and succeeds", async () => {
    resetReplica();
    replica.switches.rateLimit = { count: 1, retryAfter: 1 };
    const dir = await planned();
    const r = await cli(["execute", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /c1 prepare retry: Vinted answered 429 Too Many Requests \(Retry-After 1 s\)/);
    assert.equal(replica.log.filter((l) => l.status === 429).length, 1);
    assert.equal(replica.drafts.size, 3);
  });

  it("a 500 is retried with backoff; an expired session stops the run and says to log in again", async () => {
    resetReplica();
    replica.switches.serverErrors = 2;
    const dir = await planned();
    const r = await cli(["execute", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(replica.log.filter((l) => l.status === 500).length, 2);
    assert.equal(replica.drafts.size, 3);
    resetReplica();
    replica.switches.expired = true;
    const dir2 = await planned();
    const expired = await cli(["execute", dir2]);
    assert.equal(expired.code, 3);
    assert.match(expired.stderr, /stopped: the Vinted session expired: run `vbulk login`/);
    assert.equal(writes().length, 0);
  });

  it("--only with --set-publish-true marks those articles publish:true in plan.json (a dry run still publishes nothing)", async () => {
    resetReplica();
    const dir = await planned();
    const r = await cli(["execute", dir, "--only", "c2", "--set-publish-true"]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(await readFile(join(dir, "plan.json"), "utf8"));
    assert.deepEqual(
      plan.items.map((i: { publish: boolean }) => i.publish),
      [true, true, false],
    );
    assert.equal(
      replica.log.some((l) => l.path.includes("/completion")),
      false,
    );
  });

  it("a challenge on item 2 marks it needs_manual and stops every further write; the next run is paused", async () => {
    resetReplica();
    replica.switches.challengeAfterDrafts = 1;
    const dir = await planned();
    const r = await cli(["execute", dir, "--json"]);
    assert.equal(r.code, 3, r.stderr);
    const results = JSON.parse(r.stdout);
    assert.equal(results[0].prepare.ok, true);
    assert.equal(results[1].needs_manual, true);
    assert.equal(results[2].prepare, null, "item 3 was not attempted");
    assert.match(r.stderr, /stopped: challenge on c2: writes paused until .* left for the next run: c3/);
    assert.equal(replica.drafts.size, 1);
    const writesBefore = writes().length;
    const again = await cli(["execute", dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Writes are paused until/);
    assert.equal(writes().length, writesBefore, "no write while paused");
  });

  it("killing the process mid-run, then running again, creates no duplicate draft", async () => {
    resetReplica();
    replica.switches.slowMs = 150;
    const dir = await planned();
    const child = spawn(process.execPath, [BIN, "execute", dir], { env: env(), stdio: "ignore" });
    const exited = new Promise((res) => child.on("close", res));
    const deadline = Date.now() + 60_000;
    while (replica.drafts.size < 1 && Date.now() < deadline) await sleep(20);
    await sleep(200);
    child.kill("SIGKILL");
    await exited;
    replica.switches.slowMs = 0;
    const r = await cli(["execute", dir, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(replica.drafts.size, 3, "one draft per article, whatever the moment of the kill");
    assert.deepEqual([...new Set([...replica.drafts.values()].map((d) => d.title))].length, 3);
  });

  it("--check validates without touching anything; --only limits the run", async () => {
    resetReplica();
    const dir = await planned();
    const check = await cli(["execute", dir, "--check"]);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /3 of 3 articles ready\. Nothing was sent\./);
    assert.equal(replica.log.length, 0);
    const r = await cli(["execute", dir, "--only", "c2", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).map((x: { cluster_id: string }) => x.cluster_id),
      ["c2"],
    );
    assert.equal(replica.drafts.size, 1);
  });

  it("the session file is encrypted; auth check and doctor work with it", async () => {
    const enc = await readFile(join(configDir, "session.enc"), "utf8");
    outputs.push(enc);
    assert.equal((await stat(join(configDir, "session.enc"))).mode & 0o777, 0o600);
    assert.equal((await stat(join(configDir, "session.key"))).mode & 0o777, 0o600);
    assert.match(enc, /"alg":"aes-256-gcm"/);
    const check = await cli(["auth", "check"]);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /The session works/);
    const doctor = await cli(["doctor"]);
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.match(doctor.stdout, /All checked selectors found/);
  });

  it("login saves the browser state encrypted once the seller has logged in", async () => {
    const dir = await tempDir("vbulk-login-");
    const prev = process.env.VBULK_CONFIG_DIR;
    process.env.VBULK_CONFIG_DIR = dir;
    process.env.VBULK_CHROMIUM_PATH = browser ?? "";
    try {
      const path = await login({
        baseUrl: replica.url,
        selectors: await loadSelectors(),
        headed: false,
        timeoutMs: 20_000,
        drive: async (page) => {
          await page.getByTestId("login-username").fill("seller");
          await page.getByTestId("login-password").fill("hunter2");
          await page.getByTestId("login-submit").click();
        },
      });
      const text = await readFile(path, "utf8");
      outputs.push(text);
      assert.ok(existsSync(join(dir, "session.key")));
      const r = await runCli(["auth", "check"], { env: { ...env(), VBULK_CONFIG_DIR: dir } });
      outputs.push(r.stdout, r.stderr);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      if (prev === undefined) delete process.env.VBULK_CONFIG_DIR;
      else process.env.VBULK_CONFIG_DIR = prev;
    }
  });

  it("without a session: says to log in (exit 2)", async () => {
    const r = await runCli(["execute", await planned()], {
      env: { ...env(), VBULK_CONFIG_DIR: await tempDir() },
    });
    outputs.push(r.stdout, r.stderr);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Expected a saved Vinted session .* but there is none/);
    assert.match(r.stderr, /vbulk login/);
  });
});

/** Runs the CLI inside a pseudo-terminal (util-linux `script`), typing `keys` once the prompt shows. */
function inTerminal(
  args: string[],
  keys: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolve) => {
    const child: ChildProcess = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
      env: { ...env, TERM: "dumb" },
    });
    let output = "";
    let typed = false;
    child.stdout?.on("data", (d) => {
      output += d;
      if (!typed && /Publish these/.test(output)) {
        typed = true;
        child.stdin?.write(keys);
      }
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    child.on("close", (code) => resolve({ code, output }));
  });
}
