import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, watch } from "node:fs";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import sharp from "sharp";
import { lockPlan } from "../../src/listing/plan.js";
import { catalogFixture } from "../helpers/catalog.js";
import { closedPort } from "../helpers/file-server.js";
import {
  BIN,
  copyFixture,
  FIXTURES,
  outputOf,
  runCli,
  signalledRun,
  tempDir,
  testEnv,
} from "../helpers/run.js";

/** vbulk run from shell scripts, cron and CI (audit-scripts.md): what a script sees, and the exit code. */

/** A cron-like environment: HOME is a folder that does not exist, no cache or XDG variable, the network tried. */
async function cronEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...testEnv(),
    HOME: join(await tempDir(), "nonexistent"),
    VBULK_OFFLINE: "",
    VBULK_MODEL_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
  };
  delete env.VBULK_CACHE_DIR;
  delete env.XDG_CACHE_HOME;
  return { ...env, ...extra };
}

describe("a cache folder that cannot be created (audit-scripts 1)", () => {
  it("ingest with HOME=/nonexistent says so in one line, goes on model-free, and creates nothing under HOME", async () => {
    // Before: {"error":{"code":"INTERNAL","message":"EACCES: permission denied, mkdir '/nonexistent'", …}}, exit 1;
    // as root it made /nonexistent/.cache/vbulk/models/… instead.
    const env = await cronEnv();
    const r = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).embedder.id, "features-v1");
    const warning = r.stderr.split("\n").filter((l) => /No CLIP model/.test(l));
    assert.equal(warning.length, 1, r.stderr);
    assert.match(warning[0]!, /does not exist/);
    assert.match(warning[0]!, /VBULK_CACHE_DIR/);
    assert.match(warning[0]!, /VBULK_OFFLINE=1/);
    assert.doesNotMatch(r.stderr, /unexpected/);
    assert.equal(existsSync(env.HOME!), false, "nothing created under a HOME that does not exist");
  });

  it("ingest with VBULK_CACHE_DIR naming a file goes on model-free, naming the folder", async () => {
    const file = join(await tempDir(), "notadir");
    await writeFile(file, "");
    const env = await cronEnv({ VBULK_CACHE_DIR: file });
    const r = await runCli(["ingest", await copyFixture("grouping")], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^warning: No CLIP model available \(.*notadir.*\).*VBULK_CACHE_DIR/m);
    assert.doesNotMatch(r.stderr, /unexpected/);
  });

  it("models pull fails with NOT_WRITABLE (exit 2) naming the folder", async () => {
    const env = await cronEnv();
    const r = await runCli(["models", "pull", "--json"], { env });
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.error.code, "NOT_WRITABLE");
    assert.ok(doc.error.message.includes(env.HOME!), doc.error.message);
    assert.match(doc.error.hint, /VBULK_CACHE_DIR/);
    assert.equal(existsSync(env.HOME!), false);
    const file = join(await tempDir(), "notadir");
    await writeFile(file, "");
    const r2 = await runCli(["models", "pull"], { env: { ...env, VBULK_CACHE_DIR: file } });
    assert.equal(r2.code, 2, r2.stderr);
    assert.match(r2.stderr, /^error: Expected a folder but found a file in the way: .*notadir/m);
  });
});

