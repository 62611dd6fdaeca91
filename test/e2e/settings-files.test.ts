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
        /Expected a label set \(JSON, --labels \/ VBULK_LABELS\), a regular file, at .*zero\.json but found a character device there/,
      ],
      [
        fifo,
        /Expected a label set \(JSON, --labels \/ VBULK_LABELS\), a regular file, at .*fifo\.json but found a FIFO \(named pipe\) there/,
      ],
      [
        big,
        /Expected a label set \(JSON, --labels \/ VBULK_LABELS\) of at most 8 MiB at .*big\.json but it holds 629145600 bytes/,
      ],
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
    // error audit 20: the hint said "Nothing was written." twice.
    for (const rules of [fifo, await tempDir("vbulk-rules-folder-")]) {
      const r = await runCli(["plan", photos, "--rules", rules], kill);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.split("Nothing was written.").length - 1, 1, r.stderr);
    }
  });
});

// error audit 10: a folder given for a file (or a file for a folder) said "found a folder in the way … Fix the
// file's permissions", naming neither the flag nor what to pass.
describe("a folder given where a file belongs, or a file where a folder belongs", () => {
  it("names the flag and says what to pass instead: exit 2, nothing written", async () => {
    const photos = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", photos])).code, 0);
    const folder = await tempDir("vbulk-a-folder-");
    const file = join(photos, "catalog.json");
    for (const [args, said, hint] of [
      [
        ["plan", photos, "--config", folder],
        /Expected a config file \(--config \/ VBULK_CONFIG\), a file, at .* but found a folder there/,
        /Pass the path of the JSON file itself, not of a folder/,
      ],
      [
        ["ingest", photos, "--labels", folder],
        /Expected a label set \(JSON, --labels \/ VBULK_LABELS\), a file, at .* but found a folder there/,
        /Pass the path of the JSON file itself/,
      ],
      [
        ["plan", photos, "--mapping", folder],
        /Expected a Vinted mapping file \(--mapping \/ VBULK_MAPPING\), a file, at .* but found a folder there/,
        /Pass the path of the JSON file itself/,
      ],
      [
        ["plan", photos, "--rules", folder],
        /Expected a rules file \(--rules \/ VBULK_RULES\), a file, at .* but found a folder there/,
        /Pass the path of the JSON file itself/,
      ],
      [
        ["plan", photos, "--templates", file],
        /Expected a templates folder for --templates \(or env VBULK_TEMPLATES\) but .*catalog\.json is a file/,
        /Pass the folder that holds fr\/ and en\//,
      ],
      [
        ["models", "verify", "--model-dir", file],
        /Expected a model folder for --model-dir \(or env VBULK_MODEL_DIR\) but found a file at .*catalog\.json/,
        /Pass the folder that holds the model's files/,
      ],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, said);
      assert.match(r.stderr, hint);
      assert.doesNotMatch(r.stderr, /in the way|permissions/);
    }
    assert.ok(!existsSync(join(photos, "plan.json")));
  });
});
