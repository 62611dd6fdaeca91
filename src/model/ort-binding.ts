import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { messageOf, VbulkError } from "../core/errors.js";

/**
 * Whether onnxruntime-node ships a native build for this platform, checked without loading it (loading it is what
 * fails). Its dist/binding.js requires `../bin/napi-v6/<platform>/<arch>/onnxruntime_binding.node`, and 1.30 has no
 * darwin/x64 one (Intel Macs, or an x64 Node under Rosetta on Apple silicon; huggingface/transformers.js#1634):
 * ingest downloaded the 150 MB model, then ended in "Cannot find module …" and "this is unexpected".
 * Returns the MODEL_UNSUPPORTED error (exit 2) naming the platform and the ways out, or undefined when the binding
 * is there. `platform`, `arch` and `exists` are for tests.
 */
export function unsupportedPlatform(
  platform: string = process.platform,
  arch: string = process.arch,
  exists: (path: string) => boolean = existsSync,
): VbulkError | undefined {
  let main: string;
  try {
    // Its package.json, not its main file: resolving the main file here left the later `import * as ort` of the
    // bundled CLI with no ort.env ("Cannot set properties of undefined (setting 'logLevel')").
    main = join(
      dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json")),
      "dist",
      "index.js",
    );
  } catch (err) {
    return onnxUnavailable(platform, arch, `onnxruntime-node is not installed: ${messageOf(err)}`);
  }
  const binding = join(dirname(main), "..", "bin", "napi-v6", platform, arch, "onnxruntime_binding.node");
  return exists(binding)
    ? undefined
    : onnxUnavailable(platform, arch, "onnxruntime-node ships no native build for it");
}

/** The error of a CLIP model that cannot run on this platform: said before any download, and when loading
 *  onnxruntime-node fails (a missing system library), never "unexpected". */
export function onnxUnavailable(platform: string, arch: string, why: string, cause?: unknown): VbulkError {
  return new VbulkError(
    "MODEL_UNSUPPORTED",
    `Expected a platform the CLIP model can run on (onnxruntime-node) but received ${platform}/${arch}: ${why}`,
    {
      hint: `Group the photos without the model (categories and colours from the model stay "unknown"): run the same command with --no-model, or set VBULK_OFFLINE=1.${platform === "darwin" && arch === "x64" ? " On a Mac with Apple silicon, install the arm64 build of Node.js (`node -p process.arch` prints x64 for an Intel build running under Rosetta)." : ""}`,
      context: { platform, arch },
      exit: 2,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
