import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { chmod, copyFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Browser, BrowserContext } from "playwright-core";
import { DEFAULTS } from "../../src/core/defaults.js";
import type { VbulkError } from "../../src/core/errors.js";
import { startExecute } from "../../src/review/execute.js";
import { VintedTab } from "../../src/vinted/adapter.js";
import { handleFor } from "../../src/vinted/browser.js";
import { saveSession } from "../../src/vinted/session.js";
import { catalogFixture } from "../helpers/catalog.js";
import { needTool, testChromium } from "../helpers/needs.js";
import { FIXTURES, runCli, tempDir, testEnv } from "../helpers/run.js";
import { VintedReplica } from "../replica/server.js";

const skip = needTool("chromium");
const chromium = testChromium();

/** Longer than any bounded cleanup (defaults.execute.closeTimeoutMs and the lost-browser poll), far shorter
 *  than "forever": a command still running then is killed and the test fails on its exit code. */
const ENDS_WITHIN_MS = 45_000;

/** Whether a process still runs (signal 0 only asks). A zombie does not: an orphan's exit status waits for an
 *  init that reaps, and a container's init may not. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return process.platform !== "linux";
  }
}

/**
 * A command that drives a browser always ends, with its own message and exit code, even when the browser will
 * not close or dies under it: cron runs vbulk unattended, and a command idle forever in Playwright's close (one
 * CI run: `vbulk doctor` idle 8 minutes, no browser left) is worse than any error.
 */