describe("SIGTERM, SIGHUP and a second Ctrl-C end a run like Ctrl-C does (audit-scripts 3)", () => {
  let batch: string;
  before(async () => {
    // Large enough noisy photos that the run is still analysing when the signal comes (a few seconds).
    batch = await tempDir();
    const photo = await sharp({
      create: {
        width: 2400,
        height: 1800,
        channels: 3,
        background: "#808080",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 85 })
      .toBuffer();
    for (let i = 0; i < 80; i++)
      await writeFile(join(batch, `IMG_${String(i + 1).padStart(4, "0")}.jpg`), photo);
  });
  const copy = async () => {
    const dir = await tempDir();
    await cp(batch, dir, { recursive: true });
    return dir;
  };

  for (const [signals, code] of [
    [["SIGTERM"], 143],
    [["SIGHUP"], 129],
    [["SIGINT", "SIGINT"], 130],
  ] as const) {
    it(`ingest --json stopped by ${signals.join(" + ")}: the INTERRUPTED document, "interrupted" on stderr, exit ${code}`, async () => {
      // Before: SIGTERM exit 143, SIGHUP 129, a second Ctrl-C 130, each with an empty stdout and nothing said.
      const dir = await copy();
      const r = await signalledRun(["ingest", dir, "--json"], dir, [...signals], 50);
      if (r.code === 0) return; // finished before the signal arrived
      assert.equal(r.code, code, r.stderr);
      assert.equal(JSON.parse(r.stdout).error.code, "INTERRUPTED");
      assert.match(r.stderr, /^interrupted: /m);
      const s = JSON.parse((await runCli(["status", dir, "--json"])).stdout);
      assert.equal(s.state, "interrupted");
      // status names what stopped it: a cron job's `timeout` is not the seller's Ctrl-C. (A second Ctrl-C quits at
      // once, before the status is written: no message to read then.)
      if (signals.length === 1) assert.match(s.message, new RegExp(`^stopped by ${signals[0]}`));
    });
  }
});

describe("a stopped vbulk plan says what it wrote (audit-concurrency 7)", () => {
  it("Ctrl-C or SIGTERM while it waits for another plan: nothing written, said on stderr and in --json, exit 130/143", async () => {
    // Before: exit by the signal itself, nothing on stdout or stderr, whether plan.json had been written or not.
    const dir = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", dir])).code, 0);
    assert.equal((await runCli(["plan", dir])).code, 0);
    const planPath = join(dir, "plan.json");
    const before = await readFile(planPath, "utf8");
    for (const [signal, code] of [
      ["SIGTERM", 143],
      ["SIGINT", 130],
    ] as const) {
      // Another plan holds the folder's plan lock: this one waits for it (up to 15 s), trying every 50 ms.
      const release = await lockPlan(dir);
      try {
        const tries = watch(join(dir, ".vbulk"));
        const child = spawn(process.execPath, [BIN, "plan", dir, "--set", "c1.price=33", "--json"], {
          env: { ...testEnv(), NO_COLOR: "1" },
        });
        const done = outputOf(child);
        // Its tries at the lock write beside it: it is waiting, its signal handlers set.
        await new Promise<void>((res) => tries.once("change", () => res()));
        tries.close();
        child.kill(signal);
        const r = await done;
        assert.equal(r.code, code, r.stderr);
        assert.equal(r.stderr.trim(), "interrupted: nothing was written; plan.json is as it was.");
        assert.equal(JSON.parse(r.stdout).error.code, "INTERRUPTED");
        assert.equal(await readFile(planPath, "utf8"), before);
      } finally {
        await release();
      }
    }
  });
});

/** Runs `vbulk ARGS` with stdout on /dev/full (every write fails with ENOSPC, as on a full disk). */
function toFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync("/dev/full", "w");
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...testEnv(), NO_COLOR: "1" },
      stdio: ["ignore", fd, "pipe"],
    });
    closeSync(fd);
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", rej);
    child.on("close", (code) => res({ code, stderr }));
  });
}

