import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { copyFixture, runCli, tempDir } from "../helpers/run.js";

// audit-clip finding 7: --labels or --config naming /dev/zero or a FIFO hung while memory grew (3.3 GB in 30 s),
// and a label file over 512 MB ended as "unexpected error". Now refused at once, before reading, exit 2.
describe("a settings file that is no regular file, or too large", () => {
  const kill = { timeout: 20_000 };

  async function odd(): Promise<{ zero: string; fifo: string; big: string }> {
    const dir = await tempDir("vbulk-settings-");
    const zero = join(dir, "zero.json");
    await symlink("/dev/zero", zero);
    const fifo = join(dir, "fifo.json");
    execFileSync("mkfifo", [fifo]);
    // Sparse: 600 MB as stat says it, no disk used.
    const big = join(dir, "big.json");
    await writeFile(big, "{}");
    await truncate(big, 600 * 1024 * 1024);
    return { zero, fifo, big };
  }

  it("ingest --labels: a device, a FIFO, a 600 MB file → exit 2 naming the file and what it is", async () => {
    const { zero, fifo, big } = await odd();
    const photos = await copyFixture("grouping");
    for (const [file, said] of [
      [
        zero,
        /Expected a label set \(JSON\), a regular file, at .*zero\.json but found a character device there/,
      ],
      [
        fifo,
        /Expected a label set \(JSON\), a regular file, at .*fifo\.json but found a FIFO \(named pipe\) there/,
      ],
      [big, /Expected a label set \(JSON\) of at most 8 MiB at .*big\.json but it holds 629145600 bytes/],
    ] as const) {
      const r = await runCli(["ingest", photos, "--labels", file], kill);
      assert.equal(r.code, 2, `${file}: ${r.stderr}`);
      assert.match(r.stderr, said);
      assert.doesNotMatch(r.stderr, /unexpected/);
    }
    assert.ok(!existsSync(join(photos, "catalog.json")));
  });

  it("ingest --config and plan --labels: the same", async () => {
    const { zero, fifo } = await odd();
    const photos = await copyFixture("grouping");
    const config = await runCli(["ingest", photos, "--config", zero], kill);
    assert.equal(config.code, 2, config.stderr);
    assert.match(config.stderr, /Expected a config file \(--config \/ VBULK_CONFIG\), a regular file, at/);
    assert.equal((await runCli(["ingest", photos])).code, 0);
    const plan = await runCli(["plan", photos, "--labels", fifo], kill);
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stderr, /found a FIFO \(named pipe\) there/);
    assert.ok(!existsSync(join(photos, "plan.json")));
    assert.ok(!existsSync(join(photos, ".vbulk", "plan.lock")));
  });
});
