import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { closedPort } from "../helpers/file-server.js";
import { copyFixture, runCli, tempDir, testEnv } from "../helpers/run.js";

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