describe("stdout on a full disk (audit-scripts 2)", {
  skip: !existsSync("/dev/full") && "no /dev/full",
}, () => {
  it("ingest --json, status and plan exit 1 with one line saying the disk is full; plan leaves no lock", async () => {
    // Before: ingest and status exit 0 (a truncated or empty document), plan crashed with a raw stack and left
    // .vbulk/plan.lock behind.
    const dir = await copyFixture("grouping");
    for (const args of [
      ["ingest", dir, "--json"],
      ["status", dir],
      ["plan", dir],
      ["plan", dir, "--json"],
    ]) {
      const r = await toFullDisk(args);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(
        r.stderr,
        /^error: could not write the output: the disk is full \(ENOSPC\)/m,
        args.join(" "),
      );
      assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
      assert.doesNotMatch(r.stderr, /unexpected/);
    }
    assert.deepEqual(
      (await readdir(join(dir, ".vbulk"))).filter((f) => f.endsWith(".lock")),
      [],
      "no lock left behind",
    );
    // A reader that stops early is still no error.
    const head = await runCli(["status", dir]);
    assert.equal(head.code, 0);
  });
});

describe("VBULK_OFFLINE as CI configs write it (audit-scripts 5)", () => {
  const env = async (value: string) =>
    testEnv({
      VBULK_OFFLINE: value,
      VBULK_CACHE_DIR: await tempDir(),
      VBULK_MODEL_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
    });

  it("true and yes mean offline, 0 and false do not; models pull refuses true like 1", async () => {
    // Before: `true` and `yes` were taken for off: ingest went to the network, models pull downloaded.
    for (const value of ["true", "YES"]) {
      const r = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env: await env(value) });
      assert.equal(r.code, 0, r.stderr);
      // Since fix-clip the warning also says why no model is at hand: "(offline; the model is not in the cache …)".
      assert.match(r.stderr, /^warning: No CLIP model available \(offline[;)]/m, value);
    }
    const off = await runCli(["ingest", await copyFixture("grouping"), "--json"], {
      env: await env("false"),
    });
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stderr, /No CLIP model available \(Could not reach/);
    const pull = await runCli(["models", "pull", "--json"], { env: await env("true") });
    assert.equal(pull.code, 2, pull.stderr);
    assert.equal(JSON.parse(pull.stdout).error.code, "BAD_USAGE");
  });

  it("any other value is refused with exit 2 before anything is written", async () => {
    const dir = await copyFixture("grouping");
    const r = await runCli(["ingest", dir, "--json"], { env: await env("maybe") });
    assert.equal(r.code, 2, r.stderr);
    assert.match(JSON.parse(r.stdout).error.message, /for env VBULK_OFFLINE but received "maybe"/);
    assert.equal(existsSync(join(dir, ".vbulk")), false);
    assert.equal(existsSync(join(dir, "catalog.json")), false);
    const pull = await runCli(["models", "pull"], { env: await env("maybe") });
    assert.equal(pull.code, 2, pull.stderr);
    assert.match(pull.stderr, /VBULK_OFFLINE but received "maybe"/);
  });
});

describe("a ZIP extraction killed mid-entry (audit-scripts 4)", () => {
  it("the next run removes the .part temp files of dead processes, not a live one's", async () => {
    // Before: `.vbulk-PID-HEX.part` (up to 64 MiB each) stayed hidden in the work folder after every later run.
    const dir = await tempDir();
    const zip = join(dir, "photos.zip");
    await cp(join(FIXTURES, "zips", "photos.zip"), zip);
    assert.equal((await runCli(["ingest", zip])).code, 0);
    const work = join(dir, "photos.vbulk");
    const done = spawn(process.execPath, ["-e", ""]);
    const deadPid = done.pid!;
    await new Promise((res) => done.on("close", res));
    const dead = [
      join(work, `.vbulk-${deadPid}-0badcafe.part`),
      join(work, "shoot", `.vbulk-${deadPid}-deadbeef.part`),
    ];
    const live = join(work, `.vbulk-${process.pid}-12345678.part`);
    await mkdir(join(work, "shoot"), { recursive: true });
    for (const f of [...dead, live]) await writeFile(f, "half an entry");
    const r = await runCli(["ingest", zip]);
    assert.equal(r.code, 0, r.stderr);
    for (const f of dead) assert.equal(existsSync(f), false, `a dead process's .part is removed: ${f}`);
    assert.equal(existsSync(live), true, "a live process's .part is kept");
  });
});

