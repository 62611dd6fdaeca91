/**
 * The cost of the label tables (type, department and colour prompts) on a model's first ingest, or the first after
 * a change of label file, and on every later ingest, which reads them from the cache: `clip.classifier()` itself,
 * the call every ingest with a model makes (src/model/select.ts), with the ViT-B/32-sized int8 encoders of
 * ../shared/models/clip-b32-random-int8 (random weights, real sizes).
 *   npm run bench:prompts   a cold build into an empty cache, then 5 builds from that cache; time and peak RSS
 * Batches of 64 texts (the first version of this bench, 0a93a49) peaked at 788 MB where the code's 16 peak at
 * 541-548 MB, in about the same time.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { colorLabels, loadClip, loadLabelSet } from "../src/model/clip.js";
import { manifestForFolder } from "../src/model/manifest.js";
import { modelFolder } from "../test/helpers/models.js";
import { sharedPath } from "../test/helpers/shared.js";

const model = (f: string) => sharedPath("models", "clip-b32-random-int8", f);
const dir = await modelFolder(model("vision_model_quantized.onnx"), model("text_model_quantized.onnx"));
const manifest = await manifestForFolder(dir);
const cache = await mkdtemp(join(tmpdir(), "vbulk-labels-"));
const labels = await loadLabelSet("models/labels/garments.json");
const prompts = labels.labels.flatMap((l) => l.prompts).length;
const colours = colorLabels(labels).labels.length;
const times: number[] = [];
for (let run = 0; run < 6; run++) {
  const clip = await loadClip(dir, manifest, { device: "cpu" });
  const t = performance.now();
  await clip.classifier(labels, cache);
  times.push(performance.now() - t);
  await clip.close();
  if (run === 0)
    console.log(
      `cold: ${prompts} type, the department and ${colours} colour prompts in ${(times[0]! / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
}
const cached = times.slice(1).sort((a, b) => a - b);
console.log(
  `from the cache: ${cached[cached.length >> 1]!.toFixed(0)} ms median of ${cached.length} (${cached[0]!.toFixed(0)}-${cached.at(-1)!.toFixed(0)})`,
);