/** One article (a black hoodie, two photos of the grouping fixture) catalogued in `folder`. */
async function hoodieFolder(folder: string): Promise<void> {
  const src = join(FIXTURES, "grouping");
  for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"]) await copyFile(join(src, f), join(folder, f));
  await catalogFixture(
    [{ category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg"] }],
    folder,
  );
}

describe("a browser that hangs or dies never keeps a command running", { skip, concurrency: false }, () => {
  const replica = new VintedReplica();
  let dir: string;
  const env = (wrapper: string) =>
    testEnv({
      VBULK_VINTED_URL: replica.url,
      // The replica is no real site: its prices are taken in vinted.fr's currency.
      VBULK_VINTED_CURRENCY: "EUR",
      VBULK_CONFIG_DIR: dir,
      VBULK_HEADLESS: "1",
      VBULK_CHROMIUM_PATH: wrapper,
    });

  /**
   * A browser launcher (like Debian's /usr/bin/chromium, a script that execs the real browser) that first starts
   * a helper which outlives the browser holding its pipes, the way a crash reporter or a stuck child does:
   * Playwright then never sees the browser's pipes close, so its close() and every pending call wait forever.
   * `before` runs in the launcher's shell before the exec; $$ is then the browser's own pid.
   */
  async function launcher(
    name: string,
    before = "",
  ): Promise<{ path: string; helperPid: () => Promise<number> }> {
    const path = join(dir, `${name}.sh`);
    const pidFile = join(dir, `${name}.helper.pid`);
    await writeFile(
      path,
      `#!/bin/sh\nsleep 600 &\necho $! > "${pidFile}"\n${before}\nexec "${chromium}" "$@"\n`,
    );
    await chmod(path, 0o755);
    return { path, helperPid: async () => Number((await readFile(pidFile, "utf8")).trim()) };
  }

  before(async () => {
    await replica.start();
    dir = await tempDir("vbulk-browser-cleanup-");
    await saveSession({ cookies: replica.cookies(), origins: [] }, { ...process.env, VBULK_CONFIG_DIR: dir });
  });
  after(() => replica.stop());

  it("login ends with a clear message and exit 2 when the browser process is killed mid-run", async () => {
    // No session to find (the replica is logged out): login watches the page until the browser is killed, once
    // the page has loaded. (Killed at a set time, it died during its start on a loaded CI machine: another case.)
    replica.switches.loggedOut = true;
    const pidFile = join(dir, "killed.browser.pid");
    const { path, helperPid } = await launcher("killed", `echo $$ > "${pidFile}"`);
    const seen = replica.log.length;
    const run = runCli(["login", "--headless"], { env: env(path), timeout: ENDS_WITHIN_MS });
    const loaded = () => replica.log.slice(seen).some((l) => l.method === "GET" && l.path === "/");
    for (let i = 0; i < 300 && !loaded(); i++) await sleep(100);
    assert.ok(loaded(), "login never loaded the site's page");
    process.kill(Number((await readFile(pidFile, "utf8")).trim()), "SIGKILL");
    const r = await run;
    replica.reset();
    assert.equal(r.code, 2, `still running after ${ENDS_WITHIN_MS} ms, or another failure: ${r.stderr}`);
    assert.match(r.stderr, /window was closed/);
    assert.doesNotMatch(r.stderr, /unexpected/i);
    assert.equal(running(await helperPid()), false, "the browser's helper process was left running");
  });

  it("login ends within seconds, not the launch timeout, when the browser dies while it starts", {
    skip: process.platform !== "linux" && "the start is watched through /proc",
  }, async () => {
    // A browser that crashes half a second into its start, its helper (a crash reporter) still holding the
    // pipes: Playwright's launch would wait launchTimeoutMs (a minute) for it.
    const { path, helperPid } = await launcher("dies-starting", "sleep 0.5; kill -9 $$");
    const started = Date.now();
    const r = await runCli(["login", "--headless"], { env: env(path), timeout: ENDS_WITHIN_MS });
    const took = Date.now() - started;
    assert.equal(r.code, 2, `still running after ${ENDS_WITHIN_MS} ms, or another failure: ${r.stderr}`);
    assert.match(
      r.stderr,
      /Expected to start the browser at .* but its process \(\d+\) ended while it started/,
    );
    assert.match(r.stderr, /VBULK_CHROMIUM_PATH/);
    assert.doesNotMatch(r.stderr, /unexpected/i);
    assert.ok(took < DEFAULTS.execute.launchTimeoutMs / 2, `login took ${took} ms`);
    assert.equal(running(await helperPid()), false, "the browser's helper process was left running");
  });

  it("execute ends with exit 1 and says the browser went when it is killed while a write waits for Vinted", async () => {
    const folder = await tempDir("vbulk-browser-exec-");
    await hoodieFolder(folder);
    const config = join(dir, "fast.json");
    await writeFile(config, JSON.stringify({ execute: { writeSpacingMs: [0, 0], timeoutMs: 20_000 } }));
    const planned = await runCli(["plan", folder, "--gender", "femme", "--set", "c1.size=M"], {
      env: env(""),
    });
    assert.equal(planned.code, 0, planned.stderr);
    // The first photo upload is never answered; once it waits, the browser is killed (as an out-of-memory kill
    // would), with its helper still holding the pipes.
    replica.switches.holdAfter = { kind: "photo", count: 0 };
    const pidFile = join(dir, "exec.browser.pid");
    const { path, helperPid } = await launcher("exec", `echo $$ > "${pidFile}"`);
    const run = runCli(["execute", folder, "--yes"], {
      env: { ...env(path), VBULK_CONFIG: config },
      timeout: ENDS_WITHIN_MS,
    });
    for (let i = 0; i < 300 && !replica.log.some((l) => l.status === 0); i++) await sleep(100);
    assert.ok(
      replica.log.some((l) => l.status === 0),
      "no upload reached the replica",
    );
    process.kill(Number((await readFile(pidFile, "utf8")).trim()), "SIGKILL");
    const r = await run;
    replica.reset();
    assert.equal(r.code, 1, `still running after ${ENDS_WITHIN_MS} ms, or another failure: ${r.stderr}`);
    assert.match(
      r.stderr,
      /Expected the browser to stay open until vbulk was done but its process \(\d+\) ended/,
    );
    assert.doesNotMatch(r.stderr, /unexpected/i);
    assert.equal(running(await helperPid()), false, "the browser's helper process was left running");
    const status = await runCli(["status", folder, "--json"], { env: env("") });
    assert.equal(JSON.parse(status.stdout).state, "failed");
  });

  it("a review page run whose browser dies in a spacing wait writes nothing after it ended and freed the lock", async () => {
    const folder = await tempDir("vbulk-browser-review-");
    await hoodieFolder(folder);
    const planned = await runCli(["plan", folder, "--gender", "femme", "--set", "c1.size=M"], {
      env: env(""),
    });
    assert.equal(planned.code, 0, planned.stderr);
    const config = join(dir, "spaced.json");
    await writeFile(config, JSON.stringify({ execute: { writeSpacingMs: [2000, 2000], timeoutMs: 10_000 } }));
    const pidFile = join(dir, "review.browser.pid");
    const { path } = await launcher("review", `echo $$ > "${pidFile}"`);
    const saved = { ...process.env };
    Object.assign(process.env, { ...env(path), VBULK_CONFIG: config });
    try {
      const job = await startExecute(folder, { publish: false });
      // The first photo is sent; the runner then sleeps 2 s before the second: the browser dies meanwhile.
      for (let i = 0; i < 300 && !job.snapshot().events.some((e) => /waiting/.test(e)); i++) await sleep(100);
      assert.ok(job.running, `the run ended before its spacing wait: ${job.snapshot().error}`);
      process.kill(Number((await readFile(pidFile, "utf8")).trim()), "SIGKILL");
      for (let i = 0; i < ENDS_WITHIN_MS / 100 && job.running; i++) await sleep(100);
      assert.match(job.snapshot().error ?? "", /Expected the browser to stay open/);
      const files = [join(folder, "journal.json"), join(dir, "pacing.json")];
      const read = () =>
        Promise.all(files.map(async (f) => `${(await stat(f)).mtimeMs} ${await readFile(f, "utf8")}`));
      const atEnd = await read();
      await sleep(3000); // longer than what was left of the 2 s wait
      assert.deepEqual(await read(), atEnd, "journal.json or pacing.json was written after the run ended");
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});

/** A stand-in for Playwright's Browser whose close() never settles, the way a frozen or half-dead browser's does. */
function stuckBrowser(): Browser {
  return { on: () => undefined, close: () => new Promise<void>(() => {}) } as unknown as Browser;
}

/** A process standing for the browser's: its own process group, like the browser Playwright starts (detached). */
async function fakeBrowserProcess(): Promise<number> {
  const child = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
  child.unref();
  await once(child, "spawn");
  return child.pid!;
}

describe("closing a browser is bounded whatever state it is in", {
  skip: process.platform === "win32",
}, () => {
  const limits = { closeTimeoutMs: 300, browserCheckMs: 100 };

  it("close() ends although the browser's close never does, and kills the browser's process", async () => {
    const pid = await fakeBrowserProcess();
    const handle = handleFor(stuckBrowser(), {} as BrowserContext, pid, limits);
    await handle.close();
    await sleep(100);
    assert.equal(running(pid), false, "the browser's process was left running");
  });

  it("close() leaves the process id alone once the browser closed (the id may already name another process)", async () => {
    const pid = await fakeBrowserProcess();
    const closes = { on: () => undefined, close: async () => {} } as unknown as Browser;
    await handleFor(closes, {} as BrowserContext, pid, limits).close();
    assert.equal(running(pid), true, "a process with the closed browser's id was killed");
    process.kill(pid, "SIGKILL");
  });

  it("lost rejects with BROWSER_LOST once the browser's process is killed, and failure() says the same", async () => {
    const pid = await fakeBrowserProcess();
    const handle = handleFor(stuckBrowser(), {} as BrowserContext, pid, limits);
    process.kill(pid, "SIGKILL");
    await assert.rejects(handle.lost, (err: VbulkError) => {
      assert.equal(err.code, "BROWSER_LOST");
      assert.match(err.message, /its process \(\d+\) ended/);
      return true;
    });
    assert.equal(handle.alive(), false);
    assert.equal(
      (handle.failure(new Error("Target page, context or browser has been closed")) as VbulkError).code,
      "BROWSER_LOST",
    );
    await handle.close();
  });
});

describe("a tab that never answers", () => {
  it("ends the call with a TRANSIENT error (the run goes on or stops as after a timeout), not a wait for ever", {
    timeout: 20_000,
  }, async () => {
    // A frozen tab: the page loads, then nothing it is asked (evaluate) ever answers.
    const never = () => new Promise<never>(() => {});
    const page = {
      setDefaultTimeout: () => {},
      goto: async () => null,
      url: () => "http://127.0.0.1:9/items/new",
      evaluate: never,
      locator: () => ({ waitFor: async () => Promise.reject(new Error("not shown")) }),
    };
    const context = { newPage: async () => page, cookies: never } as unknown as BrowserContext;
    const tab = new VintedTab(context, "http://127.0.0.1:9", 200, 200);
    await assert.rejects(tab.currentUser(), (err: VbulkError) => {
      assert.equal(err.code, "TRANSIENT");
      assert.match(err.message, /The Vinted tab did not answer during reading .* within \d+ s/);
      return true;
    });
  });
});
