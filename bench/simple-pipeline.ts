/**
 * The "simple well-made pipeline" of ../shared/performance.md, the floor vbulk's ingest is compared with:
 * sharp decode with shrink-on-load straight to 224x224 (`.rotate().resize(224, 224, { fit: "cover",
 * kernel: "cubic" }).raw()`), CLIP normalisation, batches of 8, the decodes of batch k+1 queued before `run()` of
 * batch k, the vision encoder with 2 intra-op threads. No hashing, no cache, no grouping: only what any CLIP
 * embedding of the photos must do.
 *
 *   tsx bench/simple-pipeline.ts PHOTOS_DIR VISION_MODEL.onnx
 */
import "../src/model/ort-env.js";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import sharp from "sharp";

const [dir, modelPath] = process.argv.slice(2);
if (!dir || !modelPath) throw new Error("usage: simple-pipeline PHOTOS_DIR VISION_MODEL.onnx");
const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];
const SIZE = 224;
const BATCH = 8;

const files = (await readdir(dir)).filter((f) => f.endsWith(".jpg")).sort();
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
  executionProviders: ["cpu"],
});
const decode = (f: string) =>
  sharp(join(dir, f))
    .rotate()
    .resize(SIZE, SIZE, { fit: "cover", kernel: "cubic" })
    .removeAlpha()
    .raw()
    .toBuffer();
const batches: string[][] = [];
for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
let pending = batches.length ? Promise.all(batches[0]!.map(decode)) : null;
let embedded = 0;
for (let b = 0; b < batches.length; b++) {
  const pixels = await pending!;
  pending = b + 1 < batches.length ? Promise.all(batches[b + 1]!.map(decode)) : null;
  const plane = SIZE * SIZE;
  const input = new Float32Array(pixels.length * 3 * plane);
  pixels.forEach((px, n) => {
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < plane; i++)
        input[n * 3 * plane + c * plane + i] = (px[i * 3 + c]! / 255 - MEAN[c]!) / STD[c]!;
  });
  const out = await session.run({
    pixel_values: new ort.Tensor("float32", input, [pixels.length, 3, SIZE, SIZE]),
  });
  embedded += out["image_embeds"]!.dims[0]!;
}
await session.release();
process.stdout.write(`${JSON.stringify({ embedded })}\n`);
