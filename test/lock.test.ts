import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type FileOps, writeFileIfAbsent } from "../src/core/atomic.js";
import { VbulkError } from "../src/core/errors.js";
import { takeLock } from "../src/core/lock.js";
import { startedSince, stillRuns } from "../src/core/process.js";
import { localSince } from "../src/core/text.js";
import { lockForDecision } from "../src/ingest/index.js";
import { lockPlan } from "../src/listing/plan.js";
import { acquireLock } from "../src/review/security.js";
import { takeExecuteLock } from "../src/vinted/pacing.js";
import { KOLKATA, kolkataClock } from "./helpers/clock.js";
import { tempDir } from "./helpers/run.js";

const HAMMER = join(import.meta.dirname, "helpers", "lock-hammer.ts");
const busy = () => new VbulkError("BAD_USAGE", "busy");

/** What link gives on a FAT32/exFAT volume: EPERM on Linux, ENOTSUP/EOPNOTSUPP on macOS, EISDIR on Windows. */
const NO_LINKS = ["EPERM", "ENOTSUP", "EOPNOTSUPP", "EISDIR"];
function noLinks(code: string): FileOps {
  return {
    link: async () => {
      throw Object.assign(new Error(`${code}: link not supported`), { code });
    },
  };
}

describe("a process lock file", () => {
  it("a lock cut short by a kill while it was written is taken over, not a wall", async () => {
    const path = join(await tempDir(), "x.lock");
    await writeFile(path, '{"pid": 12');
    const old = new Date(Date.now() - 60_000); // killed a while ago, not being written now
    await utimes(path, old, old);
    const release = await takeLock(path, { folder: "a" }, busy);
    assert.equal(JSON.parse(await readFile(path, "utf8")).pid, process.pid);
    await release();
    await assert.rejects(readFile(path, "utf8"), { code: "ENOENT" });
  });

  it("a live other process's lock stops us; releasing never removes a lock another run took over", async () => {
    const path = join(await tempDir(), "x.lock");
    // Taken now by our parent (it runs, and started before now): a live holder.
    const other = JSON.stringify({ pid: process.ppid, started_at: new Date().toISOString(), folder: "b" });
    await writeFile(path, other);
    await assert.rejects(takeLock(path, {}, busy), /busy/);
    await writeFile(path, "{}");
    const release = await takeLock(path, {}, busy);
    await writeFile(path, other); // a later run took it over
    await release();
    assert.equal(await readFile(path, "utf8"), other);
  });

  it("this process's own held lock is busy too (a double-click), while a lock of its pid it does not hold is stale", async () => {
    // Before: a lock holding this process's pid was taken over, so two runs of one process both went ahead.
    const path = join(await tempDir(), "x.lock");
    const [first, second] = await Promise.allSettled([takeLock(path, {}, busy), takeLock(path, {}, busy)]);
    const taken = [first, second].filter((r) => r.status === "fulfilled");
    assert.equal(taken.length, 1, "exactly one of two takes at once gets the lock");
    assert.match(
      String((first.status === "rejected" ? first : (second as PromiseRejectedResult)).reason),
      /busy/,
    );
    await assert.rejects(takeLock(path, {}, busy), /busy/, "taken again while held");
    await (taken[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    const again = await takeLock(path, {}, busy);
    await again();
    // Left by an earlier process that had our pid (a reused pid): not held here, so taken over.
    await writeFile(path, JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() }));
    const release = await takeLock(path, { folder: "c" }, busy);
    assert.equal(JSON.parse(await readFile(path, "utf8")).folder, "c");
    await release();
  });

  it("several processes taking it over and over, some dying while they hold it, never hold it at once", async () => {
    // Before: the lock file was created empty then written, so a contender reading it in between took it as
    // half-written and took it over; and a stale lock was removed after reading it, even when a third process had
    // put a new one in its place meanwhile (the reviewer counted 161-212 overlaps per process in 8 s).
    const path = join(await tempDir(), "x.lock");
    // Until enough takes were seen, not for a fixed time: on a loaded machine (CI beside other jobs) starting a
    // worker alone took longer than the 4 s the test once had, and it saw 0 takes.
    const hardStop = Date.now() + 60_000;
    let got = 0;
    let overlaps = 0;
    const worker = async (): Promise<void> => {
      while (got < 200 && Date.now() < hardStop) {
        // 4 s of hammering once the worker runs (tsx's start is not counted).
        const child = spawn(process.execPath, ["--import", "tsx", HAMMER, path, "4000"], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
        });
        const code = await new Promise((res) => child.on("close", res));
        assert.equal(code, 0, "a worker failed");
        got += out.split("\n").filter((l) => l === "got").length;
        overlaps += out.split("\n").filter((l) => l === "overlap").length;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.ok(got >= 10, `the lock was taken ${got} times`);
    assert.equal(overlaps, 0, `held by two processes at once ${overlaps} times in ${got} takes`);
  });

  it("a lock whose pid now names a process started after it was taken (a reboot) is taken over", {
    skip: process.platform !== "linux" ? "process start times are read from /proc (Linux)" : false,
  }, async () => {
    // Before: the pid alone decided, so after a reboot a lock whose pid a new process got stayed "held" for ever.
    const path = join(await tempDir(), "x.lock");
    await writeFile(path, JSON.stringify({ pid: process.ppid, started_at: "2020-01-01T00:00:00Z" }));
    const release = await takeLock(path, {}, busy);
    assert.equal(JSON.parse(await readFile(path, "utf8")).pid, process.pid);
    await release();
  });

  it("a stale lock's leftover .break whose pid now names a newer process (a reboot) does not block for good", {
    skip: process.platform !== "linux" ? "process start times are read from /proc (Linux)" : false,
  }, async () => {
    // Review (reproduced): a .break naming pid 1 (alive, started after the file) was never removed, so every take
    // of that stale lock ended, after seconds, in an INTERNAL "Could not take the lock".
    const path = join(await tempDir(), "x.lock");
    await writeFile(path, JSON.stringify({ pid: 999_999, started_at: "2020-01-01T00:00:00Z" }));
    await writeFile(`${path}.break`, String(process.ppid));
    const old = new Date("2020-01-01T00:00:00Z");
    await utimes(`${path}.break`, old, old);
    const release = await takeLock(path, {}, busy);
    assert.equal(JSON.parse(await readFile(path, "utf8")).pid, process.pid);
    await release();
  });

  it("a busy lock says since when in the seller's clock, not in UTC ISO", async () => {
    // Before: "since 2026-11-29T09:33:20.417Z", a UTC time the seller had to convert (and with milliseconds).
    const before = process.env.TZ;
    process.env.TZ = KOLKATA;
    try {
      const startedAt = new Date();
      const clock = kolkataClock(startedAt);
      const held = { pid: process.ppid, started_at: startedAt.toISOString(), folder: "/photos/other" };
      const config = await tempDir();
      await writeFile(join(config, "execute.lock"), JSON.stringify(held));
      await assert.rejects(takeExecuteLock(config, "/photos/mine"), (e: VbulkError) => {
        assert.match(e.message, new RegExp(`since ${clock}\\)`));
        assert.doesNotMatch(e.message, /\d{4}-\d\d-\d\dT/);
        return true;
      });
      // Another day: its date too, in that clock (09:33 UTC is 15:03 in Kolkata).
      const now = Date.parse("2026-11-29T10:00:00Z");
      assert.equal(localSince(Date.parse("2026-11-28T09:33:20.417Z"), now), "2026-11-28 15:03");
      assert.equal(localSince(Date.parse("2026-11-29T09:33:20.417Z"), now), "15:03");
      assert.equal(localSince(Number.NaN, now), "an unknown time");
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it("on a volume without hard links (an SD card, a USB stick: FAT32/exFAT) the lock is taken all the same", async () => {
    // Before: link failed, so no ingest, plan or review worked there ("Permission denied", "Expected a file but
    // found a folder in the way", or "this is unexpected" on macOS).
    for (const code of NO_LINKS) {
      const dir = await tempDir();
      const path = join(dir, "x.lock");
      const release = await takeLock(path, { folder: "a" }, busy, 0, undefined, noLinks(code));
      assert.equal(JSON.parse(await readFile(path, "utf8")).folder, "a", code);
      await assert.rejects(takeLock(path, {}, busy, 0, undefined, noLinks(code)), /busy/, `${code}: held`);
      await release();
      assert.deepEqual(await readdir(dir), [], `${code}: released, no temp file left`);
    }
  });

  it("without hard links, a file is still created whole and only once; a folder in the way is still said", async () => {
    for (const code of NO_LINKS) {
      const dir = await tempDir();
      const path = join(dir, "f");
      const results = await Promise.all(
        ["one", "two", "three"].map((body) => writeFileIfAbsent(path, body, 0o600, noLinks(code))),
      );
      assert.equal(results.filter(Boolean).length, 1, `${code}: one of three contenders created it`);
      assert.ok(["one", "two", "three"].includes(await readFile(path, "utf8")), `${code}: whole`);
      assert.deepEqual(await readdir(dir), ["f"], `${code}: no temp file left`);
      await mkdir(join(dir, "folder"));
      await assert.rejects(writeFileIfAbsent(join(dir, "folder"), "x", 0o600, noLinks(code)), { code });
    }
  });

  it("several processes on a volume without hard links never hold it at once", async () => {
    const path = join(await tempDir(), "x.lock");
    let got = 0;
    let overlaps = 0;
    await Promise.all(
      [1, 2, 3].map(async () => {
        const child = spawn(process.execPath, ["--import", "tsx", HAMMER, path, "3000", "nolinks"], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
        });
        assert.equal(await new Promise((res) => child.on("close", res)), 0, "a worker failed");
        got += out.split("\n").filter((l) => l === "got").length;
        overlaps += out.split("\n").filter((l) => l === "overlap").length;
      }),
    );
    assert.ok(got >= 10, `the lock was taken ${got} times`);
    assert.equal(overlaps, 0, `held by two processes at once ${overlaps} times in ${got} takes`);
  });

  it("a lock file met empty (its holder is writing it) is waited for, never taken over", async () => {
    // An exclusive create (volumes without hard links) shows the file empty until its holder has written it.
    const path = join(await tempDir(), "x.lock");
    await writeFile(path, "");
    const holder = JSON.stringify({ pid: process.ppid, started_at: new Date().toISOString() });
    setTimeout(() => void writeFile(path, holder), 300);
    await assert.rejects(takeLock(path, {}, busy), /busy/);
    assert.equal(await readFile(path, "utf8"), holder, "the live lock is left as it is");
  });

  it("a lock that still cannot be created names the way out: another folder with --out", async () => {
    // Before: "Fix the folder's permissions", while on a stick or a card the way out is another folder.
    const path = join(await tempDir(), "x.lock");
    await assert.rejects(takeLock(path, {}, busy, 0, undefined, noLinks("EACCES")), (e: VbulkError) => {
      assert.equal(e.code, "NOT_WRITABLE");
      assert.match(e.message, /could not create the lock .*x\.lock/);
      assert.match(e.hint ?? "", /--out DIR/);
      return true;
    });
  });

  it("every refusal by a live-looking holder says how to tell it is gone, and which file to delete then", async () => {
    // Before: on Windows and macOS a crashed run whose pid was given to another program held its lock for good,
    // and no message said that the lock file may be deleted.
    const dir = await tempDir();
    await mkdir(join(dir, ".vbulk"));
    const held = JSON.stringify({ pid: process.ppid, started_at: new Date().toISOString(), url: "http://x" });
    const takes: [string, () => Promise<unknown>][] = [
      ["plan.lock", () => lockPlan(dir)],
      ["review.lock", () => acquireLock(dir, "http://y")],
      ["ingest.lock", () => lockForDecision(dir)],
      ["execute.lock", () => takeExecuteLock(join(dir, ".vbulk"), dir)],
    ];
    for (const [name, take] of takes) {
      const path = join(dir, ".vbulk", name);
      await writeFile(path, held);
      await assert.rejects(take(), (e: VbulkError) => {
        assert.ok(e instanceof VbulkError, name);
        assert.match(e.hint ?? "", new RegExp(`pid ${process.ppid}.*Task Manager.*Activity Monitor`), name);
        assert.ok(e.hint?.includes(`delete ${path} and run`), `${name}: ${e.hint}`);
        return true;
      });
    }
  });
});

describe("when a process started (a pid given to another process is no holder)", () => {
  const lstart = (d: Date) =>
    `${d
      .toDateString()
      .slice(0, 10)
      .replace(/ 0(\d)$/, "  $1")} ${d.toTimeString().slice(0, 8)} ${d.getFullYear()}\n`;

  it("on macOS it is read with ps -o lstart, so a lock whose pid a later process got is taken over", async () => {
    // Before: only Linux's /proc was read; elsewhere a reused pid kept a crashed run's lock held for good.
    const calls: string[][] = [];
    const later = new Date(Date.now() + 3_600_000);
    const run = async (cmd: string, args: string[]) => {
      calls.push([cmd, ...args]);
      return lstart(later);
    };
    const since = new Date().toISOString();
    assert.equal(await startedSince(4242, since, { platform: "darwin", run }), true);
    assert.deepEqual(calls[0], ["ps", "-o", "lstart=", "-p", "4242"]);
    assert.equal(
      await stillRuns(process.ppid, since, { platform: "darwin", run }),
      false,
      "its pid was reused",
    );
    const earlier = async () => lstart(new Date(Date.now() - 3_600_000));
    assert.equal(await startedSince(4242, since, { platform: "darwin", run: earlier }), false);
    assert.equal(await stillRuns(process.ppid, since, { platform: "darwin", run: earlier }), true);
    // ps answering nothing (the pid is gone) or something else: cannot tell, so the pid check alone decides.
    for (const answer of [async () => "", async () => "lundi 30 nov 00:58:17 2026\n"]) {
      assert.equal(await startedSince(4242, since, { platform: "darwin", run: answer }), false);
    }
    const gone = async () => {
      throw Object.assign(new Error("Command failed: ps"), { code: 1 });
    };
    assert.equal(await startedSince(4242, since, { platform: "darwin", run: gone }), false);
  });

  it("the real ps's answer is read (procps prints lstart as macOS does)", {
    skip: process.platform === "win32",
  }, async (t) => {
    const ps = await startedSince(process.pid, "2020-01-01T00:00:00Z", { platform: "darwin" });
    if (!ps) return t.skip("no ps that prints lstart here");
    assert.equal(await startedSince(process.pid, new Date().toISOString(), { platform: "darwin" }), false);
  });

  it("on Windows nothing is read: the pid check alone decides (the busy hint names the lock to delete)", async () => {
    let ran = false;
    const run = async () => {
      ran = true;
      return "";
    };
    assert.equal(await startedSince(4242, "2020-01-01T00:00:00Z", { platform: "win32", run }), false);
    assert.equal(ran, false);
  });
});