describe("execute with nothing to send (audit-scripts 8)", () => {
  it("exits 0 saying so before it needs a display or a login; none ready is 3 with the reasons", async () => {
    // Before: `execute --yes` in cron with every article excluded: "Expected a display …", exit 2, every night.
    const dir = await tempDir();
    const src = join(FIXTURES, "grouping");
    for (const f of (await readdir(src)).filter((x) => x.endsWith(".jpg")).slice(0, 5))
      await cp(join(src, f), join(dir, f));
    await catalogFixture(
      [
        { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"] },
        { category: "t-shirt", color: "blanc", photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
      ],
      dir,
    );
    const env = { ...testEnv({ VBULK_CONFIG_DIR: join(await tempDir(), "config") }) };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const plan = await runCli(["plan", dir, "--gender", "femme", "--exclude", "c1,c2"], { env });
    assert.equal(plan.code, 0, plan.stderr);
    const r = await runCli(["execute", dir, "--yes"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^nothing to send: no article is selected/m);
    const json = await runCli(["execute", dir, "--yes", "--json"], { env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), []);
    assert.equal(existsSync(env.VBULK_CONFIG_DIR!), false, "no lock, pacing or session looked for");
    // c2 has no size: not ready, nothing else to do. Exit 3 (an article not done), still without a display.
    await runCli(["plan", dir, "--set", "c2.excluded=false"], { env });
    const notReady = await runCli(["execute", dir, "--yes", "--json"], { env });
    assert.equal(notReady.code, 3, notReady.stderr);
    const [c2] = JSON.parse(notReady.stdout);
    assert.equal(c2.cluster_id, "c2");
    assert.equal(c2.state, "skipped");
    assert.match(c2.error, /size/);
    assert.doesNotMatch(notReady.stderr, /display/);
  });
});

describe("a command run from a folder that was deleted (audit-scripts 7)", () => {
  it("is a bad command (exit 2) saying so, not an unexpected error; an absolute path still works", async () => {
    // Before: error: ENOENT: no such file or directory, uv_cwd / hint: this is unexpected; exit 1.
    const base = await tempDir();
    const photos = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", photos])).code, 0);
    const inGone = (args: string[]) =>
      outputOf(
        spawn(
          "sh",
          [
            "-c",
            `mkdir gone && cd gone && rmdir ../gone && exec '${process.execPath}' '${BIN}' ${args.map((a) => `'${a}'`).join(" ")}`,
          ],
          { cwd: base, env: { ...testEnv(), NO_COLOR: "1" } },
        ),
      );
    const r = await inGone(["status", "--json"]);
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.error.code, "BAD_USAGE");
    assert.match(doc.error.message, /current folder .* deleted or moved/);
    assert.doesNotMatch(r.stderr, /unexpected/);
    const plan = await inGone(["plan"]);
    assert.equal(plan.code, 2, plan.stderr);
    assert.equal((await inGone(["status", photos])).code, 0);
  });
});

describe("ingest --out with no writable cache folder (audit-scripts 6)", () => {
  it("warns once that `vbulk status PHOTOS` will not find this run, and where it is", async () => {
    // Before: nothing said; `vbulk status photos` then showed the earlier run as if it were the last.
    const env = await cronEnv({ VBULK_OFFLINE: "1" });
    const photos = await copyFixture("grouping");
    const out = join(await tempDir(), "review");
    const r = await runCli(["ingest", photos, "--out", out], { env });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split("\n").filter((l) => /Could not remember/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.includes(`status ${out}`), lines[0]);
    assert.equal(existsSync(env.HOME!), false);
    // With a cache folder, nothing to say.
    const fine = await runCli(["ingest", photos, "--out", out], { env: testEnv() });
    assert.equal(fine.code, 0, fine.stderr);
    assert.doesNotMatch(fine.stderr, /Could not remember/);
  });
});
