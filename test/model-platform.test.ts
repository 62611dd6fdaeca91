import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { exitCodeOf, VbulkError } from "../src/core/errors.js";
import type { IngestEvent } from "../src/core/events.js";
import { unsupportedPlatform } from "../src/model/ort-binding.js";
import { selectEmbedder } from "../src/model/select.js";
import { FIXTURES } from "./helpers/run.js";

// Audit portability 4: onnxruntime-node 1.30 ships no darwin/x64 build. On an Intel Mac (or an x64 Node under
// Rosetta) ingest downloaded the 150 MB model, then stopped with "Cannot find module …onnxruntime_binding.node" and
// "this is unexpected; … report it".
describe("a platform onnxruntime-node has no build for", () => {
  it("is named before anything is downloaded, with the ways out; Linux x64 is fine", () => {
    assert.equal(unsupportedPlatform("linux", "x64"), undefined);
    const err = unsupportedPlatform("darwin", "x64");
    assert.ok(err instanceof VbulkError);
    assert.equal(err.code, "MODEL_UNSUPPORTED");
    assert.equal(exitCodeOf(err), 2);
    assert.match(
      err.message,
      /^Expected a platform the CLIP model can run on \(onnxruntime-node\) but received darwin\/x64/,
    );
    assert.match(err.hint ?? "", /--no-model, or set VBULK_OFFLINE=1/);
    assert.match(err.hint ?? "", /arm64 build of Node\.js/);
  });

  it("ingest goes on without the model and says why, as for a model it cannot get; nothing is downloaded", async () => {
    const said: IngestEvent[] = [];
    const pulled: unknown[] = [];
    const chosen = await selectEmbedder({
      device: "cpu",
      platform: "darwin",
      arch: "x64",
      baseUrl: "http://127.0.0.1:9/",
      onEvent: (e) => said.push(e),
      onModelEvent: (e) => pulled.push(e),
    });
    assert.equal(chosen.model, null, "the model-free embedder");
    assert.deepEqual(pulled, [], "no download started");
    const warning = said.find((e) => e.type === "warning");
    assert.ok(warning?.type === "warning" && warning.noModel, JSON.stringify(said));
    assert.match(warning.message, /^No CLIP model available \(Expected a platform .* received darwin\/x64/);
    assert.match(warning.hint ?? "", /--no-model/);
  });

  it("a model the seller asked for (--model-dir), or the earlier run used, is refused: exit 2, never unexpected", async () => {
    for (const opts of [
      { modelDir: join(FIXTURES, "models", "mean-colour") },
      { earlierModel: { id: "clip", model: "clip-vit-base-patch32" } },
    ])
      await assert.rejects(
        selectEmbedder({ device: "cpu", platform: "darwin", arch: "x64", onEvent: () => {}, ...opts }),
        (err: unknown) =>
          err instanceof VbulkError && err.code === "MODEL_UNSUPPORTED" && exitCodeOf(err) === 2,
      );
  });
});
