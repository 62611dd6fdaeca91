import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { closedPort } from "../helpers/file-server.js";
import { copyFixture, runCli, testEnv } from "../helpers/run.js";
import { needShared } from "../helpers/shared.js";

const skip =
  needShared("models", "clip-tiny-random", "vision_model_quantized.onnx") ||
  needShared("models", "clip-vit-b32-tokenizer", "tokenizer.json");

/** The bytes of the files a refused run must leave as they were. */
async function snapshot(dir: string): Promise<Record<string, string | null>> {
  const files = ["catalog.json", "plan.json", ".vbulk/status.json", ".vbulk/ingest.lock"];
  const out: Record<string, string | null> = {};
  for (const f of files) out[f] = await readFile(join(dir, f), "utf8").catch(() => null);
  return out;
}

// audit-clip finding 1: a re-run without the model (--model-dir forgotten, offline, a damaged cache) regrouped every
// photo model-free and turned every category and department to "unknown", exit 0, behind a generic warning.
describe("a re-run without the model an earlier run used", { skip }, () => {
  it("is refused (exit 2) naming the earlier model, why none is there and what to do; nothing changes", async () => {
    const { tinyModel } = await import("../helpers/models.js");
    const model = await tinyModel();
    const photos = await copyFixture("grouping");
    const first = await runCli(["ingest", photos, "--model-dir", model]);
    assert.equal(first.code, 0, first.stderr);
    const plan = await runCli(["plan", photos]);
    assert.equal(plan.code, 0, plan.stderr);
    const before = await snapshot(photos);
    assert.ok(before["catalog.json"] && before["plan.json"] && before[".vbulk/status.json"]);

    // Offline (the test environment sets VBULK_OFFLINE=1), nothing in the cache.
    const offline = await runCli(["ingest", photos]);
    assert.equal(offline.code, 2, offline.stderr);
    assert.match(
      offline.stderr,
      /error: Expected the CLIP model the earlier run of this folder used \(catalog\.json: .*clip:/,
    );
    assert.match(offline.stderr, /VBULK_OFFLINE is set and the model is not in the cache/);
    assert.match(offline.stderr, /--model-dir/);
    assert.match(offline.stderr, /vbulk models pull/);
    assert.match(offline.stderr, /--no-model/);
    assert.deepEqual(await snapshot(photos), before);

    // Online, the download fails.
    const port = await closedPort();
    const unreachable = await runCli(["ingest", photos], {
      env: testEnv({ VBULK_OFFLINE: "", VBULK_MODEL_BASE_URL: `http://127.0.0.1:${port}` }),
    });
    assert.equal(unreachable.code, 2, unreachable.stderr);
    assert.match(unreachable.stderr, /could not be downloaded/);
    assert.deepEqual(await snapshot(photos), before);
    assert.ok(!existsSync(join(photos, ".vbulk", "ingest.lock")));

    // --no-model is the explicit way; it cannot be combined with --model-dir.
    const both = await runCli(["ingest", photos, "--no-model", "--model-dir", model]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Expected either --no-model or --model-dir/);
    const accepted = await runCli(["ingest", photos, "--no-model", "--json"], {
      env: testEnv({ VBULK_MODEL_DIR: model }),
    });
    assert.equal(accepted.code, 0, accepted.stderr);
    const doc = JSON.parse(accepted.stdout);
    assert.equal(doc.embedder.model, null);
    assert.ok(doc.articles.every((a: { category: string }) => a.category === "unknown"));
  });

  it("a folder first analysed without a model goes on without one, as before", async () => {
    const photos = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", photos])).code, 0);
    const again = await runCli(["ingest", photos]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /No CLIP model available/);
  });
});
