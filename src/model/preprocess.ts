import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { PhotoPixels } from "../imaging/embedder.js";
import { loadSharp } from "../imaging/sharp.js";
import { parseWith } from "../store/read.js";
import { parseModelJson } from "./manifest.js";

/** CLIPImageProcessor settings, read from the model's preprocessor_config.json, never hard-coded. */
const PreprocessorSchema = z.object({
  do_resize: z.boolean().default(true),
  size: z
    .union([z.object({ shortest_edge: z.number().int().positive() }), z.number().int().positive()])
    .default({ shortest_edge: 224 }),
  do_center_crop: z.boolean().default(true),
  crop_size: z
    .union([
      z.object({ height: z.number().int().positive(), width: z.number().int().positive() }),
      z.number().int().positive(),
    ])
    .default({ height: 224, width: 224 }),
  do_rescale: z.boolean().default(true),
  rescale_factor: z.number().default(1 / 255),
  do_normalize: z.boolean().default(true),
  image_mean: z.tuple([z.number(), z.number(), z.number()]),
  image_std: z.tuple([z.number(), z.number(), z.number()]),
  /** PIL resample id: 3 bicubic (CLIP), 2 bilinear. */
  resample: z.number().int().default(3),
});

export interface Preprocessor {
  shortestEdge: number;
  cropHeight: number;
  cropWidth: number;
  rescale: number;
  mean: [number, number, number];
  std: [number, number, number];
  kernel: "cubic" | "linear";
}

/** Reads DIR/preprocessor_config.json. Throws BAD_INPUT naming the field, MODEL_MISSING when missing,
 *  MODEL_CORRUPT when it is not JSON. */
export async function loadPreprocessor(dir: string): Promise<Preprocessor> {
  const path = join(dir, "preprocessor_config.json");
  const { VbulkError } = await import("../core/errors.js");
  const text = await readFile(path, "utf8").catch(() => {
    throw new VbulkError(
      "MODEL_MISSING",
      `Expected preprocessor_config.json in the model folder ${dir} but found none`,
      {
        hint: "A CLIP folder in the Hugging Face layout has it beside tokenizer.json: copy it from the same export, or `vbulk models pull` the default model.",
        // The folder is the user's to complete, as when an encoder is missing (exit 2, nothing written).
        exit: 2,
      },
    );
  });
  const c = parseWith(
    PreprocessorSchema,
    parseModelJson(text, path),
    path,
    "Use the preprocessor_config.json that came with the model.",
  );
  const crop = typeof c.crop_size === "number" ? { height: c.crop_size, width: c.crop_size } : c.crop_size;
  return {
    shortestEdge: typeof c.size === "number" ? c.size : c.size.shortest_edge,
    cropHeight: crop.height,
    cropWidth: crop.width,
    rescale: c.do_rescale ? c.rescale_factor : 1,
    mean: c.do_normalize ? c.image_mean : [0, 0, 0],
    std: c.do_normalize ? c.image_std : [1, 1, 1],
    kernel: c.resample === 3 ? "cubic" : "linear",
  };
}

/**
 * The CLIP recipe with sharp, from the decoder's shrink-on-load pixels: shortest side to `shortestEdge`
 * (bicubic), centre crop, rescale, normalise, NCHW float32. Writes into `out` at `offset` (a batch tensor).
 */
export async function preprocessInto(
  p: PhotoPixels,
  pre: Preprocessor,
  out: Float32Array,
  offset: number,
): Promise<void> {
  const sharp = await loadSharp();
  // As transformers' get_resize_output_image_size: the short side becomes shortestEdge, the long one int(...) of it.
  const short = Math.min(p.pw, p.ph);
  const long = Math.max(p.pw, p.ph);
  const newLong = Math.floor((pre.shortestEdge * long) / short);
  const w = Math.max(pre.cropWidth, p.pw <= p.ph ? pre.shortestEdge : newLong);
  const h = Math.max(pre.cropHeight, p.pw <= p.ph ? newLong : pre.shortestEdge);
  const resized = await sharp(p.pixels, { raw: { width: p.pw, height: p.ph, channels: 3 } })
    .resize(w, h, { fit: "fill", kernel: pre.kernel })
    .extract({
      left: Math.floor((w - pre.cropWidth) / 2),
      top: Math.floor((h - pre.cropHeight) / 2),
      width: pre.cropWidth,
      height: pre.cropHeight,
    })
    .raw()
    .toBuffer();
  const plane = pre.cropWidth * pre.cropHeight;
  for (let c = 0; c < 3; c++) {
    const mean = pre.mean[c]!;
    const std = pre.std[c]!;
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (resized[i * 3 + c]! * pre.rescale - mean) / std;
  }
}
