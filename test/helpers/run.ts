import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { cp, mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO } from "./shared.js";

export const FIXTURES = join(REPO, "fixtures", "generated");
export const BIN = join(REPO, "bin", "vbulk.js");
const TEST_CACHE = join(tmpdir(), `vbulk-test-cache-${process.pid}`);

/** The environment CLI tests run in: this process's, offline, with a throw-away model cache, plus `extra`. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, VBULK_CACHE_DIR: TEST_CACHE, VBULK_OFFLINE: "1", ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (bin/vbulk.js → dist) as a user would, without a TTY. */
export function runCli(args: string[], opts: SpawnOptions & { input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Tests never touch the user's model cache or the network unless a test says so (opts.env replaces these).
    const env = opts.env ?? testEnv();
    const child = spawn(process.execPath, [BIN, ...args], { ...opts, env: { ...env, NO_COLOR: "1" } });
    outputOf(child).then(resolve, reject);
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** What a spawned process printed and its exit code, once it has closed. */
export function outputOf(child: ChildProcess): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `vbulk ARGS` and, once the run's status file in `dir` exists (it has started), sends `signals` spaced by
 * `gapMs`: a Ctrl-C (SIGINT), a `timeout` (SIGTERM), a closed terminal (SIGHUP).
 */
export async function signalledRun(
  args: string[],
  dir: string,
  signals: NodeJS.Signals[],
  gapMs = 0,
): Promise<RunResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...testEnv(), NO_COLOR: "1" } });
  const done = outputOf(child);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !(await stat(join(dir, ".vbulk", "status.json")).catch(() => null)))
    await sleep(10);
  for (const [i, s] of signals.entries()) {
    if (i > 0) await sleep(gapMs);
    child.kill(s);
  }
  return done;
}

/** A fresh temp folder holding a copy of a fixture folder (tests never write into fixtures/). */
export async function copyFixture(name: string): Promise<string> {
  const dir = await tempDir(`vbulk-test-${name.replace(/\W/g, "")}-`);
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Temp folders made by this test process, removed when it exits (VBULK_KEEP_TEST_DIRS=1 keeps them to debug):
 *  one run of the suite made ~1 GB of phone-sized photos and left them in the temp folder. */
const made: string[] = [];
process.on("exit", () => {
  if (process.env.VBULK_KEEP_TEST_DIRS === "1") return;
  for (const dir of [...made, TEST_CACHE]) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A folder a test made read-only stays behind: nothing to do about it at exit.
    }
  }
});

export async function tempDir(prefix = "vbulk-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
