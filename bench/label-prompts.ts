/**
 * The one-time cost of the label tables on a model's first ingest (or a new label file): the type, department and
 * colour prompts through the ViT-B/32-sized int8 text encoder of ../shared/models/clip-b32-random-int8 (random
 * weights, real sizes), in the batches the ingest uses. Later runs read the tables from the cache.
 *   npm run bench:prompts            all prompts, then the time and peak memory of each kind
 *   npm run bench:prompts -- --types only the type prompts (the peak memory without the colour ones)
 */
import {
  colorLabels,
  DEFAULT_DEPARTMENT_PROMPTS,
  loadClip,
  loadLabelSet,
  TEXT_BATCH,
} from "../src/model/clip.js";
import { manifestForFolder } from "../src/model/manifest.js";
import { modelFolder } from "../test/helpers/models.js";
import { sharedPath } from "../test/helpers/shared.js";

/** BATCH=64 npm run bench:prompts compares another batch size with the code's. */
const BATCH = Number(process.env["BATCH"] ?? TEXT_BATCH);
const model = (f: string) => sharedPath("models", "clip-b32-random-int8", f);
const dir = await modelFolder(model("vision_model_quantized.onnx"), model("text_model_quantized.onnx"));
const clip = await loadClip(dir, await manifestForFolder(dir), { device: "cpu" });
const labels = await loadLabelSet("models/labels/garments.json");
const kinds: [string, string[]][] = [
  ["type", labels.labels.flatMap((l) => l.prompts)],
  ["department", Object.values(labels.departments ?? DEFAULT_DEPARTMENT_PROMPTS).flat()],
  ["colour", colorLabels(labels).labels.flatMap((l) => l.prompts)],
];
await clip.embedTexts(["a photo of a garment"]); // opens the text encoder
for (const [kind, prompts] of kinds) {
  if (kind === "colour" && process.argv.includes("--types")) break;
  const t = performance.now();
  for (let i = 0; i < prompts.length; i += BATCH) await clip.embedTexts(prompts.slice(i, i + BATCH));
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${kind}: ${prompts.length} prompts in ${(performance.now() - t).toFixed(0)} ms, peak RSS ${rss.toFixed(0)} MB`,
  );
}
await clip.close();
