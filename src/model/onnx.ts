// Must run before onnxruntime-node loads: it turns off the library's telemetry files (see ort-env.ts).
import "./ort-env.js";
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { VbulkError } from "../core/errors.js";

/**
 * The one module that owns onnxruntime-node (as transformers.js keeps one backends/onnx.js): sessions, execution
 * providers, threads, tensors. Everything else passes plain typed arrays.
 */
export type Device = "cpu" | "cuda";

export interface Session {
  run(
    feeds: Record<string, { data: Float32Array | BigInt64Array; dims: number[] }>,
  ): Promise<Record<string, { data: Float32Array; dims: number[] }>>;
  inputNames: readonly string[];
  outputNames: readonly string[];
  /** Static size of an output's last dimension, when the model declares it (e.g. image_embeds → 512). */
  outputWidth(name: string): number | null;
  /** The execution provider actually in use (CUDA may have fallen back to CPU). */
  device: Device;
  release(): Promise<void>;
}

/**
 * Opens an ONNX model. Intra-op threads: one per core (decoding runs in libvips threads, queued before run()).
 * With device "cuda" it tries the CUDA provider and, if that fails, falls back to CPU and calls onFallback.
 * Throws MODEL_CORRUPT if the file cannot be loaded as a model.
 */
export async function openSession(
  path: string,
  device: Device,
  onFallback?: (reason: string) => void,
): Promise<Session> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: Math.max(1, availableParallelism()),
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    // onnxruntime logs a failed CUDA load itself at error level; vbulk reports the fallback in one line instead.
    logSeverityLevel: 4,
  };
  let session: ort.InferenceSession;
  let used: Device = "cpu";
  try {
    if (device === "cuda") {
      try {
        session = await ort.InferenceSession.create(path, { ...base, executionProviders: ["cuda", "cpu"] });
        used = "cuda";
      } catch (err) {
        onFallback?.(err instanceof Error ? err.message.split("\n")[0]! : String(err));
        session = await ort.InferenceSession.create(path, { ...base, executionProviders: ["cpu"] });
      }
    } else {
      session = await ort.InferenceSession.create(path, { ...base, executionProviders: ["cpu"] });
    }
  } catch (err) {
    throw new VbulkError(
      "MODEL_CORRUPT",
      `Expected a loadable ONNX model at ${path} but onnxruntime said: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
      {
        hint: "Run `vbulk models verify` and `vbulk models pull` to fetch it again.",
        cause: err,
      },
    );
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    outputWidth(name) {
      const meta = (
        session as unknown as { outputMetadata?: { name: string; shape?: (number | string)[] }[] }
      ).outputMetadata;
      const last = meta?.find((m) => m.name === name)?.shape?.at(-1);
      return typeof last === "number" ? last : null;
    },
    device: used,
    async run(feeds) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, { data, dims }] of Object.entries(feeds))
        tensors[name] = new ort.Tensor(data instanceof BigInt64Array ? "int64" : "float32", data, dims);
      const out = await session.run(tensors);
      const result: Record<string, { data: Float32Array; dims: number[] }> = {};
      for (const [name, t] of Object.entries(out))
        result[name] = { data: t.data as Float32Array, dims: [...t.dims] };
      return result;
    },
    release: () => session.release(),
  };
}
