import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { COLOUR_TOKENS } from "../fixtures/models.js";
import type { VbulkError } from "../src/core/errors.js";
import { decodePhotoFile } from "../src/imaging/decode.js";
import type { Classifier } from "../src/ingest/types.js";
import { colorPrompt, loadClip, loadLabelSet } from "../src/model/clip.js";
import { manifestForFolder } from "../src/model/manifest.js";
import { openSession } from "../src/model/onnx.js";
import { loadPreprocessor, preprocessInto } from "../src/model/preprocess.js";
import { loadTokenizer } from "../src/model/tokenizer.js";
import { meanColourModel, tinyModel } from "./helpers/models.js";
import { referencePreprocess } from "./helpers/reference-preprocess.js";
import { FIXTURES } from "./helpers/run.js";
import { needShared, sharedPath } from "./helpers/shared.js";

const TOKENIZER = sharedPath("models", "clip-vit-b32-tokenizer");
const skipTokenizer = needShared("models", "clip-vit-b32-tokenizer", "tokenizer.json");
const skipTiny = skipTokenizer || needShared("models", "clip-tiny-random", "vision_model_quantized.onnx");

describe("CLIP tokenizer parity with the real CLIP ViT-B/32 tokenizer", { skip: skipTokenizer }, () => {
  it('"a photo of a hoodie" → 49406 320 1125 539 320 13444 49407, padded with 49407 to 77', async () => {
    const tok = await loadTokenizer(TOKENIZER);
    const ids = Array.from(tok.encode(["a photo of a hoodie"]), Number);
    assert.equal(tok.contextLength, 77);
    assert.equal(ids.length, 77);
    assert.deepEqual(ids.slice(0, 7), [49406, 320, 1125, 539, 320, 13444, 49407]);
    assert.ok(ids.slice(7).every((id) => id === 49407));
  });
  it("lower-cases and splits punctuation like CLIP; the fixture model's colour tokens are right", async () => {
    const tok = await loadTokenizer(TOKENIZER);
    const row = (t: string) =>
      Array.from(tok.encode([t]), Number).filter((id) => id !== 49407 && id !== 49406);
    assert.deepEqual(row("A PHOTO of Jeans!"), [320, 1125, 539, 10157, 256]);
    assert.deepEqual(row("red"), [COLOUR_TOKENS.red]);
    assert.deepEqual(row("green"), [COLOUR_TOKENS.green]);
    assert.deepEqual(row("blue"), [COLOUR_TOKENS.blue]);
  });
  it("truncates long text to 77 tokens and keeps the end-of-text token last", async () => {
    const tok = await loadTokenizer(TOKENIZER);
    const ids = Array.from(tok.encode([Array(100).fill("hoodie").join(" ")]), Number);
    assert.equal(ids.length, 77);
    assert.equal(ids[76], 49407);
  });
  it("says which file is missing", async () => {
    await assert.rejects(
      loadTokenizer("/nonexistent"),
      (e: VbulkError) => e.code === "MODEL_MISSING" && /tokenizer\.json/.test(e.message),
    );
  });
});

describe("CLIP preprocessing parity", { skip: skipTokenizer }, () => {
  for (const file of [
    join(FIXTURES, "grouping", "IMG_0004.jpg"),
    join(FIXTURES, "rotated", "portrait-exif6.jpg"),
    join(FIXTURES, "duplicates", "resized.jpg"),
  ]) {
    it(`${file.split("/").slice(-2).join("/")}: sharp's tensor matches the PIL-recipe reference (mean |Δ| <= 0.01, max <= 0.1)`, async () => {
      const pre = await loadPreprocessor(TOKENIZER);
      assert.deepEqual(
        [pre.shortestEdge, pre.cropWidth, pre.cropHeight, pre.kernel],
        [224, 224, 224, "cubic"],
      );
      const p = await decodePhotoFile(file, 256);
      const ours = new Float32Array(3 * 224 * 224);
      await preprocessInto(p, pre, ours, 0);
      const ref = referencePreprocess(p.pixels, p.pw, p.ph, pre.mean, pre.std);
      let sum = 0;
      let max = 0;
      for (let i = 0; i < ours.length; i++) {
        const d = Math.abs(ours[i]! - ref[i]!);
        sum += d;
        max = Math.max(max, d);
      }
      assert.ok(sum / ours.length <= 0.01, `mean |Δ| ${sum / ours.length}`);
      assert.ok(max <= 0.1, `max |Δ| ${max}`);
    });
  }
});

