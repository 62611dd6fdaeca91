// Must run before onnxruntime-node loads: it turns off the library's telemetry files (see ort-env.ts).
import "./ort-env.js";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import { VbulkError } from "../core/errors.js";
import { CACHED_MODEL_HINT, wrongKind } from "./manifest.js";

// The library's own log, which a session's logSeverityLevel does not reach: a failed CUDA load printed
// "[E:onnxruntime:…] Failed to load library …" in red on stderr, piped or not, before vbulk's one-line fallback.
// Read by the native binding when the first session is created, so set before any.
ort.env.logLevel = "fatal";

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
  /** Each input's element type and shape as the model declares it (a named dimension is a string). */
  inputs: readonly TensorInfo[];
  /** Static size of an output's last dimension, when the model declares it (e.g. image_embeds → 512). */
  outputWidth(name: string): number | null;
  /** The execution provider actually in use (CUDA may have fallen back to CPU). */
  device: Device;
  release(): Promise<void>;
}

/** An input as a model declares it: name, element type ("float32", "int64"…) and shape (names for free dims). */
export interface TensorInfo {
  name: string;
  type: string;
  shape: (number | string)[];
}

/** What the session thread is started with (onnx-worker.ts). */
export interface WorkerSetup {
  path: string;
  device: Device;
  intraOpThreads: number;
}
type Feeds = Record<string, { data: Float32Array | BigInt64Array; dims: number[] }>;
type Outputs = Record<string, { data: Float32Array; dims: number[] }>;
export type WorkerRequest = { type: "run"; id: number; feeds: Feeds } | { type: "release" };
export type WorkerReply =
  | {
      type: "ready";
      inputNames: string[];
      outputNames: string[];
      inputs: TensorInfo[];
      widths: Record<string, number | null>;
      device: Device;
      fallback: string | null;
    }
  | { type: "failed"; message: string }
  | { type: "result"; id: number; out: Outputs }
  | { type: "error"; id: number; message: string };

/**
 * Creates an onnxruntime session; with device "cuda" it tries the CUDA provider and, if that fails, falls back to
 * the CPU and says why (`fallback`). Throws onnxruntime's own error when the file is not a loadable model.
 */
export async function createSession(
  path: string,
  device: Device,
  intraOpThreads: number,
): Promise<{ session: ort.InferenceSession; device: Device; fallback: string | null }> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    // onnxruntime logs a failed CUDA load itself at error level; vbulk reports the fallback in one line instead.
    logSeverityLevel: 4,
    // Idle intra-op threads sleep instead of spinning: the cores are shared with libvips' decodes, and a spinning
    // thread takes a core from them between batches.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  };
  if (device === "cuda") {
    try {
      const session = await ort.InferenceSession.create(path, {
        ...base,
        executionProviders: ["cuda", "cpu"],
      });
      return { session, device: "cuda", fallback: null };
    } catch (err) {
      const fallback = err instanceof Error ? err.message.split("\n")[0]! : String(err);
      const session = await ort.InferenceSession.create(path, { ...base, executionProviders: ["cpu"] });
      return { session, device: "cpu", fallback };
    }
  }
  const session = await ort.InferenceSession.create(path, { ...base, executionProviders: ["cpu"] });
  return { session, device: "cpu", fallback: null };
}

/** Runs a session on plain typed arrays (int64 for BigInt64Array, else float32); outputs as plain arrays. */
export async function runSession(session: ort.InferenceSession, feeds: Feeds): Promise<Outputs> {
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, { data, dims }] of Object.entries(feeds))
    tensors[name] = new ort.Tensor(data instanceof BigInt64Array ? "int64" : "float32", data, dims);
  const out = await session.run(tensors);
  const result: Outputs = {};
  for (const [name, t] of Object.entries(out))
    result[name] = { data: t.data as Float32Array, dims: [...t.dims] };
  return result;
}

/** Static size of each output's last dimension, where the model declares it (e.g. image_embeds → 512). */
export function outputWidths(session: ort.InferenceSession): Record<string, number | null> {
  const meta = (session as unknown as { outputMetadata?: { name: string; shape?: (number | string)[] }[] })
    .outputMetadata;
  return Object.fromEntries(
    session.outputNames.map((name) => {
      const last = meta?.find((m) => m.name === name)?.shape?.at(-1);
      return [name, typeof last === "number" ? last : null];
    }),
  );
}

/** Each input's declared type and shape (onnxruntime's inputMetadata; empty shapes where it says nothing). */
export function inputInfo(session: ort.InferenceSession): TensorInfo[] {
  const meta = (
    session as unknown as { inputMetadata?: { name: string; type?: string; shape?: (number | string)[] }[] }
  ).inputMetadata;
  return session.inputNames.map((name) => {
    const m = meta?.find((i) => i.name === name);
    return { name, type: m?.type ?? "unknown", shape: [...(m?.shape ?? [])] };
  });
}

/** onnxruntime's words without what the message already says (the path) nor its C++ source location and
 *  signature ("…/model.cc:187 onnxruntime::Model::Model(onnx::ModelProto&&, …) ModelProto does not have a graph"). */
function plainWords(said: string): string {
  return said
    .replace(/^Load model from .* failed:\s*/, "")
    .replace(/^\S+\.(?:cc|cpp|h):\d+ .*\)\s+(?=\S)/, "");
}

/**
 * A model file onnxruntime could not load, in the user's words: an empty file is said to be empty (onnxruntime said
 * "ModelProto does not have a graph"), a file that does not start as an ONNX model (a web page, a JPEG) is said to
 * be none; otherwise onnxruntime's words.
 */
