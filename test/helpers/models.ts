import { mkdir, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { FIXTURES, tempDir } from "./run.js";
import { sharedPath } from "./shared.js";

const TOKENIZER_FILES = [
  "tokenizer.json",
  "tokenizer_config.json",
  "preprocessor_config.json",
  "config.json",
  "special_tokens_map.json",
];

/**
 * A complete model folder in the Hugging Face layout, built in a temp dir from links (nothing copied): the given
 * encoders under onnx/ plus the real CLIP tokenizer and preprocessor files from ../shared.
 */
export async function modelFolder(vision: string, text: string): Promise<string> {
  const dir = await tempDir("vbulk-model-");
  await mkdir(join(dir, "onnx"));
  await symlink(vision, join(dir, "onnx", basename(vision)));
  await symlink(text, join(dir, "onnx", basename(text)));
  for (const f of TOKENIZER_FILES)
    await symlink(sharedPath("models", "clip-vit-b32-tokenizer", f), join(dir, f));
  return dir;
}

/** The tiny random CLIP, fp32 ("model") or int8 dynamic-quantized ("quantized"). */
export const tinyModel = (variant: "model" | "quantized" = "quantized") =>
  modelFolder(
    sharedPath(
      "models",
      "clip-tiny-random",
      variant === "model" ? "vision_model.onnx" : "vision_model_quantized.onnx",
    ),
    sharedPath(
      "models",
      "clip-tiny-random",
      variant === "model" ? "text_model.onnx" : "text_model_quantized.onnx",
    ),
  );

export const meanColourModel = () =>
  modelFolder(
    join(FIXTURES, "models", "mean-colour", "onnx", "vision_model.onnx"),
    join(FIXTURES, "models", "mean-colour", "onnx", "text_model.onnx"),
  );