describe("the CLIP path on random-weight encoders (real inputs and outputs)", { skip: skipTiny }, () => {
  async function batchVsSingle(variant: "model" | "quantized") {
    const dir = await tinyModel(variant);
    const clip = await loadClip(dir, await manifestForFolder(dir), { device: "cpu" });
    try {
      const files = (await readdir(join(FIXTURES, "grouping"))).filter((f) => f.endsWith(".jpg")).slice(0, 8);
      const photos = await Promise.all(files.map((f) => decodePhotoFile(join(FIXTURES, "grouping", f), 256)));
      const batch = await clip.embedder.embed(photos);
      const singles = [];
      for (const p of photos) singles.push((await clip.embedder.embed([p]))[0]!);
      return { batch, singles, dims: clip.embedder.dims };
    } finally {
      await clip.close();
    }
  }
  it("int8 (dynamic quantization, activation scales per batch): batch of 8 and batches of 1 agree to cosine > 0.999", async () => {
    const { batch, singles } = await batchVsSingle("quantized");
    for (let i = 0; i < 8; i++) {
      const cos = batch[i]!.reduce((s, x, k) => s + x * singles[i]![k]!, 0);
      assert.ok(cos > 0.999, `photo ${i}: cosine ${cos}`);
    }
  });
  it("embeds a batch of 8 exactly as 8 batches of 1 (fp32), as unit vectors", async () => {
    const { batch, singles, dims } = await batchVsSingle("model");
    assert.equal(dims, 32);
    for (let i = 0; i < 8; i++) {
      const maxDiff = Math.max(...Array.from(singles[i]!, (x, k) => Math.abs(x - batch[i]![k]!)));
      assert.ok(maxDiff < 1e-5, `photo ${i}: batch vs single differ by ${maxDiff}`);
      assert.ok(Math.abs(Math.hypot(...batch[i]!) - 1) < 1e-5, "unit length");
    }
  });
});

describe("the inference thread", { skip: skipTiny }, () => {
  const vision = () => sharedPath("models", "clip-tiny-random", "vision_model.onnx");
  const pixels = () => {
    const data = new Float32Array(2 * 3 * 224 * 224);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i / 97);
    return { pixel_values: { data, dims: [2, 3, 224, 224] } };
  };
  it("returns exactly what the same model returns on the calling thread", async () => {
    const here = await openSession(vision(), "cpu");
    const there = await openSession(vision(), "cpu", undefined, { thread: true });
    try {
      assert.deepEqual(there.outputNames, here.outputNames);
      assert.equal(there.outputWidth("image_embeds"), here.outputWidth("image_embeds"));
      const [a, b] = await Promise.all([here.run(pixels()), there.run(pixels())]);
      assert.deepEqual(b["image_embeds"]!.dims, a["image_embeds"]!.dims);
      assert.deepEqual(Array.from(b["image_embeds"]!.data), Array.from(a["image_embeds"]!.data));
    } finally {
      await here.release();
      await there.release();
    }
    await assert.rejects(there.run(pixels()), /released/);
  });
  it("refuses a file that is not a model with MODEL_CORRUPT, naming it", async () => {
    await assert.rejects(
      openSession(join(FIXTURES, "grouping", "IMG_0001.jpg"), "cpu", undefined, { thread: true }),
      (err: VbulkError) => err.code === "MODEL_CORRUPT" && err.message.includes("IMG_0001.jpg"),
    );
  });
  it("does not keep the process alive when a session is never released", async () => {
    const script = `import { openSession } from ${JSON.stringify(new URL("../src/model/onnx.ts", import.meta.url).href)};
const s = await openSession(${JSON.stringify(vision())}, "cpu", undefined, { thread: true });
await s.run(${"{"} pixel_values: { data: new Float32Array(3 * 224 * 224), dims: [1, 3, 224, 224] } });
console.log("done");`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /done/);
  });
});