async function corrupt(path: string, said: string, cause?: unknown): Promise<VbulkError> {
  const size = await stat(path).then(
    (st) => st.size,
    () => null,
  );
  const kind = size ? await wrongKind(path, path).catch(() => null) : null;
  const what =
    size === 0
      ? "the file is empty (0 bytes)"
      : kind
        ? `it is not an ONNX model (onnxruntime said: ${plainWords(said)})`
        : `onnxruntime said: ${plainWords(said)}`;
  return new VbulkError("MODEL_CORRUPT", `Expected a loadable ONNX model at ${path} but ${what}`, {
    hint: CACHED_MODEL_HINT,
    ...(cause ? { cause } : {}),
  });
}

/**
 * Opens an ONNX model. Intra-op threads: one per core (decoding runs in libvips threads, queued before run()).
 * With device "cuda" it tries the CUDA provider and, if that fails, falls back to CPU and calls onFallback.
 * With `thread: true` the session lives on its own worker thread: run() then never blocks the calling thread
 * (onnxruntime-node's run() holds its thread for the whole batch, stalling the reads, hashes and decode steps of
 * the next photos; measured in bench/ingest.ts part 1). Throws MODEL_CORRUPT if the file cannot be loaded.
 */
export async function openSession(
  path: string,
  device: Device,
  onFallback?: (reason: string) => void,
  opts: { thread?: boolean } = {},
): Promise<Session> {
  const threads = Math.max(1, availableParallelism());
  if (opts.thread) return openThreadSession({ path, device, intraOpThreads: threads }, onFallback);
  let opened: Awaited<ReturnType<typeof createSession>>;
  try {
    opened = await createSession(path, device, threads);
  } catch (err) {
    throw await corrupt(path, err instanceof Error ? err.message.split("\n")[0]! : String(err), err);
  }
  const { session } = opened;
  if (opened.fallback) onFallback?.(opened.fallback);
  const widths = outputWidths(session);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputs: inputInfo(session),
    outputWidth: (name) => widths[name] ?? null,
    device: opened.device,
    run: (feeds) => runSession(session, feeds),
    release: () => session.release(),
  };
}

/**
 * The worker's entry: the compiled .js next to this file, or under a TypeScript loader (tests, `tsx`) the .ts
 * one, with the loader registered in the worker first (a worker does not inherit the loader's hooks).
 */
function workerScript(): { code: string; data: { entry: string; loader: string | null } } {
  const ts = import.meta.url.endsWith(".ts");
  return {
    code: `const { workerData: d } = require("node:worker_threads");
(async () => { if (d.boot.loader) (await import(d.boot.loader)).register(); await import(d.boot.entry); })();`,
    data: {
      entry: new URL(ts ? "./onnx-worker.ts" : "./onnx-worker.js", import.meta.url).href,
      loader: ts ? import.meta.resolve("tsx/esm/api") : null,
    },
  };
}

async function openThreadSession(
  setup: WorkerSetup,
  onFallback?: (reason: string) => void,
): Promise<Session> {
  const script = workerScript();
  // No flags of the parent's (an --input-type would turn the CommonJS bootstrap into a module).
  const worker = new Worker(script.code, {
    eval: true,
    execArgv: [],
    workerData: { ...setup, boot: script.data },
  });
  const pending = new Map<number, { resolve: (o: Outputs) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let gone: Error | null = null;
  let loadFailed = false;
  // The thread keeps the process alive only while a batch is in flight: a caller that never releases the
  // session does not hang the process at exit.
  const idle = () => {
    if (pending.size === 0) worker.unref();
  };
  const ready = new Promise<Extract<WorkerReply, { type: "ready" }>>((resolve, reject) => {
    worker.on("message", (m: WorkerReply) => {
      if (m.type === "ready") resolve(m);
      else if (m.type === "failed") {
        // Said once the file was looked at; the thread's exit that follows must not answer first.
        loadFailed = true;
        corrupt(setup.path, m.message).then(reject, reject);
      } else {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        idle();
        if (m.type === "result") p.resolve(m.out);
        else p.reject(new Error(`onnxruntime failed on ${setup.path}: ${m.message}`));
      }
    });
    const fail = (err: Error) => {
      gone ??= err;
      if (loadFailed) return;
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) =>
      fail(new Error(`the inference thread of ${setup.path} ended (exit ${code})`)),
    );
  });
  const info = await ready.catch(async (err) => {
    await worker.terminate();
    throw err;
  });
  idle();
  if (info.fallback) onFallback?.(info.fallback);
  return {
    inputNames: info.inputNames,
    outputNames: info.outputNames,
    inputs: info.inputs,
    outputWidth: (name) => info.widths[name] ?? null,
    device: info.device,
    run(feeds) {
      if (gone) return Promise.reject(gone);
      const id = nextId++;
      const own: Feeds = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, { data, dims }] of Object.entries(feeds)) {
        // Moved, not copied, when the array owns its whole buffer (a fresh batch tensor); else copied first.
        const whole =
          data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
        own[name] = { data: whole, dims };
        transfer.push(whole.buffer as ArrayBuffer);
      }
      return new Promise<Outputs>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ type: "run", id, feeds: own } satisfies WorkerRequest, transfer);
      });
    },
    async release() {
      if (gone) return;
      gone = new Error(`the inference session of ${setup.path} was released`);
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.ref();
      worker.postMessage({ type: "release" } satisfies WorkerRequest);
      await exited;
    },
  };
}
