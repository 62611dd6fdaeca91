import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { VbulkError } from "../core/errors.js";
import { parseModelJson } from "./manifest.js";

export interface ClipTokenizer {
  /** Token ids per text, each padded (with the pad token) or truncated to the context length, BOS/EOS kept. */
  encode(texts: string[]): BigInt64Array;
  contextLength: number;
}

/**
 * The model's own tokenizer (tokenizer.json + tokenizer_config.json), CLIP BPE. Pads to model_max_length (77)
 * with the pad token: the text encoder pools at the first EOS, so padding with EOS changes nothing.
 * Throws MODEL_MISSING when the files are absent, MODEL_CORRUPT when one is not JSON.
 */
export async function loadTokenizer(dir: string): Promise<ClipTokenizer> {
  const read = async (f: string) => {
    let text: string;
    try {
      text = await readFile(join(dir, f), "utf8");
    } catch (err) {
      throw new VbulkError(
        "MODEL_MISSING",
        `Expected ${f} in the model folder ${dir} but could not read it`,
        {
          hint: "A CLIP folder needs tokenizer.json and tokenizer_config.json beside the encoders (Hugging Face layout): copy them from the same export, or `vbulk models pull` the default model.",
          cause: err,
          // The folder is the user's to complete, as when an encoder is missing (exit 2, nothing written).
          exit: 2,
        },
      );
    }
    return parseModelJson(text, join(dir, f)) as Record<string, unknown>;
  };
  const json = await read("tokenizer.json");
  const config = await read("tokenizer_config.json");
  // Loaded here, not at start-up: only a run with a CLIP model tokenizes (a re-run from cache never does).
  const { Tokenizer } = await import("@huggingface/tokenizers");
  const tokenizer = new Tokenizer(json, config);
  const contextLength =
    typeof config["model_max_length"] === "number" && config["model_max_length"] < 1e6
      ? config["model_max_length"]
      : 77;
  const padToken = typeof config["pad_token"] === "string" ? config["pad_token"] : "<|endoftext|>";
  const padId = tokenizer.token_to_id(padToken) ?? 49407;
  return {
    contextLength,
    encode(texts) {
      const out = new BigInt64Array(texts.length * contextLength).fill(BigInt(padId));
      texts.forEach((t, row) => {
        let ids: number[] = tokenizer.encode(t).ids;
        // Truncate, keeping the end-of-text token last.
        if (ids.length > contextLength) ids = [...ids.slice(0, contextLength - 1), ids[ids.length - 1]!];
        ids.forEach((id, i) => {
          out[row * contextLength + i] = BigInt(id);
        });
      });
      return out;
    },
  };
}