describe("zero-shot with a hand-built model whose answer is known", { skip: skipTokenizer }, () => {
  /** The hand-built model, its classifier over the fixture's labels, and pure red, green and blue photos. */
  async function withMeanColour(
    fn: (c: { classifier: Classifier; vectors: Float32Array[] }) => Promise<void>,
  ): Promise<void> {
    const dir = await meanColourModel();
    const clip = await loadClip(dir, await manifestForFolder(dir), { device: "cpu" });
    try {
      const labels = await loadLabelSet(join(FIXTURES, "models", "mean-colour", "labels.json"));
      const classifier = await clip.classifier(labels);
      const names = ["IMG_0001-red.png", "IMG_0002-green.png", "IMG_0003-blue.png"];
      const photos = await Promise.all(names.map((f) => decodePhotoFile(join(FIXTURES, "colours", f), 256)));
      await fn({ classifier, vectors: await clip.embedder.embed(photos) });
    } finally {
      await clip.close();
    }
  }
  it("names pure red, green and blue photos red, green and blue", () =>
    withMeanColour(async ({ classifier, vectors }) => {
      const result = await classifier.classify(vectors);
      assert.deepEqual(
        result.map((r) => r.category),
        ["red", "green", "blue"],
      );
      for (const r of result) {
        assert.ok(r.score > 0.9, `confident: ${r.score}`);
        assert.notEqual(r.runnerUp.category, r.category);
      }
    }));
  it("votes on colour: pure red, green and blue photos are rouge, vert and bleu, with prompts naming the category", () =>
    withMeanColour(async ({ classifier, vectors }) => {
      const top = (p: Record<string, number>) => Object.entries(p).sort((x, y) => y[1] - x[1])[0]!;
      // No category: "a photo of a red garment", the words this hand-built model knows.
      const generic = await classifier.color!(vectors, [null, null, null]);
      assert.deepEqual(
        generic.map((p) => top(p)[0]),
        ["rouge", "vert", "bleu"],
      );
      for (const p of generic) {
        assert.ok(top(p)[1] > 0.9, `sure: ${top(p)[1]}`);
        assert.ok(
          Math.abs(Object.values(p).reduce((a, b) => a + b, 0) - 1) < 1e-6,
          "probabilities of the 12",
        );
      }
      // Category "red": every colour prompt names a red garment ("a photo of a blue red garment"), so the
      // prompts are not the generic ones and the answer changes.
      const named = await classifier.color!(vectors, ["red", "red", "red"]);
      assert.notDeepEqual(named[1], generic[1]);
    }));
  it("a colour word goes into the label's own prompt, with the right article", () => {
    assert.equal(colorPrompt("a photo of a t-shirt", "orange"), "a photo of an orange t-shirt");
    assert.equal(colorPrompt("a photo of a t-shirt", "white"), "a photo of a white t-shirt");
    assert.equal(colorPrompt("a photo of jeans", "blue"), "a photo of blue jeans");
    assert.equal(colorPrompt("sneakers on a floor", "white"), "a photo of a white sneakers on a floor");
  });
  it("a label set file with a bad field is refused with the field named", async () => {
    await assert.rejects(
      loadLabelSet(join(FIXTURES, "grouping", "truth.json")),
      (e: VbulkError) => e.code === "BAD_INPUT" && /schemaVersion|labels/.test(e.message),
    );
  });
});
